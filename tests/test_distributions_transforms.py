"""Transforms, constraints and the constraint registries against PyTorch's."""
from __future__ import annotations

import numpy as np
import pytest

import chainrule as cr
from helpers import assert_same, from_torch

torch = pytest.importorskip("torch")

rng = np.random.default_rng(0)


def _lib_tensor(lib, value):
    return lib.tensor(np.asarray(value, dtype=np.float64))


# (id, factory(T, t) -> transform, input x as a NumPy array); T is a transforms module
TRANSFORMS = [
    ("Exp", lambda T, t: T.ExpTransform(), rng.standard_normal((2, 3))),
    ("Affine", lambda T, t: T.AffineTransform(t([1.0, -2.0, 0.5]), t([2.0, -0.5, 3.0])),
     rng.standard_normal((2, 3))),
    ("Affine-numbers", lambda T, t: T.AffineTransform(1.0, -3.0), rng.standard_normal(4)),
    ("Affine-event", lambda T, t: T.AffineTransform(0.5, t([[2.0, 1.5]]), event_dim=1),
     rng.standard_normal((3, 2))),
    ("Sigmoid", lambda T, t: T.SigmoidTransform(), rng.standard_normal((2, 3))),
    ("Softplus", lambda T, t: T.SoftplusTransform(), rng.standard_normal((2, 3))),
    ("Tanh", lambda T, t: T.TanhTransform(), rng.standard_normal((2, 3))),
    ("Power", lambda T, t: T.PowerTransform(t([0.5, 2.0, -1.0])), rng.uniform(0.5, 2, (2, 3))),
    ("Abs", lambda T, t: T.AbsTransform(), rng.standard_normal(4)),
    ("Softmax", lambda T, t: T.SoftmaxTransform(), rng.standard_normal((2, 4))),
    ("StickBreaking", lambda T, t: T.StickBreakingTransform(), rng.standard_normal((2, 3))),
    ("LowerCholesky", lambda T, t: T.LowerCholeskyTransform(), rng.standard_normal((2, 3, 3))),
    ("PositiveDefinite", lambda T, t: T.PositiveDefiniteTransform(),
     rng.standard_normal((3, 3))),
    ("CorrCholesky", lambda T, t: T.CorrCholeskyTransform(), rng.standard_normal((2, 6))),
    ("Reshape", lambda T, t: T.ReshapeTransform((2, 3), (6,)), rng.standard_normal((4, 2, 3))),
    ("Independent", lambda T, t: T.IndependentTransform(T.ExpTransform(), 1),
     rng.standard_normal((2, 3))),
    ("Compose", lambda T, t: T.ComposeTransform([T.AffineTransform(0.5, 2.0), T.TanhTransform(),
                                                 T.AffineTransform(1.0, 3.0)]),
     rng.standard_normal((2, 3))),
    ("Compose-event", lambda T, t: T.ComposeTransform([T.ExpTransform(),
                                                       T.StickBreakingTransform()]),
     rng.standard_normal((2, 3))),
    ("Inverse", lambda T, t: T.ExpTransform().inv, rng.uniform(0.5, 2, (2, 3))),
    ("Cat", lambda T, t: T.CatTransform([T.ExpTransform(), T.SigmoidTransform()], dim=1,
                                        lengths=[2, 1]), rng.standard_normal((2, 3))),
    ("Stack", lambda T, t: T.StackTransform([T.ExpTransform(), T.TanhTransform()], dim=1),
     rng.standard_normal((3, 2))),
    ("CumulativeDistribution", lambda T, t: T.CumulativeDistributionTransform(
        (torch if T is torch.distributions.transforms else cr).distributions.Normal(t(0.5),
                                                                                     t(2.0))),
     rng.standard_normal(4)),
]
IDS = [t[0] for t in TRANSFORMS]


def _pair(case):
    _, factory, x = case
    ours = factory(cr.distributions.transforms, lambda v: _lib_tensor(cr, v))
    theirs = factory(torch.distributions.transforms, lambda v: _lib_tensor(torch, v))
    return ours, theirs, x


