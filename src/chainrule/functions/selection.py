"""Sorting and selection: ``sort``, ``topk``, ``kthvalue``, ``median``, ``mode``, ``unique``,
``nonzero``, ``searchsorted``, ``bincount``, ...

The differentiable ones record a node that sends each gradient back to the
position its value came from (rows in ``chainrule.ops.selection``).
"""
from __future__ import annotations

import builtins

from .._backend import xp
from .._shapes import wrap_dim
from ..ops import selection as selection_ops
from ..tensor import Tensor
from .arguments import accept_numpy_names
from .comparison import isnan
from .indexing import gather, select
from .joining import stack
from .out import SAME, out_variant
from .pointwise import lerp, where
from .reduction import _check_nonempty
from .return_types import ValuesIndices
from .shape import narrow, reshape, squeeze

__all__ = [
    "sort", "argsort", "msort", "topk", "kthvalue", "median", "mode", "cummax", "cummin", "unique",
    "nonzero", "searchsorted", "bucketize", "argwhere", "bincount", "quantile", "nanquantile",
    "nanmedian", "unique_consecutive",
]

_MEDIAN_DTYPE = ("Expected tensor for 'values' to have the same type as tensor for argument #2 "
                 "'self'; but type torch.{out}Tensor does not equal torch.{result}Tensor (while "
                 "checking arguments for median)")
_SEARCHSORTED_DTYPE = (
    "torch.searchsorted(): output tensor's dtype is wrong, it can only be Int(int32) or "
    "Long(int64) depending on whether out_int32 flag is True, but we got output tensor's dtype "
    "{out} and out_int32 flag is False")


def _argsort(a, dim: int, descending: bool):
    """Stable sort order along ``dim``; NaN counts as the largest value, as in PyTorch."""
    if a.ndim == 0:
        return xp.zeros((), xp.int64)
    if not descending:
        return xp.argsort(a, axis=dim, kind="stable")
    # Descending yet stable (ties keep their order): sort the reversed array ascending and
    # reverse the result, which turns "last of the ties first" into "first first".
    n = a.shape[dim]
    order = xp.argsort(xp.flip(a, dim), axis=dim, kind="stable")
    return (n - 1) - xp.flip(order, dim)


def _index_tensor(a):
    return Tensor._make(xp.array(a, dtype=xp.int64, order="C"))


@out_variant(SAME)
@accept_numpy_names
def sort(input, dim: int = -1, descending: bool = False, *, stable: bool = False):
    """``(values, indices)`` sorted along ``dim``; equal values keep their order.

    The gradient of ``values`` goes back to the element each value came from.

    >>> torch.sort(torch.tensor([3., 1., 2.]), descending=True)
    torch.return_types.sort(
    values=tensor([3., 2., 1.]),
    indices=tensor([0, 2, 1]))
    """
    dim = wrap_dim(dim, input.ndim)
    index = _index_tensor(_argsort(input._data, dim, descending))
    # always stable here; the name follows PyTorch
    op = selection_ops.sort_stable if stable else selection_ops.sort
    return ValuesIndices(op(input, dim, index, input._data.shape), index, "sort")


@accept_numpy_names
def argsort(input, dim: int = -1, descending: bool = False, *, stable: bool = False):
    """The indices that sort ``input`` along ``dim`` (``sort(...).indices``).

    >>> torch.argsort(torch.tensor([3, 1, 2]))
    tensor([1, 2, 0])
    """
    dim = wrap_dim(dim, input.ndim)
    return _index_tensor(_argsort(input._data, dim, descending))


@out_variant(SAME)
def msort(input):
    """``input`` sorted along its first dimension (values only).

    >>> torch.msort(torch.tensor([[2, 1], [0, 3]]))
    tensor([[0, 1],
            [2, 3]])
    """
    return sort(input, 0).values


@out_variant(SAME)
@accept_numpy_names
def topk(input, k: int, dim: int = -1, largest: bool = True, sorted: bool = True):  # noqa: A002
    """The ``k`` largest (or smallest) values along ``dim``, with their indices.

    >>> torch.topk(torch.tensor([1., 5., 3., 4.]), 2)
    torch.return_types.topk(
    values=tensor([5., 4.]),
    indices=tensor([1, 3]))
    """
    dim = wrap_dim(dim, input.ndim)
    if input.dtype.name == "bool":
        raise RuntimeError("topk does not support bool dtypes on CPU. Fix: .int() it first.")
    size = input.shape[dim] if input.ndim else 1
    if not 0 <= k <= size:
        raise RuntimeError(f"selected index k out of range (k={k}, size of dimension {dim} is "
                           f"{size}). Fix: pass k between 0 and {size}.")
    order = _argsort(input._data, dim, largest)
    order = order if input.ndim == 0 else xp.take(order, xp.arange(k), axis=dim)
    index = _index_tensor(order)
    return ValuesIndices(selection_ops.topk(input, dim, index, input._data.shape), index, "topk")


