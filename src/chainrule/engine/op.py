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

from .. import _dtypes, _tracing
from .._backend import ndarray, xp
from .._dtypes import get_default_dtype, result_type
from .._shapes import broadcast_error
from ..tensor import Tensor, VersionCounter, from_array
from . import anomaly, forward_ad, grad_mode
from .array_rules import ARRAY_FORMS, array_form
from .core import compiled
from .graph import Node, grad_accumulator, move_retains_grad
from .saved import (
    FREED_MESSAGE,
    RELEASED,
    SAVED_KINDS,
    SAVED_TENSORS_HOOKS,
    SavedResult,
    SavedTensor,
)
from .views import INFERENCE_MODE, NO_GRAD_MODE, creation_meta, refused

_MIXED = object()  # Op._call_python: its tensors have different dtypes
_PROMOTED: dict = {}  # (promote, default dtype, dtypes, 0-d flags, scalar types) -> NumPy dtype


class OpNode(Node):
    """The node an ``Op`` leaves in the graph; one subclass per op, named as PyTorch names it."""

    # _plan: per differentiable input, (formula, positions of its values in _saved), or None
    # where that input needs no gradient (Op._plan_for); _saved: a tuple of saved values.
    __slots__ = ("_plan",)
    op: "Op"

    def apply(self, grads):
        saved = self._saved
        if saved is RELEASED:
            raise RuntimeError(FREED_MESSAGE)
        grad = grads[0]
        if saved is not None:
            saved = [v.unpack(self) if type(v) in SAVED_KINDS else v for v in saved]
        results = []
        for step in self._plan:
            if step is None:
                results.append(None)  # this input needs no gradient: skip the work
            else:
                rule, positions, _ = step
                if positions:
                    results.append(rule(grad, *[saved[p] for p in positions]))
                else:
                    results.append(rule(grad))
        return results

    def apply_arrays(self, grads):
        """``apply`` on NumPy arrays, for a backward pass that records nothing.

        (C twin, for a node whose formulas all have array forms: ``_core_backward.c`` apply_arrays.)

        A formula with an array form (``arrays.array_form``) runs on the arrays
        themselves; the others run on tensors wrapped around them.
        """
        saved = self._saved
        if saved is RELEASED:
            raise RuntimeError(FREED_MESSAGE)
        grad = grads[0]
        dtype = grad.dtype
        results = []
        for step, meta in zip(self._plan, self.input_meta):
            if step is None:
                results.append(None)
                continue
            rule, positions, form = step
            if form is not None:
                # Most formulas read one saved value or none: those skip building a list
                # (a comprehension would be a large part of this method's cost).
                if not positions:
                    result = form(grad)
                elif len(positions) == 1:
                    value = saved[positions[0]]
                    result = form(grad, value.unpack_data(self) if type(value) in SAVED_KINDS
                                  else value)
                else:
                    result = form(grad, *[saved[p].unpack_data(self)
                                          if type(saved[p]) in SAVED_KINDS else saved[p]
                                          for p in positions])
                # NumPy promotes a few mixed dtypes further than PyTorch (float32 times an
                # int64 tensor is float64 there): the gradient takes its input's dtype back.
                # (Where meta is set, the engine's reduction casts it.)
                if meta is None and result.dtype is not dtype and result.dtype != dtype:
                    result = result.astype(dtype)
            else:
                result = rule(from_array(grad),
                              *[saved[p].unpack(self) if type(saved[p]) in SAVED_KINDS
                                else saved[p] for p in positions])
                if result is not None:
                    result = result._data
            results.append(result)
        return results

    def release(self) -> None:
        # (C twin: _core_backward.c release.)
        # Numbers, shapes and slices are kept: a node that saved no tensor can run again, as in
        # PyTorch (y = x * 2; y.backward(); y.backward() accumulates twice).
        saved = self._saved
        if saved is not None and saved is not RELEASED:
            for v in saved:
                # A saved tensor, or an index key holding index arrays (PyTorch saves index
                # tensors too, so a second backward through indexing raises there as well).
                if type(v) in SAVED_KINDS or type(v) is tuple and any(
                        type(e) is ndarray for e in v):
                    self._saved = RELEASED
                    return


