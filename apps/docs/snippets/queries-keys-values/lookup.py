import torch
from d2l import torch as d2l

# D2L §11.1: weights that match each query to exactly one key.
attention_weights = torch.eye(10).reshape((1, 1, 10, 10))
d2l.show_heatmaps(attention_weights, xlabel='Keys', ylabel='Queries')

# A soft lookup: a query between two keys gets a mix of their values.
keys = torch.tensor([1., 2., 3., 4.])
values = torch.tensor([10., 20., 30., 40.])
weights = torch.softmax(-(2.5 - keys) ** 2, dim=0)
print(weights @ values)  # tensor(25.)
