"""Indexing: ``t[key]`` and ``t[key] = value``.

Reading ``t[key]`` picks elements; its gradient puts ``grad`` back where they
came from (and *adds* where an index repeats, since that element fed several
outputs).  Writing ``t[key] = value`` is recorded like PyTorch's CopySlices:
the old contents get the gradient everywhere except under ``key``, and
``value`` gets the gradient found under ``key``.
"""
from __future__ import annotations

from .._backend import ndarray, xp
from ..autograd import grad_mode
from ..autograd.function import Op


def _put_into_zeros(grad, shape, key):
    out = xp.zeros(shape, dtype=grad.dtype)
    xp.add.at(out, key, grad)  # add.at, unlike out[key] += grad, accumulates repeated indices
    return out


def _zero_at(grad, key):
    out = grad.copy()
    out[key] = 0
    return out


# --- the rule table ------------------------------------------------------------
# Both backward helpers are linear in ``grad``, so they are ops too: their own
# gradients (for create_graph) are one line each.
put_into_zeros = Op("IndexPutBackward0", _put_into_zeros,
                    grad=lambda g, key: index_op(g, key))
zero_at = Op("IndexFillBackward0", _zero_at,
             grad=lambda g, key: zero_at(g, key))
select_op = Op("SelectBackward0", lambda self, key: self[key], view=True,
               self=lambda grad, self, key: put_into_zeros(grad, self.shape, key))
slice_op = Op("SliceBackward0", lambda self, key: self[key], view=True,
              self=lambda grad, self, key: put_into_zeros(grad, self.shape, key))
index_op = Op("IndexBackward0", lambda self, key: self[key],
              self=lambda grad, self, key: put_into_zeros(grad, self.shape, key))
copy_slices = Op("CopySlices", lambda self, value, key: _copy_into(self, value, key),
                 self=lambda grad, key: zero_at(grad, key),
                 value=lambda grad, key: index_op(grad, key))


def _copy_into(self, value, key):
    out = self.copy()
    out[key] = value
    return out


def _convert_key(t, key):
    """``key`` in NumPy's terms: tensors become arrays; reports whether it is basic indexing."""
    from ..tensor import Tensor
    if not isinstance(key, tuple):
        key = (key,)
    out = []
    basic = True
    for k in key:
        if isinstance(k, Tensor):
            k = k._data
            if k.dtype != xp.bool_ and not xp.issubdtype(k.dtype, xp.integer):
                raise IndexError("tensors used as indices must be long, int, byte or bool tensors")
            basic = False
        elif isinstance(k, (list, ndarray)):
            k = xp.asarray(k)
            if k.dtype == object or (k.size and k.dtype.kind not in "biu"):
                raise IndexError("tensors used as indices must be long, int, byte or bool tensors")
            if k.size == 0:
                k = k.astype(xp.int64)
            basic = False
        elif isinstance(k, bool):
            basic = False
        elif hasattr(k, "__index__") and not isinstance(k, (int, slice)):
            k = k.__index__()
        if isinstance(k, slice) and k.step is not None and k.step <= 0:
            raise ValueError("step must be greater than zero")
        out.append(k)
    _check_bounds(t, out)
    return tuple(out), basic


def _check_bounds(t, key) -> None:
    dims_used = sum(1 for k in key if k is not None and k is not Ellipsis
                    and not (isinstance(k, ndarray) and k.dtype == xp.bool_))
    dims_used += sum(k.ndim - 1 for k in key if isinstance(k, ndarray) and k.dtype == xp.bool_)
    if dims_used > t.ndim:
        raise IndexError(f"too many indices for tensor of dimension {t.ndim}")
    dim = 0
    for k in key:
        if k is Ellipsis:
            dim = t.ndim - sum(1 for j in key[key.index(k) + 1:] if j is not None)
            continue
        if k is None:
            continue
        if isinstance(k, int):
            size = t.shape[dim]
            if not -size <= k < size:
                raise IndexError(
                    f"index {k} is out of bounds for dimension {dim} with size {size}")
        elif isinstance(k, ndarray) and k.dtype != xp.bool_ and k.size:
            size = t.shape[dim]
            bad = k[(k >= size) | (k < -size)]
            if bad.size:
                raise IndexError(
                    f"index {int(bad.flat[0])} is out of bounds for dimension {dim} with size "
                    f"{size}")
        dim += k.ndim if isinstance(k, ndarray) and k.dtype == xp.bool_ else 1


def getitem(t, key):
    key, basic = _convert_key(t, key)
    if basic:
        if len(key) == 1 and isinstance(key[0], int):
            return select_op(t, key)
        return slice_op(t, key)
    return index_op(t, key)


def setitem(t, key, value) -> None:
    from ..tensor import Tensor, _check_inplace_leaf, as_tensor_like
    key, _ = _convert_key(t, key)
    _check_inplace_leaf(t)
    value = as_tensor_like(value, t)
    if value.dtype is not t.dtype:
        value = value.to(t.dtype)
    record = grad_mode.state.enabled and (t._requires_grad or value._requires_grad)
    if not record:
        t._data[key] = value._data
        t._bump_version()
        return
    if t._base is not None:
        raise RuntimeError(_VIEW_MESSAGE)
    old = Tensor._make(t._data)
    old.grad_fn, old._output_nr, old._requires_grad = t.grad_fn, t._output_nr, t._requires_grad
    result = copy_slices(old, value, key)
    t._data[key] = value._data
    t._bump_version()
    t.grad_fn, t._output_nr, t._requires_grad = result.grad_fn, 0, True


_VIEW_MESSAGE = (
    "chainrule does not yet record in-place changes made through a view (a slice, reshape or "
    "transpose) of a tensor that is part of a graph. Fix: write into the tensor itself "
    "(x[idx] = value, on x rather than on a view of x), or .clone() the view first.")


def inplace_on_view(t, fn, args, kwargs):
    raise RuntimeError(_VIEW_MESSAGE)
