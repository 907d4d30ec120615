"""Reductions with NumPy's signatures: ``sum``, ``mean``, ``std``, ``max``, ``median``, ...

NumPy's rules are applied here, before chainrule reduces: ``axis=None`` is every axis
and ``axis=()`` none at all (a copy), ``ddof`` replaces PyTorch's Bessel correction,
``dtype=`` casts before reducing, float16 means are computed in float32 as NumPy does,
and the median of an even count is the mean of the two middle values.
"""
from __future__ import annotations

import builtins

import numpy

import chainrule
from chainrule.ops import reduction as reduction_ops

from ._core import (
    as_tensor,
    axes,
    differentiable,
    float_graph_tensor,
    numpy_dtype,
    promoted,
    tensor,
    values_only,
)

_NO_VALUE = numpy._NoValue


def _prepared(a, dtype=None):
    """The array argument of a reduction, cast to ``dtype=`` first as NumPy does."""
    return tensor(a, numpy_dtype(dtype))


def _refuse(name: str, out=None, where=True) -> None:
    if out is not None:
        raise TypeError(f"{name}(..., out=...) writes in place, which chainrule.numpy cannot "
                        "record. Fix: use the returned array.")
    if where is not True:
        raise TypeError(f"{name}(..., where=...) is not recorded by chainrule.numpy. Fix: "
                        "select the elements with np.where(mask, x, neutral) first.")


def _reduce(fn, x, axis, keepdims):
    """``fn(x, dims, keepdim)`` over NumPy's ``axis``; ``axis=()`` is a copy, as in NumPy."""
    if axis is None and not keepdims and x.ndim and fn in _WHOLE:
        return fn(x)  # the reduction of every element: chainrule's own op for it
    dims = axes(axis, x.ndim)
    if not dims:
        return chainrule.clone(x)
    return fn(x, dims, keepdim=keepdims)


_WHOLE = (chainrule.sum, chainrule.mean)


@differentiable(numpy.sum)
def sum(a, axis=None, dtype=None, out=None, keepdims=False, initial=_NO_VALUE, where=True):  # noqa: A001
    """Sum over ``axis`` (all axes by default), as ``numpy.sum``.

    >>> x = chainrule.tensor([[1., 2.], [3., 4.]], dtype=chainrule.float64, requires_grad=True)
    >>> np.sum(x, axis=-1, keepdims=True).shape
    (2, 1)
    """
    _refuse("sum", out, where)
    x = _prepared(a, dtype)
    result = _reduce(chainrule.sum, x, axis, keepdims)
    return result if initial is _NO_VALUE else result + initial


def _mean_of(x, axis, keepdims):
    if x.dtype is chainrule.float16:  # NumPy sums float16 in float32 for the mean
        return _reduce(chainrule.mean, x.to(chainrule.float32), axis, keepdims).to(x.dtype)
    return _reduce(chainrule.mean, x, axis, keepdims)


def _mean_fast(*args):
    """The common call, np.mean(x) of a float array (a loss): chainrule's whole-array mean at
    once, the row the general path reaches after its checks (None for any other call)."""
    if len(args) == 1 and float_graph_tensor(args[0]):
        return reduction_ops.mean_all(args[0])
    return None


@differentiable(numpy.mean, fast=_mean_fast)
def mean(a, axis=None, dtype=None, out=None, keepdims=False, *, where=True):
    """Arithmetic mean over ``axis``, as ``numpy.mean``.

    >>> x = chainrule.tensor([1., 2., 3., 6.], dtype=chainrule.float64, requires_grad=True)
    >>> np.mean(x).item()
    3.0
    """
    _refuse("mean", out, where)
    return _mean_of(_prepared(a, dtype), axis, keepdims)


def _prod(x, dims, keepdim):
    for d in sorted(dims, reverse=True):
        x = chainrule.prod(x, d, keepdim=keepdim)
    return x


