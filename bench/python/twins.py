"""PyTorch twins of the bench's attnkit workloads (bench/src/torch.ts drives this script).

Run by the bench as `/usr/bin/python3 bench/python/twins.py`; it reads one JSON command per line on
stdin and answers one JSON line on stdout, so the bench can interleave rounds of attnkit and
PyTorch in one run (attnkit, torch, attnkit, torch, ...) and cancel the host's drift.

Commands:
  {"cmd": "info"}  -> torch version, the BLAS library loaded in this process, thread count
  {"cmd": "load", "id": ..., "model": "lm" | "mha" | "g2p", "dir": ...}
      builds the twin from dir/manifest.json + dir/tensors.bin (config, initial float32 weights in
      attnkit's stateDict() names -- load_state_dict(strict=True) proves the twin has exactly
      attnkit's parameters -- and the fixed batch)
  {"cmd": "run", "id": ..., "steps": n, "threads": t}
      torch.set_num_threads(t), then n steps; returns each step's wall time (ms) and loss
  {"cmd": "quit"}

Every twin is plain eager PyTorch (no torch.compile, no jit), float32, on the CPU.
  lm:  the CLI's default TransformerLM: embedding * sqrt(d), pre-norm blocks with causal
       self-attention (rotary, half-split "rotate_half" on all head features, cos/sin tables
       from attnkit), FFN d -> ffn -> d with ReLU, final LayerNorm, linear head; cross-entropy,
       clip_grad_norm_(1), AdamW.
  mha: MultiHeadAttention self-attention without biases; loss = sum(out * G); backward.
  g2p: the encoder-decoder Transformer of `attnkit g2p train` (post-norm, sinusoidal positions,
       D2L masked softmax with valid lengths); cross-entropy with ignore_index and label
       smoothing, clip_grad_norm_(1), AdamW.
"""

import json
import math
import os
import sys
import time

import numpy as np
import torch
import torch.nn.functional as F
from torch import nn


def blas_libraries():
    """Shared libraries mapped into this process whose name says BLAS (after a product ran)."""
    a = torch.ones(64, 64)
    (a @ a).sum().item()
    found = set()
    try:
        with open("/proc/self/maps", encoding="utf-8") as maps:
            for line in maps:
                path = line.split()[-1] if len(line.split()) >= 6 else ""
                name = os.path.basename(path).lower()
                if "blas" in name or "mkl" in name or "blis" in name:
                    found.add(os.path.realpath(path))
    except OSError:
        pass
    return sorted(found)


def read_inputs(directory):
    with open(os.path.join(directory, "manifest.json"), encoding="utf-8") as f:
        manifest = json.load(f)
    raw = np.fromfile(os.path.join(directory, "tensors.bin"), dtype=np.uint8)
    tensors = {}
    for name, t in manifest["tensors"].items():
        dtype = np.float32 if t["dtype"] == "float32" else np.int32
        size = int(np.prod(t["shape"])) if t["shape"] else 1
        data = raw[t["offset"] : t["offset"] + size * 4].view(dtype).reshape(t["shape"])
        tensors[name] = torch.from_numpy(data.copy())
    return manifest["config"], tensors


