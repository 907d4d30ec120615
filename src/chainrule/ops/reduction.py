"""Reductions: sum, mean, prod, max/min, var/std, norm, logsumexp, cumulative ops.

A reduction's gradient spreads the output's gradient back over the elements
that were combined, so each rule first restores the reduced dimensions
(``_unsqueeze_to``) and then broadcasts.
"""
from __future__ import annotations

import builtins
import functools
import math

from .._backend import xp
from ..engine.array_rules import ARRAY_FORMS, compiled_form
from ..engine.op import Op
from .pointwise import where
from .shape import cat, movedim_to_end, stack


def _unsqueeze_to(grad, shape, dims, keepdim: bool):
    """Reinsert the reduced ``dims`` as size-1 dimensions so ``grad`` broadcasts over ``shape``."""
    if not shape:
        return grad  # a 0-d input: nothing was reduced away
    if dims is None:
        return grad.reshape((1,) * len(shape))
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


def _reduce_sum(t, dims, keepdim):
    """Sum of a tensor over ``dims`` (None: all), for jvp rules."""
    if dims is None and not keepdim:
        return sum_all(t, None)
    return sum_dims(t, dims if dims is not None else tuple(range(t.ndim)), keepdim, None)


# --- the rule table ------------------------------------------------------------
# Each reduction's backward spreads `grad` over the reduced elements; its jvp sums
# the tangent times the same local derivative over them.  A mean divides the reduced
# gradient by the count before spreading it: the same quotients, one division per output
# element instead of one per input element, and no second full-size array.
# The gradient of a sum is ``grad.expand(shape)``; in a backward formula it needs no view,
# so it is made by one broadcasting copy (np.empty + copyto, two C calls) rather than by
# np.broadcast_to, a Python function that every reduction's backward would pay for.
spread = Op("ExpandBackward0", lambda grad, shape: _spread(grad, shape),
            grad=lambda g: g,  # the engine sums the gradient back to grad's shape
            jvp=lambda grad_t, shape: spread(grad_t, shape))


def _spread(grad, shape):
    out = xp.empty(shape, dtype=grad.dtype)
    out[...] = grad
    return out


# (its C twin where the compiled core runs: array_rules.compiled_form)
ARRAY_FORMS[spread] = compiled_form("spread", ARRAY_FORMS[spread])


# xp.add.reduce is xp.sum without its Python wrapper, so a NumPy warning (a sum of +inf and
# -inf) is raised from this module, where chainrule's filter in _backend silences it.
# (The forwards of sum and mean inline _axis, and pass add.reduce's arguments by position
# (axis, dtype, out, keepdims): the commonest reductions, two steps less each.)
sum_dims = Op("SumBackward1", lambda self, dims, keepdim, dtype:
            xp.add.reduce(self, dims if self.ndim else None, dtype, None, keepdim),
            self=lambda grad, self_shape, dims, keepdim:
                spread(_unsqueeze_to(grad, self_shape, dims, keepdim), self_shape),
            jvp=lambda self_t, dims, keepdim, dtype: sum_dims(self_t, dims, keepdim, dtype))
sum_all = Op("SumBackward0", lambda self, dtype: xp.add.reduce(self, None, dtype),
             self=lambda grad, self_shape: spread(grad, self_shape),
             jvp=lambda self_t, dtype: sum_all(self_t, dtype))
mean_dims = Op("MeanBackward1", lambda self, dims, keepdim:
             _mean(self, dims if self.ndim else None, keepdim),
             self=lambda grad, self_shape, dims, keepdim:
                 spread(_unsqueeze_to(grad, self_shape, dims, keepdim) / _count(self_shape, dims),
                        self_shape),
             jvp=lambda self_t, dims, keepdim: mean_dims(self_t, dims, keepdim))
mean_all = Op("MeanBackward0", lambda self: _mean(self, None, False),
              self=lambda grad, self_shape:
                  spread(grad / _count(self_shape, None), self_shape),
              jvp=lambda self_t: mean_all(self_t))