@differentiable(numpy.prod)
def prod(a, axis=None, dtype=None, out=None, keepdims=False, initial=_NO_VALUE, where=True):
    """Product over ``axis``, as ``numpy.prod`` (the gradient is right with zeros too).

    >>> x = chainrule.tensor([2., 0., 3.], dtype=chainrule.float64, requires_grad=True)
    >>> np.prod(x).backward(); x.grad
    tensor([0., 6., 0.], dtype=torch.float64)
    """
    _refuse("prod", out, where)
    result = _reduce(_prod, _prepared(a, dtype), axis, keepdims)
    return result if initial is _NO_VALUE else result * initial


def _extreme(reduction, combine):
    def compute(a, axis=None, out=None, keepdims=False, initial=_NO_VALUE, where=True):
        _refuse(reduction.__name__, out, where)
        result = _reduce(reduction, as_tensor(a), axis, keepdims)
        if initial is not _NO_VALUE:
            result = combine(*promoted(result, initial))
        return result
    return compute


_max = _extreme(chainrule.amax, chainrule.maximum)
_min = _extreme(chainrule.amin, chainrule.minimum)


@differentiable(numpy.max)
def max(a, axis=None, out=None, keepdims=False, initial=_NO_VALUE, where=True):  # noqa: A001
    """Largest value over ``axis``, as ``numpy.max``; tied maxima share the gradient.

    >>> x = chainrule.tensor([1., 3., 3.], dtype=chainrule.float64, requires_grad=True)
    >>> np.max(x).backward(); x.grad
    tensor([0.0000, 0.5000, 0.5000], dtype=torch.float64)
    """
    return _max(a, axis, out, keepdims, initial, where)


@differentiable(numpy.min)
def min(a, axis=None, out=None, keepdims=False, initial=_NO_VALUE, where=True):  # noqa: A001
    """Smallest value over ``axis``, as ``numpy.min``.

    >>> x = chainrule.tensor([[1., 3.], [0., 2.]], dtype=chainrule.float64, requires_grad=True)
    >>> np.min(x, axis=0).tolist()
    [0.0, 2.0]
    """
    return _min(a, axis, out, keepdims, initial, where)


amax = differentiable(numpy.amax)(max.__wrapped__)
amin = differentiable(numpy.amin)(min.__wrapped__)
amax.__name__, amin.__name__ = "amax", "amin"


@differentiable(numpy.ptp)
def ptp(a, axis=None, out=None, keepdims=False):
    """Range (maximum minus minimum) over ``axis``, as ``numpy.ptp``.

    >>> x = chainrule.tensor([4., 1., 3.], dtype=chainrule.float64, requires_grad=True)
    >>> np.ptp(x).item()
    3.0
    """
    _refuse("ptp", out)
    x = as_tensor(a)
    return _reduce(chainrule.amax, x, axis, keepdims) - _reduce(chainrule.amin, x, axis, keepdims)


def _variance(fn, a, axis, dtype, out, ddof, keepdims, where, mean, correction, name):
    if mean is not _NO_VALUE:
        raise TypeError(f"{name}(..., mean=...) is not recorded by chainrule.numpy. Fix: leave "
                        "it out; the mean is computed again.")
    _refuse(name, out, where)
    if correction is not _NO_VALUE:
        ddof = correction
    x = _prepared(a, dtype)
    wide = x.dtype is chainrule.float16  # NumPy computes float16 statistics in float32
    if wide:
        x = x.to(chainrule.float32)
    dims = axes(axis, x.ndim)
    result = fn(x, dims, correction=ddof, keepdim=keepdims) if dims else \
        fn(chainrule.unsqueeze(x, 0), 0, correction=ddof, keepdim=False)
    return result.to(chainrule.float16) if wide else result


