"""Making tensors: from data, from NumPy, ranges, constants, identity and triangle indices."""
from __future__ import annotations

import builtins
import math
import warnings

from .. import _dtypes
from .._backend import ndarray, xp
from .._shapes import new_size
from ..tensor import Tensor, _on_cpu
from .out import FACTORY, out_variant, write_out

# Integers up to 2**24 are exact in float32 (and float16 is never the default dtype).
_EXACT_IN_FLOAT32 = 2 ** 24
# The NumPy dtypes of PyTorch's dtypes (native byte order), each mapped to itself: an array
# whose dtype is one of these very objects becomes a tensor of that dtype unconverted.
_KEPT_AS_IS = {xp.dtype(d.np): xp.dtype(d.np) for d in _dtypes.ALL}

__all__ = [
    "tensor", "as_tensor", "from_numpy", "zeros", "ones", "empty", "full", "zeros_like",
    "ones_like", "empty_like", "full_like", "arange", "linspace", "logspace", "eye",
    "triu_indices", "tril_indices", "scalar_tensor", "range",
]


def not_implemented(kernel: str, dtype: _dtypes.dtype) -> NotImplementedError:
    """PyTorch's error for a kernel that has no version for ``dtype``."""
    return NotImplementedError(f'"{kernel}" not implemented for \'{dtype.scalar_name}\'')


def _infer_dtype(data) -> _dtypes.dtype:
    """The dtype PyTorch gives to nested Python data: bool, int64, or the default float.

    Data with no numbers at all (``[]``) gives the default float dtype, as in PyTorch.
    """
    kind = -1
    stack = [data]
    while stack:
        item = stack.pop()
        # Python's own numbers first, by exact type: the checks below cost ~5x more each.
        kind_of = type(item)
        if kind_of is builtins.float:
            return _dtypes.get_default_dtype()
        if kind_of is builtins.int:
            kind = 1 if kind < 1 else kind
            continue
        if isinstance(item, (list, tuple)):
            stack.extend(item)
        elif isinstance(item, Tensor):
            d = item.dtype
            kind = builtins.max(kind, d._category)
            if d.is_floating_point:
                return d if d is not _dtypes.float16 else _dtypes.get_default_dtype()
        elif isinstance(item, (builtins.bool, xp.bool_)):
            kind = builtins.max(kind, 0)
        elif isinstance(item, (builtins.int, xp.integer)):
            kind = builtins.max(kind, 1)
        elif isinstance(item, (builtins.float, xp.floating)):
            return _dtypes.get_default_dtype()
        elif isinstance(item, complex):
            raise TypeError("chainrule has no complex dtypes")
        elif isinstance(item, (str, bytes)):
            raise _text_error(data, item)
        else:
            raise RuntimeError(f"Could not infer dtype of {type(item).__name__}")
    return (_dtypes.bool, _dtypes.int64, _dtypes.get_default_dtype())[kind] if kind >= 0 \
        else _dtypes.get_default_dtype()


def _text_error(data, text) -> Exception:
    """PyTorch's error for a string in tensor data.

    PyTorch reads the shape from the first element at each depth, and a string is a sequence:
    there it is a dimension too many (ValueError); anywhere else a bad element (TypeError).
    """
    first = data
    while isinstance(first, (list, tuple)) and first:
        first = first[0]
    name = type(text).__name__
    if isinstance(first, str) and first is not data:
        return ValueError("too many dimensions 'str'. Fix: tensors hold numbers only; "
                          "encode text as numbers first (e.g. an index per word).")
    return TypeError(f"new(): invalid data type '{name}'. Fix: tensors hold numbers only; "
                     "encode text as numbers first (e.g. an index per word).")


def _holds_tensor(items) -> bool:
    for x in items:  # a loop, not any(generator): ~3x cheaper on the short lists of a lecture
        if isinstance(x, Tensor):
            return True
    return False


