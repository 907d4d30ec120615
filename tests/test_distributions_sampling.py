"""Samples and reparameterised gradients.

Samples are compared in distribution, not draw by draw (chainrule's random numbers are not
PyTorch's): 100,000 draws from a fixed seed must have the analytic mean and variance (from
PyTorch's distribution) within five standard errors, continuous ones must pass a
Kolmogorov-Smirnov test against PyTorch's cdf, discrete ones must hit each value with its
probability.  Five standard errors make a false alarm a one-in-a-million event, and the
fixed seed makes each run identical.

``rsample`` gradients: gradcheck where the sample is a smooth function of the parameters and
fixed noise; for Gamma, Beta, Dirichlet (implicit reparameterisation) against finite
differences of SciPy's incomplete gamma and beta functions, against PyTorch's own formulas
for the same samples, and in expectation (the mean gradient is the gradient of the mean).
"""
from __future__ import annotations

import importlib

import numpy as np
import pytest

import chainrule as cr
from helpers import assert_same, from_torch

torch = pytest.importorskip("torch")

N = 100_000
SIGMAS = 5.0


def _t(*values):
    return [torch.tensor(v, dtype=torch.float64) for v in values]


# (id, factory(D, t) -> distribution); t makes float64 tensors of that library
STATISTICS = [
    ("Normal", lambda D, t: D.Normal(t([0.5, -2.0]), t([1.5, 0.2]))),
    ("LogNormal", lambda D, t: D.LogNormal(t([0.0, 0.3]), t([0.5, 0.25]))),
    ("Uniform", lambda D, t: D.Uniform(t([-1.0, 2.0]), t([3.0, 2.5]))),
    ("Bernoulli", lambda D, t: D.Bernoulli(t([0.1, 0.5, 0.9]))),
    ("Binomial", lambda D, t: D.Binomial(t([5.0, 20.0]), t([0.3, 0.8]))),
    ("Categorical", lambda D, t: D.Categorical(t([0.1, 0.2, 0.7]))),
    ("OneHotCategorical", lambda D, t: D.OneHotCategorical(t([0.1, 0.2, 0.7]))),
    ("Multinomial", lambda D, t: D.Multinomial(7, t([0.1, 0.2, 0.7]))),
    ("Poisson", lambda D, t: D.Poisson(t([0.5, 4.0, 30.0]))),
    ("Exponential", lambda D, t: D.Exponential(t([0.5, 3.0]))),
    ("Gamma", lambda D, t: D.Gamma(t([0.3, 1.0, 7.5]), t([1.0, 2.0, 0.5]))),
    ("Chi2", lambda D, t: D.Chi2(t([1.0, 5.0]))),
    ("Beta", lambda D, t: D.Beta(t([0.5, 2.0, 5.0]), t([0.5, 3.0, 1.0]))),
    ("Dirichlet", lambda D, t: D.Dirichlet(t([[0.4, 1.0, 3.0], [5.0, 5.0, 5.0]]))),
    ("Laplace", lambda D, t: D.Laplace(t([0.0, 1.0]), t([1.0, 0.5]))),
    ("StudentT", lambda D, t: D.StudentT(t([5.0, 9.0]), t([1.0, -1.0]), t([2.0, 0.5]))),
    ("MultivariateNormal", lambda D, t: D.MultivariateNormal(
        t([1.0, -1.0]), t([[2.0, 0.8], [0.8, 1.0]]))),
    ("Independent", lambda D, t: D.Independent(D.Normal(t([0.0, 1.0]), t([1.0, 2.0])), 1)),
    ("MixtureSameFamily", lambda D, t: D.MixtureSameFamily(
        D.Categorical(t([0.3, 0.7])), D.Normal(t([-2.0, 1.0]), t([0.5, 1.0])))),
    ("TransformedDistribution", lambda D, t: D.TransformedDistribution(
        D.Normal(t([0.0]), t([1.0])), [D.transforms.SigmoidTransform()])),
]
IDS = [s[0] for s in STATISTICS]


def _draws(factory):
    cr.manual_seed(0)
    ours = factory(cr.distributions, lambda v: cr.tensor(v, dtype=cr.float64))
    theirs = factory(torch.distributions, lambda v: torch.tensor(v, dtype=torch.float64))
    samples = ours.sample((N,))
    assert tuple(samples.shape) == (N,) + tuple(theirs.batch_shape) + tuple(theirs.event_shape)
    return ours, theirs, samples.numpy().astype(np.float64)


