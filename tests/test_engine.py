"""Properties of the backward engine itself (issue: engine properties, each with a test)."""
import gc
import sys
import weakref

import numpy as np
import pytest

import chainrule as torch
from chainrule.engine.backward import topological_order


def test_no_recursion_a_million_operations_forward_and_backward():
    x = torch.tensor(1.0, requires_grad=True)
    h = x
    limit = sys.getrecursionlimit()
    for _ in range(500_000):  # two operations per step: 1,000,000 nodes
        h = h * 1.0 + 0.0
    h.backward()
    assert sys.getrecursionlimit() == limit
    assert x.grad.item() == 1.0
    del h
    gc.collect()


def test_deleting_a_long_chain_does_not_recurse():
    x = torch.tensor(1.0, requires_grad=True)
    h = x
    for _ in range(200_000):
        h = h + 1.0
    del h  # dropping the last reference frees nodes one by one


def test_topological_order_is_deterministic_and_consumers_come_first():
    x = torch.ones(3, requires_grad=True)
    a = x * 2
    b = a.exp()
    c = a.sin()
    out = (b + c).sum()
    order1 = [n.name() for n in topological_order([out.grad_fn])]
    order2 = [n.name() for n in topological_order([out.grad_fn])]
    assert order1 == order2
    nodes = topological_order([out.grad_fn])
    position = {n: i for i, n in enumerate(nodes)}
    for node in nodes:
        for child, _ in node.next_functions:
            if child is not None:
                assert position[child] > position[node]


def test_saved_arrays_released_right_after_backward_without_gc():
    gc.disable()
    try:
        x = torch.ones(1000, requires_grad=True)
        y = x.exp()  # saves its result
        z = y.sin()  # saves its input y
        saved = weakref.ref(y._data)
        del y
        assert saved() is not None  # still held by the graph (z's node saved y)
        z.sum().backward()
        assert saved() is None  # freed by backward itself, not by the garbage collector
    finally:
        gc.enable()


def test_retain_graph_keeps_saved_values_and_second_backward_raises_otherwise():
    x = torch.tensor(2.0, requires_grad=True)
    y = x * x
    y.backward(retain_graph=True)
    y.backward()
    assert x.grad.item() == 8.0
    with pytest.raises(RuntimeError, match="retain_graph=True"):
        y.backward()


def test_fan_out_accumulates():
    x = torch.tensor(3.0, requires_grad=True)
    a = x * 2
    y = a * a + a.sin() + a  # a used three times
    y.backward()
    expected = 2 * (2 * 6.0) + 2 * np.cos(6.0) + 2
    assert np.isclose(x.grad.item(), expected, rtol=1e-6)


def test_interior_nodes_do_not_carry_stale_gradients_between_passes():
    x = torch.tensor(1.5, requires_grad=True)
    a = x * x
    b = a * 3
    b.backward(retain_graph=True)
    first = x.grad.item()
    x.grad.zero_()
    b.backward(retain_graph=True)
    assert x.grad.item() == first
    x.grad = None
    a.backward()  # a different root through the same interior node
    assert x.grad.item() == 3.0


def test_leaf_gradient_never_aliases_another_tensor():
    x = torch.ones(3, requires_grad=True)
    y = torch.ones(3, requires_grad=True)
    g = torch.ones(3)
    (x + y).backward(g)
    assert x.grad is not y.grad
    assert not np.shares_memory(x.grad.numpy(), y.grad.numpy())
    assert not np.shares_memory(x.grad.numpy(), g.numpy())
    x.grad.add_(1)
    assert y.grad.tolist() == [1.0, 1.0, 1.0] and g.tolist() == [1.0, 1.0, 1.0]


def test_one_gradient_handed_to_two_leaves_is_copied_for_each():
    # AddBackward passes the very same (freshly computed) gradient tensor to both inputs.
    x = torch.ones(3, requires_grad=True)
    y = torch.ones(3, requires_grad=True)
    ((x + y) * 2).sum().backward()
    assert not np.shares_memory(x.grad.numpy(), y.grad.numpy())
    x.grad.add_(1)
    assert y.grad.tolist() == [2.0, 2.0, 2.0]


def test_no_graph_recorded_during_backward_without_create_graph():
    recorded = []
    x = torch.tensor([1.0, 2.0], requires_grad=True)
    y = (x * x).sum()
    y.grad_fn.register_prehook(lambda grads: recorded.append(grads[0].requires_grad))
    y.backward()
    assert recorded == [False]
    assert not x.grad.requires_grad and x.grad.grad_fn is None


