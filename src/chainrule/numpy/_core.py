"""The front door of ``chainrule.numpy``: NumPy on plain values, chainrule where a graph is wanted.

Each function of the namespace looks at its arguments once.  Without a tensor that
needs a graph (ndarrays, Python numbers, tensors that do not require grad) it is
NumPy's own function: the very NumPy result, nothing recorded.  With one (a tensor
that requires grad while grad mode is on, or one that carries a forward-mode
tangent) it runs a composition of chainrule's public operations, so the gradient
comes from chainrule's rule table, and returns an ``ArrayTensor``: a chainrule
tensor whose operators and methods follow NumPy's rules (``x.sum(axis=0)``,
``x.size``, ``x.std()`` with ``ddof=0``, NumPy's type promotion), so the user's
NumPy code keeps running on it.

NumPy's semantics (result dtypes, ``axis``/``keepdims``, negative axes) are decided
here, at the front door; the operations below see tensors of the right dtype.
"""
from __future__ import annotations

import functools

import numpy

import chainrule
from chainrule import Tensor
from chainrule.engine import grad_mode

PLAIN, TENSORS, GRAPH = 0, 1, 2  # what scan() finds among the arguments

# NumPy dtype -> chainrule dtype, for the dtypes chainrule has.
CHAINRULE_DTYPE = {numpy.dtype(d.np): d for d in (
    chainrule.bool, chainrule.uint8, chainrule.int8, chainrule.int16, chainrule.int32,
    chainrule.int64, chainrule.float16, chainrule.float32, chainrule.float64)}


class ArrayTensor(Tensor):
    """A chainrule tensor that behaves as a NumPy array: what ``chainrule.numpy`` returns
    when it records a graph.

    Its operators and methods follow NumPy (``x.sum(axis=0)``, ``x.size``, ``x.std()``,
    ``x.astype(np.float32)``, NumPy's type promotion); everything else is a chainrule
    tensor's (``x.grad``, ``x.backward()``, ``x.detach()``).  In-place operators
    (``x += 1``) rebind the name to a new array instead of writing, as HIPS autograd
    does, so a graph is never cut by them.

    >>> x = chainrule.tensor([1.0, 2.0], dtype=chainrule.float64, requires_grad=True)
    >>> y = np.sin(x)
    >>> type(y).__name__, y.size, y.shape
    ('ArrayTensor', 2, (2,))
    """

    __slots__ = ()


# --- the hot path -----------------------------------------------------------------------
# Every recorded operation of a chainrule.numpy program passes through here, so these
# read three of Tensor's private attributes directly (``_requires_grad``, ``_fw_grad``:
# the forward-mode tangent, ``_data``: the array) rather than through properties, read
# grad mode from the engine's state rather than through is_grad_enabled(), and share an
# array as a tensor with Tensor._make where its dtype is known to be a float one: the
# public spellings would add a call or two to every operation, a noticeable share of
# the front door's cost.  This is the one place in chainrule.numpy that reads Tensor's
# and the engine's internals (with ufunc.__call__, which inlines wants_graph for its
# one-argument call).
_grad_state = grad_mode.state
_shared = Tensor._make  # an array as a tensor, no copy (from_numpy without its checks)


def leaf(array: numpy.ndarray) -> ArrayTensor:
    """A fresh leaf ArrayTensor that requires grad, sharing ``array`` (of a float dtype
    chainrule has): what ``requires_grad_()`` would give, without the checks that such an
    array passes anyway."""
    t = ArrayTensor._make(array)
    t._requires_grad = True
    return t


def wants_graph(t: Tensor) -> bool:
    """Whether operations on tensor ``t`` must be recorded (or carry a tangent)."""
    return (t._requires_grad and _grad_state.enabled) or t._fw_grad is not None


def array_of(t: Tensor) -> numpy.ndarray:
    """The array a tensor holds (shared, not copied)."""
    return t._data


def fast_operands(args, need_graph: bool = True, numbers: bool = True):
    """The common case of an elementwise call, decided in one pass: ``args`` as operands
    for a chainrule operation (same-dtype NumPy arrays shared as tensors), or None where
    the general path must decide (mixed dtypes, NumPy scalars, no float tensor, or, with
    ``need_graph``, no tensor that needs a graph).

    Tensors of one float dtype with Python numbers need no promotion: NumPy 2 lets a
    Python number take the array's dtype.
    """
    dtype = None
    live = False
    arrays = False
    for a in args:
        if isinstance(a, Tensor):
            data = a._data
            if dtype is None:
                dtype = data.dtype
            elif data.dtype is not dtype and data.dtype != dtype:
                return None
            if a._requires_grad or a._fw_grad is not None:
                live = True
        elif type(a) is numpy.ndarray:
            arrays = True
        elif (type(a) is not float and type(a) is not int) or not numbers:
            return None
    if dtype is None or dtype.kind != "f":
        return None
    if need_graph and not (live and (_grad_state.enabled or _any_tangent(args))):
        return None
    if not arrays:
        return args
    ops = []
    for a in args:
        if type(a) is numpy.ndarray:
            if a.dtype != dtype:
                return None
            a = _shared(a)
        ops.append(a)
    return ops


