"""Activations, distances and losses of ``nn`` and ``nn.functional`` against PyTorch."""
from __future__ import annotations

import numpy as np
import pytest

import chainrule as cr
from chainrule import nn
from chainrule.nn import functional
from helpers import assert_same, from_torch, to_torch

torch = pytest.importorskip("torch")
TF = torch.nn.functional

# edge values: zero, the thresholds of the piecewise functions, large magnitudes
EDGES = [0.0, -0.0, 0.5, -0.5, 3.0, -3.0, 1.0, -1.0, 20.0, -20.0, 100.0, -100.0, 1e4, -1e4]


def _inputs(dtype=np.float32, seed=0, shape=(4, 6)):
    rng = np.random.default_rng(seed)
    x = rng.normal(scale=3.0, size=shape).astype(dtype)
    x.flat[:len(EDGES)] = EDGES
    return x


def _compare(ours_fn, theirs_fn, arrays, grad=True, rtol=1e-5, atol=1e-6):
    """Same output and same gradients (through ``sum(out * w)``) for chainrule and torch."""
    ours = [cr.tensor(a, requires_grad=grad and a.dtype.kind == "f") for a in arrays]
    theirs = [to_torch(t) for t in ours]
    out, ref = ours_fn(*ours), theirs_fn(*theirs)
    assert_same(out, ref, rtol, atol)
    if grad and ref.requires_grad:
        dtype = ref.detach().numpy().dtype
        w = np.random.default_rng(1).normal(size=tuple(ref.shape)).astype(dtype)
        (out * cr.tensor(w)).sum().backward()
        (ref * torch.from_numpy(w)).sum().backward()
        for a, b in zip(ours, theirs):
            if b.requires_grad:
                _same_grad(a.grad, b.grad if b.grad is not None else torch.zeros_like(b),
                           rtol, atol)


def _same_grad(ours, theirs, rtol, atol):
    """Gradients agree; a gradient PyTorch leaves at zero may be None here (an input used only
    in a condition), and where PyTorch's is NaN (the target gradient of 0 log 0, of Stirling's
    term at 0 or 1) ours is deliberately finite."""
    if ours is None:
        assert not theirs.any(), theirs
        return
    nan = torch.isnan(theirs)
    if nan.any():
        assert np.isfinite(ours.numpy()).all()
        ours, theirs = cr.tensor(ours.numpy()[~nan.numpy()]), theirs[~nan]
    assert_same(ours, theirs, rtol, atol)


ACTIVATIONS = [
    ("selu", {}), ("celu", {}), ("celu", {"alpha": 2.5}), ("mish", {}), ("hardswish", {}),
    ("hardsigmoid", {}), ("softsign", {}), ("tanhshrink", {}), ("softshrink", {}),
    ("softshrink", {"lambd": 3.0}), ("hardshrink", {}), ("hardshrink", {"lambd": 3.0}),
    ("threshold", {"threshold": 1.0, "value": -2.0}), ("threshold", {"threshold": -3.0,
                                                                     "value": 0.5}),
    ("logsigmoid", {}), ("softmin", {"dim": 1}), ("softmin", {"dim": 0}), ("glu", {}),
    ("glu", {"dim": 0}),
]


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
@pytest.mark.parametrize("name,kwargs", ACTIVATIONS)
def test_activation_matches_torch(name, kwargs, dtype):
    rtol = 1e-5 if dtype == np.float32 else 1e-10
    if name == "hardsigmoid" and dtype == np.float64:
        rtol = 1e-7  # PyTorch's float64 slope is 1/6 rounded to float32
    for seed in range(2):
        x = _inputs(dtype, seed)
        _compare(lambda t: getattr(functional, name)(t, **kwargs),
                 lambda t: getattr(TF, name)(t, **kwargs), [x], rtol=rtol, atol=rtol * 0.1)


@pytest.mark.parametrize("shape,num", [((5,), 1), ((3, 4), 1), ((3, 4), 4), ((2, 3, 4, 5), 3)])
def test_prelu_matches_torch(shape, num):
    x = _inputs(np.float32, 2, shape)
    w = np.random.default_rng(3).uniform(-1, 1, size=num).astype(np.float32)
    _compare(functional.prelu, TF.prelu, [x, w])


