"""chainrule.viz.graph: the picture of the graph backward walks.

Every box and arrow is counted against the graph itself (walked through the
public grad_fn / next_functions), the SVG must parse as XML with no two boxes
overlapping, and the names of the operations are PyTorch's (compared with the
graph real PyTorch records for the same computation).
"""
import xml.etree.ElementTree as ET
from collections import Counter

import numpy as np
import pytest

import chainrule as cr
from chainrule import nn, viz
from chainrule.viz.format import show
from helpers import torch_or_skip

SVG = "{http://www.w3.org/2000/svg}"


def engine_graph(output):
    """The nodes reachable from the outputs' grad_fn and the edges (child, node) between them."""
    outputs = output if isinstance(output, list) else [output]
    nodes = {t.grad_fn for t in outputs}
    edges, stack = [], list(nodes)
    while stack:
        node = stack.pop()
        for child, _ in node.next_functions:
            if child is None:
                continue
            edges.append((child, node))
            if child not in nodes:
                nodes.add(child)
                stack.append(child)
    return nodes, edges


def parsed(g):
    root = ET.fromstring(g.to_svg())
    groups = {e.get("id"): e for e in root.iter(f"{SVG}g") if "node" in e.get("class", "").split()}
    paths = [e for e in root.iter(f"{SVG}path") if "edge" in e.get("class", "").split()]
    return groups, paths


def rect(group):
    r = group.find(f"{SVG}rect")
    return tuple(float(r.get(k)) for k in ("x", "y", "width", "height"))


def assert_complete(g, output):
    """Every node and edge of the engine's graph is in the SVG, once; no boxes overlap."""
    groups, paths = parsed(g)
    nodes, edges = engine_graph(output)
    box_of = {box.node: box.id for box in g.boxes if box.kind in ("op", "accumulate")}
    assert set(box_of) == nodes
    drawn_nodes = [i for i, e in groups.items() if e.get("data-kind") in ("op", "accumulate")]
    assert sorted(drawn_nodes) == sorted(box_of[n] for n in nodes)
    drawn_edges = Counter((p.get("data-source"), p.get("data-target"))
                          for p in paths if p.get("data-kind") == "grad")
    assert drawn_edges == Counter((box_of[c], box_of[n]) for c, n in edges)
    names = {e.get("id"): e.get("data-name") for e in groups.values()}
    for node in nodes:
        assert names[box_of[node]] == node.name()
    boxes = [rect(e) for e in groups.values()]
    for i, (x1, y1, w1, h1) in enumerate(boxes):
        for x2, y2, w2, h2 in boxes[i + 1:]:
            apart = x1 + w1 <= x2 or x2 + w2 <= x1 or y1 + h1 <= y2 or y2 + h2 <= y1
            assert apart, ((x1, y1, w1, h1), (x2, y2, w2, h2))
    # Arrows go down the page, from a box's bottom to a lower box's top.
    for p in paths:
        source, target = rect(groups[p.get("data-source")]), rect(groups[p.get("data-target")])
        assert source[1] + source[3] < target[1]


def poly():
    x = cr.tensor(1.0, requires_grad=True)
    return x, 3 * x ** 2 - 4 * x


def house():
    X = cr.tensor([[2, 1, 0.5, 0], [4, 2, 2.0, 1], [3, 1, 1.0, 0]])
    prices = cr.tensor([1550, 3100, 2200])
    w = cr.tensor([500., 200., -100., 100.], requires_grad=True)
    return X, prices, w, ((cr.mv(X, w) - prices) ** 2).mean()


def mlp(width=8, depth=39):
    """A small MLP whose graph has about 200 nodes (addmm, t, tanh, 2 AccumulateGrad per layer)."""
    cr.manual_seed(0)
    layers = []
    for _ in range(depth):
        layers += [nn.Linear(width, width), nn.Tanh()]
    net = nn.Sequential(*layers, nn.Linear(width, 1))
    return net, ((net(cr.randn(4, width)) - 1) ** 2).mean()


def test_lecture_graphs_are_complete_and_readable():
    x, y = poly()
    g = viz.graph(y, {"x": x, "y": y}, values=True)
    assert_complete(g, y)
    titles = [(b.kind, b.title) for b in g.boxes]
    for expected in [("leaf", "x"), ("op", "pow"), ("op", "mul"), ("op", "mul_1"),
                     ("op", "sub"), ("const", "3"), ("const", "4"), ("output", "y")]:
        assert expected in titles
    pow_box = next(b for b in g.boxes if b.title == "pow")
    assert pow_box.details == ["exponent = 2"]

    X, prices, w, loss = house()
    g = viz.graph(loss, {"X": X, "y": prices, "w": w})
    assert_complete(g, loss)
    consts = {b.title: b for b in g.boxes if b.kind == "const"}
    # Both data tensors are recognised: X was saved by mv; y is found by replaying sub.
    assert set(consts) == {"X", "y"}
    np.testing.assert_array_equal(consts["y"].value, prices.numpy())


def test_values_are_the_forward_values():
    x, y = poly()
    g = viz.graph(y, {"x": x}, values=True)
    value = {b.title: b.value for b in g.boxes if b.kind == "op"}
    xv = x.detach()
    for title, expected in [("pow", xv ** 2), ("mul", 3 * xv ** 2), ("mul_1", 4 * xv),
                            ("sub", y.detach())]:
        np.testing.assert_array_equal(value[title], expected.numpy())
    svg = g.to_svg()
    assert "value: -1." in svg and "value: 3." in svg


