"""Shared helpers of the golden-fixture generators: serialise tensors to JSON and the D2L layers.

A tensor is written as ``{"shape": [...], "dtype": "float32", "data": [flat row-major list]}``.
Float32 values are written with the shortest decimal that converts back to the same float32
(numpy's shortest round-trip repr), so ``new Float32Array(data)`` in JavaScript reproduces the exact
values PyTorch used; float64 values are written with Python's shortest round-trip repr. Integer
tensors (valid lengths) are written with dtype "int32", booleans with dtype "bool".

The D2L classes below are ported from the PyTorch edition of "Dive into Deep Learning", chapter 11
("Attention Mechanisms and Transformers"), line for line. The only change: ``nn.LazyLinear`` becomes
``nn.Linear`` with explicit in-features (there is no lazy shape inference to rely on here).
"""

from __future__ import annotations

import json
import math
from pathlib import Path
from typing import Any

import numpy as np
import torch
from torch import nn

ROOT = Path(__file__).resolve().parents[2]
MAX_BYTES = 300_000

_FLOAT_DTYPES = {torch.float32: "float32", torch.float64: "float64"}
_INT_DTYPES = {torch.int32, torch.int64, torch.int16, torch.int8, torch.uint8}


def _float32_list(t: torch.Tensor) -> list[float]:
    values = t.detach().cpu().contiguous().reshape(-1).numpy().astype(np.float32)
    out = []
    for v in values:
        short = float(repr(v).replace("np.float32(", "").rstrip(")"))
        # The JS side does double -> float32; make sure that lands on the same value.
        assert np.float32(short) == v or (np.isnan(v) and np.isnan(short)), (v, short)
        out.append(short)
    return out


def encode(obj: Any) -> Any:
    """Turns tensors (recursively inside dicts, lists and tuples) into JSON-ready dicts."""
    if isinstance(obj, torch.Tensor):
        t = obj.detach().cpu()
        shape = list(t.shape)
        if t.dtype in _FLOAT_DTYPES:
            dtype = _FLOAT_DTYPES[t.dtype]
            data = _float32_list(t) if dtype == "float32" else [float(v) for v in t.reshape(-1).tolist()]
        elif t.dtype in _INT_DTYPES:
            dtype, data = "int32", [int(v) for v in t.reshape(-1).tolist()]
        elif t.dtype == torch.bool:
            dtype, data = "bool", [bool(v) for v in t.reshape(-1).tolist()]
        else:
            raise TypeError(f"encode: unsupported dtype {t.dtype}")
        for v in data:
            if isinstance(v, float) and not math.isfinite(v):
                raise ValueError("encode: fixtures must hold finite numbers only")
        return {"shape": shape, "dtype": dtype, "data": data}
    if isinstance(obj, dict):
        return {str(k): encode(v) for k, v in obj.items()}
    if isinstance(obj, (list, tuple)):
        return [encode(v) for v in obj]
    if isinstance(obj, float) and not math.isfinite(obj):
        raise ValueError("encode: fixtures must hold finite numbers only")
    return obj


def f32(x: float) -> float:
    """A Python float holding a float32 value, written with its shortest float32 decimal."""
    return _float32_list(torch.tensor([x], dtype=torch.float32))[0]


def state_dict(module: nn.Module) -> dict[str, torch.Tensor]:
    """The module's state_dict with PyTorch's own key names, detached."""
    return {k: v.detach().clone() for k, v in module.state_dict().items()}


def meta(script: str, seed: int, **extra: Any) -> dict[str, Any]:
    return {
        "generator": f"tools/golden/{script}",
        "regenerate": f"/usr/bin/python3 tools/golden/{script}",
        "torch": torch.__version__,
        "seed": seed,
        **extra,
    }


def dump(path: str | Path, obj: Any) -> Path:
    """Writes ``obj`` (tensors encoded) as compact JSON to ``path`` (relative to the repo root)."""
    target = Path(path)
    if not target.is_absolute():
        target = ROOT / target
    target.parent.mkdir(parents=True, exist_ok=True)
    text = json.dumps(encode(obj), separators=(",", ":"), allow_nan=False)
    size = len(text.encode("utf-8")) + 1
    if size >= MAX_BYTES:
        raise ValueError(f"dump: {target} would be {size} bytes; fixtures must stay under {MAX_BYTES}")
    target.write_text(text + "\n", encoding="utf-8")
    print(f"wrote {target.relative_to(ROOT)} ({size} bytes)")
    return target