@pytest.mark.parametrize("case", TRANSFORMS, ids=IDS)
def test_transform_matches_pytorch(case):
    ours, theirs, x = _pair(case)
    tx = torch.tensor(x, requires_grad=True)
    xx = from_torch(tx.detach()).requires_grad_()
    ty, y = theirs(tx), ours(xx)
    assert_same(y, ty, rtol=1e-10, atol=1e-12)
    assert_same(ours.inv(y), theirs.inv(ty), rtol=1e-8, atol=1e-10)
    assert repr(ours) == repr(theirs)
    assert repr(ours.domain) == repr(theirs.domain)
    assert repr(ours.codomain) == repr(theirs.codomain)
    assert ours.bijective == theirs.bijective
    assert tuple(ours.forward_shape(cr.Size(x.shape))) == \
        tuple(theirs.forward_shape(torch.Size(x.shape)))
    assert tuple(ours.inverse_shape(y.shape)) == tuple(theirs.inverse_shape(ty.shape))
    try:
        tsign = theirs.sign
    except NotImplementedError:
        with pytest.raises(NotImplementedError):
            _ = ours.sign
    else:
        sign = ours.sign
        assert np.array_equal(np.asarray(sign.numpy() if hasattr(sign, "numpy") else sign),
                              np.asarray(tsign.numpy() if hasattr(tsign, "numpy") else tsign))
    try:
        tladj = theirs.log_abs_det_jacobian(tx, ty)
    except NotImplementedError:
        with pytest.raises(NotImplementedError):
            ours.log_abs_det_jacobian(xx, y)
        return
    ladj = ours.log_abs_det_jacobian(xx, y)
    assert_same(ladj, tladj, rtol=1e-10, atol=1e-12)
    (tg,) = torch.autograd.grad((tladj.sum() + ty.sum()), tx)
    (g,) = cr.autograd.grad((ladj.sum() + y.sum()), xx)
    np.testing.assert_allclose(g.numpy(), tg.numpy(), rtol=1e-8, atol=1e-10)


ELEMENTWISE = ["Exp", "Affine", "Sigmoid", "Softplus", "Tanh", "Power", "Compose"]


@pytest.mark.parametrize("case", [t for t in TRANSFORMS if t[0] in ELEMENTWISE],
                         ids=ELEMENTWISE)
def test_log_abs_det_jacobian_is_the_log_derivative(case):
    ours, _, x = _pair(case)
    xx = cr.tensor(x, requires_grad=True)
    y = ours(xx)
    (dy,) = cr.autograd.grad(y.sum(), xx)  # elementwise: the Jacobian's diagonal
    np.testing.assert_allclose(ours.log_abs_det_jacobian(xx, y).detach().numpy(),
                               np.log(np.abs(dy.numpy())), rtol=1e-9, atol=1e-10)


def test_caching_equality_and_errors():
    T = cr.distributions.transforms
    t = T.ExpTransform(cache_size=1)
    x = cr.tensor([0.5])
    y = t(x)
    assert t.inv(y) is x  # the cached pair, not a recomputation
    assert t.with_cache(0) == T.ExpTransform() and T.ExpTransform() != T.TanhTransform()
    assert T.AffineTransform(1.0, 2.0) == T.AffineTransform(1.0, 2.0)
    assert T.AffineTransform(1.0, 2.0) != T.AffineTransform(1.0, 3.0)
    assert T.ExpTransform().inv.inv == T.ExpTransform()
    assert T.identity_transform(x) is x
    for lib in (torch, cr):
        with pytest.raises(ValueError, match="cache_size must be 0 or 1"):
            lib.distributions.transforms.ExpTransform(cache_size=2)
        with pytest.raises(ValueError, match="different numbers of elements"):
            lib.distributions.transforms.ReshapeTransform((2, 3), (5,))
        with pytest.raises(ValueError, match="Please use either .domain.event_dim"):
            _ = lib.distributions.transforms.ReshapeTransform((2, 3), (6,)).event_dim


# --- constraints --------------------------------------------------------------------------
def _constraints(C, t):
    return [C.real, C.positive, C.nonnegative, C.unit_interval, C.boolean, C.nonnegative_integer,
            C.positive_integer, C.greater_than(1.0), C.greater_than_eq(-1.0), C.less_than(0.5),
            C.interval(-1.0, 2.0), C.half_open_interval(0.0, 1.0), C.integer_interval(0, 3),
            C.real_vector, C.simplex, C.one_hot, C.multinomial(4), C.independent(C.positive, 1),
            C.lower_triangular, C.lower_cholesky, C.corr_cholesky, C.square, C.symmetric,
            C.positive_definite, C.positive_semidefinite,
            C.cat([C.positive, C.real], dim=-1, lengths=[1, 2]),
            C.stack([C.positive, C.unit_interval, C.real], dim=-1)]


