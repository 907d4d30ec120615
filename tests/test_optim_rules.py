"""NAdam, RAdam, Adamax, Adadelta, Rprop, ASGD and LBFGS against PyTorch.

Both libraries get the same gradients (computed in NumPy from the current weights, so the
two runs stay on identical inputs as long as their updates agree), which isolates the update
rule: float64 trajectories must agree to rounding, float32 ones to a few ulps, and the
optimiser state must have PyTorch's keys, order and values.
"""
from __future__ import annotations

import warnings

import numpy as np
import pytest

import chainrule as cr
from helpers import assert_same, from_torch

torch = pytest.importorskip("torch")

RULES = [
    ("NAdam", dict(lr=0.05)),
    ("NAdam", dict(lr=0.05, betas=(0.8, 0.99), weight_decay=0.1, momentum_decay=0.01)),
    ("NAdam", dict(lr=0.05, weight_decay=0.1, decoupled_weight_decay=True, maximize=True)),
    ("RAdam", dict(lr=0.05)),
    ("RAdam", dict(lr=0.05, betas=(0.5, 0.6), weight_decay=0.1)),  # rectified from step 3
    ("RAdam", dict(lr=0.05, betas=(0.5, 0.6), weight_decay=0.1, decoupled_weight_decay=True,
                   maximize=True, eps=1e-4)),
    ("Adamax", dict(lr=0.05)),
    ("Adamax", dict(lr=0.05, betas=(0.7, 0.9), weight_decay=0.1, maximize=True, eps=1e-3)),
    ("Adadelta", dict()),
    ("Adadelta", dict(lr=0.5, rho=0.7, eps=1e-4, weight_decay=0.1, maximize=True)),
    ("Rprop", dict(lr=0.05)),
    ("Rprop", dict(lr=0.05, etas=(0.3, 1.5), step_sizes=(1e-3, 0.2), maximize=True)),
    ("ASGD", dict(lr=0.05)),
    ("ASGD", dict(lr=0.05, lambd=0.01, alpha=0.5, t0=3, weight_decay=0.1, maximize=True)),
    ("NAdam", dict(lr=0.05, foreach=True)),  # foreach: PyTorch's multi-tensor path, same result
    ("RAdam", dict(lr=0.05, foreach=True)),
    ("Adamax", dict(lr=0.05, foreach=True)),
    ("Adadelta", dict(foreach=True)),
    ("Rprop", dict(lr=0.05, foreach=True)),
    # (not ASGD: PyTorch's multi-tensor ASGD rounds its step size in float32 differently from
    # its single-tensor ASGD, by 1e-8 after three steps)
    # the rules of algorithms.py run on the same per-parameter loop (optim/_rule.py)
    ("Adam", dict(lr=0.05, amsgrad=True, weight_decay=0.1)),
    ("AdamW", dict(lr=0.05, maximize=True)),
    ("RMSprop", dict(lr=0.01, momentum=0.5, centered=True, weight_decay=0.1)),
    ("Adagrad", dict(lr=0.1, lr_decay=0.01, initial_accumulator_value=0.1, weight_decay=0.1)),
]
IDS = [f"{name}-{i}" for i, (name, _) in enumerate(RULES)]


def _gradient(w: np.ndarray) -> np.ndarray:
    """The gradient of sum(sin(3 w) + w**2 / 2): it changes sign along the way (for Rprop)."""
    return 3 * np.cos(3 * w) + w


def _params(lib, dtype):
    rng = np.random.default_rng(0)
    shapes = [(3, 4), (5,), (2,)]
    return [lib.nn.Parameter(lib.tensor(rng.standard_normal(s).astype(dtype))) for s in shapes]


def _run(lib, opt, params, steps: int, with_grad=(True, True, False)):
    """``steps`` updates; the last parameter never gets a gradient (it must not move)."""
    history = []
    for _ in range(steps):
        for p, has in zip(params, with_grad):
            p.grad = lib.tensor(_gradient(p.detach().numpy())) if has else None
        opt.step()
        history.append([p.detach().numpy().copy() for p in params])
    return history


