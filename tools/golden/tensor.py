"""Golden fixtures for @attnkit/tensor: elementwise ops, reductions, softmax, matmul and linear.

Writes packages/tensor/test/fixtures/tensor.json. Each case holds the attnkit op name, its options,
the float32 inputs, the output, a fixed random R of the output's shape and the gradients of
``(out * R).sum()`` with respect to every input.

Regenerate: /usr/bin/python3 tools/golden/tensor.py
"""

from __future__ import annotations

import sys

import torch
import torch.nn.functional as F

sys.dont_write_bytecode = True  # keep tools/golden free of __pycache__

from common import dump, loss_grads, meta

SEED = 0
torch.manual_seed(SEED)


def randn(*shape):
    return torch.randn(shape, dtype=torch.float32)


def positive(*shape):
    return torch.rand(shape, dtype=torch.float32) * 2 + 0.1


def away_from_zero(*shape):
    """Values in ±[0.5, 1.5): safe denominators."""
    sign = torch.where(torch.rand(shape) < 0.5, -1.0, 1.0)
    return (sign * (torch.rand(shape) + 0.5)).to(torch.float32)


cases = []


def case(name, op, fn, inputs, options=None):
    leaves = [x.clone().requires_grad_(True) for x in inputs]
    out = fn(*leaves)
    r, grads = loss_grads(out, {str(i): x for i, x in enumerate(leaves)})
    cases.append(
        {
            "name": name,
            "op": op,
            "options": options or {},
            "inputs": inputs,
            "output": out.detach(),
            "R": r,
            "grads": [grads[str(i)] for i in range(len(inputs))],
        }
    )


# Binary elementwise ops with broadcasting.
case("add (2,3)+(3)", "add", torch.add, [randn(2, 3), randn(3)])
case("add (2,1,4)+(3,1)", "add", torch.add, [randn(2, 1, 4), randn(3, 1)])
case("sub (3,1)-(1,4)", "sub", torch.sub, [randn(3, 1), randn(1, 4)])
case("sub (2,3,4)-(4)", "sub", torch.sub, [randn(2, 3, 4), randn(4)])
case("mul (2,3,4)*(3,1)", "mul", torch.mul, [randn(2, 3, 4), randn(3, 1)])
case("mul (4)*(2,4)", "mul", torch.mul, [randn(4), randn(2, 4)])
case("mul ()*(2,3) scalar tensor", "mul", torch.mul, [randn(), randn(2, 3)])
case("div (2,3)/(3)", "div", torch.div, [randn(2, 3), away_from_zero(3)])
case("div (2,1,3)/(2,3)", "div", torch.div, [randn(2, 1, 3), away_from_zero(2, 3)])

# Unary elementwise ops.
case("exp (2,3,4)", "exp", torch.exp, [randn(2, 3, 4)])
case("log (2,3,4) of positives", "log", torch.log, [positive(2, 3, 4)])
case("tanh (2,3,4)", "tanh", torch.tanh, [randn(2, 3, 4) * 2])
case("sigmoid (2,3,4)", "sigmoid", torch.sigmoid, [randn(2, 3, 4) * 3])
case("relu (2,3,4)", "relu", torch.relu, [randn(2, 3, 4)])
case("gelu exact (2,3,4)", "gelu", lambda x: F.gelu(x), [randn(2, 3, 4) * 2], {"approximate": "none"})
case(
    "gelu tanh (2,3,4)",
    "gelu",
    lambda x: F.gelu(x, approximate="tanh"),
    [randn(2, 3, 4) * 2],
    {"approximate": "tanh"},
)

# Softmax family.
case("softmax axis -1 (2,3,5)", "softmax", lambda x: torch.softmax(x, -1), [randn(2, 3, 5)], {"axis": -1})
case("softmax axis 1 (2,3,5)", "softmax", lambda x: torch.softmax(x, 1), [randn(2, 3, 5)], {"axis": 1})
case(
    "softmax axis -1 of large logits (2,4)",
    "softmax",
    lambda x: torch.softmax(x, -1),
    [randn(2, 4) * 60],
    {"axis": -1},
)
case(
    "logSoftmax axis -1 (2,3,5)",
    "logSoftmax",
    lambda x: torch.log_softmax(x, -1),
    [randn(2, 3, 5)],
    {"axis": -1},
)
case(
    "logSoftmax axis 1 (2,3,5)", "logSoftmax", lambda x: torch.log_softmax(x, 1), [randn(2, 3, 5)], {"axis": 1}
)
case(
    "logsumexp axis -1 (2,3,5)",
    "logsumexp",
    lambda x: torch.logsumexp(x, -1),
    [randn(2, 3, 5)],
    {"axis": -1, "keepDim": False},
)
case(
    "logsumexp axis 1 keepDim (2,3,5) of large logits",
    "logsumexp",
    lambda x: torch.logsumexp(x, 1, keepdim=True),
    [randn(2, 3, 5) * 50],
    {"axis": 1, "keepDim": True},
)