@differentiable(numpy.var)
def var(a, axis=None, dtype=None, out=None, ddof=0, keepdims=False, *, where=True,
        mean=_NO_VALUE, correction=_NO_VALUE):
    """Variance over ``axis`` with ``ddof`` (0 by default, NumPy's), as ``numpy.var``.

    >>> x = chainrule.tensor([1., 2., 3., 4.], dtype=chainrule.float64, requires_grad=True)
    >>> np.var(x).item(), np.var(x, ddof=1).item()
    (1.25, 1.6666666666666667)
    """
    return _variance(chainrule.var, a, axis, dtype, out, ddof, keepdims, where, mean, correction,
                     "var")


@differentiable(numpy.std)
def std(a, axis=None, dtype=None, out=None, ddof=0, keepdims=False, *, where=True,
        mean=_NO_VALUE, correction=_NO_VALUE):
    """Standard deviation over ``axis`` with ``ddof`` (0 by default), as ``numpy.std``.

    >>> x = chainrule.tensor([1., 3.], dtype=chainrule.float64, requires_grad=True)
    >>> np.std(x).item()
    1.0
    """
    return _variance(chainrule.std, a, axis, dtype, out, ddof, keepdims, where, mean, correction,
                     "std")


@differentiable(numpy.average)
def average(a, axis=None, weights=None, returned=False, *, keepdims=False):
    """Weighted mean over ``axis``, as ``numpy.average`` (``returned=True`` also gives the sum
    of the weights).

    >>> x = chainrule.tensor([1., 4.], dtype=chainrule.float64, requires_grad=True)
    >>> np.average(x, weights=[3., 1.]).item()
    1.75
    """
    if weights is None:
        x = as_tensor(a)
        if x.dtype.np.kind != "f":
            x = x.to(chainrule.float64)
        avg = _mean_of(x, axis, keepdims)
        if not returned:
            return avg
        count = x.numel() // builtins.max(avg.numel(), 1)
        return avg, chainrule.full_like(avg, count)
    x, w = promoted(a, weights)
    if x.dtype.np.kind != "f":
        x, w = x.to(chainrule.float64), w.to(chainrule.float64)
    if w.shape != x.shape:
        if axis is None:
            raise TypeError("Axis must be specified when shapes of a and weights differ.")
        if w.ndim != 1:
            raise TypeError("1D weights expected when shapes of a and weights differ.")
        d = axes(axis, x.ndim)[0]
        w = chainrule.reshape(w, tuple(w.shape[0] if i == d else 1 for i in range(x.ndim)))
    total = _reduce(chainrule.sum, chainrule.broadcast_to(w, x.shape), axis, keepdims)
    avg = _reduce(chainrule.sum, x * w, axis, keepdims) / total
    return (avg, total) if returned else avg


@differentiable(numpy.median)
def median(a, axis=None, out=None, overwrite_input=False, keepdims=False):
    """Median over ``axis``, as ``numpy.median``: the mean of the two middle values for an
    even count (which then share the gradient).

    >>> x = chainrule.tensor([4., 1., 3., 2.], dtype=chainrule.float64, requires_grad=True)
    >>> np.median(x).backward(); x.grad
    tensor([0.0000, 0.0000, 0.5000, 0.5000], dtype=torch.float64)
    """
    _refuse("median", out)
    x = as_tensor(a)
    if x.dtype.np.kind != "f":
        x = x.to(chainrule.float64)
    dims = axes(axis, x.ndim)
    if len(dims) > 1 or axis is None:  # several axes: move them to the end, as one
        keep = [d for d in range(x.ndim) if d not in dims]
        moved = chainrule.permute(x, (*keep, *dims))
        flat = chainrule.reshape(moved, tuple(x.shape[d] for d in keep) + (-1,))
        result = _median_last(flat)
    else:
        result = _median_last(chainrule.movedim(x, dims[0], -1))
    if keepdims:
        result = chainrule.reshape(result, tuple(1 if d in dims else n
                                                 for d, n in enumerate(x.shape)))
    return result