def _twins(name, kwargs, dtype, steps):
    ours, theirs = _params(cr, dtype), _params(torch, dtype)
    opt = getattr(cr.optim, name)(ours, **kwargs)
    topt = getattr(torch.optim, name)(theirs, **kwargs)
    return opt, topt, _run(cr, opt, ours, steps), _run(torch, topt, theirs, steps)


def _assert_state_matches(sd, tsd, rtol):
    assert sd["param_groups"] == tsd["param_groups"]
    assert list(sd["state"]) == list(tsd["state"])
    for i, state in tsd["state"].items():
        assert list(sd["state"][i]) == list(state)
        for key, value in state.items():
            assert_same(sd["state"][i][key], value, rtol=rtol, atol=0)


@pytest.mark.parametrize("name,kwargs", RULES, ids=IDS)
def test_float64_trajectory_and_state_match_pytorch(name, kwargs):
    opt, topt, ours, theirs = _twins(name, kwargs, np.float64, 12)
    for step, (mine, other) in enumerate(zip(ours, theirs)):
        for a, b in zip(mine, other):
            np.testing.assert_allclose(a, b, rtol=1e-12, atol=1e-14, err_msg=f"step {step}")
    _assert_state_matches(opt.state_dict(), topt.state_dict(), rtol=1e-12)


@pytest.mark.parametrize("name", ["Adam", "RMSprop", "Adagrad", "NAdam", "ASGD"])
def test_state_scalars_have_the_default_dtype_as_in_pytorch(name):
    steps = {}
    for lib in (torch, cr):
        lib.set_default_dtype(lib.float64)
        try:
            w = lib.nn.Parameter(lib.ones(2))
            opt = getattr(lib.optim, name)([w])
            (w * w).sum().backward()
            opt.step()
            steps[lib] = opt.state_dict()["state"][0]["step"]
        finally:
            lib.set_default_dtype(lib.float32)
    assert_same(steps[cr], steps[torch])


@pytest.mark.parametrize("name,kwargs", RULES[:14], ids=IDS[:14])
def test_float32_trajectory_matches_pytorch(name, kwargs):
    opt, topt, ours, theirs = _twins(name, kwargs, np.float32, 8)
    for a, b in zip(ours[-1], theirs[-1]):
        assert a.dtype == b.dtype == np.float32
        np.testing.assert_allclose(a, b, rtol=2e-6, atol=1e-6)
    _assert_state_matches(opt.state_dict(), topt.state_dict(), rtol=2e-5)


@pytest.mark.parametrize("name,kwargs", RULES[:14:2], ids=IDS[:14:2])
def test_resuming_from_pytorchs_state_dict_continues_its_trajectory(name, kwargs):
    _, topt, _, _ = _twins(name, kwargs, np.float64, 4)
    # loading casts state scalars (NAdam's mu_product, ASGD's eta) to the parameters' dtype;
    # PyTorch's optimiser loads its own state too, so that both continue alike
    topt.load_state_dict(topt.state_dict())
    theirs = topt.param_groups[0]["params"]
    ours = [cr.nn.Parameter(from_torch(p.detach())) for p in theirs]
    opt = getattr(cr.optim, name)(ours, **kwargs)
    tsd = topt.state_dict()
    opt.load_state_dict({"state": {i: {k: from_torch(v) if isinstance(v, torch.Tensor) else v
                                       for k, v in s.items()} for i, s in tsd["state"].items()},
                         "param_groups": tsd["param_groups"]})
    mine, other = _run(cr, opt, ours, 4), _run(torch, topt, theirs, 4)
    for a, b in zip(mine[-1], other[-1]):
        np.testing.assert_allclose(a, b, rtol=1e-12)
    # and our own state dict round-trips: a copy of the optimiser continues identically
    clone = getattr(cr.optim, name)([cr.nn.Parameter(p.detach().clone()) for p in ours],
                                    **kwargs)
    clone.load_state_dict(opt.state_dict())
    a, b = _run(cr, opt, ours, 2), _run(cr, clone, clone.param_groups[0]["params"], 2)
    for x, y in zip(a[-1], b[-1]):
        np.testing.assert_array_equal(x, y)


