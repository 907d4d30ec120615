"""Reductions: sum, mean, prod, max/min, var/std, norm, logsumexp, cumulative ops.

A reduction's gradient spreads the output's gradient back over the elements
that were combined, so each rule first restores the reduced dimensions
(``_unsqueeze_to``) and then broadcasts.
"""
from __future__ import annotations

import builtins

from .._backend import xp
from ..autograd.function import Op


def normalize_dims(dim, ndim: int) -> tuple | None:
    """``dim`` (None, int or tuple) as a sorted tuple of non-negative dims; None means all."""
    if dim is None:
        return None
    dims = (dim,) if isinstance(dim, int) else tuple(dim)
    if not dims:
        return None
    out = []
    for d in dims:
        rank = builtins.max(ndim, 1)
        if not -rank <= d < rank:
            raise IndexError(
                f"Dimension out of range (expected to be in range of [{-rank}, {rank - 1}], "
                f"but got {d})")
        out.append(d % rank)
    return tuple(sorted(out))


def _unsqueeze_to(grad, shape, dims, keepdim: bool):
    """Reinsert the reduced ``dims`` as size-1 dimensions so ``grad`` broadcasts over ``shape``."""
    if dims is None:
        return grad.reshape((1,) * len(shape)) if shape else grad
    if keepdim:
        return grad
    new_shape = list(grad.shape)
    for d in dims:
        new_shape.insert(d, 1)
    return grad.reshape(new_shape)


def _axis(dims, ndim):
    if dims is None or ndim == 0:
        return None
    return dims


# --- the rule table ------------------------------------------------------------
sum_op = Op("SumBackward1", lambda self, dims, keepdim, dtype:
            xp.sum(self, axis=_axis(dims, self.ndim), keepdims=keepdim, dtype=dtype),
            self=lambda grad, self, dims, keepdim:
                _unsqueeze_to(grad, self.shape, dims, keepdim).expand(self.shape))
sum_all = Op("SumBackward0", lambda self, dtype: xp.sum(self, dtype=dtype),
             self=lambda grad, self: grad.expand(self.shape))
mean_op = Op("MeanBackward1", lambda self, dims, keepdim:
             xp.mean(self, axis=_axis(dims, self.ndim), keepdims=keepdim),
             self=lambda grad, self, dims, keepdim:
                 _unsqueeze_to(grad, self.shape, dims, keepdim).expand(self.shape)
                 / _count(self.shape, dims))
mean_all = Op("MeanBackward0", lambda self: xp.mean(self),
              self=lambda grad, self: grad.expand(self.shape) / builtins.max(self.numel(), 1))
# prod: d/dx_i = prod / x_i, computed without dividing so zeros are handled.
prod_op = Op("ProdBackward1", lambda self, dims, keepdim:
             xp.prod(self, axis=_axis(dims, self.ndim), keepdims=keepdim),
             self=lambda grad, self, dims, keepdim: _prod_backward(grad, self, dims, keepdim))
prod_all = Op("ProdBackward0", lambda self: xp.prod(self),
              self=lambda grad, self: _prod_backward(grad, self, None, False))
# amax/amin: the gradient is shared evenly between tied maxima (PyTorch's rule).
amax_op = Op("AmaxBackward0", lambda self, dims, keepdim:
             xp.amax(self, axis=_axis(dims, self.ndim), keepdims=keepdim),
             self=lambda grad, self, dims, keepdim, result:
                 _spread_to_ties(grad, self, result, dims, keepdim))
amin_op = Op("AminBackward0", lambda self, dims, keepdim:
             xp.amin(self, axis=_axis(dims, self.ndim), keepdims=keepdim),
             self=lambda grad, self, dims, keepdim, result:
                 _spread_to_ties(grad, self, result, dims, keepdim))
# max()/min() of the whole tensor: PyTorch also shares evenly between ties.
max_all = Op("MaxBackward1", lambda self: xp.amax(self),
             self=lambda grad, self, result: _spread_to_ties(grad, self, result, None, False))
