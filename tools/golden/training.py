"""Golden fixtures for @attnkit/training: optimizers, gradient clipping, schedules, losses, safetensors.

Writes packages/training/test/fixtures/training.json and three .safetensors files beside it; keys
and files are described in packages/training/test/FIXTURES.md.

The .safetensors files are written by hand from the format spec (struct + json): Debian's python3
has no `safetensors` package. When one is importable (e.g. ``PYTHONPATH=/path/to/safetensors``),
the script also checks its bytes against ``safetensors.torch.save`` and its own parse against
``safetensors.torch.load``.

Regenerate: /usr/bin/python3 tools/golden/training.py
"""

from __future__ import annotations

import json
import struct
import sys

import numpy as np
import torch
import torch.nn.functional as F

sys.dont_write_bytecode = True  # keep tools/golden free of __pycache__

from common import ROOT, dump, loss_grads, meta, sequence_mask

SEED = 0
torch.manual_seed(SEED)
FIXTURES = "packages/training/test/fixtures"
STEPS = 8
SKIP_STEP = 3  # at this step (1-based) the second parameter has grad None and must be skipped


# ---------------------------------------------------------------------------------------------
# Optimizers: a quadratic loss, gradients recorded each step, parameters after each step.
# ---------------------------------------------------------------------------------------------

A = torch.randn(5, 6, dtype=torch.float64)
Y = torch.randn(5, dtype=torch.float64)
C = torch.randn(4, dtype=torch.float64)
W0 = torch.randn(3, 2, dtype=torch.float64)
B0 = torch.randn(4, dtype=torch.float64)


def quadratic(w, b):
    """L = ||A·vec(w) − y||² + Σ (b − c)² · (1 + |c|) + 0.3·Σ w·b[:2]: gradients that shrink unevenly."""
    a, y, c = A.to(w.dtype), Y.to(w.dtype), C.to(w.dtype)
    return ((a @ w.reshape(-1) - y) ** 2).sum() + ((b - c) ** 2 * (1 + c.abs())).sum() + 0.3 * (w * b[:2]).sum()


TORCH_OPTIMIZERS = {"SGD": torch.optim.SGD, "Adam": torch.optim.Adam, "AdamW": torch.optim.AdamW}
TORCH_KEYWORDS = {"lr": "lr", "momentum": "momentum", "dampening": "dampening", "nesterov": "nesterov",
                  "weightDecay": "weight_decay", "betas": "betas", "eps": "eps", "amsgrad": "amsgrad"}


def optimizer_case(kind, options, dtype):
    """Runs torch.optim.<kind>(**options) for STEPS steps; records grads fed and params after each step."""
    w = W0.clone().to(dtype).requires_grad_(True)
    b = B0.clone().to(dtype).requires_grad_(True)
    kwargs = {TORCH_KEYWORDS[k]: (tuple(v) if k == "betas" else v) for k, v in options.items()}
    extra = {"foreach": False} if kind != "SGD" else {}
    opt = TORCH_OPTIMIZERS[kind]([w, b], **kwargs, **extra)
    steps = []
    for k in range(1, STEPS + 1):
        opt.zero_grad(set_to_none=True)
        quadratic(w, b).backward()
        if k == SKIP_STEP:
            b.grad = None
        grads = [w.grad.clone(), None if b.grad is None else b.grad.clone()]
        opt.step()
        steps.append({"grads": grads, "params": [w.detach().clone(), b.detach().clone()]})
    return {
        "optimizer": kind,
        "options": options,
        "dtype": "float64" if dtype == torch.float64 else "float32",
        "initial": [W0.to(dtype), B0.to(dtype)],
        "steps": steps,
    }