class GeneralOpNode(OpNode):
    """The node of an op on a list of tensors (cat, einsum) or with several outputs (split,
    svd): a list argument's formula returns one gradient per tensor in the list, and with
    several outputs the formulas take ``grads``, one per output (zeros where none arrived).
    """

    __slots__ = ()
    # Set per node (in its __dict__): ``counts``, how many edges each differentiable argument
    # has; with several outputs also ``num_outputs`` and ``output_meta``.

    def apply(self, grads):
        return self._run(grads, arrays=False)

    def apply_arrays(self, grads):
        return self._run(grads, arrays=True)

    def _run(self, grads, arrays: bool) -> list:
        saved = self._saved
        if saved is RELEASED:
            raise RuntimeError(FREED_MESSAGE)
        op = self.op
        if op.several:
            grad = [g if g is not None else _zeros(shape, dtype, arrays)
                    for g, (shape, dtype) in zip(grads, self.output_meta)]
        else:
            grad = grads[0]
        results = []
        for step, count, position in zip(self._plan, self.counts, op.diff_positions):
            if step is None:
                results.extend([None] * count)
                continue
            rule, positions, form = step
            if arrays and form is not None:
                out = form(grad, *[_unpacked(saved[p], self, True) for p in positions])
            elif arrays:  # a formula that must run on tensors: wrap and unwrap around it
                wrapped = [from_array(g) for g in grad] if op.several else from_array(grad)
                out = rule(wrapped, *[_unpacked(saved[p], self, False) for p in positions])
                out = [None if o is None else o._data for o in out] \
                    if position == op.list_position else None if out is None else out._data
            else:
                out = rule(grad, *[_unpacked(saved[p], self, False) for p in positions])
            if position == op.list_position:
                results.extend(out)
            else:
                results.append(out)
        return results

    def release(self) -> None:
        if self._saved is not None and any(type(v) in SAVED_KINDS or type(v) is tuple
                                           and any(type(e) in SAVED_KINDS for e in v)
                                           for v in self._saved):
            self._saved = RELEASED


def _unpacked(value, node, arrays: bool):
    """A saved value as the formula reads it: a tensor (or its array), or a tuple of them."""
    if type(value) in SAVED_KINDS:
        return value.unpack_data(node) if arrays else value.unpack(node)
    if type(value) is tuple and value and type(value[0]) in SAVED_KINDS:
        return tuple(v.unpack_data(node) if arrays else v.unpack(node) for v in value)
    return value


def _zeros(shape, dtype, arrays: bool):
    zeros = xp.zeros(shape, dtype=dtype)
    return zeros if arrays else Tensor._make(zeros)


# The compiled core's Op: a C base class that holds the fields its call reads and does the
# common call in C (_core_op.c: op_call, record); the pure core's Op is plain Python.
_OpBase = object if compiled is None else compiled.OpBase


