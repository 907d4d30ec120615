"""Optimisers and schedulers against PyTorch: 20 steps from the same weights land on the same
float32 weights; state dicts round-trip; schedules give the same learning rates."""
from __future__ import annotations

import numpy as np
import pytest

import chainrule as cr
from helpers import assert_same, from_torch

torch = pytest.importorskip("torch")

OPTIMISERS = [
    ("SGD", dict(lr=0.1)),
    ("SGD", dict(lr=0.05, momentum=0.9)),
    ("SGD", dict(lr=0.05, momentum=0.9, dampening=0.3, weight_decay=0.01)),
    ("SGD", dict(lr=0.05, momentum=0.8, nesterov=True, maximize=True)),
    ("Adam", dict(lr=0.01)),
    ("Adam", dict(lr=0.01, betas=(0.8, 0.99), weight_decay=0.1, amsgrad=True)),
    ("Adam", dict(lr=0.01, maximize=True, eps=1e-6)),
    ("AdamW", dict(lr=0.01)),
    ("AdamW", dict(lr=0.02, weight_decay=0.3, amsgrad=True)),
    ("RMSprop", dict(lr=0.01)),
    ("RMSprop", dict(lr=0.01, momentum=0.9, centered=True, weight_decay=0.01)),
    ("RMSprop", dict(lr=0.005, alpha=0.9, maximize=True)),
    ("Adagrad", dict(lr=0.1)),
    ("Adagrad", dict(lr=0.1, lr_decay=0.01, weight_decay=0.05, initial_accumulator_value=0.1)),
]


def _mlp(nn):
    return nn.Sequential(nn.Linear(5, 16), nn.Tanh(), nn.Linear(16, 3))


def _twins():
    torch.manual_seed(0)
    theirs = _mlp(torch.nn)
    ours = _mlp(cr.nn)
    ours.load_state_dict({k: from_torch(v) for k, v in theirs.state_dict().items()})
    return ours, theirs


def _train(model, opt, lib, steps, seed=0):
    rng = np.random.default_rng(seed)
    for _ in range(steps):
        x = lib.tensor(rng.standard_normal((8, 5)).astype(np.float32))
        y = lib.tensor(rng.integers(0, 3, 8))
        opt.zero_grad()
        loss = lib.nn.functional.cross_entropy(model(x), y)
        loss.backward()
        opt.step()
    return loss


@pytest.mark.parametrize("name,kwargs", OPTIMISERS,
                         ids=[f"{n}-{i}" for i, (n, _) in enumerate(OPTIMISERS)])
def test_20_steps_match_pytorch(name, kwargs):
    ours, theirs = _twins()
    opt = getattr(cr.optim, name)(ours.parameters(), **kwargs)
    topt = getattr(torch.optim, name)(theirs.parameters(), **kwargs)
    _train(ours, opt, cr, 20)
    _train(theirs, topt, torch, 20)
    for (_k, v), (_, tv) in zip(ours.state_dict().items(), theirs.state_dict().items()):
        assert_same(v, tv, rtol=1e-4, atol=1e-5)
    # the optimiser state has PyTorch's layout and values
    sd, tsd = opt.state_dict(), topt.state_dict()
    assert sd["param_groups"][0]["params"] == tsd["param_groups"][0]["params"]
    assert sd["param_groups"][0] == tsd["param_groups"][0]
    for i, state in tsd["state"].items():
        assert list(sd["state"][i]) == list(state)
        for key, value in state.items():
            if isinstance(value, torch.Tensor):
                assert_same(sd["state"][i][key], value, rtol=1e-4, atol=1e-5)


def test_state_dict_resume_gives_same_trajectory():
    a, _ = _twins()
    opt_a = cr.optim.Adam(a.parameters(), lr=0.01)
    _train(a, opt_a, cr, 5, seed=1)
    b = _mlp(cr.nn)
    b.load_state_dict(a.state_dict())
    opt_b = cr.optim.Adam(b.parameters(), lr=0.5)
    opt_b.load_state_dict(opt_a.state_dict())
    assert opt_b.param_groups[0]["lr"] == 0.01
    _train(a, opt_a, cr, 5, seed=2)
    _train(b, opt_b, cr, 5, seed=2)
    for (k, v), (_, w) in zip(a.state_dict().items(), b.state_dict().items()):
        assert cr.equal(v, w), k


