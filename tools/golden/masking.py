"""Golden fixtures for @attnkit/masking: D2L's sequence_mask and masked_softmax (§10.7, §11.3).

Writes packages/masking/test/fixtures/masking.json; keys are described in
packages/masking/test/FIXTURES.md.

Regenerate: /usr/bin/python3 tools/golden/masking.py
"""

from __future__ import annotations

import sys

import torch

sys.dont_write_bytecode = True  # keep tools/golden free of __pycache__

from common import dump, loss_grads, masked_softmax, meta, sequence_mask

SEED = 0
torch.manual_seed(SEED)


def softmax_case(X, valid_lens):
    """masked_softmax(X, valid_lens) with the gradient of sum(out * R) w.r.t. X.

    D2L's masked_softmax writes -1e6 into its argument in place, so it gets a non-leaf copy.
    """
    leaf = X.clone().requires_grad_(True)
    out = masked_softmax(leaf.clone(), valid_lens)
    r, grads = loss_grads(out, {"X": leaf})
    return {"X": X, "validLens": valid_lens, "output": out.detach(), "R": r, "gradX": grads["X"]}


cases = {}
# D2L §11.3: masked_softmax(torch.rand(2, 2, 4), torch.tensor([2, 3]))
cases["validLens1d"] = softmax_case(torch.rand(2, 2, 4), torch.tensor([2, 3]))
# D2L §11.3: masked_softmax(torch.rand(2, 2, 4), torch.tensor([[1, 3], [2, 4]]))
cases["validLens2d"] = softmax_case(torch.rand(2, 2, 4), torch.tensor([[1, 3], [2, 4]]))
# No mask: plain softmax over the last axis.
cases["noValidLens"] = softmax_case(torch.rand(2, 2, 4), None)
# Edge cases D2L's -1e6 (not -inf) decides: validLen 0 gives a uniform row; validLen >= keys masks nothing.
cases["validLensZeroAndFull"] = softmax_case(torch.randn(2, 3, 5), torch.tensor([0, 7]))
cases["validLens2dWithZero"] = softmax_case(torch.randn(2, 3, 5), torch.tensor([[0, 1, 5], [2, 3, 4]]))

# D2L §10.7: sequence_mask(torch.tensor([[1, 2, 3], [4, 5, 6]]), torch.tensor([1, 2]))
X_int = torch.tensor([[1, 2, 3], [4, 5, 6]])
seq_int = {
    "X": X_int.clone(),
    "validLen": torch.tensor([1, 2]),
    "value": 0,
    "output": sequence_mask(X_int.clone(), torch.tensor([1, 2])),
}
# D2L §10.7: sequence_mask(torch.ones(2, 3, 4), torch.tensor([1, 2]), value=-1)
X_ones = torch.ones(2, 3, 4)
seq_ones = {
    "X": X_ones.clone(),
    "validLen": torch.tensor([1, 2]),
    "value": -1,
    "output": sequence_mask(X_ones.clone(), torch.tensor([1, 2]), value=-1),
}

dump(
    "packages/masking/test/fixtures/masking.json",
    {
        "meta": meta("masking.py", SEED, description="See packages/masking/test/FIXTURES.md."),
        "maskedSoftmax": cases,
        "sequenceMask": {"d2lIntegers": seq_int, "d2lOnes3d": seq_ones},
    },
)
