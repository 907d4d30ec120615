"""Indexing: ``t[key]``, ``t[key] = value``, ``gather``/``scatter``, ``index_select``,
``masked_fill``, ``take``, ...

Reading ``t[key]`` picks elements; its gradient puts ``grad`` back where they
came from (and adds where an index repeats).  Writing ``t[key] = value`` is
recorded as PyTorch's CopySlices (``chainrule.engine.inplace``).  The rows are in
``chainrule.ops.indexing``.
"""
from __future__ import annotations

import builtins
import warnings

from .._backend import ndarray, xp
from .._shapes import wrap_dim
from ..engine import grad_mode
from ..engine.forward_ad import _paused, _tangent_or_zeros
from ..engine.graph import move_retains_grad
from ..engine.inplace import (
    check_inplace_leaf,
    check_view_inplace,
    copy_slices,
    inplace,
    inplace_on_view,
    set_tangent_inplace,
    stand_in,
    writable,
)
from ..engine.views import requires_grad
from ..ops import indexing as indexing_ops
from ..ops import scatter as scatter_ops
from ..ops import selection as selection_ops
from ..tensor import Tensor
from .arguments import (
    accept_numpy_names,
    as_tensor_like,
    check_broadcast,
    fill_scalar,
    warn_once,
)
from .out import SAME, out_variant
from .shape import expand, reshape

__all__ = [
    "getitem", "setitem", "gather", "scatter", "scatter_add", "index_select", "masked_fill",
    "take_along_dim", "masked_select", "take", "index_add", "index_copy", "index_fill", "select",
    "repeat_interleave", "unravel_index", "fill",
]

_TAKE_DTYPE = ("take(): self and out expected to have the same dtype, but got self.dtype = "
               "{result} and out.dtype = {out}")


def _convert_key(t, key):
    """``key`` in NumPy's terms: tensors become arrays; reports whether it is basic indexing."""
    if isinstance(key, list) and _sequence_as_tuple(key):
        warnings.warn(
            "Using a non-tuple sequence for multidimensional indexing is deprecated and will be "
            "changed in pytorch 2.9; use x[tuple(seq)] instead of x[seq]. In pytorch 2.9 this "
            "will be interpreted as tensor index, x[torch.tensor(seq)], which will result either "
            "in an error or a different result", UserWarning, stacklevel=4)
        key = tuple(key)
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
        elif isinstance(k, (list, tuple, ndarray, range)):  # range: d2l's y_hat[range(n), y]
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


def _sequence_as_tuple(key: list) -> bool:
    """NumPy's legacy rule, kept by PyTorch: a short list holding a sequence, a slice, a
    tensor, None or an ellipsis means a tuple of indices (``x[[0, [1, 2]]]``)."""
    return len(key) < 32 and builtins.any(
        isinstance(k, (list, tuple, range, slice, Tensor)) or k is None or k is Ellipsis
        for k in key)


def _check_bounds(t, key) -> None:
    used = sum(_width(k) for k in key)
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
        dim += _width(k)


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
        return indexing_ops.select_view(t, (key,), shape)
    if kind is slice and shape and (key.step is None or key.step > 0) \
            and all(type(k) is int or k is None for k in (key.start, key.stop, key.step)):
        return indexing_ops.slice_view(t, (key,), shape)
    converted, _ = _convert_key(t, key)
    if not isinstance(key, tuple) and isinstance(converted[0], slice):
        # PyTorch's single-slice path records even a full slice
        return indexing_ops.slice_view(t, converted, shape)
    return _index_as_pytorch(t, converted)


