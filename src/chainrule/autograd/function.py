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

from .. import _dtypes
from .._backend import ndarray, xp
from .._dtypes import get_default_dtype, result_type
from . import grad_mode
from . import graph as _graph
from .arrays import array_form
from .graph import FREED_MESSAGE, RELEASED, Node, SavedTensor, VersionCounter, grad_accumulator

Tensor = None  # the Tensor class; chainrule.tensor fills this in (it sits one layer above)
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
            saved = [v.unpack(self) if type(v) in _SAVED_KINDS else v for v in saved]
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
                # (a comprehension costs ~0.3 µs, a third of this whole method).
                if not positions:
                    result = form(grad)
                elif len(positions) == 1:
                    value = saved[positions[0]]
                    result = form(grad, value.unpack_data(self) if type(value) in _SAVED_KINDS
                                  else value)
                else:
                    result = form(grad, *[saved[p].unpack_data(self)
                                          if type(saved[p]) in _SAVED_KINDS else saved[p]
                                          for p in positions])
                # NumPy promotes a few mixed dtypes further than PyTorch (float32 times an
                # int64 tensor is float64 there): the gradient takes its input's dtype back.
                # (Where meta is set, the engine's reduction casts it.)
                if meta is None and result.dtype is not dtype and result.dtype != dtype:
                    result = result.astype(dtype)
            else:
                result = rule(_wrap(grad), *[saved[p].unpack(self) if type(saved[p]) in _SAVED_KINDS
                                             else saved[p] for p in positions])
                if result is not None:
                    result = result._data
            results.append(result)
        return results

    def release(self) -> None:
        # Numbers and shapes are kept: a node that saved no tensor can run again, as in
        # PyTorch (y = x * 2; y.backward(); y.backward() accumulates twice).
        saved = self._saved
        if saved is not None and saved is not RELEASED:
            for v in saved:
                if type(v) in _SAVED_KINDS:
                    self._saved = RELEASED
                    return


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

    def unpack_data(self, node=None):
        """The saved array (a 0-d one as a NumPy scalar), after ``unpack``'s version check."""
        if self.counter.value != self.version:
            self.unpack(node)  # raises, with the message
        data = self.data
        return data[()] if data.ndim == 0 else data  # see graph.SavedTensor.unpack_data

    def unpack(self, node=None):
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
    share a version counter.  ``scalars=True`` says that the forward accepts
    NumPy scalars for 0-d tensors (found by itself for a forward made of
    operators only, such as ``self * other``).
    """

    def __init__(self, name: str, forward, /, *, promote: str | None = None, view: bool = False,
                 scalars: bool | None = None, jvp=None, **rules) -> None:
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
        # 0-d arrays, ten times faster; a ufunc call (np.exp) is slower on scalars.
        # ``scalars=True`` says the same of a forward that is not (it checks for scalars).
        self.takes_scalars = not code.co_names if scalars is None else scalars
        self.view = view
        self.jvp = jvp
        # Which values each formula reads, as indices into [*args, result, *arg shapes]:
        # a formula that needs only an input's shape names it ``self_shape``, and the
        # node keeps a tuple instead of the tensor (so it can run again, as PyTorch's can).
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
        self.node_class = type(name, (OpNode,), {"__slots__": (), "op": self})

    def __repr__(self) -> str:
        return f"<Op {self.name}>"

    def __call__(self, *args):
        promote = self.promote
        if promote is None:
            data = [a._data if isinstance(a, Tensor) else a for a in args]
        else:
            # _promoted's fast path, inlined for the commonest case (saves a call, ~0.2 µs):
            # floating tensors of one dtype, with Python floats or ints, need no cast.
            data = []
            dtype = None
            scalars = self.takes_scalars
            for a in args:
                if isinstance(a, Tensor):
                    d = a._data
                    if dtype is None:
                        dtype = d.dtype
                    elif d.dtype is not dtype:
                        dtype = None
                        break
                    # A 0-d array goes in as a NumPy scalar where the forward is operators
                    # only: the same dtype rules, and 0.05 µs a multiplication, not 0.5 µs.
                    data.append(d[()] if scalars and d.ndim == 0 else d)
                elif type(a) is float or type(a) is int:
                    data.append(a)
                else:
                    dtype = None
                    break
            if dtype is None or dtype.kind != "f":
                data = self._promoted(args)
        try:
            out = self.forward(*data)
        except ValueError as e:
            raise _broadcast_error(e, args) from None
        if type(out) is not ndarray:
            out = xp.asarray(out)  # NumPy returns scalars for 0-d results; tensors hold arrays
        # Tensor._make, inlined: this is the hottest line of the library (saves a call).
        result = _new_tensor(Tensor)
        result._data = out
        result._requires_grad = False
        result.grad_fn = None
        result._output_nr = 0
        result._grad = None
        result._version_counter = None
        if self.view:
            source = args[0]
            if source._version_counter is None:
                source._version_counter = VersionCounter()
            result._version_counter = source._version_counter
            base = result._base = source if source._base is None else source._base
            if base.grad_fn is not None:  # lets a later in-place on the base re-derive this view
                result._view_base_fn = base.grad_fn
        # An integer or bool result has no gradient (x.long(), x.floor_divide(2) on ints):
        # PyTorch leaves it out of the graph, so nothing flows back through it.
        if _grad_state.enabled and out.dtype.kind in "fc":
            for i in self.diff_positions:
                a = args[i]
                if isinstance(a, Tensor) and a._requires_grad:
                    self._record(result, args)
                    break
        if _grad_flags.forward_ad:  # forward-mode AD: ordinary calls pay only this check
            from .forward_ad import propagate
            propagate(self, args, result)
        return result

    def _promoted(self, args) -> list:
        """The arrays of ``args`` cast to PyTorch's result dtype (numbers are left as numbers).

        Fast path (no lookups at all): every tensor has the same dtype and every
        number is of a kind that dtype already holds, e.g. float32 * 0.5.  Python
        numbers stay Python numbers: NumPy 2 treats them as "weak", so they take
        the dtype of the array they meet, as in PyTorch.
        """
        data = []
        dtype = None
        numbers = 0  # the highest kind of Python number seen: 1 int, 2 float
        for a in args:
            if isinstance(a, Tensor):
                d = a._data
                if dtype is None:
                    dtype = d.dtype
                elif d.dtype is not dtype:
                    return self._promoted_slow(args)
                data.append(d)
            else:
                kind = type(a)
                if kind is float:
                    numbers = 2
                elif kind is int:
                    numbers = numbers or 1
                elif kind is not bool:
                    return self._promoted_slow(args)
                data.append(a)
        rank = _KIND_RANK.get(dtype.kind, 3) if dtype is not None else -1
        if numbers > rank or (self.promote == "float" and rank != 2):
            return self._promoted_slow(args)
        return data

    def _promoted_slow(self, args, normalized: bool = False) -> list:
        """Mixed dtypes: PyTorch's promotion, computed once per combination, then looked up.

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
        # Nodes are made without __init__ (its defaults live on the class): a node
        # costs four attribute writes.
        node = _new_node(self.node_class)
        edges = []
        meta = None  # per input: None, or its (shape, dtype) where they differ from the output's
        needs = 0  # bit k set: the k-th differentiable input needs a gradient
        out = result._data
        bit = 1
        k = 0
        for i in self.diff_positions:
            a = args[i]
            if isinstance(a, Tensor):
                fn = a.grad_fn
                if fn is not None:
                    if a._view_base_fn is not None and a._base.grad_fn is not a._view_base_fn:
                        _graph.refresh_view(a)  # its base was changed in place since
                        fn = a.grad_fn
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
            from .anomaly import record_trace
            record_trace(node)
        result._requires_grad = True
        result.grad_fn = node

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
_SAVED_KINDS = (SavedTensor, SavedResult)  # saved values that unpack to tensors
_grad_state = grad_mode.state  # module-level names: one lookup less per op
_grad_flags = grad_mode.flags
_KIND_RANK = {"b": 0, "i": 1, "u": 1, "f": 2}  # which Python numbers a dtype holds as is
_new_node = _new_tensor = object.__new__