class Attention(nn.Module):
    """attnkit's MultiHeadAttention without biases: W_q, W_k, W_v, W_o (out, in) as nn.Linear."""

    def __init__(self, d, heads):
        super().__init__()
        self.heads = heads
        self.W_q = nn.Linear(d, d, bias=False)
        self.W_k = nn.Linear(d, d, bias=False)
        self.W_v = nn.Linear(d, d, bias=False)
        self.W_o = nn.Linear(d, d, bias=False)

    def split(self, x):
        b, n, d = x.shape
        return x.reshape(b, n, self.heads, d // self.heads).transpose(1, 2)

    def forward(self, queries, keys, values, mask=None, rope=None):
        q, k, v = self.split(self.W_q(queries)), self.split(self.W_k(keys)), self.split(self.W_v(values))
        if rope is not None:
            q, k = rope(q), rope(k)
        scores = q @ k.transpose(-1, -2) / math.sqrt(q.shape[-1])
        if mask is not None:
            # D2L's masked softmax: positions past the valid length get -1e6 before the softmax.
            scores = scores.masked_fill(~mask, -1e6)
        out = torch.softmax(scores, dim=-1) @ v
        b, h, n, dh = out.shape
        return self.W_o(out.transpose(1, 2).reshape(b, n, h * dh))


class FFN(nn.Module):
    def __init__(self, d, hidden):
        super().__init__()
        self.dense1 = nn.Linear(d, hidden)
        self.dense2 = nn.Linear(hidden, d)

    def forward(self, x):
        return self.dense2(F.relu(self.dense1(x)))


class LMBlock(nn.Module):
    def __init__(self, d, heads, ffn):
        super().__init__()
        self.ln1 = nn.LayerNorm(d)
        self.attention = Attention(d, heads)
        self.ln2 = nn.LayerNorm(d)
        self.ffn = FFN(d, ffn)

    def forward(self, x, mask, rope):
        h = self.ln1(x)
        x = x + self.attention(h, h, h, mask, rope)
        return x + self.ffn(self.ln2(x))


class LM(nn.Module):
    def __init__(self, c, cos, sin):
        super().__init__()
        d = c["hiddens"]
        self.d = d
        self.embedding = nn.Embedding(c["vocab"], d)
        self.blks = nn.ModuleList([LMBlock(d, c["heads"], c["ffn"]) for _ in range(c["blocks"])])
        self.ln_f = nn.LayerNorm(d)
        self.dense = nn.Linear(d, c["vocab"])
        self.cos, self.sin = cos, sin  # (context, head size / 2)
        n = c["context"]
        self.mask = torch.tril(torch.ones(n, n, dtype=torch.bool))

    def rope(self, x):
        # Half-split pairs (x_j, x_{j + dh/2}) -> (a cos - b sin, b cos + a sin), all head features.
        a, b = x.chunk(2, dim=-1)
        return torch.cat([a * self.cos - b * self.sin, b * self.cos + a * self.sin], dim=-1)

    def forward(self, tokens):
        x = self.embedding(tokens) * math.sqrt(self.d)
        for blk in self.blks:
            x = blk(x, self.mask, self.rope)
        return self.dense(self.ln_f(x))


class AddNorm(nn.Module):
    def __init__(self, d):
        super().__init__()
        self.ln = nn.LayerNorm(d)

    def forward(self, x, y):
        return self.ln(x + y)


class EncoderBlock(nn.Module):
    def __init__(self, d, heads, ffn):
        super().__init__()
        self.attention = Attention(d, heads)
        self.addnorm1 = AddNorm(d)
        self.ffn = FFN(d, ffn)
        self.addnorm2 = AddNorm(d)

    def forward(self, x, mask):
        y = self.addnorm1(x, self.attention(x, x, x, mask))
        return self.addnorm2(y, self.ffn(y))


class DecoderBlock(nn.Module):
    def __init__(self, d, heads, ffn):
        super().__init__()
        self.attention1 = Attention(d, heads)
        self.addnorm1 = AddNorm(d)
        self.attention2 = Attention(d, heads)
        self.addnorm2 = AddNorm(d)
        self.ffn = FFN(d, ffn)
        self.addnorm3 = AddNorm(d)

    def forward(self, x, enc, causal, src_mask):
        y = self.addnorm1(x, self.attention1(x, x, x, causal))
        z = self.addnorm2(y, self.attention2(y, enc, enc, src_mask))
        return self.addnorm3(z, self.ffn(z))


def sinusoids(max_len, d):
    """D2L's PositionalEncoding table P (max_len, d): sin on even, cos on odd features."""
    pos = torch.arange(max_len, dtype=torch.float64).reshape(-1, 1)
    x = pos / torch.pow(10000, torch.arange(0, d, 2, dtype=torch.float64) / d)
    p = torch.zeros(max_len, d, dtype=torch.float64)
    p[:, 0::2] = torch.sin(x)
    p[:, 1::2] = torch.cos(x)
    return p.float()


class Stack(nn.Module):
    def __init__(self, vocab, d, blocks, make):
        super().__init__()
        self.embedding = nn.Embedding(vocab, d)
        self.blks = nn.ModuleDict({f"block{i}": make() for i in range(blocks)})


class Seq2Seq(nn.Module):
    """`Transformer` of @attnkit/transformer, post-norm (D2L section 11.7)."""

    def __init__(self, c):
        super().__init__()
        d, h, f = c["hiddens"], c["heads"], c["ffn"]
        self.d = d
        self.encoder = Stack(c["srcVocab"], d, c["blocks"], lambda: EncoderBlock(d, h, f))
        self.decoder = Stack(c["tgtVocab"], d, c["decoderBlocks"], lambda: DecoderBlock(d, h, f))
        self.decoder.dense = nn.Linear(d, c["tgtVocab"])
        self.P = sinusoids(c["maxLen"], d)

    def embed(self, stack, tokens):
        return stack.embedding(tokens) * math.sqrt(self.d) + self.P[: tokens.shape[1]]

    def forward(self, src, dec, src_lens):
        s, t = src.shape[1], dec.shape[1]
        src_mask = (torch.arange(s).reshape(1, 1, 1, s) < src_lens.reshape(-1, 1, 1, 1))
        causal = torch.tril(torch.ones(t, t, dtype=torch.bool))
        x = self.embed(self.encoder, src)
        for blk in self.encoder.blks.values():
            x = blk(x, src_mask)
        y = self.embed(self.decoder, dec)
        for blk in self.decoder.blks.values():
            y = blk(y, x, causal, src_mask)
        return self.decoder.dense(y)


class Trainer:
    def __init__(self, model, state, step_loss, optimizer):
        model.load_state_dict(state, strict=True)
        self.model = model
        self.step_loss = step_loss
        self.optimizer = optimizer

    def step(self):
        opt = self.optimizer
        if opt is not None:
            opt.zero_grad(set_to_none=True)
        else:
            self.model.zero_grad(set_to_none=True)
        loss = self.step_loss()
        loss.backward()
        if opt is not None:
            torch.nn.utils.clip_grad_norm_(self.model.parameters(), 1.0)
            opt.step()
        return loss.item()


def build(kind, directory):
    c, t = read_inputs(directory)
    weights = {k[len("w:") :]: v for k, v in t.items() if k.startswith("w:")}
    if kind == "lm":
        model = LM(c, t["cos"], t["sin"])
        inputs, targets = t["inputs"].long(), t["targets"].long()

        def loss():
            logits = model(inputs)
            return F.cross_entropy(logits.reshape(-1, logits.shape[-1]), targets.reshape(-1))

    elif kind == "mha":
        model = Attention(c["hiddens"], c["heads"])
        x, g = t["X"], t["G"]

        def loss():
            return (model(x, x, x) * g).sum()

    elif kind == "g2p":
        model = Seq2Seq(c)
        src, dec = t["src"].long(), t["decInput"].long()
        lens, labels = t["srcValidLens"].long(), t["labels"].long()

        def loss():
            logits = model(src, dec, lens)
            return F.cross_entropy(
                logits.reshape(-1, logits.shape[-1]),
                labels.reshape(-1),
                ignore_index=c["pad"],
                label_smoothing=c["labelSmoothing"],
            )

    else:
        raise ValueError(f"unknown model {kind}")
    model.train()
    opt = None
    if "lr" in c:
        opt = torch.optim.AdamW(
            model.parameters(), lr=c["lr"], betas=tuple(c["betas"]), eps=c.get("eps", 1e-8), weight_decay=c["weightDecay"]
        )
    return Trainer(model, weights, loss, opt)


def main():
    trainers = {}
    for line in sys.stdin:
        msg = json.loads(line)
        try:
            cmd = msg["cmd"]
            if cmd == "info":
                out = {
                    "torch": torch.__version__,
                    "blas": blas_libraries(),
                    "blasInfo": [p for p in torch.__config__.show().split(",") if "BLAS_INFO" in p],
                    "threads": torch.get_num_threads(),
                    "python": sys.version.split()[0],
                }
            elif cmd == "load":
                trainers[msg["id"]] = build(msg["model"], msg["dir"])
                out = {"ok": True}
            elif cmd == "run":
                torch.set_num_threads(int(msg["threads"]))
                tr = trainers[msg["id"]]
                times, losses = [], []
                for _ in range(int(msg["steps"])):
                    t0 = time.perf_counter()
                    losses.append(tr.step())
                    times.append((time.perf_counter() - t0) * 1000)
                out = {"times": times, "losses": losses}
            elif cmd == "drop":
                trainers.pop(msg["id"], None)
                out = {"ok": True}
            elif cmd == "quit":
                break
            else:
                raise ValueError(f"unknown command {cmd}")
        except Exception as e:  # reported to the bench, which marks the figure failed
            out = {"error": f"{type(e).__name__}: {e}"}
        sys.stdout.write(json.dumps(out) + "\n")
        sys.stdout.flush()


if __name__ == "__main__":
    torch.set_grad_enabled(True)
    main()