min_all = Op("MinBackward1", lambda self: xp.amin(self),
             self=lambda grad, self, result: _spread_to_ties(grad, self, result, None, False))
# max(dim)/min(dim): the gradient goes to the index reported, one element per slice.
max_dim = Op("MaxBackward0", lambda self, dim, keepdim, index:
             _take_along(self, index, dim, keepdim),
             self=lambda grad, self, dim, keepdim, index:
                 _scatter_to_index(grad, self, dim, keepdim, index))
min_dim = Op("MinBackward0", lambda self, dim, keepdim, index:
             _take_along(self, index, dim, keepdim),
             self=lambda grad, self, dim, keepdim, index:
                 _scatter_to_index(grad, self, dim, keepdim, index))
# logsumexp: shifted by the max so exp never overflows; the gradient is softmax.
logsumexp_op = Op("LogsumexpBackward0", lambda self, dims, keepdim:
                  _logsumexp(self, _axis(dims, self.ndim), keepdim),
                  self=lambda grad, self, dims, keepdim, result:
                      _unsqueeze_to(grad, self.shape, dims, keepdim)
                      * (self - _unsqueeze_to(result, self.shape, dims, keepdim)).exp())
cumsum_op = Op("CumsumBackward0", lambda self, dim: xp.cumsum(self, axis=dim) if self.ndim
               else self.copy(),
               self=lambda grad, dim: grad.flip(dim).cumsum(dim).flip(dim) if grad.ndim
               else grad)
cumprod_op = Op("CumprodBackward0", lambda self, dim: xp.cumprod(self, axis=dim) if self.ndim
                else self.copy(),
                self=lambda grad, self, dim, result: _cumprod_backward(grad, self, dim, result))


def _count(shape, dims) -> int:
    n = 1
    for d in (range(len(shape)) if dims is None else dims):
        n *= shape[d]
    return builtins.max(n, 1)


def _logsumexp(x, axis, keepdim):
    if x.size == 0:
        return xp.log(xp.sum(xp.exp(x), axis=axis, keepdims=keepdim))
    m = xp.amax(x, axis=axis, keepdims=True)
    m = xp.where(xp.isfinite(m), m, 0)
    out = xp.log(xp.sum(xp.exp(x - m), axis=axis, keepdims=True)) + m
    if not keepdim:
        out = xp.squeeze(out, axis=axis) if axis is not None else out.reshape(())
    return out


def _spread_to_ties(grad, self, result, dims, keepdim):
    result = _unsqueeze_to(result, self.shape, dims, keepdim)
    grad = _unsqueeze_to(grad, self.shape, dims, keepdim)
    mask = self == result
    count = mask.sum(dims if dims is not None else tuple(range(self.ndim)), keepdim=True)
    return grad * mask / count


def _take_along(x, index, dim, keepdim):
    if x.ndim == 0:
        return x.copy()
    out = xp.take_along_axis(x, xp.expand_dims(index, dim), axis=dim)
    return out if keepdim else xp.squeeze(out, axis=dim)


def _scatter_to_index(grad, self, dim, keepdim, index):
    from .shape import zeros_like_tensor
    if self.ndim == 0:
        return grad
    idx = index if keepdim else index.unsqueeze(dim)
    g = grad if keepdim else grad.unsqueeze(dim)
    return zeros_like_tensor(self).scatter(dim, idx, g)


def _prod_backward(grad, self, dims, keepdim):
    # Product of all the other elements: exclusive cumulative products from both sides
    # along the flattened reduced axis, so a zero input gives the right (finite) answer.
    from .shape import movedim_to_end
    shape = self.shape
    g = _unsqueeze_to(grad, shape, dims, keepdim)
    if self.ndim == 0:
        return grad
    reduced = tuple(range(self.ndim)) if dims is None else dims
    moved, restore = movedim_to_end(self, reduced)
    flat = moved.reshape(moved.shape[:len(moved.shape) - len(reduced)] + (-1,))
    ones = flat[..., :1] * 0 + 1
    left = _cat_last(ones, flat[..., :-1]).cumprod(-1)
    right = _cat_last(ones, flat.flip(-1)[..., :-1]).cumprod(-1).flip(-1)
    others = (left * right).reshape(moved.shape)
    return g * restore(others)