def _plain_kind(items, outer: bool = True) -> int:
    """2 where ``items`` (a list) holds Python floats and ints, at least one float, directly
    or in lists one level down; 1 where it holds ints only; 0 for anything else (no number at
    all, bools, tensors, NumPy scalars, deeper nesting: ``_infer_dtype`` decides there).

    Exact types only, so the answer is the dtype ``_infer_dtype`` would find (default float
    or int64) at the cost of one pass with no isinstance calls.
    """
    kind = 0
    for x in items:
        of = type(x)
        if of is float:
            kind = 2
        elif of is int:
            kind = kind or 1
        elif of is list and outer:
            inner = _plain_kind(x, False)
            if not inner:
                return 0
            if inner > kind:
                kind = inner
        else:
            return 0
    return kind


def _conversion_error(error: Exception, d: _dtypes.dtype) -> Exception:
    """PyTorch's error for nested data NumPy could not convert: ragged lists, or an integer
    out of the dtype's range."""
    if isinstance(error, OverflowError):
        return RuntimeError(f"value cannot be converted to type {d.name} without overflow")
    return ValueError(f"expected sequence of equal-length lists ({error})")


def _nested_to_array(data, np_dtype):
    if isinstance(data, Tensor):
        return data._data.astype(np_dtype)
    if isinstance(data, (list, tuple)) and data and _holds_tensor(data):
        return xp.stack([_nested_to_array(x, np_dtype) for x in data]) if data else \
            xp.zeros((0,), dtype=np_dtype)
    out = xp.array(data, dtype=np_dtype)
    if out.dtype == object:
        raise ValueError("expected sequence of equal-length lists")
    return out


def tensor(data, dtype=None, device=None, requires_grad: bool = False,
           pin_memory: bool = False) -> Tensor:
    """A new tensor holding a copy of ``data`` (numbers, nested lists, arrays or tensors).

    Python floats give the default dtype (float32), Python ints int64, bools bool;
    a NumPy array keeps its dtype.

    >>> torch.tensor([[2, 1, 0.5, 0], [4, 2, 2.0, 1]]).dtype
    torch.float32
    >>> torch.tensor([1, 2]).dtype
    torch.int64
    """
    if dtype is None and device is None:
        # The commonest literals, torch.tensor(1.0, requires_grad=True) and lists (or lists
        # of lists) of Python floats and ints: the dtype from one pass over exact types, none
        # of the general path's checks, and a new float leaf needs none of requires_grad's
        # (a few calls less for the lecture's first lines).
        kind = 2 if type(data) is builtins.float else _plain_kind(data) if type(data) is list \
            else 0
        if kind:
            d = _dtypes._default_float if kind == 2 else _dtypes.int64
            try:
                t = Tensor._make(xp.array(data, dtype=d.np))
            except (ValueError, OverflowError) as e:
                raise _conversion_error(e, d) from None
            if kind == 2:
                t._requires_grad = builtins.bool(requires_grad)
            elif requires_grad:
                t.requires_grad_(True)  # (refused: only floating tensors can require grad)
            return t
        if type(data) is ndarray and _KEPT_AS_IS.get(data.dtype) is data.dtype:
            # An array of one of PyTorch's dtypes: the copy below, without its lookups (the
            # copy keeps that dtype), and a float leaf needs none of requires_grad's checks.
            t = Tensor._make(xp.array(data))
            if requires_grad and data.dtype.kind == "f":
                t._requires_grad = True
            elif requires_grad:
                t.requires_grad_(True)  # (refused: only floating tensors can require grad)
            return t
    _on_cpu(device)
    if isinstance(data, ndarray) or isinstance(data, xp.generic):
        d = dtype or _dtypes.from_numpy(data.dtype)
        arr = xp.array(data, dtype=d.np)
    elif isinstance(data, Tensor):
        warnings.warn(  # PyTorch's warning: the copy leaves the graph, which may surprise
            "To copy construct from a tensor, it is recommended to use "
            "sourceTensor.detach().clone() or sourceTensor.detach().clone().requires_grad_(True),"
            " rather than torch.tensor(sourceTensor).", UserWarning, stacklevel=2)
        arr = data._data.astype((dtype or data.dtype).np)
    else:
        d = dtype or _infer_dtype(data)
        try:
            arr = _nested_to_array(data, d.np)
        except (ValueError, OverflowError) as e:
            raise _conversion_error(e, d) from None
    t = Tensor._make(arr)
    if requires_grad:
        t.requires_grad_(True)
    return t


