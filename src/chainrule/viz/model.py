"""The recorded graph of a result, as boxes and arrows to draw.

``build(outputs)`` walks ``grad_fn`` and ``next_functions`` from the outputs
(the graph the backward pass walks) and returns a ``Model``:

- one box per node of that graph: the operations (``MulBackward0``, shown as
  ``mul``) and the ``AccumulateGrad`` of each leaf, where the leaf receives its
  gradient;
- one box per leaf tensor, per constant an operation was given (``3`` in
  ``3 * x``; a tensor that needs no gradient, such as the data), and per output;
- arrows in the direction of the forward pass: from the box that produced a
  value to the box that used it.

Values are filled in where they can be known after the fact: the leaves and
outputs, every value an operation saved for its backward formula, and the
outputs of operations whose inputs are all known (computed again, recording
nothing).
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field

import numpy as np

from . import _internals
from .format import as_array


@dataclass(eq=False)
class Box:
    """One box of the picture."""

    id: str
    kind: str  # "op", "accumulate", "leaf", "const", "output" or "module"
    title: str  # what the box is called: mul, x, 3, y
    name: str  # PyTorch's name (MulBackward0, torch::autograd::AccumulateGrad) or the title
    node: object = None  # the autograd node, for "op" and "accumulate"
    tensor: object = None  # the tensor, for "leaf", "const" and "output"
    shape: tuple | None = None
    dtype: str | None = None
    value: object = None  # an array or a number, where known
    details: list = field(default_factory=list)  # extra lines: "exponent = 2"
    members: list = field(default_factory=list)  # for a module's box: the boxes it stands for


@dataclass(eq=False)
class Arrow:
    """An arrow from the box that produced a value to the box that used it."""

    source: Box
    target: Box
    kind: str  # "grad" (an edge of the autograd graph), "leaf", "const" or "output"
    arg: str = ""  # the target's argument it feeds: self, other, ...


@dataclass
class Model:
    boxes: list
    arrows: list
    outputs: list  # the output boxes
    by_node: dict  # autograd node -> its box

    def box_of(self, node) -> Box | None:
        return self.by_node.get(node)


def friendly(name: str) -> str:
    """``mul`` for ``MulBackward0``, ``AccumulateGrad`` for PyTorch's long spelling.

    >>> friendly("MulBackward0"), friendly("torch::autograd::AccumulateGrad")
    ('mul', 'AccumulateGrad')
    >>> friendly("ThresholdBackwardBackward0"), friendly("NativeLayerNormBackward0")
    ('threshold_backward', 'native_layer_norm')
    """
    name = name.rsplit("::", 1)[-1]
    match = re.fullmatch(r"(\w+?)Backward(\d*)", name)
    if match is None:
        return name
    words = re.findall(r"[A-Z][a-z0-9]*|[a-z0-9]+", match.group(1))
    return "_".join(w.lower() for w in words) or name


def leaf_names(params) -> dict:
    """id(tensor) -> name, from a dict, a sequence of pairs, or a module's named_parameters."""
    if params is None:
        return {}
    if hasattr(params, "named_parameters"):
        pairs = list(params.named_parameters())
    elif isinstance(params, dict):
        pairs = list(params.items())
    else:
        pairs = list(params)
    return {id(t): name for name, t in pairs}


def walk(root_nodes) -> tuple[list, list]:
    """The autograd nodes reachable from ``root_nodes`` in backward order, and their edges.

    The order is the engine's own; edges are ``(node, k, child, output_nr)``
    for each ``next_functions[k] = (child, output_nr)``.
    """
    order = _internals.engine_order(root_nodes)
    edges = [(node, k, child, nr) for node in order
             for k, (child, nr) in enumerate(node.next_functions) if child is not None]
    return order, edges