def test_prelu_module_and_errors():
    m = nn.PReLU(3, init=0.1)
    assert repr(m) == repr(torch.nn.PReLU(3, init=0.1))
    assert m.weight.shape == (3,) and np.allclose(m.weight.detach().numpy(), 0.1)
    assert [n for n, _ in m.named_parameters()] == ["weight"]
    x = _inputs(np.float32, 0, (2, 3))
    out = m(cr.tensor(x))
    out.sum().backward()
    tm = torch.nn.PReLU(3, init=0.1)
    ref = tm(torch.from_numpy(x))
    ref.sum().backward()
    assert_same(out, ref)
    assert_same(m.weight.grad, tm.weight.grad)
    assert nn.PReLU(dtype=cr.float64).weight.dtype is cr.float64
    with pytest.raises(RuntimeError):
        TF.prelu(torch.ones(2, 3), torch.ones(2))
    with pytest.raises(RuntimeError, match="Mismatch of parameter numbers"):
        functional.prelu(cr.ones(2, 3), cr.ones(2))


@pytest.mark.parametrize("fn,args", [
    ("celu", {"alpha": 0.0}), ("softshrink", {"lambd": -1.0}),
])
def test_activation_errors(fn, args):
    with pytest.raises(RuntimeError):
        getattr(TF, fn)(torch.ones(3), **args)
    with pytest.raises(RuntimeError):
        getattr(functional, fn)(cr.ones(3), **args)


def test_glu_errors():
    for x in (torch.ones(3), torch.tensor(1.0)):
        with pytest.raises(RuntimeError):
            TF.glu(x)
        with pytest.raises(RuntimeError):
            functional.glu(from_torch(x))
    with pytest.raises(IndexError):
        TF.glu(torch.ones(2), 3)
    with pytest.raises(IndexError):
        functional.glu(cr.ones(2), 3)


def test_softmin_default_dim_warns_and_dtype():
    x = _inputs(np.float32, 0, (2, 3))
    with pytest.warns(UserWarning, match="softmin"):
        out = functional.softmin(cr.tensor(x))
    with pytest.warns(UserWarning):
        ref = TF.softmin(torch.from_numpy(x))
    assert_same(out, ref)
    assert_same(functional.softmin(cr.tensor(x), 1, dtype=cr.float64),
                TF.softmin(torch.from_numpy(x), 1, dtype=torch.float64))


def test_threshold_integer_input():
    x = np.array([1, 2, 3])
    assert_same(functional.threshold(cr.tensor(x), 1.5, 0),
                TF.threshold(torch.from_numpy(x), 1.5, 0))


MODULES = [
    ("PReLU", ()), ("PReLU", (4,)), ("SELU", ()), ("SELU", (True,)), ("CELU", ()),
    ("CELU", (2.0, True)), ("Mish", ()), ("Mish", (True,)), ("Hardswish", ()),
    ("Hardswish", (True,)), ("Hardsigmoid", ()), ("Hardsigmoid", (True,)), ("Softsign", ()),
    ("Softmin", ()), ("Softmin", (1,)), ("LogSigmoid", ()), ("Threshold", (0.1, 20)),
    ("Threshold", (1, 2, True)), ("GLU", ()), ("GLU", (0,)), ("Tanhshrink", ()),
    ("Softshrink", ()), ("Softshrink", (2.0,)), ("Hardshrink", ()), ("Hardshrink", (1,)),
    ("CosineSimilarity", ()), ("CosineSimilarity", (0, 1e-3)), ("PairwiseDistance", ()),
    ("PairwiseDistance", (1.0, 1e-3, True)),
    ("KLDivLoss", ()), ("KLDivLoss", (None, None, "batchmean", True)),
    ("MarginRankingLoss", (0.5,)), ("HingeEmbeddingLoss", ()), ("CosineEmbeddingLoss", ()),
    ("SoftMarginLoss", ()), ("MultiLabelSoftMarginLoss", ()), ("PoissonNLLLoss", ()),
    ("GaussianNLLLoss", ()), ("TripletMarginLoss", ()), ("TripletMarginLoss", (2.0, 1.0)),
]


