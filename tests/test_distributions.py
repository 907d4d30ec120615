"""Every distribution against PyTorch's: log_prob, entropy, moments, cdf/icdf, shapes,
expand, enumerate_support and printing, with the gradients of each value to the parameters.

Each case builds the same distribution in both libraries from the same NumPy parameters;
the values to score are drawn from PyTorch's distribution, so they lie in the support.
"""
from __future__ import annotations

import math

import numpy as np
import pytest

import chainrule as cr
from helpers import assert_same, from_torch, to_torch

torch = pytest.importorskip("torch")

rng = np.random.default_rng(0)


def _pos(*shape):
    return rng.uniform(0.5, 3.0, shape)


def _real(*shape):
    return rng.standard_normal(shape)


def _simplex(*shape):
    p = rng.uniform(0.1, 1.0, shape)
    return p / p.sum(-1, keepdims=True)


def _spd(n, *batch):
    a = rng.standard_normal(batch + (n, n))
    return a @ np.swapaxes(a, -1, -2) + n * np.eye(n)


def _tril(n, *batch):
    return np.linalg.cholesky(_spd(n, *batch))


# (id, factory(D, params) -> distribution, parameters); D is torch.distributions or ours
CASES = [
    ("Normal", lambda D, p: D.Normal(p["loc"], p["scale"]), dict(loc=_real(3), scale=_pos(3))),
    ("Normal-broadcast", lambda D, p: D.Normal(p["loc"], p["scale"]),
     dict(loc=_real(2, 1), scale=_pos(3))),
    ("LogNormal", lambda D, p: D.LogNormal(p["loc"], p["scale"]),
     dict(loc=_real(3), scale=_pos(3))),
    ("Uniform", lambda D, p: D.Uniform(p["low"], p["low"] + p["width"]),
     dict(low=_real(3), width=_pos(3))),
    ("Bernoulli-probs", lambda D, p: D.Bernoulli(probs=p["probs"]),
     dict(probs=rng.uniform(0.05, 0.95, 4))),
    ("Bernoulli-logits", lambda D, p: D.Bernoulli(logits=p["logits"]), dict(logits=_real(4))),
    ("Binomial-probs", lambda D, p: D.Binomial(10, probs=p["probs"]),
     dict(probs=rng.uniform(0.05, 0.95, 3))),
    ("Binomial-logits", lambda D, p: D.Binomial(torch_count(D, [4.0, 7.0, 9.0]),
                                                logits=p["logits"]), dict(logits=_real(3))),
    ("Categorical-probs", lambda D, p: D.Categorical(probs=p["probs"]),
     dict(probs=_simplex(2, 4))),
    ("Categorical-logits", lambda D, p: D.Categorical(logits=p["logits"]),
     dict(logits=_real(3, 5))),
    ("OneHotCategorical", lambda D, p: D.OneHotCategorical(probs=p["probs"]),
     dict(probs=_simplex(3, 4))),
    ("Multinomial", lambda D, p: D.Multinomial(6, probs=p["probs"]), dict(probs=_simplex(2, 3))),
    ("Multinomial-logits", lambda D, p: D.Multinomial(3, logits=p["logits"]),
     dict(logits=_real(4))),
    ("Poisson", lambda D, p: D.Poisson(p["rate"]), dict(rate=_pos(4))),
    ("Exponential", lambda D, p: D.Exponential(p["rate"]), dict(rate=_pos(4))),
    ("Gamma", lambda D, p: D.Gamma(p["concentration"], p["rate"]),
     dict(concentration=_pos(4), rate=_pos(4))),
    ("Chi2", lambda D, p: D.Chi2(p["df"]), dict(df=_pos(3))),
    ("Beta", lambda D, p: D.Beta(p["a"], p["b"]), dict(a=_pos(4), b=_pos(4))),
    ("Dirichlet", lambda D, p: D.Dirichlet(p["concentration"]),
     dict(concentration=_pos(2, 3))),
    ("Laplace", lambda D, p: D.Laplace(p["loc"], p["scale"]), dict(loc=_real(3), scale=_pos(3))),
    ("StudentT", lambda D, p: D.StudentT(p["df"], p["loc"], p["scale"]),
     dict(df=np.array([0.8, 1.5, 2.5, 6.0]), loc=_real(4), scale=_pos(4))),
    ("MultivariateNormal-cov", lambda D, p: D.MultivariateNormal(p["loc"], p["cov"]),
     dict(loc=_real(2, 3), cov=_spd(3, 2))),
    ("MultivariateNormal-tril", lambda D, p: D.MultivariateNormal(p["loc"], scale_tril=p["L"]),
     dict(loc=_real(3), L=_tril(3))),
    ("MultivariateNormal-precision",
     lambda D, p: D.MultivariateNormal(p["loc"], precision_matrix=p["P"]),
     dict(loc=_real(2, 3), P=_spd(3))),
    ("Independent", lambda D, p: D.Independent(D.Normal(p["loc"], p["scale"]), 1),
     dict(loc=_real(2, 3), scale=_pos(2, 3))),
    ("MixtureSameFamily", lambda D, p: D.MixtureSameFamily(
        D.Categorical(logits=p["logits"]), D.Normal(p["loc"], p["scale"])),
     dict(logits=_real(2, 3), loc=_real(2, 3), scale=_pos(2, 3))),
    ("MixtureSameFamily-mvn", lambda D, p: D.MixtureSameFamily(
        D.Categorical(probs=p["probs"]),
        D.Independent(D.Normal(p["loc"], p["scale"]), 1)),
     dict(probs=_simplex(3), loc=_real(3, 2), scale=_pos(3, 2))),
    ("TransformedDistribution", lambda D, p: D.TransformedDistribution(
        D.Normal(p["loc"], p["scale"]),
        [D.transforms.AffineTransform(p["shift"], -2.0), D.transforms.SigmoidTransform()]),
     dict(loc=_real(3), scale=_pos(3), shift=_real(3))),
    ("TransformedDistribution-stickbreaking", lambda D, p: D.TransformedDistribution(
        D.Normal(p["loc"], p["scale"]), D.transforms.StickBreakingTransform()),
     dict(loc=_real(2, 3), scale=_pos(2, 3))),
    ("TransformedDistribution-tanh", lambda D, p: D.TransformedDistribution(
        D.Laplace(p["loc"], p["scale"]), [D.transforms.TanhTransform()]),
     dict(loc=_real(3), scale=_pos(3))),
]
IDS = [c[0] for c in CASES]


