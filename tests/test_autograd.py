"""Autograd semantics, checked against PyTorch where PyTorch can be asked."""
import threading
import warnings

import pytest

import chainrule as cr
from both_libraries import same_verdict
from helpers import torch_or_skip


def test_implicit_gradient_only_for_one_element_outputs():
    x = cr.ones(3, requires_grad=True)
    with pytest.raises(RuntimeError, match=r"only for scalar outputs.*\.sum\(\)"):
        (x * 2).backward()
    (x * 2).backward(cr.ones(3))
    assert x.grad.tolist() == [2.0, 2.0, 2.0]
    y = cr.ones(1, requires_grad=True)
    (y * 3).backward()  # one element, not 0-d: allowed
    assert y.grad.tolist() == [3.0]


def test_gradient_shape_mismatch():
    x = cr.ones(3, requires_grad=True)
    with pytest.raises(RuntimeError, match="Mismatch in shape"):
        (x * 2).backward(cr.ones(2))


def test_non_leaf_grad_is_none_with_warning_unless_retained():
    x = cr.ones(2, requires_grad=True)
    y = x * 2
    z = y * 3
    z.sum().backward(retain_graph=True)
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        assert y.grad is None
    assert any("retain_grad" in str(w.message) for w in caught)
    y.retain_grad()
    z.sum().backward()
    assert y.grad.tolist() == [3.0, 3.0] and y.retains_grad


def test_only_floating_tensors_can_require_grad():
    with pytest.raises(RuntimeError, match="floating point"):
        cr.tensor([1, 2], requires_grad=True)
    with pytest.raises(RuntimeError, match="floating point"):
        cr.arange(3).requires_grad_()
    x = cr.tensor([1, 2])
    with pytest.raises(RuntimeError):
        x.requires_grad = True


def test_requires_grad_flag_only_changes_on_leaves():
    x = cr.ones(2, requires_grad=True)
    y = x * 2
    with pytest.raises(RuntimeError, match="leaf variables"):
        y.requires_grad = False
    assert y.requires_grad and not y.is_leaf and x.is_leaf


def test_detach_shares_storage_and_version_counter():
    x = cr.ones(3, requires_grad=True)
    y = x * 2
    d = y.detach()
    assert not d.requires_grad and d.grad_fn is None
    d[0] = 10.0
    assert y.tolist() == [10.0, 2.0, 2.0]
    assert d._version == y._version == 1


def test_detach_in_place():
    x = cr.ones(2, requires_grad=True)
    y = x * 2
    y.detach_()
    assert y.grad_fn is None and not y.requires_grad


@pytest.mark.parametrize("ctx", ["no_grad", "inference_mode", "set_grad_enabled"])
def test_grad_mode_context_managers(ctx):
    x = cr.ones(2, requires_grad=True)
    manager = cr.set_grad_enabled(False) if ctx == "set_grad_enabled" else getattr(cr, ctx)()
    with manager:
        y = x * 2
        assert not cr.is_grad_enabled()
        with cr.enable_grad():
            z = x * 2
    assert cr.is_grad_enabled()
    assert not y.requires_grad and z.requires_grad


def test_grad_mode_decorators():
    @cr.no_grad()
    def f(x):
        return x * 2

    @cr.enable_grad()
    def g(x):
        return x * 2

    x = cr.ones(2, requires_grad=True)
    assert not f(x).requires_grad
    with cr.no_grad():
        assert g(x).requires_grad
    assert cr.is_grad_enabled()


def test_set_grad_enabled_as_a_call():
    cr.set_grad_enabled(False)
    try:
        assert not cr.is_grad_enabled()
    finally:
        cr.set_grad_enabled(True)
    assert cr.is_grad_enabled()


def test_grad_mode_is_thread_local():
    seen = []

    def worker():
        seen.append(cr.is_grad_enabled())

    with cr.no_grad():
        t = threading.Thread(target=worker)
        t.start()
        t.join()
    assert seen == [True]


def test_register_hook_on_leaf_and_non_leaf():
    x = cr.ones(2, requires_grad=True)
    y = x * 3
    seen = []
    y.register_hook(lambda g: seen.append(g.tolist()))
    h = x.register_hook(lambda g: g * 10)
    y.sum().backward()
    assert seen == [[1.0, 1.0]]
    assert x.grad.tolist() == [30.0, 30.0]
    h.remove()
    x.grad = None
    (x * 3).sum().backward()
    assert x.grad.tolist() == [3.0, 3.0]


def test_in_place_on_leaf_requiring_grad_raises_with_fix():
    w = cr.ones(2, requires_grad=True)
    with pytest.raises(RuntimeError, match="no_grad"):
        w -= 1
    with cr.no_grad():
        w -= 1
    assert w.tolist() == [0.0, 0.0] and w.is_leaf and w.requires_grad


def test_modified_saved_tensor_raises_at_backward():
    x = cr.ones(2, requires_grad=True)
    y = x * 1
    z = y * y  # saves y
    y.add_(1)
    with pytest.raises(RuntimeError, match="modified by an inplace operation"):
        z.sum().backward()


def test_modified_saved_result_raises_at_backward():
    x = cr.ones(2, requires_grad=True)
    y = x.exp()  # saves its result
    y.mul_(2)
    with pytest.raises(RuntimeError, match="inplace operation"):
        y.sum().backward()


def test_in_place_op_records_history():
    x = cr.tensor([1.0, 2.0], requires_grad=True)
    y = x * 1
    y.mul_(3)
    y.add_(x)
    assert y.grad_fn.name() == "AddBackward0"
    y.sum().backward()
    assert x.grad.tolist() == [4.0, 4.0]