OPTIMIZER_CONFIGS = {
    "sgdPlain": ("SGD", {"lr": 0.02}),
    "sgdMomentum": ("SGD", {"lr": 0.01, "momentum": 0.9}),
    "sgdDampening": ("SGD", {"lr": 0.01, "momentum": 0.9, "dampening": 0.3}),
    "sgdNesterov": ("SGD", {"lr": 0.01, "momentum": 0.9, "nesterov": True}),
    "sgdWeightDecay": ("SGD", {"lr": 0.02, "momentum": 0.5, "weightDecay": 0.1}),
    "adamDefaults": ("Adam", {}),
    "adam": ("Adam", {"lr": 0.1}),
    "adamEpsBetas": ("Adam", {"lr": 0.1, "betas": [0.8, 0.9], "eps": 0.01}),
    "adamWeightDecay": ("Adam", {"lr": 0.05, "weightDecay": 0.1}),
    "adamAmsgrad": ("Adam", {"lr": 0.05, "betas": [0.9, 0.9], "amsgrad": True}),
    "adamAmsgradWeightDecay": ("Adam", {"lr": 0.05, "betas": [0.9, 0.9], "amsgrad": True, "weightDecay": 0.1}),
    "adamWDefaults": ("AdamW", {}),
    "adamW": ("AdamW", {"lr": 0.05}),
    "adamWAmsgrad": ("AdamW", {"lr": 0.05, "betas": [0.9, 0.9], "eps": 1e-3, "weightDecay": 0.1, "amsgrad": True}),
}
FLOAT32_CONFIGS = ["sgdMomentum", "sgdNesterov", "adam", "adamAmsgrad", "adamW"]

optimizers = {}
for name, (kind, options) in OPTIMIZER_CONFIGS.items():
    optimizers[name] = optimizer_case(kind, options, torch.float64)
for name in FLOAT32_CONFIGS:
    kind, options = OPTIMIZER_CONFIGS[name]
    optimizers[name + "Float32"] = optimizer_case(kind, options, torch.float32)

# AMSGrad must change the trajectory here, or its fixture would not test anything.
plain = optimizer_case("Adam", {"lr": 0.05, "betas": [0.9, 0.9]}, torch.float64)
assert not torch.allclose(plain["steps"][-1]["params"][0], optimizers["adamAmsgrad"]["steps"][-1]["params"][0])


# ---------------------------------------------------------------------------------------------
# clip_grad_norm_
# ---------------------------------------------------------------------------------------------


def clip_case(max_norm, norm_type, dtype, scale=3.0):
    grads = [torch.randn(3, 2, dtype=dtype) * scale, torch.randn(4, dtype=dtype) * scale]
    params = [torch.zeros_like(g, requires_grad=True) for g in grads]
    for p, g in zip(params, grads):
        p.grad = g.clone()
    total = torch.nn.utils.clip_grad_norm_(params, max_norm, norm_type=norm_type)
    return {
        "maxNorm": max_norm,
        "normType": "inf" if norm_type == float("inf") else norm_type,
        "dtype": "float64" if dtype == torch.float64 else "float32",
        "grads": grads,
        "totalNorm": float(total),
        "clipped": [p.grad.clone() for p in params],
    }


clip = {
    "l2": clip_case(1.0, 2.0, torch.float64),
    "l2Float32": clip_case(1.0, 2.0, torch.float32),
    "l1": clip_case(2.5, 1.0, torch.float64),
    "l3": clip_case(0.5, 3.0, torch.float64),
    "inf": clip_case(1.5, float("inf"), torch.float64),
    "belowMax": clip_case(100.0, 2.0, torch.float64),
}


# ---------------------------------------------------------------------------------------------
# Schedules (torch.optim.lr_scheduler), for the values at construction and after each step()
# ---------------------------------------------------------------------------------------------


def schedule_values(make, steps=10, lr=0.1):
    p = torch.zeros(1, requires_grad=True)
    opt = torch.optim.SGD([p], lr=lr)
    sched = make(opt)
    values = [opt.param_groups[0]["lr"]]
    for _ in range(steps):
        opt.step()
        sched.step()
        values.append(opt.param_groups[0]["lr"])
    return values


schedules = {
    "stepLR": {"baseLr": 0.1, "stepSize": 3, "gamma": 0.5,
               "lrs": schedule_values(lambda o: torch.optim.lr_scheduler.StepLR(o, step_size=3, gamma=0.5))},
    "lambdaLR": {"baseLr": 0.1, "lambda": "0.9 ** t",
                 "lrs": schedule_values(lambda o: torch.optim.lr_scheduler.LambdaLR(o, lambda t: 0.9 ** t))},
}


# ---------------------------------------------------------------------------------------------
# Losses
# ---------------------------------------------------------------------------------------------


def mse_case(reduction):
    pred = torch.randn(3, 4, dtype=torch.float64, requires_grad=True)
    target = torch.randn(3, 4, dtype=torch.float64, requires_grad=True)
    out = F.mse_loss(pred, target, reduction=reduction)
    r, grads = loss_grads(out, {"pred": pred, "target": target})
    return {"reduction": reduction, "pred": pred.detach(), "target": target.detach(), "output": out.detach(),
            "R": r, "gradPred": grads["pred"], "gradTarget": grads["target"]}