def test_param_groups_with_their_own_options():
    ours, theirs = _params(cr, np.float64), _params(torch, np.float64)
    groups = lambda ps: [{"params": ps[:1], "lr": 0.2, "weight_decay": 0.1}, {"params": ps[1:]}]
    opt = cr.optim.NAdam(groups(ours), lr=0.01)
    topt = torch.optim.NAdam(groups(theirs), lr=0.01)
    for a, b in zip(_run(cr, opt, ours, 5)[-1], _run(torch, topt, theirs, 5)[-1]):
        np.testing.assert_allclose(a, b, rtol=1e-12)
    assert opt.state_dict()["param_groups"] == topt.state_dict()["param_groups"]


@pytest.mark.parametrize("name", ["NAdam", "RAdam", "Adamax", "Adadelta", "Rprop", "ASGD",
                                  "LBFGS"])
def test_repr_matches_pytorch(name):
    ours = getattr(cr.optim, name)([cr.nn.Parameter(cr.ones(1))], lr=0.1)
    theirs = getattr(torch.optim, name)([torch.nn.Parameter(torch.ones(1))], lr=0.1)
    assert repr(ours) == repr(theirs)


BAD = [
    ("NAdam", dict(lr=-1)), ("NAdam", dict(eps=-1)), ("NAdam", dict(betas=(1.0, 0.9))),
    ("NAdam", dict(betas=(0.9, -0.1))), ("NAdam", dict(weight_decay=-1)),
    ("NAdam", dict(momentum_decay=-1)), ("RAdam", dict(betas=(0.9, 1.0))),
    ("Adamax", dict(eps=-1)), ("Adadelta", dict(rho=1.5)), ("Adadelta", dict(lr=-0.1)),
    ("Rprop", dict(etas=(1.5, 1.2))), ("Rprop", dict(etas=(0.5, 0.9))),
    ("ASGD", dict(weight_decay=-1)), ("LBFGS", dict(lr=-1)),
]


@pytest.mark.parametrize("name,kwargs", BAD, ids=[f"{n}-{i}" for i, (n, _) in enumerate(BAD)])
def test_invalid_options_raise_pytorchs_error(name, kwargs):
    with pytest.raises(ValueError) as theirs:
        getattr(torch.optim, name)([torch.nn.Parameter(torch.ones(1))], **kwargs)
    with pytest.raises(ValueError) as ours:
        getattr(cr.optim, name)([cr.nn.Parameter(cr.ones(1))], **kwargs)
    assert str(ours.value) == str(theirs.value)


# --- L-BFGS ----------------------------------------------------------------------------------
def _rosenbrock(w):
    return (100 * (w[1:] - w[:-1] ** 2) ** 2 + (1 - w[:-1]) ** 2).sum()


def _closure(opt, loss_fn):
    """The closure L-BFGS calls: the loss, with the gradients of the parameters set."""
    def closure():
        opt.zero_grad()
        loss = loss_fn()
        loss.backward()
        return loss
    return closure


LBFGS_OPTIONS = [
    dict(),
    dict(line_search_fn="strong_wolfe"),
    dict(lr=0.5, history_size=3, max_iter=7),
    dict(line_search_fn="strong_wolfe", history_size=2, max_iter=30, max_eval=33),
    dict(lr=0.1, tolerance_grad=1e-3, tolerance_change=1e-4),
]


