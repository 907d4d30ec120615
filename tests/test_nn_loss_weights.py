"""The weighted regression losses (F.mse_loss, l1_loss, huber_loss with ``weight``) and the
constructors of Hardtanh and the option-free losses, against PyTorch."""
from __future__ import annotations

import warnings

import numpy as np
import pytest

import chainrule as cr
from helpers import assert_same, to_torch

torch = pytest.importorskip("torch")

CASES = [(name, reduction, extra) for name, extra in
         [("mse_loss", {}), ("l1_loss", {}), ("huber_loss", {"delta": 0.6})]
         for reduction in ("mean", "sum", "none")]


@pytest.mark.parametrize("name,reduction,extra", CASES)
def test_weighted_losses_match_torch(name, reduction, extra):
    rng = np.random.default_rng(CASES.index((name, reduction, extra)))
    x, target, weight = (cr.tensor(rng.standard_normal((3, 4)) * (1 + k), requires_grad=True)
                         for k in range(3))
    leaves = [x, target, weight]
    their_leaves = [to_torch(t, requires_grad=True) for t in leaves]
    ours = getattr(cr.nn.functional, name)(x, target, reduction=reduction, weight=weight,
                                           **extra)
    theirs = getattr(torch.nn.functional, name)(*their_leaves[:2], reduction=reduction,
                                                weight=their_leaves[2], **extra)
    assert_same(ours, theirs, rtol=1e-10)
    assert ours.grad_fn.name() == theirs.grad_fn.name()
    cotangent = rng.standard_normal(tuple(theirs.shape))
    for a, b in zip(cr.autograd.grad(ours, leaves, cr.tensor(cotangent)),
                    torch.autograd.grad(theirs, their_leaves, torch.from_numpy(cotangent))):
        assert_same(a, b, rtol=1e-10)
    assert cr.autograd.gradcheck(lambda *t: getattr(cr.nn.functional, name)(
        t[0], t[1], reduction=reduction, weight=t[2], **extra), tuple(leaves))


@pytest.mark.parametrize("name", ["mse_loss", "l1_loss", "huber_loss"])
def test_weight_of_another_size_is_refused(name):
    for lib in (cr, torch):
        with pytest.raises(ValueError, match="Weights and input must have the same size."):
            getattr(lib.nn.functional, name)(lib.ones(2, 3), lib.ones(2, 3),
                                             weight=lib.ones(3))


@pytest.mark.parametrize("name,args,kwargs", [
    ("Hardtanh", (), {"min_value": -2.0, "max_value": 3.0}),
    ("Hardtanh", (1.0, 0.0), {}),
    ("Hardtanh", (-2, 2, True), {}),
    ("ReLU6", (True,), {}),
    ("L1Loss", (), {"margin": 1.0}),
    ("MSELoss", (), {"weight": None}),
    ("BCELoss", (), {"pos_weight": None}),
    ("SoftMarginLoss", (None, None, "sum"), {}),
    ("HuberLoss", (), {"delta": 2.0, "reduction": "sum"}),
    # layers whose options are their function's, or a shared base's: Python's own errors
    ("MarginRankingLoss", (), {"margin": 0.5, "foo": 1}),
    ("HingeEmbeddingLoss", (0.5, None, None, "sum", 1), {}),
    ("CosineEmbeddingLoss", (0.5,), {"reduction": "sum"}),
    ("Threshold", (0.5,), {}),
    ("Threshold", (), {}),
    ("LeakyReLU", (0.1,), {"negative_slope": 0.2}),
    ("ELU", (1.0, True, 3), {}),
    ("PixelShuffle", (), {}),
    ("PixelUnshuffle", (2, 3), {}),
    ("ChannelShuffle", (), {"group": 2}),
    ("AdaptiveMaxPool2d", (1, True), {}),
    ("AdaptiveAvgPool1d", (), {}),
    ("Fold", ((3, 3),), {}),
    ("Unfold", (2,), {"padding": 1}),
])
def test_constructors_match_torch(name, args, kwargs):
    outcomes = []
    for lib in (cr, torch):
        with warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always")
            try:
                outcomes.append((repr(getattr(lib.nn, name)(*args, **kwargs)), None))
            except (TypeError, AssertionError) as error:
                outcomes.append((type(error).__name__, str(error).split("__init__()")[-1]))
        outcomes.append([str(w.message) for w in caught if w.category is FutureWarning])
    assert outcomes[:2] == outcomes[2:]


def test_loss_layers_take_their_inputs_by_pytorchs_names():
    rng = np.random.default_rng(0)
    x = rng.standard_normal((3, 4))
    y = np.abs(x) + 0.5
    results = []
    for lib in (cr, torch):
        a, b = lib.tensor(x), lib.tensor(y)
        results.append([
            lib.nn.MSELoss()(input=a, target=b),
            lib.nn.PoissonNLLLoss(full=True)(log_input=a, target=b),
            lib.nn.TripletMarginLoss()(anchor=a, positive=b, negative=a * 2),
            lib.nn.CrossEntropyLoss(label_smoothing=0.1)(a, target=lib.tensor([0, 1, 3])),
            lib.nn.CTCLoss()(a.reshape(3, 1, 4).log_softmax(2), targets=lib.tensor([[1, 2]]),
                             input_lengths=[3], target_lengths=[2]),
        ])
    for ours, theirs in zip(*results):
        assert_same(ours, theirs)