def ce_case(logits, targets, reduction="mean", ignore_index=-100, label_smoothing=0.0):
    """F.cross_entropy with the class axis moved last (PyTorch puts it at dim 1)."""
    leaf = logits.clone().requires_grad_(True)
    torch_logits = leaf if leaf.dim() <= 2 else leaf.movedim(-1, 1)
    out = F.cross_entropy(torch_logits, targets, reduction=reduction, ignore_index=ignore_index,
                          label_smoothing=label_smoothing)
    r, grads = loss_grads(out, {"logits": leaf})
    return {"logits": logits, "targets": targets, "reduction": reduction, "ignoreIndex": ignore_index,
            "labelSmoothing": label_smoothing, "output": out.detach(), "R": r, "gradLogits": grads["logits"]}


class MaskedSoftmaxCELoss(torch.nn.CrossEntropyLoss):  # D2L §10.7, verbatim
    """The softmax cross-entropy loss with masks."""

    # `pred` shape: (`batch_size`, `num_steps`, `vocab_size`)
    # `label` shape: (`batch_size`, `num_steps`)
    # `valid_len` shape: (`batch_size`,)
    def forward(self, pred, label, valid_len):
        weights = torch.ones_like(label)
        weights = sequence_mask(weights, valid_len)
        self.reduction = "none"
        unweighted_loss = super(MaskedSoftmaxCELoss, self).forward(pred.permute(0, 2, 1), label)
        weighted_loss = (unweighted_loss * weights).mean(dim=1)
        return weighted_loss


def masked_case(pred, label, valid_len):
    leaf = pred.clone().requires_grad_(True)
    out = MaskedSoftmaxCELoss()(leaf, label, valid_len)
    r, grads = loss_grads(out, {"pred": leaf})
    return {"pred": pred, "label": label, "validLen": valid_len, "output": out.detach(), "R": r,
            "gradPred": grads["pred"]}


targets_3d = torch.tensor([[1, -100, 5, 0], [2, 2, -100, 4]])
targets_pad2 = torch.tensor([[1, 2, 5, 0], [2, 2, 3, 2]])
losses = {
    "mse": {r: mse_case(r) for r in ["mean", "sum", "none"]},
    "crossEntropy": {
        "mean2d": ce_case(torch.randn(5, 7, dtype=torch.float64), torch.tensor([0, 6, 3, 3, 1])),
        "sum2d": ce_case(torch.randn(5, 7, dtype=torch.float64), torch.tensor([2, 1, 0, 5, 6]), reduction="sum"),
        "none2d": ce_case(torch.randn(5, 7, dtype=torch.float64), torch.tensor([4, 4, 0, 1, 2]), reduction="none"),
        "ignore3d": ce_case(torch.randn(2, 4, 6, dtype=torch.float64), targets_3d),
        "ignore3dNone": ce_case(torch.randn(2, 4, 6, dtype=torch.float64), targets_3d, reduction="none"),
        "smoothing": ce_case(torch.randn(5, 7, dtype=torch.float64), torch.tensor([0, 6, 3, 3, 1]),
                             label_smoothing=0.1),
        "smoothingIgnore3d": ce_case(torch.randn(2, 4, 6, dtype=torch.float64), targets_3d, label_smoothing=0.2),
        "smoothingIgnoreIndex2Sum": ce_case(torch.randn(2, 4, 6, dtype=torch.float64), targets_pad2,
                                            reduction="sum", ignore_index=2, label_smoothing=0.3),
        "smoothingIgnoreIndex2None": ce_case(torch.randn(2, 4, 6, dtype=torch.float64), targets_pad2,
                                             reduction="none", ignore_index=2, label_smoothing=0.3),
        "float32": ce_case(torch.randn(3, 5) * 4, torch.tensor([4, 0, 2]), label_smoothing=0.1),
    },
    "maskedSoftmaxCELoss": {
        # D2L §10.7: loss(torch.ones(3, 4, 10), torch.ones((3, 4), dtype=torch.long), torch.tensor([4, 2, 0]))
        "d2l": masked_case(torch.ones(3, 4, 10), torch.ones((3, 4), dtype=torch.long), torch.tensor([4, 2, 0])),
        "random": masked_case(torch.randn(2, 5, 6, dtype=torch.float64), torch.randint(0, 6, (2, 5)),
                              torch.tensor([3, 5])),
    },
}


# ---------------------------------------------------------------------------------------------
# safetensors, written by hand from the spec
# ---------------------------------------------------------------------------------------------

