"""chainrule.viz.trace: the backward pass node by node.

The golden tables (tests/golden/) are what print(trace) shows for the lecture's
examples; their numbers are checked against PyTorch's gradient at every node
and against an untraced backward (no number in them is typed by hand).  Set
CHAINRULE_UPDATE_GOLDEN=1 to write them again after a deliberate change.
"""
import os
import pathlib
import types

import numpy as np
import pytest

import chainrule as cr
from chainrule import nn, viz
from chainrule.viz.format import show
from chainrule.viz.rules import formula_text
from helpers import torch_or_skip

GOLDEN = pathlib.Path(__file__).parent / "golden"


def check_golden(name: str, text: str) -> None:
    path = GOLDEN / name
    if os.environ.get("CHAINRULE_UPDATE_GOLDEN"):
        path.parent.mkdir(exist_ok=True)
        path.write_text(text + "\n")
    assert path.exists(), f"{path} is missing: run with CHAINRULE_UPDATE_GOLDEN=1"
    assert text + "\n" == path.read_text()


def torch_gradients(torch_output, chainrule_output):
    """chainrule node -> the gradient PyTorch's matching node receives (graphs walked in step)."""
    seen = {}
    pairs = [(chainrule_output.grad_fn, torch_output.grad_fn)]
    while pairs:
        ours, theirs = pairs.pop()
        if ours in seen:
            continue
        assert ours.name() == theirs.name()
        seen[ours] = theirs
        for (a, _), (b, _) in zip(ours.next_functions, theirs.next_functions):
            assert (a is None) == (b is None)
            if a is not None:
                pairs.append((a, b))
    received = {}
    for ours, theirs in seen.items():
        theirs.register_prehook(lambda grads, ours=ours: received.__setitem__(ours, grads[0]))
    torch_output.backward()
    return received


def poly(lib):
    x = lib.tensor(1.0, requires_grad=True)
    return x, 3 * x ** 2 - 4 * x


def house(lib):
    X = lib.tensor([[2, 1, 0.5, 0], [4, 2, 2.0, 1], [3, 1, 1.0, 0]])
    prices = lib.tensor([1550, 3100, 2200])
    w = lib.tensor([500., 200., -100., 100.], requires_grad=True)
    return w, ((lib.mv(X, w) - prices) ** 2).mean()


@pytest.mark.parametrize("example,name", [(poly, "poly"), (house, "house")])
def test_golden_trace_checked_against_pytorch_and_the_engine(example, name):
    torch = torch_or_skip()
    leaf, out = example(cr)
    with viz.trace({"x" if name == "poly" else "w": leaf}) as t:
        out.backward()
    text = str(t)
    check_golden(f"viz_trace_{name}.txt", text)

    # Every node's gradient is the one PyTorch's matching node receives.
    t_leaf, t_out = example(torch)
    theirs = torch_gradients(t_out, out)
    assert len(t.steps) == len(theirs)
    for step in t.steps:
        assert show(step.grads[0]) == show(theirs[step.node]), step.name
    # What it says .grad became is what an untraced backward gives, and what PyTorch prints.
    plain_leaf, plain_out = example(cr)
    plain_out.backward()
    label = "x" if name == "poly" else "w"
    assert f"{label}.grad = {plain_leaf.grad!r}" in text.splitlines()
    assert repr(plain_leaf.grad) == repr(t_leaf.grad).replace("torch.", "")
    step = t.steps[-1]
    assert step.leaf is leaf and np.array_equal(step.grad_after, plain_leaf.grad.numpy())


def test_rules_as_the_rule_table_writes_them():
    x, y = poly(cr)
    with viz.trace({"x": x}) as t:
        y.backward()
    rules = {(s.name, i.arg): (i.rule, i.values) for s in t.steps for i in s.inputs}
    assert rules[("SubBackward0", "self")][0] == "grad"
    assert rules[("SubBackward0", "other")][0] == "-grad"
    assert rules[("PowBackward0", "self")][0] == "pow_backward(grad, self, exponent)"
    assert [(n, show(v)) for n, v in rules[("PowBackward0", "self")][1]] == \
        [("self", "1."), ("exponent", "2")]
    muls = [(i.rule, i.values) for s in t.steps for i in s.inputs if s.name == "MulBackward0"
            and i.arg == "self"]
    assert sorted((r, v[0][1]) for r, v in muls) == [("grad * other", 3), ("grad * other", 4)]
    assert "where pow_backward(grad, self, exponent) = grad * exponent * self ** " \
        "(exponent - 1)" in str(t)