class Op(_OpBase):
    """A primitive operation: forward on arrays, one backward formula per differentiable input.

    ``promote``: ``"binary"`` casts tensor inputs to PyTorch's result dtype,
    ``"float"`` also turns integer results into the default float dtype (for
    ``exp``, ``/``, ...), ``None`` leaves dtypes alone.  ``view=True`` says the
    output shares the first input's memory (reshape, indexing), so the two
    share a version counter.  ``scalars=True`` says that the forward accepts
    NumPy scalars for 0-d tensors (found by itself for a forward made of
    operators only, such as ``self * other``).
    """

    def __init__(self, name: str, forward, /, *, promote: str | None = None, view: bool = False,
                 scalars: bool | None = None, outputs: str = "one", jvp=None, **rules) -> None:
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
        # A forward made of Python operators only (x * y) runs on NumPy scalars as it does on
        # 0-d arrays, and much faster; a ufunc call (np.exp) is slower on scalars.
        # ``scalars=True`` says the same of a forward that is not (it checks for scalars).
        self.takes_scalars = not code.co_names if scalars is None else scalars
        self.view = view
        self.jvp = jvp
        # Ops on a list of tensors (an argument named ``tensors``, as in PyTorch: cat, stack,
        # einsum) and ops with several outputs (``outputs="several"``: split, unbind, qr,
        # svd) are recorded by the general path below; the rest by the fast one.
        if outputs not in ("one", "several"):
            raise ValueError(f"{name}: outputs must be 'one' or 'several', not {outputs!r}")
        self.several = outputs == "several"
        self.list_position = self.arg_names.index("tensors") if "tensors" in self.arg_names \
            else None
        self.general = self.several or self.list_position is not None
        # Which values each formula reads, as indices into [*args, result, *arg shapes]:
        # a formula that needs only an input's shape names it ``self_shape``, and the
        # node keeps a tuple instead of the tensor (so it can run again, as PyTorch's can).
        # With several outputs, ``result`` is the tuple of them and formulas take ``grads``,
        # one gradient per output, instead of ``grad``.
        n_args = len(self.arg_names)
        index = {n: i for i, n in enumerate(self.arg_names)}
        index["result"] = n_args
        index.update({f"{n}_shape": n_args + 1 + i for i, n in enumerate(self.arg_names)})
        self.rule_reads = tuple(
            tuple(index[n] for n in _parameters(r)[1:]) if r is not None else ()
            for r in self.rules
        )
        self._plans: dict = {}  # which inputs need grad (bits) -> (what to save, node plan)
        # The input_meta of a node whose inputs all match the output: one shared tuple, one
        # allocation less per recorded op (the garbage collector scans fewer objects).
        self._same_meta = (None,) * len(self.diff_positions)
        # The node class is made when the op is first recorded (node_type): making the
        # several hundred of them here was a large share of `import chainrule`, and a
        # program records a few dozen kinds of op.
        self.node_class = None
        # A formula that calls this op runs on arrays by calling its forward (array_rules).
        ARRAY_FORMS[self] = forward

    def __repr__(self) -> str:
        return f"<Op {self.name}>"

    def node_type(self) -> type:
        """The class of this op's nodes (named as PyTorch names them), made on first use.

        >>> from chainrule.ops.pointwise import exp
        >>> exp.node_type().__name__
        'ExpBackward0'
        """
        if self.node_class is None:
            node_base = GeneralOpNode if self.general else OpNode
            self.node_class = type(self.name, (node_base,), {"__slots__": (), "op": self})
        return self.node_class

    def __call__(self, *args):
        # C twin: _core_op.c op_call, which hands every call outside its common case to this
        # method, as _call_python.
        if self.general:
            return self._call_general(args)
        promote = self.promote
        if promote is None:
            data = [a._data if isinstance(a, Tensor) else a for a in args]
        else:
            # The one scan of the operands, inline for the commonest case (a call less per
            # op): floating tensors of one dtype, with Python floats or ints, need no cast.
            # Another single dtype goes to _promoted, the rest to _promoted_slow.
            data = []
            dtype = None
            scalars = self.takes_scalars
            for a in args:
                if isinstance(a, Tensor):
                    d = a._data
                    if dtype is None:
                        dtype = d.dtype
                    elif d.dtype is not dtype:
                        dtype = _MIXED
                        break
                    # A 0-d array goes in as a NumPy scalar where the forward is operators
                    # only: the same dtype rules, and NumPy's fast scalar arithmetic.
                    data.append(d[()] if scalars and d.ndim == 0 else d)
                elif type(a) is float or type(a) is int:
                    data.append(a)
                else:
                    dtype = None
                    break
            if dtype is _MIXED or dtype is None:  # (None: no tensor, or another operand)
                data = self._promoted_slow(args)
            elif dtype.kind != "f":
                data = self._promoted(args, dtype)
        try:
            out = self.forward(*data)
        except ValueError as e:
            raise _broadcast_error(e, args) from None
        except OverflowError as e:
            out = self.forward(*_wrapped_integers(self.name, data, e))
        if type(out) is not ndarray:
            out = xp.asarray(out)  # NumPy returns scalars for 0-d results; tensors hold arrays
        # Tensor._make, inlined: this is the hottest line of the library (saves a call).
        result = _new_tensor(Tensor)
        result._data = out
        result._requires_grad = False
        result._grad_fn = None
        result._output_nr = 0
        result._grad = None
        result._version_counter = None
        enabled = _grad_state.enabled  # (read once: a thread-local attribute is slow to read)
        if self.view:
            source = args[0]
            counter = source._version_counter
            if counter is None:
                counter = source._version_counter = VersionCounter()
            result._version_counter = counter
            result._base = source if source._base is None else source._base
            if counter.value:  # (0, the class default, needs no write)
                result._attr_version = counter.value
            # May it be changed in place later? (engine.views.creation_meta, inlined for
            # the single-output view: under grad mode the usual view needs no note.)
            meta = source._creation_meta
            if not enabled:
                result._creation_meta = (
                    INFERENCE_MODE if meta is INFERENCE_MODE or _grad_state.inference
                    else NO_GRAD_MODE)
            elif meta is not None:
                result._creation_meta = meta
        # An integer or bool result has no gradient (x.long(), x.floor_divide(2) on ints):
        # PyTorch leaves it out of the graph, so nothing flows back through it.
        if enabled and out.dtype.kind in "fc":
            for i in self.diff_positions:
                a = args[i]
                if isinstance(a, Tensor) and a._requires_grad:
                    self._record(result, args)
                    break
        if _grad_flags.forward_ad:  # forward-mode AD: ordinary calls pay only this check
            forward_ad.propagate(self, args, result)
        if _tracing.tracer is not None:  # chainrule.compile is tracing: the one check
            _tracing.tracer.op(self, args, data, result)
        return result

    _call_python = __call__
    if compiled is not None:
        del __call__  # the C base class's call runs, and calls _call_python where it must

    # --- the general path: a list of tensors in, or several tensors out ------------------

    def _call_general(self, args):
        list_position = self.list_position
        data = [[t._data for t in a] if i == list_position
                else a._data if isinstance(a, Tensor) else a
                for i, a in enumerate(args)]
        try:
            out = self.forward(*data)
        except ValueError as e:
            raise _broadcast_error(e, self._inputs(args)) from None
        results = [Tensor._make(o if type(o) is ndarray else xp.asarray(o))
                   for o in (out if self.several else (out,))]
        if self.view:
            source = args[0]
            if source._version_counter is None:
                source._version_counter = VersionCounter()
            base = source if source._base is None else source._base
            meta = creation_meta(source, several=self.several)
            version = source._version_counter.value
            for r in results:
                r._creation_meta = meta
                r._version_counter = source._version_counter
                r._base = base
                if version:  # (0 is the class default)
                    r._attr_version = version
        if _grad_state.enabled and any(r._data.dtype.kind in "fc" for r in results) \
                and any(t._requires_grad for t in self._inputs(args) if t is not None):
            self._record_general(results, args)
        outputs = tuple(results) if self.several else results[0]
        if _grad_flags.forward_ad:
            forward_ad.propagate(self, args, outputs)
        if _tracing.tracer is not None:
            _tracing.tracer.op(self, args, data, outputs)
        return outputs

    def _inputs(self, args) -> list:
        """The tensor (or None) behind each edge of the node: the list argument's elements
        count one by one."""
        inputs = []
        for i in self.diff_positions:
            a = args[i]
            if i == self.list_position:
                inputs.extend(t if isinstance(t, Tensor) else None for t in a)
            else:
                inputs.append(a if isinstance(a, Tensor) else None)
        return inputs

    def _record_general(self, results, args) -> None:
        try:
            node = self.node_class()
        except TypeError:  # (no class until the op's first record: node_type)
            node = self.node_type()()
        edges, meta, counts = [], [], []
        needs = 0
        for k, i in enumerate(self.diff_positions):
            elements = args[i] if i == self.list_position else (args[i],)
            for a in elements:
                if isinstance(a, Tensor):
                    edge = gradient_edge(a)
                    meta.append((a._data.shape, a._data.dtype))
                else:
                    edge = _NO_EDGE
                    meta.append(None)
                if edge[0] is not None:
                    needs |= 1 << k
                edges.append(edge)
            counts.append(len(elements))
        node.next_functions = tuple(edges)
        node.input_meta = tuple(meta)
        node.counts = tuple(counts)
        plan = self._plans.get(needs)
        if plan is None:
            plan = self._plans[needs] = self._plan_for(needs)
        reads, node._plan = plan
        n_args = len(self.arg_names)
        saved = []
        for j in reads:
            if j < n_args:
                saved.append(self._saved_argument(args[j], j))
            elif j == n_args:
                saved.append(tuple(SavedResult(r, nr) for nr, r in enumerate(results))
                             if self.several else SavedResult(results[0]))
            else:
                a = args[j - n_args - 1]
                saved.append(tuple(t._data.shape for t in a) if j - n_args - 1 == self.list_position
                             else a._data.shape)
        node._saved = tuple(saved) if saved else None
        if self.several:
            node.num_outputs = len(results)
            node.output_meta = tuple((r._data.shape, r._data.dtype) for r in results)
        if _grad_flags.anomaly:
            anomaly.record_trace(node)
        for nr, r in enumerate(results):
            if r._data.dtype.kind in "fc":
                r._requires_grad = True
                r._grad_fn = node
                r._output_nr = nr

    def _saved_argument(self, a, position: int):
        if position == self.list_position:
            return tuple(SavedTensor(t, self.name) for t in a)
        return SavedTensor(a, self.name) if isinstance(a, Tensor) else a

    def _promoted(self, args, dtype) -> list:
        """The arrays of ``args`` cast to PyTorch's result dtype (numbers are left as numbers),
        where ``Op.__call__`` found tensors of one dtype ``dtype``, not a floating one, and
        Python floats and ints beside them (its loop is the one that reads the tensors).

        Fast path (no lookups at all): every number is of a kind that dtype already holds,
        e.g. int32 * 2.  Python numbers stay Python numbers: NumPy 2 treats them as "weak",
        so they take the dtype of the array they meet, as in PyTorch.
        """
        numbers = 0  # the highest kind of Python number seen: 1 int, 2 float
        for a in args:
            if type(a) is float:
                numbers = 2
            elif type(a) is int:
                numbers = numbers or 1
        if numbers > _KIND_RANK.get(dtype.kind, 3) or self.promote == "float":
            return self._promoted_slow(args)
        return [a._data if isinstance(a, Tensor) else a for a in args]

    def _promoted_slow(self, args, normalized: bool = False) -> list:
        """Mixed dtypes: PyTorch's promotion, computed once per combination, then looked up.

        (C twin, for tensors and Python numbers in a combination already cached:
        ``_core_promote.c`` promoted_mixed, reading the same ``_PROMOTED``.)

        The result dtype depends only on the operands' dtypes, on which of them
        are 0-d, and on the kinds of the Python numbers.
        """
        key = [self.promote, _dtypes._default_float]
        data = []
        for a in args:
            if isinstance(a, Tensor):
                d = a._data
                key.append(d.dtype)
                key.append(d.ndim == 0)
                data.append(d)
            else:
                kind = type(a)
                if kind is not float and kind is not int and kind is not bool \
                        and not normalized:
                    return self._promoted_slow(_as_operands(args), True)
                key.append(kind)
                data.append(a)
        key = tuple(key)
        cached = _PROMOTED.get(key)
        if cached is None:
            target = self._result_dtype(args)
            # Where NumPy's own promotion already lands on PyTorch's dtype (a bool mask
            # times a float32 gradient), the ufunc converts as it goes: no copies needed.
            numpy_agrees = xp.result_type(*data) == target
            cached = _PROMOTED[key] = (target, numpy_agrees)
        target, numpy_agrees = cached
        if not numpy_agrees:
            for i, d in enumerate(data):
                if type(d) is ndarray and d.dtype is not target and d.dtype != target:
                    data[i] = d.astype(target)
        return data

    def _result_dtype(self, args):
        tensors = [a for a in args if isinstance(a, Tensor)]
        scalars = [a for a in args if type(a) in (int, float, bool)]
        dtype = result_type(tensors, scalars)
        if self.promote == "float" and not dtype.is_floating_point:
            dtype = get_default_dtype()
        return dtype.np

    def _record(self, result, args) -> None:
        # C twin: _core_op.c record (the common case: no input is a view to re-derive, no
        # anomaly mode).
        # Nodes are made without __init__ (its defaults live on the class): a node
        # costs four attribute writes.
        try:
            node = _new_node(self.node_class)
        except TypeError:  # (no class until the op's first record: node_type)
            node = _new_node(self.node_type())
        edges = []
        meta = None  # per input: None, or its (shape, dtype) where they differ from the output's
        needs = 0  # bit k set: the k-th differentiable input needs a gradient
        out = result._data
        bit = 1
        k = 0
        for i in self.diff_positions:
            a = args[i]
            if isinstance(a, Tensor):
                fn = a._grad_fn
                if fn is not None:
                    if a._base is not None and a._attr_version != a._version_counter.value:
                        refresh_view(a)  # it or its base was changed in place since
                        fn = a._grad_fn
                    edges.append((fn, a._output_nr))
                    needs |= bit
                elif a._requires_grad:
                    edges.append((grad_accumulator(a), 0))
                    needs |= bit
                else:
                    edges.append(_NO_EDGE)
                d = a._data
                # The engine reduces a gradient to its input's shape and dtype only where
                # they differ from the output's; None (the usual case) skips the check.
                if d.shape != out.shape or d.dtype != out.dtype:
                    if meta is None:
                        meta = list(self._same_meta)
                    meta[k] = (d.shape, d.dtype)
            else:
                edges.append(_NO_EDGE)
            bit <<= 1
            k += 1
        node.next_functions = tuple(edges)
        node.input_meta = self._same_meta if meta is None else tuple(meta)
        plan = self._plans.get(needs)
        if plan is None:
            plan = self._plans[needs] = self._plan_for(needs)
        reads, node._plan = plan
        # Keep only what the formulas of the inputs that need a gradient will read, in a
        # tuple (x * 2.0 saves nothing of x).
        if reads:
            saved = []
            n_args = len(self.arg_names)
            for j in reads:
                if j < n_args:
                    a = args[j]
                    saved.append(SavedTensor(a, self.name) if isinstance(a, Tensor) else a)
                elif j == n_args:
                    saved.append(SavedResult(result))
                else:
                    saved.append(args[j - n_args - 1]._data.shape)
            node._saved = tuple(saved)
        else:
            node._saved = None
        if _grad_flags.anomaly:
            anomaly.record_trace(node)
        result._requires_grad = True
        result._grad_fn = node

    def _plan_for(self, needs: int) -> tuple:
        """What to save when the inputs in ``needs`` need a gradient, and how to read it back.

        Returns ``(reads, plan)``: ``reads`` indexes ``[*args, result, *arg shapes]`` (the
        values to save, in this order); ``plan`` has one entry per differentiable input,
        ``(formula, positions of its parameters in the saved tuple, the formula's array
        form or None)``, or None.
        """
        used = set()
        for k, position in enumerate(self.diff_positions):
            if needs >> k & 1:
                used.update(self.rule_reads[position])
        reads = tuple(sorted(used))
        plan = tuple(
            (self.rules[position], tuple(reads.index(j) for j in self.rule_reads[position]),
             array_form(self.rules[position]))
            if needs >> k & 1 else None
            for k, position in enumerate(self.diff_positions))
        return reads, plan


