"""Reductions: ``sum``, ``mean``, ``max``, ``var``, ``norm``, ``logsumexp``, cumulative sums, ...

Each checks its ``dim``/``keepdim``/``dtype`` arguments as PyTorch does, then
calls its row in ``chainrule.ops.reduction``.
"""
from __future__ import annotations

import builtins
import warnings

from .. import _dtypes
from .._backend import ndarray, xp
from .._shapes import normalize_dims, size_argument
from ..ops import activation as activation_ops
from ..ops import reduction as reduction_ops
from ..tensor import Tensor
from .arguments import accept_numpy_names, require_tensor
from .comparison import isnan, logical_not
from .creation import not_implemented
from .out import CAST, DTYPE, FLOAT_DTYPE, FLOATING, SAME, out_variant
from .pointwise import maximum, minimum, where
from .return_types import MinMax, ValuesIndices

__all__ = [
    "sum", "mean", "prod", "amax", "amin", "max", "min", "argmax", "argmin", "var", "std", "norm",
    "logsumexp", "cumsum", "cumprod", "all", "any", "std_mean", "var_mean", "softmax",
    "log_softmax", "nansum", "nanmean", "logcumsumexp", "aminmax", "dist", "count_nonzero",
    "renorm",
]

# PyTorch's words when max() or min() of a whole tensor cannot be cast into out.
_CAN_CAST = ("Expected canCast( typeMetaToScalarType(self.dtype()), "
             "typeMetaToScalarType(out.dtype())) to be true, but got false.  (Could this error "
             "message be improved?  If so, please report an enhancement request to PyTorch.)")

_DTYPES_DIFFER = ("Expected the dtype for input and out to match, but got {result} for input's "
                  "dtype and {out} for out's dtype.")
_NANSUM_INTEGER = "\"nansum_cpu\" not implemented for '{out}'"
_INT64 = xp.dtype(xp.int64)


def _numpy_names(dim, keepdim, axis, keepdims, name: str) -> tuple:
    """``(dim, keepdim)`` where NumPy's ``axis=``/``keepdims=`` were given: what
    ``accept_numpy_names`` does, as parameters of the hottest reductions (sum, mean, max,
    min), whose methods then run no wrapper frame."""
    if axis is not None:
        if dim is not None:
            raise TypeError(f"{name}() got multiple values for argument 'dim'")
        dim = axis
    return dim, keepdim if keepdims is None else keepdims


def _sum_dtype(input, dtype):
    if dtype is not None:
        return dtype.np
    # (input.dtype.is_floating_point, read from the array: Tensor.dtype is a lookup)
    if input._data.dtype.kind != "f":
        return xp.int64  # integer and bool sums are int64 in PyTorch
    return None


@out_variant(DTYPE)
def sum(input, dim=None, keepdim: bool = False, *, dtype=None,  # noqa: A001
        axis=None, keepdims=None):
    """Sum of all elements, or over ``dim`` (an int or a tuple; NumPy's ``axis=`` and
    ``keepdims=`` are accepted too, as PyTorch does).

    >>> torch.sum(torch.tensor([[1., 2.], [3., 4.]]), dim=0)
    tensor([4., 6.])
    """
    if type(input) is not Tensor:  # (the check's call, skipped for the usual tensor)
        require_tensor(input, "sum", "input", 1)
    if axis is not None or keepdims is not None:
        dim, keepdim = _numpy_names(dim, keepdim, axis, keepdims, "sum")
    data = input._data
    # The common float sums, of everything or over one dim in range, inlined
    # (normalize_dims and _sum_dtype would be two calls more).
    if dtype is None and data.dtype.kind == "f":
        if dim is None:
            return reduction_ops.sum_all(input, None)
        if type(dim) is int and 0 <= dim < data.ndim:
            return reduction_ops.sum_dims(input, (dim,), keepdim, None)
    dims = normalize_dims(dim, data.ndim)
    if dims is None and dim is None:
        return reduction_ops.sum_all(input, _sum_dtype(input, dtype))
    return reduction_ops.sum_dims(input, dims, keepdim, _sum_dtype(input, dtype))


