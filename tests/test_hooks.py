"""Tensor, node and saved-tensor hooks, compared with PyTorch's order and effects."""
from __future__ import annotations

import numpy as np

import chainrule as cr
from helpers import torch_or_skip


def run(lib):
    log = []
    x = lib.tensor([1.0, 2.0], requires_grad=True)
    x.register_post_accumulate_grad_hook(lambda t: log.append(("post_acc", t.grad.tolist())))
    y = x * 3
    z = y.exp().sum()
    node = y.grad_fn
    node.register_prehook(lambda gout: log.append(("pre", [g.tolist() for g in gout])))
    h = node.register_hook(lambda gin, gout: log.append(("hook", len(gin), len(gout))))
    y.register_hook(lambda g: log.append(("tensor", g.tolist())) or g * 2)
    z.backward()
    h.remove()
    log.append(("grad", x.grad.tolist()))
    return log


def test_hook_order_and_effects_match_torch():
    torch = torch_or_skip()
    ours, theirs = run(cr), run(torch)
    assert [e[0] for e in ours] == [e[0] for e in theirs]
    for a, b in zip(ours, theirs):
        if a[0] == "hook":
            assert a == b  # number of grad_inputs and grad_outputs
        else:
            np.testing.assert_allclose(a[1], b[1], rtol=1e-6)


def test_node_hook_can_replace_gradients():
    x = cr.tensor([1.0, 2.0], requires_grad=True)
    y = x * 3
    y.grad_fn.register_hook(lambda gin, gout: (gin[0] * 0 + 7,))
    y.sum().backward()
    assert x.grad.tolist() == [7.0, 7.0]


def test_saved_tensors_hooks():
    packed = []

    def pack(t):
        packed.append(tuple(t.shape))
        return t.detach().numpy().copy()

    x = cr.tensor([1.0, 2.0, 3.0], requires_grad=True)
    with cr.autograd.graph.saved_tensors_hooks(pack, cr.from_numpy):
        y = (x * x).sum()
    y.backward()
    assert packed == [(3,), (3,)]
    assert x.grad.tolist() == [2.0, 4.0, 6.0]
    torch = torch_or_skip()
    t = torch.tensor([1.0, 2.0, 3.0], requires_grad=True)
    seen = []
    with torch.autograd.graph.saved_tensors_hooks(lambda a: seen.append(1) or a, lambda a: a):
        (t * t).sum().backward()
    assert len(seen) == len(packed)
