"""Indexing: ``t[key]``, ``t[key] = value``, gather/scatter, index_select, masked_fill.

Reading ``t[key]`` picks elements; its gradient puts ``grad`` back where they
came from (and *adds* where an index repeats, since that element fed several
outputs).  Writing ``t[key] = value`` is recorded like PyTorch's CopySlices:
the old contents get the gradient everywhere except under ``key``, and
``value`` gets the gradient found under ``key``.

An in-place change made through a view (``x[0].mul_(2)``, ``x.t().add_(1)``)
is recorded the same way: the view's elements are located in its base's
memory, the base's history becomes CopySlices, and the view becomes
"these elements of the new base" (AsStridedBackward0, as PyTorch names it).
"""
from __future__ import annotations

from .._backend import ndarray, xp
from ..engine.inplace import write_into, zero_at
from ..engine.op import Op, index, put_into_zeros


def _assign_into_zeros(grad, shape, key):
    # Basic indexing (ints, slices) never repeats an element, so plain assignment will do.
    out = xp.zeros(shape, dtype=grad.dtype)
    out[key] = grad
    return out


assign_into_zeros = Op("SliceBackwardBackward0", _assign_into_zeros,
                       grad=lambda g, key: slice_view(g, key, g.shape),
                       jvp=lambda grad_t, shape, key: assign_into_zeros(grad_t, shape, key))


def _view_of(a, key):
    view = a[key]
    if type(view) is ndarray:
        return view
    # Every index an integer: NumPy gives a scalar (a copy), PyTorch a 0-d view, through
    # which x[0].fill_(1) changes x; ``...`` makes NumPy return the view.
    return a[(*key, Ellipsis) if isinstance(key, tuple) else (key, Ellipsis)]


def _basic_view(name):
    # PyTorch names a basic-indexing result after the last step it applied
    # (select, slice, unsqueeze); the forward and the rule are the same for all.
    # ``old`` is the input's shape: backward needs no more of the input than that.
    op = Op(name, lambda self, key, old: _view_of(self, key), view=True,
            self=lambda grad, key, old: assign_into_zeros(grad, old, key),
            jvp=lambda self_t, key, old: op(self_t, key, old))
    return op


select_view = _basic_view("SelectBackward0")
slice_view = _basic_view("SliceBackward0")
unsqueeze_view = _basic_view("UnsqueezeBackward0")
alias_view = _basic_view("AliasBackward0")
# Advanced-index writes: PyTorch names them IndexPutBackward0 (basic ones CopySlices).
index_put = Op("IndexPutBackward0", lambda self, value, key: write_into(self, value, key),
                  self=lambda grad, key: zero_at(grad, key),
                  value=lambda grad, key: index(grad, key, grad.shape),
                  jvp=lambda self_t, value_t, key: index_put(self_t, value_t, key))


# Whole-tensor overwrites (zero_, fill_; copy_'s row is engine.inplace.copy): the old values
# get no gradient.
zero = Op("ZeroBackward0", lambda self: xp.zeros_like(self),
             self=lambda grad: grad.new_zeros(grad.shape),
             jvp=lambda self_t: self_t.new_zeros(self_t.shape))
def _filling(number_name, tensor_name):
    """The rows of a fill with a number and with a 0-d tensor (whose gradient is the sum)."""
    with_number = Op(number_name, lambda self, value: xp.full_like(self, value),
                     self=lambda grad: grad.new_zeros(grad.shape),
                     jvp=lambda self_t: self_t.new_zeros(self_t.shape))
    with_tensor = Op(tensor_name, lambda self, value: xp.full_like(self, value),
                     self=lambda grad: grad.new_zeros(grad.shape),
                     value=lambda grad: grad.sum(),
                     jvp=lambda self_t, value_t: with_tensor(self_t, value_t))
    return with_number, with_tensor


fill, fill_tensor = _filling("FillBackward2", "FillBackward3")  # x.fill_(v)
fill_out, fill_tensor_out = _filling("FillBackward0", "FillBackward1")  # torch.fill(x, v)
def _along(index: ndarray, dim: int) -> tuple:
    """The advanced-indexing key that reads ``out[i][j][k] = x[i][index[i][j][k]][k]`` (dim=1)."""
    key = []
    for d, n in enumerate(index.shape):
        if d == dim:
            key.append(index)
        else:
            shape = [1] * index.ndim
            shape[d] = n
            key.append(xp.arange(n).reshape(shape))
    return tuple(key)