def test_fan_out_shows_two_contributions_summed():
    x = cr.tensor(3.0, requires_grad=True)
    y = x * x
    with viz.trace({"x": x}) as t:
        y.backward()
    leaf_step = t.steps[-1]
    assert leaf_step.leaf is x
    parts = [a for _, a in leaf_step.sources[0]]
    assert [show(a) for a in parts] == ["3.", "3."]  # grad * other and grad * self
    assert parts[0] + parts[1] == leaf_step.grads[0] == x.grad.item()
    assert [s.name for s, _ in leaf_step.sources[0]] == ["MulBackward0", "MulBackward0"]
    text = str(t)
    assert "= sum of 2 paths:" in text and "x.grad = tensor(6.)" in text


def test_accumulation_across_backward_calls():
    x = cr.tensor([1.0, 2.0], requires_grad=True)
    y = (x * x).sum()
    with viz.trace({"x": x}) as t:
        y.backward(retain_graph=True)
        y.backward()
    first, second = t.passes
    a, b = first.steps[-1], second.steps[-1]
    assert a.grad_before is None and a.accumulated and b.accumulated
    np.testing.assert_array_equal(b.grad_before, a.grad_after)
    np.testing.assert_array_equal(b.grad_after, a.grad_after + b.grads[0])
    np.testing.assert_array_equal(b.grad_after, x.grad.numpy())
    text = str(t)
    assert "x.grad was None" in text and "x.grad += grad" in text
    assert f"x.grad was {show(a.grad_after)}" in text
    assert text.splitlines()[-1] == f"x.grad = {x.grad!r}"


def test_autograd_grad_leaves_grad_alone():
    x = cr.tensor(2.0, requires_grad=True)
    with viz.trace({"x": x}) as t:
        (g,) = cr.autograd.grad(x ** 3, x)
    step = t.steps[-1]
    assert x.grad is None and not step.accumulated
    assert show(step.grads[0]) == show(g)
    assert "(returned by autograd.grad; .grad unchanged)" in str(t)


def mlp_loss():
    cr.manual_seed(1)
    net = nn.Sequential(nn.Linear(5, 7), nn.Tanh(), nn.Linear(7, 3))
    target = cr.randn(4, 3)
    return net, ((net(cr.randn(4, 5)) - target) ** 2).mean()


def broadcast_loss():
    a = cr.linspace(-1, 1, 3).reshape(3, 1).requires_grad_()
    b = cr.linspace(0, 2, 4, dtype=cr.float64).requires_grad_()
    return types.SimpleNamespace(parameters=lambda: [a, b]), ((a * b).exp() - a).sum()


@pytest.mark.parametrize("make", [mlp_loss, broadcast_loss])
@pytest.mark.parametrize("create_graph", [False, True])
def test_tracing_changes_no_result(make, create_graph):
    def gradients(traced):
        owner, loss = make()
        if traced:
            with viz.trace() as t:
                loss.backward(create_graph=create_graph)
            assert len(t.steps) > 3
        else:
            loss.backward(create_graph=create_graph)
        return [p.grad.detach().numpy().copy() for p in owner.parameters()], loss

    plain, plain_loss = gradients(False)
    traced, traced_loss = gradients(True)
    for a, b in zip(plain, traced):
        assert a.dtype == b.dtype and np.array_equal(a, b)  # bit for bit
    # The graph is untouched: the same nodes, and it runs again (create_graph keeps it).
    assert plain_loss.grad_fn.name() == traced_loss.grad_fn.name()