@pytest.mark.parametrize("name,args", MODULES)
def test_module_repr(name, args):
    assert repr(getattr(nn, name)(*args)) == repr(getattr(torch.nn, name)(*args))


@pytest.mark.parametrize("name,args,n_inputs", [
    ("SELU", (), 1), ("CELU", (2.0,), 1), ("Mish", (), 1), ("Hardswish", (), 1),
    ("Hardsigmoid", (), 1), ("Softsign", (), 1), ("Softmin", (1,), 1), ("LogSigmoid", (), 1),
    ("Threshold", (0.1, 20.0), 1), ("GLU", (), 1), ("Tanhshrink", (), 1),
    ("Softshrink", (1.0,), 1), ("Hardshrink", (1.0,), 1), ("CosineSimilarity", (), 2),
    ("PairwiseDistance", (3.0,), 2),
    ("MultiLabelSoftMarginLoss", (), 2), ("PoissonNLLLoss", (), 2),
    ("TripletMarginLoss", (0.5,), 3),
])
def test_module_forward_matches_torch(name, args, n_inputs):
    arrays = [_inputs(np.float32, seed) for seed in range(n_inputs)]
    _compare(getattr(nn, name)(*args), getattr(torch.nn, name)(*args), arrays, rtol=1e-4,
             atol=1e-5)


# ----------------------------------------------------------------------------------------
# distances
# ----------------------------------------------------------------------------------------
@pytest.mark.parametrize("kwargs", [{}, {"dim": 0}, {"dim": -1, "eps": 1e-3}])
def test_cosine_similarity(kwargs):
    a, b = _inputs(np.float32, 0), _inputs(np.float32, 1)
    a[0] = 0  # a zero vector: the eps clamp
    _compare(lambda x, y: functional.cosine_similarity(x, y, **kwargs),
             lambda x, y: TF.cosine_similarity(x, y, **kwargs), [a, b], rtol=1e-4, atol=1e-6)
    # broadcasting
    _compare(lambda x, y: functional.cosine_similarity(x, y, **kwargs),
             lambda x, y: TF.cosine_similarity(x, y, **kwargs), [a, b[:1]], rtol=1e-4, atol=1e-6)


@pytest.mark.parametrize("p", [1.0, 2.0, 3.0, float("inf")])
@pytest.mark.parametrize("keepdim", [False, True])
def test_pairwise_distance(p, keepdim):
    tol = 1e-6 if p == float("inf") else 1e-9  # PyTorch's inf-norm gradient rounds to ~1e-8
    a, b = _inputs(np.float64, 0), _inputs(np.float64, 1)
    b[1] = a[1]  # zero distance but for eps
    _compare(lambda x, y: functional.pairwise_distance(x, y, p, keepdim=keepdim),
             lambda x, y: TF.pairwise_distance(x, y, p, keepdim=keepdim), [a, b], rtol=tol,
             atol=tol * 1e-3)
    _compare(lambda x, y: functional.pairwise_distance(x, y, p),
             lambda x, y: TF.pairwise_distance(x, y, p), [a[0], b[0]], rtol=tol,
             atol=tol * 1e-3)


# ----------------------------------------------------------------------------------------
# losses
# ----------------------------------------------------------------------------------------
REDUCTIONS = ["none", "mean", "sum"]


def _signs(seed, shape):
    return np.random.default_rng(seed).choice([-1.0, 1.0], size=shape).astype(np.float32)


@pytest.mark.parametrize("reduction", REDUCTIONS + ["batchmean"])
@pytest.mark.parametrize("log_target", [False, True])
def test_kl_div(reduction, log_target):
    rng = np.random.default_rng(0)
    inp = np.log(rng.dirichlet(np.ones(5), size=3)).astype(np.float32)
    tgt = rng.dirichlet(np.ones(5), size=3).astype(np.float32)
    if log_target:
        tgt = np.log(tgt)
    else:
        tgt[0, :2] = 0  # 0 log 0 = 0
    with pytest.warns(UserWarning) if reduction == "mean" else _no_warning():
        _compare(lambda x, t: functional.kl_div(x, t, reduction=reduction, log_target=log_target),
                 lambda x, t: TF.kl_div(x, t, reduction=reduction, log_target=log_target),
                 [inp, tgt])


