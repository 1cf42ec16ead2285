"""Golden fixtures for @attnkit/tensor's repeat, tile, chunk, masked_select and masked_scatter.

Writes packages/tensor/test/fixtures/ergonomics.json: each case holds the op, its arguments, the
float32 inputs, the output(s), a fixed random R per output and the gradients of sum(out * R)
with respect to every float input. These are the semantics a D2L reader ports by hand:
``Tensor.repeat`` vs ``torch.tile`` (padding of reps), ``torch.chunk``'s uneven last chunk and
fewer chunks than asked, boolean-mask indexing with broadcasting.

Regenerate: /usr/bin/python3 tools/golden/ergonomics.py
"""

from __future__ import annotations

import sys

import torch

sys.dont_write_bytecode = True  # keep tools/golden free of __pycache__

from common import dump, meta

torch.manual_seed(0)
cases = []


def case(name, op, fn, inputs, args, masks=None):
    leaves = [x.clone().requires_grad_(True) for x in inputs]
    outs = fn(*leaves)
    outs = list(outs) if isinstance(outs, (tuple, list)) else [outs]
    rs = [torch.randn(o.shape) for o in outs]
    loss = sum((o * r).sum() for o, r in zip(outs, rs))
    loss.backward()
    cases.append({
        "name": name, "op": op, "args": args, "inputs": inputs, "masks": masks or [],
        "outputs": [o.detach() for o in outs], "R": rs,
        "grads": [x.grad if x.grad is not None else torch.zeros_like(x) for x in leaves],
    })


x23 = torch.randn(2, 3)
case("repeat (2,3) by (2,1,2)", "repeat", lambda x: x.repeat(2, 1, 2), [x23], {"repeats": [2, 1, 2]})
case("repeat (3) by (2,2)", "repeat", lambda x: x.repeat(2, 2), [torch.randn(3)], {"repeats": [2, 2]})
case("tile (2,2) by (2)", "tile", lambda x: torch.tile(x, (2,)), [torch.randn(2, 2)], {"reps": [2]})
case("tile (2,3) by (3,1,2)", "tile", lambda x: torch.tile(x, (3, 1, 2)), [x23], {"reps": [3, 1, 2]})
case("chunk (7) into 3", "chunk", lambda x: torch.chunk(x, 3), [torch.randn(7)], {"chunks": 3, "axis": 0})
case("chunk (6) into 4", "chunk", lambda x: torch.chunk(x, 4), [torch.randn(6)], {"chunks": 4, "axis": 0})
case("chunk (2,5) into 2 on axis -1", "chunk", lambda x: torch.chunk(x, 2, dim=-1), [torch.randn(2, 5)],
     {"chunks": 2, "axis": -1})
m3 = torch.tensor([True, False, True])
case("masked_select (2,3) by (3)", "maskedSelect", lambda x: torch.masked_select(x, m3), [x23], {}, [m3])
m23 = torch.tensor([[True, False, False], [True, True, False]])
case("masked_select (3) by (2,3)", "maskedSelect", lambda x: torch.masked_select(x, m23), [torch.randn(3)], {}, [m23])
src = torch.randn(5)
case("masked_scatter (2,3) by (2,3) from (5)", "maskedScatter", lambda x, s: x.masked_scatter(m23, s),
     [x23, src], {}, [m23])
case("masked_scatter (2,3) by (3) from (2,2)", "maskedScatter", lambda x, s: x.masked_scatter(m3, s),
     [x23, torch.randn(2, 2)], {}, [m3])

dump("packages/tensor/test/fixtures/ergonomics.json", {"meta": meta("ergonomics.py", 0), "cases": cases})