def as_tensor(data, dtype=None, device=None) -> Tensor:
    """Like ``tensor`` but shares memory with a NumPy array (or tensor) of the right dtype.

    >>> import numpy as np, chainrule as torch
    >>> a = np.zeros(2); t = torch.as_tensor(a); a[0] = 5; t
    tensor([5., 0.], dtype=torch.float64)
    """
    _on_cpu(device)
    if isinstance(data, Tensor):
        return data if dtype is None or dtype is data.dtype else data.to(dtype)
    if isinstance(data, ndarray):
        t = from_numpy(data)
        return t if dtype is None or dtype is t.dtype else t.to(dtype)
    return tensor(data, dtype=dtype)


def from_numpy(array: ndarray) -> Tensor:
    """A tensor that shares memory with ``array``: changing one changes the other.

    >>> import numpy as np, chainrule as torch
    >>> a = np.arange(3); t = torch.from_numpy(a); t[0] = 7; a
    array([7, 1, 2])
    """
    if not isinstance(array, ndarray):
        raise TypeError(f"expected np.ndarray (got {type(array).__name__})")
    _dtypes.from_numpy(array.dtype)  # raises for dtypes PyTorch does not have
    return Tensor._make(array)


def _make(fill, size, dtype, requires_grad, fn: str = "") -> Tensor:
    d = dtype or _dtypes.get_default_dtype()
    t = Tensor._make(fill(new_size(size, fn), d.np))
    if requires_grad:
        t.requires_grad_(True)
    return t


@out_variant(FACTORY)
def zeros(*shape, size=None, dtype=None, device=None, requires_grad: bool = False) -> Tensor:
    """A tensor of zeros.

    >>> torch.zeros(2, 2)
    tensor([[0., 0.],
            [0., 0.]])
    """
    _on_cpu(device)
    size = shape if size is None else (size,)  # torch.zeros(2, 3) or (size=(2, 3))
    return _make(lambda s, d: xp.zeros(s, d), size, dtype, requires_grad, "zeros")


@out_variant(FACTORY)
def ones(*shape, size=None, dtype=None, device=None, requires_grad: bool = False) -> Tensor:
    """A tensor of ones.

    >>> torch.ones(3)
    tensor([1., 1., 1.])
    """
    _on_cpu(device)
    size = shape if size is None else (size,)  # torch.zeros(2, 3) or (size=(2, 3))
    return _make(lambda s, d: xp.ones(s, d), size, dtype, requires_grad)


@out_variant(FACTORY)
def empty(*shape, size=None, dtype=None, device=None, requires_grad: bool = False,
          memory_format=None) -> Tensor:
    """An uninitialised tensor (chainrule fills it with zeros, so it is deterministic).

    >>> torch.empty(2).shape
    torch.Size([2])
    """
    _on_cpu(device)
    size = shape if size is None else (size,)  # torch.zeros(2, 3) or (size=(2, 3))
    return _make(lambda s, d: xp.zeros(s, d), size, dtype, requires_grad)


@out_variant(FACTORY)
def full(size, fill_value, dtype=None, device=None, requires_grad: bool = False) -> Tensor:
    """A tensor filled with ``fill_value``; its dtype follows the value, as in PyTorch.

    >>> torch.full((2,), 7)
    tensor([7, 7])
    """
    _on_cpu(device)
    if dtype is None:
        dtype = _infer_dtype(fill_value.item() if isinstance(fill_value, Tensor) else fill_value)
    if isinstance(fill_value, Tensor):
        fill_value = fill_value.item()
    return _make(lambda s, d: xp.full(s, fill_value, d), (size,), dtype, requires_grad)


def _like(fn, input, dtype, requires_grad, *args):
    return fn(*args, input.shape, dtype=dtype or input.dtype, requires_grad=requires_grad) \
        if args else fn(input.shape, dtype=dtype or input.dtype, requires_grad=requires_grad)


def zeros_like(input, dtype=None, device=None, requires_grad=False, memory_format=None):
    """Zeros with the shape (and dtype) of ``input``.

    >>> torch.zeros_like(torch.tensor([[1, 2], [3, 4]], dtype=torch.int32))
    tensor([[0, 0],
            [0, 0]], dtype=torch.int32)
    """
    _on_cpu(device)
    return zeros(input.shape, dtype=dtype or input.dtype, requires_grad=requires_grad)