def fast_pair(a, b, numbers: bool = True):
    """``fast_operands((a, b), numbers=numbers)``, unrolled: the binary ufunc's and ``dot``'s
    common call (``y * np.log(p)``, ``np.dot(X, w)``), where fast_operands' two loops cost
    about as much as the rest of the front door."""
    if isinstance(a, Tensor):
        t, other = a, b
    elif isinstance(b, Tensor):
        t, other = b, a
    else:
        return None
    dtype = t._data.dtype
    if dtype.kind != "f":
        return None
    live = t._requires_grad or t._fw_grad is not None
    if isinstance(other, Tensor):
        other_dtype = other._data.dtype
        if other_dtype is not dtype and other_dtype != dtype:
            return None
        live = live or other._requires_grad or other._fw_grad is not None
    elif type(other) is numpy.ndarray:
        if other.dtype is not dtype and other.dtype != dtype:
            return None
        other = _shared(other)
    elif not numbers or (type(other) is not float and type(other) is not int):
        return None
    if not (live and (_grad_state.enabled or _any_tangent((a, b)))):
        return None
    return (t, other) if t is a else (other, t)


def fast_unary(uf):
    """An ArrayTensor's unary operator (``-x``) for ufunc ``uf``: a float array needs no
    promotion, so ``uf``'s row runs at once (the common case, decided here rather than in
    ``uf.on_tensors``)."""
    def operator(self):
        if self._data.dtype.kind == "f":
            result = uf._fast(self)
            if type(result) is Tensor:
                result.__class__ = ArrayTensor
            return result
        return uf.on_tensors(self)
    return operator


def fast_operator(uf, reflected: bool):
    """An ArrayTensor operator (``x + y``, ``2 * x``) for ufunc ``uf``.

    The common case is decided here rather than in ``uf.on_tensors`` (this is the
    hottest path of a NumPy program): a float array with a Python number or with an
    array of its own dtype needs no promotion, so ``uf``'s forward runs at once.
    """
    forward, numbers = uf._fast, uf._numbers
    with_number = uf._with_number[reflected]  # x op 1 (or 1 op x) as a function of (x, 1)

    def operator(self, other):
        data = self._data
        kind = type(other)
        if data.dtype.kind != "f":
            return general(self, other)
        if (kind is float or kind is int) and numbers:
            result = with_number(self, other)
        elif isinstance(other, Tensor) and other._data.dtype == data.dtype:
            result = forward(other, self) if reflected else forward(self, other)
        else:
            return general(self, other)
        if type(result) is Tensor:
            result.__class__ = ArrayTensor
        return result

    def general(self, other):  # NumPy's promotion first
        return uf.on_tensors(other, self) if reflected else uf.on_tensors(self, other)
    return operator


def _any_tangent(args) -> bool:
    return any(isinstance(a, Tensor) and a._fw_grad is not None for a in args)


def as_array_tensor(result):
    """A fresh result of a chainrule operation, as an ArrayTensor (its class changed: same
    slots, no copy; the graph's node keeps pointing at it)."""
    if type(result) is Tensor:
        result.__class__ = ArrayTensor
    return result


def scan(args) -> int:
    """PLAIN (no tensors), TENSORS (tensors, none needing a graph) or GRAPH.

    Looks one level into lists and tuples (``concatenate([a, b])``).
    """
    state = PLAIN
    for a in args:
        if isinstance(a, Tensor):
            if wants_graph(a):
                return GRAPH
            state = TENSORS
        elif type(a) is list or type(a) is tuple:
            for b in a:
                if isinstance(b, Tensor):
                    if wants_graph(b):
                        return GRAPH
                    state = TENSORS
    return state


def value(x):
    """``x`` with tensors replaced by their arrays (one level into lists and tuples)."""
    if isinstance(x, Tensor):
        return x.numpy(force=True)
    if type(x) is list or type(x) is tuple:
        return type(x)(value(b) for b in x)
    return x