# prod: d/dx_i = the product of the other elements, computed without dividing so zeros work.
# prod, cumsum and cumprod keep self's dtype (NumPy would widen small integers to int64).
prod_dim = Op("ProdBackward1", lambda self, dims, keepdim:
             xp.prod(self, axis=_axis(dims, self.ndim), keepdims=keepdim, dtype=self.dtype),
             self=lambda grad, self, dims, keepdim:
                 _unsqueeze_to(grad, self.shape, dims, keepdim) * _prod_others(self, dims),
             jvp=lambda self_t, self, dims, keepdim:
                 _reduce_sum(self_t * _prod_others(self, dims), dims, keepdim))
prod_all = Op("ProdBackward0", lambda self: xp.prod(self, dtype=self.dtype),
              self=lambda grad, self: _unsqueeze_to(grad, self.shape, None, False)
              * _prod_others(self, None),
              jvp=lambda self_t, self: _reduce_sum(self_t * _prod_others(self, None), None, False))
# amax/amin, and max()/min() of the whole tensor: the gradient is shared evenly between
# tied extrema (PyTorch's rule), so one pair of rules serves the four rows.
def _extremum_grad(grad, self, dims, keepdim, result):
    return _unsqueeze_to(grad, self.shape, dims, keepdim) * _tie_share(self, result, dims, keepdim)


def _extremum_jvp(self_t, self, dims, keepdim, result):
    return _reduce_sum(self_t * _tie_share(self, result, dims, keepdim), dims, keepdim)


amax = Op("AmaxBackward0", lambda self, dims, keepdim:
             xp.amax(self, axis=_axis(dims, self.ndim), keepdims=keepdim),
             self=_extremum_grad, jvp=_extremum_jvp)
amin = Op("AminBackward0", lambda self, dims, keepdim:
             xp.amin(self, axis=_axis(dims, self.ndim), keepdims=keepdim),
             self=_extremum_grad, jvp=_extremum_jvp)
max_all = Op("MaxBackward1", lambda self: xp.amax(self),
             self=lambda grad, self, result: _extremum_grad(grad, self, None, False, result),
             jvp=lambda self_t, self, result: _extremum_jvp(self_t, self, None, False, result))
min_all = Op("MinBackward1", lambda self: xp.amin(self),
             self=lambda grad, self, result: _extremum_grad(grad, self, None, False, result),
             jvp=lambda self_t, self, result: _extremum_jvp(self_t, self, None, False, result))
# max(dim)/min(dim): the gradient goes to the index reported, one element per slice.
max_dim = Op("MaxBackward0", lambda self, dim, keepdim, index:
             _take_along(self, index, dim, keepdim),
             self=lambda grad, self, dim, keepdim, index:
                 _place_at(grad, self.shape, dim, keepdim, index),
             jvp=lambda self_t, dim, keepdim, index: max_dim(self_t, dim, keepdim, index))
min_dim = Op("MinBackward0", lambda self, dim, keepdim, index:
             _take_along(self, index, dim, keepdim),
             self=lambda grad, self, dim, keepdim, index:
                 _place_at(grad, self.shape, dim, keepdim, index),
             jvp=lambda self_t, dim, keepdim, index: min_dim(self_t, dim, keepdim, index))
# The backward of max(dim): `grad` written at `index` into zeros of the input's shape.
# Its own backward reads the values back (so max(dim) has second derivatives).
place_at = Op("ScatterBackward0", lambda grad, shape, dim, keepdim, index:
                 _place_forward(grad, shape, dim, keepdim, index),
                 grad=lambda grad, dim, keepdim, index: max_dim(grad, dim, keepdim, index),
                 jvp=lambda grad_t, shape, dim, keepdim, index:
                     place_at(grad_t, shape, dim, keepdim, index))
# logsumexp: shifted by the max so exp never overflows; the gradient is softmax.
logsumexp = Op("LogsumexpBackward0", lambda self, dims, keepdim:
                  _logsumexp(self, _axis(dims, self.ndim), keepdim),
                  self=lambda grad, self, dims, keepdim, result:
                      _unsqueeze_to(grad, self.shape, dims, keepdim)
                      * _softmax_from(self, result, dims, keepdim),
                  jvp=lambda self_t, self, dims, keepdim, result:
                      _reduce_sum(self_t * _softmax_from(self, result, dims, keepdim),
                                  dims, keepdim))
