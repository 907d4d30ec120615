"""``trace()``: the backward pass, node by node, with the chain rule's numbers.

Inside ``with chainrule.viz.trace() as t:`` every backward pass (``backward()``,
``autograd.grad``) is recorded as the engine runs it: for each node, in the
engine's order, the gradient that reached it (and, when several paths met
there, each path's part of the sum), the rule of each input as the rule table
writes it (``grad * other``) with the saved values it read, the gradient sent
along each edge (reduced to the input's shape, as the engine sends it), and at
the leaves what was added to ``.grad``.  ``print(t)`` shows it as a table.

The trace only looks: the engine computes exactly what it computes untraced
(the trace keeps copies of the numbers, never the engine's own arrays).
Outside a ``with trace()`` block the engine pays nothing but a check per node.
"""
from __future__ import annotations

import html
from dataclasses import dataclass, field

import numpy as np

from . import _internals
from .format import as_array, show, show_lines
from .model import friendly, leaf_names
from .rules import formula_text, glosses


@dataclass(eq=False)
class InputStep:
    """One input of a node: its rule, the values the rule read, the gradient it sent."""

    arg: str  # the input's name in the rule table (self, other, ...)
    rule: str | None  # the formula's text, None where no gradient flows to this input
    notes: list  # what backward primitives in the rule compute
    values: list  # (parameter name, value) read by the rule besides grad
    target: object = None  # the node the gradient went to
    sent: object = None  # the gradient sent along the edge (an array), or None


@dataclass(eq=False)
class Step:
    """One node of one backward pass."""

    index: int  # 1, 2, ... in the order the engine ran the nodes
    node: object
    name: str  # PyTorch's name: MulBackward0
    title: str  # mul, or the leaf's name for an AccumulateGrad
    grads: list  # the gradient that reached each output of the node (arrays)
    sources: list  # per output: [(step it came from, array)], in the order they arrived
    inputs: list = field(default_factory=list)  # InputStep per edge (operations)
    leaf: object = None  # the leaf tensor (AccumulateGrad)
    grad_before: object = None  # leaf.grad before this pass (array or None)
    grad_after: object = None  # leaf.grad after it
    accumulated: bool = False  # whether .grad changed (autograd.grad leaves it alone)
    _before: tuple = (None, None)


class Pass:
    """The record of one backward pass (the engine's watcher for it)."""

    def __init__(self, number: int, names: dict) -> None:
        self.number = number
        self.steps: list = []
        self.values: dict = {}  # (node, output_nr) -> array, from the saved values seen
        self.arguments: dict = {}  # node -> {argument index: (value, tensor)} it had saved
        self.finished_cleanly = False
        self._names = names
        self._pending: dict = {}  # (node, output_nr) -> [(step, array)] sent there so far
        self._running: dict = {}  # node -> its step

    # --- the engine's observer protocol ---------------------------------------------
    def reached(self, node, grads) -> None:
        step = Step(len(self.steps) + 1, node, node.name(), friendly(node.name()),
                    [_copy(g) for g in grads],
                    [self._pending.pop((node, nr), []) for nr in range(len(grads))])
        if _internals.is_accumulate(node):
            leaf = node.variable
            step.leaf = leaf
            step.title = self._names.get(id(leaf), "leaf")
            current = leaf.grad
            step.grad_before = _copy(current)
            step._before = (current, None if current is None else current._version)
        elif _internals.is_op(node):
            for rule in _internals.input_rules(node):
                text = formula_text(rule.formula) if rule.formula is not None else None
                step.inputs.append(InputStep(
                    rule.arg, text, glosses(text),
                    [(name, _copy_value(v)) for name, v in zip(rule.params, rule.values)]))
            self.arguments[node] = {i: (_copy_value(v), t)
                                    for i, (v, t) in _internals.known_arguments(node).items()}
            for tensor, array in _internals.saved_inputs(node):
                if tensor.grad_fn is not None:
                    self.values[(tensor.grad_fn, tensor.output_nr)] = array.copy()
            result = _internals.saved_result(node)
            if result is not None:
                self.values[(node, 0)] = np.array(result, copy=True)
        else:
            function = _internals.custom_function(node)
            rule = f"{function.__name__}.backward(ctx, grad)" if function is not None \
                else f"the built-in backward of {node.name()}"
            step.inputs = [InputStep(f"input {k}", rule, [], [])
                           for k in range(len(node.next_functions))]
        self.steps.append(step)
        self._running[node] = step

    def ran(self, node, results) -> None:
        step = self._running[node]
        for k, ((child, nr), g) in enumerate(zip(node.next_functions, results)):
            if k >= len(step.inputs):
                break
            if child is None or g is None:
                continue
            # Reduced as the engine reduces it (on a copy: the engine's array stays its own).
            sent = _internals.reduce_to_input(node, k, _copy(g))
            sent = np.asarray(sent)
            step.inputs[k].target = child
            step.inputs[k].sent = sent
            self._pending.setdefault((child, nr), []).append((step, sent))

    def finished(self) -> None:
        for step in self.steps:
            if step.leaf is not None:
                current = step.leaf.grad
                step.grad_after = _copy(current)
                before, version = step._before
                step.accumulated = current is not before or (
                    current is not None and current._version != version)
        self.finished_cleanly = True

    # --- reading it ---------------------------------------------------------------
    def step_of(self, node) -> Step | None:
        """The step at which ``node`` ran in this pass."""
        return self._running.get(node)

    def __str__(self) -> str:
        return _pass_text(self)


