"""``ArrayTensor``'s operators and methods: NumPy's, so user code written for arrays runs on it.

Operators go to the namespace's ufuncs (NumPy's promotion: ``float32 * np.float64(2)``
is float64); ``x.sum(axis=0)``, ``x.std()`` (``ddof=0``), ``x.max(axis=1)`` (values, not
PyTorch's (values, indices)), ``x.size`` (an int), ``x.shape`` (a tuple) mean what they
mean in NumPy.  In-place operators rebind (``x += 1`` is ``x = x + 1``), as in HIPS
autograd, so a graph is never cut.

chainrule's own code also calls methods on tensors, PyTorch-style (``x.sum(dim,
keepdim=True)`` inside a derivative rule).  Where the two spellings differ, a method
recognises PyTorch's by its keywords (``dim=``, ``keepdim=``, ``unbiased=``, ...) or a
bool in the second position and hands it to Tensor's method.
"""
from __future__ import annotations

import numpy

from chainrule import Tensor

from . import _elementwise, _indexing, _products, _protocol, _reductions, _shapes
from ._core import ArrayTensor, fast_operator, fast_unary, numpy_dtype, output, tensor
from ._ufuncs import UFUNCS

_TORCH_KEYWORDS = frozenset({"dim", "keepdim", "unbiased", "correction", "descending",
                             "stable", "start_dim", "end_dim", "dtype_torch", "as_tuple"})


def _torch_style(args, kwargs) -> bool:
    if kwargs and not _TORCH_KEYWORDS.isdisjoint(kwargs):
        return True
    return len(args) >= 2 and isinstance(args[1], bool)


def _tensors_out(function):
    """``function`` of the namespace as an ArrayTensor method: NumPy's meaning, and tensors
    out (also without a graph: chainrule's own rules call these methods during backward)."""
    if getattr(function, "values_only", False):  # argmax, any, ...: NumPy's values, as tensors
        return lambda self, *args, **kwargs: output(function(self, *args, **kwargs), keep=True)
    impl = function.__wrapped__  # the graph path, taken with or without a graph
    return lambda self, *args, **kwargs: output(impl(self, *args, **kwargs), keep=True)


def _dual(name: str, function):
    """A method that is NumPy's, unless called with PyTorch's spelling (then Tensor's)."""
    torch_method = getattr(Tensor, name)
    numpy_method = _tensors_out(function)

    def method(self, *args, **kwargs):
        if _torch_style(args, kwargs):
            return torch_method(self, *args, **kwargs)
        return numpy_method(self, *args, **kwargs)
    method.__name__ = name
    method.__doc__ = f"NumPy's ``ndarray.{name}`` (PyTorch's spelling goes to Tensor.{name})."
    return method


def _extreme(name: str, function):
    torch_method = getattr(Tensor, name)
    numpy_method = _tensors_out(function)

    def method(self, *args, **kwargs):
        # PyTorch's max(other) (elementwise) and max(dim, keepdim) return other things.
        if _torch_style(args, kwargs) or (args and isinstance(args[0], Tensor)):
            return torch_method(self, *args, **kwargs)
        return numpy_method(self, *args, **kwargs)
    method.__name__ = name
    method.__doc__ = f"NumPy's ``ndarray.{name}``: the values (no indices)."
    return method


class _Size(int):
    """``x.size``: NumPy's element count (an int) that can also be called as PyTorch's
    ``x.size()``/``x.size(dim)``, which chainrule's own code does."""

    def __new__(cls, shape):
        n = int(numpy.prod(shape, dtype=numpy.int64))
        obj = super().__new__(cls, n)
        obj._shape = shape
        return obj

    def __call__(self, dim=None):
        from chainrule import Size
        if dim is None:
            return Size(self._shape)
        return self._shape[dim]


def _shape_args(args) -> tuple:
    if len(args) == 1 and not isinstance(args[0], int):
        return tuple(args[0])
    return args


def _method(function):
    """A namespace function as a plain method: NumPy's meaning, tensors out."""
    return _tensors_out(function)


_reshape_impl = _method(_shapes.reshape)
_transpose_impl = _method(_shapes.transpose)
_ravel_impl = _method(_shapes.ravel)
_copy_impl = _method(_shapes.copy)


def _reshape(self, *shape, order="C"):
    return _reshape_impl(self, _shape_args(shape), order=order)


def _transpose(self, *axes):
    axes = _shape_args(axes)
    if not axes:
        return _transpose_impl(self)
    if len(axes) == 2 and self.ndim != 2:  # PyTorch's transpose(dim0, dim1)
        return Tensor.transpose(self, *axes)
    return _transpose_impl(self, axes)


def _flatten(self, *args, **kwargs):
    if (args and isinstance(args[0], int)) or not _TORCH_KEYWORDS.isdisjoint(kwargs):
        return Tensor.flatten(self, *args, **kwargs)
    return _ravel_impl(self, args[0] if args else kwargs.get("order", "C"))


def _astype(self, dtype, order="K", casting="unsafe", subok=True, copy=True):
    result = tensor(self, numpy_dtype(dtype))
    if result is self:
        return _copy_impl(self) if copy else self
    return output(result, keep=True)