def _cat_last(a, b):
    from .shape import cat
    return cat([a, b], -1)


def _cumprod_backward(grad, self, dim, result):
    if self.ndim == 0:
        return grad
    # d out_j / d x_i = prod_{k<=j, k!=i} x_k: sum over j >= i of grad_j * out_j / x_i,
    # done without division via the "exclusive" products, O(n^2) only along dim.
    n = self.shape[dim]
    from .shape import stack
    cols = []
    for i in range(n):
        ones = self.narrow(dim, i, 1) * 0 + 1
        pieces = [self.narrow(dim, k, 1) if k != i else ones for k in range(n)]
        from .shape import cat
        excl = cat(pieces, dim).cumprod(dim)
        mask_after = excl.narrow(dim, i, n - i)
        cols.append((grad.narrow(dim, i, n - i) * mask_after).sum(dim))
    return stack(cols, dim)


# --- public functions ------------------------------------------------------------

def _sum_dtype(input, dtype):
    if dtype is not None:
        return dtype.np
    if not input.dtype.is_floating_point:
        return xp.int64  # integer and bool sums are int64 in PyTorch
    return None


def sum(input, dim=None, keepdim: bool = False, *, dtype=None):  # noqa: A001
    """Sum of all elements, or over ``dim`` (an int or a tuple).

    >>> import chainrule as torch
    >>> torch.sum(torch.tensor([[1., 2.], [3., 4.]]), dim=0)
    tensor([4., 6.])
    """
    dims = normalize_dims(dim, input.ndim)
    if dims is None and dim is None:
        return sum_all(input, _sum_dtype(input, dtype))
    return sum_op(input, dims, keepdim, _sum_dtype(input, dtype))


def mean(input, dim=None, keepdim: bool = False, *, dtype=None):
    """Arithmetic mean of all elements, or over ``dim``.

    >>> import chainrule as torch
    >>> torch.tensor([1., 2., 3., 4.]).mean()
    tensor(2.5000)
    """
    if dtype is not None:
        input = input.to(dtype)
    if not input.dtype.is_floating_point:
        raise RuntimeError(
            "mean(): could not infer output dtype. Input dtype must be either a floating point "
            f"or complex dtype. Got: {input.dtype.name.capitalize()}. Fix: call .float() "
            "first.")
    dims = normalize_dims(dim, input.ndim)
    if dims is None and dim is None:
        return mean_all(input)
    return mean_op(input, dims, keepdim)


def prod(input, dim=None, keepdim: bool = False, *, dtype=None):
    """Product of all elements, or along one ``dim``.

    >>> import chainrule as torch
    >>> torch.tensor([1., 2., 3.]).prod()
    tensor(6.)
    """
    if dtype is not None:
        input = input.to(dtype)
    elif not input.dtype.is_floating_point:
        input = input.long()
    if dim is None:
        return prod_all(input)
    return prod_op(input, normalize_dims(dim, input.ndim), keepdim)


def amax(input, dim=(), keepdim: bool = False):
    """Largest value over ``dim`` (all dims by default); ties share the gradient.

    >>> import chainrule as torch
    >>> torch.amax(torch.tensor([[1., 5.], [3., 2.]]), dim=1)
    tensor([5., 3.])
    """
    _check_nonempty(input, dim, "amax")
    return amax_op(input, normalize_dims(dim, input.ndim), keepdim)


def amin(input, dim=(), keepdim: bool = False):
    """Smallest value over ``dim`` (all dims by default)."""
    _check_nonempty(input, dim, "amin")
    return amin_op(input, normalize_dims(dim, input.ndim), keepdim)


def _check_nonempty(input, dim, name):
    if input.numel() == 0:
        raise IndexError(f"{name}(): Expected reduction dim to be specified for input.numel() == 0."
                         " Specify the reduction dim with the 'dim' argument.")