_NO_EDGE = (None, 0)
_grad_state = grad_mode.state  # module-level names: one lookup less per op
_grad_flags = grad_mode.flags
_KIND_RANK = {"b": 0, "i": 1, "u": 1, "f": 2}  # which Python numbers a dtype holds as is
_new_node = _new_tensor = object.__new__


if compiled is not None:
    compiled.setup(
        tensor=Tensor, node=Node, op_node=OpNode, ndarray=ndarray, asarray=xp.asarray,
        grad_state=_grad_state, grad_flags=_grad_flags, tracing=_tracing,
        float_dtypes=tuple(xp.dtype(t) for t in (xp.float16, xp.float32, xp.float64)),
        complex_dtypes=tuple(xp.dtype(t) for t in (xp.complex64, xp.complex128)),
        grad_accumulator=grad_accumulator, saved_tensor=SavedTensor, saved_result=SavedResult,
        no_edge=_NO_EDGE, version_counter=VersionCounter, saved_tensors_hooks=SAVED_TENSORS_HOOKS,
        inference_mode=INFERENCE_MODE, no_grad_mode=NO_GRAD_MODE)
    # Op._promoted_slow's cache, read by its C twin (_core_promote.c promoted_mixed).
    compiled.setup_promotion(_PROMOTED, _dtypes)


