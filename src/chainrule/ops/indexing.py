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
from ..autograd import grad_mode, graph
from ..autograd.function import Op


def _put_into_zeros(grad, shape, key):
    out = xp.zeros(shape, dtype=grad.dtype)
    xp.add.at(out, key, grad)  # add.at, unlike out[key] += grad, accumulates repeated indices
    return out


def _assign_into_zeros(grad, shape, key):
    # Basic indexing (ints, slices) never repeats an element, so plain assignment will do.
    out = xp.zeros(shape, dtype=grad.dtype)
    out[key] = grad
    return out


def _zero_at(grad, key):
    out = grad.copy()
    out[key] = 0
    return out


def _copy_into(self, value, key):
    out = self.copy()
    out[key] = value
    return out


# --- the rule table ------------------------------------------------------------
# The backward helpers are linear in ``grad``, so they are ops too: their own
# gradients (for create_graph) are one line each.
# Every op here is linear in the tensors that carry gradients, so its forward-mode rule
# (jvp) is the op itself applied to the tangents (zero for a number written in).
put_into_zeros = Op("IndexPutBackward0", _put_into_zeros,
                    grad=lambda g, key: index_op(g, key, g.shape),
                    jvp=lambda grad_t, shape, key: put_into_zeros(grad_t, shape, key))
assign_into_zeros = Op("SliceBackwardBackward0", _assign_into_zeros,
                       grad=lambda g, key: slice_op(g, key, g.shape),
                       jvp=lambda grad_t, shape, key: assign_into_zeros(grad_t, shape, key))
zero_at = Op("IndexFillBackward0", _zero_at,
             grad=lambda g, key: zero_at(g, key),
             jvp=lambda grad_t, key: zero_at(grad_t, key))


def _basic_view(name):
    # PyTorch names a basic-indexing result after the last step it applied
    # (select, slice, unsqueeze); the forward and the rule are the same for all.
    # ``old`` is the input's shape: backward needs no more of the input than that.
    op = Op(name, lambda self, key, old: self[key], view=True,
            self=lambda grad, key, old: assign_into_zeros(grad, old, key),
            jvp=lambda self_t, key, old: op(self_t, key, old))
    return op


select_op = _basic_view("SelectBackward0")
slice_op = _basic_view("SliceBackward0")
unsqueeze_index_op = _basic_view("UnsqueezeBackward0")
alias_index_op = _basic_view("AliasBackward0")
index_op = Op("IndexBackward0", lambda self, key, old: self[key],
              self=lambda grad, key, old: put_into_zeros(grad, old, key),
              jvp=lambda self_t, key, old: index_op(self_t, key, old))
# "These elements of the base": how a view is re-derived after an in-place change through it.
as_strided_op = Op("AsStridedBackward0", lambda self, key, old: self[key],
                   self=lambda grad, key, old: put_into_zeros(grad, old, key),
                   jvp=lambda self_t, key, old: as_strided_op(self_t, key, old))
# Advanced-index writes: PyTorch names them IndexPutBackward0 (basic ones CopySlices).
index_put_op = Op("IndexPutBackward0", lambda self, value, key: _copy_into(self, value, key),
                  self=lambda grad, key: zero_at(grad, key),
                  value=lambda grad, key: index_op(grad, key, grad.shape),
                  jvp=lambda self_t, value_t, key: index_put_op(self_t, value_t, key))
copy_slices = Op("CopySlices", lambda self, value, key: _copy_into(self, value, key),
                 self=lambda grad, key: zero_at(grad, key),
                 value=lambda grad, key: index_op(grad, key, grad.shape),
                 jvp=lambda self_t, value_t, key: copy_slices(self_t, value_t, key))


# Whole-tensor overwrites (zero_, fill_, copy_): the old values get no gradient.
zero_op = Op("ZeroBackward0", lambda self: xp.zeros_like(self),
             self=lambda grad: grad.new_zeros(grad.shape),
             jvp=lambda self_t: self_t.new_zeros(self_t.shape))