def build(outputs, params=None, known: dict | None = None, arguments: dict | None = None,
          constants: bool = True) -> Model:
    """The boxes and arrows for ``outputs`` (a tensor or a sequence of tensors).

    ``params`` names the leaves (and constants); ``known`` adds values
    ``{(node, output_nr): array}`` and ``arguments`` the saved arguments
    ``{node: {index: (value, tensor)}}`` of nodes whose saved values backward
    has freed since (a trace's); ``constants`` draws the numbers and tensors
    that need no gradient as boxes of their own.
    """
    outputs = list(outputs) if isinstance(outputs, (list, tuple)) else [outputs]
    names = leaf_names(params)
    named = {} if params is None else _named_tensors(params)
    boxes: list = []
    arrows: list = []
    by_node: dict = {}

    def new_box(kind, title, name, **kw) -> Box:
        box = Box(f"n{len(boxes)}", kind, title, name, **kw)
        boxes.append(box)
        return box

    root_nodes = [t.grad_fn if t.grad_fn is not None else _accumulator(t) for t in outputs]
    if any(n is None for n in root_nodes):
        raise RuntimeError("the output does not require grad and has no grad_fn: there is no "
                           "graph to draw. Fix: compute it from a tensor made with "
                           "requires_grad=True, outside no_grad().")
    order, edges = walk([n for n in root_nodes if n is not None])
    forward = order[::-1]  # producers before the nodes that use their outputs
    saved = _Saved(arguments or {})
    values = _values(forward, outputs, root_nodes, known or {}, saved)
    shapes = _shapes(order, outputs, root_nodes)

    unnamed = 0
    for node in forward:
        if _internals.is_accumulate(node):
            leaf = node.variable
            title = names.get(id(leaf))
            if title is None:
                unnamed += 1
                title = "leaf" if unnamed == 1 else f"leaf{unnamed}"
            data = as_array(leaf)
            leaf_box = new_box("leaf", title, title, tensor=leaf, shape=data.shape,
                               dtype=data.dtype.name, value=data)
            box = new_box("accumulate", "AccumulateGrad", node.name(), node=node,
                          shape=data.shape, dtype=data.dtype.name)
            arrows.append(Arrow(leaf_box, box, "leaf"))
        else:
            value = values.get((node, 0))
            shape, dtype = shapes.get((node, 0), (None, None))
            if value is not None:
                shape, dtype = value.shape, value.dtype.name
            box = new_box("op", friendly(node.name()), node.name(), node=node, shape=shape,
                          dtype=dtype, value=value)
        by_node[node] = box

    # Operations of one kind are told apart as torch.fx names them: mul, mul_1, mul_2, ...
    seen: dict = {}
    for box in boxes:
        if box.kind == "op":
            count = seen.get(box.title, 0)
            seen[box.title] = count + 1
            if count:
                box.title = f"{box.title}_{count}"

    # Arrows between operations, in forward order (the producer's box first).
    for node, k, child, _ in reversed(edges):
        arrows.append(Arrow(by_node[child], by_node[node], "grad", _arg_name(node, k)))
    for node in forward:
        if _internals.is_op(node):
            _add_parameters(node, by_node[node], values, saved, named, names, constants,
                            new_box, arrows)

    output_boxes = []
    for t, node in zip(outputs, root_nodes):
        data = as_array(t)
        title = names.get(id(t), "output")
        box = new_box("output", title, title, tensor=t, shape=data.shape,
                      dtype=data.dtype.name, value=data)
        arrows.append(Arrow(by_node[node], box, "output"))
        output_boxes.append(box)
    return Model(boxes, arrows, output_boxes, by_node)


def _accumulator(t):
    # A leaf that requires grad: its AccumulateGrad node is where its gradient arrives.
    return _internals.leaf_accumulator(t) if t.requires_grad else None


def _named_tensors(params) -> list:
    if hasattr(params, "named_parameters"):
        return list(params.named_parameters())
    if isinstance(params, dict):
        return list(params.items())
    return list(params)


def _arg_name(node, k: int) -> str:
    if _internals.is_op(node):
        return _internals.arg_names(node)[_internals.diff_positions(node)[k]]
    return ""


class _Saved:
    """The arguments each node saved: read from the node, or from a trace once freed."""

    def __init__(self, recorded: dict) -> None:
        self.recorded = recorded

    def __call__(self, node) -> dict:
        return _internals.known_arguments(node) or self.recorded.get(node, {})