def _as_operands(args) -> list:
    """NumPy scalars as the Python numbers they stand for (so they promote like numbers, as
    in PyTorch: ``np.float64(2.0) * t`` is float32), arrays as tensors.  None, tuples and
    the like are an op's parameters and pass through; strings and lists are an error."""
    out = []
    for a in args:
        if isinstance(a, Tensor) or type(a) in (int, float, bool):
            out.append(a)
        elif isinstance(a, xp.bool_):
            out.append(float(a))  # PyTorch reads a NumPy bool as a float: t + np.True_ is float
        elif isinstance(a, (xp.generic, int, float)):
            out.append(a.item() if isinstance(a, xp.generic) else
                       (bool(a) if isinstance(a, bool) else int(a) if isinstance(a, int)
                        else float(a)))
        elif isinstance(a, ndarray):
            out.append(Tensor._make(a))
        elif isinstance(a, (str, list, dict, set, complex)):
            raise TypeError(f"unsupported operand type for a tensor operation: "
                            f"'{type(a).__name__}'")
        else:  # None, dims, flags: the op's parameters, passed through as the docstring says
            out.append(a)
    return out


# Arithmetic wraps a Python int into an integer tensor's dtype, as PyTorch's does (an int8
# tensor times 300 is multiplied by 44); other ops (where, clamp, pow, ...) refuse it.
_WRAPPING = ("Add", "Sub", "Rsub", "Mul", "FloorDivide")
# The C++ names PyTorch's message gives the integer types.
_C_TYPES = {"int8": "int8_t", "uint8": "uint8_t", "int16": "int16_t", "int32": "int"}