fill_op = Op("FillBackward2", lambda self, value: xp.full_like(self, value),
             self=lambda grad: grad.new_zeros(grad.shape),
             jvp=lambda self_t: self_t.new_zeros(self_t.shape))
fill_tensor_op = Op("FillBackward3", lambda self, value: xp.full_like(self, value),
                    self=lambda grad: grad.new_zeros(grad.shape),
                    value=lambda grad: grad.sum(),
                    jvp=lambda self_t, value_t: fill_tensor_op(self_t, value_t))
copy_op = Op("CopyBackwards", lambda self, src: _copy_forward(self, src),
             self=lambda grad: grad.new_zeros(grad.shape),
             src=lambda grad: grad,  # the engine sums and casts it back to src's shape and dtype
             jvp=lambda self_t, src_t: copy_op(self_t, src_t))


def _in_cpp_namespace(op: Op) -> None:
    """PyTorch's nodes CopySlices and CopyBackwards are hand-written in its C++ autograd:
    the class name is the plain one, but name() carries the namespace."""
    op.node_class.name = lambda self: f"torch::autograd::{op.name}"


_in_cpp_namespace(copy_op)
_in_cpp_namespace(copy_slices)


def _copy_forward(self, src):
    return xp.broadcast_to(src, self.shape).astype(self.dtype, copy=True)


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


gather_op = Op("GatherBackward0", _gather_forward,
               self=lambda grad, dim, index, shape:
                   grad.new_zeros(shape).scatter_add(dim, index, grad),
               jvp=lambda self_t, dim, index, shape: gather_op(self_t, dim, index, shape))
scatter_op = Op("ScatterBackward0", _scatter_forward,
                self=lambda grad, dim, index: grad.scatter(dim, index, 0),
                src=lambda grad, dim, index, src: _pad_to(grad.gather(dim, index), src.shape),
                jvp=lambda self_t, src_t, dim, index: scatter_op(self_t, dim, index, src_t))
scatter_value_op = Op("ScatterBackward1", _scatter_forward,
                      self=lambda grad, dim, index: grad.scatter(dim, index, 0),
                      jvp=lambda self_t, dim, index: scatter_value_op(self_t, dim, index, 0))
scatter_add_op = Op("ScatterAddBackward0", _scatter_add_forward,
                    self=lambda grad: grad,
                    src=lambda grad, dim, index, src:
                        _pad_to(grad.gather(dim, index), src.shape),
                    jvp=lambda self_t, src_t, dim, index:
                        scatter_add_op(self_t, dim, index, src_t))
index_select_op = Op("IndexSelectBackward0",
                     lambda self, dim, index, shape: xp.take(self, index, axis=dim),
                     self=lambda grad, dim, index, shape:
                         put_into_zeros(grad, shape, (slice(None),) * dim + (index._data,)),
                     jvp=lambda self_t, dim, index, shape:
                         index_select_op(self_t, dim, index, shape))
masked_fill_op = Op("MaskedFillBackward0",
                    lambda self, mask, value: _masked_fill_forward(self, mask, value),
                    self=lambda grad, mask: grad.masked_fill(mask, 0),
                    jvp=lambda self_t, mask: masked_fill_op(self_t, mask, 0))
masked_fill_tensor_op = Op("MaskedFillBackward1",
                           lambda self, mask, value: _masked_fill_forward(self, mask, value),
                           self=lambda grad, mask: grad.masked_fill(mask, 0),
                           value=lambda grad, mask: grad.masked_fill(mask.logical_not(), 0).sum(),
                           jvp=lambda self_t, value_t, mask:
                               masked_fill_tensor_op(self_t, mask, value_t))


def _masked_fill_forward(self, mask, value):
    out = xp.where(mask, xp.asarray(value).astype(self.dtype), self)
    return out.astype(self.dtype, copy=False)


