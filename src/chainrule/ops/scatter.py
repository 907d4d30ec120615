"""Scatter with a reduction, ``index_put``, ``put``, ``masked_scatter`` and the ``*_scatter``
family (``diagonal_scatter``, ``select_scatter``, ``slice_scatter``).

``scatter_reduce`` combines ``self`` with the ``src`` values sent to each position
(sum, prod, mean, amax, amin).  Its gradients are PyTorch's: a product's gradient
divides the product by the factor, with the factors that are zero handled apart
(one zero: the product of the others; two or more: zero); an extreme value's
gradient is split evenly among the elements that tie for it; with
``include_self=False`` the positions written to give ``self`` no gradient.

The writes (``index_put``, ``put``, ``masked_scatter``, the ``*_scatter`` family)
all put values at an advanced-indexing ``key`` of ``self``: the old values get
the gradient everywhere except under ``key`` (everywhere when accumulating),
the values get the gradient found under ``key``.
"""
from __future__ import annotations

from .._backend import xp
from ..engine.inplace import write_into, zero_at
from ..engine.op import Op, index, name_in_cpp_namespace, put_into_zeros
from .indexing import _along, _leading, _pad_to
from .refused import not_implemented

REDUCTIONS = ("sum", "prod", "mean", "amax", "amin")
_UFUNCS = {"sum": xp.add, "mean": xp.add, "prod": xp.multiply, "amax": xp.maximum,
           "amin": xp.minimum}


def _identity(reduce, dtype):
    """The value a position starts from when ``self`` is not included in its reduction."""
    if reduce in ("sum", "mean"):
        return 0
    if reduce == "prod":
        return 1
    if dtype.kind == "f":
        return -xp.inf if reduce == "amax" else xp.inf
    if dtype.kind == "b":
        return reduce == "amin"
    info = xp.iinfo(dtype)
    return info.min if reduce == "amax" else info.max


def _scatter_reduce_forward(self, dim, index, src, reduce, include_self):
    if self.ndim == 0:  # a 0-d tensor acts as a 1-element vector
        return _scatter_reduce_forward(self.reshape(1), 0, index.reshape(-1), src.reshape(-1),
                                       reduce, include_self).reshape(())
    key = _along(index, dim)
    values = src[_leading(index.shape)]
    out = self.copy()
    if not include_self:
        out[key] = _identity(reduce, out.dtype)
    # ufunc.at, unlike out[key] op= values, combines every value sent to a repeated position
    # (np.maximum.at keeps a NaN, as PyTorch's amax does).
    _UFUNCS[reduce].at(out, key, values)
    if reduce == "mean":
        count = xp.full(self.shape, 1 if include_self else 0, dtype=xp.int64)
        xp.add.at(count, key, 1)
        count = xp.maximum(count, 1)
        if out.dtype.kind == "f":
            out = (out / count).astype(out.dtype, copy=False)
        else:  # integer means round down, as in PyTorch
            out = xp.floor_divide(out, count).astype(out.dtype, copy=False)
    return out


# --- the gradients of scatter_reduce (tensor code, so they can be differentiated again) ------

def _masked_unless_included(grad_self, dim, index, include_self):
    return grad_self if include_self else grad_self.scatter(dim, index, 0)


def _counts(grad, dim, index, include_self):
    """How many values each position's mean averages (1 where none arrived)."""
    start = grad.new_ones(grad.shape) if include_self else grad.new_zeros(grad.shape)
    n = start.scatter_add(dim, index, grad.new_ones(index.shape))
    return n.masked_fill(n == 0, 1)


def _ties(self, src, dim, index, result):
    """For amax/amin: where ``self`` and ``src`` reach the result, and by how many elements each
    position's gradient is shared."""
    src = src[_leading(index.shape)]
    self_hit = (self == result).to(result.dtype)
    src_hit = (src == result.gather(dim, index)).to(result.dtype)
    return self_hit, src_hit, self_hit.scatter_add(dim, index, src_hit)


def _grad_self(grad, self, dim, index, src, reduce, include_self, result):
    if reduce == "sum":
        g = grad
    elif reduce == "mean":
        g = grad / _counts(grad, dim, index, include_self)
    elif reduce == "prod":
        # self's zeros stand as ones: the product of the other factors, without dividing by 0
        masked = self.masked_fill(self == 0, 1)
        g = grad * masked.scatter_reduce(dim, index, src, "prod", include_self=include_self) \
            / masked
    else:
        self_hit, _, shared = _ties(self, src, dim, index, result)
        g = self_hit * (grad / shared)
    return _masked_unless_included(g, dim, index, include_self)