def _no_bool(input, name):
    if input.dtype.name == "bool":
        raise NotImplementedError(f'"{name}_cpu" not implemented for \'Bool\'. Fix: .int() it '
                                  "first.")


def _pick(input, dim, keepdim, pos, op, name):
    """``(values, indices)`` of the element at position ``pos`` of each sorted slice."""
    if input.ndim == 0:
        index = xp.zeros((), xp.int64)
    else:
        order = _argsort(input._data, dim, False)
        index = xp.take(order, [pos] if keepdim else pos, axis=dim)
    index = _index_tensor(index)
    return ValuesIndices(op(input, dim, keepdim, index, input._data.shape), index, name)


@out_variant(SAME, tuple_message="output values must be of same type as input")
@accept_numpy_names
def kthvalue(input, k: int, dim: int = -1, keepdim: bool = False):
    """The ``k``-th smallest value (counting from 1) along ``dim``, and its index.

    >>> torch.kthvalue(torch.tensor([3., 1., 2.]), 2)
    torch.return_types.kthvalue(
    values=tensor(2.),
    indices=tensor(2))
    """
    dim = wrap_dim(dim, input.ndim)
    _no_bool(input, "kthvalue")
    size = input.shape[dim] if input.ndim else 1
    if not 1 <= k <= size:
        raise RuntimeError(f"kthvalue(): selected number k out of range for dimension {dim}. "
                           f"Fix: pass k between 1 and {size}.")
    return _pick(input, dim, keepdim, k - 1, selection_ops.kthvalue, "kthvalue")