# --- keys --------------------------------------------------------------------------

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
        elif isinstance(k, (list, ndarray, range)):  # range: d2l's y_hat[range(n), y]
            k = xp.asarray(k)
            if k.dtype == object or (k.size and k.dtype.kind not in "biu"):
                raise IndexError("tensors used as indices must be long, int, byte or bool tensors")
            if k.size == 0 and k.dtype != xp.bool_:
                k = k.astype(xp.int64)
            basic = False
        elif isinstance(k, bool):
            basic = False
        elif k is not None and k is not Ellipsis and not isinstance(k, (int, slice)):
            if not hasattr(k, "__index__"):
                raise IndexError(
                    "only integers, slices (`:`), ellipsis (`...`), None and long or byte "
                    "Variables are valid indices (got " + type(k).__name__ + ")")
            k = k.__index__()
        if isinstance(k, slice) and k.step is not None and k.step <= 0:
            raise ValueError("step must be greater than zero. Fix: PyTorch tensors cannot be "
                             "sliced backwards; use .flip(dim) to reverse a dimension.")
        out.append(k)
    if sum(1 for k in out if k is Ellipsis) > 1:
        raise IndexError("an index can only have a single ellipsis ('...')")
    _check_bounds(t, out)
    return tuple(out), basic


def _check_bounds(t, key) -> None:
    def width(k):  # how many of t's dimensions an index item consumes
        if k is None or k is Ellipsis or isinstance(k, bool):
            return 0
        if isinstance(k, ndarray) and k.dtype == xp.bool_:
            return k.ndim
        return 1

    used = sum(width(k) for k in key)
    if used > t.ndim:
        raise IndexError(f"too many indices for tensor of dimension {t.ndim}")
    dim = 0
    for k in key:
        if k is Ellipsis:
            dim += t.ndim - used
            continue
        if isinstance(k, int) and not isinstance(k, bool):
            size = t.shape[dim]
            if not -size <= k < size:
                raise IndexError(
                    f"index {k} is out of bounds for dimension {dim} with size {size}")
        elif isinstance(k, ndarray) and k.dtype == xp.bool_:
            for j in range(k.ndim):
                if k.shape[j] != t.shape[dim + j]:
                    raise IndexError(
                        f"The shape of the mask {list(k.shape)} at index {j} does not match the "
                        f"shape of the indexed tensor {list(t.shape)} at index {dim + j}")
        elif isinstance(k, ndarray) and k.size:
            size = t.shape[dim]
            bad = k[(k >= size) | (k < -size)]
            if bad.size:
                raise IndexError(
                    f"index {int(bad.flat[0])} is out of bounds for dimension {dim} with size "
                    f"{size}")
        dim += width(k)


def _basic_name(t, key, original):
    """Which of PyTorch's view ops produced a basic-indexing result last."""
    if not isinstance(original, tuple):
        if isinstance(key[0], int):
            return select_op
        if isinstance(key[0], slice):
            return slice_op  # PyTorch's single-slice fast path records even a full slice
    last = alias_index_op
    dim = 0
    used = sum(1 for k in key if k is not None and k is not Ellipsis)
    for k in key:
        if k is None:
            last = unsqueeze_index_op
        elif k is Ellipsis:
            dim += t.ndim - used
        elif isinstance(k, int):
            last = select_op
            dim += 1
        else:
            if k.indices(t.shape[dim]) != (0, t.shape[dim], 1):
                last = slice_op
            dim += 1
    return last


def _advanced(key):
    # Boolean masks become the integer positions they select, so that add.at and
    # the recorded key work on them like on any integer index.
    out = []
    for k in key:
        if isinstance(k, ndarray) and k.dtype == xp.bool_ and k.ndim:
            out.extend(xp.nonzero(k))
        else:
            out.append(k)
    return tuple(out)