@out_variant(FLOAT_DTYPE)
def mean(input, dim=None, keepdim: bool = False, *, dtype=None, axis=None, keepdims=None):
    """Arithmetic mean of all elements, or over ``dim`` (or NumPy's ``axis=``, ``keepdims=``).

    >>> torch.tensor([1., 2., 3., 4.]).mean()
    tensor(2.5000)
    """
    if type(input) is not Tensor:  # (the check's call, skipped for the usual tensor)
        require_tensor(input, "mean", "input", 1)
    if axis is not None or keepdims is not None:
        dim, keepdim = _numpy_names(dim, keepdim, axis, keepdims, "mean")
    if dtype is not None:
        input = input.to(dtype)
    data = input._data  # (its dtype and ndim: Tensor's are lookups)
    if data.dtype.kind != "f":
        raise RuntimeError(
            "mean(): could not infer output dtype. Input dtype must be either a floating point "
            f"or complex dtype. Got: {input.dtype.name.capitalize()}. Fix: call .float() "
            "first.")
    if dim is None:
        return reduction_ops.mean_all(input)
    if type(dim) is int and 0 <= dim < data.ndim:  # (normalize_dims' common case, inlined)
        return reduction_ops.mean_dims(input, (dim,), keepdim)
    return reduction_ops.mean_dims(input, normalize_dims(dim, data.ndim), keepdim)


@out_variant(DTYPE)
@accept_numpy_names
def prod(input, dim=None, keepdim: bool = False, *, dtype=None):
    """Product of all elements, or along one ``dim``.

    >>> torch.tensor([1., 2., 3.]).prod()
    tensor(6.)
    """
    if dtype is not None:
        input = input.to(dtype)
    elif not input.dtype.is_floating_point:
        input = input.long()
    if dim is None:
        return reduction_ops.prod_all(input)
    return reduction_ops.prod_dim(input, normalize_dims(dim, input.ndim), keepdim)


@out_variant(SAME, message=_DTYPES_DIFFER)
@accept_numpy_names
def amax(input, dim=(), keepdim: bool = False):
    """Largest value over ``dim`` (all dims by default); ties share the gradient.

    >>> torch.amax(torch.tensor([[1., 5.], [3., 2.]]), dim=1)
    tensor([5., 3.])
    """
    _check_nonempty(input, dim, "amax")
    return reduction_ops.amax(input, normalize_dims(dim, input.ndim), keepdim)


@out_variant(SAME, message=_DTYPES_DIFFER)
@accept_numpy_names
def amin(input, dim=(), keepdim: bool = False):
    """Smallest value over ``dim`` (all dims by default).

    >>> torch.amin(torch.tensor([[3., 1.], [0., 2.]]))
    tensor(0.)
    """
    _check_nonempty(input, dim, "amin")
    return reduction_ops.amin(input, normalize_dims(dim, input.ndim), keepdim)


def _check_nonempty(input, dim, name):
    """PyTorch's errors for a max-like reduction over no elements (there is no identity)."""
    if input.numel() == 0 and (dim is None or dim == ()):
        error = RuntimeError if name in ("amax", "amin", "max", "min") else IndexError
        raise error(f"{name}(): Expected reduction dim to be specified for input.numel() == 0. "
                    "Specify the reduction dim with the 'dim' argument.")
    if input.numel() == 0 and input.ndim:
        for d in normalize_dims(dim, input.ndim):
            if input.shape[d] == 0:
                raise IndexError(f"{name}(): Expected reduction dim {d} to have non-zero size.")


def _extreme(input, dim, keepdim, other, name, all_op, dim_op, pick, pairwise):
    if isinstance(dim, Tensor):  # torch.max(a, b): elementwise
        return pairwise(input, dim)
    if other is not None:
        return pairwise(input, other)
    if dim is None:
        if input.numel() == 0:
            raise RuntimeError(
                f"{name}(): Expected reduction dim to be specified for input.numel() == 0. "
                "Specify the reduction dim with the 'dim' argument.")
        return all_op(input)
    data = input._data
    if data.size == 0:
        _check_nonempty(input, dim, name)
    ndim = data.ndim
    d = dim if type(dim) is int and 0 <= dim < ndim else normalize_dims(dim, ndim)[0]
    if ndim:
        index = pick(data, d, None, keepdims=keepdim)
        if type(index) is not ndarray:  # a NumPy scalar (a 1-d input, keepdim=False)
            index = xp.asarray(index)
        if index.dtype is not _INT64:  # (intp is int64 on 64-bit machines: no call there)
            index = index.astype(xp.int64)
    else:
        index = xp.zeros((), xp.int64)
    index = Tensor._make(index)
    return ValuesIndices(dim_op(input, d, keepdim, index), index, name)