@pytest.mark.parametrize("kwargs", LBFGS_OPTIONS, ids=[str(i) for i in range(len(LBFGS_OPTIONS))])
def test_lbfgs_matches_pytorch(kwargs):
    start = np.array([-1.2, 1.0, 0.5, -0.3, 0.8])
    results = []
    for lib in (cr, torch):
        w = lib.nn.Parameter(lib.tensor(start.copy()))
        opt = lib.optim.LBFGS([w], **kwargs)
        closure = _closure(opt, lambda w=w: _rosenbrock(w))
        losses = [float(opt.step(closure).detach()) for _ in range(2)]
        results.append((w.detach().numpy().copy(), losses, opt.state[w], opt))
    (w, losses, state, opt), (tw, tlosses, tstate, topt) = results
    np.testing.assert_allclose(w, tw, rtol=1e-9, atol=1e-12)
    np.testing.assert_allclose(losses, tlosses, rtol=1e-9, atol=1e-12)
    assert state["func_evals"] == tstate["func_evals"]
    assert state["n_iter"] == tstate["n_iter"]
    assert list(state) == list(tstate)
    np.testing.assert_allclose(state["d"].numpy(), tstate["d"].numpy(), rtol=1e-7, atol=1e-10)
    assert len(state["old_dirs"]) == len(tstate["old_dirs"])
    assert opt.state_dict()["param_groups"] == topt.state_dict()["param_groups"]


def test_lbfgs_float32_and_several_parameters():
    rng = np.random.default_rng(1)
    a = rng.standard_normal((6, 3)).astype(np.float32)
    b = rng.standard_normal(6).astype(np.float32)
    results = []
    for lib in (cr, torch):
        w = lib.nn.Parameter(lib.zeros(3))
        c = lib.nn.Parameter(lib.zeros(1))
        opt = lib.optim.LBFGS([w, c], line_search_fn="strong_wolfe", max_iter=10)
        x, y = lib.tensor(a), lib.tensor(b)
        opt.step(_closure(opt, lambda w=w, c=c, x=x, y=y: ((x @ w + c - y) ** 2).mean()))
        results.append(np.concatenate([w.detach().numpy(), c.detach().numpy()]))
    assert results[0].dtype == np.float32
    np.testing.assert_allclose(results[0], results[1], rtol=1e-4, atol=1e-5)
    # the least-squares solution
    solution = np.linalg.lstsq(np.c_[a, np.ones(6)], b, rcond=None)[0]
    np.testing.assert_allclose(results[0], solution, rtol=1e-3, atol=1e-4)


def test_lbfgs_state_dict_round_trip_and_errors():
    w = cr.nn.Parameter(cr.tensor([-1.2, 1.0], dtype=cr.float64))
    opt = cr.optim.LBFGS([w], history_size=4, max_iter=3)
    opt.step(_closure(opt, lambda: _rosenbrock(w)))
    twin = cr.nn.Parameter(w.detach().clone())
    opt2 = cr.optim.LBFGS([twin], history_size=4, max_iter=3)
    opt2.load_state_dict(opt.state_dict())
    opt.step(_closure(opt, lambda: _rosenbrock(w)))
    opt2.step(_closure(opt2, lambda: _rosenbrock(twin)))
    assert w.tolist() == twin.tolist()
    with pytest.raises(ValueError, match="per-parameter options"):
        cr.optim.LBFGS([{"params": [w]}, {"params": [twin]}])
    bad = cr.optim.LBFGS([cr.nn.Parameter(cr.ones(1))], line_search_fn="armijo")
    with pytest.raises(RuntimeError, match="only 'strong_wolfe' is supported"):
        bad.step(lambda: (bad.param_groups[0]["params"][0] ** 2).sum().backward() or cr.ones(()))


def test_lbfgs_closure_loss_gives_no_warning():
    w = cr.nn.Parameter(cr.tensor([1.0, 2.0]))
    opt = cr.optim.LBFGS([w])
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        opt.step(_closure(opt, lambda: (w ** 2).sum()))