@out_variant(SAME, tuple_message=_MEDIAN_DTYPE)
@accept_numpy_names
def median(input, dim: int | None = None, keepdim: bool = False):
    """The lower median of all elements, or ``(values, indices)`` along ``dim``.

    >>> torch.median(torch.tensor([4., 1., 3., 2.]))
    tensor(2.)
    >>> torch.tensor([[1., 5., 3.]]).median(dim=1)
    torch.return_types.median(
    values=tensor([3.]),
    indices=tensor([2]))
    """
    _no_bool(input, "median")
    if dim is None:
        if input.numel() == 0:
            return selection_ops.median_all(input.new_full((), float("nan")))
        return selection_ops.median_all(input)
    dim = wrap_dim(dim, input.ndim)
    _check_nonempty(input, dim, "median")
    size = input.shape[dim] if input.ndim else 1
    data = input._data
    if data.dtype.kind == "f" and data.ndim and xp.isnan(data).any():
        # A slice holding NaN has median NaN (PyTorch propagates it): index of its first NaN.
        nan = xp.isnan(data)
        index = xp.where(nan.any(axis=dim), xp.argmax(nan, axis=dim),
                         xp.take(_argsort(data, dim, False), (size - 1) // 2, axis=dim))
        index = _index_tensor(xp.expand_dims(index, dim) if keepdim else index)
        values = selection_ops.median_dim(input, dim, keepdim, index, data.shape)
        return ValuesIndices(values, index, "median")
    return _pick(input, dim, keepdim, (size - 1) // 2, selection_ops.median_dim, "median")


def nanmedian(input, dim: int | None = None, keepdim: bool = False):
    """``median`` that ignores NaN: the lower median of the numbers, NaN only where there are
    none; with ``dim``, ``(values, indices)``.

    >>> torch.tensor([1., float("nan"), 3., 2.]).nanmedian()
    tensor(2.)
    >>> torch.nanmedian(torch.tensor([[4., float("nan"), 1.]]), dim=1)
    torch.return_types.nanmedian(
    values=tensor([1.]),
    indices=tensor([2]))
    """
    _no_bool(input, "median")
    if dim is None:
        return selection_ops.nanmedian_all(input)
    dim = wrap_dim(dim, input.ndim)
    _check_nonempty(input, dim, "median")
    data = input._data
    if input.ndim == 0:
        index = xp.zeros((), xp.int64)
    else:
        # NaN sorts last: the median of each slice's numbers sits at (numbers - 1) // 2, and a
        # slice of NaN alone gives its first NaN.
        valid = (~xp.isnan(data)).sum(axis=dim, keepdims=True) if data.dtype.kind == "f" \
            else xp.full([1] * data.ndim, data.shape[dim])
        position = xp.maximum((valid - 1) // 2, 0)
        index = xp.take_along_axis(_argsort(data, dim, False), position, axis=dim)
        if not keepdim:
            index = xp.squeeze(index, dim)
    index = _index_tensor(index)
    values = selection_ops.nanmedian_dim(input, dim, keepdim, index, data.shape)
    return ValuesIndices(values, index, "nanmedian")


def _mode_of(row):
    values, counts = xp.unique(row, return_counts=True)
    value = values[xp.argmax(counts)]  # the smallest of the most frequent values
    return len(row) - 1 - int(xp.argmax(row[::-1] == value))  # its last position


@out_variant(SAME, tuple_message="expected scalar type '{result}' but got '{out}' for values "
                                 "output")
@accept_numpy_names
def mode(input, dim: int = -1, keepdim: bool = False):
    """The most frequent value along ``dim`` (the smallest if several are), and its last index.

    >>> torch.mode(torch.tensor([1, 2, 2, 1, 3]))
    torch.return_types.mode(
    values=tensor(1),
    indices=tensor(3))
    """
    dim = wrap_dim(dim, input.ndim)
    _check_nonempty(input, dim, "mode")
    if input.ndim == 0:
        index = xp.zeros((), xp.int64)
    else:
        index = xp.apply_along_axis(_mode_of, dim, input._data)
        index = xp.expand_dims(index, dim) if keepdim else index
    index = _index_tensor(index)
    values = selection_ops.mode(input, dim, keepdim, index, input._data.shape)
    return ValuesIndices(values, index, "mode")


def _cumulative_extreme(input, dim, better, op, name):
    dim = wrap_dim(dim, input.ndim)
    data = input._data
    if data.ndim == 0:
        index = xp.zeros((), xp.int64)
    else:
        moved = xp.moveaxis(data, dim, 0)
        index = xp.zeros(moved.shape, xp.int64)
        best = moved[0] if len(moved) else None
        for i in range(1, len(moved)):
            x = moved[i]
            # Ties move the index on (PyTorch reports the last of equal extremes); NaN sticks.
            take = better(x, best) | (x == best)
            if x.dtype.kind == "f":
                take = (take & ~xp.isnan(best)) | (xp.isnan(x) & ~xp.isnan(best))
            index[i] = xp.where(take, i, index[i - 1])
            best = xp.where(take, x, best)
        index = xp.moveaxis(index, 0, dim)
    index = _index_tensor(index)
    return ValuesIndices(op(input, dim, index, data.shape), index, name)


@out_variant(SAME, tuple_message="expected scalar_type {result} but found {out}")
@accept_numpy_names
def cummax(input, dim: int):
    """Running maximum along ``dim`` and where each running maximum was found.

    >>> torch.cummax(torch.tensor([1., 3., 2., 5.]), 0)
    torch.return_types.cummax(
    values=tensor([1., 3., 3., 5.]),
    indices=tensor([0, 1, 1, 3]))
    """
    return _cumulative_extreme(input, dim, xp.greater, selection_ops.cummax, "cummax")


@out_variant(SAME, tuple_message="expected scalar_type {result} but found {out}")
@accept_numpy_names
def cummin(input, dim: int):
    """Running minimum along ``dim`` and where each running minimum was found.

    >>> torch.cummin(torch.tensor([3., 1., 2., 0.]), 0).values
    tensor([3., 1., 1., 0.])
    """
    return _cumulative_extreme(input, dim, xp.less, selection_ops.cummin, "cummin")


@accept_numpy_names
def unique(input, sorted: bool = True, return_inverse: bool = False,  # noqa: A002
           return_counts: bool = False, dim: int | None = None):
    """The distinct values (sorted), optionally with each element's position among them
    (``return_inverse``) and how often each occurs (``return_counts``). Not differentiable.

    >>> torch.unique(torch.tensor([3, 1, 3, 2]), return_counts=True)
    (tensor([1, 2, 3]), tensor([1, 1, 2]))
    """
    data = input._data
    if dim is not None:
        dim = wrap_dim(dim, input.ndim)
    values, inverse, counts = xp.unique(data if dim is not None else data.reshape(-1),
                                        return_inverse=True, return_counts=True, axis=dim)
    out = [Tensor._make(xp.ascontiguousarray(values))]
    if return_inverse:
        out.append(_index_tensor(inverse.reshape(data.shape if dim is None else -1)))
    if return_counts:
        out.append(_index_tensor(counts))
    return out[0] if len(out) == 1 else tuple(out)


def unique_consecutive(input, return_inverse: bool = False, return_counts: bool = False,
                       dim: int | None = None):
    """Each run of equal consecutive values (or slices along ``dim``) kept once, optionally
    with each element's run number (``return_inverse``) and each run's length
    (``return_counts``).

    >>> torch.unique_consecutive(torch.tensor([1, 1, 2, 2, 3, 1]), return_counts=True)
    (tensor([1, 2, 3, 1]), tensor([2, 2, 1, 1]))
    """
    data = input._data
    if dim is None:
        rows = data.reshape(-1, 1)
    else:
        dim = wrap_dim(dim, input.ndim)
        rows = xp.moveaxis(data, dim, 0).reshape(data.shape[dim] if data.ndim else 1, -1)
    n = rows.shape[0]
    change = (rows[1:] != rows[:-1]).any(axis=1) if n else xp.zeros(0, bool)
    starts = xp.concatenate([xp.zeros(builtins.min(n, 1), xp.int64),
                             xp.flatnonzero(change) + 1]).astype(xp.int64)
    out = [selection_ops.unique_consecutive(input, starts, dim)]
    if return_inverse:
        inverse = xp.concatenate([xp.zeros(builtins.min(n, 1), xp.int64),
                                  xp.cumsum(change, dtype=xp.int64)])
        out.append(_index_tensor(inverse.reshape(data.shape) if dim is None else inverse))
    if return_counts:
        out.append(_index_tensor(xp.diff(xp.append(starts, n))))
    return out[0] if len(out) == 1 else tuple(out)


@out_variant(SAME, message="nonzero: Expected out tensor to have scalar type Long but got scalar "
                           "type{out}")
def nonzero(input, *, as_tuple: bool = False):
    """Indices of the non-zero elements: an ``(n, ndim)`` tensor, or one vector per dimension.

    >>> torch.nonzero(torch.tensor([[0, 1], [2, 0]]))
    tensor([[0, 1],
            [1, 0]])
    """
    data = input._data
    if as_tuple:
        return tuple(_index_tensor(i) for i in xp.nonzero(xp.atleast_1d(data)))
    return _index_tensor(xp.argwhere(data))


@out_variant(SAME, message=_SEARCHSORTED_DTYPE)
def searchsorted(sorted_sequence, input, *, out_int32: bool = False, right: bool = False,
                 side: str | None = None, sorter=None):
    """Where each value of ``input`` would go in ``sorted_sequence`` (along its last dimension)
    to keep it sorted; ``right=True`` puts equal values after their matches.

    >>> torch.searchsorted(torch.tensor([1, 3, 5]), torch.tensor([0, 3, 6]))
    tensor([0, 1, 3])
    """
    if side is not None:
        if right and side == "left":
            raise RuntimeError("torch.searchsorted(): side and right can't be set to opposites, "
                               "got side of left while right was True")
        right = side == "right"
    seq = sorted_sequence._data
    if sorter is not None:
        seq = xp.take_along_axis(seq, sorter._data, axis=-1)
    scalar = not isinstance(input, Tensor)
    values = xp.asarray(input) if scalar else input._data
    how = "right" if right else "left"
    if seq.ndim <= 1:
        out = xp.searchsorted(seq, values, side=how)
    else:
        if values.shape[:-1] != seq.shape[:-1]:
            raise RuntimeError(
                "torch.searchsorted(): boundaries tensor should be 1 dimension or the first N-1 "
                "dimensions of boundaries tensor and input value tensor must match, but we got "
                f"boundaries tensor {list(seq.shape)} and input value tensor "
                f"{list(values.shape)}")
        flat_seq = seq.reshape(-1, seq.shape[-1])
        flat_val = values.reshape(-1, values.shape[-1])
        out = xp.stack([xp.searchsorted(s, v, side=how) for s, v in zip(flat_seq, flat_val)])
        out = out.reshape(values.shape)
    out = xp.asarray(out).astype(xp.int32 if out_int32 else xp.int64)
    return Tensor._make(out)


@out_variant(SAME, message=_SEARCHSORTED_DTYPE)
def bucketize(input, boundaries, *, out_int32: bool = False, right: bool = False):
    """The bucket of each value: ``i`` with ``boundaries[i-1] < x <= boundaries[i]``
    (``<= x <`` with ``right=True``).

    >>> torch.bucketize(torch.tensor([1, 5, 9]), torch.tensor([1, 3, 5, 7]))
    tensor([0, 2, 4])
    """
    if boundaries.ndim != 1:
        raise RuntimeError(f"boundaries tensor must be 1 dimension, but got dim("
                           f"{boundaries.ndim}). Fix: pass a 1-D sorted tensor of boundaries.")
    return searchsorted(boundaries, input, out_int32=out_int32, right=right)


def argwhere(input):
    """The indices of the non-zero elements, one row each (``nonzero(input)``).

    >>> torch.argwhere(torch.tensor([0, 3, 5]))
    tensor([[1],
            [2]])
    """
    return nonzero(input)


def bincount(input, weights=None, minlength: int = 0):
    """How often each value ``0..max`` occurs in a 1-D non-negative integer tensor (or the sum
    of the ``weights`` at its occurrences).

    >>> torch.bincount(torch.tensor([0, 2, 2]))
    tensor([1, 0, 2])
    """
    if input.ndim != 1 or input.dtype.is_floating_point or input.dtype.name == "bool":
        raise RuntimeError("bincount only supports 1-d non-negative integral inputs.")
    if input.numel() and int(input._data.min()) < 0:
        raise RuntimeError("bincount only supports 1-d non-negative integral inputs.")
    if weights is None:
        return Tensor._make(xp.bincount(input._data, minlength=minlength).astype(xp.int64))
    if weights.shape != input.shape:
        raise RuntimeError("weights should be 1-d and have the same length as input")
    out = xp.bincount(input._data, weights=weights._data, minlength=minlength)
    return Tensor._make(out.astype(weights._data.dtype if weights.dtype.is_floating_point
                                   else xp.float64))


def _quantile(input, q, dim, keepdim, interpolation, ignore_nan):
    if interpolation not in ("linear", "lower", "higher", "nearest", "midpoint"):
        raise ValueError(f"quantile() interpolation must be one of linear, lower, higher, "
                         f"midpoint or nearest. Got {interpolation}")
    if not input.dtype.is_floating_point:
        raise RuntimeError("quantile() input tensor must be either float or double dtype. "
                           "Fix: convert with .float().")
    qs = q._data if isinstance(q, Tensor) else xp.asarray(q, dtype=xp.float64)
    if ((qs < 0) | (qs > 1)).any():
        raise RuntimeError("quantile() q values must be in the range [0, 1]")
    x = reshape(input, (-1,)) if dim is None else input
    d = 0 if dim is None else dim % builtins.max(x.dim(), 1)
    if x.dim() == 0:
        x = reshape(x, (1,))
    xs = sort(x, dim=d).values  # NaN sorts last
    n = x.shape[d]
    if ignore_nan:
        count = (~isnan(x)).sum(d, keepdim=True)._data
    else:
        count = xp.full(select(xs, d, 0).unsqueeze(d).shape, n)
    out = []
    for qv in qs.reshape(-1):
        pos = qv * (count - 1).clip(0)
        lo, hi = xp.floor(pos), xp.ceil(pos)
        pos = {"lower": lo, "higher": hi, "nearest": xp.round(pos),
               "midpoint": (lo + hi) / 2}.get(interpolation, pos)
        frac = Tensor._make((pos - xp.floor(pos)).astype(x._data.dtype))
        lo_i = Tensor._make(xp.floor(pos).astype(xp.int64))
        hi_i = Tensor._make(xp.ceil(pos).astype(xp.int64))
        a, b = gather(xs, d, lo_i), gather(xs, d, hi_i)
        v = lerp(a, b, frac)
        if not ignore_nan:  # any NaN in the slice makes the answer NaN
            v = where(isnan(narrow(xs, d, n - 1, 1)), float("nan"), v).to(v.dtype)
        else:
            v = where(Tensor._make(count == 0), float("nan"), v).to(v.dtype)
        if not keepdim or dim is None:
            v = squeeze(v, d)
        if keepdim and dim is None:
            v = reshape(v, (1,) * input.dim())
        out.append(v)
    return stack(out) if qs.ndim else out[0]


@out_variant(SAME, message="quantile() out tensor must be same dtype as the input tensor")
@accept_numpy_names
def quantile(input, q, dim=None, keepdim: bool = False, *, interpolation: str = "linear"):
    """The ``q``-th quantiles of ``input`` (over all elements, or along ``dim``).

    >>> torch.quantile(torch.tensor([1., 2., 3., 4.]), 0.5)
    tensor(2.5000)
    """
    return _quantile(input, q, dim, keepdim, interpolation, False)


@out_variant(SAME, message="quantile() out tensor must be same dtype as the input tensor")
@accept_numpy_names
def nanquantile(input, q, dim=None, keepdim: bool = False, *, interpolation: str = "linear"):
    """``quantile`` ignoring NaN values.

    >>> torch.nanquantile(torch.tensor([1., float("nan"), 3.]), 0.5)
    tensor(2.)
    """
    return _quantile(input, q, dim, keepdim, interpolation, True)
