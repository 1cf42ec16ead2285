"""Golden fixtures for @attnkit/scoring: D2L §11.2 (Nadaraya–Watson) and §11.3 (scoring functions).

Writes packages/scoring/test/fixtures/scoring.json; keys are described in
packages/scoring/test/FIXTURES.md.

Regenerate: /usr/bin/python3 tools/golden/scoring.py
"""

from __future__ import annotations

import sys

import torch
from torch import nn

sys.dont_write_bytecode = True  # keep tools/golden free of __pycache__

from common import AdditiveAttention, DotProductAttention, dump, f32, loss_grads, meta, state_dict

SEED = 0

# ---------------------------------------------------------------------------------------------
# §11.3 Attention scoring functions, in D2L's order: DotProductAttention, then AdditiveAttention.
# ---------------------------------------------------------------------------------------------
torch.manual_seed(SEED)
queries = torch.normal(0, 1, (2, 1, 2))
keys = torch.normal(0, 1, (2, 10, 2))
values = torch.normal(0, 1, (2, 10, 4))
valid_lens = torch.tensor([2, 6])

attention = DotProductAttention(dropout=0.5)
attention.eval()
q, k, v = (t.clone().requires_grad_(True) for t in (queries, keys, values))
out = attention(q, k, v, valid_lens)
assert out.shape == (2, 1, 4)
r, grads = loss_grads(out, {"queries": q, "keys": k, "values": v})
dot = {
    "dropout": 0.5,
    "queries": queries,
    "keys": keys,
    "values": values,
    "validLens": valid_lens,
    "output": out.detach(),
    "attentionWeights": attention.attention_weights.detach(),
    "R": r,
    "grads": grads,
}

# The same attention without a mask.
q, k, v = (t.clone().requires_grad_(True) for t in (queries, keys, values))
out = attention(q, k, v, None)
r, grads = loss_grads(out, {"queries": q, "keys": k, "values": v})
dot_unmasked = {
    "queries": queries,
    "keys": keys,
    "values": values,
    "validLens": None,
    "output": out.detach(),
    "attentionWeights": attention.attention_weights.detach(),
    "R": r,
    "grads": grads,
}

add_queries = torch.normal(0, 1, (2, 1, 20))
additive_attention = AdditiveAttention(num_hiddens=8, dropout=0.1, query_size=20, key_size=2)
additive_attention.eval()
q, k, v = (t.clone().requires_grad_(True) for t in (add_queries, keys, values))
out = additive_attention(q, k, v, valid_lens)
assert out.shape == (2, 1, 4)
params = dict(additive_attention.named_parameters())
r, grads = loss_grads(out, {"queries": q, "keys": k, "values": v, **params})
additive = {
    "numHiddens": 8,
    "dropout": 0.1,
    "stateDict": state_dict(additive_attention),
    "queries": add_queries,
    "keys": keys,
    "values": values,
    "validLens": valid_lens,
    "output": out.detach(),
    "attentionWeights": additive_attention.attention_weights.detach(),
    "R": r,
    "grads": grads,
}

# ---------------------------------------------------------------------------------------------
# §11.2 Attention pooling: Nadaraya–Watson kernel regression (D2L PyTorch edition, 0.17 text).
# ---------------------------------------------------------------------------------------------
torch.manual_seed(SEED)
n_train = 50  # No. of training examples
x_train, _ = torch.sort(torch.rand(n_train) * 5)  # Training inputs


def f(x):
    return 2 * torch.sin(x) + x**0.8


y_train = f(x_train) + torch.normal(0.0, 0.5, (n_train,))  # Training outputs
x_test = torch.arange(0, 5, 0.1)  # Testing examples
y_truth = f(x_test)  # Ground-truth outputs for the testing examples
n_test = len(x_test)  # No. of testing examples

# Average pooling
y_hat_avg = torch.repeat_interleave(y_train.mean(), n_test)