def test_gradient_sent_along_an_edge_is_reduced_to_the_input():
    torch = torch_or_skip()
    a = cr.ones(3, 1, requires_grad=True)
    b = cr.arange(4.0, requires_grad=True)
    with viz.trace({"a": a, "b": b}) as t:
        (a * b).sum().backward()
    mul = next(s for s in t.steps if s.name == "MulBackward0")
    sent = {i.arg: i.sent for i in mul.inputs}
    assert sent["self"].shape == (3, 1) and sent["other"].shape == (4,)
    ta = torch.ones(3, 1, requires_grad=True)
    tb = torch.arange(4.0, requires_grad=True)
    (ta * tb).sum().backward()
    np.testing.assert_array_equal(sent["self"], ta.grad.numpy())
    np.testing.assert_array_equal(sent["other"], tb.grad.numpy())


def test_observer_is_set_only_inside_the_block():
    from chainrule.engine import backward as engine  # the hook itself
    assert engine.observer is None
    with viz.trace() as outer:
        with viz.trace() as inner:
            (cr.ones(2, requires_grad=True) * 2).sum().backward()
        (cr.ones(2, requires_grad=True) * 3).sum().backward()
    assert engine.observer is None
    assert len(inner.passes) == 1 and len(outer.passes) == 1
    x = cr.ones(2, requires_grad=True)
    (x * 4).sum().backward()  # after the block: nothing recorded
    assert len(outer.passes) == 1


def test_a_pass_inside_a_pass_gets_its_own_record():
    from chainrule.utils.checkpoint import checkpoint
    x = cr.tensor([0.5, 1.5], requires_grad=True)
    with viz.trace({"x": x}) as t:
        checkpoint(lambda v: v.sin() * v, x, use_reentrant=True).sum().backward()
    plain = cr.tensor([0.5, 1.5], requires_grad=True)
    (plain.sin() * plain).sum().backward()
    np.testing.assert_array_equal(x.grad.numpy(), plain.grad.numpy())
    assert len(t.passes) == 2
    assert all(p.finished_cleanly for p in t.passes)


def test_html_table():
    x, y = poly(cr)
    with viz.trace({"x": x}) as t:
        y.backward()
    page = t.to_html()
    assert page.count("<tr") >= len(t.steps) + 1
    assert "pow_backward(grad, self, exponent)" in page and "x.grad = tensor(2.)" in page
    assert t._repr_html_() == page


def test_every_rule_of_the_table_has_its_text():
    """formula_text recovers every formula of the rule table (private: the table itself)."""
    import importlib
    import pkgutil

    import chainrule.ops
    from chainrule.engine.op import Op
    count = 0
    for info in pkgutil.iter_modules(chainrule.ops.__path__):
        module = importlib.import_module(f"chainrule.ops.{info.name}")
        for op in vars(module).values():
            if isinstance(op, Op):
                for rule in op.rules:
                    if rule is not None:
                        text = formula_text(rule)
                        assert text, (op.name, rule)
                        compile(text, "<rule>", "eval")
                        count += 1
    assert count > 150


def test_list_arguments_and_several_outputs_are_traced_per_edge():
    """cat/stack (one node, a list of inputs) and split (one node, several outputs): the
    trace and the graph have one rule and one arrow per tensor, and the gradients are an
    untraced backward's."""
    def build():
        x = cr.tensor([1.0, 2.0], requires_grad=True)
        y = cr.tensor([3.0, 4.0], requires_grad=True)
        z = (cr.cat([x * 2, y]) ** 2).sum() + cr.stack([x, y]).sum() \
            + sum(p.sum() for p in x.split(1))
        return x, y, z

    x, y, z = build()
    svg = viz.graph(z, {"x": x, "y": y}).to_svg()
    assert "CatBackward0" in svg and "StackBackward0" in svg and "SplitBackward0" in svg
    with viz.trace({"x": x, "y": y}) as t:
        z.backward()
    text = str(t)
    assert "tensors[0]" in text and "tensors[1]" in text
    x2, y2, z2 = build()
    z2.backward()
    assert x.grad.tolist() == x2.grad.tolist() and y.grad.tolist() == y2.grad.tolist()