# Reductions.
case("sum all (2,3,4)", "sum", lambda x: x.sum(), [randn(2, 3, 4)], {})
case("sum axis 1 (2,3,4)", "sum", lambda x: x.sum(1), [randn(2, 3, 4)], {"axis": 1, "keepDim": False})
case(
    "sum axis -1 keepDim (2,3,4)",
    "sum",
    lambda x: x.sum(-1, keepdim=True),
    [randn(2, 3, 4)],
    {"axis": -1, "keepDim": True},
)
case("sum axes [0,2] (2,3,4)", "sum", lambda x: x.sum((0, 2)), [randn(2, 3, 4)], {"axis": [0, 2], "keepDim": False})
case("mean all (2,3,4)", "mean", lambda x: x.mean(), [randn(2, 3, 4)], {})
case("mean axis 0 (2,3,4)", "mean", lambda x: x.mean(0), [randn(2, 3, 4)], {"axis": 0, "keepDim": False})
case(
    "mean axis -1 keepDim (2,3,4)",
    "mean",
    lambda x: x.mean(-1, keepdim=True),
    [randn(2, 3, 4)],
    {"axis": -1, "keepDim": True},
)
case("max all (2,3,4)", "max", lambda x: x.max(), [randn(2, 3, 4)], {})
case("max axis 1 (2,3,4)", "max", lambda x: x.max(1).values, [randn(2, 3, 4)], {"axis": 1, "keepDim": False})
case(
    "max axis -1 keepDim (2,3,4)",
    "max",
    lambda x: x.max(-1, keepdim=True).values,
    [randn(2, 3, 4)],
    {"axis": -1, "keepDim": True},
)

# Matrix products (PyTorch matmul semantics).
case("matmul (3,4)@(4,5)", "matmul", torch.matmul, [randn(3, 4), randn(4, 5)])
case("matmul (4)@(4,5) vector-matrix", "matmul", torch.matmul, [randn(4), randn(4, 5)])
case("matmul (3,4)@(4) matrix-vector", "matmul", torch.matmul, [randn(3, 4), randn(4)])
case("matmul (2,3,4)@(2,4,5) batched", "matmul", torch.matmul, [randn(2, 3, 4), randn(2, 4, 5)])
case("matmul (2,1,3,4)@(3,4,5) broadcast batch", "matmul", torch.matmul, [randn(2, 1, 3, 4), randn(3, 4, 5)])

# Views, alone and feeding a matmul (gradients flow back through strided views).
case("transpose (2,3,4) axes -2,-1", "transpose", lambda x: x.transpose(-2, -1), [randn(2, 3, 4)], {"axis0": -2, "axis1": -1})
case("transpose (2,3,4) axes 0,2", "transpose", lambda x: x.transpose(0, 2), [randn(2, 3, 4)], {"axis0": 0, "axis1": 2})
case("permute (2,3,4) [2,0,1]", "permute", lambda x: x.permute(2, 0, 1), [randn(2, 3, 4)], {"axes": [2, 0, 1]})
case(
    "matmul(a, transpose(b)) (2,3,4)@(2,5,4)^T",
    "transposeMatmul",
    lambda a, b: torch.matmul(a, b.transpose(-2, -1)),
    [randn(2, 3, 4), randn(2, 5, 4)],
    {"axis0": -2, "axis1": -1},
)
case(
    "matmul(permute(a), b) (3,2,4)->[1,0,2] @ (4,5)",
    "permuteMatmul",
    lambda a, b: torch.matmul(a.permute(1, 0, 2), b),
    [randn(3, 2, 4), randn(4, 5)],
    {"axes": [1, 0, 2]},
)

# Fused affine map F.linear (x·Wᵀ + b over the last axis), with and without bias.
case("linear (3,4) W(5,4) b(5)", "linear", F.linear, [randn(3, 4), randn(5, 4), randn(5)])
case("linear (2,3,4) W(5,4) b(5) 3-D x", "linear", F.linear, [randn(2, 3, 4), randn(5, 4), randn(5)])
case("linear (4) W(3,4) 1-D x, no bias", "linear", F.linear, [randn(4), randn(3, 4)])

# s5-kernels: fused kernels. Linear + ReLU (relu(F.linear)) and the LM loss F.cross_entropy with the
# class axis last (targets are data: they travel in the options, the one input is the logits).
case("linearRelu (2,3,4) W(5,4) b(5)", "linearRelu", lambda x, w, b: torch.relu(F.linear(x, w, b)),
     [randn(2, 3, 4), randn(5, 4), randn(5)])
case("linearRelu (6,8) W(16,8) b(16)", "linearRelu", lambda x, w, b: torch.relu(F.linear(x, w, b)),
     [randn(6, 8), randn(16, 8), randn(16)])


def ce(name, shape, reduction="mean", label_smoothing=0.0, ignore=()):
    logits = randn(*shape) * 3
    targets = torch.randint(0, shape[-1], shape[:-1])
    for i in ignore:
        targets.view(-1)[i] = -100
    fn = lambda x: F.cross_entropy(x.reshape(-1, shape[-1]), targets.reshape(-1), reduction=reduction,
                                   label_smoothing=label_smoothing).reshape(
        shape[:-1] if reduction == "none" else ())
    case(name, "softmaxCrossEntropy", fn, [logits],
         {"targets": targets.reshape(-1).tolist(), "reduction": reduction, "labelSmoothing": label_smoothing})


ce("softmaxCrossEntropy LM (4,16,90) mean", (4, 16, 90))
ce("softmaxCrossEntropy (3,5,7) sum, smoothing 0.1, ignored", (3, 5, 7), "sum", 0.1, ignore=(2, 9))
ce("softmaxCrossEntropy (6,11) none, smoothing 0.2", (6, 11), "none", 0.2)

dump(
    "packages/tensor/test/fixtures/tensor.json",
    {
        "meta": meta(
            "tensor.py",
            SEED,
            description="float32 inputs; output = op(...inputs, options); grads[i] = d(sum(output * R))/d(inputs[i]).",
            composites={
                "transposeMatmul": "matmul(inputs[0], transpose(inputs[1], axis0, axis1))",
                "permuteMatmul": "matmul(permute(inputs[0], axes), inputs[1])",
            },
        ),
        "cases": cases,
    },
)