# ``dtype`` (or None) is the result's: the cast happens inside the node, as in PyTorch, and
# the engine casts the gradient back to the input's dtype.
cumsum = Op("CumsumBackward0", lambda self, dim, dtype:
               xp.cumsum(self, axis=dim, dtype=dtype) if self.ndim else self.astype(dtype or
                                                                                   self.dtype),
               self=lambda grad, dim: grad.flip(dim).cumsum(dim).flip(dim) if grad.ndim
               else grad,
               jvp=lambda self_t, dim, dtype: cumsum(self_t, dim, dtype))
cumprod = Op("CumprodBackward0", lambda self, dim: xp.cumprod(self, axis=dim, dtype=self.dtype)
                if self.ndim
                else self.copy(),
                self=lambda grad, self, dim, result: _cumprod_backward(grad, self, dim, result),
                jvp=lambda self_t, self, dim: _cumprod_jvp(self_t, self, dim))
# logcumsumexp: a running log(e^a + e^b), as PyTorch computes it.  Shifting every term by the
# maximum (logsumexp's way) would underflow the terms far below it: [0, 100] gave 0.0169.
logcumsumexp = Op("LogcumsumexpBackward0", lambda self, dim: _logcumsumexp(self, dim),
                  self=lambda grad, self, dim, result:
                      _logcumsumexp_backward(grad, self, dim, result),
                  jvp=lambda self_t, self, dim, result:
                      _logcumsumexp_jvp(self_t, self, dim, result))
# var/std: dedicated rules (PyTorch's VarBackward0/StdBackward0) rather than a composite
# of mean, sub, mul and sum: one node, and the graph reads as the user wrote it.
var = Op("VarBackward0", lambda self, dims, correction, keepdim:
            _var_forward(self, dims, correction, keepdim),
            self=lambda grad, self, dims, correction, keepdim:
                _unsqueeze_to(grad, self.shape, dims, keepdim)
                * _var_slope(self, dims, correction),
            jvp=lambda self_t, self, dims, correction, keepdim:
                _reduce_sum(self_t * _var_slope(self, dims, correction), dims, keepdim))
# d std = d var / (2 std); PyTorch gives 0 (not nan) where std is 0.
std = Op("StdBackward0", lambda self, dims, correction, keepdim:
            xp.sqrt(_var_forward(self, dims, correction, keepdim)),
            self=lambda grad, self, dims, correction, keepdim, result:
                _unsqueeze_to(_masked_div(grad, 2 * result), self.shape, dims, keepdim)
                * _var_slope(self, dims, correction),
            jvp=lambda self_t, self, dims, correction, keepdim, result:
                _masked_div(_reduce_sum(self_t * _var_slope(self, dims, correction),
                                        dims, keepdim), 2 * result))
# var_mean / std_mean: one node for both results, as PyTorch records them; the gradient is
# the sum of what reaches each result.
var_mean = Op("VarMeanBackward0", lambda self, dims, correction, keepdim:
                 (_var_forward(self, dims, correction, keepdim),
                  _mean(self, _axis(dims, self.ndim), keepdim)),
                 outputs="several",
                 self=lambda grads, self, dims, correction, keepdim:
                     _unsqueeze_to(grads[0], self.shape, dims, keepdim)
                     * _var_slope(self, dims, correction)
                     + _unsqueeze_to(grads[1], self.shape, dims, keepdim)
                     / _count(self.shape, dims),
                 jvp=lambda self_t, self, dims, correction, keepdim:
                     (_reduce_sum(self_t * _var_slope(self, dims, correction), dims, keepdim),
                      _reduce_sum(self_t, dims, keepdim) / _count(self.shape, dims)))
