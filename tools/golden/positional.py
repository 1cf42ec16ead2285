"""Golden fixtures for @attnkit/positional: D2L §11.6 sinusoidal PositionalEncoding.

Writes packages/positional/test/fixtures/positional.json; keys are described in
packages/positional/test/FIXTURES.md.

Regenerate: /usr/bin/python3 tools/golden/positional.py
"""

from __future__ import annotations

import sys

import torch

sys.dont_write_bytecode = True  # keep tools/golden free of __pycache__

from common import PositionalEncoding, dump, meta

SEED = 0
torch.manual_seed(SEED)

# D2L's example: encoding_dim, num_steps = 32, 60; PositionalEncoding(encoding_dim, 0).
encoding_dim, num_steps, max_len = 32, 60, 1000
pos_encoding = PositionalEncoding(encoding_dim, 0, max_len)
pos_encoding.eval()
X = pos_encoding(torch.zeros((1, num_steps, encoding_dim)))
P = pos_encoding.P[:, : X.shape[1], :]
assert torch.equal(X, P)

TAIL = [990, 995, 998, 999]
ROWS = [0, 1, 500, 999]


def exact_table(rows, num_hiddens):
    """P[i, 2j] = sin(i / 10000^(2j/d)), P[i, 2j+1] = cos(i / 10000^(2j/d)), all in float64."""
    i = torch.tensor(rows, dtype=torch.float64).reshape(-1, 1)
    denom = torch.pow(10000.0, torch.arange(0, num_hiddens, 2, dtype=torch.float64) / num_hiddens)
    angles = i / denom
    table = torch.zeros((len(rows), num_hiddens), dtype=torch.float64)
    table[:, 0::2] = torch.sin(angles)
    table[:, 1::2] = torch.cos(angles)
    return table


exact = exact_table(ROWS, encoding_dim)
float32_rows = pos_encoding.P[0, ROWS, :]

# forward(X) = X + P[:, :steps, :] (dropout 0) on a random batch.
forward_x = torch.randn((2, 10, encoding_dim))
forward_out = pos_encoding(forward_x)

dump(
    "packages/positional/test/fixtures/positional.json",
    {
        "meta": meta("positional.py", SEED, description="See packages/positional/test/FIXTURES.md."),
        "numHiddens": encoding_dim,
        "maxLen": max_len,
        "dropout": 0,
        "P60": P,
        "tail": {"positions": TAIL, "P": pos_encoding.P[0, TAIL, :]},
        "exact": {
            "positions": ROWS,
            "float64": exact,
            "float32": float32_rows,
            "maxAbsDiff": float((float32_rows.double() - exact).abs().max()),
        },
        "forward": {"X": forward_x, "output": forward_out},
    },
)