def torch_count(D, counts):
    """Binomial counts as a tensor of the library ``D`` belongs to."""
    lib = torch if D is torch.distributions else cr
    return lib.tensor(counts)


def _build(case, dtype, requires_grad=True):
    _, factory, params = case
    theirs = {k: torch.tensor(v, dtype=dtype, requires_grad=requires_grad)
              for k, v in params.items()}
    ours = {k: from_torch(v) for k, v in theirs.items()}
    return factory(cr.distributions, ours), factory(torch.distributions, theirs), ours, theirs


def _compare(ours_fn, theirs_fn, ours_params, theirs_params, rtol):
    """Call both; the same exception type, or the same values and gradients (of the sum) to
    every parameter."""
    try:
        theirs = theirs_fn()
    except (NotImplementedError, ValueError) as error:
        with pytest.raises(type(error)):
            ours_fn()
        return None
    ours = ours_fn()
    assert_same(ours, theirs, rtol=rtol, atol=rtol)
    if theirs.requires_grad and theirs.dtype.is_floating_point:
        finite = torch.isfinite(theirs)
        for name in theirs_params:
            # (retain_graph: lazily computed parameters are shared by the calls on a
            # distribution)
            try:
                (tg,) = torch.autograd.grad(theirs[finite].sum(), theirs_params[name],
                                            allow_unused=True, retain_graph=True)
            except NotImplementedError:  # e.g. gammainc in its first argument: ours has it
                continue
            (g,) = cr.autograd.grad(ours[from_torch(finite)].sum(), ours_params[name],
                                    allow_unused=True, retain_graph=True)
            if tg is None:
                assert g is None or not g.numpy().any(), name
            else:
                assert g is not None, name
                np.testing.assert_allclose(g.numpy(), tg.numpy(), rtol=rtol, atol=rtol,
                                           err_msg=name)
    return ours