def _wrap(array):
    """A tensor around ``array`` (a NumPy scalar becomes a 0-d array first)."""
    return Tensor._make(array if type(array) is ndarray else xp.asarray(array))


_graph.wrap_array = _wrap


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


def _broadcast_error(error: ValueError, args) -> Exception:
    """NumPy's broadcasting ValueError as PyTorch's RuntimeError, naming both shapes."""
    shapes = [a._data.shape for a in args if isinstance(a, Tensor)]
    if "broadcast" not in str(error) or len(shapes) < 2:
        return error
    sa, sb = shapes[0], shapes[1]
    for i in range(1, min(len(sa), len(sb)) + 1):
        x, y = sa[-i], sb[-i]
        if x != y and x != 1 and y != 1:
            return RuntimeError(
                f"The size of tensor a ({x}) must match the size of tensor b ({y}) at "
                f"non-singleton dimension {max(len(sa), len(sb)) - i}. (Shapes {list(sa)} and "
                f"{list(sb)} do not broadcast: each dimension, compared from the right, must be "
                "equal or 1.)")
    return error


def _parameters(fn) -> tuple:
    code = fn.__code__
    return code.co_varnames[:code.co_argcount]


# User-defined Functions build their nodes on the same Node base and run in the same engine.
from .custom_function import (  # noqa: E402, F401, I001  (re-exported)
    BackwardCFunction, Function, FunctionCtx, InplaceFunction, NestedIOFunction,
    once_differentiable,
)