# (Categorical and TransformedDistribution have no moments: their class frequencies, or the
# cdf, are checked below)
WITH_MOMENTS = [s for s in STATISTICS if s[0] not in ("Categorical", "TransformedDistribution")]


@pytest.mark.parametrize("name,factory", WITH_MOMENTS, ids=[s[0] for s in WITH_MOMENTS])
def test_sample_mean_and_variance_within_five_standard_errors(name, factory):
    _, theirs, x = _draws(factory)
    mean = theirs.mean.numpy()
    if name == "MultivariateNormal":
        variance = np.diagonal(theirs.covariance_matrix.numpy())
    else:
        variance = theirs.variance.numpy()
    centered = x - x.mean(0)
    # standard errors of the sample mean and of the sample variance
    se_mean = np.sqrt(variance / N)
    fourth = (centered ** 4).mean(0)
    se_var = np.sqrt(np.maximum(fourth - centered.var(0) ** 2, 0) / N)
    assert np.all(np.abs(x.mean(0) - mean) <= SIGMAS * se_mean + 1e-12), (x.mean(0), mean)
    assert np.all(np.abs(x.var(0) - variance) <= SIGMAS * se_var + 1e-12), (x.var(0), variance)
    if name == "MultivariateNormal":
        products = centered[:, 0] * centered[:, 1]
        covariance = theirs.covariance_matrix.numpy()[0, 1]
        assert abs(products.mean() - covariance) <= SIGMAS * products.std() / np.sqrt(N)


CONTINUOUS = ["Normal", "LogNormal", "Uniform", "Exponential", "Gamma", "Chi2", "Laplace",
              "MixtureSameFamily", "TransformedDistribution"]


@pytest.mark.parametrize("name,factory", [s for s in STATISTICS if s[0] in CONTINUOUS],
                         ids=CONTINUOUS)
def test_continuous_samples_pass_kolmogorov_smirnov_against_pytorchs_cdf(name, factory):
    _, theirs, x = _draws(factory)
    # for each batch member, the largest gap between the empirical and the true cdf
    cdf = theirs.cdf(torch.tensor(np.sort(x, axis=0))).numpy().reshape(N, -1)
    steps = np.arange(1, N + 1)[:, None] / N
    statistic = np.maximum(steps - cdf, cdf - (steps - 1 / N)).max(0)
    assert np.all(statistic < 1.95 / np.sqrt(N)), statistic  # the 0.1 % critical value


DISCRETE = ["Bernoulli", "Binomial", "Categorical", "Poisson"]


@pytest.mark.parametrize("name,factory", [s for s in STATISTICS if s[0] in DISCRETE],
                         ids=DISCRETE)
def test_discrete_samples_hit_each_value_with_its_probability(name, factory):
    ours, theirs, x = _draws(factory)
    theirs._validate_args = False  # values beyond one batch member's support score -inf
    values = np.unique(x)
    for v in values[:40]:
        frequency = (x == v).mean(0)
        probability = theirs.log_prob(torch.tensor(v, dtype=torch.float64)).exp().numpy()
        se = np.sqrt(probability * (1 - probability) / N)
        assert np.all(np.abs(frequency - probability) <= SIGMAS * se + 1e-12), v
    assert ours.sample().dtype == (cr.int64 if name == "Categorical" else cr.float64)


def test_samples_repeat_with_the_seed_and_carry_no_graph():
    loc = cr.tensor([0.0, 1.0], requires_grad=True)
    for make in (lambda: cr.distributions.Normal(loc, 1.0),
                 lambda: cr.distributions.Gamma(loc.exp(), 1.0),
                 lambda: cr.distributions.Dirichlet(loc.exp()),
                 lambda: cr.distributions.Binomial(5, logits=loc)):
        cr.manual_seed(3)
        a = make().sample((4,))
        cr.manual_seed(3)
        b = make().sample((4,))
        assert cr.equal(a, b) and a.grad_fn is None and not a.requires_grad


def test_rsample_needs_a_reparameterisable_distribution():
    for lib in (torch, cr):
        with pytest.raises(NotImplementedError):
            lib.distributions.Bernoulli(lib.tensor([0.5])).rsample()
        with pytest.raises(NotImplementedError):
            lib.distributions.Poisson(lib.tensor([0.5])).rsample()


