"""Golden fixtures for @attnkit/tensor's PyTorch-compatible random generator.

Writes packages/tensor/test/fixtures/rng.json, packages/layers/test/fixtures/dropout.json
(``F.dropout`` right after seeding), packages/layers/test/fixtures/init.json (``nn.Linear`` and
``nn.Embedding`` created right after seeding: their initial weights) and
packages/multihead/test/fixtures/init.json (D2L's MultiHeadAttention created right after seeding,
its state dict and its output). The first holds for many seeds, the exact outputs of
``torch.manual_seed(seed)`` followed by a sequence of random calls (rand, randn, normal, uniform_,
randint, randperm, bernoulli_, F.dropout), in float32 and float64, with sizes below and above 16
(randn's vectorised path) and calls in a row (the cached Box–Muller normal carries over).

The float32 values are PyTorch's CPU numbers on x86 with AVX2 (the build records its capability).

Regenerate: /usr/bin/python3 tools/golden/rng.py
"""

from __future__ import annotations

import sys

import torch
import torch.nn.functional as F

sys.dont_write_bytecode = True  # keep tools/golden free of __pycache__

from common import MultiHeadAttention, dump, meta, state_dict
from torch import nn

F32, F64 = torch.float32, torch.float64
NAMES = {F32: "float32", F64: "float64"}


def run(call):
    kind = call["op"]
    if kind == "rand":
        return torch.rand(call["shape"], dtype=call["dt"])
    if kind == "randn":
        return torch.randn(call["shape"], dtype=call["dt"])
    if kind == "normal":
        return torch.normal(call["mean"], call["std"], call["shape"], dtype=call["dt"])
    if kind == "uniform":
        return torch.empty(call["shape"], dtype=call["dt"]).uniform_(call["low"], call["high"])
    if kind == "randint":
        return torch.randint(call["low"], call["high"], call["shape"], dtype=torch.int64)
    if kind == "randperm":
        return torch.randperm(call["n"])
    if kind == "bernoulli":
        return torch.empty(call["shape"], dtype=call["dt"]).bernoulli_(call["p"])
    if kind == "dropout":
        return F.dropout(torch.ones(call["shape"], dtype=call["dt"]), call["p"], training=True)
    raise ValueError(kind)


def sequence(i):
    """A varied but deterministic sequence of calls for the i-th seed."""
    dt = F32 if i % 2 == 0 else F64
    n = [1, 3, 15, 16, 17, 31, 32, 33, 50, 100][i % 10]
    return [
        {"op": "rand", "shape": [2, 3], "dt": dt},
        {"op": "randn", "shape": [n], "dt": F32},
        {"op": "randn", "shape": [3], "dt": F32},
        {"op": "randn", "shape": [n + 7], "dt": F64},
        {"op": "normal", "mean": 0.5, "std": 2.5, "shape": [n], "dt": dt},
        {"op": "uniform", "low": -2.0, "high": 3.0, "shape": [5], "dt": dt},
        {"op": "randint", "low": -3, "high": 1000 + i, "shape": [6]},
        {"op": "randperm", "n": 3 + i % 9},
        {"op": "bernoulli", "p": 0.3, "shape": [8], "dt": F32},
        {"op": "dropout", "p": 0.1 + 0.1 * (i % 5), "shape": [4, 5], "dt": dt},
        {"op": "randn", "shape": [2, 2, 5], "dt": dt},
    ]


SEEDS = [0, 1, 2, 3, 7, 42, 123, 999, 2024, 31337, 67280421310721, 2**32 + 5, -1, -12345]
cases = []
for i, seed in enumerate(SEEDS):
    torch.manual_seed(seed)
    calls = sequence(i)
    outs = []
    for call in calls:
        out = run(call)
        args = {k: (NAMES[v] if k == "dt" else v) for k, v in call.items()}
        outs.append({"call": args, "output": out})
    cases.append({"seed": seed, "calls": outs})

# The D2L numbers a reader sees first: torch.manual_seed(0) then one call.
torch.manual_seed(0)
d2l = {"randn_2_3": torch.randn(2, 3), "rand_3": torch.rand(3)}
torch.manual_seed(0)
d2l["normal_0_0.01_1000_2_head"] = torch.normal(0, 0.01, (1000, 2))[:4]

# Dropout right after seeding (for @attnkit/layers' dropout): F.dropout(x, p) of a random x.
dropout = []
for seed, p, dt in [(0, 0.5, F32), (1, 0.1, F32), (2, 0.9, F64), (42, 0.3, F32), (7, 0.25, F64)]:
    x = torch.linspace(-2, 2, 24, dtype=dt).reshape(2, 3, 4)
    torch.manual_seed(seed)
    dropout.append({"seed": seed, "p": p, "input": x, "output": F.dropout(x, p, training=True)})

dump(
    "packages/tensor/test/fixtures/rng.json",
    {"meta": meta("rng.py", 0, cpu=torch.__config__.show().split("CPU capability usage: ")[1].split("\n")[0]),
     "cases": cases, "d2l": d2l},
)
dump("packages/layers/test/fixtures/dropout.json", {"meta": meta("rng.py", 0), "cases": dropout})

# Initial weights of modules created right after seeding (for @attnkit/layers).
init = []
for seed, (i, o, bias) in [(0, (4, 3, True)), (1, (20, 7, True)), (2, (5, 16, False)), (42, (32, 32, True))]:
    torch.manual_seed(seed)
    layer = nn.Linear(i, o, bias=bias)
    init.append({"seed": seed, "module": "Linear", "inFeatures": i, "outFeatures": o, "bias": bias,
                 "state": state_dict(layer)})
for seed, (n, d) in [(3, (10, 4)), (5, (50, 16))]:
    torch.manual_seed(seed)
    init.append({"seed": seed, "module": "Embedding", "numEmbeddings": n, "embeddingDim": d,
                 "state": state_dict(nn.Embedding(n, d))})
dump("packages/layers/test/fixtures/init.json", {"meta": meta("rng.py", 0), "cases": init})

# D2L's MultiHeadAttention (§11.5) created right after seeding, in eval mode (for @attnkit/multihead).
torch.manual_seed(0)
mha = MultiHeadAttention(8, 2, 0.5, query_size=8, key_size=8, value_size=8)
mha.eval()
X = torch.linspace(-1, 1, 2 * 4 * 8).reshape(2, 4, 8)
Y = torch.linspace(1, -1, 2 * 6 * 8).reshape(2, 6, 8)
valid_lens = torch.tensor([3, 2])
with torch.no_grad():
    out = mha(X, Y, Y, valid_lens)
dump("packages/multihead/test/fixtures/init.json", {
    "meta": meta("rng.py", 0),
    "numHiddens": 8, "numHeads": 2, "queries": X, "keys": Y, "validLens": valid_lens.to(torch.int32),
    "state": state_dict(mha), "output": out,
})