def getitem(t, key):
    # Fast paths for the commonest keys, x[i] and x[a:b] (about half the general path's cost).
    kind = type(key)
    shape = t._data.shape
    if kind is int and shape and -shape[0] <= key < shape[0]:
        return select_op(t, (key,), shape)
    if kind is slice and shape and (key.step is None or key.step > 0) \
            and all(type(k) is int or k is None for k in (key.start, key.stop, key.step)):
        return slice_op(t, (key,), shape)
    converted, basic = _convert_key(t, key)
    if basic:
        return _basic_name(t, converted, key)(t, converted, t._data.shape)
    return index_op(t, _advanced(converted), t._data.shape)


def setitem(t, key, value) -> None:
    from ..tensor import _check_inplace_leaf, _stand_in, as_tensor_like
    key, basic = _convert_key(t, key)
    if not basic:
        key = _advanced(key)
    _check_inplace_leaf(t)
    value = as_tensor_like(value, t)
    if value.dtype is not t.dtype:
        value = value.to(t.dtype)
    check_writable(t)
    op = copy_slices if basic else index_put_op
    tangent = None
    if grad_mode.flags.forward_ad and (t._fw_grad is not None or value._fw_grad is not None):
        from ..autograd.forward_ad import _paused, _tangent_or_zeros
        with _paused():
            tangent = op(_tangent_or_zeros(t), _tangent_or_zeros(value), key)
    record = grad_mode.state.enabled and (t._requires_grad or value._requires_grad)
    if not record:
        t._data[key] = value._data
        t._bump_version()
    elif t._base is not None:
        with _no_forward_ad():  # the tangent is written below, once
            inplace_on_view(t, lambda src, v: op(src, v, key), (value,), {})
    else:
        old = _stand_in(t, t._data)
        with _no_forward_ad():
            result = op(old, value, key)
        t._data[key] = value._data
        t._bump_version()
        t.grad_fn, t._output_nr, t._requires_grad = result.grad_fn, 0, True
    if tangent is not None:
        set_tangent_inplace(t, tangent)


def _no_forward_ad():
    from ..autograd.forward_ad import _paused
    return _paused()


# --- in-place changes through a view --------------------------------------------------

def check_writable(t) -> None:
    """Refuse to write into a tensor whose elements share memory (an ``expand``ed tensor)."""
    if not t._data.flags.writeable:
        if any(s == 0 and n > 1 for s, n in zip(t._data.strides, t._data.shape)):
            raise RuntimeError(
                "unsupported operation: more than one element of the written-to tensor refers to "
                "a single memory location. Please clone() the tensor before performing the "
                "operation.")
        raise RuntimeError("this tensor's memory is read-only (it wraps a read-only NumPy array). "
                           "Fix: .clone() it before changing it in place.")


def _byte_offsets(a: ndarray) -> ndarray:
    off = xp.zeros(a.shape, dtype=xp.int64)
    for d, (n, s) in enumerate(zip(a.shape, a.strides)):
        shape = [1] * a.ndim
        shape[d] = n
        off = off + (xp.arange(n, dtype=xp.int64) * s).reshape(shape)
    return off


def view_key(base: ndarray, view: ndarray) -> tuple:
    """The advanced-indexing key ``k`` with ``base[k]`` reading the same memory as ``view``.

    Found from the two arrays' strides and data pointers, so it works for any
    chain of views (slices, transposes, reshapes, ...) without recording them.
    """
    start = base.__array_interface__["data"][0]
    flat_base = _byte_offsets(base).ravel()
    wanted = _byte_offsets(view) + (view.__array_interface__["data"][0] - start)
    order = xp.argsort(flat_base, kind="stable")
    pos = xp.searchsorted(flat_base[order], wanted).clip(0, max(flat_base.size - 1, 0))
    flat = order[pos] if flat_base.size else pos
    if flat_base.size and not (flat_base[flat] == wanted).all():
        raise RuntimeError("internal error: a view's memory is not inside its base's memory")
    return xp.unravel_index(flat, base.shape) if base.ndim else ()