@out_variant(CAST, message=_CAN_CAST)
def max(input, dim=None, keepdim: bool = False, *, other=None,  # noqa: A001
        axis=None, keepdims=None):
    """The largest element, or ``(values, indices)`` along ``dim`` (or NumPy's ``axis=``,
    ``keepdims=``), or an elementwise maximum.

    >>> torch.tensor([[1., 5.], [3., 2.]]).max(dim=1).indices
    tensor([1, 0])
    """
    if axis is not None or keepdims is not None:
        dim, keepdim = _numpy_names(dim, keepdim, axis, keepdims, "max")
    return _extreme(input, dim, keepdim, other, "max", reduction_ops.max_all,
                    reduction_ops.max_dim, _argmax, maximum)


@out_variant(CAST, message=_CAN_CAST)
def min(input, dim=None, keepdim: bool = False, *, other=None,  # noqa: A001
        axis=None, keepdims=None):
    """The smallest element, or ``(values, indices)`` along ``dim`` (or NumPy's ``axis=``,
    ``keepdims=``), or an elementwise minimum.

    >>> torch.tensor([[1., 5.], [3., 2.]]).min()
    tensor(1.)
    """
    if axis is not None or keepdims is not None:
        dim, keepdim = _numpy_names(dim, keepdim, axis, keepdims, "min")
    return _extreme(input, dim, keepdim, other, "min", reduction_ops.min_all,
                    reduction_ops.min_dim, _argmin, minimum)


# NumPy's argmax and argmin take the first NaN of a slice as its extreme, as PyTorch does.
# (The array methods: np.argmax is a Python layer over them.)
_argmax = ndarray.argmax
_argmin = ndarray.argmin


def _flat_index(input, keepdim: bool, find) -> Tensor:
    """``find`` (``_argmax`` or ``_argmin``) over the flattened tensor: a 0-d index, shaped
    ``(1, ..., 1)`` with ``keepdim``."""
    out = xp.asarray(find(input._data.reshape(-1), 0))
    return Tensor._make(out.reshape((1,) * input.ndim) if keepdim else out)


@out_variant(SAME)
@accept_numpy_names
def argmax(input, dim=None, keepdim: bool = False):
    """Index of the largest value (of the flattened tensor when ``dim`` is None).

    >>> torch.argmax(torch.tensor([1., 7., 3.]))
    tensor(1)
    """
    _check_nonempty(input, dim, "argmax")
    if dim is None:
        return _flat_index(input, keepdim, _argmax)
    return max(input, dim, keepdim).indices


@out_variant(SAME)
@accept_numpy_names
def argmin(input, dim=None, keepdim: bool = False):
    """Index of the smallest value (of the flattened tensor when ``dim`` is None).

    >>> torch.argmin(torch.tensor([[3., 1.], [0., 2.]]))
    tensor(2)
    >>> torch.argmin(torch.tensor([[3., 1.], [0., 2.]]), dim=1)
    tensor([1, 0])
    """
    _check_nonempty(input, dim, "argmin")
    if dim is None:
        return _flat_index(input, keepdim, _argmin)
    return min(input, dim, keepdim).indices


def _var_args(input, dim, unbiased, correction, name):
    if not input.dtype.is_floating_point:
        raise RuntimeError(f"{name}(): std and var only support floating point and complex "
                           f"dtypes, got {input.dtype}. Fix: call .float() first.")
    if isinstance(dim, bool):  # var(x, False): PyTorch's (input, unbiased) overload
        dim, unbiased = None, dim
    elif not (isinstance(unbiased, bool) or unbiased is None):
        dim, unbiased = unbiased, None  # var(x, 0): a positional dim in the old signature
    if correction is None:
        correction = 1 if unbiased is None or unbiased else 0
    dims = normalize_dims(dim, input.ndim)
    n = reduction_ops._count(input.shape, dims) if input.numel() else 0
    if n - correction <= 0:
        warnings.warn(f"{name}(): degrees of freedom is <= 0. Correction should be strictly "
                      "less than the reduction factor (input numel divided by output numel).",
                      UserWarning, stacklevel=3)
    return dims, correction


@out_variant()
@accept_numpy_names
def var(input, dim=None, unbiased=None, keepdim: bool = False, *, correction=None):
    """Variance, with Bessel's correction by default (``correction=1``).

    >>> torch.tensor([1., 2., 3., 4.]).var()
    tensor(1.6667)
    """
    dims, correction = _var_args(input, dim, unbiased, correction, "var")
    return reduction_ops.var(input, dims, correction, keepdim)


