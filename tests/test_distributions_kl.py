"""``kl_divergence`` for every pair PyTorch registers among chainrule's distributions: the
pairs are read from PyTorch's registry, and values and gradients compared."""
from __future__ import annotations

import math

import numpy as np
import pytest

import chainrule as cr
from helpers import assert_same, from_torch

torch = pytest.importorskip("torch")
from torch.distributions.kl import _KL_REGISTRY  # noqa: E402

# Parameters per class, as float64 arrays (two batch members, so that a pair can be finite in
# one and infinite in the other); each factory takes (D, params) and the params are tensors.
FACTORIES = {
    "Normal": (lambda D, p: D.Normal(p["loc"], p["scale"]),
               [dict(loc=[0.3, -0.5], scale=[0.8, 1.7]), dict(loc=[-0.2, 1.0], scale=[1.3, 0.6])]),
    "Laplace": (lambda D, p: D.Laplace(p["loc"], p["scale"]),
                [dict(loc=[0.1, 0.7], scale=[0.5, 2.0]), dict(loc=[-0.4, 0.2], scale=[1.1, 0.9])]),
    "Uniform": (lambda D, p: D.Uniform(p["low"], p["high"]),
                [dict(low=[0.1, -0.5], high=[0.8, 0.5]), dict(low=[0.0, -1.0], high=[0.9, 0.3])]),
    "Exponential": (lambda D, p: D.Exponential(p["rate"]),
                    [dict(rate=[0.7, 2.5]), dict(rate=[1.4, 0.3])]),
    "Gamma": (lambda D, p: D.Gamma(p["concentration"], p["rate"]),
              [dict(concentration=[0.8, 3.0], rate=[1.2, 0.4]),
               dict(concentration=[2.0, 0.6], rate=[0.5, 1.5])]),
    "Beta": (lambda D, p: D.Beta(p["a"], p["b"]),
             [dict(a=[0.7, 2.5], b=[1.5, 0.8]), dict(a=[3.0, 1.2], b=[0.9, 2.2])]),
    "Bernoulli": (lambda D, p: D.Bernoulli(p["probs"]),
                  [dict(probs=[0.3, 0.0]), dict(probs=[0.6, 0.2])]),
    "Binomial": (lambda D, p: D.Binomial(p["n"], p["probs"]),
                 [dict(n=[5.0, 8.0], probs=[0.3, 0.7]), dict(n=[5.0, 6.0], probs=[0.6, 0.4])]),
    "Poisson": (lambda D, p: D.Poisson(p["rate"]),
                [dict(rate=[0.5, 3.0]), dict(rate=[1.5, 2.0])]),
    "Categorical": (lambda D, p: D.Categorical(p["probs"]),
                    [dict(probs=[[0.2, 0.3, 0.5], [0.0, 0.4, 0.6]]),
                     dict(probs=[[0.1, 0.6, 0.3], [0.3, 0.0, 0.7]])]),
    "OneHotCategorical": (lambda D, p: D.OneHotCategorical(p["probs"]),
                          [dict(probs=[[0.2, 0.3, 0.5], [0.5, 0.4, 0.1]]),
                           dict(probs=[[0.1, 0.6, 0.3], [0.3, 0.3, 0.4]])]),
    "Dirichlet": (lambda D, p: D.Dirichlet(p["c"]),
                  [dict(c=[[0.5, 1.0, 2.0], [3.0, 1.0, 0.7]]),
                   dict(c=[[1.5, 0.5, 1.0], [2.0, 2.0, 2.0]])]),
    "MultivariateNormal": (lambda D, p: D.MultivariateNormal(p["loc"], scale_tril=p["L"]),
                           [dict(loc=[[0.0, 1.0], [0.5, -0.5]],
                                 L=[[[1.0, 0.0], [0.3, 0.8]], [[2.0, 0.0], [-0.4, 1.1]]]),
                            dict(loc=[[0.2, 0.4], [0.0, 0.0]],
                                 L=[[[1.5, 0.0], [-0.2, 0.6]], [[0.9, 0.0], [0.1, 1.3]]])]),
    "Independent": (lambda D, p: D.Independent(D.Normal(p["loc"], p["scale"]), 1),
                    [dict(loc=[[0.3, -0.5]], scale=[[0.8, 1.7]]),
                     dict(loc=[[-0.2, 1.0]], scale=[[1.3, 0.6]])]),
    "TransformedDistribution": (lambda D, p: D.TransformedDistribution(
        D.Normal(p["loc"], p["scale"]), [D.transforms.ExpTransform()]),
        [dict(loc=[0.3, -0.5], scale=[0.8, 1.7]), dict(loc=[-0.2, 1.0], scale=[1.3, 0.6])]),
}


def _pairs():
    pairs = []
    for p, q in _KL_REGISTRY:
        if p.__name__ in FACTORIES and q.__name__ in FACTORIES:
            pairs.append((p.__name__, q.__name__))
    return sorted(pairs)


PAIRS = _pairs()


def _make(name: str, which: int, lib, requires_grad: bool):
    factory, params = FACTORIES[name]
    tensors = {k: lib.tensor(v, dtype=lib.float64, requires_grad=requires_grad
                             and k not in ("n",)) for k, v in params[which].items()}
    return factory(lib.distributions, tensors), tensors


