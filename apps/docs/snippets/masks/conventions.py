import torch
import torch.nn.functional as F

valid_lens = torch.tensor([2, 3])
keep = torch.arange(4)[None, :] < valid_lens[:, None]          # True = may attend (sdpa)
key_padding_mask = ~keep                                        # True = padding (nn.MultiheadAttention)
causal = torch.ones(3, 3, dtype=torch.bool).tril()
additive = torch.zeros(3, 3).masked_fill(~causal, float('-inf'))  # 0 = attend, -inf = blocked

# Keras: MultiHeadAttention(...)(q, v, attention_mask=keep)   # 1 = attend, shape (B, T, S)
out = F.scaled_dot_product_attention(q, k, v, attn_mask=keep[:, None, None, :])