# --- reparameterised gradients: gradcheck ----------------------------------------------------
def _seeded_rsample(make, shape=(3,)):
    """A deterministic function of the parameters: the same noise at every call."""
    def f(*params):
        cr.manual_seed(11)
        return make(*params).rsample(shape)
    return f


D = cr.distributions
GRADCHECK = [
    ("Normal", lambda loc, scale: D.Normal(loc, scale), [[0.5, -1.0], [1.0, 2.0]]),
    ("LogNormal", lambda loc, scale: D.LogNormal(loc, scale), [[0.5, -1.0], [0.3, 0.7]]),
    ("Uniform", lambda low, width: D.Uniform(low, low + width), [[0.5, -1.0], [1.0, 2.0]]),
    ("Laplace", lambda loc, scale: D.Laplace(loc, scale), [[0.5, -1.0], [1.0, 2.0]]),
    ("Exponential", lambda rate: D.Exponential(rate), [[0.5, 2.0]]),
    ("MultivariateNormal-tril", lambda loc, L: D.MultivariateNormal(loc, scale_tril=L.tril()),
     [[0.5, -1.0], [[1.0, 0.0], [0.5, 2.0]]]),
    ("MultivariateNormal-cov", lambda loc, A: D.MultivariateNormal(loc, A @ A.mT + cr.eye(2)),
     [[0.5, -1.0], [[1.0, 0.3], [0.5, 2.0]]]),
    ("Independent", lambda loc, scale: D.Independent(D.Normal(loc, scale), 1),
     [[0.5, -1.0], [1.0, 2.0]]),
    ("TransformedDistribution", lambda loc, scale: D.TransformedDistribution(
        D.Normal(loc, scale), [D.transforms.TanhTransform(),
                               D.transforms.AffineTransform(1.0, 3.0)]),
     [[0.5, -1.0], [1.0, 0.4]]),
]


@pytest.mark.parametrize("name,make,params", GRADCHECK, ids=[g[0] for g in GRADCHECK])
def test_rsample_gradients_pass_gradcheck(name, make, params):
    inputs = [cr.tensor(p, dtype=cr.float64, requires_grad=True) for p in params]
    assert cr.autograd.gradcheck(_seeded_rsample(make), inputs)


@pytest.mark.parametrize("name,make,params", GRADCHECK[:5], ids=[g[0] for g in GRADCHECK[:5]])
def test_rsample_gradients_equal_pytorchs_for_the_same_noise(name, make, params):
    """rsample is loc + noise * scale (or the like): with PyTorch's noise substituted, the
    gradients must be PyTorch's."""
    inputs = [cr.tensor(p, dtype=cr.float64, requires_grad=True) for p in params]
    tinputs = [torch.tensor(p, dtype=torch.float64, requires_grad=True) for p in params]
    tmake = {"Normal": lambda loc, scale: torch.distributions.Normal(loc, scale),
             "LogNormal": lambda loc, scale: torch.distributions.LogNormal(loc, scale),
             "Uniform": lambda low, w: torch.distributions.Uniform(low, low + w),
             "Laplace": lambda loc, scale: torch.distributions.Laplace(loc, scale),
             "Exponential": lambda rate: torch.distributions.Exponential(rate)}[name]
    torch.manual_seed(5)
    tx = tmake(*tinputs).rsample((1000,))
    weights = torch.linspace(-1, 1, tx.numel(), dtype=torch.float64).reshape(tx.shape)
    tgrads = torch.autograd.grad((tx * weights).sum(), tinputs)
    # our rsample with the same noise: the noise is recovered from PyTorch's sample
    theirs = tmake(*[t.detach() for t in tinputs])
    noise = from_torch(theirs.cdf(tx.detach()) if name != "LogNormal"
                       else theirs.base_dist.cdf(tx.detach().log()))
    ours = make(*inputs)
    base = ours.base_dist if name == "LogNormal" else ours
    x = base.icdf(noise)
    x = x.exp() if name == "LogNormal" else x
    grads = cr.autograd.grad((x * from_torch(weights)).sum(), inputs)
    for g, tg in zip(grads, tgrads):
        np.testing.assert_allclose(g.numpy(), tg.numpy(), rtol=1e-7, atol=1e-9)