std_mean = Op("StdMeanBackward0", lambda self, dims, correction, keepdim:
                 (xp.sqrt(_var_forward(self, dims, correction, keepdim)),
                  _mean(self, _axis(dims, self.ndim), keepdim)),
                 outputs="several",
                 self=lambda grads, self, dims, correction, keepdim, result:
                     _unsqueeze_to(_masked_div(grads[0], 2 * result[0]), self.shape, dims,
                                   keepdim) * _var_slope(self, dims, correction)
                     + _unsqueeze_to(grads[1], self.shape, dims, keepdim)
                     / _count(self.shape, dims),
                 jvp=lambda self_t, self, dims, correction, keepdim, result:
                     (_masked_div(_reduce_sum(self_t * _var_slope(self, dims, correction),
                                              dims, keepdim), 2 * result[0]),
                      _reduce_sum(self_t, dims, keepdim) / _count(self.shape, dims)))


def _vector_norm_row(name: str) -> Op:
    """A p-norm row named ``name`` (PyTorch records one norm under several node names)."""
    return Op(name, lambda self, ord, dims, keepdim: _norm_forward(self, ord, dims, keepdim),
              self=lambda grad, self, ord, dims, keepdim, result:
                  _norm_backward(grad, self, ord, dims, keepdim, result),
              jvp=lambda self_t, self, ord, dims, keepdim, result:
                  _norm_jvp(self_t, self, ord, dims, keepdim, result))


# Vector p-norm, PyTorch's one node for every p (linalg.vector_norm, Tensor.norm).
vector_norm = _vector_norm_row("LinalgVectorNormBackward0")
# The same norm under the names of at::norm, which the legacy functions record:
# torch.frobenius_norm and norm_except_dim (NormBackward1, over dims), and
# norm_except_dim(dim=-1) (NormBackward0, over every element).
norm_dims = _vector_norm_row("NormBackward1")
norm_all = Op("NormBackward0", lambda self, ord: _norm_forward(self, ord, None, False),
                 self=lambda grad, self, ord, result:
                     _norm_backward(grad, self, ord, None, False, result),
                 jvp=lambda self_t, self, ord, result:
                     _norm_jvp(self_t, self, ord, None, False, result))


def _norm_backward(grad, self, ord, dims, keepdim, result):
    return _unsqueeze_to(grad, self.shape, dims, keepdim) \
        * _norm_slope(self, ord, dims, keepdim, result)


def _norm_jvp(self_t, self, ord, dims, keepdim, result):
    return _reduce_sum(self_t * _norm_slope(self, ord, dims, keepdim, result), dims, keepdim)

# renorm: each slice whose p-norm exceeds maxnorm scaled down to it (PyTorch's 1e-7 included).
renorm = Op("RenormBackward0", lambda self, p, dims, maxnorm:
                _renorm_forward(self, p, dims, maxnorm),
            self=lambda grad, self, p, dims, maxnorm: _renorm_backward(grad, self, p, dims,
                                                                       maxnorm),
            jvp=lambda self_t, self, p, dims, maxnorm: _renorm_jvp(self_t, self, p, dims,
                                                                   maxnorm))


def _renorm_forward(x, p, dims, maxnorm):
    norm = _norm_forward(x, p, dims, True)
    with xp.errstate(divide="ignore", invalid="ignore"):
        return x * xp.where(norm > maxnorm, maxnorm / (norm + 1e-7), 1.0).astype(x.dtype)


def _renorm_scaled(delta, self, p, dims, maxnorm, norm_change):
    """``delta`` through renorm at ``self``: out = self * f(norm), f = maxnorm / (norm + 1e-7)
    where the norm exceeds maxnorm, so d out = f * (delta - self * d norm / (norm + 1e-7))."""
    norm = vector_norm(self, p, dims, True)
    inverse = (norm + 1e-7).reciprocal()
    return where(norm > maxnorm, inverse * maxnorm * (delta - inverse * norm_change(norm)),
                 delta)


def _renorm_backward(grad, self, p, dims, maxnorm):
    return _renorm_scaled(grad, self, p, dims, maxnorm, lambda norm: _reduce_sum(
        self * grad, dims, True) * _norm_slope(self, p, dims, True, norm))