def inplace_on_view(view, fn, args, kwargs):
    """``view.op_(...)``: run ``fn`` on the view, write the result through, rewrite histories."""
    from ..tensor import _check_result_fits, _stand_in
    base = view._base
    node = view.grad_fn
    if node is not None and getattr(node, "num_outputs", 1) > 1:
        raise RuntimeError(
            f"Output {view._output_nr} of {node.name()} is a view and is being modified inplace. "
            "This view is the output of a function that returns multiple views. Such functions "
            "do not allow the output views to be modified inplace. You should replace the inplace "
            "operation by an out-of-place one. Fix: .clone() the piece before changing it.")
    if base._requires_grad and base.grad_fn is None:
        raise RuntimeError(
            "a view of a leaf Variable that requires grad is being used in an in-place "
            "operation. Fix: wrap the update in chainrule.no_grad(), or change a .clone() of "
            "the leaf instead.")
    check_writable(view)
    graph.gradient_edge(view)  # re-derives the view first if the base changed since
    key = view_key(base._data, view._data)
    # The op may save its input for backward; give it a copy so that writing the
    # result into the shared memory below cannot change what backward reads.
    source = _stand_in(view, view._data.copy())
    with grad_mode.set_grad_enabled(True):
        result = fn(source, *args, **kwargs)
    _check_result_fits(view, result)
    old_base = _stand_in(base, base._data)  # CopySlices saves nothing of it: no copy needed
    with _no_forward_ad():  # the base's tangent changes through the view's (below)
        new_base = copy_slices(old_base, result.to(view.dtype) if result.dtype is not view.dtype
                               else result, key)
    xp.copyto(view._data, result._data, casting="unsafe")
    view._bump_version()
    base.grad_fn, base._output_nr, base._requires_grad = new_base.grad_fn, 0, True
    new_base._data = base._data  # the regenerated view reads the real memory
    view.grad_fn = as_strided_op(new_base, key, base._data.shape).grad_fn
    view._output_nr = 0
    view._requires_grad = True
    view._view_base_fn = base.grad_fn
    if result._fw_grad is not None:
        set_tangent_inplace(view, result._fw_grad)
    return view


def refresh_view(view) -> None:
    """Re-derive ``view`` from its base, whose history an in-place change has rewritten.

    PyTorch does the same (lazily, when the view is next used): without it
    the view's gradient would skip the in-place op applied to the base.
    """
    base = view._base
    if getattr(view.grad_fn, "num_outputs", 1) > 1:
        return  # pieces of split/unbind: PyTorch forbids the writes that would make them stale
    source = _with_history_of(base)
    with grad_mode.enable_grad():
        view.grad_fn = as_strided_op(source, view_key(base._data, view._data),
                                     base._data.shape).grad_fn
    view._output_nr = 0
    view._view_base_fn = base.grad_fn


def _with_history_of(base):
    """A tensor on ``base``'s memory that stands where ``base`` stands in the graph."""
    from ..tensor import Tensor
    t = Tensor._make(base._data)
    t.grad_fn, t._output_nr, t._requires_grad = base.grad_fn, base._output_nr, base._requires_grad
    return t


graph.refresh_view = refresh_view


# --- forward mode through in-place changes -----------------------------------------------

def set_tangent_inplace(t, tangent) -> None:
    """After an in-place op on ``t``, make ``tangent`` its tangent, as PyTorch does.

    The old tangent is overwritten in place rather than replaced: the tangents
    of views of ``t`` are views of it, so they (and, for a view ``t``, its
    base's tangent) see the change, just as the views' values do.
    """
    from ..autograd.forward_ad import _set_tangent
    old = t._fw_grad
    if old is None and t._base is not None:
        old = _view_of_base_tangent(t)
    if old is not None and old._data.flags.writeable:
        xp.copyto(old._data, tangent._data, casting="unsafe")
        tangent = old
    _set_tangent(t, tangent)