# --- the same noise in both libraries: rsample's values and gradients are PyTorch's ----------
SAME_NOISE = [
    ("Normal", lambda D, p: D.Normal(p["loc"], p["scale"]),
     dict(loc=[0.5, -1.0], scale=[1.0, 2.0])),
    ("LogNormal", lambda D, p: D.LogNormal(p["loc"], p["scale"]),
     dict(loc=[0.5, -1.0], scale=[0.3, 0.7])),
    ("MultivariateNormal-tril", lambda D, p: D.MultivariateNormal(p["loc"], scale_tril=p["L"]),
     dict(loc=[0.5, -1.0], L=[[1.0, 0.0], [0.5, 2.0]])),
    ("MultivariateNormal-cov", lambda D, p: D.MultivariateNormal(p["loc"], p["cov"]),
     dict(loc=[[0.5, -1.0], [0.0, 2.0]], cov=[[2.0, 0.3], [0.3, 1.0]])),
    ("MultivariateNormal-precision",
     lambda D, p: D.MultivariateNormal(p["loc"], precision_matrix=p["P"]),
     dict(loc=[0.5, -1.0], P=[[2.0, -0.4], [-0.4, 0.8]])),
    ("Independent", lambda D, p: D.Independent(D.Normal(p["loc"], p["scale"]), 1),
     dict(loc=[0.5, -1.0], scale=[1.0, 2.0])),
    ("TransformedDistribution", lambda D, p: D.TransformedDistribution(
        D.Normal(p["loc"], p["scale"]), [D.transforms.TanhTransform(),
                                         D.transforms.AffineTransform(1.0, p["shift"])]),
     dict(loc=[0.5, -1.0], scale=[1.0, 0.4], shift=[3.0, -2.0])),
    ("StudentT", lambda D, p: D.StudentT(p["df"], p["loc"], p["scale"]),
     dict(df=[3.0, 8.0], loc=[0.5, -1.0], scale=[1.0, 2.0])),
]


def _feed_the_same_noise(monkeypatch):
    """Both libraries' standard normal and standard gamma draws come from one NumPy
    generator, by shape, so that each rsample transforms the same noise.  The gamma draws
    are constants here (their implicit gradients are tested below)."""
    rng = np.random.default_rng(0)
    drawn = {}

    def draws(key, make):
        if key not in drawn:
            drawn[key] = make()
        return drawn[key]

    def normal(lib):
        def standard_normal(shape, dtype, device=None):
            key = ("normal", tuple(shape))
            return lib.tensor(draws(key, lambda: rng.standard_normal(tuple(shape))), dtype=dtype)
        return standard_normal

    def gamma(lib):
        def standard_gamma(concentration):
            a = concentration.detach().numpy()
            key = ("gamma", a.tobytes(), a.shape)
            return lib.tensor(draws(key, lambda: rng.standard_gamma(a)),
                              dtype=concentration.dtype)
        return standard_gamma

    for lib, prefix in ((torch, "torch"), (cr, "chainrule")):
        for module in ("normal", "multivariate_normal", "studentT"):
            monkeypatch.setattr(importlib.import_module(f"{prefix}.distributions.{module}"),
                                "_standard_normal", normal(lib))
        monkeypatch.setattr(importlib.import_module(f"{prefix}.distributions.gamma"),
                            "_standard_gamma", gamma(lib))


@pytest.mark.parametrize("name,factory,params", SAME_NOISE, ids=[s[0] for s in SAME_NOISE])
def test_rsample_of_the_same_noise_gives_pytorchs_values_and_gradients(name, factory, params,
                                                                       monkeypatch):
    _feed_the_same_noise(monkeypatch)
    tparams = {k: torch.tensor(v, dtype=torch.float64, requires_grad=True)
               for k, v in params.items()}
    ours_params = {k: from_torch(v) for k, v in tparams.items()}
    tx = factory(torch.distributions, tparams).rsample((5,))
    x = factory(cr.distributions, ours_params).rsample((5,))
    assert_same(x, tx.detach(), rtol=1e-12, atol=1e-12)
    weights = np.random.default_rng(1).standard_normal(tuple(tx.shape))
    tgrads = torch.autograd.grad((tx * torch.tensor(weights)).sum(), list(tparams.values()))
    grads = cr.autograd.grad((x * cr.tensor(weights)).sum(), list(ours_params.values()))
    for key, g, tg in zip(tparams, grads, tgrads):
        np.testing.assert_allclose(g.numpy(), tg.numpy(), rtol=1e-10, atol=1e-12, err_msg=key)


