"""In-place changes: ``x.add_(y)``, ``x[i] = v``, ``x.exp_()``, and writes through views.

An in-place op computes its result out of place, writes it into the tensor's
own memory (so views and ``from_numpy`` arrays see it), moves the version
counter on (so a node that saved the old values refuses them) and, if the op
was recorded, makes the tensor take the result's place in the graph.

A change made through a view (``x[0].mul_(2)``, ``x.t().add_(1)``) is recorded
as PyTorch records it: the view's elements are located in its base's memory,
the base's history becomes CopySlices ("the old base, with these elements
replaced"), and the view becomes "these elements of the new base"
(AsStridedBackward0).
"""
from __future__ import annotations

import weakref

from .. import _tracing
from .._backend import ndarray, xp
from ..tensor import Tensor
from . import grad_mode
from .forward_ad import _paused, _set_tangent
from .graph import Node, move_retains_grad
from .op import (
    Op,
    as_strided,
    grad_fn_of,
    gradient_edge,
    index,
    name_in_cpp_namespace,
    view_key,
)
from .saved import SavedResult
from .views import refused


def check_inplace_leaf(t: Tensor) -> None:
    if grad_mode.state.enabled and t._requires_grad and t._grad_fn is None:
        if t._base is not None:
            check_view_inplace(t)  # (PyTorch looks at the view first: it raises)
        raise RuntimeError(
            "a leaf Variable that requires grad is being used in an in-place operation. Fix: "
            "wrap the update in chainrule.no_grad() (e.g. `with torch.no_grad(): w -= lr * "
            "w.grad`), or operate on w.detach().")


def check_view_inplace(view: Tensor) -> None:
    """Refuse an in-place change through ``view`` where PyTorch refuses it.

    The reasons a view keeps (``engine.views``: taken under ``no_grad``, a piece
    of split/unbind, returned by a custom Function) say where the recorded history
    could not show the change.  Nor can a view of a leaf be changed when it requires
    grad (the leaf would change).
    """
    message = refused(view)
    if message is not None:
        raise RuntimeError(message)
    base = view._base
    if base._grad_fn is None and (view._requires_grad or base._requires_grad):
        raise RuntimeError(
            "a view of a leaf Variable that requires grad is being used in an in-place "
            "operation. Fix: wrap the update in chainrule.no_grad(), or change a .clone() of "
            "the leaf instead.")


def stand_in(t: Tensor, data: ndarray) -> Tensor:
    """A tensor over ``data`` that stands where ``t`` stands in the graph (same history and
    tangent): an in-place op records against it before ``t`` takes on the result's history."""
    s = Tensor._make(data)
    s._grad_fn, s._output_nr, s._requires_grad = t._grad_fn, t._output_nr, t._requires_grad
    s._fw_grad = t._fw_grad
    return s


def inplace(self: Tensor, fn, *args, **kwargs) -> Tensor:
    """Run ``fn(self, *args)`` and make ``self`` hold the result, as PyTorch's ``op_`` methods.

    The data is written into ``self``'s own array (views and ``from_numpy``
    arrays see the change) and the version counter moves on, so a node that
    saved the old values will refuse to use them.  If the result was
    recorded, ``self`` takes over its place in the graph.
    """
    enabled = grad_mode.state.enabled
    if enabled:  # (under no_grad, as in `w -= lr * w.grad`, nothing is refused: a call less)
        check_inplace_leaf(self)
    # (A view requires grad when its base does: engine.views.requires_grad, inlined.)
    record = enabled and (
        self._requires_grad or (self._base is not None and self._base._requires_grad)
        or any(isinstance(a, Tensor) and a._requires_grad for a in args))
    target = writable(self._data)
    if record and self._base is not None:
        return inplace_on_view(self, fn, args, kwargs)
    source = self
    if record:
        # The op may save its input for backward; give it a copy so writing into
        # self's array below cannot change what backward will read.
        source = stand_in(self, self._data.copy())
    if record or not enabled:  # the mode is already what it must be
        result = fn(source, *args, **kwargs)
    else:
        with grad_mode.set_grad_enabled(False):
            result = fn(source, *args, **kwargs)
    check_result_fits(self, result)
    xp.copyto(target, result._data, casting="unsafe")
    self._bump_version()
    if _tracing.tracer is not None:
        _tracing.tracer.wrote(self, xp.copyto, (target, result._data), _UNSAFE)
    if record and result._grad_fn is not None:
        old_node, old_nr = self._grad_fn, self._output_nr
        self._grad_fn = result._grad_fn
        self._output_nr = result._output_nr
        self._requires_grad = True
        move_retains_grad(self, old_node, old_nr)
    if result._fw_grad is not None:  # forward mode: the tangent changes in place too
        set_tangent_inplace(self, result._fw_grad)
    return self