@pytest.mark.parametrize("case", CASES, ids=IDS)
@pytest.mark.parametrize("dtype", [torch.float64, torch.float32], ids=["f64", "f32"])
def test_values_and_gradients_match_pytorch(case, dtype):
    rtol = 1e-9 if dtype == torch.float64 else 2e-5
    ours, theirs, params, tparams = _build(case, dtype)
    assert ours.batch_shape == theirs.batch_shape
    assert ours.event_shape == theirs.event_shape
    assert repr(ours.batch_shape) == repr(theirs.batch_shape)
    assert ours.has_rsample == theirs.has_rsample
    assert ours.has_enumerate_support == theirs.has_enumerate_support
    torch.manual_seed(1)
    tvalue = theirs.sample((2,))
    value = from_torch(tvalue)
    assert_same(value, tvalue * 0 + tvalue)  # the same shape and dtype as our samples have
    assert tuple(ours.sample((2,)).shape) == tuple(tvalue.shape)
    assert ours.sample((2,)).dtype == value.dtype
    for method in ("log_prob", "cdf"):
        _compare(lambda m=method: getattr(ours, m)(value),
                 lambda m=method: getattr(theirs, m)(tvalue), params, tparams, rtol)
    _compare(ours.entropy, theirs.entropy, params, tparams, rtol)
    u = torch.tensor([0.1, 0.7], dtype=dtype).reshape((2,) + (1,) * len(theirs.batch_shape))
    _compare(lambda: ours.icdf(from_torch(u)), lambda: theirs.icdf(u), params, tparams, rtol)
    for moment in ("mean", "variance", "stddev", "mode"):
        _compare(lambda m=moment: getattr(ours, m), lambda m=moment: getattr(theirs, m),
                 params, tparams, rtol)


@pytest.mark.parametrize("case", CASES, ids=IDS)
def test_expand_enumerate_and_printing_match_pytorch(case):
    ours, theirs, _, _ = _build(case, torch.float32, requires_grad=False)
    assert repr(ours) == repr(theirs)
    assert repr(ours.support) == repr(theirs.support)
    shape = (4,) + tuple(theirs.batch_shape)
    big, tbig = ours.expand(shape), theirs.expand(shape)
    assert type(big) is type(ours)
    assert big.batch_shape == tbig.batch_shape and big.event_shape == tbig.event_shape
    torch.manual_seed(2)
    tvalue = tbig.sample()
    assert_same(big.log_prob(from_torch(tvalue)), tbig.log_prob(tvalue), rtol=2e-5, atol=2e-5)
    if theirs.has_enumerate_support:
        for expand in (True, False):
            try:
                tsupport = theirs.enumerate_support(expand)
            except NotImplementedError:
                with pytest.raises(NotImplementedError):
                    ours.enumerate_support(expand)
                continue
            assert_same(ours.enumerate_support(expand), tsupport)


def test_distributions_are_importable_by_pytorchs_module_names():
    from chainrule.distributions.kl import kl_divergence
    from chainrule.distributions.multinomial import Multinomial
    from chainrule.distributions.normal import Normal
    assert cr.distributions.Multinomial is Multinomial and cr.distributions.Normal is Normal
    assert cr.distributions.kl_divergence is kl_divergence
    missing = [name for name in torch.distributions.__all__
               if not hasattr(cr.distributions, name)]
    # the distributions PyTorch has and chainrule leaves out (see the README's differences)
    assert set(missing) == {
        "Cauchy", "ContinuousBernoulli", "FisherSnedecor", "GeneralizedPareto", "Geometric",
        "Gumbel", "HalfCauchy", "HalfNormal", "InverseGamma", "Kumaraswamy", "LKJCholesky",
        "LogisticNormal", "LowRankMultivariateNormal", "NegativeBinomial", "Pareto",
        "RelaxedBernoulli", "RelaxedOneHotCategorical", "VonMises", "Weibull", "Wishart"}