# Nonparametric attention pooling with a Gaussian kernel.
# Shape of `X_repeat`: (`n_test`, `n_train`), where each row contains the
# same testing inputs (i.e., same queries)
X_repeat = x_test.repeat_interleave(n_train).reshape((-1, n_train))
# Note that `x_train` contains the keys. Shape of `attention_weights`:
# (`n_test`, `n_train`), where each row contains attention weights to be
# assigned among the values (`y_train`) given each query
np_attention_weights = nn.functional.softmax(-((X_repeat - x_train) ** 2) / 2, dim=1)
# Each element of `y_hat` is weighted average of values, where weights are
# attention weights
np_y_hat = torch.matmul(np_attention_weights, y_train)


class NWKernelRegression(nn.Module):
    def __init__(self, w0, **kwargs):
        super().__init__(**kwargs)
        # D2L: nn.Parameter(torch.rand((1,), requires_grad=True)); fixed here so the run is reproducible.
        self.w = nn.Parameter(torch.tensor([w0], dtype=torch.float32))

    def forward(self, queries, keys, values):
        # Shape of the output `queries` and `attention_weights`:
        # (no. of queries, no. of key-value pairs)
        queries = queries.repeat_interleave(keys.shape[1]).reshape((-1, keys.shape[1]))
        self.attention_weights = nn.functional.softmax(-(((queries - keys) * self.w) ** 2) / 2, dim=1)
        # Shape of `values`: (no. of queries, no. of key-value pairs)
        return torch.bmm(self.attention_weights.unsqueeze(1), values.unsqueeze(-1)).reshape(-1)


# Shape of `X_tile`: (`n_train`, `n_train`), where each column contains the
# same training inputs
X_tile = x_train.repeat((n_train, 1))
# Shape of `Y_tile`: (`n_train`, `n_train`), where each column contains the
# same training outputs
Y_tile = y_train.repeat((n_train, 1))
# Shape of `keys`: ('n_train', 'n_train' - 1)
train_keys = X_tile[(1 - torch.eye(n_train)).type(torch.bool)].reshape((n_train, -1))
# Shape of `values`: ('n_train', 'n_train' - 1)
train_values = Y_tile[(1 - torch.eye(n_train)).type(torch.bool)].reshape((n_train, -1))

W0 = 1.0
LR = 0.5
net = NWKernelRegression(W0)
loss = nn.MSELoss(reduction="none")
trainer = torch.optim.SGD(net.parameters(), lr=LR)
history = {"loss": [], "wGrad": [], "w": []}
for epoch in range(5):
    trainer.zero_grad()
    l = loss(net(x_train, train_keys, train_values), y_train)
    l.sum().backward()
    history["wGrad"].append(f32(net.w.grad[0].item()))
    trainer.step()
    # D2L prints float(l.sum()): the loss before this epoch's step.
    history["loss"].append(f32(l.sum().item()))
    history["w"].append(f32(net.w[0].item()))

# Shape of `keys`: (`n_test`, `n_train`), where each column contains the same
# training inputs (i.e., same keys)
test_keys = x_train.repeat((n_test, 1))
# Shape of `value`: (`n_test`, `n_train`)
test_values = y_train.repeat((n_test, 1))
with torch.no_grad():
    p_y_hat = net(x_test, test_keys, test_values)
p_attention_weights = net.attention_weights.detach()

nadaraya_watson = {
    "xTrain": x_train,
    "yTrain": y_train,
    "xTest": x_test,
    "yTruth": y_truth,
    "averagePooling": {"yHat": y_hat_avg},
    "nonparametric": {"attentionWeights": np_attention_weights, "yHat": np_y_hat},
    "parametric": {
        "w0": W0,
        "lr": LR,
        "epochs": 5,
        "trainKeys": train_keys,
        "trainValues": train_values,
        "history": history,
        "wFinal": f32(net.w[0].item()),
        "attentionWeights": p_attention_weights,
        "yHat": p_y_hat,
    },
}

dump(
    "packages/scoring/test/fixtures/scoring.json",
    {
        "meta": meta("scoring.py", SEED, description="See packages/scoring/test/FIXTURES.md."),
        "dotProductAttention": dot,
        "dotProductAttentionUnmasked": dot_unmasked,
        "additiveAttention": additive,
        "nadarayaWatson": nadaraya_watson,
    },
)