def ones_like(input, dtype=None, device=None, requires_grad=False, memory_format=None):
    """Ones with the shape (and dtype) of ``input``.

    >>> torch.ones_like(torch.zeros(2, dtype=torch.float64))
    tensor([1., 1.], dtype=torch.float64)
    """
    _on_cpu(device)
    return ones(input.shape, dtype=dtype or input.dtype, requires_grad=requires_grad)


def empty_like(input, dtype=None, device=None, requires_grad=False, memory_format=None):
    """An uninitialised (zero) tensor with the shape of ``input``.

    >>> torch.empty_like(torch.zeros(2, 3)).shape
    torch.Size([2, 3])
    """
    _on_cpu(device)
    return zeros(input.shape, dtype=dtype or input.dtype, requires_grad=requires_grad)


def full_like(input, fill_value, dtype=None, device=None, requires_grad=False,
              memory_format=None):
    """``fill_value`` everywhere, with the shape and dtype of ``input``.

    >>> torch.full_like(torch.zeros(2), 7.)
    tensor([7., 7.])
    >>> torch.full_like(torch.tensor([1, 2]), 2.7)  # the integer dtype truncates
    tensor([2, 2])
    """
    _on_cpu(device)
    return full(input.shape, fill_value, dtype=dtype or input.dtype, requires_grad=requires_grad)


@out_variant(FACTORY, count_warning=True)
def arange(start, end=None, step=1, dtype=None, device=None, requires_grad=False, *,
           out=None) -> Tensor:
    """Values from ``start`` up to (not including) ``end`` in steps of ``step``.

    Integer arguments give int64; any float argument gives the default dtype.

    >>> torch.arange(4.0)
    tensor([0., 1., 2., 3.])
    """
    if out is not None:
        return write_out(out, arange, (start, end, step), {
            "dtype": dtype, "device": device, "requires_grad": requires_grad})
    if end is None and step == 1 and type(step) is builtins.int and dtype is None \
            and device is None and (type(start) is builtins.float or type(start) is builtins.int):
        # torch.arange(n), the commonest call: the computation below with start 0 and step 1
        # (0 + i * 1 is i), without its general argument handling.  The integers i are exact
        # in float32 up to 2**24, so NumPy's arange makes them in the result's dtype directly
        # (no float64 array to cast).
        n = builtins.max(0, math.ceil(start))
        if type(start) is builtins.int:
            t = Tensor._make(xp.arange(n, dtype=xp.int64))
        elif n <= _EXACT_IN_FLOAT32:
            t = Tensor._make(xp.arange(n, dtype=_dtypes.get_default_dtype().np))
        else:
            t = Tensor._make(xp.arange(n, dtype=xp.float64).astype(_dtypes.get_default_dtype().np))
        if requires_grad:
            t.requires_grad_(True)
        return t
    _on_cpu(device)
    if end is None:
        start, end = 0, start
    values = [v.item() if isinstance(v, Tensor) else v for v in (start, end, step)]
    start, end, step = values
    if step == 0:
        raise RuntimeError("step must be nonzero")
    if dtype is _dtypes.bool:
        raise not_implemented("arange_cpu", dtype)
    if dtype is _dtypes.int64 and builtins.int(step) == 0:
        raise ValueError("step must be nonzero")  # PyTorch takes the step as an int64 first
    if dtype is None:
        is_float = any(isinstance(v, (builtins.float, xp.floating)) for v in values)
        dtype = _dtypes.get_default_dtype() if is_float else _dtypes.int64
    n = builtins.max(0, math.ceil((end - start) / step))
    # start + i*step computed in float64, as PyTorch does, then cast: this gives the same
    # last digits as torch.arange(-5, 5, 0.1) rather than NumPy's accumulated steps.
    data = (start + xp.arange(n, dtype=xp.float64) * step) if n else xp.zeros(0)
    return _make(lambda s, d: data.astype(d), (n,), dtype, requires_grad)