def _index_as_pytorch(t, key):
    """``t[key]`` as PyTorch computes it: ints, slices and None, left to right, as one view
    each (SelectBackward0, SliceBackward0, UnsqueezeBackward0; a full slice is no step),
    then the index tensors in one IndexBackward0.

    An int is a select before any index tensor is applied, so it never counts as an index
    tensor: ``x[1, :, idx]`` keeps the sliced dimension first, where NumPy would move the
    index's dimensions to the front (int and tensor are "separated by a slice" there).
    """
    used = builtins.sum(_width(k) for k in key)
    out = t
    dim = 0  # where the next item applies in ``out``
    tensors = []  # (dim, array): the index tensors, at the dims they index in ``out``
    for k in key:
        if k is Ellipsis:
            dim += t.ndim - used
        elif k is None or isinstance(k, bool) or (isinstance(k, ndarray) and k.ndim == 0
                                                  and k.dtype == xp.bool_):
            out = _view(indexing_ops.unsqueeze_view, out, dim, None)
            if k is not None:  # a boolean scalar: keep the new dimension, or empty it
                tensors.append((dim, xp.asarray([bool(k)])))
            dim += 1
        elif isinstance(k, int):
            out = _view(indexing_ops.select_view, out, dim, k)
        elif isinstance(k, slice):
            if k.indices(out.shape[dim]) != (0, out.shape[dim], 1):
                out = _view(indexing_ops.slice_view, out, dim, k)
            dim += 1
        else:
            tensors.append((dim, k))
            dim += _width(k)
    if tensors:
        index_key = []
        dim = 0
        for at, k in tensors:
            index_key.extend([slice(None)] * (at - dim))
            index_key.append(k)
            dim = at + _width(k)
        return indexing_ops.index(out, _advanced(tuple(index_key)), out._data.shape)
    if out is t:  # nothing but full slices and an ellipsis
        return indexing_ops.alias_view(t, (Ellipsis,), t._data.shape)
    return out


def _view(row, t, dim, item):
    key = (slice(None),) * dim + (item,)
    return row(t, key, t._data.shape)


def _width(k) -> int:
    """How many of the indexed tensor's dimensions an index item consumes."""
    if k is None or k is Ellipsis or isinstance(k, bool):
        return 0
    if isinstance(k, ndarray) and k.dtype == xp.bool_:
        return k.ndim
    return 1


def setitem(t, key, value) -> None:
    if t._creation_meta is not None and grad_mode.state.enabled and requires_grad(t):
        _refuse_as_torch(t, key)
    key, basic = _convert_key(t, key)
    if not basic:
        key = _advanced(key)
    check_inplace_leaf(t)
    value = as_tensor_like(value, t)
    if value.dtype is not t.dtype:
        value = value.to(t.dtype)
    # What is written must not be one memory location several times over: PyTorch checks the
    # elements under the key (an expanded tensor may be written through a single element).
    target = writable(t._data, None if t._data.flags.writeable else t._data[key])
    op = copy_slices if basic else indexing_ops.index_put
    tangent = None
    if grad_mode.flags.forward_ad and (t._fw_grad is not None or value._fw_grad is not None):
        with _paused():
            tangent = op(_tangent_or_zeros(t), _tangent_or_zeros(value), key)
    record = grad_mode.state.enabled and (requires_grad(t) or value._requires_grad)
    if not record:
        target[key] = value._data
        t._bump_version()
    elif t._base is not None:
        with _paused():  # the tangent is written below, once
            inplace_on_view(t, lambda src, v: op(src, v, key), (value,), {})
    else:
        old = stand_in(t, t._data)
        with _paused():
            result = op(old, value, key)
        target[key] = value._data
        t._bump_version()
        old_node, old_nr = t._grad_fn, t._output_nr
        t._grad_fn, t._output_nr, t._requires_grad = result._grad_fn, 0, True
        move_retains_grad(t, old_node, old_nr)
    if tangent is not None:
        set_tangent_inplace(t, tangent)


def _refuse_as_torch(t, key) -> None:
    """Refuse ``t[key] = v`` for a view ``t`` that may not be changed in place, as PyTorch
    words it: PyTorch writes through the view ``t[key]`` (a view of a view), recorded even
    where ``t`` requires grad through its base only, and its error names that view's op."""
    probe = Tensor._make(t._data)  # t as PyTorch sees it: requiring grad
    probe._grad_fn, probe._output_nr, probe._requires_grad = t._grad_fn, t._output_nr, True
    probe._base, probe._creation_meta = t._base, t._creation_meta
    probe._version_counter, probe._attr_version = t._version_counter, t._attr_version
    view = getitem(probe, key)
    check_view_inplace(view if view._base is not None else t)


def _index_tensor(index, name):
    if not isinstance(index, Tensor):
        raise TypeError(f"{name}(): argument 'index' must be Tensor, not {type(index).__name__}")
    return index


def _check_gather_like(input, dim, index, name, src=None):
    dim = wrap_dim(dim, input.ndim)
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