def output(result, keep: bool = False):
    """What the user gets back from the graph path: an ``ArrayTensor`` where the result
    needs a graph, NumPy values where it does not (an integer result, say).

    ``keep=True`` (an ArrayTensor's own operators and methods) keeps every tensor a
    tensor: an ArrayTensor's operations give tensors, with or without a graph.
    """
    if isinstance(result, Tensor):
        if keep or wants_graph(result):
            if type(result) is Tensor and not (result._requires_grad and result._grad_fn is None):
                # A fresh result of a chainrule operation becomes an ArrayTensor by changing
                # its class (same slots, no copy): the graph's node keeps pointing at it.
                # (A leaf that requires grad is the user's own tensor: it stays as it is.)
                result.__class__ = ArrayTensor
            return result
        data = result.numpy(force=True)
        return data[()] if data.ndim == 0 else data
    if isinstance(result, tuple):
        items = [output(r, keep) for r in result]
        return type(result)(*items) if hasattr(result, "_fields") else tuple(items)
    if isinstance(result, list):
        return [output(r, keep) for r in result]
    if keep and isinstance(result, (numpy.ndarray, numpy.generic)) \
            and numpy.dtype(result.dtype) in CHAINRULE_DTYPE:
        return output(chainrule.from_numpy(numpy.asarray(result)), keep)
    return result


def differentiable(numpy_function, fast=None):
    """Decorator: ``impl`` is the graph path of ``numpy_function``; the plain path is NumPy.

    ``impl`` receives the arguments as given (tensors, arrays, numbers) and returns
    chainrule tensors; ``output`` turns them into what the user sees.  ``fast``, where
    given, takes the positional arguments of a call without keywords and returns the
    recorded result of its commonest case (``np.dot(X, w)``), or None for every other
    call; it is tried first, so that case skips the general path's scans.
    """
    def decorate(impl):
        @functools.wraps(impl)
        def front_door(*args, **kwargs):
            if fast is not None and not kwargs:
                result = fast(*args)
                if result is not None:
                    if type(result) is Tensor:  # as output() would: a fresh result, ours
                        result.__class__ = ArrayTensor
                    return result
            state = scan(args)
            if state != GRAPH and kwargs:
                state = max(state, scan(kwargs.values()))
            if state == GRAPH:
                return output(impl(*args, **kwargs))
            if state == TENSORS:
                args = value(args)
                kwargs = {k: value(v) for k, v in kwargs.items()}
            return numpy_function(*args, **kwargs)
        front_door.numpy_function = numpy_function
        return front_door
    return decorate


def float_graph_tensor(a) -> bool:
    """Whether ``a`` is a float32/float64 tensor of at least one dimension whose operations
    are recorded (the common argument of a reduction in a NumPy program's loss)."""
    if not isinstance(a, Tensor):
        return False
    dtype = a._data.dtype
    # (NumPy's own dtypes are single objects: ``is`` decides at once where == would first
    # convert numpy.float64 to a dtype.)
    return (dtype is _FLOAT64 or dtype is _FLOAT32 or dtype == _FLOAT64 or dtype == _FLOAT32) \
        and a._data.ndim > 0 and (
            (a._requires_grad and _grad_state.enabled) or a._fw_grad is not None)


_FLOAT64, _FLOAT32 = numpy.dtype(numpy.float64), numpy.dtype(numpy.float32)


def plain(numpy_function, name: str | None = None):
    """``numpy_function`` for values only: tensors are read as arrays; one that needs a graph
    raises, since the result would silently carry no gradient."""
    label = name or numpy_function.__name__

    @functools.wraps(numpy_function)
    def front_door(*args, **kwargs):
        state = scan(args)
        if kwargs:
            state = max(state, scan(kwargs.values()))
        if state == PLAIN:
            return numpy_function(*args, **kwargs)
        if state == GRAPH:
            raise TypeError(
                f"numpy.{label} has no derivative in chainrule.numpy, and an argument requires "
                f"grad. Fix: compute it on values (x.detach()) if no gradient should flow "
                f"through it, or write it with the functions chainrule.numpy differentiates "
                f"(listed in chainrule.numpy.__all__).")
        return numpy_function(*value(args), **{k: value(v) for k, v in kwargs.items()})
    front_door.numpy_function = numpy_function
    return front_door


def values_only(numpy_function):
    """``numpy_function`` whose result has no gradient (comparisons, ``argmax``, constant
    arrays): tensors are read as arrays, whether or not they require grad."""
    @functools.wraps(numpy_function)
    def front_door(*args, **kwargs):
        if scan(args) != PLAIN or (kwargs and scan(kwargs.values()) != PLAIN):
            args = value(args)
            kwargs = {k: value(v) for k, v in kwargs.items()}
        if isinstance(kwargs.get("dtype"), chainrule.dtype):  # np.zeros(3, dtype=x.dtype)
            kwargs["dtype"] = numpy_dtype(kwargs["dtype"])
        return numpy_function(*args, **kwargs)
    front_door.numpy_function = numpy_function
    front_door.values_only = True
    return front_door


# --- operands -----------------------------------------------------------------------------

def _numpy_operand(a):
    if isinstance(a, Tensor):
        return a.numpy(force=True)
    if type(a) is list or type(a) is tuple:
        return numpy.asarray(a)
    return a