class _ValuesIndices(tuple):
    """``(values, indices)`` with names, as PyTorch's ``torch.return_types.max``."""

    def __new__(cls, values, indices, name):
        self = super().__new__(cls, (values, indices))
        self._name = name
        return self

    @property
    def values(self):
        return self[0]

    @property
    def indices(self):
        return self[1]

    def __repr__(self) -> str:
        return (f"torch.return_types.{self._name}(\nvalues={self[0]!r},\n"
                f"indices={self[1]!r})")


def _extreme(input, dim, keepdim, other, name, all_op, dim_op, pick, pairwise):
    from ..tensor import Tensor
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
    d = normalize_dims(dim, input.ndim)[0] if input.ndim else 0
    index = Tensor._make(xp.asarray(pick(input._data, axis=d) if input.ndim
                                    else xp.zeros((), xp.int64)))
    if keepdim and input.ndim:
        index = Tensor._make(xp.expand_dims(index._data, d))
    values = dim_op(input, d, keepdim, index if not keepdim or not input.ndim
                    else Tensor._make(xp.squeeze(index._data, d)))
    return _ValuesIndices(values, index, name)


def max(input, dim=None, keepdim: bool = False, *, other=None):  # noqa: A001
    """The largest element, or ``(values, indices)`` along ``dim``, or an elementwise maximum.

    >>> import chainrule as torch
    >>> torch.tensor([[1., 5.], [3., 2.]]).max(dim=1).indices
    tensor([1, 0])
    """
    from ..tensor import maximum
    return _extreme(input, dim, keepdim, other, "max", max_all, max_dim, _argmax, maximum)


def min(input, dim=None, keepdim: bool = False, *, other=None):  # noqa: A001
    """The smallest element, or ``(values, indices)`` along ``dim``, or an elementwise minimum.

    >>> import chainrule as torch
    >>> torch.tensor([[1., 5.], [3., 2.]]).min()
    tensor(1.)
    """
    from ..tensor import minimum
    return _extreme(input, dim, keepdim, other, "min", min_all, min_dim, _argmin, minimum)


def _argmax(a, axis):
    # NaN counts as the largest value in PyTorch.
    return xp.argmax(xp.where(xp.isnan(a), xp.inf, a) if a.dtype.kind == "f" else a, axis=axis) \
        if not (a.dtype.kind == "f" and xp.isnan(a).any()) else xp.argmax(xp.isnan(a), axis=axis)


def _argmin(a, axis):
    return xp.argmin(a, axis=axis) if not (a.dtype.kind == "f" and xp.isnan(a).any()) \
        else xp.argmax(xp.isnan(a), axis=axis)


def argmax(input, dim=None, keepdim: bool = False):
    """Index of the largest value (of the flattened tensor when ``dim`` is None).

    >>> import chainrule as torch
    >>> torch.argmax(torch.tensor([1., 7., 3.]))
    tensor(1)
    """
    from ..tensor import Tensor
    if dim is None:
        out = xp.asarray(_argmax(input._data.reshape(-1), 0))
        return Tensor._make(out.reshape((1,) * input.ndim) if keepdim else out)
    return max(input, dim, keepdim).indices


def argmin(input, dim=None, keepdim: bool = False):
    """Index of the smallest value (of the flattened tensor when ``dim`` is None)."""
    from ..tensor import Tensor
    if dim is None:
        out = xp.asarray(_argmin(input._data.reshape(-1), 0))
        return Tensor._make(out.reshape((1,) * input.ndim) if keepdim else out)
    return min(input, dim, keepdim).indices


def var(input, dim=None, unbiased=None, keepdim: bool = False, *, correction=None):
    """Variance, with Bessel's correction by default (``correction=1``).

    >>> import chainrule as torch
    >>> torch.tensor([1., 2., 3., 4.]).var()
    tensor(1.6667)
    """
    if isinstance(unbiased, bool) or unbiased is None:
        pass
    else:  # var(x, 0): a positional dim in the old signature
        dim, unbiased = unbiased, None
    if correction is None:
        correction = 1 if unbiased is None or unbiased else 0
    dims = normalize_dims(dim, input.ndim)
    n = _count(input.shape, dims) if input.numel() else 0
    centered = input - input.mean(dim=dims if dims is not None else None, keepdim=True) \
        if dims is not None else input - input.mean()
    squares = centered * centered
    total = squares.sum(dims, keepdim=keepdim) if dims is not None else squares.sum()
    return total / builtins.max(n - correction, 0)