def loss_grads(out: torch.Tensor, wrt: dict[str, torch.Tensor], seed_r: torch.Tensor | None = None):
    """Backpropagates ``(out * R).sum()`` for a random ``R`` of out's shape and dtype.

    Returns ``(R, {name: grad})``; a missing gradient (input unused) is returned as zeros.
    """
    r = torch.randn(out.shape, dtype=out.dtype) if seed_r is None else seed_r
    for t in wrt.values():
        t.grad = None
    (out * r).sum().backward()
    grads = {k: (t.grad.clone() if t.grad is not None else torch.zeros_like(t)) for k, t in wrt.items()}
    return r, grads


# ---------------------------------------------------------------------------------------------
# D2L PyTorch edition, chapter 11 (ported faithfully; LazyLinear -> Linear with in-features).
# ---------------------------------------------------------------------------------------------


def sequence_mask(X, valid_len, value=0):  # D2L §10.7 (seq2seq), reused by masked_softmax
    """Mask irrelevant entries in sequences."""
    maxlen = X.size(1)
    mask = torch.arange((maxlen), dtype=torch.float32, device=X.device)[None, :] < valid_len[:, None]
    X[~mask] = value
    return X


def masked_softmax(X, valid_lens):  # D2L §11.3
    """Perform softmax operation by masking elements on the last axis."""

    # X: 3D tensor, valid_lens: 1D or 2D tensor
    def _sequence_mask(X, valid_len, value=0):
        maxlen = X.size(1)
        mask = torch.arange((maxlen), dtype=torch.float32, device=X.device)[None, :] < valid_len[:, None]
        X[~mask] = value
        return X

    if valid_lens is None:
        return nn.functional.softmax(X, dim=-1)
    else:
        shape = X.shape
        if valid_lens.dim() == 1:
            valid_lens = torch.repeat_interleave(valid_lens, shape[1])
        else:
            valid_lens = valid_lens.reshape(-1)
        # On the last axis, replace masked elements with a very large negative
        # value, whose exponentiation outputs 0
        X = _sequence_mask(X.reshape(-1, shape[-1]), valid_lens, value=-1e6)
        return nn.functional.softmax(X.reshape(shape), dim=-1)


class DotProductAttention(nn.Module):  # D2L §11.3
    """Scaled dot product attention."""

    def __init__(self, dropout):
        super().__init__()
        self.dropout = nn.Dropout(dropout)

    # Shape of queries: (batch_size, no. of queries, d)
    # Shape of keys: (batch_size, no. of key-value pairs, d)
    # Shape of values: (batch_size, no. of key-value pairs, value dimension)
    # Shape of valid_lens: (batch_size,) or (batch_size, no. of queries)
    def forward(self, queries, keys, values, valid_lens=None):
        d = queries.shape[-1]
        # Swap the last two dimensions of keys with keys.transpose(1, 2)
        scores = torch.bmm(queries, keys.transpose(1, 2)) / math.sqrt(d)
        self.attention_weights = masked_softmax(scores, valid_lens)
        return torch.bmm(self.dropout(self.attention_weights), values)


class AdditiveAttention(nn.Module):  # D2L §11.3
    """Additive attention."""

    def __init__(self, num_hiddens, dropout, query_size, key_size, **kwargs):
        super(AdditiveAttention, self).__init__(**kwargs)
        # D2L: nn.LazyLinear(num_hiddens, bias=False) etc.; same creation order W_k, W_q, w_v.
        self.W_k = nn.Linear(key_size, num_hiddens, bias=False)
        self.W_q = nn.Linear(query_size, num_hiddens, bias=False)
        self.w_v = nn.Linear(num_hiddens, 1, bias=False)
        self.dropout = nn.Dropout(dropout)

    def forward(self, queries, keys, values, valid_lens):
        queries, keys = self.W_q(queries), self.W_k(keys)
        # After dimension expansion, shape of queries: (batch_size, no. of
        # queries, 1, num_hiddens) and shape of keys: (batch_size, 1, no. of
        # key-value pairs, num_hiddens). Sum them up with broadcasting
        features = queries.unsqueeze(2) + keys.unsqueeze(1)
        features = torch.tanh(features)
        # There is only one output of self.w_v, so we remove the last
        # one-dimensional entry from the shape. Shape of scores: (batch_size,
        # no. of queries, no. of key-value pairs)
        scores = self.w_v(features).squeeze(-1)
        self.attention_weights = masked_softmax(scores, valid_lens)
        # Shape of values: (batch_size, no. of key-value pairs, value
        # dimension)
        return torch.bmm(self.dropout(self.attention_weights), values)


