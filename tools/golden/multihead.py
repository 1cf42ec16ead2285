"""Golden fixtures for @attnkit/multihead: D2L §11.5 MultiHeadAttention (bias=False, eval mode).

Writes packages/multihead/test/fixtures/multihead.json; keys are described in
packages/multihead/test/FIXTURES.md.

Regenerate: /usr/bin/python3 tools/golden/multihead.py
"""

from __future__ import annotations

import sys

import torch

sys.dont_write_bytecode = True  # keep tools/golden free of __pycache__

from common import MultiHeadAttention, dump, loss_grads, meta, state_dict

SEED = 0
torch.manual_seed(SEED)


def quantize_(module, decimals):
    """Rounds every parameter to `decimals` places so the 100x100 matrices fit the size budget."""
    with torch.no_grad():
        for p in module.parameters():
            p.copy_(torch.round(p * 10**decimals) / 10**decimals + 0.0)  # + 0.0 turns -0.0 into 0.0


def run(attention, queries, keys, values, valid_lens, with_grads, same_kv):
    """One forward (and optionally backward of sum(out * R)) of `attention` in eval mode."""
    q = queries.clone().requires_grad_(True)
    k = keys.clone().requires_grad_(True)
    v = k if same_kv else values.clone().requires_grad_(True)
    out = attention(q, k, v, valid_lens)
    # With same_kv (D2L's attention(X, Y, Y)), "values" is left out: the values are the keys.
    case = {"queries": queries, "keys": keys, **({} if same_kv else {"values": values})}
    case.update(
        {
            "validLens": valid_lens,
            "output": out.detach(),
            "attentionWeights": attention.attention.attention_weights.detach(),
        }
    )
    if with_grads:
        wrt = {"queries": q, "keys": k} if same_kv else {"queries": q, "keys": k, "values": v}
        r, grads = loss_grads(out, {**wrt, **dict(attention.named_parameters())})
        case["R"] = r
        case["grads"] = grads
    return case


# D2L's example: num_hiddens, num_heads = 100, 5; dropout 0.5 (eval mode, so inactive);
# X (2, 4, 100), Y (2, 6, 100), valid_lens [3, 2], called as attention(X, Y, Y, valid_lens).
num_hiddens, num_heads = 100, 5
attention = MultiHeadAttention(num_hiddens, num_heads, 0.5)
quantize_(attention, 2)
attention.eval()
batch_size, num_queries, num_kvpairs = 2, 4, 6
valid_lens = torch.tensor([3, 2])
# N(0, 1) inputs rounded to 2 decimals (short JSON); the rounded values are what PyTorch sees.
X = torch.round(torch.randn((batch_size, num_queries, num_hiddens)) * 100) / 100 + 0.0
Y = torch.round(torch.randn((batch_size, num_kvpairs, num_hiddens)) * 100) / 100 + 0.0
d2l = {
    "numHiddens": num_hiddens,
    "numHeads": num_heads,
    "dropout": 0.5,
    "stateDict": state_dict(attention),
    "random": run(attention, X, Y, Y, valid_lens, with_grads=False, same_kv=True),
    # D2L itself feeds ones; every key is then equal, so weights are uniform over the valid keys.
    # The all-ones inputs are left out of the fixture: queries (2, 4, 100), keys = values (2, 6, 100).
    "ones": {
        k: v
        for k, v in run(
            attention,
            torch.ones((batch_size, num_queries, num_hiddens)),
            torch.ones((batch_size, num_kvpairs, num_hiddens)),
            None,
            valid_lens,
            with_grads=False,
            same_kv=True,
        ).items()
        if k not in ("queries", "keys")
    },
}

# Small cases with gradients: numHiddens 8, 2 heads.
small_attention = MultiHeadAttention(8, 2, 0.5)
small_attention.eval()
Xs = torch.randn((2, 4, 8))
Ys = torch.randn((2, 6, 8))
Vs = torch.randn((2, 6, 8))
small = {
    "numHiddens": 8,
    "numHeads": 2,
    "dropout": 0.5,
    "stateDict": state_dict(small_attention),
    # D2L's call pattern attention(X, Y, Y, valid_lens); grads["keys"] is d/dY through both paths.
    "selfKeysValues": run(small_attention, Xs, Ys, Ys, valid_lens, with_grads=True, same_kv=True),
    # Distinct keys and values with per-query valid lengths (batch, queries).
    "validLens2d": run(
        small_attention, Xs, Ys, Vs, torch.tensor([[1, 2, 3, 6], [6, 4, 0, 2]]), with_grads=True, same_kv=False
    ),
    "noValidLens": run(small_attention, Xs, Ys, Vs, None, with_grads=True, same_kv=False),
}

# transpose_qkv / transpose_output on their own (pure reshapes; num_heads 2).
T = torch.arange(2 * 3 * 8, dtype=torch.float32).reshape(2, 3, 8)
qkv = small_attention.transpose_qkv(T)
transposes = {
    "numHeads": 2,
    "X": T,
    "transposeQKV": qkv,
    "transposeOutput": small_attention.transpose_output(qkv),
}

dump(
    "packages/multihead/test/fixtures/multihead.json",
    {
        "meta": meta("multihead.py", SEED, description="See packages/multihead/test/FIXTURES.md."),
        "d2l": d2l,
        "small": small,
        "transposes": transposes,
    },
)
