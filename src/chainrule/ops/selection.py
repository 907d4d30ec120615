"""Selection: sort, topk, kthvalue, median, mode, cummax/cummin, unique, nonzero, searchsorted.

An op that *selects* elements (rather than combining them) passes each output's
gradient straight back to the element it was taken from, and nowhere else: the
backward writes ``grad`` at the recorded indices into zeros of the input's shape
(PyTorch's "value selecting" backward).  The indices are found on arrays first;
the recorded op is then "take these elements", so its rule is one line.

The same holds for picking a diagonal (``diag``, ``diagonal``, ``trace``), ``take`` and
``masked_select``, recorded under PyTorch's node names.  Also here: the two matrix
functions with rules of their own, ``inverse`` and ``det``.
"""
from __future__ import annotations

from .._backend import xp
from ..autograd.function import Op
from . import indexing as I
from . import reduction as R
from .reduction import _ValuesIndices
from .shape import _wrap_dim


class MinMax(tuple):
    """``(min, max)`` with names, as PyTorch's ``torch.return_types.aminmax``."""

    def __new__(cls, min, max):  # noqa: A002 - PyTorch's field names
        return super().__new__(cls, (min, max))

    @property
    def min(self):
        return self[0]

    @property
    def max(self):
        return self[1]

    def __repr__(self) -> str:
        return f"torch.return_types.aminmax(\nmin={self[0]!r},\nmax={self[1]!r})"


def _scatter_back(grad, dim, index, shape):
    # scatter_add, not scatter: cummax may pick one element for several outputs.
    return grad.new_zeros(shape).scatter_add(dim, index, grad)


def _along(name):
    """An op reading ``self`` at ``index`` along ``dim`` (output shaped like ``index``)."""
    op = Op(name, I._gather_forward,
            self=lambda grad, dim, index, shape: _scatter_back(grad, dim, index, shape),
            jvp=lambda self_t, dim, index, shape: op(self_t, dim, index, shape))
    return op


def _reducing(name):
    """An op picking one element per slice along ``dim`` (like ``max(dim)``)."""
    op = Op(name, lambda self, dim, keepdim, index, shape: R._take_along(self, index, dim, keepdim),
            self=lambda grad, dim, keepdim, index, shape:
                R._place_at(grad, shape, dim, keepdim, index),
            jvp=lambda self_t, dim, keepdim, index, shape: op(self_t, dim, keepdim, index, shape))
    return op


def _picking(name):
    """An op reading ``self[key]`` (``old`` = the input's shape), named as PyTorch names it."""
    op = Op(name, lambda self, key, old: self[key],
            self=lambda grad, key, old: I.put_into_zeros(grad, old, key),
            jvp=lambda self_t, key, old: op(self_t, key, old))
    return op


# --- the rule table ------------------------------------------------------------
diagonal_op = _picking("DiagonalBackward0")
diag_op = _picking("DiagonalBackward0_copy")  # torch.diag of a matrix: a copy, not a view
take_op = _picking("TakeBackward0")
masked_select_op = _picking("MaskedSelectBackward0")
# torch.diag of a vector: the vector written on a diagonal of zeros; reading it back is the rule.
diag_embed_op = Op("DiagEmbedBackward0",
                   lambda self, shape, key: I._put_into_zeros(self, shape, key),
                   self=lambda grad, key: I.index_op(grad, key, grad.shape),
                   jvp=lambda self_t, shape, key: diag_embed_op(self_t, shape, key))
trace_op = Op("TraceBackward0", lambda self, shape: xp.asarray(xp.trace(self)),
              self=lambda grad, shape: I.put_into_zeros(grad.expand(min(shape)), shape,
                                                        (xp.arange(min(shape)),) * 2),
              jvp=lambda self_t, shape: trace_op(self_t, shape))
sort_op = _along("SortBackward0")
sort_stable_op = _along("SortBackward1")  # PyTorch names sort(stable=True) apart
topk_op = _along("TopkBackward0")
cummax_op = _along("CummaxBackward0")
cummin_op = _along("CumminBackward0")
kthvalue_op = _reducing("KthvalueBackward0")
median_dim_op = _reducing("MedianBackward1")
mode_op = _reducing("ModeBackward0")
# median() of the whole tensor: like max(), ties share the gradient evenly.
median_all_op = Op("MedianBackward0", lambda self: _lower_median(self),
                   self=lambda grad, self, result: R._unsqueeze_to(grad, self.shape, None, False)
                   * R._tie_share(self, result, None, False),
                   jvp=lambda self_t, self, result: R._reduce_sum(
                       self_t * R._tie_share(self, result, None, False), None, False))