def _grad_src(grad, self, dim, index, src, reduce, include_self, result):
    if reduce == "sum":
        g = grad.gather(dim, index)
    elif reduce == "mean":
        g = grad.gather(dim, index) / _counts(grad, dim, index, include_self).gather(dim, index)
    elif reduce == "prod":
        g = _prod_grad_src(grad, self, dim, index, src[_leading(index.shape)], include_self,
                           result)
    else:
        _, src_hit, shared = _ties(self, src, dim, index, result)
        g = src_hit * (grad / shared).gather(dim, index)
    return _pad_to(g, src.shape)


def _prod_grad_src(grad, self, dim, index, src, include_self, result):
    zero = src == 0
    zeros_there = grad.new_zeros(grad.shape).scatter_add(dim, index, zero.to(grad.dtype)) \
        .gather(dim, index)
    single = zero.logical_and(zeros_there == 1)
    # A lone zero's gradient is the product of the other factors: the product with it set to 1.
    without = self.scatter_reduce(dim, index, src.masked_fill(single, 1), "prod",
                                  include_self=include_self)
    g = (grad * without).gather(dim, index).where(
        single, (grad * result).gather(dim, index) / src.masked_fill(zero, 1))
    if bool((zeros_there > 1).any()) and g.requires_grad:
        # PyTorch refuses the second derivative there (the product of the others is 0 but
        # its derivative is not): a node that raises if backward reaches it.
        g = delayed_error(g, "scatter_reduce(): Double backward is unsupported for src when >1 "
                             "zeros in src are scattered to the same position in self")
    return g


def _scatter_reduce_jvp(self_t, src_t, self, dim, index, src, reduce, include_self, result):
    # Each output element depends on self there and on the src values sent to it, with the
    # partial derivatives the backward formulas give for a gradient of ones.
    ones = result.new_ones(result.shape)
    d_self = _grad_self(ones, self, dim, index, src, reduce, include_self, result)
    d_src = _grad_src(ones, self, dim, index, src, reduce, include_self, result)
    lead = _leading(index.shape)
    return self_t * d_self + self_t.new_zeros(self_t.shape).scatter_add(
        dim, index, (src_t * d_src)[lead])


def _fail(grad, message):
    raise RuntimeError(message)


# A value whose derivative does not exist: backward through it raises (PyTorch's Error node).
delayed_error = Op("Error", lambda self, message: self.copy(),
                   self=lambda grad, message: _fail(grad, message))
name_in_cpp_namespace(delayed_error)

def _reducing(name):
    return Op(
        name, _scatter_reduce_forward,
        self=lambda grad, self, dim, index, src, reduce, include_self, result:
            _grad_self(grad, self, dim, index, src, reduce, include_self, result),
        src=lambda grad, self, dim, index, src, reduce, include_self, result:
            _grad_src(grad, self, dim, index, src, reduce, include_self, result),
        jvp=_scatter_reduce_jvp)


scatter_reduce = _reducing("ScatterReduceBackward0")
# index_reduce: the same reduction with a 1-D index along dim, expanded to the source's shape
# by the caller; PyTorch names its node apart.
index_reduce = _reducing("IndexReduceBackward0")


# scatter(..., reduce='add'|'multiply'): PyTorch has no derivative for it and records a node
# that says so when backward reaches it.
scatter_reduce_legacy = not_implemented(
    lambda self, dim, index, src, reduce:
        _scatter_reduce_forward(self, dim, index, src, reduce, True),
    "aten::scatter", inputs=("self", "src"))
scatter_value_reduce_legacy = not_implemented(
    lambda self, dim, index, value, reduce:
        _scatter_reduce_forward(self, dim, index, xp.full(index.shape, value, self.dtype),
                                reduce, True),
    "aten::scatter")


# --- writes at a key ---------------------------------------------------------------------

def _accumulate_into(self, value, key):
    out = self.copy()
    xp.add.at(out, key, xp.broadcast_to(value, out[key].shape))
    return out


index_put_accumulate = Op("IndexPutBackward0", _accumulate_into,
                          self=lambda grad: grad,
                          value=lambda grad, key: index(grad, key, grad.shape),
                          jvp=lambda self_t, value_t, key:
                              index_put_accumulate(self_t, value_t, key))


def _writing(name):
    """``self`` with ``src`` written at ``key`` (``src`` shaped like ``self[key]``)."""
    op = Op(name, write_into,
            self=lambda grad, key: zero_at(grad, key),
            value=lambda grad, key: index(grad, key, grad.shape),
            jvp=lambda self_t, value_t, key: op(self_t, value_t, key))
    return op