@out_variant()
@accept_numpy_names
def std(input, dim=None, unbiased=None, keepdim: bool = False, *, correction=None):
    """Standard deviation (square root of ``var``).

    >>> torch.tensor([1., 2., 3., 4.]).std()
    tensor(1.2910)
    >>> torch.std(torch.tensor([[1., 3.], [2., 2.]]), dim=1, correction=0)
    tensor([1., 0.])
    """
    dims, correction = _var_args(input, dim, unbiased, correction, "std")
    return reduction_ops.std(input, dims, correction, keepdim)


@out_variant(SAME)
@accept_numpy_names
def norm(input, p="fro", dim=None, keepdim: bool = False, dtype=None):
    """Vector p-norm (2 by default) of all elements or over ``dim``.

    >>> torch.tensor([3., 4.]).norm()
    tensor(5.)
    """
    if dtype is not None:
        input = input.to(dtype)
    if not input.dtype.is_floating_point:
        raise RuntimeError(
            f"linalg.vector_norm: Expected a floating point or complex tensor as input. Got "
            f"{input.dtype}. Fix: call .float() first.")
    if p == "fro" or p is None:
        p = 2
    if isinstance(p, str):
        raise NotImplementedError(f"norm(p={p!r}) of a matrix is not supported; use "
                                  "torch.linalg.matrix_norm")
    return reduction_ops.vector_norm(input, float(p), normalize_dims(dim, input.ndim), keepdim)


@out_variant(FLOATING)
@accept_numpy_names
def logsumexp(input, dim, keepdim: bool = False):
    """``log(sum(exp(input)))`` over ``dim``, computed without overflow.

    >>> torch.logsumexp(torch.tensor([1000., 1000.]), dim=0)
    tensor(1000.6932)
    """
    if not input.dtype.is_floating_point:
        input = input.float()
    return reduction_ops.logsumexp(input, normalize_dims(dim, input.ndim), keepdim)


def _one_dim(dim: int, ndim: int) -> int:
    """The scan dimension, checked as PyTorch does: a 0-d tensor takes only 0 and -1."""
    return normalize_dims(dim, ndim)[0]


@out_variant(DTYPE)
@accept_numpy_names
def cumsum(input, dim: int, *, dtype=None):
    """Running sum along ``dim``.

    >>> torch.cumsum(torch.tensor([1., 2., 3.]), dim=0)
    tensor([1., 3., 6.])
    """
    if dtype is _dtypes.bool:
        raise not_implemented("cumsum_out_cpu", dtype)
    return reduction_ops.cumsum(input, _one_dim(dim, input.ndim),
                                _sum_dtype(input, dtype))


@out_variant(DTYPE)
@accept_numpy_names
def cumprod(input, dim: int, *, dtype=None):
    """Running product along ``dim``.

    >>> torch.cumprod(torch.tensor([[1, 2], [3, 4]]), dim=1)  # integers: an int64 result
    tensor([[ 1,  2],
            [ 3, 12]])
    """
    if dtype is _dtypes.bool:
        raise not_implemented("cumprod_out_cpu", dtype)
    if dtype is not None:
        input = input.to(dtype)
    elif not input.dtype.is_floating_point:
        input = input.long()
    return reduction_ops.cumprod(input, _one_dim(dim, input.ndim))


def _truth_reduce(fn, input, dim, keepdim):
    axis = normalize_dims(dim, input.ndim) if dim is not None and input.ndim else None
    out = xp.asarray(fn(input._data, axis=axis, keepdims=keepdim and bool(input.ndim)))
    # PyTorch keeps uint8 for uint8 inputs (a legacy of masks being bytes); bool otherwise.
    return Tensor._make(out.astype(xp.uint8) if input._data.dtype == xp.uint8 else out)


@out_variant(SAME, message="{fn} only supports bool tensor for result, got: {out}",
             accept=("uint8",))
@accept_numpy_names
def all(input, dim=None, keepdim: bool = False):  # noqa: A001
    """True where every element (over ``dim``) is nonzero.

    >>> torch.tensor([[True, False], [True, True]]).all(dim=1)
    tensor([False,  True])
    """
    if dim is not None:
        normalize_dims(dim, input.ndim)  # range check
    return _truth_reduce(xp.all, input, dim, keepdim)


