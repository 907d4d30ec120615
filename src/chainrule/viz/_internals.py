"""The one place where chainrule.viz reads chainrule's private internals.

Everything else in the package goes through the public API (``grad_fn``,
``next_functions``, ``name()``, ``variable``, ``output_nr``).  What is read here,
and why (the restructuring of issue 9 may move these; this file is what to update):

- ``engine.backward.set_observer``: the hook that tells a trace about each node the
  backward pass runs; ``engine.backward.topological_order``, the order the pass runs
  nodes in; ``engine.backward._sum_to``, the engine's own reduction of a gradient to its
  input's shape (so the trace shows exactly what travels).
- ``OpNode.op`` (the rule-table row: argument names, per-input formulas, which
  values each formula reads), ``OpNode._plan`` and ``Node._saved`` (the values
  kept for backward), ``SavedTensor``/``SavedResult`` (to read them without
  side effects), ``Node.input_meta`` (each input's shape and dtype where it
  differs from the output's).
- ``graph.grad_accumulator``: the AccumulateGrad node of a leaf drawn on its own.
- ``BackwardCFunction._forward_cls``: the ``autograd.Function`` of a custom node.
"""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from ..engine import backward as _engine
from ..engine.graph import AccumulateGrad, grad_accumulator
from ..engine.op import OpNode
from ..engine.saved import RELEASED, SavedResult, SavedTensor


def engine_order(root_nodes) -> list:
    """The nodes reachable from ``root_nodes``, in the order the backward pass runs them."""
    return _engine.topological_order(list(root_nodes))


def set_observer(factory) -> object:
    """Install ``factory`` as the engine's observer; returns the one it replaces."""
    return _engine.set_observer(factory)


def is_accumulate(node) -> bool:
    """Whether ``node`` is a leaf's AccumulateGrad."""
    return isinstance(node, AccumulateGrad)


def leaf_accumulator(tensor):
    """The AccumulateGrad node of a leaf that requires grad."""
    return grad_accumulator(tensor)


def is_op(node) -> bool:
    """Whether ``node`` comes from a row of the rule table (an ``Op``)."""
    return isinstance(node, OpNode)


def custom_function(node):
    """The ``autograd.Function`` subclass behind a custom node, or None."""
    return getattr(type(node), "_forward_cls", None)


@dataclass
class InputRule:
    """How one input of an Op node gets its gradient."""

    arg: str                # the input's argument name in the rule table: self, other, ...
    formula: object         # the rule (a function of grad and the saved values), or None
    params: tuple           # the formula's parameter names after ``grad``
    values: list            # their values: arrays, numbers, shapes (None where unreadable)


def _saved_values(node) -> list | None:
    """The node's saved values as arrays, numbers or shapes; None once backward freed them."""
    saved = node._saved
    if saved is RELEASED:
        return None
    if saved is None:
        return []
    values = []
    for v in saved:
        if type(v) is SavedTensor:
            # A tensor saved through saved_tensors_hooks: unpacking it would call the user's
            # hook once more, so its value is not shown.
            if v.hooks_unpack is not None:
                values.append(None)
                continue
            try:
                values.append(np.asarray(v.unpack_data(node)))
            except RuntimeError:  # changed in place since: backward itself will say so
                values.append(None)
        elif type(v) is SavedResult:
            if v.data is None:  # saved through saved_tensors_hooks: as above
                values.append(None)
                continue
            try:
                values.append(np.asarray(v.unpack_data(node)))
            except RuntimeError:
                values.append(None)
        else:
            values.append(v)
    return values


def _reads(node) -> tuple:
    """Which argument each saved value is, as indices into [*args, result, *arg shapes]."""
    op = node.op
    used = set()
    for k, position in enumerate(op.diff_positions):
        if node._plan[k] is not None:
            used.update(op.rule_reads[position])
    return tuple(sorted(used))


def _edge_counts(node) -> tuple:
    """How many edges each differentiable argument has: one, or one per tensor of a list
    argument (``tensors`` of cat, stack, einsum)."""
    counts = getattr(node, "counts", None)
    return counts if counts is not None else (1,) * len(node.op.diff_positions)


def input_rules(node) -> list[InputRule]:
    """One entry per edge of an Op node (``next_functions`` order); the tensors of a list
    argument share its formula (which returns one gradient per tensor)."""
    op = node.op
    saved = _saved_values(node)
    rules = []
    for k, (position, count) in enumerate(zip(op.diff_positions, _edge_counts(node))):
        step = node._plan[k]
        arg = op.arg_names[position]
        if step is None:
            rules.extend(InputRule(arg, None, (), []) for _ in range(count))
            continue
        formula, positions, _ = step
        code = formula.__code__
        params = code.co_varnames[1:code.co_argcount]
        values = [None if saved is None else saved[p] for p in positions]
        rules.extend(InputRule(arg if count == 1 and position != op.list_position
                               else f"{arg}[{i}]", formula, params, values)
                     for i in range(count))
    return rules


def arg_names(node) -> tuple:
    """The argument names of the Op behind ``node`` (``self``, ``other``, ...)."""
    return node.op.arg_names


def known_arguments(node) -> dict:
    """Argument index -> (value, tensor or None) for each argument the node saved.

    Values are arrays (for tensors), numbers, shapes or other parameters; the
    tensor is the saved tensor itself, so that a caller can recognise it.
    """
    saved = node._saved
    values = _saved_values(node)
    if not values:
        return {}
    n_args = len(node.op.arg_names)
    known = {}
    for j, raw, value in zip(_reads(node), saved, values):
        if j < n_args:
            tensor = raw.tensor if type(raw) is SavedTensor and raw.hooks_unpack is None else None
            known[j] = (value, tensor)
    return known


def saved_result(node):
    """The node's own output, where its formulas saved it (``result``); else None."""
    saved = _saved_values(node)
    if not saved:
        return None
    n_args = len(node.op.arg_names)
    for j, v in zip(_reads(node), saved):
        if j == n_args:
            return v
    return None


def saved_inputs(node) -> list:
    """``(tensor, array)`` for each tensor the node saved (its producer is ``tensor.grad_fn``)."""
    saved = node._saved
    if saved is None or saved is RELEASED:
        return []
    found = []
    for v in saved:
        if type(v) is SavedTensor and v.hooks_unpack is None:
            try:
                found.append((v.tensor, np.asarray(v.unpack_data(node))))
            except RuntimeError:
                pass
    return found


def diff_positions(node) -> tuple:
    """Argument index of each edge's input, in ``next_functions`` order (the tensors of a
    list argument all have that argument's index)."""
    return tuple(position for position, count in zip(node.op.diff_positions, _edge_counts(node))
                 for _ in range(count))


def replay(node, args: list):
    """Run the Op of ``node`` forward again on ``args`` (tensors and numbers), recording nothing."""
    return node.op(*args)


def input_meta(node, k: int):
    """``(shape, dtype)`` of input ``k`` where it differs from the output's, else None."""
    meta = node.input_meta
    return meta[k] if k < len(meta) else None


def reduce_to_input(node, k: int, grad):
    """``grad`` for input ``k`` as the engine sends it: summed to its shape, cast to its dtype."""
    meta = input_meta(node, k)
    if meta is None:
        return grad
    data = grad if isinstance(grad, (np.ndarray, np.generic)) else grad._data
    if data.shape == meta[0] and data.dtype == meta[1]:
        return grad
    return _engine._sum_to(grad, meta[0], meta[1])
