"""torch.func.stack_module_state and replace_all_batch_norm_modules_ against PyTorch: the same
models (weights copied) give the same stacked dicts, ensembles under vmap(functional_call)
give the same outputs and gradients, and batch norms lose their running statistics alike."""
from __future__ import annotations

import numpy as np
import pytest

import chainrule as cr
from helpers import assert_same, from_torch, to_torch

torch = pytest.importorskip("torch")


def _net(lib):
    return lib.nn.Sequential(lib.nn.Linear(3, 4), lib.nn.BatchNorm1d(4), lib.nn.Tanh(),
                             lib.nn.Linear(4, 2))


def _models(count=3):
    """``count`` torch models and ours with the same weights and buffers."""
    torch.manual_seed(0)
    theirs = [_net(torch) for _ in range(count)]
    ours = []
    for model in theirs:
        model.train()
        model(torch.randn(5, 3))  # running statistics that differ from model to model
        twin = _net(cr)
        twin.load_state_dict({k: from_torch(v) for k, v in model.state_dict().items()})
        ours.append(twin)
    return ours, theirs


def test_stacked_state_matches_torch():
    ours, theirs = _models()
    our_params, our_buffers = cr.func.stack_module_state(ours)
    their_params, their_buffers = torch.func.stack_module_state(theirs)
    for mine, other in ((our_params, their_params), (our_buffers, their_buffers)):
        assert list(mine) == list(other)
        for name in other:
            assert_same(mine[name], other[name])
            assert mine[name].requires_grad == other[name].requires_grad
            assert mine[name].is_leaf and mine[name].grad_fn is None


@pytest.mark.parametrize("training", [True, False])
def test_ensemble_under_vmap_matches_torch(training):
    ours, theirs = _models()
    for model in ours + theirs:
        model.train(training)
    x = np.random.default_rng(2).standard_normal((6, 3)).astype(np.float32)
    results = []
    for lib, models in ((cr, ours), (torch, theirs)):
        params, buffers = lib.func.stack_module_state(models)

        def one(params, buffers, x, lib=lib, base=models[0]):
            return lib.func.functional_call(base, (params, buffers), (x,))

        out = lib.func.vmap(one, in_dims=(0, 0, None), randomness="different")(
            params, buffers, lib.from_numpy(x))
        out.pow(2).sum().backward()
        results.append((out, params))
    (out, params), (their_out, their_params) = results
    assert_same(out, their_out, rtol=1e-5, atol=1e-6)
    for name in their_params:
        assert_same(params[name].grad, their_params[name].grad, rtol=1e-4, atol=1e-5)


@pytest.mark.parametrize("models,message", [
    (lambda lib: [], "at least one model"),
    (lambda lib: [lib.nn.Linear(1, 1), lib.nn.Linear(1, 1).eval()], "training/eval mode"),
    (lambda lib: [lib.nn.Linear(1, 1), lib.nn.Bilinear(1, 1, 1)], "same class"),
    (lambda lib: [lib.nn.Linear(1, 1), lib.nn.Linear(1, 1).requires_grad_(False)],
     "same .requires_grad"),
])
def test_stack_errors_match_torch(models, message):
    with pytest.raises(RuntimeError, match=message) as theirs:
        torch.func.stack_module_state(models(torch))
    with pytest.raises(RuntimeError) as ours:
        cr.func.stack_module_state(models(cr))
    assert str(ours.value) == str(theirs.value)


def test_replace_all_batch_norm_modules_matches_torch():
    def build(lib):
        net = lib.nn.Sequential(lib.nn.Conv1d(2, 3, 1), lib.nn.BatchNorm1d(3),
                                lib.nn.InstanceNorm1d(3, track_running_stats=True),
                                lib.nn.BatchNorm1d(3, track_running_stats=False))
        return net

    torch.manual_seed(1)
    theirs = build(torch)
    ours = build(cr)
    ours.load_state_dict({k: from_torch(v) for k, v in theirs.state_dict().items()})
    assert torch.func.replace_all_batch_norm_modules_(theirs) is theirs
    assert cr.func.replace_all_batch_norm_modules_(ours) is ours
    assert list(ours.state_dict()) == list(theirs.state_dict())
    assert ([m.track_running_stats for m in ours[1:]]
            == [m.track_running_stats for m in theirs[1:]])
    x = np.random.default_rng(3).standard_normal((4, 2, 5)).astype(np.float32)
    ours.eval()
    theirs.eval()
    assert_same(ours(cr.from_numpy(x)), theirs(to_torch(cr.from_numpy(x))), rtol=1e-5,
                atol=1e-6)
    root = cr.nn.BatchNorm1d(2)
    assert cr.func.replace_all_batch_norm_modules_(root).running_var is None
