"""``Module.register_full_backward_hook`` / ``register_full_backward_pre_hook`` and the order
in which the engine runs hooks, compared with PyTorch."""
from __future__ import annotations

import numpy as np

import chainrule as cr
from helpers import torch_or_skip


def libraries():
    return (cr, torch_or_skip())


def as_lists(values):
    return [None if v is None else np.round(v.detach().numpy(), 5).tolist() for v in values]


def linear(lib):
    lib.manual_seed(0)
    layer = lib.nn.Linear(3, 2)
    with lib.no_grad():  # the same weights in both libraries
        layer.weight.copy_(lib.tensor(np.arange(6.0).reshape(2, 3) / 10, dtype=lib.float32))
        layer.bias.copy_(lib.tensor([0.5, -0.5]))
    return layer


def test_hooks_see_and_replace_the_gradients():
    results = []
    for lib in libraries():
        layer = linear(lib)
        seen = []

        def hook(module, grad_input, grad_output, seen=seen, layer=layer):
            seen.append(("hook", module is layer, as_lists(grad_input), as_lists(grad_output)))
            return (grad_input[0] * 10,)

        def pre_hook(module, grad_output, seen=seen):
            seen.append(("pre", as_lists(grad_output)))
            return (grad_output[0] * 2,)
        layer.register_full_backward_hook(hook)
        layer.register_full_backward_pre_hook(pre_hook)
        x = lib.tensor(np.linspace(-1, 1, 6).reshape(2, 3), dtype=lib.float32,
                       requires_grad=True)
        (layer(x) ** 2).sum().backward()
        results.append((seen, as_lists([x.grad, layer.weight.grad, layer.bias.grad])))
    assert results[0] == results[1]


def test_hooks_of_a_module_whose_inputs_need_no_gradient():
    results = []
    for lib in libraries():
        layer = linear(lib)
        seen = []
        layer.register_full_backward_hook(
            lambda m, g_in, g_out, seen=seen: seen.append((as_lists(g_in), as_lists(g_out))))
        layer(lib.ones(2, 3)).sum().backward()
        results.append(seen)
    assert results[0] == results[1]
    assert results[0][0][0] == [None]


def test_a_hook_runs_once_through_a_double_backward():
    for lib in libraries():
        calls = []
        loss = lib.nn.MSELoss()
        loss.register_full_backward_hook(lambda m, g_in, g_out, calls=calls: calls.append(1))
        x = lib.rand(1, requires_grad=True)
        (g,) = lib.autograd.grad(loss(x, lib.rand_like(x)), x, create_graph=True)
        lib.autograd.grad(g, x)
        assert calls == [1]


def hook_order(lib):
    """Every kind of hook on a module's graph, in the order backward runs them."""
    order = []
    layer = linear(lib)
    layer.register_full_backward_hook(lambda *args: order.append("module hook"))
    x = lib.ones(2, 3, requires_grad=True)
    loss = layer(x).sum()
    stack, count = [loss.grad_fn], 0
    while stack:
        node = stack.pop()
        count += 1
        name = f"{node.name()}_{count}"
        node.register_prehook(lambda grads, name=name: order.append(f"pre {name}"))
        node.register_hook(lambda g_in, g_out, name=name: order.append(f"post {name}"))
        stack.extend(n for n, _ in reversed(node.next_functions) if n is not None)
    for t, name in ((x, "x"), (layer.weight, "weight"), (layer.bias, "bias")):
        t.register_hook(lambda grad, name=name: order.append(f"tensor hook {name}"))
        t.register_post_accumulate_grad_hook(
            lambda t, name=name: order.append(f"post accumulate {name}"))
    loss.backward()
    return order


def test_hooks_run_in_pytorchs_order():
    ours, theirs = (hook_order(lib) for lib in libraries())
    assert ours == theirs