ST_RANK = {"BOOL": 0, "U8": 1, "I8": 2, "I16": 5, "U16": 6, "F16": 7, "BF16": 8, "I32": 9, "U32": 10,
           "F32": 11, "F64": 12, "I64": 13, "U64": 14}
ST_DTYPE = {torch.bool: "BOOL", torch.uint8: "U8", torch.int8: "I8", torch.int16: "I16",
            torch.float16: "F16", torch.bfloat16: "BF16", torch.int32: "I32", torch.float32: "F32",
            torch.float64: "F64", torch.int64: "I64"}


def raw_bytes(t: torch.Tensor) -> bytes:
    """Little-endian, row-major element bytes."""
    t = t.contiguous()
    if t.dtype == torch.bfloat16:
        t = t.view(torch.int16)  # numpy has no bfloat16; the bits are what matter
    a = t.numpy()
    return a.astype(a.dtype.newbyteorder("<"), copy=False).tobytes()


def write_safetensors(tensors: dict, metadata: dict | None) -> bytes:
    """The reference layout: tensors by descending dtype alignment then name, compact JSON header
    (__metadata__ first) padded with spaces to a multiple of 8, u64 LE header length."""
    items = sorted(tensors.items(), key=lambda kv: (-ST_RANK[ST_DTYPE[kv[1].dtype]], kv[0]))
    header, chunks, offset = {}, [], 0
    if metadata:
        header["__metadata__"] = metadata
    for name, t in items:
        data = raw_bytes(t)
        header[name] = {"dtype": ST_DTYPE[t.dtype], "shape": list(t.shape), "data_offsets": [offset, offset + len(data)]}
        chunks.append(data)
        offset += len(data)
    text = json.dumps(header, separators=(",", ":"), ensure_ascii=False).encode("utf-8")
    text += b" " * ((8 - len(text) % 8) % 8)
    return struct.pack("<Q", len(text)) + text + b"".join(chunks)


def read_safetensors(buf: bytes):
    """A minimal reader, to check the writer round-trips."""
    (n,) = struct.unpack("<Q", buf[:8])
    header = json.loads(buf[8:8 + n].decode("utf-8"))
    metadata = header.pop("__metadata__", {})
    np_dtype = {"BOOL": "?", "U8": "u1", "I8": "i1", "I16": "<i2", "F16": "<f2", "BF16": "<i2", "I32": "<i4",
                "F32": "<f4", "F64": "<f8", "I64": "<i8"}
    out = {}
    for name, info in header.items():
        begin, end = info["data_offsets"]
        a = np.frombuffer(buf[8 + n + begin:8 + n + end], dtype=np_dtype[info["dtype"]]).reshape(info["shape"])
        t = torch.from_numpy(a.copy())
        out[name] = t.view(torch.bfloat16) if info["dtype"] == "BF16" else t
    return out, metadata


def check_with_reference(buf: bytes, tensors: dict, metadata: dict, exact: bool) -> str:
    try:
        from safetensors.torch import load, save
    except ImportError:
        return "not checked (safetensors not importable)"
    import safetensors

    if exact:
        assert save(tensors, metadata=metadata) == buf, "hand-written bytes differ from safetensors.torch.save"
    loaded = load(buf)
    assert loaded.keys() == tensors.keys()
    for k, v in tensors.items():
        assert loaded[k].dtype == v.dtype and torch.equal(loaded[k], v), k
    return f"checked against safetensors {safetensors.__version__}" + (" (byte-identical)" if exact else "")


def write_file(name: str, tensors: dict, metadata: dict | None, exact: bool) -> str:
    buf = write_safetensors(tensors, metadata)
    back, back_meta = read_safetensors(buf)
    assert back_meta == (metadata or {})
    assert back.keys() == tensors.keys()
    for k, v in tensors.items():
        assert back[k].dtype == v.dtype and torch.equal(back[k], v), k
    path = ROOT / FIXTURES / name
    path.write_bytes(buf)
    print(f"wrote {path.relative_to(ROOT)} ({len(buf)} bytes)")
    return check_with_reference(buf, tensors, metadata, exact)


def as_expected(t: torch.Tensor) -> torch.Tensor:
    """What attnkit reads each dtype as (F16/BF16 -> float32 exactly; small ints -> int32)."""
    return t.float() if t.dtype in (torch.float16, torch.bfloat16) else t