_UNSAFE = {"casting": "unsafe"}


def check_result_fits(self: Tensor, result: Tensor) -> None:
    """An in-place op's result must have ``self``'s shape and a dtype castable to ``self``'s."""
    if result._data.shape != self._data.shape:
        raise RuntimeError(
            f"output with shape {list(self.shape)} doesn't match the broadcast shape "
            f"{list(result.shape)}")
    if result._data.dtype != self._data.dtype \
            and not xp.can_cast(result._data.dtype, self._data.dtype, casting="same_kind"):
        raise RuntimeError(f"result type {result.dtype.scalar_name} can't be cast to the desired "
                           f"output type {self.dtype.scalar_name}")


def check_writable(t) -> None:
    """Refuse to write into a tensor whose elements share memory (an ``expand``ed tensor)."""
    if not t._data.flags.writeable:
        writable(t._data)


def writable(data: ndarray, region: ndarray | None = None, shared_ok: bool = False) -> ndarray:
    """``data``, to be written into: itself, or, where NumPy marks it read-only only because it
    was taken from an expanded (broadcast) array, a writable alias of the same memory.
    ``region``: the part of ``data`` written (all of it by default); ``shared_ok``: one value
    is written everywhere (PyTorch's fill_ and zero_ allow shared locations then).

    As in PyTorch, what decides is the memory written: ``x.expand(3)[0] = 1`` writes one
    element (and every element of the expanded tensor sees it), ``x.expand(3)[:] = 1``
    would write one location three times and is refused, and so is memory that is itself
    read-only (a read-only NumPy array handed to ``from_numpy``).
    """
    if data.flags.writeable:
        return data
    written = data if region is None else region
    if not shared_ok and any(s == 0 and n > 1 for s, n in zip(written.strides, written.shape)):
        raise RuntimeError(
            "unsupported operation: more than one element of the written-to tensor refers to "
            "a single memory location. Please clone() the tensor before performing the "
            "operation.")
    root = data
    while isinstance(root.base, ndarray):
        root = root.base
    if not root.flags.writeable:
        raise RuntimeError("this tensor's memory is read-only (it wraps a read-only NumPy array). "
                           "Fix: .clone() it before changing it in place.")
    offset = data.__array_interface__["data"][0] - root.__array_interface__["data"][0]
    return ndarray(data.shape, dtype=data.dtype, buffer=root, offset=offset,
                   strides=data.strides)


def inplace_on_view(view, fn, args, kwargs):
    """``view.op_(...)``: run ``fn`` on the view, write the result through, rewrite histories."""
    base = view._base
    check_view_inplace(view)
    target = writable(view._data)
    grad_fn_of(view)  # re-derives the view first if the base changed since
    key = view_key(base._data, view._data)
    # The op is applied to "these elements of the base as it was", not to the view with
    # its own history: PyTorch's CopySlices applies it so too, and hooks on the view's
    # old node do not run.  (A copy, too: the op may save its input, and the result is
    # written into the shared memory below.)
    with grad_mode.set_grad_enabled(True), _paused():
        source = as_strided(stand_in(base, base._data), key, base._data.shape)
    source._fw_grad = view._fw_grad  # (set_tangent_inplace gives the view its new one)
    with grad_mode.set_grad_enabled(True):
        result = fn(source, *args, **kwargs)
    check_result_fits(view, result)
    xp.copyto(target, result._data, casting="unsafe")
    view._bump_version()
    rebase_history(view, result.to(view.dtype) if result.dtype is not view.dtype else result, key,
                   source)
    if result._fw_grad is not None:
        set_tangent_inplace(view, result._fw_grad)
    return view