class MultiHeadAttention(nn.Module):  # D2L §11.5
    """Multi-head attention."""

    def __init__(self, num_hiddens, num_heads, dropout, bias=False, query_size=None, key_size=None,
                 value_size=None, **kwargs):
        super().__init__()
        self.num_heads = num_heads
        self.attention = DotProductAttention(dropout)
        # D2L: nn.LazyLinear(num_hiddens, bias=bias) for each; in-features default to num_hiddens.
        self.W_q = nn.Linear(query_size or num_hiddens, num_hiddens, bias=bias)
        self.W_k = nn.Linear(key_size or num_hiddens, num_hiddens, bias=bias)
        self.W_v = nn.Linear(value_size or num_hiddens, num_hiddens, bias=bias)
        self.W_o = nn.Linear(num_hiddens, num_hiddens, bias=bias)

    def forward(self, queries, keys, values, valid_lens):
        # Shape of queries, keys, or values:
        # (batch_size, no. of queries or key-value pairs, num_hiddens)
        # Shape of valid_lens: (batch_size,) or (batch_size, no. of queries)
        # After transposing, shape of output queries, keys, or values:
        # (batch_size * num_heads, no. of queries or key-value pairs,
        # num_hiddens / num_heads)
        queries = self.transpose_qkv(self.W_q(queries))
        keys = self.transpose_qkv(self.W_k(keys))
        values = self.transpose_qkv(self.W_v(values))

        if valid_lens is not None:
            # On axis 0, copy the first item (scalar or vector) for num_heads
            # times, then copy the next item, and so on
            valid_lens = torch.repeat_interleave(valid_lens, repeats=self.num_heads, dim=0)

        # Shape of output: (batch_size * num_heads, no. of queries,
        # num_hiddens / num_heads)
        output = self.attention(queries, keys, values, valid_lens)
        # Shape of output_concat: (batch_size, no. of queries, num_hiddens)
        output_concat = self.transpose_output(output)
        return self.W_o(output_concat)

    def transpose_qkv(self, X):
        """Transposition for parallel computation of multiple attention heads."""
        # Shape of input X: (batch_size, no. of queries or key-value pairs,
        # num_hiddens). Shape of output X: (batch_size, no. of queries or
        # key-value pairs, num_heads, num_hiddens / num_heads)
        X = X.reshape(X.shape[0], X.shape[1], self.num_heads, -1)
        # Shape of output X: (batch_size, num_heads, no. of queries or key-value
        # pairs, num_hiddens / num_heads)
        X = X.permute(0, 2, 1, 3)
        # Shape of output: (batch_size * num_heads, no. of queries or key-value
        # pairs, num_hiddens / num_heads)
        return X.reshape(-1, X.shape[2], X.shape[3])

    def transpose_output(self, X):
        """Reverse the operation of transpose_qkv."""
        X = X.reshape(-1, self.num_heads, X.shape[1], X.shape[2])
        X = X.permute(0, 2, 1, 3)
        return X.reshape(X.shape[0], X.shape[1], -1)


class PositionalEncoding(nn.Module):  # D2L §11.6
    """Positional encoding."""

    def __init__(self, num_hiddens, dropout, max_len=1000):
        super().__init__()
        self.dropout = nn.Dropout(dropout)
        # Create a long enough P
        self.P = torch.zeros((1, max_len, num_hiddens))
        X = torch.arange(max_len, dtype=torch.float32).reshape(-1, 1) / torch.pow(
            10000, torch.arange(0, num_hiddens, 2, dtype=torch.float32) / num_hiddens
        )
        self.P[:, :, 0::2] = torch.sin(X)
        self.P[:, :, 1::2] = torch.cos(X)

    def forward(self, X):
        X = X + self.P[:, : X.shape[1], :].to(X.device)
        return self.dropout(X)