def test_studentT_rsample_gradients():
    """loc and scale: gradcheck with fixed noise; df (through the chi-square draw's implicit
    gradient): unbiased, d E[x^2] / d df = -2 / (df - 2)^2 for loc 0 and scale 1."""
    df = cr.tensor([3.0, 8.0], dtype=cr.float64)
    inputs = [cr.tensor(v, dtype=cr.float64, requires_grad=True) for v in ([0.5, -1.0],
                                                                          [1.0, 2.0])]
    assert cr.autograd.gradcheck(
        _seeded_rsample(lambda loc, scale: cr.distributions.StudentT(df, loc, scale)), inputs)
    n = 20_000
    nu = np.array([5.0, 9.0, 30.0])
    c = cr.tensor(nu).expand(n, 3).clone().requires_grad_()
    cr.manual_seed(3)
    (g,) = cr.autograd.grad((cr.distributions.StudentT(c).rsample() ** 2).sum(), c)
    _mean_gradient_check(g.numpy(), -2 / (nu - 2) ** 2)


# --- implicit reparameterisation: Gamma, Beta, Dirichlet -------------------------------------
def _scipy():
    return pytest.importorskip("scipy.special")


def test_gamma_rsample_gradient_is_the_implicit_one():
    """dx/da = -(dP(a, x)/da) / density(x), with dP/da by central differences of SciPy's
    gammainc; and within PyTorch's own approximation error of its _standard_gamma_grad."""
    sp = _scipy()
    concentration = cr.tensor([0.05, 0.4, 1.0, 3.7, 25.0, 900.0], dtype=cr.float64,
                              requires_grad=True)
    rate = cr.tensor([1.0, 2.0, 0.5, 1.0, 3.0, 1.0], dtype=cr.float64, requires_grad=True)
    cr.manual_seed(0)
    x = cr.distributions.Gamma(concentration, rate).rsample((50,))
    g_conc, g_rate = cr.autograd.grad(x.sum(), [concentration, rate])
    a = concentration.detach().numpy()
    b = rate.detach().numpy()
    z = x.detach().numpy() * b  # the standard gamma draws
    h = 1e-6 * a
    dP = (sp.gammainc(a + h, z) - sp.gammainc(a - h, z)) / (2 * h)
    density = np.exp((a - 1) * np.log(z) - z - sp.gammaln(a))
    expected = -dP / density / b
    np.testing.assert_allclose(g_conc.numpy(), expected.sum(0), rtol=1e-5)
    np.testing.assert_allclose(g_rate.numpy(), (-x.detach().numpy() / b).sum(0), rtol=1e-10)
    theirs = torch._standard_gamma_grad(torch.tensor(np.broadcast_to(a, z.shape).copy()),
                                        torch.tensor(z)).numpy() / b
    np.testing.assert_allclose(g_conc.numpy(), theirs.sum(0), rtol=2e-3)


def test_dirichlet_and_beta_rsample_gradients_are_pytorchs_implicit_ones():
    """For the same samples, our backward must be PyTorch's _Dirichlet_backward (its
    _dirichlet_grad is an approximation, good to about 1e-3), and each marginal's gradient
    must be -(dI_x(a, b)/da) / density by central differences of SciPy's betainc."""
    sp = _scipy()
    from torch.distributions.dirichlet import _Dirichlet_backward
    concentration = cr.tensor([[0.3, 1.0, 4.0], [2.0, 7.0, 50.0]], dtype=cr.float64,
                              requires_grad=True)
    cr.manual_seed(1)
    x = cr.distributions.Dirichlet(concentration).rsample((200,))
    assert x.grad_fn.name() == "_DirichletBackward"  # PyTorch's node name
    weights = cr.tensor(np.random.default_rng(0).standard_normal(tuple(x.shape)))
    (ours,) = cr.autograd.grad((x * weights).sum(), concentration)
    alpha = torch.tensor(concentration.detach().numpy()).expand(tuple(x.shape))
    theirs = _Dirichlet_backward(torch.tensor(x.detach().numpy()), alpha,
                                 torch.tensor(weights.numpy())).sum(0)
    np.testing.assert_allclose(ours.numpy(), theirs.numpy(), rtol=5e-3, atol=1e-3)
    # the marginal Beta(a, b) implicit gradient, b held fixed
    a, b = 2.5, 1.7
    ca = cr.tensor(a, dtype=cr.float64, requires_grad=True)
    cr.manual_seed(2)
    y = cr.distributions.Beta(ca, cr.tensor(b, dtype=cr.float64)).rsample((20,))
    (gy,) = cr.autograd.grad(y, ca, cr.ones_like(y), allow_unused=False)
    yv = y.detach().numpy()
    dI = (sp.betainc(a + 1e-6, b, yv) - sp.betainc(a - 1e-6, b, yv)) / 2e-6
    density = np.exp((a - 1) * np.log(yv) + (b - 1) * np.log1p(-yv) - sp.betaln(a, b))
    np.testing.assert_allclose(float(gy), (-dI / density).sum(), rtol=1e-5)