def _values(forward: list, outputs: list, root_nodes: list, known: dict, saved) -> dict:
    """(node, output_nr) -> array for every output that can be known after the fact."""
    values = dict(known)
    for t, node in zip(outputs, root_nodes):
        values[(node, t.output_nr if t.grad_fn is not None else 0)] = as_array(t)
    for node in forward:
        if _internals.is_accumulate(node):
            values[(node, 0)] = as_array(node.variable)
        elif _internals.is_op(node):
            for tensor, array in _internals.saved_inputs(node):
                if tensor.grad_fn is not None:
                    values.setdefault((tensor.grad_fn, tensor.output_nr), array)
            result = _internals.saved_result(node)
            if result is not None:
                values.setdefault((node, 0), result)
    for node in forward:  # what is still missing, computed again from known inputs
        if (node, 0) not in values and _internals.is_op(node):
            args = _arguments(node, values, saved)
            if args is not None:
                out = _replay(node, args)
                if out is not None:
                    values[(node, 0)] = out
    return values


def _arguments(node, values: dict, saved, fill: dict | None = None) -> list | None:
    """The node's arguments as tensors and numbers, or None where one is unknown."""
    import chainrule
    known = saved(node)
    positions = _internals.diff_positions(node)
    args = []
    for i in range(len(_internals.arg_names(node))):
        if i in known:
            value = known[i][0]
        elif i in positions:
            child, nr = node.next_functions[positions.index(i)]
            value = values.get((child, nr)) if child is not None else (fill or {}).get(i)
        else:
            return None
        if value is None:
            return None
        args.append(chainrule.from_numpy(np.array(value)) if isinstance(value, np.ndarray)
                    else value)
    return args


def _replay(node, args: list):
    import chainrule
    try:
        with chainrule.no_grad():
            return as_array(_internals.replay(node, args))
    except Exception:  # an op that cannot run again from what is known: the value stays unknown
        return None


def _shapes(order: list, outputs: list, root_nodes: list) -> dict:
    """(node, output_nr) -> (shape, dtype name), from the outputs down the graph.

    An Op node records its inputs' shape and dtype where they differ from its
    output's (``input_meta``), so every shape follows from the outputs'.
    """
    shapes = {}
    for t, node in zip(outputs, root_nodes):
        data = as_array(t)
        shapes[(node, t.output_nr if t.grad_fn is not None else 0)] = (data.shape, data.dtype.name)
    for node in order:
        mine = shapes.get((node, 0))
        if not _internals.is_op(node):
            continue
        for k, (child, nr) in enumerate(node.next_functions):
            if child is None or (child, nr) in shapes:
                continue
            meta = _internals.input_meta(node, k)
            if meta is not None:
                shapes[(child, nr)] = (tuple(meta[0]), np.dtype(meta[1]).name)
            elif mine is not None:
                shapes[(child, nr)] = mine
    return shapes


def _add_parameters(node, box: Box, values: dict, saved, named: list, names: dict,
                    constants: bool, new_box, arrows: list) -> None:
    """The numbers and tensors an operation was given that are not edges of the graph."""
    known = saved(node)
    positions = _internals.diff_positions(node)
    arg_names = _internals.arg_names(node)
    for i, arg in enumerate(arg_names):
        if i in positions and node.next_functions[positions.index(i)][0] is not None:
            continue  # an edge of the graph, drawn already
        if i in known:
            value, tensor = known[i]
            if isinstance(value, np.ndarray) or (i in positions and _is_number(value)):
                if not constants:
                    continue
                title = names.get(id(tensor)) if tensor is not None else None
                _constant(box, arg, value, title, tensor, new_box, arrows)
            elif _is_number(value):
                box.details.append(f"{arg} = {value!r}")
        elif i in positions and constants:
            # A value that needed no gradient and that no formula kept: a number, or a tensor
            # (the targets of a loss).  A tensor whose shape or dtype differs from the
            # output's left its shape and dtype; its value is known if a named tensor put in
            # its place gives the output again.
            meta = _internals.input_meta(node, positions.index(i))
            shape, dtype, title, tensor, value = None, None, None, None, None
            if meta is not None:
                shape, dtype = tuple(meta[0]), np.dtype(meta[1]).name
                title, tensor, value = _match_named(node, i, values, saved, named, shape, dtype)
            elif box.shape is not None:  # a number, or a tensor shaped like the output
                title, tensor, value = _match_named(node, i, values, saved, named, box.shape,
                                                    box.dtype)
            _constant(box, arg, value, title, tensor, new_box, arrows, shape, dtype)