def _median_last(x):
    n = x.shape[-1]
    ordered = chainrule.sort(x, dim=-1).values
    low = chainrule.select(ordered, -1, (n - 1) // 2)
    high = chainrule.select(ordered, -1, n // 2)
    return (low + high) / 2


@differentiable(numpy.quantile)
def quantile(a, q, axis=None, out=None, overwrite_input=False, method="linear",
             keepdims=False):
    """The ``q``-th quantiles over ``axis`` (``method='linear'``), as ``numpy.quantile``.

    >>> x = chainrule.tensor([1., 2., 3., 4.], dtype=chainrule.float64, requires_grad=True)
    >>> np.quantile(x, [0.25, 0.5]).tolist()
    [1.75, 2.5]
    """
    _refuse("quantile", out)
    if method != "linear":
        raise NotImplementedError(f"quantile(method={method!r}) is not recorded by "
                                  "chainrule.numpy; method='linear' (NumPy's default) is.")
    x = as_tensor(a)
    # NumPy's result dtype: the array's and q's (a Python number is weak, a list is float64).
    q_operand = q if isinstance(q, (float, int, numpy.generic, numpy.ndarray)) \
        else numpy.asarray(q)
    dtype = numpy.result_type(numpy.empty(0, x.dtype.np), q_operand)
    if dtype.kind != "f":
        dtype = numpy.dtype(numpy.float64)
    x = tensor(x, dtype)
    levels = tensor(numpy.asarray(q, dtype=dtype))
    if axis is not None and len(axes(axis, x.ndim)) > 1:
        raise NotImplementedError("quantile over several axes is not recorded by "
                                  "chainrule.numpy. Fix: reshape them into one axis first.")
    dim = None if axis is None else axes(axis, x.ndim)[0]
    result = chainrule.quantile(x, levels, dim, keepdim=keepdims)
    if keepdims and axis is None:  # PyTorch keeps one dimension per input dimension too
        result = chainrule.reshape(result, tuple(levels.shape) + (1,) * x.ndim)
    return result


@differentiable(numpy.percentile)
def percentile(a, q, axis=None, out=None, overwrite_input=False, method="linear",
               keepdims=False):
    """The ``q``-th percentiles (0 to 100) over ``axis``, as ``numpy.percentile``.

    >>> x = chainrule.tensor([1., 2., 3., 4.], dtype=chainrule.float64, requires_grad=True)
    >>> np.percentile(x, 50).item()
    2.5
    """
    x = as_tensor(a)
    # As NumPy: dividing by the array's own float type keeps a Python q weak.
    hundred = x.dtype.np.type(100) if x.dtype.np.kind == "f" else 100
    return quantile.__wrapped__(x, numpy.true_divide(q, hundred), axis, out, overwrite_input,
                                method, keepdims)


def _scan_axis(scan_fn):
    def compute(a, axis=None, dtype=None, out=None):
        _refuse(scan_fn.__name__, out)
        x = _prepared(a, dtype)
        if axis is None:
            x, axis = chainrule.reshape(x, (-1,)), 0
        if x.ndim == 0:
            x = chainrule.reshape(x, (1,))
        return scan_fn(x, axes(axis, x.ndim)[0])
    return compute


@differentiable(numpy.cumsum)
def cumsum(a, axis=None, dtype=None, out=None):
    """Running sum along ``axis`` (of the flattened array by default), as ``numpy.cumsum``.

    >>> x = chainrule.tensor([[1., 2.], [3., 4.]], dtype=chainrule.float64, requires_grad=True)
    >>> np.cumsum(x).tolist()
    [1.0, 3.0, 6.0, 10.0]
    """
    return _scan_axis(chainrule.cumsum)(a, axis, dtype, out)


@differentiable(numpy.cumprod)
def cumprod(a, axis=None, dtype=None, out=None):
    """Running product along ``axis``, as ``numpy.cumprod``.

    >>> x = chainrule.tensor([1., 2., 3.], dtype=chainrule.float64, requires_grad=True)
    >>> np.cumprod(x).tolist()
    [1.0, 2.0, 6.0]
    """
    return _scan_axis(chainrule.cumprod)(a, axis, dtype, out)


@differentiable(numpy.diff)
def diff(a, n=1, axis=-1, prepend=_NO_VALUE, append=_NO_VALUE):
    """``n``-th differences along ``axis``, as ``numpy.diff`` (scalars may be prepended).

    >>> x = chainrule.tensor([1., 4., 9.], dtype=chainrule.float64, requires_grad=True)
    >>> np.diff(x, prepend=0.0).tolist()
    [1.0, 3.0, 5.0]
    """
    x = as_tensor(a)
    d = axes(axis, x.ndim)[0]
    parts = []
    for extra in (prepend, append):
        if extra is _NO_VALUE:
            parts.append(None)
            continue
        e = tensor(extra)
        if e.ndim == 0:
            shape = list(x.shape)
            shape[d] = 1
            e = chainrule.broadcast_to(e, tuple(shape))
        parts.append(e)
    if parts[0] is not None or parts[1] is not None:
        pieces = [p for p in (parts[0], x, parts[1]) if p is not None]
        x = chainrule.cat(promoted(*pieces), d)
    for _ in range(n):
        size = x.shape[d]
        x = chainrule.narrow(x, d, 1, size - 1) - chainrule.narrow(x, d, 0, size - 1)
    return x


@differentiable(numpy.nansum)
def nansum(a, axis=None, dtype=None, out=None, keepdims=False, initial=_NO_VALUE,
           where=True):
    """Sum treating NaN as zero, as ``numpy.nansum`` (no gradient reaches the NaNs).

    >>> x = chainrule.tensor([1., float('nan'), 2.], dtype=chainrule.float64, requires_grad=True)
    >>> np.nansum(x).item()
    3.0
    """
    x = _prepared(a, dtype)
    clean = chainrule.where(chainrule.isnan(x), chainrule.zeros_like(x), x)
    return sum.__wrapped__(clean, axis, None, out, keepdims, initial, where)


@differentiable(numpy.nanmean)
def nanmean(a, axis=None, dtype=None, out=None, keepdims=False, *, where=True):
    """Mean of the values that are not NaN, as ``numpy.nanmean``.

    >>> x = chainrule.tensor([1., float('nan'), 3.], dtype=chainrule.float64, requires_grad=True)
    >>> np.nanmean(x).item()
    2.0
    """
    _refuse("nanmean", out, where)
    x = _prepared(a, dtype)
    present = chainrule.logical_not(chainrule.isnan(x))
    clean = chainrule.where(present, x, chainrule.zeros_like(x))
    count = _reduce(chainrule.sum, present.to(x.dtype), axis, keepdims)
    return _reduce(chainrule.sum, clean, axis, keepdims) / count


@differentiable(numpy.sort)
def sort(a, axis=-1, kind=None, order=None, *, stable=None):
    """Sorted copy along ``axis`` (of the flattened array for ``axis=None``), as
    ``numpy.sort``; each value's gradient goes back to where it came from.

    >>> x = chainrule.tensor([3., 1., 2.], dtype=chainrule.float64, requires_grad=True)
    >>> np.sort(x).tolist()
    [1.0, 2.0, 3.0]
    """
    x = as_tensor(a)
    if axis is None:
        x, axis = chainrule.reshape(x, (-1,)), 0
    return chainrule.sort(x, dim=axes(axis, x.ndim)[0], stable=True).values


# Reductions whose results carry no gradient: NumPy's own, on values.
argmax = values_only(numpy.argmax)
argmin = values_only(numpy.argmin)
argsort = values_only(numpy.argsort)
all = values_only(numpy.all)  # noqa: A001
any = values_only(numpy.any)  # noqa: A001
count_nonzero = values_only(numpy.count_nonzero)