def _view_of_base_tangent(view):
    """A tangent for ``view`` that shares memory with (a new zero tangent of) its base."""
    from ..autograd.forward_ad import _set_tangent
    from ..tensor import Tensor
    base = view._base
    if base._fw_grad is None:
        _set_tangent(base, Tensor._make(xp.zeros_like(base._data)))
    data, base_t = base._data, base._fw_grad._data
    if base_t.strides != data.strides or not (base_t.flags.c_contiguous
                                              or base_t.flags.f_contiguous):
        raise NotImplementedError(
            "forward AD: an in-place change with a dual tensor was made through a view whose "
            "base's tangent has a different memory layout than the base. Fix: .clone() the "
            "view first, or make the base itself dual with forward_ad.make_dual.")
    offset = view._data.__array_interface__["data"][0] - data.__array_interface__["data"][0]
    return Tensor._make(xp.ndarray(view._data.shape, base_t.dtype, buffer=base_t,
                                   offset=offset, strides=view._data.strides))


# --- public functions ----------------------------------------------------------------

def _index_tensor(index, name):
    from ..tensor import Tensor
    if not isinstance(index, Tensor):
        raise TypeError(f"{name}(): argument 'index' must be Tensor, not {type(index).__name__}")
    return index


def _check_gather_like(input, dim, index, name, src=None):
    from .shape import _wrap_dim
    dim = _wrap_dim(dim, input.ndim)
    if index.dtype.name not in ("int64", "int32"):
        raise RuntimeError(f"{name}(): Expected dtype int32/int64 for index")
    if index.ndim != input.ndim and not (index.ndim <= 1 and input.ndim <= 1):
        raise RuntimeError("Index tensor must have the same number of dimensions as "
                           f"{'self' if src is not None else 'input'} tensor")
    for d in range(index.ndim):
        if d != dim and index.shape[d] > (input.shape[d] if input.ndim else 1):
            what = "self" if src is not None else "input"
            raise RuntimeError(
                f"Size does not match at dimension {d} expected index {list(index.shape)} to be "
                f"no larger than {what} {list(input.shape)} apart from dimension {dim}")
        if src is not None and index.shape[d] > src.shape[d]:
            raise RuntimeError(
                f"Expected index {list(index.shape)} to be no larger than self "
                f"{list(input.shape)} apart from dimension {dim} and to be no larger size than "
                f"src {list(src.shape)}")
    size = input.shape[dim] if input.ndim else 1
    data = index._data
    if data.size and ((data >= size) | (data < -size)).any():
        bad = int(data[(data >= size) | (data < -size)].flat[0])
        raise RuntimeError(f"index {bad} is out of bounds for dimension {dim} with size {size}")
    return dim


def _as_nd(t):
    # 0-d inputs behave as 1-element vectors in gather/scatter; the result keeps 0 dims.
    return t.reshape(1) if t.ndim == 0 else t


def gather(input, dim: int, index, *, sparse_grad: bool = False):
    """Pick values along ``dim``: ``out[i][j] = input[i][index[i][j]]`` (for dim=1).

    >>> import chainrule as torch
    >>> torch.gather(torch.tensor([[1., 2.], [3., 4.]]), 1, torch.tensor([[1], [0]]))
    tensor([[2.],
            [3.]])
    """
    index = _index_tensor(index, "gather")
    dim = _check_gather_like(input, dim, index, "gather")
    return gather_op(input, dim, index, input._data.shape)