def test_every_registered_pair_among_our_distributions_is_covered():
    names = set(cr.distributions.__all__)
    # (classes registered by users, as in register_kl's docstring, do not count)
    ours = {(p.__name__, q.__name__) for p, q in cr.distributions.kl._KL_REGISTRY
            if p.__name__ in names and q.__name__ in names}
    theirs = {(p.__name__, q.__name__) for p, q in _KL_REGISTRY}
    among_ours = {pair for pair in theirs if pair[0] in names and pair[1] in names}
    assert among_ours == ours
    assert len(PAIRS) == len(ours) - 1  # all but (ExponentialFamily, ExponentialFamily)


@pytest.mark.parametrize("p_name,q_name", PAIRS, ids=[f"{p}-{q}" for p, q in PAIRS])
def test_kl_divergence_matches_pytorch(p_name, q_name):
    p, p_params = _make(p_name, 0, cr, True)
    q, q_params = _make(q_name, 1, cr, True)
    tp, tp_params = _make(p_name, 0, torch, True)
    tq, tq_params = _make(q_name, 1, torch, True)
    try:
        theirs = torch.distributions.kl_divergence(tp, tq)
    except NotImplementedError:
        with pytest.raises(NotImplementedError):
            cr.distributions.kl_divergence(p, q)
        return
    ours = cr.distributions.kl_divergence(p, q)
    assert_same(ours, theirs, rtol=1e-10, atol=1e-12)
    finite = torch.isfinite(theirs)
    if not theirs.requires_grad or not finite.any():
        return
    names = [("p", k) for k in tp_params if tp_params[k].requires_grad] + \
            [("q", k) for k in tq_params if tq_params[k].requires_grad]
    tinputs = [(tp_params if s == "p" else tq_params)[k] for s, k in names]
    inputs = [(p_params if s == "p" else q_params)[k] for s, k in names]
    tgrads = torch.autograd.grad(theirs[finite].sum(), tinputs, allow_unused=True)
    grads = cr.autograd.grad(ours[from_torch(finite)].sum(), inputs, allow_unused=True)
    for name, g, tg in zip(names, grads, tgrads):
        if tg is None:
            assert g is None or not g.numpy().any(), name
            continue
        np.testing.assert_allclose(g.numpy(), tg.numpy(), rtol=1e-8, atol=1e-10, err_msg=name)


EXP_FAMILIES = ["Normal", "Exponential", "Gamma", "Beta", "Bernoulli", "Poisson", "Dirichlet"]


@pytest.mark.parametrize("name", EXP_FAMILIES)
def test_bregman_kl_of_exponential_families_matches_pytorch_and_the_closed_form(name):
    from torch.distributions.kl import _kl_expfamily_expfamily as theirs_fn

    from chainrule.distributions.kl import _kl_expfamily_expfamily as ours_fn
    p, _ = _make(name, 0, cr, False)
    q, _ = _make(name, 1, cr, False)
    tp, _ = _make(name, 0, torch, False)
    tq, _ = _make(name, 1, torch, False)
    theirs = theirs_fn(tp, tq).detach()
    ours = ours_fn(p, q).detach()
    assert_same(ours, theirs, rtol=1e-9, atol=1e-12)
    closed = cr.distributions.kl_divergence(p, q)
    keep = np.isfinite(closed.numpy()) & np.isfinite(ours.numpy())  # (a p at 0 or 1: nan)
    np.testing.assert_allclose(ours.numpy()[keep], closed.numpy()[keep], rtol=1e-8)


def test_dispatch_picks_the_most_specific_pair_and_explains_what_is_missing():
    D = cr.distributions
    # Chi2 is a Gamma: the Gamma formula applies
    chi2, gamma = D.Chi2(cr.tensor([3.0])), D.Gamma(cr.tensor([2.0]), cr.tensor([0.7]))
    tchi2 = torch.distributions.Chi2(torch.tensor([3.0]))
    tgamma = torch.distributions.Gamma(torch.tensor([2.0]), torch.tensor([0.7]))
    assert_same(D.kl_divergence(chi2, gamma), torch.distributions.kl_divergence(tchi2, tgamma))
    # LogNormal is a TransformedDistribution: KL of the base normals
    ln = D.kl_divergence(D.LogNormal(0.0, 1.0), D.LogNormal(1.0, 2.0))
    assert_same(ln, D.kl_divergence(D.Normal(0.0, 1.0), D.Normal(1.0, 2.0)))
    for lib in (torch, cr):
        with pytest.raises(NotImplementedError, match="No KL\\(p \\|\\| q\\) is implemented for "
                                                      "p type StudentT and q type Normal"):
            lib.distributions.kl_divergence(lib.distributions.StudentT(lib.tensor(3.0)),
                                            lib.distributions.Normal(0.0, 1.0))
        with pytest.raises(NotImplementedError, match="q.total_count > p.total_count"):
            lib.distributions.kl_divergence(lib.distributions.Binomial(2, lib.tensor(0.5)),
                                            lib.distributions.Binomial(3, lib.tensor(0.5)))


def test_register_kl_adds_a_rule_for_new_classes():
    D = cr.distributions

    class Shifted(D.Normal):
        pass

    @D.register_kl(Shifted, D.Normal)
    def _kl_shifted(p, q):
        return p.loc * 0 + math.pi

    assert float(D.kl_divergence(Shifted(0.0, 1.0), D.Normal(0.0, 1.0))) == \
        pytest.approx(math.pi)
    # the plain Normal pair still uses its own rule
    assert float(D.kl_divergence(D.Normal(0.0, 1.0), D.Normal(0.0, 1.0))) == 0.0
    del D.kl._KL_REGISTRY[Shifted, D.Normal]
    D.kl._KL_MEMOIZE.clear()