# d(A^-1) = -A^-1 dA A^-1, so the gradient is -A^-T grad A^-T.
inverse_op = Op("LinalgInvExBackward0", lambda self: _inv(self),
                self=lambda grad, result: -(result.mT @ grad @ result.mT),
                jvp=lambda self_t, result: -(result @ self_t @ result))
# d det(A) = det(A) tr(A^-1 dA) (Jacobi's formula); tr(B dA) is sum(B^T * dA).
det_op = Op("LinalgDetBackward0", lambda self: xp.asarray(xp.linalg.det(self)),
            self=lambda grad, self, result:
                (grad * result).unsqueeze(-1).unsqueeze(-1) * inverse_op(self).mT,
            jvp=lambda self_t, self, result:
                result * (inverse_op(self).mT * self_t).sum((-2, -1)))


def _inv(a):
    try:
        return xp.linalg.inv(a)
    except xp.linalg.LinAlgError:
        raise RuntimeError("linalg.inv: The input matrix is singular, so the inversion could not "
                           "be completed. Fix: check the matrix's rank, or use a pseudo-inverse."
                           ) from None


def _lower_median(a):
    flat = xp.sort(a.reshape(-1))  # NaN sorts last: any NaN makes the median NaN, as in PyTorch
    if flat.dtype.kind == "f" and xp.isnan(flat[-1]):
        return xp.asarray(flat[-1])
    return xp.asarray(flat[(flat.size - 1) // 2])


# --- index finding on arrays ---------------------------------------------------------

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
    from ..tensor import Tensor
    return Tensor._make(xp.array(a, dtype=xp.int64, order="C"))


# --- public functions ----------------------------------------------------------------

def sort(input, dim: int = -1, descending: bool = False, *, stable: bool = False):
    """``(values, indices)`` sorted along ``dim``; equal values keep their order.

    The gradient of ``values`` goes back to the element each value came from.

    >>> import chainrule as torch
    >>> torch.sort(torch.tensor([3., 1., 2.]), descending=True)
    torch.return_types.sort(
    values=tensor([3., 2., 1.]),
    indices=tensor([0, 2, 1]))
    """
    dim = _wrap_dim(dim, input.ndim)
    index = _index_tensor(_argsort(input._data, dim, descending))
    op = sort_stable_op if stable else sort_op  # always stable here; the name follows PyTorch
    return _ValuesIndices(op(input, dim, index, input._data.shape), index, "sort")


def argsort(input, dim: int = -1, descending: bool = False, *, stable: bool = False):
    """The indices that sort ``input`` along ``dim`` (``sort(...).indices``).

    >>> import chainrule as torch
    >>> torch.argsort(torch.tensor([3, 1, 2]))
    tensor([1, 2, 0])
    """
    dim = _wrap_dim(dim, input.ndim)
    return _index_tensor(_argsort(input._data, dim, descending))


def msort(input):
    """``input`` sorted along its first dimension (values only).

    >>> import chainrule as torch
    >>> torch.msort(torch.tensor([[2, 1], [0, 3]]))
    tensor([[0, 1],
            [2, 3]])
    """
    return sort(input, 0).values


def topk(input, k: int, dim: int = -1, largest: bool = True, sorted: bool = True):  # noqa: A002
    """The ``k`` largest (or smallest) values along ``dim``, with their indices.

    >>> import chainrule as torch
    >>> torch.topk(torch.tensor([1., 5., 3., 4.]), 2)
    torch.return_types.topk(
    values=tensor([5., 4.]),
    indices=tensor([1, 3]))
    """
    dim = _wrap_dim(dim, input.ndim)
    if input.dtype.name == "bool":
        raise RuntimeError("topk does not support bool dtypes on CPU. Fix: .int() it first.")
    size = input.shape[dim] if input.ndim else 1
    if not 0 <= k <= size:
        raise RuntimeError(f"selected index k out of range (k={k}, size of dimension {dim} is "
                           f"{size}). Fix: pass k between 0 and {size}.")
    order = _argsort(input._data, dim, largest)
    order = order if input.ndim == 0 else xp.take(order, xp.arange(k), axis=dim)
    index = _index_tensor(order)
    return _ValuesIndices(topk_op(input, dim, index, input._data.shape), index, "topk")


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
    return _ValuesIndices(op(input, dim, keepdim, index, input._data.shape), index, name)


def kthvalue(input, k: int, dim: int = -1, keepdim: bool = False):
    """The ``k``-th smallest value (counting from 1) along ``dim``, and its index.

    >>> import chainrule as torch
    >>> torch.kthvalue(torch.tensor([3., 1., 2.]), 2)
    torch.return_types.kthvalue(
    values=tensor(2.),
    indices=tensor(2))
    """
    dim = _wrap_dim(dim, input.ndim)
    _no_bool(input, "kthvalue")
    size = input.shape[dim] if input.ndim else 1
    if not 1 <= k <= size:
        raise RuntimeError(f"kthvalue(): selected number k out of range for dimension {dim}. "
                           f"Fix: pass k between 1 and {size}.")
    return _pick(input, dim, keepdim, k - 1, kthvalue_op, "kthvalue")


def median(input, dim: int | None = None, keepdim: bool = False):
    """The lower median of all elements, or ``(values, indices)`` along ``dim``.

    >>> import chainrule as torch
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
            return median_all_op(input.new_full((), float("nan")))
        return median_all_op(input)
    dim = _wrap_dim(dim, input.ndim)
    R._check_nonempty(input, dim, "median")
    size = input.shape[dim] if input.ndim else 1
    data = input._data
    if data.dtype.kind == "f" and data.ndim and xp.isnan(data).any():
        # A slice holding NaN has median NaN (PyTorch propagates it): index of its first NaN.
        nan = xp.isnan(data)
        index = xp.where(nan.any(axis=dim), xp.argmax(nan, axis=dim),
                         xp.take(_argsort(data, dim, False), (size - 1) // 2, axis=dim))
        index = _index_tensor(xp.expand_dims(index, dim) if keepdim else index)
        return _ValuesIndices(median_dim_op(input, dim, keepdim, index, data.shape), index,
                              "median")
    return _pick(input, dim, keepdim, (size - 1) // 2, median_dim_op, "median")


def _mode_of(row):
    values, counts = xp.unique(row, return_counts=True)
    value = values[xp.argmax(counts)]  # the smallest of the most frequent values
    return len(row) - 1 - int(xp.argmax(row[::-1] == value))  # its last position


def mode(input, dim: int = -1, keepdim: bool = False):
    """The most frequent value along ``dim`` (the smallest if several are), and its last index.

    >>> import chainrule as torch
    >>> torch.mode(torch.tensor([1, 2, 2, 1, 3]))
    torch.return_types.mode(
    values=tensor(1),
    indices=tensor(3))
    """
    dim = _wrap_dim(dim, input.ndim)
    R._check_nonempty(input, dim, "mode")
    if input.ndim == 0:
        index = xp.zeros((), xp.int64)
    else:
        index = xp.apply_along_axis(_mode_of, dim, input._data)
        index = xp.expand_dims(index, dim) if keepdim else index
    index = _index_tensor(index)
    return _ValuesIndices(mode_op(input, dim, keepdim, index, input._data.shape), index, "mode")


def _cumulative_extreme(input, dim, better, op, name):
    dim = _wrap_dim(dim, input.ndim)
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
    return _ValuesIndices(op(input, dim, index, data.shape), index, name)


def cummax(input, dim: int):
    """Running maximum along ``dim`` and where each running maximum was found.

    >>> import chainrule as torch
    >>> torch.cummax(torch.tensor([1., 3., 2., 5.]), 0)
    torch.return_types.cummax(
    values=tensor([1., 3., 3., 5.]),
    indices=tensor([0, 1, 1, 3]))
    """
    return _cumulative_extreme(input, dim, xp.greater, cummax_op, "cummax")


def cummin(input, dim: int):
    """Running minimum along ``dim`` and where each running minimum was found.

    >>> import chainrule as torch
    >>> torch.cummin(torch.tensor([3., 1., 2., 0.]), 0).values
    tensor([3., 1., 1., 0.])
    """
    return _cumulative_extreme(input, dim, xp.less, cummin_op, "cummin")


def unique(input, sorted: bool = True, return_inverse: bool = False,  # noqa: A002
           return_counts: bool = False, dim: int | None = None):
    """The distinct values (sorted), optionally with each element's position among them
    (``return_inverse``) and how often each occurs (``return_counts``). Not differentiable.

    >>> import chainrule as torch
    >>> torch.unique(torch.tensor([3, 1, 3, 2]), return_counts=True)
    (tensor([1, 2, 3]), tensor([1, 1, 2]))
    """
    from ..tensor import Tensor
    data = input._data
    if dim is not None:
        dim = _wrap_dim(dim, input.ndim)
    values, inverse, counts = xp.unique(data if dim is not None else data.reshape(-1),
                                        return_inverse=True, return_counts=True, axis=dim)
    out = [Tensor._make(xp.ascontiguousarray(values))]
    if return_inverse:
        out.append(_index_tensor(inverse.reshape(data.shape if dim is None else -1)))
    if return_counts:
        out.append(_index_tensor(counts))
    return out[0] if len(out) == 1 else tuple(out)


def nonzero(input, *, as_tuple: bool = False):
    """Indices of the non-zero elements: an ``(n, ndim)`` tensor, or one vector per dimension.

    >>> import chainrule as torch
    >>> torch.nonzero(torch.tensor([[0, 1], [2, 0]]))
    tensor([[0, 1],
            [1, 0]])
    """
    data = input._data
    if as_tuple:
        return tuple(_index_tensor(i) for i in xp.nonzero(xp.atleast_1d(data)))
    return _index_tensor(xp.argwhere(data))


def count_nonzero(input, dim=None):
    """How many elements are non-zero, over all elements or along ``dim`` (int or tuple).

    >>> import chainrule as torch
    >>> torch.count_nonzero(torch.tensor([[0, 1], [2, 3]]), dim=0)
    tensor([1, 2])
    """
    dims = R.normalize_dims(dim, input.ndim)
    axis = None if dims is None or input.ndim == 0 else dims
    return _index_tensor(xp.asarray(xp.count_nonzero(input._data, axis=axis)))


def searchsorted(sorted_sequence, input, *, out_int32: bool = False, right: bool = False,
                 side: str | None = None, sorter=None):
    """Where each value of ``input`` would go in ``sorted_sequence`` (along its last dimension)
    to keep it sorted; ``right=True`` puts equal values after their matches.

    >>> import chainrule as torch
    >>> torch.searchsorted(torch.tensor([1, 3, 5]), torch.tensor([0, 3, 6]))
    tensor([0, 1, 3])
    """
    from ..tensor import Tensor
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


def bucketize(input, boundaries, *, out_int32: bool = False, right: bool = False):
    """The bucket of each value: ``i`` with ``boundaries[i-1] < x <= boundaries[i]``
    (``<= x <`` with ``right=True``).

    >>> import chainrule as torch
    >>> torch.bucketize(torch.tensor([1, 5, 9]), torch.tensor([1, 3, 5, 7]))
    tensor([0, 2, 4])
    """
    if boundaries.ndim != 1:
        raise RuntimeError(f"boundaries tensor must be 1 dimension, but got dim("
                           f"{boundaries.ndim}). Fix: pass a 1-D sorted tensor of boundaries.")
    return searchsorted(boundaries, input, out_int32=out_int32, right=right)


def _check_square(input, name):
    if input.ndim < 2 or input.shape[-1] != input.shape[-2]:
        raise RuntimeError(f"linalg.{name}: A must be batches of square matrices, but they are "
                           f"{input.shape[-2] if input.ndim > 1 else input.ndim} by "
                           f"{input.shape[-1] if input.ndim else 0} matrices")
    if not input.dtype.is_floating_point:
        raise RuntimeError(f"linalg.{name}: Expected a floating point or complex tensor as "
                           f"input. Got {input.dtype.name.capitalize()}")


def inverse(input):
    """The inverse of a square matrix (or of each matrix in a batch).

    >>> import chainrule as torch
    >>> torch.inverse(torch.tensor([[2., 0.], [0., 4.]]))
    tensor([[0.5000, 0.0000],
            [0.0000, 0.2500]])
    """
    _check_square(input, "inv")
    return inverse_op(input)


def det(input):
    """The determinant of a square matrix (or of each matrix in a batch).

    >>> import chainrule as torch
    >>> torch.det(torch.tensor([[1., 2.], [3., 4.]]))
    tensor(-2.)
    """
    _check_square(input, "det")
    return det_op(input)