class Trace:
    """Records every backward pass run inside ``with``; see ``chainrule.viz.trace``."""

    def __init__(self, params=None) -> None:
        self.passes: list = []
        self._names = leaf_names(params)
        self._previous = None

    def __enter__(self) -> Trace:
        self._previous = _internals.set_observer(self._start_pass)
        return self

    def __exit__(self, *exc) -> bool:
        _internals.set_observer(self._previous)
        return False

    def _start_pass(self) -> Pass:
        record = Pass(len(self.passes) + 1, self._names)
        self.passes.append(record)
        return record

    @property
    def steps(self) -> list:
        """The steps of the last pass."""
        return self.passes[-1].steps if self.passes else []

    def values(self) -> dict:
        """``(node, output_nr) -> array`` for every value the passes saw saved."""
        found = {}
        for record in self.passes:
            found.update(record.values)
        return found

    def arguments(self) -> dict:
        """``node -> {argument index: (value, tensor)}``: what each node had saved."""
        found = {}
        for record in self.passes:
            found.update(record.arguments)
        return found

    def gradients(self) -> dict:
        """``node -> the gradient that reached it`` (its first output's; the last pass wins)."""
        found = {}
        for record in self.passes:
            for step in record.steps:
                if step.grads and step.grads[0] is not None:
                    found[step.node] = step.grads[0]
        return found

    def __str__(self) -> str:
        if not self.passes:
            return "(no backward pass ran inside the trace)"
        return "\n\n".join(_pass_text(p) for p in self.passes)

    def __repr__(self) -> str:
        steps = sum(len(p.steps) for p in self.passes)
        return f"<chainrule.viz.Trace: {len(self.passes)} pass(es), {steps} steps>"

    def to_html(self) -> str:
        """The same tables as HTML (a ``<div>``, with its own styles)."""
        body = "".join(_pass_html(p) for p in self.passes)
        return f'<div class="chainrule-trace">{_HTML_STYLE}{body}</div>'

    def _repr_html_(self) -> str:
        return self.to_html()


def trace(params=None) -> Trace:
    """Record the backward passes run inside ``with``, node by node (``print`` shows them).

    ``params`` names the leaves: ``{"x": x}``, pairs, or a module.

    >>> x = torch.tensor(3.0, requires_grad=True)
    >>> with torch.viz.trace({"x": x}) as t:
    ...     (x * x).backward()
    >>> [(s.name, show(s.grads[0])) for s in t.steps]
    [('MulBackward0', '1.'), ('torch::autograd::AccumulateGrad', '6.')]
    >>> [show(a) for _, a in t.steps[1].sources[0]]  # two paths: grad * other, grad * self
    ['3.', '3.']
    """
    return Trace(params)


def _copy(value):
    if value is None:
        return None
    return np.array(as_array(value), copy=True)


def _copy_value(value):
    return value.copy() if isinstance(value, np.ndarray) else value


# --- the table ----------------------------------------------------------------------

HEADERS = ("step", "node", "gradient in", "input", "rule (as in the rule table)", "with",
           "sends")


def _rows(record: Pass) -> list:
    """One row per input of each step: cells are lists of lines."""
    where = {step.node: step for step in record.steps}
    rows = []
    for step in record.steps:
        name = friendly(step.name) if step.leaf is not None else step.name
        node_cell = [name] + ([f"({step.title})"] if step.title != name else [])
        first = [[str(step.index)], node_cell, _gradient_in(step)]
        if step.leaf is not None:
            rest = _leaf_cells(step)
            rows.append(first + rest)
            continue
        if not step.inputs:
            rows.append(first + [[], [], [], []])
        for k, inp in enumerate(step.inputs):
            head = first if k == 0 else [[], [], []]
            rows.append(head + _input_cells(inp, where))
        rows.append(None)  # a space after each step
    return rows


def _gradient_in(step: Step) -> list:
    lines = []
    for nr, (grad, sources) in enumerate(zip(step.grads, step.sources)):
        if grad is None:
            continue
        label = f"output {nr}: " if len(step.grads) > 1 else ""
        lines.extend(_named(label, grad))
        if not sources:
            lines.append("(where backward starts)")
        elif len(sources) > 1:
            lines.append(f"= sum of {len(sources)} paths:")
            lines.extend(f"  {show(a)} from step {s.index}" for s, a in sources)
    return lines