@out_variant(SAME)
@accept_numpy_names
def gather(input, dim: int, index, *, sparse_grad: bool = False):
    """Pick values along ``dim``: ``out[i][j] = input[i][index[i][j]]`` (for dim=1).

    >>> torch.gather(torch.tensor([[1., 2.], [3., 4.]]), 1, torch.tensor([[1], [0]]))
    tensor([[2.],
            [3.]])
    """
    index = _index_tensor(index, "gather")
    dim = _check_gather_like(input, dim, index, "gather")
    return indexing_ops.gather(input, dim, index, input._data.shape)


@out_variant(SAME)
@accept_numpy_names
def scatter(input, dim: int, index, src=None, *, value=None, reduce=None):
    """Write ``src`` (a tensor, or one number) into a copy of ``input`` at ``index`` along ``dim``.

    >>> torch.zeros(2, 3).scatter(1, torch.tensor([[2], [0]]), 1.0)
    tensor([[0., 0., 1.],
            [1., 0., 0.]])
    """
    if src is None:
        src = value
    index = _index_tensor(index, "scatter")
    if reduce is not None:
        return _scatter_with_reduce(input, dim, index, src, reduce)
    if isinstance(src, Tensor):
        if src.dtype is not input.dtype:
            raise RuntimeError(
                "scatter(): Expected self.dtype to be equal to src.dtype")
        dim = _check_gather_like(input, dim, index, "scatter", src if src.ndim else None)
        if input.ndim == 0:
            return scatter(_as_nd(input), 0, _as_nd(index), _as_nd(src)).reshape(())
        if src.ndim == 0 and src._fw_grad is not None:  # a dual number: keep its tangent
            return indexing_ops.scatter(input, dim, index, src.expand(index.shape))
        if src.ndim == 0:
            return indexing_ops.scatter_value(input, dim, index, src.item())
        return indexing_ops.scatter(input, dim, index, src)
    dim = _check_gather_like(input, dim, index, "scatter")
    if input.ndim == 0:
        return scatter(_as_nd(input), 0, _as_nd(index), src).reshape(())
    return indexing_ops.scatter_value(input, dim, index, src)


def _scatter_with_reduce(input, dim, index, src, reduce):
    """``scatter(..., reduce='add'|'multiply')``: PyTorch's older form of ``scatter_reduce``
    (sum or prod, including ``input``), which has no derivative."""
    if reduce not in ("add", "multiply"):
        raise RuntimeError("reduce argument must be either add or multiply.")
    how = "sum" if reduce == "add" else "prod"
    if isinstance(src, Tensor):
        warn_once("The reduce argument of torch.scatter with Tensor src is deprecated and will "
                  "be removed in a future PyTorch release. Use torch.scatter_reduce instead for "
                  "more reduction options.", stacklevel=4)
        if src.dtype is not input.dtype:
            raise RuntimeError("scatter(): Expected self.dtype to be equal to src.dtype")
    dim = _check_gather_like(input, dim, index, "scatter",
                             src if isinstance(src, Tensor) and src.ndim else None)
    if input.ndim == 0:
        return _scatter_with_reduce(_as_nd(input), 0, _as_nd(index),
                                    _as_nd(src) if isinstance(src, Tensor) else src,
                                    reduce).reshape(())
    if isinstance(src, Tensor):
        return scatter_ops.scatter_reduce_legacy(input, dim, index, src, how)
    return scatter_ops.scatter_value_reduce_legacy(input, dim, index, src, how)


@out_variant(SAME)
@accept_numpy_names
def scatter_add(input, dim: int, index, src):
    """Add ``src`` into a copy of ``input`` at ``index`` along ``dim`` (repeats accumulate).

    >>> torch.zeros(3).scatter_add(0, torch.tensor([0, 0, 2]), torch.ones(3))
    tensor([2., 0., 1.])
    """
    index = _index_tensor(index, "scatter_add")
    if src.dtype is not input.dtype:
        raise RuntimeError("scatter(): Expected self.dtype to be equal to src.dtype")
    dim = _check_gather_like(input, dim, index, "scatter_add", src)
    if input.ndim == 0:
        return scatter_add(_as_nd(input), 0, _as_nd(index), _as_nd(src)).reshape(())
    return indexing_ops.scatter_add(input, dim, index, src)