def rebase_history(view: Tensor, result: Tensor, key, source: Tensor | None = None) -> None:
    """Record that ``view``'s elements (``key`` in its base) now hold ``result``.

    The base's history becomes CopySlices (its old values with these elements
    replaced by ``result``) and the view's "these elements of the new base".
    ``source``: the view's elements as the op read them, where ``result`` was computed
    from them by one node (then CopySlices wraps that node, as in PyTorch).
    """
    base = view._base
    old_base = stand_in(base, base._data)  # CopySlices saves nothing of it: no copy needed
    new_base = None
    if source is not None:
        new_base = wrapped_write(old_base, result, source, key, base._data)
    if new_base is None:
        with _paused():  # the base's tangent changes through the view's (set by the caller)
            new_base = copy_slices(old_base, result, key)
    old_base_node, old_base_nr = base._grad_fn, base._output_nr
    old_view_node, old_view_nr = view._grad_fn, view._output_nr
    base._grad_fn, base._output_nr, base._requires_grad = new_base._grad_fn, 0, True
    new_base._data = base._data  # the regenerated view reads the real memory
    view._grad_fn = as_strided(new_base, key, base._data.shape)._grad_fn
    view._output_nr = 0
    if type(new_base._grad_fn) is CopySlices:
        # The op's saved result is the view: with create_graph its history is the view's
        # from now on, not the op's node, which only CopySlices runs (as in PyTorch).
        for saved in new_base._grad_fn.fn._saved or ():
            if type(saved) is SavedResult:
                saved.history = _view_history(new_base._grad_fn, key)
    view._requires_grad = True
    view._attr_version = view._version_counter.value
    move_retains_grad(base, old_base_node, old_base_nr)
    move_retains_grad(view, old_view_node, old_view_nr)


# --- the nodes of a write into some elements ---------------------------------------------
class CopySlices(Node):
    """PyTorch's CopySlices for an in-place op through a view: the base's old values with the
    view's elements replaced by the op's result, the op's own node (``fn``) wrapped inside.

    Its edges are the base's and the op's other inputs'.  Backward hands the base the
    gradient with the view's elements replaced by what ``fn`` makes of them; with
    ``create_graph`` it records what PyTorch's does (CopyBackwards, AsStridedBackward0,
    CloneBackward0, ``fn``'s own double-backward nodes, and a CopySlices for the write).
    """

    __slots__ = ("fn", "key", "shape", "dtype")

    def __init__(self, base_edge, fn: Node, key, shape, dtype) -> None:
        super().__init__()
        self.fn, self.key, self.shape, self.dtype = fn, key, shape, dtype
        self.next_functions = (base_edge,) + tuple(fn.next_functions[1:])
        self.input_meta = (None,) + tuple(fn.input_meta[1:])
        self._saved = ()  # (the engine then calls release, which frees fn's saved values)

    def name(self) -> str:
        return "torch::autograd::CopySlices"

    def apply(self, grads):
        result = copy(Tensor._make(xp.empty(self.shape, dtype=self.dtype)), grads[0])
        res = list(self.fn.apply([as_strided(result, self.key, self.shape).clone()]))
        written = res[0] if res[0] is not None else Tensor._make(
            xp.zeros(result._data[self.key].shape, dtype=self.dtype))
        recorded = grad_mode.state.enabled and (result._requires_grad or written._requires_grad)
        if recorded:
            with grad_mode.enable_grad():
                source = as_strided(result, self.key, self.shape)
                written_node = copy(source, written)
            res[0] = wrapped_write(result, written_node, source, self.key,
                                   write_into(result._data, written._data, self.key))
        else:
            res[0] = Tensor._make(write_into(result._data, written._data, self.key))
        return res

    def apply_arrays(self, grads):
        result = xp.array(grads[0], dtype=self.dtype)  # a copy, and an array also for a scalar
        res = list(self.fn.apply_arrays([result[self.key]]))
        result[self.key] = 0 if res[0] is None else res[0]
        res[0] = result
        return res

    def release(self) -> None:
        self.fn.release()
        self._saved = None