class _no_warning:
    def __enter__(self):
        return self

    def __exit__(self, *exc):
        return False


@pytest.mark.parametrize("reduction", REDUCTIONS)
def test_margin_hinge_soft_margin(reduction):
    x1, x2 = _inputs(np.float32, 0, (8,)), _inputs(np.float32, 1, (8,))
    y = _signs(2, (8,))
    for margin in (0.0, 0.7):
        _compare(lambda a, b, t, m=margin:
                 functional.margin_ranking_loss(a, b, t, m, reduction=reduction),
                 lambda a, b, t, m=margin: TF.margin_ranking_loss(a, b, t, m, reduction=reduction),
                 [x1, x2, y])
        _compare(lambda a, t, m=margin:
                 functional.hinge_embedding_loss(a, t, m + 1, reduction=reduction),
                 lambda a, t, m=margin: TF.hinge_embedding_loss(a, t, m + 1, reduction=reduction),
                 [x1, y])
    _compare(lambda a, t: functional.soft_margin_loss(a, t.detach(), reduction=reduction),
             lambda a, t: TF.soft_margin_loss(a, t.detach(), reduction=reduction), [x1 / 4, y])
    with pytest.raises(RuntimeError):
        TF.soft_margin_loss(torch.ones(2), torch.ones(2, requires_grad=True))
    with pytest.raises(RuntimeError, match="not differentiable"):
        functional.soft_margin_loss(cr.ones(2), cr.ones(2, requires_grad=True))


@pytest.mark.parametrize("reduction", REDUCTIONS)
def test_cosine_embedding_loss(reduction):
    a, b = _inputs(np.float32, 0, (5, 4)), _inputs(np.float32, 1, (5, 4))
    y = _signs(2, (5,))
    r = reduction
    for margin in (0.0, 0.3):
        _compare(lambda p, q, t, m=margin:
                 functional.cosine_embedding_loss(p, q, t, m, reduction=r),
                 lambda p, q, t, m=margin: TF.cosine_embedding_loss(p, q, t, m, reduction=r),
                 [a, b, y], rtol=1e-4, atol=1e-6)
    _compare(lambda p, q, t: functional.cosine_embedding_loss(p, q, t, reduction=reduction),
             lambda p, q, t: TF.cosine_embedding_loss(p, q, t, reduction=reduction),
             [a[0], b[0], np.float32(1.0)], rtol=1e-4, atol=1e-6)
    with pytest.raises(RuntimeError):
        TF.cosine_embedding_loss(torch.ones(3), torch.ones(3), torch.ones(3))
    with pytest.raises(RuntimeError):
        functional.cosine_embedding_loss(cr.ones(3), cr.ones(3), cr.ones(3))


@pytest.mark.parametrize("reduction", REDUCTIONS)
def test_multilabel_soft_margin_loss(reduction):
    x = _inputs(np.float32, 0, (4, 5))
    t = (np.random.default_rng(1).random((4, 5)) > 0.5).astype(np.float32)
    w = np.random.default_rng(2).random(5).astype(np.float32)
    _compare(lambda a, b: functional.multilabel_soft_margin_loss(a, b, reduction=reduction),
             lambda a, b: TF.multilabel_soft_margin_loss(a, b, reduction=reduction), [x, t])
    _compare(lambda a, b, c: functional.multilabel_soft_margin_loss(a, b, c, reduction=reduction),
             lambda a, b, c: TF.multilabel_soft_margin_loss(a, b, c, reduction=reduction),
             [x, t, w])


@pytest.mark.parametrize("reduction", REDUCTIONS)
@pytest.mark.parametrize("log_input,full", [(True, False), (False, False), (True, True),
                                            (False, True)])