@out_variant(FACTORY)
def linspace(start, end, steps: int, dtype=None, device=None, requires_grad=False) -> Tensor:
    """``steps`` evenly spaced values from ``start`` to ``end`` inclusive.

    >>> torch.linspace(0, 1, 5)
    tensor([0.0000, 0.2500, 0.5000, 0.7500, 1.0000])
    """
    _on_cpu(device)
    if steps < 0:
        raise RuntimeError("number of steps must be non-negative")
    if dtype is _dtypes.bool:
        raise not_implemented("linspace_cpu", dtype)
    data = xp.linspace(start, end, steps)
    return _make(lambda s, d: data.astype(d), (steps,), dtype, requires_grad)


@out_variant(FACTORY)
def logspace(start, end, steps: int, base: float = 10.0, dtype=None, device=None,
             requires_grad=False) -> Tensor:
    """``steps`` values from ``base**start`` to ``base**end``, evenly spaced in the exponent.

    >>> torch.logspace(0, 2, 3)
    tensor([  1.,  10., 100.])
    >>> torch.logspace(0, 3, 4, base=2)
    tensor([1., 2., 4., 8.])
    """
    _on_cpu(device)
    if dtype is _dtypes.bool:
        raise not_implemented("logspace_cpu", dtype)
    data = base ** xp.linspace(start, end, steps)
    return _make(lambda s, d: data.astype(d), (steps,), dtype, requires_grad)


@out_variant(FACTORY)
def eye(n: int, m: int | None = None, dtype=None, device=None, requires_grad=False) -> Tensor:
    """The identity matrix (``n`` by ``m``).

    >>> torch.eye(2)
    tensor([[1., 0.],
            [0., 1.]])
    """
    _on_cpu(device)
    m = n if m is None else m
    return _make(lambda s, d: xp.eye(n, m, dtype=d), (n, m), dtype, requires_grad)


def triu_indices(row: int, col: int, offset: int = 0, *, dtype=None, device=None):
    """The ``(2, n)`` row and column indices of a ``row x col`` matrix's upper triangle.

    >>> torch.triu_indices(2, 2)
    tensor([[0, 0, 1],
            [0, 1, 1]])
    """
    return _triangle(xp.triu_indices(row, offset, col), dtype)


def tril_indices(row: int, col: int, offset: int = 0, *, dtype=None, device=None):
    """The ``(2, n)`` row and column indices of a ``row x col`` matrix's lower triangle.

    >>> torch.tril_indices(2, 2)
    tensor([[0, 1, 1],
            [0, 0, 1]])
    """
    return _triangle(xp.tril_indices(row, offset, col), dtype)


def _triangle(indices, dtype):
    out = xp.stack(indices).reshape(2, -1).astype(dtype.np if dtype is not None else xp.int64)
    return Tensor._make(out)


def scalar_tensor(s, *, dtype=None, device=None, requires_grad: bool = False):
    """A 0-d tensor holding the number ``s`` (default float dtype).

    >>> torch.scalar_tensor(3)
    tensor(3.)
    """
    return tensor(float(s), dtype=dtype or _dtypes.get_default_dtype(), requires_grad=requires_grad)


def range(start, end, step=1, *, dtype=None, device=None,  # noqa: A001 - PyTorch's name
          requires_grad: bool = False):
    """Values from ``start`` to ``end`` inclusive (deprecated in PyTorch: use ``arange``).

    The default dtype is the default float dtype, whatever the arguments.

    >>> import chainrule as torch, warnings
    >>> with warnings.catch_warnings(record=True) as caught:
    ...     warnings.simplefilter("always")
    ...     torch.range(1, 2, 0.5), caught[0].category.__name__
    (tensor([1.0000, 1.5000, 2.0000]), 'UserWarning')
    """
    warnings.warn("torch.range is deprecated and will be removed in a future release because "
                  "its behavior is inconsistent with Python's range builtin. Instead, use "
                  "torch.arange, which produces values in [start, end).", UserWarning,
                  stacklevel=2)
    if step == 0:
        raise RuntimeError("step must be nonzero")
    count = max(int((end - start) // step) + 1, 0)
    values = arange(count, dtype=_dtypes.float64) * step + start
    out = values.to(dtype or _dtypes.get_default_dtype())
    return out.requires_grad_() if requires_grad else out
