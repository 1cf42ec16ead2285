import math
import torch

# One query attends over four key-value pairs: queries (batch 1, queries 1, d 2).
queries = torch.tensor([[[1., 0.]]])
keys = torch.tensor([[[1., 0.], [0., 1.], [1., 1.], [-1., 0.]]])
values = torch.tensor([[[1., 10.], [2., 20.], [3., 30.], [4., 40.]]])

# D2L's DotProductAttention without masking and dropout:
scores = torch.bmm(queries, keys.transpose(1, 2)) / math.sqrt(queries.shape[-1])
attention_weights = torch.softmax(scores, dim=-1)
print(attention_weights)  # tensor([[[0.3655, 0.1802, 0.3655, 0.0889]]])
print(torch.bmm(attention_weights, values))