CHECKED = [
    [[0.0, 1.0, -2.0], [3.5, np.nan, 1.0], [0.2, 0.3, 0.5]],
    [[1.0, 0.0, 0.0], [2.0, 1.0, 1.0], [0.5, 0.5, 0.0]],
    [[[1.0, 0.0, 0.0], [0.5, 2.0, 0.0], [0.1, 0.2, 3.0]],
     [[2.0, 1.0, 0.0], [1.0, 2.0, 0.0], [0.0, 0.0, 1.0]]],
    [[[1.0, 0.0, 0.0], [0.6, 0.8, 0.0], [0.0, 0.6, 0.8]],
     [[1.0, 2.0, 0.0], [2.0, 1.0, 0.0], [0.0, 0.0, -1.0]]],
]


@pytest.mark.parametrize("index", range(27))
def test_constraint_checks_match_pytorch(index):
    ours = _constraints(cr.distributions.constraints, cr.tensor)[index]
    theirs = _constraints(torch.distributions.constraints, torch.tensor)[index]
    assert repr(ours) == repr(theirs)
    assert ours.event_dim == theirs.event_dim and ours.is_discrete == theirs.is_discrete
    for value in CHECKED:
        tvalue = torch.tensor(value, dtype=torch.float64)
        if tvalue.dim() < theirs.event_dim:
            continue
        try:
            expected = theirs.check(tvalue)
        except Exception as error:
            with pytest.raises(type(error)):
                ours.check(from_torch(tvalue))
            continue
        assert_same(ours.check(from_torch(tvalue)), expected)


def test_dependent_constraints():
    C = cr.distributions.constraints
    assert C.is_dependent(C.dependent) and not C.is_dependent(C.real)
    with pytest.raises(ValueError, match="Cannot determine validity of dependent constraint"):
        C.dependent.check(cr.zeros(1))
    with pytest.raises(NotImplementedError, match="cannot be determined statically"):
        _ = C.dependent.event_dim
    assert C.dependent(is_discrete=True, event_dim=1).event_dim == 1
    support = cr.distributions.Uniform.support  # a dependent property, read on the class
    assert C.is_dependent(support) and support.event_dim == 0


REGISTRY = ["real", "positive", "nonnegative", "greater_than", "greater_than_eq", "less_than",
            "interval", "unit_interval", "half_open_interval", "simplex", "lower_cholesky",
            "positive_definite", "positive_semidefinite", "corr_cholesky", "independent",
            "cat", "stack"]


def _registered(C, name):
    simple = {"greater_than": C.greater_than(1.5), "greater_than_eq": C.greater_than_eq(-1.0),
              "less_than": C.less_than(2.0), "interval": C.interval(-1.0, 3.0),
              "half_open_interval": C.half_open_interval(2.0, 4.0),
              "independent": C.independent(C.positive, 1),
              "cat": C.cat([C.positive, C.unit_interval], dim=-1, lengths=[2, 1]),
              "stack": C.stack([C.positive, C.real, C.unit_interval], dim=-1)}
    return simple.get(name, getattr(C, name, None))


@pytest.mark.parametrize("name", REGISTRY)
@pytest.mark.parametrize("registry", ["biject_to", "transform_to"])
def test_registries_give_pytorchs_transforms(name, registry):
    ours_c = _registered(cr.distributions.constraints, name)
    theirs_c = _registered(torch.distributions.constraints, name)
    try:
        theirs = getattr(torch.distributions, registry)(theirs_c)
    except NotImplementedError as error:
        with pytest.raises(NotImplementedError, match=str(error)):
            getattr(cr.distributions, registry)(ours_c)
        return
    ours = getattr(cr.distributions, registry)(ours_c)
    assert repr(ours) == repr(theirs)
    shape = {0: (2, 3), 1: (2, 3), 2: (3, 3)}[theirs.domain.event_dim]
    if name == "corr_cholesky":
        shape = (2, 3)
    x = rng.standard_normal(shape)
    y, ty = ours(cr.tensor(x)), theirs(torch.tensor(x))
    assert_same(y, ty, rtol=1e-9, atol=1e-12)
    assert bool(ours_c.check(y).all())
