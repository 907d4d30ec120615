"""Selection: sort, topk, kthvalue, median, nanmedian, mode, cummax/cummin, unique, nonzero,
searchsorted.

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
from ..engine.op import Op, index, put_into_zeros
from .indexing import _gather_forward
from .reduction import _place_at, _reduce_sum, _take_along, _tie_share, _unsqueeze_to
from .refused import refusing


def _scatter_back(grad, dim, index, shape):
    # scatter_add, not scatter: cummax may pick one element for several outputs.
    return grad.new_zeros(shape).scatter_add(dim, index, grad)


def _along(name):
    """An op reading ``self`` at ``index`` along ``dim`` (output shaped like ``index``)."""
    op = Op(name, _gather_forward,
            self=lambda grad, dim, index, shape: _scatter_back(grad, dim, index, shape),
            jvp=lambda self_t, dim, index, shape: op(self_t, dim, index, shape))
    return op


def _reducing(name):
    """An op picking one element per slice along ``dim`` (like ``max(dim)``)."""
    op = Op(name, lambda self, dim, keepdim, index, shape: _take_along(self, index, dim, keepdim),
            self=lambda grad, dim, keepdim, index, shape:
                _place_at(grad, shape, dim, keepdim, index),
            jvp=lambda self_t, dim, keepdim, index, shape: op(self_t, dim, keepdim, index, shape))
    return op


def _picking(name):
    """An op reading ``self[key]`` (``old`` = the input's shape), named as PyTorch names it."""
    op = Op(name, lambda self, key, old: self[key],
            self=lambda grad, key, old: put_into_zeros(grad, old, key),
            jvp=lambda self_t, key, old: op(self_t, key, old))
    return op


# --- the rule table ------------------------------------------------------------
diagonal = _picking("DiagonalBackward0")
diag = _picking("DiagonalBackward0_copy")  # torch.diag of a matrix: a copy, not a view
take = _picking("TakeBackward0")
masked_select = _picking("MaskedSelectBackward0")
# torch.diag of a vector: the vector written on a diagonal of zeros; reading it back is the rule.
diag_embed = Op("DiagEmbedBackward0",
                   lambda self, shape, key: put_into_zeros.forward(self, shape, key),
                   self=lambda grad, key: index(grad, key, grad.shape),
                   jvp=lambda self_t, shape, key: diag_embed(self_t, shape, key))
trace = Op("TraceBackward0", lambda self, shape: xp.asarray(xp.trace(self)),
              self=lambda grad, shape: put_into_zeros(grad.expand(min(shape)), shape,
                                                        (xp.arange(min(shape)),) * 2),
              jvp=lambda self_t, shape: trace(self_t, shape))
sort = _along("SortBackward0")
sort_stable = _along("SortBackward1")  # PyTorch names sort(stable=True) apart
topk = _along("TopkBackward0")
cummax = _along("CummaxBackward0")
cummin = _along("CumminBackward0")
kthvalue = _reducing("KthvalueBackward0")
median_dim = _reducing("MedianBackward1")
mode = _reducing("ModeBackward0")
# median() of the whole tensor: like max(), ties share the gradient evenly.
median_all = Op("MedianBackward0", lambda self: _lower_median(self),
                   self=lambda grad, self, result: _unsqueeze_to(grad, self.shape, None, False)
                   * _tie_share(self, result, None, False),
                   jvp=lambda self_t, self, result: _reduce_sum(
                       self_t * _tie_share(self, result, None, False), None, False))
nanmedian_dim = _reducing("NanmedianBackward1")
# nanmedian() of the whole tensor: ties share the gradient, and a NaN result (no number at
# all) shares it among the NaNs, as PyTorch's evenly_distribute_backward does.
nanmedian_all = Op("NanmedianBackward0", lambda self: _lower_nanmedian(self),
                   self=lambda grad, self, result: _share_evenly(grad, self, result),
                   jvp=lambda self_t, self, result:
                       _reduce_sum(_share_evenly(self_t.new_ones(()), self, result) * self_t,
                                   None, False))
# unique_consecutive's values: PyTorch records them but has no derivative.
unique_consecutive = refusing(
    "UniqueConsecutiveBackward0",
    lambda self, starts, dim: xp.take(self.reshape(-1) if dim is None else self, starts,
                                      axis=0 if dim is None else dim),
    "the derivative for 'unique_consecutive' is not implemented.", error=NotImplementedError)
# d(A^-1) = -A^-1 dA A^-1, so the gradient is -A^-T grad A^-T.
inverse = Op("LinalgInvExBackward0", lambda self: _inv(self),
                self=lambda grad, result: -(result.mT @ grad @ result.mT),
                jvp=lambda self_t, result: -(result @ self_t @ result))
# d det(A) = det(A) tr(A^-1 dA) (Jacobi's formula); tr(B dA) is sum(B^T * dA).
det = Op("LinalgDetBackward0", lambda self: xp.asarray(xp.linalg.det(self)),
            self=lambda grad, self, result:
                (grad * result).unsqueeze(-1).unsqueeze(-1) * inverse(self).mT,
            jvp=lambda self_t, self, result:
                result * (inverse(self).mT * self_t).sum((-2, -1)))


def _inv(a):
    try:
        return xp.linalg.inv(a)
    except xp.linalg.LinAlgError:
        raise RuntimeError("linalg.inv: The input matrix is singular, so the inversion could not "
                           "be completed. Fix: check the matrix's rank, or use a pseudo-inverse."
                           ) from None


def _share_evenly(grad, self, result):
    hit = self.isnan() if bool(result.isnan()) else self == result
    return hit * (grad / hit.sum())


def _lower_nanmedian(a):
    flat = xp.sort(a.reshape(-1))  # NaN sorts last
    valid = flat.size - int(xp.isnan(flat).sum()) if flat.dtype.kind == "f" else flat.size
    if valid == 0:
        return xp.asarray(xp.nan, dtype=a.dtype)
    return xp.asarray(flat[(valid - 1) // 2])


def _lower_median(a):
    flat = xp.sort(a.reshape(-1))  # NaN sorts last: any NaN makes the median NaN, as in PyTorch
    if flat.dtype.kind == "f" and xp.isnan(flat[-1]):
        return xp.asarray(flat[-1])
    return xp.asarray(flat[(flat.size - 1) // 2])


# --- index finding on arrays ---------------------------------------------------------


# --- public functions ----------------------------------------------------------------