def _renorm_jvp(self_t, self, p, dims, maxnorm):
    return _renorm_scaled(self_t, self, p, dims, maxnorm, lambda norm: self * _reduce_sum(
        self_t * _norm_slope(self, p, dims, True, norm), dims, True))


def _count(shape, dims) -> int:
    if dims is None:  # every dimension: one call instead of a Python loop
        return builtins.max(math.prod(shape), 1)
    n = 1
    for d in (range(len(shape)) if dims is None else dims):
        n *= shape[d] if shape else 1
    return builtins.max(n, 1)


def _all_dims(t, dims):
    return tuple(range(t.ndim)) if dims is None else dims


_EXACT_IN_FLOAT32 = 2 ** 24  # every integer up to this one is a float32
_FLOAT32, _FLOAT64 = xp.dtype(xp.float32), xp.dtype(xp.float64)


def _mean(x, axis, keepdim):
    if x.size == 0:  # nan, silently as in PyTorch (NumPy would warn "Mean of empty slice")
        with xp.errstate(all="ignore"):
            return xp.true_divide(xp.sum(x, axis=axis, keepdims=keepdim), 0).astype(x.dtype)
    # (x.size is the count over every axis, already computed by NumPy; one dim's count is
    # read without _count's loop)
    if axis is None:
        count = x.size
    elif type(axis) is tuple and len(axis) == 1:
        count = x.shape[axis[0]]
    else:
        count = _count(x.shape, (axis,) if type(axis) is int else axis)
    dtype = x.dtype
    # (float32 and float64 found by identity first: reading a dtype's kind costs more)
    if (dtype is _FLOAT32 or dtype is _FLOAT64 or dtype.kind == "f" and dtype.itemsize >= 4) \
            and count <= _EXACT_IN_FLOAT32:
        # float32 and float64: the sum divided by the count is what numpy.mean computes,
        # bit for bit, without numpy.mean's Python layer (the bulk of a small mean's cost).
        # (float16 and complex keep numpy.mean: it sums float16 in float32, and divides
        # complex numbers otherwise; so does a count float32 cannot hold exactly, which
        # numpy.mean divides by in float64.)
        return xp.add.reduce(x, axis, None, None, keepdim) / count
    return xp.mean(x, axis=axis, keepdims=keepdim)


def _logsumexp(x, axis, keepdim):
    if x.size == 0:
        with xp.errstate(divide="ignore"):  # log(0) = -inf, silently as in PyTorch
            return xp.log(xp.sum(xp.exp(x), axis=axis, keepdims=keepdim))
    m = xp.amax(x, axis=axis, keepdims=True)
    m = xp.where(xp.isfinite(m), m, 0)
    with xp.errstate(divide="ignore"):  # a slice of -inf only: log(0) = -inf, silently
        out = xp.log(xp.sum(xp.exp(x - m), axis=axis, keepdims=True)) + m
    if not keepdim:
        out = xp.squeeze(out, axis=axis) if axis is not None else out.reshape(())
    return out


def _softmax_from(self, result, dims, keepdim):
    return (self - _unsqueeze_to(result, self.shape, dims, keepdim)).exp()


def _tie_share(self, result, dims, keepdim):
    """1/k at each of the k elements equal to the extreme ``result``, 0 elsewhere."""
    mask = self == _unsqueeze_to(result, self.shape, dims, keepdim)
    if not self.ndim:
        return mask.to(self.dtype)
    return mask / mask.sum(_all_dims(self, dims), keepdim=True)


def _along(shape, dim: int, index) -> tuple:
    """The index that picks ``index``'s elements along ``dim`` of an array of ``shape``: what
    NumPy's take_along_axis and put_along_axis build, in Python, at several times the cost
    of indexing with it (one open range per other dimension)."""
    ranges = _open_ranges(tuple(shape), dim)
    return ranges[:dim] + (index,) + ranges[dim + 1:]


