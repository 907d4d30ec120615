"""``graph(y)``: the picture of the graph that ``y.backward()`` walks."""
from __future__ import annotations

import os

from . import model as _model
from .format import as_array, shape_text, show_lines
from .layout import layout
from .svg import Line, box_size, dot, svg


class Graph:
    """The drawing of a result's graph: SVG (``to_svg``, ``save``, inline in Jupyter) or DOT.

    Made by ``chainrule.viz.graph``; ``boxes`` and ``arrows`` say what it shows.
    """

    def __init__(self, model: _model.Model, values: bool, grads: dict, prefix: str = "") -> None:
        self.model = model
        self.values = values
        self.grads = grads  # box -> gradient to show on it
        self.prefix = prefix
        self.lines = {box: box_lines(box, values, grads.get(box)) for box in model.boxes}
        self._layout = None

    @property
    def boxes(self) -> list:
        """The boxes, each with ``kind``, ``title``, ``name``, ``shape``, ``value``."""
        return self.model.boxes

    @property
    def arrows(self) -> list:
        """The arrows, from the box that produced a value to the one that used it."""
        return self.model.arrows

    def layout(self):
        """Where each box goes (computed once)."""
        if self._layout is None:
            index = {box: i for i, box in enumerate(self.model.boxes)}
            sizes = [box_size(self.lines[box]) for box in self.model.boxes]
            edges = [(index[a.source], index[a.target]) for a in self.model.arrows]
            # The chain of operations keeps its place; leaves and constants move aside.
            importance = [1000.0 if box.kind in ("op", "module", "output") else 1.0
                          for box in self.model.boxes]
            self._layout = layout(sizes, edges, _weights(self.model.arrows), importance)
        return self._layout

    def to_svg(self) -> str:
        """The picture as an SVG document."""
        return svg(self.model.boxes, self.lines, self.model.arrows, self.layout(), self.prefix)

    def to_dot(self) -> str:
        """The graph as Graphviz DOT text."""
        return dot(self.model.boxes, self.lines, self.model.arrows)

    def save(self, path: str) -> str:
        """Write the picture to ``path``: DOT text for ``.dot``/``.gv``, SVG otherwise."""
        text = self.to_dot() if path.endswith((".dot", ".gv")) else self.to_svg()
        folder = os.path.dirname(path)
        if folder:
            os.makedirs(folder, exist_ok=True)
        with open(path, "w", encoding="utf-8") as fh:
            fh.write(text)
        return path

    def _repr_svg_(self) -> str:
        return self.to_svg()

    def _repr_html_(self) -> str:
        return f'<div style="overflow:auto">{self.to_svg()}</div>'

    def __repr__(self) -> str:
        return f"<chainrule.viz.Graph: {len(self.boxes)} boxes, {len(self.arrows)} arrows>"


def _weights(arrows: list) -> list:
    """How strongly each arrow pulls its target sideways (see ``layout``).

    Constants, and parameters that meet the result of another operation, do not
    pull: the chain of operations runs straight down and they sit beside it
    (otherwise each layer of a network would lean further towards its weights).
    """
    fed_by_operation = {a.target for a in arrows if a.source.kind in ("op", "module")}
    weights = []
    for a in arrows:
        if a.kind == "const":
            weights.append(0.0)
        elif a.source.kind == "accumulate" and a.target in fed_by_operation:
            weights.append(0.0)
        else:
            weights.append(1.0)
    return weights


def box_lines(box: _model.Box, values: bool, grad) -> list:
    """The lines of text in a box: what it is, its shape, and its value and gradient if shown."""
    lines = [Line(box.title, "title")]
    if box.kind in ("op", "module"):
        lines.append(Line(box.name, "name"))
    if box.shape is not None and box.kind != "accumulate":
        meta = f"{shape_text(box.shape)} {box.dtype}"
        if box.kind == "leaf":
            meta += " leaf"
        lines.append(Line(meta, "meta"))
    lines.extend(Line(text, "detail") for text in box.details)
    # (A number's box shows its value as its title already.)
    if values and box.value is not None and not (box.kind == "const" and box.shape is None):
        lines.extend(_labelled("value", box.value, "val"))
    if grad is not None:
        lines.extend(_labelled(".grad" if box.kind == "leaf" else "grad", grad, "grad"))
    return lines


def _labelled(label: str, value, kind: str) -> list:
    rows = show_lines(value)
    pad = " " * (len(label) + 2)
    return [Line((f"{label}: " if i == 0 else pad) + row, kind) for i, row in enumerate(rows)]


def graph(output, params=None, *, values: bool = False, grads: bool = False, trace=None,
          collapse=None, constants: bool = True) -> Graph:
    """Draw the graph of ``output`` (a tensor, or a sequence of them) that backward walks.

    ``params`` names the leaves: a dict ``{"x": x}``, pairs, or a module (its
    ``named_parameters``); tensors that need no gradient may be named there too.
    ``values`` writes each known value in its box; ``grads`` writes the leaves'
    ``.grad`` (after ``backward()``), and with a ``trace`` the gradient that
    reached every node.  ``collapse`` draws modules as single boxes: a module,
    ``{name: module}``, names of submodules of ``params``, or True for each
    child module of ``params`` that has parameters.  ``constants=False`` leaves
    out the numbers and data tensors the operations were given.

    >>> x = torch.tensor(1.0, requires_grad=True)
    >>> g = torch.viz.graph(3 * x ** 2 - 4 * x, {"x": x})
    >>> [box.title for box in g.boxes if box.kind == "op"]
    ['pow', 'mul', 'mul_1', 'sub']
    >>> g.to_svg().startswith("<svg")
    True
    """
    known = trace.values() if trace is not None else None
    arguments = trace.arguments() if trace is not None else None
    model = _model.build(output, params, known=known, arguments=arguments, constants=constants)
    for title, module in _modules_to_collapse(collapse, params):
        _model.collapse(model, title, module)
    shown = {}
    if grads or trace is not None:
        for box in model.boxes:
            if box.kind == "leaf" and box.tensor.grad is not None:
                shown[box] = as_array(box.tensor.grad)
    if trace is not None:
        reached = trace.gradients()
        for box in model.boxes:
            if box.node is not None and box.node in reached and box.kind != "leaf":
                shown[box] = reached[box.node]
        for arrow in model.arrows:
            if arrow.kind == "output" and arrow.source.node in reached:
                shown[arrow.target] = reached[arrow.source.node]
    return Graph(model, values, shown)


def _modules_to_collapse(collapse, params) -> list:
    if collapse is None or collapse is False:
        return []
    if collapse is True:
        if not hasattr(params, "named_children"):
            raise TypeError("collapse=True collapses the child modules of params: pass the "
                            "model as params (graph(y, params=model, collapse=True))")
        return [(name, m) for name, m in params.named_children()
                if any(True for _ in m.parameters())]
    if hasattr(collapse, "parameters"):
        return [(type(collapse).__name__, collapse)]
    if isinstance(collapse, dict):
        return list(collapse.items())
    if not hasattr(params, "get_submodule"):
        raise TypeError("collapse by name needs the model as params: "
                        "graph(y, params=model, collapse=['0', '2'])")
    return [(name, params.get_submodule(name)) for name in collapse]