class PositionWiseFFN(nn.Module):  # D2L §11.7
    """The positionwise feed-forward network."""

    def __init__(self, ffn_num_hiddens, ffn_num_outputs, ffn_num_inputs=None):
        super().__init__()
        # D2L: nn.LazyLinear(ffn_num_hiddens) / nn.LazyLinear(ffn_num_outputs), bias=True.
        self.dense1 = nn.Linear(ffn_num_inputs or ffn_num_outputs, ffn_num_hiddens)
        self.relu = nn.ReLU()
        self.dense2 = nn.Linear(ffn_num_hiddens, ffn_num_outputs)

    def forward(self, X):
        return self.dense2(self.relu(self.dense1(X)))


class AddNorm(nn.Module):  # D2L §11.7
    """The residual connection followed by layer normalization."""

    def __init__(self, norm_shape, dropout):
        super().__init__()
        self.dropout = nn.Dropout(dropout)
        self.ln = nn.LayerNorm(norm_shape)

    def forward(self, X, Y):
        return self.ln(self.dropout(Y) + X)


class TransformerEncoderBlock(nn.Module):  # D2L §11.7
    """The Transformer encoder block."""

    def __init__(self, num_hiddens, ffn_num_hiddens, num_heads, dropout, use_bias=False):
        super().__init__()
        self.attention = MultiHeadAttention(num_hiddens, num_heads, dropout, use_bias)
        self.addnorm1 = AddNorm(num_hiddens, dropout)
        self.ffn = PositionWiseFFN(ffn_num_hiddens, num_hiddens)
        self.addnorm2 = AddNorm(num_hiddens, dropout)

    def forward(self, X, valid_lens):
        Y = self.addnorm1(X, self.attention(X, X, X, valid_lens))
        return self.addnorm2(Y, self.ffn(Y))


class TransformerDecoderBlock(nn.Module):  # D2L §11.7
    # The i-th block in the Transformer decoder
    def __init__(self, num_hiddens, ffn_num_hiddens, num_heads, dropout, i):
        super().__init__()
        self.i = i
        self.attention1 = MultiHeadAttention(num_hiddens, num_heads, dropout)
        self.addnorm1 = AddNorm(num_hiddens, dropout)
        self.attention2 = MultiHeadAttention(num_hiddens, num_heads, dropout)
        self.addnorm2 = AddNorm(num_hiddens, dropout)
        self.ffn = PositionWiseFFN(ffn_num_hiddens, num_hiddens)
        self.addnorm3 = AddNorm(num_hiddens, dropout)

    def forward(self, X, state):
        enc_outputs, enc_valid_lens = state[0], state[1]
        # During training, all the tokens of any output sequence are processed
        # at the same time, so state[2][self.i] is None as initialized. When
        # decoding any output sequence token by token during prediction,
        # state[2][self.i] contains representations of the decoded output at
        # the i-th block up to the current time step
        if state[2][self.i] is None:
            key_values = X
        else:
            key_values = torch.cat((state[2][self.i], X), dim=1)
        state[2][self.i] = key_values
        if self.training:
            batch_size, num_steps, _ = X.shape
            # Shape of dec_valid_lens: (batch_size, num_steps), where every
            # row is [1, 2, ..., num_steps]
            dec_valid_lens = torch.arange(1, num_steps + 1, device=X.device).repeat(batch_size, 1)
        else:
            dec_valid_lens = None
        # Self-attention
        X2 = self.attention1(X, key_values, key_values, dec_valid_lens)
        Y = self.addnorm1(X, X2)
        # Encoder-decoder attention. Shape of enc_outputs:
        # (batch_size, num_steps, num_hiddens)
        Y2 = self.attention2(Y, enc_outputs, enc_outputs, enc_valid_lens)
        Z = self.addnorm2(Y, Y2)
        return self.addnorm3(Z, self.ffn(Z)), state