def std(input, dim=None, unbiased=None, keepdim: bool = False, *, correction=None):
    """Standard deviation (square root of ``var``).

    >>> import chainrule as torch
    >>> torch.tensor([1., 2., 3., 4.]).std()
    tensor(1.2910)
    """
    return var(input, dim, unbiased, keepdim, correction=correction).sqrt()


def norm(input, p="fro", dim=None, keepdim: bool = False, dtype=None):
    """Vector p-norm (2 by default) of all elements or over ``dim``.

    >>> import chainrule as torch
    >>> torch.tensor([3., 4.]).norm()
    tensor(5.)
    """
    if p == "fro" or p == 2 or p is None:
        sq = (input * input).sum(dim, keepdim) if dim is not None else (input * input).sum()
        # sqrt has an infinite slope at 0; PyTorch's norm gives 0 there, so mask it.
        return _safe_sqrt(sq)
    if p == float("inf"):
        return input.abs().amax(dim if dim is not None else (), keepdim)
    if p == float("-inf"):
        return input.abs().amin(dim if dim is not None else (), keepdim)
    if p == 1:
        return input.abs().sum(dim, keepdim) if dim is not None else input.abs().sum()
    if p == 0:
        nz = (input != 0).to(input.dtype)
        return nz.sum(dim, keepdim) if dim is not None else nz.sum()
    a = input.abs() ** p
    return (a.sum(dim, keepdim) if dim is not None else a.sum()) ** (1.0 / p)


safe_sqrt_op = Op("NormBackward1", lambda self: xp.sqrt(self),
                  self=lambda grad, result: grad / (2 * result) * (result != 0))


def _safe_sqrt(x):
    return safe_sqrt_op(x)


def logsumexp(input, dim, keepdim: bool = False):
    """``log(sum(exp(input)))`` over ``dim``, computed without overflow.

    >>> import chainrule as torch
    >>> torch.logsumexp(torch.tensor([1000., 1000.]), dim=0)
    tensor(1000.6931)
    """
    if not input.dtype.is_floating_point:
        input = input.float()
    return logsumexp_op(input, normalize_dims(dim, input.ndim), keepdim)


def cumsum(input, dim: int, *, dtype=None):
    """Running sum along ``dim``.

    >>> import chainrule as torch
    >>> torch.cumsum(torch.tensor([1., 2., 3.]), dim=0)
    tensor([1., 3., 6.])
    """
    if dtype is not None:
        input = input.to(dtype)
    elif not input.dtype.is_floating_point:
        input = input.long()
    return cumsum_op(input, normalize_dims(dim, input.ndim)[0] if input.ndim else 0)


def cumprod(input, dim: int, *, dtype=None):
    """Running product along ``dim``.

    >>> import chainrule as torch
    >>> torch.cumprod(torch.tensor([1., 2., 3.]), dim=0)
    tensor([1., 2., 6.])
    """
    if dtype is not None:
        input = input.to(dtype)
    elif not input.dtype.is_floating_point:
        input = input.long()
    return cumprod_op(input, normalize_dims(dim, input.ndim)[0] if input.ndim else 0)


def all(input, dim=None, keepdim: bool = False):  # noqa: A001
    """True where every element (over ``dim``) is nonzero."""
    from ..tensor import Tensor
    axis = normalize_dims(dim, input.ndim) if dim is not None else None
    return Tensor._make(xp.asarray(xp.all(input._data, axis=axis, keepdims=keepdim)))


def any(input, dim=None, keepdim: bool = False):  # noqa: A001
    """True where some element (over ``dim``) is nonzero."""
    from ..tensor import Tensor
    axis = normalize_dims(dim, input.ndim) if dim is not None else None
    return Tensor._make(xp.asarray(xp.any(input._data, axis=axis, keepdims=keepdim)))
