"""Load a TransformerLM checkpoint saved by attnkit into PyTorch, check its output and sample.

    /usr/bin/python3 apps/docs/snippets/pytorch-interop/torch_from_attnkit.py tiny-lm-attnkit.safetensors
"""

import json
import pathlib
import struct
import sys

import torch

sys.dont_write_bytecode = True  # keep the docs' snippets free of __pycache__
from pytorch_lm import TinyLM, load_file  # the model class of the PyTorch → attnkit example

path = sys.argv[1] if len(sys.argv) > 1 else "tiny-lm-attnkit.safetensors"
blob = pathlib.Path(path).read_bytes()
metadata = json.loads(blob[8 : 8 + struct.unpack("<Q", blob[:8])[0]])["__metadata__"]

config = json.loads(metadata["config"])
model = TinyLM(**config)
model.load_state_dict(load_file(path))  # strict: every key and shape must match
model.eval()

vocab = json.loads(metadata["vocab"])
ids = [vocab.index(c) for c in metadata["prompt"]]
with torch.no_grad():
    logits = model(torch.tensor([ids]))[0, -1]
diff = (logits - torch.tensor(json.loads(metadata["logits"]))).abs().max().item()
print(f"max |PyTorch - attnkit| on the logits: {diff:.1e}")
assert diff < 1e-4

torch.manual_seed(0)
with torch.no_grad():
    for _ in range(60):
        window = torch.tensor([ids[-config["maxLen"] :]])
        probs = torch.softmax(model(window)[0, -1] / 0.7, dim=-1)
        ids.append(torch.multinomial(probs, 1).item())
print("".join(vocab[i] for i in ids))