# Every dtype attnkit reads (torch 1.13 has no U16/U32/U64; the JS tests build those by hand).
all_dtypes = {
    "weight": torch.randn(2, 3),
    "bias": torch.randn(3, dtype=torch.float64),
    "ids": torch.tensor([0, -7, 2147483647, -2147483648], dtype=torch.int32),
    "long_ids": torch.tensor([[1, -2], [2147483647, -2147483648]], dtype=torch.int64),
    "mask": torch.tensor([True, False, False, True, True]),
    "bytes": torch.tensor([0, 1, 128, 255], dtype=torch.uint8),
    "i8": torch.tensor([-128, -1, 0, 127], dtype=torch.int8),
    "i16": torch.tensor([-32768, -2, 3, 32767], dtype=torch.int16),
    # 65504 = largest half, 2^-24 = smallest subnormal half, -0.0 (fixtures hold finite numbers only;
    # the JS tests decode infinity and NaN from hand-built bytes)
    "half": torch.tensor([1.0, -2.5, 65504.0, 2.0 ** -24, -0.0, 0.333251953125], dtype=torch.float16),
    "bf16": torch.tensor([1.0, -3.140625, 1.0e30, 2.0 ** -130], dtype=torch.bfloat16),
    "scalar": torch.tensor(1.5),
    "empty": torch.zeros(0, 3),
    "\u015dtate.w\u00e9ight": torch.tensor([[1.0, 2.0]]),
}
# The dtypes attnkit writes, with one metadata key (a HashMap with several keys has no fixed order).
writable = {
    "encoder.weight": torch.randn(3, 2),
    "encoder.bias": torch.randn(3),
    "table": torch.randn(2, 2, dtype=torch.float64),
    "positions": torch.tensor([3, 1, 4], dtype=torch.int32),
    "keep": torch.tensor([True, False]),
    "zz": torch.tensor(2.0),
}
st_checks = {
    "allDtypes": write_file("torch-all-dtypes.safetensors", all_dtypes, {"format": "pt", "source": "training.py"},
                            exact=False),
    "writable": write_file("torch-writable.safetensors", writable, {"format": "pt"}, exact=True),
    "int64Overflow": write_file("torch-int64-overflow.safetensors",
                                {"big": torch.tensor([1, 2 ** 40], dtype=torch.int64)}, None, exact=True),
}
print("safetensors reference check:", st_checks)

safetensors_fixture = {
    "allDtypes": {"file": "torch-all-dtypes.safetensors", "metadata": {"format": "pt", "source": "training.py"},
                  "tensors": {k: as_expected(v) for k, v in all_dtypes.items()},
                  "dtypes": {k: ST_DTYPE[v.dtype] for k, v in all_dtypes.items()}},
    "writable": {"file": "torch-writable.safetensors", "metadata": {"format": "pt"}, "tensors": writable},
    "int64Overflow": {"file": "torch-int64-overflow.safetensors"},
}

# ---------------------------------------------------------------------------------------------
# Weight averaging: torch.optim.swa_utils.AveragedModel, uniform (SWA) and an EMA avg_fn, float32.
# Own generator, so the draws above (and their fixtures) do not move.
# ---------------------------------------------------------------------------------------------


def weight_average_case(decay):
    """Feeds 4 snapshots of an nn.Linear(3, 2) to AveragedModel; records each snapshot and the averages after it."""
    from torch.optim.swa_utils import AveragedModel

    g = torch.Generator().manual_seed(7)
    net = torch.nn.Linear(3, 2)
    avg_fn = None if decay is None else (lambda avg, p, n: decay * avg + (1 - decay) * p)
    averaged = AveragedModel(net, avg_fn=avg_fn)
    steps = []
    with torch.no_grad():
        for _ in range(4):
            for p in net.parameters():
                p.copy_(torch.randn(p.shape, generator=g))
            averaged.update_parameters(net)
            steps.append({
                "params": [p.detach().clone() for p in net.parameters()],
                "averages": [p.detach().clone() for p in averaged.module.parameters()],
            })
    return {"decay": decay, "steps": steps}


weight_average = {"uniform": weight_average_case(None), "ema": weight_average_case(0.9)}

dump(
    f"{FIXTURES}/training.json",
    {
        "meta": meta("training.py", SEED, description="See packages/training/test/FIXTURES.md.", skipStep=SKIP_STEP),
        "optimizers": optimizers,
        "clipGradNorm": clip,
        "schedules": schedules,
        "losses": losses,
        "safetensors": safetensors_fixture,
        "weightAverage": weight_average,
    },
)