@out_variant(SAME, message="index_select(): self and result must have the same scalar type")
@accept_numpy_names
def index_select(input, dim: int, index):
    """The slices at ``index`` (a vector of positions) along ``dim``.

    >>> torch.arange(6).reshape(2, 3).index_select(1, torch.tensor([2, 0]))
    tensor([[2, 0],
            [5, 3]])
    """
    index = _index_tensor(index, "index_select")
    if index.ndim > 1:
        raise IndexError("index_select(): Index is supposed to be a vector")
    if index.dtype.name not in ("int64", "int32"):
        raise RuntimeError("index_select(): Expected dtype int32 or int64 for index")
    dim = wrap_dim(dim, input.ndim)
    size = input.shape[dim] if input.ndim else 1
    data = index._data
    if data.size and ((data >= size) | (data < -size)).any():
        raise IndexError("index out of range in self")
    if input.ndim == 0:
        return index_select(input.reshape(1), 0, index).reshape(())
    return indexing_ops.index_select(input, dim, index.reshape(-1), input._data.shape)


def masked_fill(input, mask, value):
    """``value`` where ``mask`` is True, ``input`` elsewhere (``mask`` broadcasts).

    >>> torch.tensor([1., 2., 3.]).masked_fill(torch.tensor([True, False, True]), 0.)
    tensor([0., 2., 0.])
    """
    if not isinstance(mask, Tensor) or mask.dtype.name != "bool":
        got = mask.dtype.name if isinstance(mask, Tensor) else type(mask).__name__
        got = {"int64": "long", "int32": "int", "float32": "float", "uint8": "unsigned char"}.get(
            got, got)
        raise RuntimeError(f"masked_fill_ only supports boolean masks, but got mask with dtype "
                           f"{got}. Fix: pass a bool mask, e.g. mask.bool() or (x > 0).")
    check_broadcast(input, mask)
    if isinstance(value, Tensor):
        if value.ndim != 0:
            raise RuntimeError(
                "masked_fill_ only supports a 0-dimensional value tensor, but got tensor with "
                f"{value.ndim} dimension(s).")
        if value._requires_grad or value._fw_grad is not None:
            return indexing_ops.masked_fill_tensor(input, mask, value)
        value = value.item()
    return indexing_ops.masked_fill(input, mask, value)


@out_variant(SAME)
@accept_numpy_names
def take_along_dim(input, indices, dim: int | None = None):
    """``input``'s values at ``indices`` along ``dim`` (the two broadcast against each other
    elsewhere); with ``dim=None``, positions in the flattened tensor.

    >>> x = torch.tensor([[10., 30., 20.]])
    >>> torch.take_along_dim(x, torch.argsort(x, dim=1), dim=1)
    tensor([[10., 20., 30.]])
    """
    if dim is None:
        return gather(input.reshape(-1), 0, indices.reshape(-1))
    dim = wrap_dim(dim, input.ndim)
    if input.ndim != indices.ndim:
        raise RuntimeError("torch.take_along_dim(): input and indices should have the same "
                           f"number of dimensions, but got {input.ndim} dimensions for input, "
                           f"and {indices.ndim} dimensions for indices")
    shape_in, shape_ix = list(input.shape), list(indices.shape)
    shape_in[dim] = shape_ix[dim] = 1
    common = list(xp.broadcast_shapes(tuple(shape_in), tuple(shape_ix)))
    want_in, want_ix = list(common), list(common)
    want_in[dim], want_ix[dim] = input.shape[dim], indices.shape[dim]
    if list(input.shape) != want_in:
        input = input.expand(want_in)
    if list(indices.shape) != want_ix:
        indices = indices.expand(want_ix)
    return gather(input, dim, indices)


@out_variant(SAME, message="masked_select(): self and result must have the same scalar type")
def masked_select(input, mask):
    """The elements of ``input`` where ``mask`` (broadcast against it) is True, as a vector.

    >>> torch.masked_select(torch.tensor([[1, 2], [3, 4]]), torch.tensor([True, False]))
    tensor([1, 3])
    """
    if not isinstance(mask, Tensor) or mask.dtype.name != "bool":
        raise RuntimeError("masked_select: expected BoolTensor for mask. Fix: pass mask.bool().")
    shape = xp.broadcast_shapes(tuple(input.shape), tuple(mask.shape))
    if tuple(input.shape) != shape:
        input = input.expand(shape)
    return selection_ops.masked_select(input, xp.nonzero(xp.broadcast_to(mask._data, shape)),
                                input._data.shape)