@out_variant(SAME, message="{fn} only supports bool tensor for result, got: {out}",
             accept=("uint8",))
@accept_numpy_names
def any(input, dim=None, keepdim: bool = False):  # noqa: A001
    """True where some element (over ``dim``) is nonzero.

    >>> torch.tensor([0., 2.]).any()
    tensor(True)
    """
    if dim is not None:
        normalize_dims(dim, input.ndim)
    return _truth_reduce(xp.any, input, dim, keepdim)


@accept_numpy_names
def std_mean(input, dim=None, unbiased=None, keepdim=False, *, correction=None):
    """``(std(input, dim), mean(input, dim))`` in one call.

    >>> torch.std_mean(torch.tensor([1., 2., 3., 4.]))
    (tensor(1.2910), tensor(2.5000))
    """
    dims, correction = _var_args(input, dim, unbiased, correction, "std_mean")
    return reduction_ops.std_mean(input, dims, correction, keepdim)


@accept_numpy_names
def var_mean(input, dim=None, unbiased=None, keepdim=False, *, correction=None):
    """``(var(input, dim), mean(input, dim))`` in one call.

    >>> torch.var_mean(torch.tensor([[1., 2.], [3., 5.]]), dim=1)
    (tensor([0.5000, 2.0000]), tensor([1.5000, 4.0000]))
    """
    dims, correction = _var_args(input, dim, unbiased, correction, "var_mean")
    return reduction_ops.var_mean(input, dims, correction, keepdim)


def _legacy_softmax_dim(ndim: int, name: str) -> int:
    warnings.warn(f"Implicit dimension choice for {name} has been deprecated. Change the call "
                  "to include dim=X as an argument.", UserWarning, stacklevel=3)
    return 0 if ndim in (0, 1, 3) else 1


def _softmax_args(input, dim, dtype, name):
    if dim is None:
        dim = _legacy_softmax_dim(input.ndim, name)
    if dtype is not None:
        input = input.to(dtype)
    elif not input.dtype.is_floating_point:
        kernel = "lastdim_kernel_impl" if dim in (-1, input.ndim - 1) else "kernel_impl"
        raise NotImplementedError(
            f'"{name}_{kernel}" not implemented for \'{input.dtype.scalar_name}\'. '
            "Fix: pass dtype=torch.float32, or convert the input with .float() first.")
    return input, dim if input.ndim else 0


@out_variant(SAME)
@accept_numpy_names
def softmax(input: Tensor, dim: int | None = None, _stacklevel: int = 3, dtype=None) -> Tensor:
    """``exp(x) / exp(x).sum(dim)``, computed stably.

    >>> torch.nn.functional.softmax(torch.tensor([0., 0.]), dim=0)
    tensor([0.5000, 0.5000])
    """
    input, dim = _softmax_args(input, dim, dtype, "softmax")
    return activation_ops.softmax(input, dim)


@out_variant(SAME)
@accept_numpy_names
def log_softmax(input: Tensor, dim: int | None = None, _stacklevel: int = 3,
                dtype=None) -> Tensor:
    """``log(softmax(x))`` without overflow or ``log(0)``.

    >>> torch.nn.functional.log_softmax(torch.tensor([0., 1000.]), dim=0)
    tensor([-1000.,     0.])
    """
    input, dim = _softmax_args(input, dim, dtype, "log_softmax")
    return activation_ops.log_softmax(input, dim)


@out_variant(FLOAT_DTYPE, message=_NANSUM_INTEGER, error=NotImplementedError)
@accept_numpy_names
def nansum(input, dim=None, keepdim: bool = False, *, dtype=None):
    """``sum`` with NaN counted as zero.

    >>> torch.nansum(torch.tensor([1., float("nan"), 2.]))
    tensor(3.)
    """
    clean = where(isnan(input), 0, input) if input.dtype.is_floating_point else input
    return sum(clean, dim, keepdim, dtype=dtype)


@out_variant(FLOAT_DTYPE, message=_NANSUM_INTEGER, error=NotImplementedError)
@accept_numpy_names
def nanmean(input, dim=None, keepdim: bool = False, *, dtype=None):
    """``mean`` of the elements that are not NaN.

    >>> torch.nanmean(torch.tensor([1., float("nan"), 2.]))
    tensor(1.5000)
    """
    if not input.dtype.is_floating_point:
        raise RuntimeError("nanmean(): expected input to have floating point dtype but got "
                           f"{input.dtype.scalar_name}")
    count = sum(logical_not(isnan(input)), dim, keepdim)
    return nansum(input, dim, keepdim, dtype=dtype) / count