def test_poisson_nll_loss(reduction, log_input, full):
    rng = np.random.default_rng(0)
    x = rng.normal(size=(3, 4)).astype(np.float32)
    if not log_input:
        x = np.abs(x) + 0.1
    t = rng.poisson(2.0, size=(3, 4)).astype(np.float32)
    _compare(lambda a, b: functional.poisson_nll_loss(a, b, log_input, full, reduction=reduction),
             lambda a, b: TF.poisson_nll_loss(a, b, log_input, full, reduction=reduction),
             [x, t], rtol=1e-5, atol=1e-5)


@pytest.mark.parametrize("reduction", REDUCTIONS)
@pytest.mark.parametrize("var_shape", [(3, 4), (3,), (3, 1), ()])
def test_gaussian_nll_loss(reduction, var_shape):
    rng = np.random.default_rng(0)
    x, t = rng.normal(size=(3, 4)), rng.normal(size=(3, 4))
    v = rng.random(var_shape) + 0.1
    if var_shape == (3, 4):
        v[0, 0] = 0.0  # clamped at eps; the gradient passes through the clamp
    if var_shape == ():  # a 0-d var tensor is the wrong size (a float var is not)
        with pytest.raises(ValueError):
            TF.gaussian_nll_loss(torch.from_numpy(x), torch.from_numpy(t), torch.tensor(v))
        with pytest.raises(ValueError, match="incorrect size"):
            functional.gaussian_nll_loss(cr.tensor(x), cr.tensor(t), cr.tensor(v))
        return
    for full in (False, True):
        _compare(lambda a, b, c, f=full:
                 functional.gaussian_nll_loss(a, b, c, f, reduction=reduction),
                 lambda a, b, c, f=full: TF.gaussian_nll_loss(a, b, c, f, reduction=reduction),
                 [x, t, np.asarray(v)], rtol=1e-7, atol=1e-9)


def test_gaussian_nll_loss_float_var_and_errors():
    x, t = _inputs(np.float32, 0, (3, 4)), _inputs(np.float32, 1, (3, 4))
    assert_same(functional.gaussian_nll_loss(cr.tensor(x), cr.tensor(t), 0.5),
                TF.gaussian_nll_loss(torch.from_numpy(x), torch.from_numpy(t), 0.5))
    for var in (-torch.ones(3, 4), torch.ones(2, 4)):
        with pytest.raises(ValueError):
            TF.gaussian_nll_loss(torch.from_numpy(x), torch.from_numpy(t), var)
        with pytest.raises(ValueError):
            functional.gaussian_nll_loss(cr.tensor(x), cr.tensor(t), from_torch(var))


@pytest.mark.parametrize("reduction", REDUCTIONS)
@pytest.mark.parametrize("p,swap", [(2.0, False), (1.0, True), (3.0, False)])
def test_triplet_margin_loss(reduction, p, swap):
    a, pos, neg = (_inputs(np.float32, s, (5, 3)) for s in range(3))
    _compare(lambda x, y, z: functional.triplet_margin_loss(x, y, z, 1.5, p, swap=swap,
                                                    reduction=reduction),
             lambda x, y, z: TF.triplet_margin_loss(x, y, z, 1.5, p, swap=swap,
                                                    reduction=reduction),
             [a, pos, neg], rtol=1e-4, atol=1e-5)
    with pytest.raises(RuntimeError):
        functional.triplet_margin_loss(cr.ones(2, 3), cr.ones(3), cr.ones(2, 3))


@pytest.mark.parametrize("fn,n", [
    ("margin_ranking_loss", 3), ("hinge_embedding_loss", 2), ("soft_margin_loss", 2),
    ("multilabel_soft_margin_loss", 2), ("poisson_nll_loss", 2), ("kl_div", 2),
])
def test_invalid_reduction_and_legacy_flags(fn, n):
    args = [torch.ones(2, 3)] * n
    with pytest.raises(ValueError):
        getattr(TF, fn)(*args, reduction="bogus")
    with pytest.raises(ValueError):
        getattr(functional, fn)(*[from_torch(a) for a in args], reduction="bogus")
    # size_average=False: the legacy spelling of reduction='sum'
    assert_same(getattr(functional, fn)(*[from_torch(a) for a in args], size_average=False),
                getattr(TF, fn)(*args, size_average=False))