@functools.lru_cache(maxsize=128)
def _open_ranges(shape: tuple, dim: int) -> tuple:
    """``arange(n)`` shaped to run along dimension k, for each dimension k of ``shape`` but
    ``dim`` (None there).  Cached, read-only: a max(dim) of the same shape (every step of a
    loop) would otherwise make them again, two NumPy calls each."""
    last = len(shape) - 1
    ranges = []
    for k, n in enumerate(shape):
        if k == dim:
            ranges.append(None)
            continue
        values = xp.arange(n).reshape((1,) * k + (n,) + (1,) * (last - k))
        values.flags.writeable = False
        ranges.append(values)
    return tuple(ranges)


def _kept(a, dim: int):
    """``a`` with a size-1 dimension inserted at ``dim`` (np.expand_dims, without its Python
    layer)."""
    return a.reshape(a.shape[:dim] + (1,) + a.shape[dim:])


def _take_along(x, index, dim, keepdim):
    if x.ndim == 0:
        return x.copy()
    out = x[_along(x.shape, dim, index if keepdim else _kept(index, dim))]
    return out if keepdim else out.reshape(index.shape)


def _place_forward(grad, shape, dim, keepdim, index):
    if not shape:
        return grad.copy()
    out = xp.zeros(shape, dtype=grad.dtype)
    if not keepdim:
        index = _kept(index, dim)
        grad = _kept(grad, dim)
    out[_along(shape, dim, index)] = grad
    return out


def _place_at(grad, shape, dim, keepdim, index):
    return place_at(grad, tuple(shape), dim, keepdim, index)


def _var_forward(x, dims, correction, keepdim):
    axis = _axis(dims, x.ndim)
    n = _count(x.shape, dims) if x.size else 0
    centered = x - xp.mean(x, axis=axis, keepdims=True) if x.size else x
    total = xp.sum(centered * centered, axis=axis, keepdims=keepdim)
    with xp.errstate(divide="ignore", invalid="ignore"):  # n <= correction: inf/nan as torch
        return xp.true_divide(total, builtins.max(n - correction, 0)).astype(x.dtype)


def _var_slope(self, dims, correction):
    """d var / d x = 2 (x - mean) / (n - correction)."""
    n = _count(self.shape, dims)
    centered = self - (self.mean(dims, keepdim=True) if dims is not None and self.ndim
                       else self.mean())
    return centered * (2.0 / (n - correction)) if n > correction else centered * float("nan")


def _masked_div(a, b):
    return where(b == 0, 0.0, a / b)


def _norm_forward(x, ord, dims, keepdim):
    axis = _axis(dims, x.ndim)
    a = xp.abs(x)
    if ord == 2:
        return xp.sqrt(xp.sum(a * a, axis=axis, keepdims=keepdim))
    if ord == 1:
        return xp.sum(a, axis=axis, keepdims=keepdim)
    if ord == float("inf"):
        return xp.amax(a, axis=axis, keepdims=keepdim)
    if ord == float("-inf"):
        return xp.amin(a, axis=axis, keepdims=keepdim)
    if ord == 0:
        return xp.sum(a != 0, axis=axis, keepdims=keepdim).astype(x.dtype)
    return xp.sum(a ** ord, axis=axis, keepdims=keepdim) ** (1.0 / ord)


def _norm_slope(self, ord, dims, keepdim, result):
    """d ||x||_p / d x, with PyTorch's choices: 0 where the norm is 0, ties share at inf."""
    norm = _unsqueeze_to(result, self.shape, dims, keepdim)
    if ord == 0:
        return self * 0.0
    if ord == 1:
        return self.sign()
    if ord in (float("inf"), float("-inf")):
        return self.sign() * _tie_share(self.abs(), result, dims, keepdim)
    if ord == 2:
        return _masked_div(self, norm)
    # sign(x) |x|^(p-1) / ||x||^(p-1)
    return _masked_div(self.sign() * self.abs() ** (ord - 1), norm ** (ord - 1))


