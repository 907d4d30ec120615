"""Saved tensors' lifecycle, compared with PyTorch: what unpack hooks return stands for the
saved tensor in a graph of gradients, hook blocks entered during backward end with it,
saved index tensors are freed like any saved tensor, ``clear_saved_tensors_on_access``,
``save_on_cpu``."""
from __future__ import annotations

import numpy as np
import pytest

import chainrule as cr
from chainrule.engine import saved as saved_state
from helpers import assert_same, torch_or_skip


def libraries():
    return (cr, torch_or_skip())


def values(*shape):
    return np.random.default_rng(1).standard_normal(shape)


@pytest.mark.parametrize("where", ["forward", "backward", "both"])
def test_unpacked_values_carry_the_saved_tensors_history(where):
    # pack doubles every saved tensor: the second derivative sees the doubled values, but
    # differentiates through the saved tensor's own history, not through the doubling.
    grads = []
    for lib in libraries():
        hooks = lib.autograd.graph.saved_tensors_hooks(lambda t: 2 * t, lambda t: t)
        a = lib.tensor(values(4), requires_grad=True)
        if where in ("forward", "both"):
            with hooks:
                s = (a ** 3).sum()
        else:
            s = (a ** 3).sum()
        if where in ("backward", "both"):
            with lib.autograd.graph.saved_tensors_hooks(lambda t: 2 * t, lambda t: t):
                (g,) = lib.autograd.grad(s, a, create_graph=True)
                g.sum().backward()
        else:
            (g,) = lib.autograd.grad(s, a, create_graph=True)
            g.sum().backward()
        grads.append((g, a.grad))
    (g, ga), (tg, tga) = grads
    assert_same(g.detach(), tg.detach())
    assert_same(ga, tga)


def test_unpack_must_return_a_tensor():
    for lib in libraries():
        a = lib.ones(2, requires_grad=True)
        with lib.autograd.graph.saved_tensors_hooks(lambda t: t, lambda t: 3):
            y = (a * a).sum()
        with pytest.raises(TypeError, match="unpack_hook expected to be a Tensor"):
            y.backward()


def test_a_hook_block_entered_during_backward_ends_with_it():
    before = list(saved_state.SAVED_TENSORS_HOOKS)
    block = cr.autograd.graph.saved_tensors_hooks(lambda t: t, lambda t: t)

    def unpack(t):
        block.__enter__()  # never left: the pass must drop it
        return t
    a = cr.ones(3, requires_grad=True)
    with cr.autograd.graph.saved_tensors_hooks(lambda t: t, unpack):
        y = a.sin().sum()
    y.backward()
    assert saved_state.SAVED_TENSORS_HOOKS == before
    assert a.grad is not None


def test_a_second_backward_through_saved_indices_raises():
    for lib in libraries():
        b = lib.tensor(values(3), requires_grad=True)
        c = lib.zeros(3, dtype=b.dtype)
        c[[1, 2]] = b[[1, 1]]
        c.backward(lib.ones(3, dtype=b.dtype))
        with pytest.raises(RuntimeError, match="Specify retain_graph=True"):
            c.backward(lib.ones(3, dtype=b.dtype))
        # a slice saves no tensor: running it again is allowed (and accumulates)
        d = b[1:] + 1
        d.sum().backward()
        d.sum().backward()


def clearing_function(lib, reads: int):
    class Twice(lib.autograd.Function):
        clear_saved_tensors_on_access = True

        @staticmethod
        def forward(ctx, x):
            ctx.save_for_backward(x)
            return x * 2

        @staticmethod
        def backward(ctx, grad):
            for _ in range(reads):
                (x,) = ctx.saved_tensors
            return grad * 2
    return Twice


def test_clear_saved_tensors_on_access_frees_them_at_the_first_read():
    for lib in libraries():
        x = lib.tensor(values(3), requires_grad=True)
        clearing_function(lib, 1).apply(x.clone()).sum().backward()
        assert x.grad.tolist() == [2.0, 2.0, 2.0]
        with pytest.raises(RuntimeError, match="can only be accessed once"):
            clearing_function(lib, 2).apply(x.clone()).sum().backward()


def test_saved_tensor_objects_are_made_by_the_engine_only():
    for lib in libraries():
        with pytest.raises(RuntimeError, match="create a SavedTensor object from Python"):
            lib.autograd.SavedTensor()


def test_save_on_cpu_with_checkpoint_gives_the_plain_gradients():
    results = []
    for lib in libraries():
        checkpoint = lib.utils.checkpoint.checkpoint
        a = lib.tensor(values(2, 2), requires_grad=True)
        a.pow(2).pow(2).pow(2).sum().backward()
        plain = a.grad.clone()
        a.grad = None
        with lib.autograd.graph.save_on_cpu():
            h = checkpoint(lambda x: x.pow(2).pow(2), a, use_reentrant=False)
            c = h.pow(2)
        c.sum().backward()
        np.testing.assert_allclose(a.grad.detach().numpy(), plain.detach().numpy(), rtol=1e-6)
        results.append(plain)
    assert_same(*results)


def test_pack_hooks_see_saved_outputs_too():
    counts = []
    for lib in libraries():
        seen = []

        def pack(t, seen=seen):
            seen.append(tuple(t.shape))
            return t
        x = lib.tensor(values(3), requires_grad=True)
        with lib.autograd.graph.saved_tensors_hooks(pack, lambda t: t):
            y = x.sin().exp().tanh().sum()  # sin saves its input, exp and tanh their outputs
        y.backward()
        counts.append((seen, x.grad))
    (seen, grad), (tseen, tgrad) = counts
    assert seen == tseen
    assert_same(grad, tgrad)


def test_checkpoint_finds_a_recomputation_that_saves_other_tensors():
    for lib in libraries():
        calls = []

        def changing(x, lib=lib, calls=calls):
            calls.append(1)
            if len(calls) == 1:
                return x.sin().exp()  # saves x and exp's output
            return x.sin() * lib.tensor([1.0, 2.0])  # saves x and a tensor of another shape
        a = lib.ones(1, requires_grad=True)
        out = lib.utils.checkpoint.checkpoint(changing, a, use_reentrant=False)
        with pytest.raises(RuntimeError, match="tensors have different metadata"):
            out.sum().backward()


def test_reentrant_checkpoint_refuses_autograd_grad_and_then_still_works():
    for lib in libraries():
        a = lib.tensor(values(2, 2), requires_grad=True)
        b = lib.utils.checkpoint.checkpoint(lib.exp, a, use_reentrant=True).sum()
        with pytest.raises(RuntimeError, match="torch.utils.checkpoint is incompatible"):
            lib.autograd.grad(b, (a,))
        lib.utils.checkpoint.checkpoint(lib.exp, a, use_reentrant=True).sum().backward()
        np.testing.assert_allclose(a.grad.numpy(), np.exp(values(2, 2)), rtol=1e-6)
