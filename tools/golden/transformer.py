"""Golden fixtures for @attnkit/transformer: D2L §11.7 PositionWiseFFN, AddNorm and the blocks.

Writes packages/transformer/test/fixtures/transformer.json; keys are described in
packages/transformer/test/FIXTURES.md.

Regenerate: /usr/bin/python3 tools/golden/transformer.py
"""

from __future__ import annotations

import sys

import torch
from torch import nn

sys.dont_write_bytecode = True  # keep tools/golden free of __pycache__

from common import (
    AddNorm,
    PositionWiseFFN,
    TransformerDecoderBlock,
    TransformerEncoderBlock,
    dump,
    loss_grads,
    meta,
    state_dict,
)

SEED = 0
torch.manual_seed(SEED)


def randomize_layer_norms_(module):
    """LayerNorm starts at weight 1, bias 0; random values make the fixture test the affine part."""
    with torch.no_grad():
        for m in module.modules():
            if isinstance(m, nn.LayerNorm):
                m.weight.copy_(1 + 0.1 * torch.randn_like(m.weight))
                m.bias.copy_(0.1 * torch.randn_like(m.bias))


# D2L: ffn = PositionWiseFFN(4, 8); ffn.eval(); ffn(torch.ones((2, 3, 4)))  (in-features 4).
ffn = PositionWiseFFN(4, 8, ffn_num_inputs=4)
ffn.eval()
ffn_x = torch.randn((2, 3, 4))
ffn_case = {
    "ffnNumHiddens": 4,
    "ffnNumOutputs": 8,
    "stateDict": state_dict(ffn),
    "X": ffn_x,
    "output": ffn(ffn_x).detach(),
    "onesOutput": ffn(torch.ones((2, 3, 4))).detach(),
}

# D2L: ln = nn.LayerNorm(2); X = [[1, 2], [2, 3]] -> layer norm over the last axis.
ln = nn.LayerNorm(2)
ln_x = torch.tensor([[1, 2], [2, 3]], dtype=torch.float32)
layer_norm_case = {"normalizedShape": 2, "eps": ln.eps, "X": ln_x, "output": ln(ln_x).detach()}

# D2L: add_norm = AddNorm(4, 0.5); add_norm(X, Y) on (2, 3, 4); eval mode, random inputs.
add_norm = AddNorm(4, 0.5)
randomize_layer_norms_(add_norm)
add_norm.eval()
an_x = torch.randn((2, 3, 4)).requires_grad_(True)
an_y = torch.randn((2, 3, 4)).requires_grad_(True)
an_out = add_norm(an_x, an_y)
r, grads = loss_grads(an_out, {"X": an_x, "Y": an_y, **dict(add_norm.named_parameters())})
add_norm_case = {
    "normShape": 4,
    "dropout": 0.5,
    "eps": add_norm.ln.eps,
    "stateDict": state_dict(add_norm),
    "X": an_x.detach(),
    "Y": an_y.detach(),
    "output": an_out.detach(),
    "R": r,
    "grads": grads,
}

# D2L: encoder_blk = TransformerEncoderBlock(24, 48, 8, 0.5) on ones (2, 100, 24), valid_lens [3, 2];
# here dropout 0, eval mode and a random X (2, 6, 24) to keep the fixture small.
num_hiddens, ffn_num_hiddens, num_heads = 24, 48, 8
valid_lens = torch.tensor([3, 2])
encoder_blk = TransformerEncoderBlock(num_hiddens, ffn_num_hiddens, num_heads, 0)
randomize_layer_norms_(encoder_blk)
encoder_blk.eval()
enc_x = torch.randn((2, 6, num_hiddens)).requires_grad_(True)
enc_out = encoder_blk(enc_x, valid_lens)
r, grads = loss_grads(enc_out, {"X": enc_x})
encoder_case = {
    "numHiddens": num_hiddens,
    "ffnNumHiddens": ffn_num_hiddens,
    "numHeads": num_heads,
    "dropout": 0,
    "training": False,
    "stateDict": state_dict(encoder_blk),
    "X": enc_x.detach(),
    "validLens": valid_lens,
    "output": enc_out.detach(),
    "R": r,
    "grads": grads,
}

# D2L: decoder_blk = TransformerDecoderBlock(24, 48, 8, 0.5, 0); state = [encoder_blk(X, valid_lens),
# valid_lens, [None]]; decoder_blk(X, state). Training mode (causal dec_valid_lens), dropout 0.
decoder_blk = TransformerDecoderBlock(num_hiddens, ffn_num_hiddens, num_heads, 0, 0)
randomize_layer_norms_(decoder_blk)
decoder_blk.train()
enc_outputs = enc_out.detach().clone().requires_grad_(True)
dec_x = torch.randn((2, 5, num_hiddens)).requires_grad_(True)
state = [enc_outputs, valid_lens, [None]]
dec_out, new_state = decoder_blk(dec_x, state)
r, grads = loss_grads(dec_out, {"X": dec_x, "encOutputs": enc_outputs})
decoder_train_case = {
    "training": True,
    "X": dec_x.detach(),
    "state": {"encOutputs": enc_outputs.detach(), "encValidLens": valid_lens, "keyValues": [None]},
    "output": dec_out.detach(),
    "newKeyValues": new_state[2][0].detach(),
    "R": r,
    "grads": grads,
}

# Prediction: eval mode, one new step with cached key_values from three earlier steps
# (state[2][0] is concatenated with X along the steps axis; no decoder mask).
decoder_blk.eval()
cache = torch.randn((2, 3, num_hiddens))
step_x = torch.randn((2, 1, num_hiddens))
with torch.no_grad():
    step_out, step_state = decoder_blk(step_x, [enc_outputs.detach(), valid_lens, [cache.clone()]])
decoder_step_case = {
    "training": False,
    "X": step_x,
    "state": {"encOutputs": enc_outputs.detach(), "encValidLens": valid_lens, "keyValues": [cache]},
    "output": step_out,
    "newKeyValues": step_state[2][0],
}

dump(
    "packages/transformer/test/fixtures/transformer.json",
    {
        "meta": meta("transformer.py", SEED, description="See packages/transformer/test/FIXTURES.md."),
        "positionWiseFFN": ffn_case,
        "layerNorm": layer_norm_case,
        "addNorm": add_norm_case,
        "encoderBlock": encoder_case,
        "decoderBlock": {
            "numHiddens": num_hiddens,
            "ffnNumHiddens": ffn_num_hiddens,
            "numHeads": num_heads,
            "dropout": 0,
            "i": 0,
            "stateDict": state_dict(decoder_blk),
            "training": decoder_train_case,
            "predictionStep": decoder_step_case,
        },
    },
)
