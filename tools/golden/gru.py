"""Golden fixtures for GRU and GRUCell in @attnkit/layers: PyTorch nn.GRU / nn.GRUCell (D2L §10.2–10.3).

Writes packages/layers/test/fixtures/gru.json; keys are described in packages/layers/test/FIXTURES.md.

Regenerate: /usr/bin/python3 tools/golden/gru.py
"""

from __future__ import annotations

import sys

import torch
from torch import nn

sys.dont_write_bytecode = True  # keep tools/golden free of __pycache__

from common import dump, meta, state_dict

SEED = 0
torch.manual_seed(SEED)


def gru_case(input_size, hidden_size, num_layers, batch_first, bias, steps, batch, with_h0):
    gru = nn.GRU(input_size, hidden_size, num_layers, bias=bias, batch_first=batch_first)
    shape = (batch, steps, input_size) if batch_first else (steps, batch, input_size)
    x = torch.randn(shape).requires_grad_(True)
    h0 = torch.randn(num_layers, batch, hidden_size).requires_grad_(True) if with_h0 else None
    outputs, state = gru(x, h0)
    r_out = torch.randn(outputs.shape)
    r_state = torch.randn(state.shape)
    ((outputs * r_out).sum() + (state * r_state).sum()).backward()
    grads = {"inputs": x.grad.clone()}
    if h0 is not None:
        grads["h0"] = h0.grad.clone()
    grads.update({f"params.{k}": p.grad.clone() for k, p in gru.named_parameters()})
    return {
        "options": {
            "inputSize": input_size,
            "hiddenSize": hidden_size,
            "numLayers": num_layers,
            "batchFirst": batch_first,
            "bias": bias,
        },
        "stateDict": state_dict(gru),
        "stateKeys": list(gru.state_dict().keys()),
        "inputs": x.detach(),
        "h0": None if h0 is None else h0.detach(),
        "outputs": outputs.detach(),
        "state": state.detach(),
        "R_outputs": r_out,
        "R_state": r_state,
        "grads": grads,
    }


def cell_case(input_size, hidden_size, batch):
    cell = nn.GRUCell(input_size, hidden_size)
    x = torch.randn(batch, input_size).requires_grad_(True)
    h = torch.randn(batch, hidden_size).requires_grad_(True)
    out = cell(x, h)
    r = torch.randn(out.shape)
    (out * r).sum().backward()
    grads = {"x": x.grad.clone(), "h": h.grad.clone()}
    grads.update({f"params.{k}": p.grad.clone() for k, p in cell.named_parameters()})
    return {
        "options": {"inputSize": input_size, "hiddenSize": hidden_size},
        "stateDict": state_dict(cell),
        "stateKeys": list(cell.state_dict().keys()),
        "x": x.detach(),
        "h": h.detach(),
        "output": out.detach(),
        "R": r,
        "grads": grads,
    }


fixture = {
    "meta": meta("gru.py", SEED),
    "twoLayers": gru_case(3, 4, 2, False, True, steps=5, batch=2, with_h0=True),
    "batchFirstNoBias": gru_case(3, 5, 1, True, False, steps=4, batch=3, with_h0=False),
    "threeLayersLong": gru_case(2, 3, 3, False, True, steps=12, batch=2, with_h0=True),
    "cell": cell_case(3, 4, batch=2),
}
dump("packages/layers/test/fixtures/gru.json", fixture)
