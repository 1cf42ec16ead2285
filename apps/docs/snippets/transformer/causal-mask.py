# D2L §11.7.3 (TransformerDecoderBlock.forward, training):
batch_size, num_steps, _ = X.shape
# Shape of dec_valid_lens: (batch_size, num_steps), where every row is
# [1, 2, ..., num_steps]
dec_valid_lens = torch.arange(1, num_steps + 1, device=X.device).repeat(batch_size, 1)

# The same as a boolean mask (PyTorch sdpa: True = may attend):
mask = torch.ones(num_steps, num_steps, dtype=torch.bool).tril()