@out_variant(SAME, message="expected scalar_type {result} but found {out}")
@accept_numpy_names
def logcumsumexp(input, dim: int):
    """``log(cumsum(exp(input), dim))`` without overflow.

    >>> torch.logcumsumexp(torch.tensor([1000., 1000.]), 0)
    tensor([1000.0000, 1000.6932])
    """
    if not input.dtype.is_floating_point:
        raise NotImplementedError(f"{not_implemented('logcumsumexp_out_cpu', input.dtype)}. "
                                  "Fix: convert the input with .float() first.")
    return reduction_ops.logcumsumexp(input, _one_dim(dim, input.ndim))


@out_variant(SAME)
@accept_numpy_names
def aminmax(input, *, dim: int | None = None, keepdim: bool = False):
    """``(min, max)`` of all elements or along ``dim``, named ``min`` and ``max``.

    >>> torch.aminmax(torch.tensor([3., 1., 2.]))
    torch.return_types.aminmax(
    min=tensor(1.),
    max=tensor(3.))
    """
    dims = () if dim is None else dim
    return MinMax(amin(input, dims, keepdim), amax(input, dims, keepdim))


def dist(input, other, p: float = 2):
    """The ``p``-norm of ``input - other``.

    >>> torch.dist(torch.tensor([0., 0.]), torch.tensor([3., 4.]))
    tensor(5.)
    """
    return norm(input - other, p)












@accept_numpy_names
def count_nonzero(input, dim=None):
    """How many elements are non-zero, over all elements or along ``dim`` (int or tuple).

    >>> torch.count_nonzero(torch.tensor([[0, 1], [2, 3]]), dim=0)
    tensor([1, 2])
    """
    dims = normalize_dims(dim, input.ndim)
    axis = None if dims is None or input.ndim == 0 else dims
    return Tensor._make(xp.array(xp.count_nonzero(input._data, axis=axis), dtype=xp.int64))


def renorm(input, p: float, dim: int, maxnorm: float) -> Tensor:
    """Each slice ``input.select(dim, i)`` whose ``p``-norm exceeds ``maxnorm`` scaled down to
    norm ``maxnorm``; the other slices unchanged.

    >>> torch.tensor([[3., 4.], [0.3, 0.4]]).renorm(2, 0, 1.0)
    tensor([[0.6000, 0.8000],
            [0.3000, 0.4000]])
    """
    if p <= 0:
        raise RuntimeError("renorm: non-positive-norm not supported")
    if maxnorm < 0:
        raise RuntimeError(f"renorm: expected maxnorm to be >= 0 but got {maxnorm:g}")
    if input.ndim < 2:
        raise RuntimeError(f"renorm: input needs at least 2 dimensions, got {input.ndim} "
                           "dimensions")
    if not input.dtype.is_floating_point:
        raise RuntimeError("linalg.vector_norm: Expected a floating point or complex tensor as "
                           f"input. Got {input.dtype.scalar_name}. Fix: call .float() first.")
    dim = normalize_dims(dim, input.ndim)[0]
    dims = tuple(d for d in range(input.ndim) if d != dim)
    return reduction_ops.renorm(input, float(p), dims, float(maxnorm))


def sum_to_size(self, *size) -> Tensor:
    """This tensor summed down to ``size`` (a shape it broadcasts from): the leading
    dimensions and those of size 1 in ``size`` are summed (``Tensor.sum_to_size``).

    >>> torch.ones(2, 3).sum_to_size(1, 3)
    tensor([[2., 2., 2.]])
    """
    if not size:
        raise TypeError('sum_to_size() missing 1 required positional arguments: "size"')
    size = size_argument(size)
    shape = tuple(self.shape)
    lead = len(shape) - len(size)
    if lead < 0 or builtins.any(n != 1 and n != m for n, m in zip(size, shape[lead:])):
        raise RuntimeError(f"size {{{list(size)}}} is not expandable to size {{{list(shape)}}}.")
    if size == shape:
        return self
    dims = tuple(range(lead)) + tuple(lead + i for i, n in enumerate(size)
                                      if n == 1 and shape[lead + i] != 1)
    out = sum(self, dims, keepdim=True)
    return out.view(size) if lead else out
