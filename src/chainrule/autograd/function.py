"""How an operation is recorded: ``Op``, a primitive with its derivative rules.

A primitive names its forward computation on arrays and, per input, the
backward formula — the chain rule's "local derivative times incoming
gradient" — written with chainrule's own tensor operations::

    mul = Op("MulBackward0", lambda self, other: self * other,
             self=lambda grad, self, other: grad * other,
             other=lambda grad, self, other: grad * self)

The names a formula takes after ``grad`` say what must be kept for backward:
inputs by their argument names, and ``result`` for the output.  Because the
formulas are tensor code, running them while recording (``create_graph=True``)
gives gradients of gradients with no second set of rules.
"""
from __future__ import annotations

from .._backend import ndarray, xp
from .._dtypes import get_default_dtype, result_type
from . import grad_mode
from .graph import RELEASED, FREED_MESSAGE, Node, SavedTensor, VersionCounter, gradient_edge

Tensor = None  # the Tensor class; chainrule.tensor fills this in (it sits one layer above)


class OpNode(Node):
    """The node an ``Op`` leaves in the graph; one subclass per op, named as PyTorch names it."""

    __slots__ = ()
    op: "Op"

    def apply(self, grads):
        op = self.op
        saved = self._saved
        if saved is RELEASED:
            raise RuntimeError(FREED_MESSAGE)
        grad = grads[0]
        values = op.unpack(self, saved)
        results = []
        for k, position in enumerate(op.diff_positions):
            if self.next_functions[k][0] is None:
                results.append(None)  # this input needs no gradient: skip the work
                continue
            rule = op.rules[position]
            results.append(rule(grad, *[values[j] for j in op.rule_reads[position]]))
        return results


class SavedResult:
    """The output of an op, kept for its own backward (``result`` in a formula).

    Only the array and the output's version are kept, not the output tensor:
    the tensor points at this node, and this node pointing back would make a
    reference cycle that only ``gc`` could free.
    """

    __slots__ = ("data", "counter", "version")

    def __init__(self, result) -> None:
        counter = result._version_counter
        if counter is None:
            counter = result._version_counter = VersionCounter()
        self.data = result._data
        self.counter = counter
        self.version = counter.value

    def unpack(self, node):
        if self.counter.value != self.version:
            raise RuntimeError(
                "one of the variables needed for gradient computation has been modified by an "
                f"inplace operation: the output 0 of {node.name()} is at version "
                f"{self.counter.value}; expected version {self.version} instead. Fix: use the "
                "out-of-place form of the operation, or .clone() the result before changing it."
            )
        t = Tensor._make(self.data)
        if grad_mode.state.enabled:  # create_graph: the result's own history matters
            t._requires_grad = True
            t.grad_fn = node
        return t


class Op:
    """A primitive operation: forward on arrays, one backward formula per differentiable input.

    ``promote``: ``"binary"`` casts tensor inputs to PyTorch's result dtype,
    ``"float"`` also turns integer results into the default float dtype (for
    ``exp``, ``/``, ...), ``None`` leaves dtypes alone.  ``view=True`` says the
    output shares the first input's memory (reshape, indexing), so the two
    share a version counter.
    """

    def __init__(self, name: str, forward, /, *, promote: str | None = None, view: bool = False,
                 jvp=None, **rules) -> None:
        code = forward.__code__
        self.name = name
        self.forward = forward
        self.arg_names = code.co_varnames[:code.co_argcount]
        unknown = set(rules) - set(self.arg_names)
        if unknown:
            raise TypeError(f"{name}: rules for unknown inputs {unknown}")
        self.rules = tuple(rules.get(n) for n in self.arg_names)
        self.diff_positions = tuple(i for i, r in enumerate(self.rules) if r is not None)
        self.promote = promote
        self.view = view
        self.jvp = jvp
        # Which values each formula reads, as indices into [*args, result].
        index = {n: i for i, n in enumerate(self.arg_names)}
        index["result"] = len(self.arg_names)
        self.rule_reads = tuple(
            tuple(index[n] for n in _parameters(r)[1:]) if r is not None else ()
            for r in self.rules
        )
        needed = sorted({j for reads in self.rule_reads for j in reads})
        self.saved_args = tuple(j for j in needed if j < len(self.arg_names))
        self.saves_result = index["result"] in needed
        self.node_class = type(name, (OpNode,), {"__slots__": (), "op": self})

    def __repr__(self) -> str:
        return f"<Op {self.name}>"

    def __call__(self, *args):
        data = [a._data if isinstance(a, Tensor) else a for a in args]
        if self.promote is not None:
            data = self._promote(args, data)
        out = self.forward(*data)
        if type(out) is not ndarray:
            out = xp.asarray(out)  # NumPy returns scalars for 0-d results; tensors hold arrays
        result = Tensor._make(out)
        if self.view:
            source = args[0]
            if source._version_counter is None:
                source._version_counter = VersionCounter()
            result._version_counter = source._version_counter
            result._base = source if source._base is None else source._base
        if grad_mode.state.enabled:
            for i in self.diff_positions:
                a = args[i]
                if isinstance(a, Tensor) and a._requires_grad:
                    self._record(result, args)
                    break
        return result

    def _promote(self, args, data):
        tensors = [a for a in args if isinstance(a, Tensor)]
        scalars = [a for a in args if not isinstance(a, Tensor) and isinstance(a, (int, float))]
        dtype = result_type(tensors, scalars)
        if self.promote == "float" and not dtype.is_floating_point:
            dtype = get_default_dtype()
        np_dtype = dtype.np
        # Python scalars stay Python scalars: NumPy 2 treats them as "weak", so
        # they take the dtype of the array they meet, as in PyTorch.
        return [d.astype(np_dtype) if isinstance(a, Tensor) and d.dtype != np_dtype else d
                for a, d in zip(args, data)]

    def _record(self, result, args) -> None:
        node = self.node_class()
        edges = []
        meta = []
        for i in self.diff_positions:
            a = args[i]
            if isinstance(a, Tensor):
                edges.append(gradient_edge(a))
                meta.append((a._data.shape, a._data.dtype))
            else:
                edges.append((None, 0))
                meta.append(None)
        node.next_functions = tuple(edges)
        node.input_meta = meta
        if self.saved_args or self.saves_result:
            saved = {}
            for j in self.saved_args:
                a = args[j]
                saved[j] = SavedTensor(a, self.name) if isinstance(a, Tensor) else a
            if self.saves_result:
                saved[len(self.arg_names)] = SavedResult(result)
            node._saved = saved
        if grad_mode.anomaly_enabled():
            from .anomaly import record_trace
            record_trace(node)
        result._requires_grad = True
        result.grad_fn = node
        result._output_nr = 0

    def unpack(self, node, saved):
        """The values the formulas read, as a list indexed like ``[*args, result]``."""
        values = [None] * (len(self.arg_names) + 1)
        if saved:
            for j, v in saved.items():
                if isinstance(v, SavedTensor):
                    v = v.unpack()
                elif isinstance(v, SavedResult):
                    v = v.unpack(node)
                values[j] = v
        return values


def _parameters(fn) -> tuple:
    code = fn.__code__
    return code.co_varnames[:code.co_argcount]