def test_create_graph_gives_differentiable_gradients():
    x = torch.tensor(2.0, requires_grad=True)
    y = x ** 3
    (g,) = torch.autograd.grad(y, x, create_graph=True)
    assert g.requires_grad and g.grad_fn is not None
    (h,) = torch.autograd.grad(g, x)
    assert h.item() == 12.0


def test_inputs_argument_limits_accumulation():
    a = torch.tensor(1.0, requires_grad=True)
    b = torch.tensor(2.0, requires_grad=True)
    (a * b).backward(inputs=[a])
    assert a.grad.item() == 2.0 and b.grad is None


def test_autograd_grad_does_not_touch_leaf_grads():
    a = torch.tensor(1.0, requires_grad=True)
    b = torch.tensor(2.0, requires_grad=True)
    ga, gb = torch.autograd.grad(a * b, (a, b))
    assert (ga.item(), gb.item()) == (2.0, 1.0)
    assert a.grad is None and b.grad is None


def test_gradient_of_non_leaf_input():
    x = torch.tensor(3.0, requires_grad=True)
    h = x * 2
    y = h * h
    (gh,) = torch.autograd.grad(y, h)
    assert gh.item() == 12.0


def test_unused_input_raises_unless_allowed():
    a = torch.tensor(1.0, requires_grad=True)
    b = torch.tensor(2.0, requires_grad=True)
    with pytest.raises(RuntimeError, match="allow_unused=True"):
        torch.autograd.grad(a * 2, (a, b))
    ga, gb = torch.autograd.grad(a * 2, (a, b), allow_unused=True)
    assert ga.item() == 2.0 and gb is None


def test_broadcast_gradient_summed_back_once():
    a = torch.ones(3, 1, requires_grad=True)
    b = torch.ones(4, requires_grad=True)
    c = torch.ones((), requires_grad=True)
    (a * b * c).sum().backward()
    assert a.grad.shape == (3, 1) and a.grad.tolist() == [[4.0]] * 3
    assert b.grad.shape == (4,) and b.grad.tolist() == [3.0] * 4
    assert c.grad.shape == () and c.grad.item() == 12.0


def test_gradient_dtype_matches_input_dtype():
    a = torch.ones(3, requires_grad=True)  # float32
    b = torch.tensor(2.0, dtype=torch.float64, requires_grad=True)  # 0-d: does not promote a
    y = a * b
    assert y.dtype == torch.float32
    y.sum().backward()
    assert a.grad.dtype == torch.float32 and b.grad.dtype == torch.float64


def test_array_path_keeps_pytorch_dtypes_where_numpy_would_promote():
    # NumPy: float32 * int64 array is float64; PyTorch keeps float32.  The array path
    # (no create_graph) must give the same dtype as the tensor path.
    x = torch.tensor([1.5, 2.5], requires_grad=True)
    n = torch.tensor([3, 4])
    s = torch.tensor(2.0, requires_grad=True)  # 0-d: backward sees NumPy scalars
    (x * n * s).sum().backward()
    assert x.grad.dtype == torch.float32 and x.grad.tolist() == [6.0, 8.0]
    assert s.grad.dtype == torch.float32 and s.grad.shape == () and s.grad.item() == 14.5
    x2 = torch.tensor([1.5, 2.5], requires_grad=True)
    (g,) = torch.autograd.grad((x2 * n * 2.0).sum(), x2, create_graph=True)
    assert g.dtype == x.grad.dtype and g.tolist() == x.grad.tolist()


def test_array_path_is_silent_about_inf_and_nan_like_pytorch():
    import warnings
    x = torch.tensor([0.0, 1.0], requires_grad=True)
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        torch.log(x).sum().backward()  # 1 / 0 in the rule
        (x / x).sum().backward()
    assert x.grad[0].item() != x.grad[0].item()  # inf + nan is nan, as in PyTorch


def test_array_forms_exist_for_arithmetic_rules_and_not_for_tensor_methods():
    from chainrule.engine.array_rules import array_form
    from chainrule.ops import pointwise, reduction
    assert array_form(pointwise.mul.rules[0]) is not None  # grad * other
    assert array_form(pointwise.tanh.rules[0]) is not None  # tanh_backward(grad, result)
    assert array_form(reduction.sum_dims.rules[0]) is not None  # spread(...): an Op
    assert array_form(pointwise.where.rules[1]) is not None  # where: registered form
    assert array_form(reduction.cumsum.rules[0]) is None  # grad.flip(dim)...: methods