# --- validate_args -------------------------------------------------------------------------
BAD_ARGS = [
    lambda D, t: D.Normal(t([0.0]), t([-1.0])),
    lambda D, t: D.Normal(t([math.nan]), t([1.0])),
    lambda D, t: D.Bernoulli(probs=t([1.5])),
    lambda D, t: D.Bernoulli(t([0.5]), logits=t([0.0])),
    lambda D, t: D.Categorical(probs=t([-0.1, 1.1]) * 0 + t([-0.5, 0.2])),
    lambda D, t: D.Categorical(t(0.5)),
    lambda D, t: D.Binomial(t([2.5]), t([0.5])),
    lambda D, t: D.Poisson(t([-1.0])),
    lambda D, t: D.Gamma(t([0.0]), t([1.0])),
    lambda D, t: D.Beta(t([1.0]), t([-2.0])),
    lambda D, t: D.Dirichlet(t([1.0, -1.0])),
    lambda D, t: D.Dirichlet(t(1.0)),
    lambda D, t: D.Uniform(t([2.0]), t([1.0])),
    lambda D, t: D.Exponential(t([0.0])),
    lambda D, t: D.Laplace(t([0.0]), t([0.0])),
    lambda D, t: D.StudentT(t([-1.0])),
    lambda D, t: D.MultivariateNormal(t([0.0, 0.0]), t([[1.0, 2.0], [2.0, 1.0]])),
    lambda D, t: D.MultivariateNormal(t([0.0, 0.0]), scale_tril=t([[1.0, 1.0], [0.0, 1.0]])),
    lambda D, t: D.MultivariateNormal(t([0.0, 0.0])),
    lambda D, t: D.MultivariateNormal(t(0.0), t([[1.0]])),
    lambda D, t: D.Multinomial(2.5, t([0.5, 0.5])),
    lambda D, t: D.Independent(D.Normal(t([0.0]), t([1.0])), 2),
    lambda D, t: D.MixtureSameFamily(D.Categorical(t([0.5, 0.5])), D.Normal(t([0.0]), t([1.0]))),
    lambda D, t: D.TransformedDistribution(D.Normal(t(0.0), t(1.0)), "exp"),
]


@pytest.mark.parametrize("make", BAD_ARGS, ids=[str(i) for i in range(len(BAD_ARGS))])
def test_invalid_arguments_raise_pytorchs_error(make):
    with pytest.raises(Exception) as theirs:
        make(torch.distributions, torch.tensor)
    with pytest.raises(type(theirs.value)) as ours:
        make(cr.distributions, cr.tensor)
    assert str(ours.value) == str(theirs.value)


BAD_VALUES = [
    (lambda D, t: D.Exponential(t([1.0])), [-1.0]),
    (lambda D, t: D.Bernoulli(t([0.3])), [0.5]),
    (lambda D, t: D.Categorical(t([0.3, 0.7])), 2),
    (lambda D, t: D.Dirichlet(t([1.0, 1.0])), [0.7, 0.7]),
    (lambda D, t: D.Normal(t([0.0, 0.0]), t([1.0, 1.0])), [[1.0, 2.0, 3.0]]),
    (lambda D, t: D.MultivariateNormal(t([0.0, 0.0]), t([[1.0, 0.0], [0.0, 1.0]])), [1.0]),
    (lambda D, t: D.Uniform(t([0.0]), t([1.0])), [1.5]),
    (lambda D, t: D.Binomial(3, t([0.5])), [4.0]),
    (lambda D, t: D.Beta(t([2.0]), t([2.0])), [1.5]),
]


@pytest.mark.parametrize("make,value", BAD_VALUES, ids=[str(i) for i in range(len(BAD_VALUES))])
def test_values_outside_the_support_raise_pytorchs_error(make, value):
    with pytest.raises(Exception) as theirs:
        make(torch.distributions, torch.tensor).log_prob(torch.tensor(value))
    with pytest.raises(type(theirs.value)) as ours:
        make(cr.distributions, cr.tensor).log_prob(cr.tensor(value))
    assert str(ours.value) == str(theirs.value)


def test_validation_can_be_switched_off():
    for lib in (torch, cr):
        D = lib.distributions
        d = D.Normal(lib.tensor([0.0]), lib.tensor([-1.0]), validate_args=False)
        assert math.isnan(float(d.log_prob(lib.tensor([0.0]))))
        D.Distribution.set_default_validate_args(False)
        try:
            D.Exponential(lib.tensor([-1.0])).log_prob(lib.tensor([-2.0]))
        finally:
            D.Distribution.set_default_validate_args(True)
        with pytest.raises(ValueError):
            D.Distribution.set_default_validate_args("yes")


def test_lazy_probs_and_logits_keep_their_graph():
    logits = cr.tensor([0.3, -0.2], requires_grad=True)
    d = cr.distributions.Categorical(logits=logits)
    with cr.no_grad():
        probs = d.probs  # computed lazily, under no_grad, but recorded all the same
    (probs * cr.tensor([1.0, 3.0])).sum().backward()
    tl = to_torch(logits.detach(), requires_grad=True)
    td = torch.distributions.Categorical(logits=tl)
    with torch.no_grad():
        tprobs = td.probs
    (tprobs * torch.tensor([1.0, 3.0])).sum().backward()
    assert_same(logits.grad, tl.grad, atol=1e-7)