def _wrapped_integers(name: str, data: list, error: OverflowError) -> list:
    """``data`` of the op ``name`` with each Python int that its integer arrays' dtype cannot
    hold (NumPy 2 refuses those with an OverflowError) wrapped into that dtype where PyTorch
    wraps it, or PyTorch's error where it does not.  An int beyond 64 bits is refused, with
    PyTorch's message, whatever it meets; NumPy's ``error`` is raised again where no integer
    array is there to wrap into.
    """
    dtype = next((d.dtype for d in data
                  if isinstance(d, (ndarray, xp.generic)) and d.dtype.kind in "iu"), None)
    wrapped = []
    for d in data:
        if type(d) is int:
            try:
                value = xp.array(d, dtype=xp.uint64 if d > 0 else xp.int64)
            except OverflowError:
                raise OverflowError("int too big to convert") from None
            if dtype is None:
                raise error
            if value.astype(dtype) != value:
                if not name.startswith(_WRAPPING):
                    raise RuntimeError(f"value cannot be converted to type "
                                       f"{_C_TYPES.get(dtype.name, dtype.name)} without "
                                       "overflow. Fix: use a number the tensor's dtype holds, "
                                       "or convert the tensor to a wider dtype first "
                                       "(.long(), .float()).")
                d = value.astype(dtype)
        wrapped.append(d)
    return wrapped