def test_zero_grad_param_groups_and_errors():
    w = cr.nn.Parameter(cr.ones(2))
    b = cr.nn.Parameter(cr.zeros(1))
    opt = cr.optim.SGD([{"params": [w]}, {"params": b, "lr": 0.5}], lr=0.1)
    assert [g["lr"] for g in opt.param_groups] == [0.1, 0.5]
    ((w * 2).sum() + b.sum()).backward()
    opt.zero_grad(set_to_none=False)
    assert w.grad.tolist() == [0, 0]
    opt.zero_grad()
    assert w.grad is None and b.grad is None
    opt.step()  # no gradients: nothing moves
    assert w.tolist() == [1, 1]
    with pytest.raises(ValueError):
        cr.optim.SGD([], lr=0.1)
    with pytest.raises(ValueError):
        cr.optim.Adam([w], lr=-1)
    with pytest.raises(TypeError):
        cr.optim.SGD(w, lr=0.1)
    with pytest.raises(ValueError, match="more than one"):
        cr.optim.SGD([{"params": [w]}, {"params": [w]}], lr=0.1)


def test_step_updates_in_place_and_bumps_version():
    w = cr.nn.Parameter(cr.ones(3))
    view = w.detach()
    opt = cr.optim.SGD([w], lr=0.5)
    y = w * w  # saves w for backward
    y.sum().backward(retain_graph=True)
    opt.step()
    assert view.tolist() == [0, 0, 0]
    with pytest.raises(RuntimeError, match="modified by an inplace operation"):
        y.sum().backward()


def test_closure():
    w = cr.nn.Parameter(cr.tensor([2.0]))
    opt = cr.optim.SGD([w], lr=0.25)

    def closure():
        opt.zero_grad()
        loss = (w ** 2).sum()
        loss.backward()
        return loss
    loss = opt.step(closure)
    assert float(loss) == 4.0 and w.tolist() == [1.0]


SCHEDULERS = [
    ("StepLR", dict(step_size=3, gamma=0.5)),
    ("MultiStepLR", dict(milestones=[2, 5, 6], gamma=0.3)),
    ("ExponentialLR", dict(gamma=0.9)),
    ("CosineAnnealingLR", dict(T_max=7, eta_min=0.01)),
    ("LambdaLR", dict(lr_lambda=lambda epoch: 1 / (1 + epoch))),
]


@pytest.mark.parametrize("name,kwargs", SCHEDULERS, ids=[s[0] for s in SCHEDULERS])
def test_schedulers_match_pytorch(name, kwargs):
    w = cr.nn.Parameter(cr.ones(1))
    tw = torch.nn.Parameter(torch.ones(1))
    opt = cr.optim.SGD([w], lr=0.1)
    topt = torch.optim.SGD([tw], lr=0.1)
    sched = getattr(cr.optim.lr_scheduler, name)(opt, **kwargs)
    tsched = getattr(torch.optim.lr_scheduler, name)(topt, **kwargs)
    for _ in range(12):
        assert sched.get_last_lr() == pytest.approx(tsched.get_last_lr(), rel=1e-12)
        assert opt.param_groups[0]["lr"] == pytest.approx(topt.param_groups[0]["lr"], rel=1e-12)
        opt.step()
        topt.step()
        sched.step()
        tsched.step()
    assert sched.last_epoch == tsched.last_epoch


def test_reduce_lr_on_plateau_matches_pytorch():
    losses = [1.0, 0.9, 0.9, 0.95, 0.91, 0.9, 0.8, 0.85, 0.85, 0.85, 0.85, 0.85, 0.7, 0.9, 0.9]
    for kwargs in (dict(patience=2), dict(mode="max", factor=0.5, patience=1, cooldown=2),
                   dict(patience=0, threshold=0.1, threshold_mode="abs", min_lr=0.02)):
        opt = cr.optim.SGD([cr.nn.Parameter(cr.ones(1))], lr=0.1)
        topt = torch.optim.SGD([torch.nn.Parameter(torch.ones(1))], lr=0.1)
        sched = cr.optim.lr_scheduler.ReduceLROnPlateau(opt, **kwargs)
        tsched = torch.optim.lr_scheduler.ReduceLROnPlateau(topt, **kwargs)
        for loss in losses:
            sched.step(loss)
            tsched.step(loss)
            assert opt.param_groups[0]["lr"] == pytest.approx(topt.param_groups[0]["lr"])


def test_repr_and_named_parameters_match_pytorch():
    for name in ("SGD", "Adam", "AdamW", "RMSprop", "Adagrad"):
        ours = getattr(cr.optim, name)([cr.nn.Parameter(cr.ones(1))], lr=0.1)
        theirs = getattr(torch.optim, name)([torch.nn.Parameter(torch.ones(1))], lr=0.1)
        assert repr(ours) == repr(theirs)
    model = _mlp(cr.nn)
    opt = cr.optim.Adam(model.named_parameters())
    topt = torch.optim.Adam(_mlp(torch.nn).named_parameters())
    assert opt.param_groups[0]["param_names"] == topt.param_groups[0]["param_names"]
    assert len(opt.param_groups[0]["params"]) == 4