def result_dtype(args) -> numpy.dtype:
    """NumPy's result dtype for an elementwise operation on ``args``.

    Fast path: tensors of one dtype with Python numbers (NumPy 2 lets Python numbers take
    the array's dtype), the common case of a graph of float64 values.
    """
    dtype = None
    for a in args:
        if isinstance(a, Tensor) or type(a) is numpy.ndarray:
            d = a._data.dtype if isinstance(a, Tensor) else a.dtype
            if dtype is None:
                dtype = d
            elif d != dtype:
                break
        elif type(a) is not float and type(a) is not int and type(a) is not bool:
            break
    else:
        if dtype is not None and dtype.kind == "f":
            return dtype
    return numpy.result_type(*[_numpy_operand(a) for a in args])


def tensor(x, dtype: numpy.dtype | None = None) -> Tensor:
    """``x`` as a chainrule tensor of NumPy dtype ``dtype`` (a cast is recorded; an array is
    shared, not copied)."""
    if isinstance(x, Tensor):
        if dtype is None or x._data.dtype == dtype:
            return x
        return Tensor.to(x, chainrule_dtype(dtype))
    array = x if type(x) is numpy.ndarray and (dtype is None or x.dtype == dtype) \
        else numpy.asarray(x, dtype=dtype)
    if array.dtype not in CHAINRULE_DTYPE:
        chainrule_dtype(array.dtype)  # raises, saying what to do
    return chainrule.from_numpy(array)


def chainrule_dtype(dtype) -> chainrule.dtype:
    """The chainrule dtype for a NumPy dtype (TypeError for those chainrule lacks)."""
    try:
        return CHAINRULE_DTYPE[numpy.dtype(dtype)]
    except KeyError:
        raise TypeError(
            f"chainrule.numpy differentiates float16, float32 and float64 arrays (and reads "
            f"bool and integer ones); it has no {numpy.dtype(dtype)}. Fix: convert the array, "
            f"e.g. x.astype(np.float64).") from None


def numpy_dtype(dtype) -> numpy.dtype | None:
    """A ``dtype=`` argument as a NumPy dtype: NumPy's spellings and chainrule's dtypes."""
    if dtype is None:
        return None
    if isinstance(dtype, chainrule.dtype):
        return numpy.dtype(dtype.np)
    return numpy.dtype(dtype)


def operands(args, dtype: numpy.dtype) -> list:
    """``args`` ready for a chainrule operation computing in ``dtype``: tensors of that
    dtype, Python numbers left as numbers (they take the tensors' dtype)."""
    out = []
    for a in args:
        if isinstance(a, Tensor):
            out.append(a if a._data.dtype == dtype else Tensor.to(a, chainrule_dtype(dtype)))
        elif type(a) is float or type(a) is int or type(a) is bool:
            out.append(a)
        elif isinstance(a, numpy.generic) and a.ndim == 0 and a.dtype.kind in "biuf":
            out.append(a.item())  # its dtype has had its say in result_dtype already
        else:
            out.append(tensor(a, dtype))
    return out


def promoted(*args) -> list:
    """``args`` as tensors of NumPy's result dtype for them (numbers become 0-d tensors)."""
    dtype = result_dtype(args)
    return [tensor(a, dtype) for a in args]


def alias(x: Tensor) -> Tensor:
    """A new tensor for the same values, in the graph: what a function returns where NumPy
    would hand back its argument (the user's tensor itself must not become an ArrayTensor)."""
    return chainrule.reshape(x, tuple(x.shape))


def as_tensor(a) -> Tensor:
    """The one array argument of a function (its dtype kept)."""
    return a if isinstance(a, Tensor) else tensor(a)


# --- axes -------------------------------------------------------------------------------

def axes(axis, ndim: int) -> tuple:
    """``axis`` (None, an int or a tuple) as a tuple of non-negative axes; NumPy's AxisError
    for one out of range."""
    if axis is None:
        return tuple(range(ndim))
    from numpy.lib.array_utils import normalize_axis_tuple
    return normalize_axis_tuple(axis, ndim)


def tensor_and_axis(a, axis) -> tuple:
    """``(x, d)``: ``a`` as a tensor and ``axis`` as a non-negative index, where ``axis=None``
    means axis 0 of the flattened array, as NumPy's ``take``, ``repeat`` and ``delete`` read it."""
    x = as_tensor(a)
    if axis is None:
        return chainrule.reshape(x, (-1,)), 0
    return x, axis_index(axis, x.ndim)


def axis_index(axis: int, ndim: int) -> int:
    """One axis, made non-negative (NumPy's AxisError if out of range)."""
    from numpy.lib.array_utils import normalize_axis_index
    return normalize_axis_index(axis, ndim)