def _mean_gradient_check(grads: np.ndarray, expected: np.ndarray) -> None:
    mean = grads.mean(0)
    se = grads.std(0) / np.sqrt(grads.shape[0])
    assert np.all(np.abs(mean - expected) <= SIGMAS * se), (mean, expected, se)


def test_implicit_gradients_are_unbiased():
    """The mean of the per-sample gradients is the gradient of the mean: for Gamma(a, r)
    dE[x]/da = 1/r; for Beta(a, b) dE[x]/da = b/(a+b)^2; for Dirichlet dE[x_0]/da_i =
    (delta_i0 a0 - a_0)/a0^2.  Each sample gets its own copy of the parameters, so one
    backward pass gives every per-sample gradient."""
    n = 20_000
    a = np.array([0.3, 2.0, 9.0])
    for make, expected in ((lambda c: cr.distributions.Gamma(c, 2.0), np.full(3, 0.5)),
                           (lambda c: cr.distributions.Beta(c, 1.5), 1.5 / (a + 1.5) ** 2)):
        c = cr.tensor(a).expand(n, 3).clone().requires_grad_()
        cr.manual_seed(10)
        (g,) = cr.autograd.grad(make(c).rsample().sum(), c)
        _mean_gradient_check(g.numpy(), expected)
    alpha = np.array([0.5, 2.0, 3.0])
    c = cr.tensor(alpha).expand(n, 3).clone().requires_grad_()
    cr.manual_seed(7)
    (g,) = cr.autograd.grad(cr.distributions.Dirichlet(c).rsample()[:, 0].sum(), c)
    a0 = alpha.sum()
    _mean_gradient_check(g.numpy(), (np.eye(3)[0] * a0 - alpha[0]) / a0 ** 2)


def test_studentT_and_chi2_rsample_reach_every_parameter():
    df = cr.tensor([3.0, 8.0], dtype=cr.float64, requires_grad=True)
    loc = cr.tensor([0.0, 1.0], dtype=cr.float64, requires_grad=True)
    scale = cr.tensor([1.0, 2.0], dtype=cr.float64, requires_grad=True)
    cr.manual_seed(0)
    x = cr.distributions.StudentT(df, loc, scale).rsample((10,))
    grads = cr.autograd.grad(x.sum(), [df, loc, scale])
    assert all(g is not None and np.all(np.isfinite(g.numpy())) for g in grads)
    np.testing.assert_allclose(grads[1].numpy(), [10.0, 10.0])
    y = cr.distributions.Chi2(df).rsample((10,))
    assert cr.autograd.grad(y.sum(), df)[0].shape == df.shape


def test_gamma_cdf_gradients_pass_gradcheck():
    concentration = cr.tensor([0.7, 2.0, 12.0], dtype=cr.float64, requires_grad=True)
    value = cr.tensor([0.4, 2.5, 9.0], dtype=cr.float64, requires_grad=True)
    cdf = lambda c, v: cr.distributions.Gamma(c, 1.5).cdf(v)
    assert cr.autograd.gradcheck(cdf, [concentration, value])


def test_straight_through_gradient_is_the_gradient_of_the_probabilities():
    logits = [0.5, -1.0, 0.2]
    weights = [1.0, -2.0, 3.0]
    ours = cr.tensor(logits, requires_grad=True)
    theirs = torch.tensor(logits, requires_grad=True)
    x = cr.distributions.OneHotCategoricalStraightThrough(logits=ours).rsample()
    tx = torch.distributions.OneHotCategoricalStraightThrough(logits=theirs).rsample()
    assert float(x.sum()) == 1.0 and x.grad_fn is not None
    (x * cr.tensor(weights)).sum().backward()
    (tx * torch.tensor(weights)).sum().backward()
    np.testing.assert_allclose(ours.grad.numpy(), theirs.grad.numpy(), rtol=1e-6)