def _leading(shape) -> tuple:
    return tuple(slice(0, n) for n in shape)


def _pad_to(g, shape):
    """``g`` placed at the start of zeros of ``shape`` (``src`` larger than ``index``)."""
    if tuple(g.shape) == tuple(shape):
        return g
    return assign_into_zeros(g, tuple(shape), _leading(g.shape))


def _one_d(index, src):
    # A 0-d index (with a 0-d src) acts as a 1-element vector.
    if index.ndim == 0:
        index = index.reshape(1)
        if isinstance(src, ndarray):
            src = src.reshape(1)
    return index, src


def _scatter_forward(self, dim, index, src):
    index, src = _one_d(index, src)
    out = self.copy()
    key = _along(index, dim)
    out[key] = src[_leading(index.shape)] if isinstance(src, ndarray) and src.ndim else src
    return out


def _scatter_add_forward(self, dim, index, src):
    index, src = _one_d(index, src)
    out = self.copy()
    xp.add.at(out, _along(index, dim), src[_leading(index.shape)])
    return out


def _gather_forward(self, dim, index, shape):
    if self.ndim == 0 or index.ndim == 0:  # 0-d tensors act as 1-element vectors
        return self.reshape(-1)[_along(index.reshape(-1), 0)].reshape(index.shape)
    return self[_along(index, dim)]


gather = Op("GatherBackward0", _gather_forward,
               self=lambda grad, dim, index, shape:
                   grad.new_zeros(shape).scatter_add(dim, index, grad),
               jvp=lambda self_t, dim, index, shape: gather(self_t, dim, index, shape))
scatter = Op("ScatterBackward0", _scatter_forward,
                self=lambda grad, dim, index: grad.scatter(dim, index, 0),
                src=lambda grad, dim, index, src: _pad_to(grad.gather(dim, index), src.shape),
                jvp=lambda self_t, src_t, dim, index: scatter(self_t, dim, index, src_t))
scatter_value = Op("ScatterBackward1", _scatter_forward,
                      self=lambda grad, dim, index: grad.scatter(dim, index, 0),
                      jvp=lambda self_t, dim, index: scatter_value(self_t, dim, index, 0))
scatter_add = Op("ScatterAddBackward0", _scatter_add_forward,
                    self=lambda grad: grad,
                    src=lambda grad, dim, index, src:
                        _pad_to(grad.gather(dim, index), src.shape),
                    jvp=lambda self_t, src_t, dim, index:
                        scatter_add(self_t, dim, index, src_t))
index_select = Op("IndexSelectBackward0",
                     lambda self, dim, index, shape: xp.take(self, index, axis=dim),
                     self=lambda grad, dim, index, shape:
                         put_into_zeros(grad, shape, (slice(None),) * dim + (index._data,)),
                     jvp=lambda self_t, dim, index, shape:
                         index_select(self_t, dim, index, shape))
masked_fill = Op("MaskedFillBackward0",
                    lambda self, mask, value: _masked_fill_forward(self, mask, value),
                    self=lambda grad, mask: grad.masked_fill(mask, 0),
                    jvp=lambda self_t, mask: masked_fill(self_t, mask, 0))
masked_fill_tensor = Op("MaskedFillBackward1",
                           lambda self, mask, value: _masked_fill_forward(self, mask, value),
                           self=lambda grad, mask: grad.masked_fill(mask, 0),
                           value=lambda grad, mask: grad.masked_fill(mask.logical_not(), 0).sum(),
                           jvp=lambda self_t, value_t, mask:
                               masked_fill_tensor(self_t, mask, value_t))


def _masked_fill_forward(self, mask, value):
    out = xp.where(mask, xp.asarray(value).astype(self.dtype), self)
    return out.astype(self.dtype, copy=False)


# --- keys --------------------------------------------------------------------------


# --- in-place changes through a view --------------------------------------------------




# --- forward mode through in-place changes -----------------------------------------------


# --- public functions ----------------------------------------------------------------