def test_loss_modules_forward():
    rng = np.random.default_rng(0)
    x1, x2 = rng.normal(size=(4, 3)).astype(np.float32), rng.normal(size=(4, 3)).astype(np.float32)
    y = _signs(1, (4,))
    pairs = [
        ("KLDivLoss", dict(reduction="batchmean", log_target=True), [x1, x2]),
        ("MarginRankingLoss", dict(margin=0.2, reduction="sum"), [x1[:, 0], x2[:, 0], y]),
        ("HingeEmbeddingLoss", dict(margin=0.5), [x1[:, 0], y]),
        ("CosineEmbeddingLoss", dict(margin=0.1), [x1, x2, y]),
        ("PoissonNLLLoss", dict(full=True), [x1, np.abs(x2) * 3]),
        ("GaussianNLLLoss", dict(full=True, reduction="none"), [x1, x2, np.abs(x2)]),
        ("TripletMarginLoss", dict(swap=True, reduction="none"), [x1, x2, x1[::-1].copy()]),
    ]
    for name, kwargs, arrays in pairs:
        _compare(getattr(nn, name)(**kwargs), getattr(torch.nn, name)(**kwargs), arrays,
                 rtol=1e-4, atol=1e-5)
    w = cr.tensor(rng.random(3).astype(np.float32))
    m = nn.MultiLabelSoftMarginLoss(w, reduction="none")
    assert "weight" in dict(m.named_buffers())
    _compare(m, torch.nn.MultiLabelSoftMarginLoss(to_torch(w), reduction="none"),
             [x1, (x2 > 0).astype(np.float32)])


@pytest.mark.parametrize("fn,shapes", [
    (lambda x: functional.selu(x), [(3, 4)]), (lambda x: functional.mish(x), [(3, 4)]),
    (lambda x: functional.celu(x, 1.5), [(3, 4)]), (lambda x: functional.glu(x, 1), [(3, 4)]),
    (lambda x: functional.softmin(x, 1), [(3, 4)]),
    (lambda x, w: functional.prelu(x, w), [(3, 4), (4,)]),
    (lambda x, y: functional.cosine_similarity(x, y), [(3, 4), (3, 4)]),
    (lambda x, y: functional.pairwise_distance(x, y, 3.0), [(3, 4), (3, 4)]),
    (lambda x, y, z: functional.triplet_margin_loss(x, y, z), [(3, 4)] * 3),
    (lambda x, y: functional.kl_div(x, y.exp(), reduction="batchmean"), [(3, 4), (3, 4)]),
    (lambda x, y, v: functional.gaussian_nll_loss(x, y, v.exp()), [(3, 4), (3, 4), (3, 4)]),
])
def test_gradcheck_float64(fn, shapes):
    rng = np.random.default_rng(5)
    # values kept away from the kinks so finite differences are valid
    inputs = [cr.tensor(rng.uniform(0.2, 1.5, size=s) * rng.choice([-1, 1], size=s),
                        requires_grad=True) for s in shapes]
    assert cr.autograd.gradcheck(fn, inputs)
    assert cr.autograd.gradgradcheck(fn, inputs)


def test_margin_ranking_dims_error_and_mixed_dtypes():
    with pytest.raises(RuntimeError):
        TF.margin_ranking_loss(torch.ones(3), torch.ones(3), torch.ones(1, 3))
    with pytest.raises(RuntimeError, match="same dimension"):
        functional.margin_ranking_loss(cr.ones(3), cr.ones(3), cr.ones(1, 3))
    x = _inputs(np.float32, 0, (3, 4))
    t = _inputs(np.float64, 1, (3, 4))
    for name in ("kl_div", "poisson_nll_loss", "multilabel_soft_margin_loss"):
        _compare(lambda a, b, n=name: getattr(functional, n)(a, b.detach()),
                 lambda a, b, n=name: getattr(TF, n)(a, b.detach()), [x / 4, np.abs(t)],
                 rtol=1e-5, atol=1e-6)