@out_variant(SAME, message=_TAKE_DTYPE)
def take(input, index):
    """The elements of the flattened ``input`` at ``index`` (shaped like ``index``).

    >>> torch.take(torch.tensor([[1, 2], [3, 4]]), torch.tensor([0, 3]))
    tensor([1, 4])
    """
    data = index._data
    size = input.numel()
    if data.size and ((data >= size) | (data < -size)).any():
        bad = int(data[(data >= size) | (data < -size)].flat[0])
        raise IndexError(f"out of range: tried to access index {bad} on a tensor of {size} "
                         "elements.")
    if input.ndim == 0:
        input = input.reshape(1)
    flat = xp.unravel_index(data % builtins.max(size, 1), input.shape)
    return selection_ops.take(input, flat, input._data.shape)


def _index_along(index, dim, like):
    """``index`` (1-D) reshaped and expanded to ``like``'s shape along ``dim``, for scatter."""
    shape = [1] * like.dim()
    shape[dim] = -1
    return expand(reshape(index, shape), like.shape)


@out_variant(SAME)
@accept_numpy_names
def index_add(input, dim: int, index, source, *, alpha=1):
    """``input`` with ``alpha * source``'s slices added at ``index`` along ``dim``.

    >>> torch.index_add(torch.zeros(3), 0, torch.tensor([0, 0, 2]), torch.tensor([1., 2., 3.]))
    tensor([3., 0., 3.])
    """
    dim = dim % builtins.max(input.dim(), 1)
    if input.dim() == 0:
        return input + (source * alpha).sum()
    return scatter_add(input, dim, _index_along(index, dim, source), source * alpha)


@out_variant(SAME)
@accept_numpy_names
def index_copy(input, dim: int, index, source):
    """``input`` with ``source``'s slices written at ``index`` along ``dim``.

    >>> torch.index_copy(torch.zeros(3), 0, torch.tensor([2, 0]), torch.tensor([1., 2.]))
    tensor([2., 0., 1.])
    """
    dim = dim % builtins.max(input.dim(), 1)
    return scatter(input, dim, _index_along(index, dim, source), source)


@accept_numpy_names
def index_fill(input, dim: int, index, value):
    """``input`` with the slices at ``index`` along ``dim`` set to ``value``.

    >>> torch.index_fill(torch.zeros(2, 3), 1, torch.tensor([0, 2]), -1.)
    tensor([[-1.,  0., -1.],
            [-1.,  0., -1.]])
    """
    dim = dim % builtins.max(input.dim(), 1)
    hit = xp.zeros(input.shape[dim] if input.dim() else 1, dtype=bool)
    hit[index._data] = True
    shape = [1] * input.dim()
    if input.dim():
        shape[dim] = -1
    return masked_fill(input, Tensor._make(hit.reshape(shape)), value)


@accept_numpy_names
def select(input, dim: int, index: int):
    """The slice at ``index`` along ``dim``, with that dimension removed (a view).

    >>> torch.arange(6).reshape(2, 3).select(1, 0)
    tensor([0, 3])
    """
    if input.ndim == 0:
        raise IndexError("select() cannot be applied to a 0-dim tensor.")
    dim = wrap_dim(dim, input.ndim)
    size = input.shape[dim]
    if not -size <= index < size:
        raise IndexError(f"select(): index {index} out of range for tensor of size "
                         f"{list(input.shape)} at dimension {dim}")
    return getitem(input, (slice(None),) * dim + (index,))


@accept_numpy_names
def repeat_interleave(input, repeats=None, dim: int | None = None, *, output_size=None):
    """Each element (or slice along ``dim``) repeated ``repeats`` times in a row; a tensor
    ``repeats`` gives a count per element. ``dim=None`` works on the flattened tensor.

    >>> torch.repeat_interleave(torch.tensor([1, 2]), 2)
    tensor([1, 1, 2, 2])
    >>> torch.repeat_interleave(torch.tensor([2, 1]))
    tensor([0, 0, 1])
    """
    if repeats is None:  # repeat_interleave(counts): each position as often as it says
        counts = input._data
        return Tensor._make(xp.repeat(xp.arange(counts.size, dtype=xp.int64), counts))
    if dim is None:
        input, dim = input.reshape(-1), 0
    dim = wrap_dim(dim, input.ndim)
    if input.ndim == 0:
        input = input.reshape(1)
    counts = repeats._data if isinstance(repeats, Tensor) else repeats
    counts = xp.asarray(counts).reshape(-1)
    if (counts < 0).any():
        raise RuntimeError("repeats can not be negative")
    size = input.shape[dim]
    if counts.size not in (1, size):
        raise RuntimeError("repeats must have the same size as input along dim, but got "
                           f"repeats.size(0) = {counts.size} and input.size({dim}) = {size}")
    index = xp.repeat(xp.arange(size, dtype=xp.int64), xp.broadcast_to(counts, (size,)))
    return index_select(input, dim, Tensor._make(index))