def _slice_inverse_forward(self, src, memory, size, steps, offset, dim, start, end, step):
    # memory: the 1-D array of self's storage; the result views it with src's geometry
    itemsize = memory.itemsize
    return xp.lib.stride_tricks.as_strided(memory[offset:], shape=size,
                                           strides=tuple(s * itemsize for s in steps))


def _along_dim(dim, start, end, step):
    return (slice(None),) * dim + (slice(start, end, step),)


# slice_inverse(self, src): self's storage seen with src's geometry (src being the tensor
# self was sliced from); PyTorch's rules: self gets the slice of the gradient, src the rest.
slice_inverse = Op(
    "SliceInverseBackward0", _slice_inverse_forward, view=True,
    self=lambda grad, dim, start, end, step: grad[_along_dim(dim, start, end, step)],
    src=lambda grad, self_shape, dim, start, end, step:
        grad.slice_scatter(grad.new_zeros(self_shape), dim, start, end, step))


diagonal_scatter = _writing("DiagonalScatterBackward0")
select_scatter = _writing("SelectScatterBackward0")
slice_scatter = _writing("SliceScatterBackward0")


def _put_forward(self, positions, source, accumulate):
    out = self.copy()
    flat = out.reshape(-1)  # a view: writing into it writes into out
    if accumulate:
        xp.add.at(flat, positions, source.reshape(-1))
    else:
        flat[positions] = source.reshape(-1)
    return out


def _put_self_grad(grad, positions, accumulate):
    if accumulate:
        return grad
    return zero_at(grad.reshape(-1), (positions,)).reshape(grad.shape)


def _put_source_grad(grad, positions, source_shape):
    flat = grad.reshape(-1)
    return index(flat, (positions,), flat.shape).reshape(source_shape)


# put: positions (into the flattened self) for every element of source.  Repeated positions
# all pass the gradient back to their source elements, as in PyTorch.
put = Op("PutBackward0", _put_forward,
         self=lambda grad, positions, accumulate: _put_self_grad(grad, positions, accumulate),
         source=lambda grad, positions, source_shape:
             _put_source_grad(grad, positions, source_shape),
         jvp=lambda self_t, positions, source_t, accumulate:
             put(self_t, positions, source_t, accumulate))


def _strided_write(self, positions, kept, source):
    out = self.copy()
    out.reshape(-1)[positions] = source.reshape(-1)[kept]
    return out


def _strided_source_grad(grad, positions, kept, source_shape):
    flat = grad.reshape(-1)
    size = 1
    for n in source_shape:
        size *= n
    picked = index(flat, (positions,), flat.shape)
    return put_into_zeros(picked, (size,), (kept,)).reshape(source_shape)


# as_strided_scatter: source elements ``kept`` (flat) land on ``positions`` of the flattened
# self (the view's memory positions that hold elements of self; the others are lost).
as_strided_scatter = Op(
    "AsStridedScatterBackward0", _strided_write,
    self=lambda grad, positions: _put_self_grad(grad, positions, False),
    source=lambda grad, positions, kept, source_shape:
        _strided_source_grad(grad, positions, kept, source_shape),
    jvp=lambda self_t, positions, kept, source_t:
        as_strided_scatter(self_t, positions, kept, source_t))


def _masked_scatter_forward(self, key, source, shape):
    out = xp.broadcast_to(self, shape).copy()  # self's gradient is summed back by the engine
    out[key] = source.reshape(-1)[:out[key].size]
    return out


def _masked_scatter_source_grad(grad, key, source_shape):
    # The first n source elements were written (n = how many mask elements are set); the rest
    # get zeros.
    picked = index(grad, key, grad.shape).reshape(-1)
    size = 1
    for n in source_shape:
        size *= n
    return put_into_zeros(picked, (size,), (xp.arange(picked.shape[0]),)).reshape(source_shape)


# masked_scatter: key is the (broadcast) mask's nonzero positions (for a 0-d self, the mask);
# self is broadcast to shape inside the node, as PyTorch's records no expand.
masked_scatter = Op("MaskedScatterBackward0", _masked_scatter_forward,
                    self=lambda grad, key: zero_at(grad, key),
                    source=lambda grad, key, source_shape:
                        _masked_scatter_source_grad(grad, key, source_shape),
                    jvp=lambda self_t, key, source_t, shape:
                        masked_scatter(self_t, key, source_t, shape))