def test_array_form_refuses_what_means_something_else_on_arrays():
    from chainrule.engine import array_rules as arrays
    from chainrule.ops import pointwise

    def uses_method(grad):
        return grad.sum(0)  # Tensor.sum(dim) is not ndarray.sum(axis) in general

    def uses_chainrule_module(grad):
        return pointwise.exp(grad)  # an Op reached through a module: not swapped

    def imports(grad):
        from chainrule import exp
        return exp(grad)

    def arithmetic(grad, other):
        return -grad * other / 2.0

    for fn in (uses_method, uses_chainrule_module, imports):
        assert arrays.array_form(fn) is None
    form = arrays.array_form(arithmetic)
    assert form(np.array([2.0, 4.0]), 3.0).tolist() == [-3.0, -6.0]


def test_array_forms_of_one_operator_or_one_call_skip_the_lambda():
    import operator

    from chainrule.engine import array_rules as arrays
    from chainrule.ops import pointwise
    # (each operator's function, or its C twin where the compiled core has one)
    form_of = arrays.operator_form
    assert arrays.array_form(pointwise.add.rules[0]) is arrays.same  # lambda grad: grad
    assert arrays.array_form(pointwise.sub.rules[1]) is form_of(operator.neg)  # -grad
    assert arrays.array_form(pointwise.mul.rules[0]) is form_of(operator.mul)  # grad * other
    assert arrays.array_form(pointwise.div.rules[0]) is form_of(operator.truediv)  # grad / other
    # tanh_backward(grad, result): tanh_backward's own array version (or its C twin)
    assert arrays.array_form(pointwise.tanh.rules[0]) \
        is pointwise.ARRAY_FORMS[pointwise.tanh_backward]
    assert pointwise.ARRAY_FORMS[pointwise.tanh_backward] is pointwise.tanh_backward.forward \
        or torch.engine.core_name() == "compiled"

    def swapped(grad, other):
        return other * grad  # not the parameters in order: its own form

    def constant(grad):
        return pointwise.tanh_backward(grad, 1.0)

    def defaults(grad, other=2.0):
        return grad * other

    for fn in (swapped, defaults):
        form = arrays.array_form(fn)
        assert form not in (form_of(operator.mul), None) \
            and form(np.array([3.0]), 2.0).tolist() == [6.0]
    assert arrays.array_form(constant) is None  # (a chainrule module's attribute)


@pytest.mark.parametrize("case", ["where", "pow_tensor", "atan2", "mean_dim", "mm"])
def test_array_path_matches_tensor_path(case):
    # The same formulas on arrays (plain backward) and on tensors (create_graph=True).
    rng = np.random.default_rng(0)
    a = torch.tensor(rng.uniform(0.5, 2.0, (3, 4)), requires_grad=True)
    b = torch.tensor(rng.uniform(0.5, 2.0, (3, 4)), requires_grad=True)
    f = {"where": lambda: torch.where(a > 1, a * b, b),
         "pow_tensor": lambda: a ** b,
         "atan2": lambda: torch.atan2(a, b),
         "mean_dim": lambda: (a * b).mean(1, keepdim=True),
         "mm": lambda: a @ b.T}[case]
    plain = torch.autograd.grad(f().sum(), (a, b))
    recorded = torch.autograd.grad(f().sum(), (a, b), create_graph=True)
    for p, r in zip(plain, recorded):
        assert p.dtype == r.dtype and p.shape == r.shape
        assert np.allclose(p.numpy(), r.detach().numpy(), rtol=1e-12, atol=0)


def test_hooks_see_tensors_on_the_array_path():
    seen = []
    x = torch.tensor([1.0, 2.0], requires_grad=True)
    y = x * 3
    y.register_hook(lambda g: seen.append(type(g).__name__) or g * 2)
    y.grad_fn.register_hook(lambda grad_inputs, grad_outputs: seen.append(
        type(grad_inputs[0]).__name__))
    x.register_hook(lambda g: seen.append(type(g).__name__))
    y.sum().backward()
    assert seen == ["Tensor", "Tensor", "Tensor"] and x.grad.tolist() == [6.0, 6.0]