def unravel_index(indices, shape) -> tuple:
    """The coordinates in a tensor of ``shape`` of the positions ``indices`` of its flattened
    form: one tensor per dimension (positions wrap around, as PyTorch's do).

    >>> torch.unravel_index(torch.tensor([4, 1]), (2, 3))
    (tensor([1, 0]), tensor([1, 1]))
    """
    if not isinstance(indices, Tensor):
        raise AttributeError(f"'{type(indices).__name__}' object has no attribute 'is_complex'. "
                             "Fix: pass the positions as a tensor, e.g. torch.tensor(5).")
    if indices.dtype.is_floating_point or indices.dtype.name == "bool":
        raise TypeError(f"expected 'indices' to be integer dtype, but got {indices.dtype}")
    shape = (shape,) if isinstance(shape, int) else tuple(shape)
    for n in shape:
        if isinstance(n, bool) or not isinstance(n, int):
            raise TypeError(f"expected 'shape' sequence to only contain ints, but got {type(n)}")
    if any(n < 0 for n in shape):
        raise ValueError(f"'shape' cannot have negative values, but got {shape}")
    if 0 in shape:
        raise RuntimeError("ZeroDivisionError")
    data = indices._data.astype(xp.int64)
    strides = [1] * len(shape)
    for d in range(len(shape) - 2, -1, -1):
        strides[d] = strides[d + 1] * shape[d + 1]
    # floor division and modulo: a negative position counts from the end, as in PyTorch
    return tuple(Tensor._make(xp.asarray((data // step) % n, dtype=xp.int64))
                 for step, n in zip(strides, shape))


def fill(input, value) -> Tensor:
    """A tensor like ``input`` with every element ``value`` (a number or a 0-d tensor, whose
    gradient is the sum of the result's).

    >>> torch.fill(torch.zeros(2, 2), 7)
    tensor([[7., 7.],
            [7., 7.]])
    """
    if isinstance(value, Tensor):
        if value.ndim:
            raise RuntimeError("fill_ only supports 0-dimension value tensor but got tensor "
                               f"with {value.ndim} dimensions.")
        if value.dtype is not input.dtype:
            value = value.to(input.dtype)
        return indexing_ops.fill_tensor_out(input, value)
    if not isinstance(value, (int, float, bool, xp.generic)):
        raise TypeError(f"fill(): argument 'value' must be Number or Tensor, not "
                        f"{type(value).__name__}")
    return indexing_ops.fill_out(input, fill_scalar(value, input._data.dtype))


def _diagonal_positions(shape, wrap: bool):
    """The flat positions of a tensor's main diagonal (wrapping down a tall matrix)."""
    if len(shape) < 2:
        raise RuntimeError("dimensions must larger than 1")
    if len(shape) > 2 and len(set(shape)) > 1:
        raise RuntimeError("all dimensions of input must be of equal length")
    strides = [1] * len(shape)
    for d in range(len(shape) - 2, -1, -1):
        strides[d] = strides[d + 1] * shape[d + 1]
    step = builtins.sum(strides)
    size = 1
    for n in shape:
        size *= n
    end = size if wrap and len(shape) == 2 else builtins.min(shape) * step
    return xp.arange(0, builtins.min(end, size), step)


def fill_diagonal_(self, fill_value, wrap: bool = False) -> Tensor:
    """Fill the main diagonal with ``fill_value``, in place (all dimensions equal, or a
    matrix; ``wrap=True`` continues the diagonal below a tall matrix's square top).

    >>> torch.zeros(2, 3).fill_diagonal_(5.)
    tensor([[5., 0., 0.],
            [0., 5., 0.]])
    """
    key = xp.unravel_index(_diagonal_positions(tuple(self.shape), wrap), tuple(self.shape))
    if isinstance(fill_value, Tensor):
        fill_value = fill_value.item()
    value = Tensor._make(xp.asarray(fill_scalar(fill_value, self._data.dtype)))
    # a write into some elements, recorded as PyTorch records it (CopySlices)
    return inplace(self, lambda source: copy_slices(source, value, key))
