import torch
from d2l import torch as d2l

def f(x):
    return 2 * torch.sin(x) + x

n = 40
x_train, _ = torch.sort(torch.rand(n) * 5)
y_train = f(x_train) + torch.randn(n)
x_val = torch.arange(0, 5, 0.1)
y_val = f(x_val)

def nadaraya_watson(x_train, y_train, x_val, kernel):
    dists = x_train.reshape((-1, 1)) - x_val.reshape((1, -1))
    # Each column/row corresponds to each query/key
    k = kernel(dists).type(torch.float32)
    # Normalization over keys for each query
    attention_w = k / k.sum(0)
    y_hat = y_train @ attention_w
    return y_hat, attention_w

# (kernels as on the tab "kernels"); plot predictions and the Gaussian weights:
y_hat, attention_w = nadaraya_watson(x_train, y_train, x_val, gaussian)
d2l.show_heatmaps(attention_w.T.reshape(1, 1, 50, 40),
                  xlabel='Training inputs', ylabel='Validation inputs')