def _view_history(node: CopySlices, key):
    """The history of the view written through ``node``, made when a saved result asks
    for it: "these elements of the base after the write".  The node is held weakly (the
    saved result belongs to ``node.fn``: a strong reference would be a cycle); once it is
    gone nothing runs ``fn`` but its own uses, and the result's node is ``fn`` again."""
    ref = weakref.ref(node)

    def history():
        copy_slices_node = ref()
        if copy_slices_node is None:
            return None
        # Only the history matters: a zero-strided stand-in reads no memory of the base.
        base = Tensor._make(xp.broadcast_to(xp.zeros((), dtype=copy_slices_node.dtype),
                                            copy_slices_node.shape))
        base._grad_fn, base._requires_grad = copy_slices_node, True
        return (as_strided(base, key, copy_slices_node.shape)._grad_fn, 0)
    return history


def wrapped_write(old: Tensor, result: Tensor, source: Tensor, key, data) -> Tensor | None:
    """A tensor over ``data`` (``old`` with its elements at ``key`` replaced by ``result``)
    whose history is CopySlices wrapping ``result``'s node, where that one node computed
    ``result`` from ``source`` (its first input) and what else it read; None otherwise
    (then the caller records the write as copy_slices)."""
    node = result._grad_fn
    if node is None or result._output_nr != 0 or node.num_outputs != 1 \
            or not node.next_functions or node.next_functions[0] != (source._grad_fn, 0):
        return None
    new = Tensor._make(data)
    new._grad_fn = CopySlices(gradient_edge(old), node, key, data.shape, data.dtype)
    new._requires_grad = True
    return new


def _zero_at(grad, key):
    out = xp.array(grad)  # a copy, and an array also where a 0-d gradient came as a scalar
    out[key] = 0
    return out


def write_into(self, value, key):
    out = self.copy()
    out[key] = value
    return out


zero_at = Op("IndexFillBackward0", _zero_at,
             grad=lambda g, key: zero_at(g, key),
             jvp=lambda grad_t, key: zero_at(grad_t, key))


copy_slices = Op("CopySlices", lambda self, value, key: write_into(self, value, key),
                 self=lambda grad, key: zero_at(grad, key),
                 value=lambda grad, key: index(grad, key, grad.shape),
                 jvp=lambda self_t, value_t, key: copy_slices(self_t, value_t, key))

name_in_cpp_namespace(copy_slices)

# Whole-tensor overwrite (copy_): the old values get no gradient.  The engine records it too:
# a leaf's first gradient under create_graph is a copy, as in PyTorch.
copy = Op("CopyBackwards", lambda self, src: _copy_forward(self, src),
          self=lambda grad: grad.new_zeros(grad.shape),
          src=lambda grad: grad,  # the engine sums and casts it back to src's shape and dtype
          jvp=lambda self_t, src_t: copy(self_t, src_t))

name_in_cpp_namespace(copy)


def _copy_forward(self, src):
    return xp.broadcast_to(src, self.shape).astype(self.dtype, copy=True)


# --- forward mode through in-place changes -----------------------------------------------
def set_tangent_inplace(t, tangent) -> None:
    """After an in-place op on ``t``, make ``tangent`` its tangent, as PyTorch does.

    The old tangent is overwritten in place rather than replaced: the tangents
    of views of ``t`` are views of it, so they (and, for a view ``t``, its
    base's tangent) see the change, just as the views' values do.
    """
    old = t._fw_grad
    if old is None and t._base is not None:
        old = _view_of_base_tangent(t)
    if old is not None and old._data.flags.writeable:
        xp.copyto(old._data, tangent._data, casting="unsafe")
        tangent = old
    _set_tangent(t, tangent)


def _view_of_base_tangent(view):
    """A tangent for ``view`` that shares memory with (a new zero tangent of) its base."""
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
