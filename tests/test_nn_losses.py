"""Losses against PyTorch: values and input gradients for every reduction and option."""
from __future__ import annotations

import numpy as np
import pytest

import chainrule as cr
from helpers import assert_same, from_torch, to_torch

torch = pytest.importorskip("torch")

rng = np.random.default_rng(0)
X = rng.standard_normal((6, 4))
X_K = rng.standard_normal((3, 4, 2, 2))
T_REAL = rng.standard_normal((6, 4))
T_IDX = np.array([0, 3, 1, 1, 2, 0])
T_IDX_IGN = np.array([0, -100, 1, 1, 2, -100])
T_IDX_K = rng.integers(0, 4, (3, 2, 2))
PROBS = rng.dirichlet(np.ones(4), 6)
W = np.array([0.5, 2.0, 1.0, 0.25])
P01 = 1 / (1 + np.exp(-X))
Y01 = (rng.random((6, 4)) > 0.5).astype(float)

# (loss name, input, target, kwargs, input transform)
CASES = []
for red in ("mean", "sum", "none"):
    CASES += [
        ("MSELoss", X, T_REAL, dict(reduction=red)),
        ("L1Loss", X, T_REAL, dict(reduction=red)),
        ("HuberLoss", X, T_REAL * 2, dict(reduction=red, delta=0.7)),
        ("SmoothL1Loss", X, T_REAL * 2, dict(reduction=red, beta=0.5)),
        ("CrossEntropyLoss", X, T_IDX, dict(reduction=red)),
        ("CrossEntropyLoss", X, T_IDX_IGN, dict(reduction=red, weight=W)),
        ("CrossEntropyLoss", X, T_IDX_IGN, dict(reduction=red, label_smoothing=0.2)),
        ("CrossEntropyLoss", X, T_IDX_IGN, dict(reduction=red, weight=W, label_smoothing=0.1)),
        ("CrossEntropyLoss", X, T_IDX, dict(reduction=red, ignore_index=1)),
        ("CrossEntropyLoss", X, PROBS, dict(reduction=red)),
        ("CrossEntropyLoss", X, PROBS, dict(reduction=red, weight=W, label_smoothing=0.3)),
        ("CrossEntropyLoss", X_K, T_IDX_K, dict(reduction=red)),
        ("NLLLoss", X, T_IDX_IGN, dict(reduction=red, weight=W)),
        ("NLLLoss", X_K, T_IDX_K, dict(reduction=red)),
        ("BCELoss", P01, Y01, dict(reduction=red)),
        ("BCELoss", P01, Y01, dict(reduction=red, weight=W)),
        ("BCEWithLogitsLoss", X * 30, Y01, dict(reduction=red)),
        ("BCEWithLogitsLoss", X, Y01, dict(reduction=red, pos_weight=W)),
    ]
CASES += [("CrossEntropyLoss", X[0], T_IDX[:1].reshape(()), dict())]


def _wrap(v, lib):
    if isinstance(v, np.ndarray):
        return cr.tensor(v) if lib is cr else torch.tensor(v)
    return v


@pytest.mark.parametrize("name,x,target,kwargs", CASES,
                         ids=[f"{c[0]}-{i}" for i, c in enumerate(CASES)])
def test_loss_matches_pytorch(name, x, target, kwargs):
    for dtype in (np.float64, np.float32):
        xa = x.astype(dtype)
        ta = target.astype(dtype) if target.dtype.kind == "f" else target
        kw = {k: _wrap(v.astype(dtype) if isinstance(v, np.ndarray) else v, cr)
              for k, v in kwargs.items()}
        tkw = {k: _wrap(v.astype(dtype) if isinstance(v, np.ndarray) else v, torch)
               for k, v in kwargs.items()}
        inp = cr.tensor(xa, requires_grad=True)
        tinp = to_torch(inp)
        out = getattr(cr.nn, name)(**kw)(inp, cr.tensor(ta))
        tout = getattr(torch.nn, name)(**tkw)(tinp, torch.tensor(ta))
        tol = dict(rtol=1e-9, atol=1e-12) if dtype == np.float64 else dict(rtol=1e-5, atol=1e-6)
        assert_same(out, tout, **tol)
        g = rng.standard_normal(tuple(out.shape)).astype(dtype)
        (out * cr.tensor(g)).sum().backward()
        (tout * torch.tensor(g)).sum().backward()
        assert_same(inp.grad, tinp.grad, **tol)


def test_functional_losses_and_stability():
    F, TF = cr.nn.functional, torch.nn.functional
    x = cr.tensor([[-200.0, 0.0, 200.0]], requires_grad=True)
    y = cr.tensor([[1.0, 0.0, 1.0]])
    loss = F.binary_cross_entropy_with_logits(x, y)
    tx = to_torch(x)
    tloss = TF.binary_cross_entropy_with_logits(tx, to_torch(y))
    assert_same(loss, tloss)
    loss.backward()
    tloss.backward()
    assert_same(x.grad, tx.grad)
    big = cr.tensor([[1e4, -1e4, 0.0]], requires_grad=True)
    ce = F.cross_entropy(big, cr.tensor([1]))
    assert_same(ce, TF.cross_entropy(to_torch(big), torch.tensor([1])))
    ce.backward()
    assert np.isfinite(big.grad.numpy()).all()
    p = cr.tensor([0.0, 1.0, 0.5], requires_grad=True)
    t = cr.tensor([1.0, 0.0, 1.0])
    bce = F.binary_cross_entropy(p, t)
    assert_same(bce, TF.binary_cross_entropy(to_torch(p), to_torch(t)))
    logits = from_torch(torch.randn(4, 3))
    assert F.cross_entropy(logits, cr.tensor([0, 1, 2, 0])).grad_fn is None


def test_loss_errors():
    F = cr.nn.functional
    with pytest.raises(RuntimeError, match="between 0 and 1"):
        F.binary_cross_entropy(cr.tensor([1.5]), cr.tensor([1.0]))
    with pytest.raises(IndexError):
        F.cross_entropy(cr.zeros(2, 3), cr.tensor([0, 3]))
    with pytest.raises(ValueError):
        F.mse_loss(cr.zeros(2), cr.zeros(2), reduction="average")
    with pytest.raises(ValueError, match="batch_size"):
        F.nll_loss(cr.zeros(2, 3), cr.tensor([0, 1, 2]))