def test_gradients_on_the_boxes_after_backward():
    x, y = poly()
    with viz.trace({"x": x}) as t:
        y.backward()
    g = viz.graph(y, {"x": x}, values=True, trace=t)
    leaf = next(b for b in g.boxes if b.kind == "leaf")
    assert g.grads[leaf].tolist() == x.grad.tolist()
    # Every operation shows the gradient that reached it; values survive backward.
    for box in g.boxes:
        if box.kind == "op":
            assert box in g.grads and box.value is not None
    assert f".grad: {show(x.grad)}" in g.to_svg()
    # Without a trace, grads=True shows what backward left: the leaves' .grad.
    plain = viz.graph(y, {"x": x}, grads=True)
    assert [b.kind for b in plain.grads] == ["leaf"]


def test_names_match_pytorch():
    torch = torch_or_skip()

    def names(output):
        found, stack, seen = [], [output.grad_fn], set()
        while stack:
            node = stack.pop()
            if node in seen:
                continue
            seen.add(node)
            found.append(node.name())
            stack.extend(c for c, _ in node.next_functions if c is not None)
        return Counter(found)

    x = cr.tensor([1.0, 2.0], requires_grad=True)
    ours = viz.graph((x.sin() * x).sum() / 3, {"x": x})
    tx = torch.tensor([1.0, 2.0], requires_grad=True)
    theirs = names((tx.sin() * tx).sum() / 3)
    assert Counter(b.name for b in ours.boxes if b.kind in ("op", "accumulate")) == theirs


def test_mlp_of_200_nodes():
    net, loss = mlp()
    g = viz.graph(loss, net)
    nodes, _ = engine_graph(loss)
    assert 195 <= len(nodes) <= 205
    assert_complete(g, loss)
    leaves = {b.title for b in g.boxes if b.kind == "leaf"}
    assert leaves == {name for name, _ in net.named_parameters()}


def test_collapse_draws_each_linear_as_one_box():
    net, loss = mlp(width=3, depth=2)
    full = viz.graph(loss, net)
    small = viz.graph(loss, net, collapse=True)
    modules = [b for b in small.boxes if b.kind == "module"]
    assert [(b.title, b.name) for b in modules] == [("0", "Linear"), ("2", "Linear"),
                                                    ("4", "Linear")]
    assert len(small.boxes) < len(full.boxes)
    groups, paths = parsed(small)
    assert [g.get("data-kind") for g in groups.values()].count("module") == 3
    # The chain survives: each Linear feeds the next layer's tanh.
    arrows = {(a.source.title, a.target.title) for a in small.arrows}
    assert {("0", "tanh"), ("tanh", "2"), ("2", "tanh_1"), ("tanh_1", "4")} <= arrows
    # addmm, t, two AccumulateGrad and the two parameters become one box.
    assert len(viz.graph(loss, net, collapse=["2"]).boxes) == len(full.boxes) - 5
    with pytest.raises(TypeError, match="params=model"):
        viz.graph(loss, collapse=True)


def test_dot_text_and_notebook_display():
    x, y = poly()
    g = viz.graph(y, {"x": x})
    text = g.to_dot()
    assert text.startswith("digraph chainrule {") and text.rstrip().endswith("}")
    assert text.count(" -> ") == len(g.arrows)
    for box in g.boxes:
        assert f"  {box.id} [label=" in text
    assert g._repr_svg_() == g.to_svg()
    assert "<svg" in g._repr_html_()


def test_save_writes_svg_or_dot(tmp_path):
    x, y = poly()
    g = viz.graph(y, {"x": x})
    ET.parse(g.save(str(tmp_path / "sub" / "g.svg")))
    assert open(g.save(str(tmp_path / "g.dot"))).read() == g.to_dot()


def test_a_result_without_a_graph_is_refused():
    with pytest.raises(RuntimeError, match="no graph to draw"):
        viz.graph(cr.ones(2) * 2)


def test_several_outputs_and_multiple_edges():
    x = cr.tensor([1.0, 2.0], requires_grad=True)
    a, b = (x * x).sum(), x.exp().sum()
    g = viz.graph([a, b], {"x": x})
    assert [o.title for o in g.model.outputs] == ["output", "output"]
    assert_complete(g, [a, b])  # x * x: two edges between the same two boxes
    groups, _ = parsed(g)
    assert len(groups) == len(g.boxes)


def test_docs_pictures_are_what_the_documented_command_writes(tmp_path):
    """docs/viz-*.svg are generated by `python -m chainrule.viz.examples docs`."""
    import pathlib

    from chainrule.viz import examples
    docs = pathlib.Path(__file__).resolve().parents[1] / "docs"
    for path in examples.write(str(tmp_path)):
        name = pathlib.Path(path).name
        committed = docs / name
        assert committed.exists(), f"run: python -m chainrule.viz.examples docs ({name})"
        assert committed.read_text() == pathlib.Path(path).read_text(), \
            f"docs/{name} is stale: run python -m chainrule.viz.examples docs"