def test_next_functions_and_accumulate_grad():
    torch = torch_or_skip()
    for lib in (cr, torch):
        x = lib.ones(2, requires_grad=True)
        y = (x * 2).sum()
        names = []
        node = y.grad_fn
        while node is not None:
            names.append(node.name() if hasattr(node, "name") else type(node).__name__)
            node = next((n for n, _ in node.next_functions if n is not None), None)
        if lib is cr:
            ours = names
        else:
            assert ours == names, (ours, names)
    assert ours[-1] == "torch::autograd::AccumulateGrad" or ours[-1] == "AccumulateGrad"


def test_accumulate_grad_variable_is_the_leaf():
    x = cr.ones(2, requires_grad=True)
    y = (x * 2).sum()
    acc = y.grad_fn.next_functions[0][0].next_functions[0][0]
    assert acc.variable is x


@pytest.mark.parametrize("expr, name", [
    (lambda t, x: x - 1, "SubBackward0"),
    (lambda t, x: 1 - x, "RsubBackward1"),
    (lambda t, x: x * 2, "MulBackward0"),
    (lambda t, x: 2 * x, "MulBackward0"),
    (lambda t, x: x / 2, "DivBackward0"),
    (lambda t, x: x + 1, "AddBackward0"),
    (lambda t, x: x ** 2, "PowBackward0"),
    (lambda t, x: x ** x, "PowBackward1"),
    (lambda t, x: -x, "NegBackward0"),
    (lambda t, x: x.mean(), "MeanBackward0"),
    (lambda t, x: x.sum(), "SumBackward0"),
    (lambda t, x: x.exp(), "ExpBackward0"),
    (lambda t, x: t.mv(x.reshape(2, 2), x[:2]), "MvBackward0"),
    (lambda t, x: t.dot(x, x), "DotBackward0"),
    (lambda t, x: x.reshape(2, 2) @ x.reshape(2, 2), "MmBackward0"),
    (lambda t, x: x.tanh(), "TanhBackward0"),
    (lambda t, x: x.sigmoid(), "SigmoidBackward0"),
    (lambda t, x: x.relu(), "ReluBackward0"),
    (lambda t, x: x.clone(), "CloneBackward0"),
    (lambda t, x: x[0], "SelectBackward0"),
    (lambda t, x: x[1:], "SliceBackward0"),
    (lambda t, x: x.reshape(2, 2), "ViewBackward0"),
    (lambda t, x: x.unsqueeze(0), "UnsqueezeBackward0"),
])
def test_grad_fn_names_match_pytorch(expr, name):
    torch = torch_or_skip()
    ours = expr(cr, cr.tensor([1.0, 2.0, 3.0, 4.0], requires_grad=True))
    theirs = expr(torch, torch.tensor([1.0, 2.0, 3.0, 4.0], requires_grad=True))
    assert type(theirs.grad_fn).__name__ == name
    assert ours.grad_fn.name() == name
    assert repr(ours).endswith(f"grad_fn=<{name}>)")


def test_backward_twice_accumulates_for_nodes_without_saved_values():
    torch = torch_or_skip()
    for lib in (cr, torch):
        x = lib.ones(2, requires_grad=True)
        y = (x + 1).sum()
        y.backward()
        y.backward()  # nothing was saved, so PyTorch allows it
        assert x.grad.tolist() == [2.0, 2.0]


def test_double_backward_second_derivatives():
    torch = torch_or_skip()
    for lib in (cr, torch):
        x = lib.tensor([0.5, 1.5], requires_grad=True)
        y = (x.sin() * x.exp()).sum()
        (g,) = lib.autograd.grad(y, x, create_graph=True)
        (h,) = lib.autograd.grad(g.sum(), x)
        if lib is cr:
            ours = (g.detach().numpy(), h.numpy())
        else:
            import numpy as np
            np.testing.assert_allclose(ours[0], g.detach().numpy(), rtol=1e-6)
            np.testing.assert_allclose(ours[1], h.numpy(), rtol=1e-6)


def test_float_of_a_tensor_requiring_grad_warns_like_pytorch():
    torch = torch_or_skip()
    for lib in (cr, torch):
        t = lib.ones(1, requires_grad=True) * 2
        with warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always")
            float(t)
            t.item()
        assert [str(w.message).split(".")[0] for w in caught] == [
            "Converting a tensor with requires_grad=True to a scalar may lead to unexpected "
            "behavior"]


def test_node_repr_uses_the_class_name():
    x = cr.ones(1, requires_grad=True)
    acc = (x * 2).grad_fn.next_functions[0][0]
    assert repr(acc).startswith("<AccumulateGrad object at 0x")
    assert acc.name() == "torch::autograd::AccumulateGrad"


@pytest.mark.parametrize("create_graph", [False, True])
def test_grad_materialize_grads_as_torch(create_graph):
    def scenario(lib):
        a = lib.tensor([0.3, -1.2], requires_grad=True)
        w = lib.tensor(2.0, requires_grad=True)
        (dw,) = lib.autograd.grad((a.sin() * w).sum(), w, create_graph=True)
        # dw = sum(sin(a)) does not depend on w: its gradient is materialized as zero
        (zero,) = lib.autograd.grad(dw, w, create_graph=create_graph, materialize_grads=True)
        again = (lib.autograd.grad(zero, w, materialize_grads=True)[0].tolist()
                 if create_graph else None)
        return zero.tolist(), zero.requires_grad, zero.is_leaf, again
    assert same_verdict(scenario)[1][1] is create_graph


def test_grad_materialize_grads_refuses_allow_unused_false():
    def scenario(lib):
        x = lib.tensor(1.0, requires_grad=True)
        lib.autograd.grad(x * 2, x, allow_unused=False, materialize_grads=True)
    assert same_verdict(scenario)[0] == "ValueError"