def _broadcast_error(error: ValueError, args) -> Exception:
    """NumPy's broadcasting ValueError as PyTorch's RuntimeError, naming both shapes."""
    shapes = [a._data.shape for a in args if isinstance(a, Tensor)]
    if "broadcast" not in str(error) or len(shapes) < 2:
        return error
    return broadcast_error(shapes[0], shapes[1]) or error


def name_in_cpp_namespace(op: Op) -> None:
    """Give ``op``'s nodes a ``name()`` in PyTorch's C++ namespace.

    PyTorch's CopySlices and CopyBackwards nodes are hand-written in its C++
    autograd: the class name is the plain one, but ``name()`` carries the namespace.
    """
    op.node_type().name = lambda self: f"torch::autograd::{op.name}"


def _parameters(fn) -> tuple:
    code = fn.__code__
    return code.co_varnames[:code.co_argcount]


# --- the edge an input's gradient travels along, and views that went stale ---------------

def gradient_edge(tensor) -> tuple:
    """The edge along which a gradient for ``tensor`` travels: ``(node, output_nr)``.

    A view whose base was changed in place since the view was taken is first
    re-derived from the base (``refresh_view``), so that its gradient passes
    through the in-place change.
    """
    if tensor._grad_fn is not None:
        if tensor._base is not None and tensor._attr_version != tensor._version_counter.value:
            refresh_view(tensor)
        return (tensor._grad_fn, tensor._output_nr)
    if tensor._requires_grad:
        return (grad_accumulator(tensor), 0)
    return _NO_EDGE