def _prod_others(self, dims):
    """For each element, the product of the other elements it was multiplied with.

    Exclusive cumulative products from both sides along the flattened reduced axis,
    so a zero input gives the right (finite) answer where dividing would not.
    """
    if self.ndim == 0:
        return self * 0 + 1
    reduced = tuple(range(self.ndim)) if dims is None else dims
    moved, restore = movedim_to_end(self, reduced)
    flat = moved.reshape(moved.shape[:len(moved.shape) - len(reduced)] + (-1,))
    ones = flat[..., :1] * 0 + 1
    left = _cat_last(ones, flat[..., :-1]).cumprod(-1)
    right = _cat_last(ones, flat.flip(-1)[..., :-1]).cumprod(-1).flip(-1)
    return restore((left * right).reshape(moved.shape))


def _cat_last(a, b):
    return cat([a, b], -1)


def _cumprod_backward(grad, self, dim, result):
    if self.ndim == 0:
        return grad
    # d out_j / d x_i = prod_{k<=j, k!=i} x_k: sum over j >= i of grad_j times the
    # cumulative product with x_i replaced by 1 (no division, so zeros work);
    # O(n^2) only along dim.
    n = self.shape[dim]
    if n == 0:
        return grad  # nothing was multiplied: the (empty) gradient passes as it is
    cols = []
    for i in range(n):
        excl = _replace_slice(self, dim, i, self.narrow(dim, i, 1) * 0 + 1, cat).cumprod(dim)
        cols.append((grad.narrow(dim, i, n - i) * excl.narrow(dim, i, n - i)).sum(dim))
    return stack(cols, dim)


def _logcumsumexp(self, dim):
    if not self.ndim:
        return self.copy()
    with xp.errstate(invalid="ignore"):  # -inf meeting -inf gives -inf, as in PyTorch
        return xp.logaddexp.accumulate(self, axis=dim)


def _logcumsumexp_backward(grad, self, dim, result):
    """PyTorch's formula: the sum over j >= i of grad_j * exp(self_i - result_j)."""
    if not self.ndim:
        return grad
    return _signed_log_scan(grad, self, dim, result, reverse=True)


def _logcumsumexp_jvp(self_t, self, dim, result):
    # the sum over i <= j of self_t_i * exp(self_i - result_j): the backward's scan forwards
    # (PyTorch's cumsum(t * e^x) / cumsum(e^x) is 0/0 where e^x underflows)
    if not self.ndim:
        return self_t
    return _signed_log_scan(self_t, self, dim, result, reverse=False)


def _signed_log_scan(weights, self, dim, result, reverse: bool):
    """The sums of weights times exp(self_i - result_j) over a running range, taken in logs.

    The positive and negative parts of ``weights`` each become a logcumsumexp of
    ``log|weights|`` plus or minus the exponents, so no exp overflows or underflows before
    it is summed; the lowest float stands for log 0 (PyTorch's backward does the same).
    """
    lowest = float(xp.finfo(weights._data.dtype).min)
    log_abs = weights.abs().log()
    total = None
    for sign_ in (1.0, -1.0):
        logs = where(weights * sign_ > 0, log_abs, lowest)
        if reverse:
            part = logcumsumexp((logs - result).flip(dim), dim).flip(dim) + self
        else:
            part = logcumsumexp(logs + self, dim) - result
        part = part.exp() * sign_
        total = part if total is None else total + part
    return total


def _cumprod_jvp(self_t, self, dim):
    # out_j' = sum_{i<=j} t_i prod_{k<=j, k!=i} x_k: the cumulative product with x_i
    # replaced by t_i, kept from position i on.
    if self.ndim == 0:
        return self_t
    n = self.shape[dim]
    if n == 0:
        return self_t
    total = None
    for i in range(n):
        c = _replace_slice(self, dim, i, self_t.narrow(dim, i, 1), cat).cumprod(dim)
        head = c.narrow(dim, 0, i) * 0
        part = cat([head, c.narrow(dim, i, n - i)], dim)
        total = part if total is None else total + part
    return total


def _replace_slice(t, dim, i, piece, cat):
    n = t.shape[dim]
    return cat([t.narrow(dim, 0, i), piece, t.narrow(dim, i + 1, n - i - 1)], dim)


# --- public functions ------------------------------------------------------------