def _is_number(value) -> bool:
    return isinstance(value, (int, float)) and not isinstance(value, bool)


def _constant(box: Box, arg: str, value, title, tensor, new_box, arrows: list,
              shape=None, dtype=None) -> None:
    if value is not None and not isinstance(value, np.ndarray):
        shown = repr(value)
        shape, dtype = None, None
    else:
        if value is not None:
            shape, dtype = value.shape, value.dtype.name
        shown = None
    const = new_box("const", title or shown or "constant", title or shown or "constant",
                    tensor=tensor, shape=shape, dtype=dtype, value=value)
    arrows.append(Arrow(const, box, "const", arg))


def _match_named(node, i: int, values: dict, saved, named: list, shape, dtype):
    """The named tensor that, put in argument ``i``, gives the node's known output."""
    out = values.get((node, 0))
    if out is None:
        return None, None, None
    for name, t in named:
        data = as_array(t)
        if data.shape != shape or data.dtype.name != dtype or t.requires_grad:
            continue
        args = _arguments(node, values, saved, fill={i: data})
        if args is not None:
            again = _replay(node, args)
            if again is not None and again.shape == out.shape and np.array_equal(again, out):
                return name, t, data
    return None, None, None


def collapse(model: Model, title: str, module) -> Box | None:
    """Draw a module's part of the graph as one box; returns it (None: not in this graph).

    The part is found from the module's parameters: every operation on a path
    from them to the first operation that all those paths pass through (for a
    ``Linear``, its ``addmm``).  An activation after that operation belongs to
    the graph outside, as it would in a drawing of ``nn.Sequential``.
    """
    params = {id(p) for p in module.parameters()}
    sources = [b for b in model.boxes
               if b.kind == "accumulate" and id(b.node.variable) in params]
    if not sources:
        return None
    succ: dict = {}
    pred: dict = {}
    for a in model.arrows:
        succ.setdefault(a.source, []).append(a.target)
        pred.setdefault(a.target, []).append(a.source)
    reach = _closure(sources, succ)
    end = None
    for box in model.boxes:  # boxes of operations come in forward order
        if box in reach and box.kind == "op" and _dominates(box, model.outputs, pred, sources):
            end = box
            break
    if end is None:
        raise ValueError(f"the parameters of {title!r} reach the outputs along paths that never "
                         "meet, so its part of the graph has no single result to draw as one box")
    members = (reach & _closure([end], pred)) | set(sources)
    # The parameters themselves go inside; the data the module was given stays outside.
    members |= {a.source for a in model.arrows if a.kind == "leaf" and a.target in sources}
    index = model.boxes.index(end)
    # Named after the box it replaces: positions shift as earlier modules collapse.
    box = Box(f"m{end.id}", "module", title, type(module).__name__, node=end.node,
              shape=end.shape, dtype=end.dtype, value=end.value,
              details=[f"{name} {list(p.shape)}" for name, p in module.named_parameters()],
              members=[b for b in model.boxes if b in members])
    model.boxes[index] = box
    model.boxes[:] = [b for b in model.boxes if b not in members]
    arrows, seen = [], set()
    for a in model.arrows:
        source = box if a.source in members else a.source
        target = box if a.target in members else a.target
        if source is box and target is box:
            continue
        if box in (source, target):
            if (source, target) in seen:
                continue
            seen.add((source, target))
            a = Arrow(source, target, a.kind, a.arg)
        arrows.append(a)
    model.arrows[:] = arrows
    for node, b in list(model.by_node.items()):
        if b in members:
            model.by_node[node] = box
    return box


def _closure(start: list, neighbours: dict) -> set:
    found = set(start)
    stack = list(start)
    while stack:
        for other in neighbours.get(stack.pop(), ()):
            if other not in found:
                found.add(other)
                stack.append(other)
    return found


def _dominates(box: Box, outputs: list, pred: dict, sources: list) -> bool:
    """Whether every path from the sources to an output passes through ``box``."""
    found = {box}
    stack = [o for o in outputs if o is not box]
    found.update(stack)
    targets = set(sources)
    while stack:
        current = stack.pop()
        if current in targets:
            return False
        for other in pred.get(current, ()):
            if other not in found:
                found.add(other)
                stack.append(other)
    return True
