"""Golden fixtures for @attnkit/tensor's printing: PyTorch's ``str(tensor)`` for many tensors.

Writes packages/tensor/test/fixtures/format.json: each case holds a tensor (values, shape, dtype,
requires_grad) and the string PyTorch prints for it with the default print options (precision 4,
threshold 1000, edgeitems 3, linewidth 80): fixed and scientific notation, integer-valued floats,
nan/inf, ties of the 4-decimal rounding, summarised tensors, wrapped rows, int32, bool, float64,
empty and 0-d tensors. attnkit writes ``dtype=int32`` where PyTorch writes ``dtype=torch.int32``.

Regenerate: /usr/bin/python3 tools/golden/format.py
"""

from __future__ import annotations

import sys

import torch

sys.dont_write_bytecode = True  # keep tools/golden free of __pycache__

from common import dump, meta

torch.manual_seed(0)
cases = []


def case(name, t, requires_grad=False):
    if requires_grad:
        t = t.clone().requires_grad_(True)
    enc = t.detach()
    finite = torch.isfinite(enc) if enc.dtype.is_floating_point else torch.ones_like(enc, dtype=torch.bool)
    # JSON has no nan/inf: send them as strings.
    data = [v if f else str(v) for v, f in zip(enc.reshape(-1).tolist(), finite.reshape(-1).tolist())]
    if enc.dtype == torch.float32:
        data = [float(repr(torch.tensor(v).item())) if isinstance(v, float) else v for v in data]
    cases.append({
        "name": name,
        "shape": list(t.shape),
        "dtype": str(t.dtype).replace("torch.", ""),
        "requires_grad": requires_grad,
        "data": data,
        "str": str(t),
    })


case("randn (2, 3)", torch.randn(2, 3))
case("rand (3, 4)", torch.rand(3, 4))
case("d2l arange 12 reshape (3, 4) float", torch.arange(12, dtype=torch.float32).reshape(3, 4))
case("int-valued floats with negatives", torch.tensor([[-1.0, 2.0], [30.0, -400.0]]))
case("int-valued floats over 1000x range", torch.tensor([1.0, 2000.0]))
case("large values 1e9", torch.tensor([1.5e9, 2.0]))
case("tiny values", torch.tensor([1e-5, 0.5, 3.0]))
case("wide range", torch.tensor([0.001, 12.5, 3000.0]))
case("nan and inf", torch.tensor([float("nan"), 1.5, float("inf"), -float("inf")]))
case("nan and inf int mode", torch.tensor([float("nan"), 1.0, float("inf")]))
case("zeros", torch.zeros(2, 2))
case("negative zero", torch.tensor([-0.0, 1.25]))
case("ties of 4 decimals", torch.tensor([0.03125, 0.15625, 0.28125, 0.5]))
case("ties in scientific notation", torch.tensor([156245.0, -156255.0, 1.0]))
case("0-d", torch.tensor(3.14159))
case("0-d int", torch.tensor(7, dtype=torch.int32))
case("empty", torch.zeros(0))
case("empty (0, 3)", torch.zeros(0, 3))
case("empty int32", torch.zeros(0, dtype=torch.int32))
case("int32 vector", torch.tensor([1, -20, 300], dtype=torch.int32))
case("bool", torch.tensor([[True, False], [False, True]]))
case("float64", torch.randn(2, 2, dtype=torch.float64))
case("requires_grad", torch.randn(3), requires_grad=True)
case("long row wraps", torch.randn(30))
case("long int row wraps", torch.arange(40, dtype=torch.int32))
case("3-d", torch.randn(2, 3, 4))
case("4-d", torch.randn(2, 2, 2, 2))
case("summarised 1-d", torch.arange(1500, dtype=torch.float32) / 7)
case("summarised 2-d", torch.randn(40, 50))
case("summarised 3-d", torch.randn(11, 11, 11))
case("summarised int32", torch.arange(2000, dtype=torch.int32).reshape(40, 50))
case("not summarised at 1000", torch.arange(1000, dtype=torch.float32).reshape(10, 100))
case("scaled randn", torch.randn(3, 3) * 1000)
case("mixed magnitudes sci", torch.randn(4) * torch.tensor([1e-6, 1.0, 1e3, 1e6]))
case("softmax weights", torch.softmax(torch.randn(2, 5), dim=-1))
case("requires_grad long", torch.randn(2, 12), requires_grad=True)

dump("packages/tensor/test/fixtures/format.json", {"meta": meta("format.py", 0), "cases": cases})