def _sort(self, *args, **kwargs):
    if _torch_style(args, kwargs) or (args and isinstance(args[0], int) and not kwargs):
        return Tensor.sort(self, *args, **kwargs)
    raise TypeError("x.sort() sorts in place, which chainrule.numpy cannot record. Fix: "
                    "x = np.sort(x).")


def _nonzero(self, *args, **kwargs):
    if "as_tuple" in kwargs:
        return Tensor.nonzero(self, *args, **kwargs)
    return output(_indexing.nonzero(self), keep=True)


def _getitem(self, key):
    return output(Tensor.__getitem__(self, _index_key(key)), keep=True)


def _index_key(key):
    # Index arrays given as ArrayTensors (rare: indices carry no gradient) are read as values.
    if isinstance(key, tuple):
        return tuple(k.numpy(force=True) if isinstance(k, ArrayTensor) else k for k in key)
    return key.numpy(force=True) if isinstance(key, ArrayTensor) else key


def _iter(self):
    if self.ndim == 0:
        raise TypeError("iteration over a 0-d array")
    return (self[i] for i in range(self.shape[0]))


def _binary(name: str, reflected: bool = False):
    operator = fast_operator(UFUNCS[name], reflected)
    operator.__name__ = f"__{'r' if reflected else ''}{name}__"
    return operator


def _unary(name: str):
    return fast_unary(UFUNCS[name])


def _tensor_operator(name: str):
    """An operator whose result has no gradient (comparisons, ``//``, ``&``): Tensor's own,
    as a tensor (a bool mask is the same in NumPy and PyTorch)."""
    op = getattr(Tensor, name)

    def method(self, *other):
        other = [o.numpy(force=True) if isinstance(o, (list, tuple)) else o for o in other]
        return output(op(self, *other), keep=True)
    return method


_OPERATORS = {"add": "add", "sub": "subtract", "mul": "multiply", "truediv": "divide",
              "mod": "remainder", "pow": "power", "matmul": "matmul"}


def install() -> None:
    """Give ArrayTensor its NumPy operators and methods (called once, by the namespace)."""
    cls = ArrayTensor
    for op, name in _OPERATORS.items():
        setattr(cls, f"__{op}__", _binary(name))
        setattr(cls, f"__r{op}__", _binary(name, reflected=True))
        setattr(cls, f"__i{op}__", _binary(name))  # x += y rebinds x, as HIPS autograd does
    for op in ("eq", "ne", "lt", "le", "gt", "ge", "floordiv", "rfloordiv", "and", "rand",
               "or", "ror", "xor", "rxor", "invert"):
        setattr(cls, f"__{op}__", _tensor_operator(f"__{op}__"))
    cls.__hash__ = Tensor.__hash__  # defining __eq__ would otherwise make it unhashable
    cls.__neg__ = _unary("negative")
    cls.__pos__ = _unary("positive")
    cls.__abs__ = _unary("absolute")
    cls.__getitem__ = _getitem
    cls.__iter__ = _iter

    cls.shape = property(lambda self: tuple(self.numpy(force=True).shape),
                         doc="The shape, as a tuple (NumPy's ``ndarray.shape``).")
    cls.size = property(lambda self: _Size(tuple(self.numpy(force=True).shape)),
                        doc="The number of elements (NumPy's ``ndarray.size``).")
    cls.T = property(_method(_shapes.transpose), doc="The axes reversed.")
    cls.mT = property(lambda self: _method(_shapes.swapaxes)(self, -2, -1),
                      doc="The last two axes swapped.")
    cls.real = property(_method(_shapes.real), doc="The real part: a copy.")
    cls.imag = property(_method(_shapes.imag), doc="The imaginary part: zeros.")
    cls.itemsize = property(lambda self: self.numpy(force=True).itemsize)
    cls.nbytes = property(lambda self: self.numpy(force=True).nbytes)

    for name in ("sum", "mean", "prod", "std", "var", "all", "any", "argmax", "argmin",
                 "cumsum", "cumprod", "argsort", "squeeze", "trace", "diagonal"):
        source = _reductions if hasattr(_reductions, name) else _shapes
        setattr(cls, name, _dual(name, getattr(source, name)))
    cls.clip = _dual("clip", _indexing.clip)
    cls.max = _extreme("max", _reductions.max)
    cls.min = _extreme("min", _reductions.min)
    cls.reshape = _reshape
    cls.transpose = _transpose
    cls.flatten = _flatten
    cls.ravel = _method(_shapes.ravel)
    cls.swapaxes = _method(_shapes.swapaxes)
    cls.astype = _astype
    cls.copy = _copy_impl
    cls.conj = cls.conjugate = _unary("conjugate")
    cls.dot = _method(_products.dot)
    cls.take = _method(_indexing.take)
    cls.repeat = _method(_shapes.repeat)
    cls.round = _method(_elementwise.round)
    cls.sort = _sort
    cls.nonzero = _nonzero
    cls.searchsorted = _method(_indexing.searchsorted)
    cls.__array_ufunc__ = _protocol.array_ufunc_method
    cls.__array_function__ = _protocol.array_function_method