def scatter(input, dim: int, index, src=None, *, value=None, reduce=None):
    """Write ``src`` (a tensor, or one number) into a copy of ``input`` at ``index`` along ``dim``.

    >>> import chainrule as torch
    >>> torch.zeros(2, 3).scatter(1, torch.tensor([[2], [0]]), 1.0)
    tensor([[0., 0., 1.],
            [1., 0., 0.]])
    """
    from ..tensor import Tensor
    if reduce is not None:
        raise NotImplementedError(
            "scatter(reduce=...) is deprecated in PyTorch and not provided by chainrule. Fix: use "
            "scatter_add, or scatter_reduce-style code written with gather/scatter_add.")
    if src is None:
        src = value
    index = _index_tensor(index, "scatter")
    if isinstance(src, Tensor):
        if src.dtype is not input.dtype:
            raise RuntimeError(
                "scatter(): Expected self.dtype to be equal to src.dtype")
        dim = _check_gather_like(input, dim, index, "scatter", src if src.ndim else None)
        if input.ndim == 0:
            return scatter(_as_nd(input), 0, _as_nd(index), _as_nd(src)).reshape(())
        if src.ndim == 0 and src._fw_grad is not None:  # a dual number: keep its tangent
            return scatter_op(input, dim, index, src.expand(index.shape))
        if src.ndim == 0:
            return scatter_value_op(input, dim, index, src.item())
        return scatter_op(input, dim, index, src)
    dim = _check_gather_like(input, dim, index, "scatter")
    if input.ndim == 0:
        return scatter(_as_nd(input), 0, _as_nd(index), src).reshape(())
    return scatter_value_op(input, dim, index, src)


def scatter_add(input, dim: int, index, src):
    """Add ``src`` into a copy of ``input`` at ``index`` along ``dim`` (repeats accumulate).

    >>> import chainrule as torch
    >>> torch.zeros(3).scatter_add(0, torch.tensor([0, 0, 2]), torch.ones(3))
    tensor([2., 0., 1.])
    """
    index = _index_tensor(index, "scatter_add")
    if src.dtype is not input.dtype:
        raise RuntimeError("scatter(): Expected self.dtype to be equal to src.dtype")
    dim = _check_gather_like(input, dim, index, "scatter_add", src)
    if input.ndim == 0:
        return scatter_add(_as_nd(input), 0, _as_nd(index), _as_nd(src)).reshape(())
    return scatter_add_op(input, dim, index, src)


def index_select(input, dim: int, index):
    """The slices at ``index`` (a vector of positions) along ``dim``.

    >>> import chainrule as torch
    >>> torch.arange(6).reshape(2, 3).index_select(1, torch.tensor([2, 0]))
    tensor([[2, 0],
            [5, 3]])
    """
    from .shape import _wrap_dim
    index = _index_tensor(index, "index_select")
    if index.ndim > 1:
        raise IndexError("index_select(): Index is supposed to be a vector")
    if index.dtype.name not in ("int64", "int32"):
        raise RuntimeError("index_select(): Expected dtype int32 or int64 for index")
    dim = _wrap_dim(dim, input.ndim)
    size = input.shape[dim] if input.ndim else 1
    data = index._data
    if data.size and ((data >= size) | (data < -size)).any():
        raise IndexError("index out of range in self")
    if input.ndim == 0:
        return index_select(input.reshape(1), 0, index).reshape(())
    return index_select_op(input, dim, index.reshape(-1), input._data.shape)


def masked_fill(input, mask, value):
    """``value`` where ``mask`` is True, ``input`` elsewhere (``mask`` broadcasts).

    >>> import chainrule as torch
    >>> torch.tensor([1., 2., 3.]).masked_fill(torch.tensor([True, False, True]), 0.)
    tensor([0., 2., 0.])
    """
    from ..tensor import Tensor, _broadcast_check
    if not isinstance(mask, Tensor) or mask.dtype.name != "bool":
        got = mask.dtype.name if isinstance(mask, Tensor) else type(mask).__name__
        got = {"int64": "long", "int32": "int", "float32": "float", "uint8": "unsigned char"}.get(
            got, got)
        raise RuntimeError(f"masked_fill_ only supports boolean masks, but got mask with dtype "
                           f"{got}. Fix: pass a bool mask, e.g. mask.bool() or (x > 0).")
    _broadcast_check(input, mask)
    if isinstance(value, Tensor):
        if value.ndim != 0:
            raise RuntimeError(
                "masked_fill_ only supports a 0-dimensional value tensor, but got tensor with "
                f"{value.ndim} dimension(s).")
        if value._requires_grad or value._fw_grad is not None:
            return masked_fill_tensor_op(input, mask, value)
        value = value.item()
    return masked_fill_op(input, mask, value)