def grad_fn_of(tensor):
    """``tensor.grad_fn``: the node that computed it, re-derived first for a view whose base
    was changed in place since (as PyTorch does when ``grad_fn`` is read)."""
    fn = tensor._grad_fn
    base = tensor._base
    # (A view with no history is re-derived only where its base requires grad: after
    # v = x[:2]; x.mul_(w), PyTorch's v.grad_fn is "these elements of x".)
    if base is not None and tensor._attr_version != tensor._version_counter.value \
            and (fn is not None or base._requires_grad):
        refresh_view(tensor)
        fn = tensor._grad_fn
    return fn


def refresh_view(view) -> None:
    """Re-derive ``view`` from its base, whose history an in-place change has rewritten.

    PyTorch does the same (lazily, when the view is next used): without it the
    view's gradient would skip the in-place op applied to the base.  The view
    becomes "these elements of the base" (AsStridedBackward0, as PyTorch names it).
    """
    base = view._base
    message = refused(view, indirect=True)
    if message is not None:  # the reasons an in-place change of the view itself is refused
        raise RuntimeError(message)
    if view._grad_fn is not None and view._grad_fn.num_outputs > 1:
        return  # pieces of split/unbind: PyTorch forbids the writes that would make them stale
    source = Tensor._make(base._data)  # stands where the base stands in the graph
    source._grad_fn, source._output_nr = base._grad_fn, base._output_nr
    old_node, old_nr = view._grad_fn, view._output_nr
    source._requires_grad = base._requires_grad
    with grad_mode.enable_grad():
        view._grad_fn = as_strided(source, view_key(base._data, view._data),
                                  base._data.shape)._grad_fn
    view._output_nr = 0
    view._requires_grad = view._grad_fn is not None  # (None where the base needs no grad)
    view._attr_version = view._version_counter.value
    move_retains_grad(view, old_node, old_nr)


def view_key(base: ndarray, view: ndarray) -> tuple:
    """The advanced-indexing key ``k`` with ``base[k]`` reading the same memory as ``view``.

    Found from the two arrays' strides and data pointers, so it works for any
    chain of views (slices, transposes, reshapes, ...) without recording them.
    """
    start = base.__array_interface__["data"][0]
    flat_base = _byte_offsets(base).ravel()
    wanted = _byte_offsets(view) + (view.__array_interface__["data"][0] - start)
    order = xp.argsort(flat_base, kind="stable")
    pos = xp.searchsorted(flat_base[order], wanted).clip(0, max(flat_base.size - 1, 0))
    flat = order[pos] if flat_base.size else pos
    if flat_base.size and not (flat_base[flat] == wanted).all():
        raise RuntimeError("internal error: a view's memory is not inside its base's memory")
    return xp.unravel_index(flat, base.shape) if base.ndim else ()


def _byte_offsets(a: ndarray) -> ndarray:
    off = xp.zeros(a.shape, dtype=xp.int64)
    for d, (n, s) in enumerate(zip(a.shape, a.strides)):
        shape = [1] * a.ndim
        shape[d] = n
        off = off + (xp.arange(n, dtype=xp.int64) * s).reshape(shape)
    return off


def _put_into_zeros(grad, shape, key):
    out = xp.zeros(shape, dtype=grad.dtype)
    xp.add.at(out, key, grad)  # add.at, unlike out[key] += grad, accumulates repeated indices
    return out


# Reading elements at an index key and its adjoint, writing a gradient into zeros there
# (adding where an index repeats).  Each is the other's gradient, and both are linear, so
# their forward-mode rule is the op itself applied to the tangent.  The indexing ops in
# chainrule.ops use them too.
index = Op("IndexBackward0", lambda self, key, old: self[key],
           self=lambda grad, key, old: put_into_zeros(grad, old, key),
           jvp=lambda self_t, key, old: index(self_t, key, old))
put_into_zeros = Op("IndexPutBackward0", _put_into_zeros,
                    grad=lambda g, key: index(g, key, g.shape),
                    jvp=lambda grad_t, shape, key: put_into_zeros(grad_t, shape, key))
# "These elements of the base": a view re-derived after an in-place change.
as_strided = Op("AsStridedBackward0", lambda self, key, old: self[key],
                self=lambda grad, key, old: put_into_zeros(grad, old, key),
                jvp=lambda self_t, key, old: as_strided(self_t, key, old))