def _input_cells(inp: InputStep, where: dict) -> list:
    if inp.rule is None:
        return [[inp.arg], ["(needs no gradient)"], [], []]
    rule = [inp.rule]
    used = [line for name, value in inp.values for line in _named(f"{name} = ", value)]
    if inp.sent is None:
        sends = ["(nothing)"]
    else:
        target = where.get(inp.target)
        to = f"step {target.index} ({target.title})" if target is not None \
            else inp.target.name()
        sends = _named("", inp.sent)
        sends[-1] += f" -> {to}"
    return [[inp.arg], rule, used, sends]


def _named(label: str, value) -> list:
    """``label`` and ``value`` on as many lines as the value's rows take."""
    rows = show_lines(value)
    return [(label if i == 0 else " " * len(label)) + row for i, row in enumerate(rows)]


def _leaf_cells(step: Step) -> list:
    name = step.title
    if not step.accumulated:
        return [[f"{name}.grad"], ["(returned by autograd.grad; .grad unchanged)"], [],
                _named("", step.grads[0])]
    after = _named(f"{name}.grad = ", step.grad_after)
    if step.grad_before is None:
        return [[f"{name}.grad"], [f"{name}.grad = grad"], [f"{name}.grad was None"], after]
    return [[f"{name}.grad"], [f"{name}.grad += grad"],
            _named(f"{name}.grad was ", step.grad_before), after]


def _pass_text(record: Pass) -> str:
    rows = _rows(record)
    widths = [len(h) for h in HEADERS]
    for row in rows:
        if row is not None:
            for c, cell in enumerate(row):
                for line in cell:
                    widths[c] = max(widths[c], len(line))
    out = [_heading(record), "",
           "  ".join(h.ljust(w) for h, w in zip(HEADERS, widths)).rstrip(),
           "  ".join("-" * w for w in widths)]
    for row in rows[:-1] if rows and rows[-1] is None else rows:
        if row is None:
            out.append("")
            continue
        for i in range(max(len(cell) for cell in row) or 1):
            out.append("  ".join((cell[i] if i < len(cell) else "").ljust(w)
                                 for cell, w in zip(row, widths)).rstrip())
    notes = _notes(record)
    if notes:
        out.extend([""] + notes)
    out.extend([""] + _results(record))
    return "\n".join(out)


def _notes(record: Pass) -> list:
    """What the backward primitives named in the rules compute (once each)."""
    notes = {}
    for step in record.steps:
        for inp in step.inputs:
            for note in inp.notes:
                notes[note] = None
    return [f"where {note}" for note in notes]


def _heading(record: Pass) -> str:
    return (f"backward pass {record.number}: {len(record.steps)} nodes, in the order the "
            "engine ran them")


def _results(record: Pass) -> list:
    """What the pass left in .grad, printed as PyTorch prints it."""
    import chainrule
    lines = []
    for step in record.steps:
        if step.leaf is None:
            continue
        if step.accumulated and step.grad_after is not None:
            lines.append(f"{step.title}.grad = {chainrule.from_numpy(step.grad_after)!r}")
        elif not step.accumulated:
            grad = chainrule.from_numpy(step.grads[0])
            lines.append(f"gradient for {step.title} (autograd.grad) = {grad!r}")
    return lines


_HTML_STYLE = (
    "<style>.chainrule-trace table{border-collapse:collapse;font:13px/1.35 monospace}"
    ".chainrule-trace th{text-align:left;border-bottom:2px solid #888;padding:3px 10px}"
    ".chainrule-trace td{vertical-align:top;padding:3px 10px;white-space:pre}"
    ".chainrule-trace tr.first td{border-top:1px solid #ccc}"
    ".chainrule-trace .grad{color:#b3261e}.chainrule-trace .rule{color:#1a4d8f}"
    "</style>")


def _pass_html(record: Pass) -> str:
    classes = ("", "", "grad", "", "rule", "", "grad")
    out = [f"<h4>{html.escape(_heading(record))}</h4><table><tr>"
           + "".join(f"<th>{html.escape(h)}</th>" for h in HEADERS) + "</tr>"]
    for row in _rows(record):
        if row is None:
            continue
        first = ' class="first"' if row[0] else ""
        cells = "".join(f'<td class="{cls}">{html.escape(chr(10).join(cell))}</td>'
                        for cell, cls in zip(row, classes))
        out.append(f"<tr{first}>{cells}</tr>")
    out.append("</table><pre>" + html.escape("\n".join(_notes(record) + _results(record)))
               + "</pre>")
    return "".join(out)
