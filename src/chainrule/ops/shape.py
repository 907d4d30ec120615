"""Shape operations: reshape, expand, transpose, permute, cat, stack, flip, ...

Their gradients move numbers around without changing them: the rule applies
the inverse rearrangement to ``grad``.  Reshapes and transposes of NumPy
arrays are views, so the results share memory (and a version counter) with
their input, as PyTorch's views do.
"""
from __future__ import annotations

from .._backend import xp
from ..engine.op import Op, index, put_into_zeros

# --- the rule table ------------------------------------------------------------
# Every op here is linear, so its forward-mode rule (jvp) is the op itself applied to the
# tangent; a view's tangent is then a view of its input's tangent, as in PyTorch, so an
# in-place change through the view reaches the base's tangent too.
# View ops take the input's shape (``old``) as an argument rather than saving the input:
# backward needs only the shape, and an in-place change of the input must not trip the
# saved-tensor version check (PyTorch saves sizes here too).
reshape = Op("ViewBackward0", lambda self, shape, old: xp.reshape(self, shape), view=True,
                self=lambda grad, old: grad.reshape(old),
                jvp=lambda self_t, shape, old: reshape(self_t, shape, old))
# A reshape of a fresh result, recorded as not a view (PyTorch's _unsafe_view): a reshape
# that cannot view a non-contiguous input clones it first, and matmul folds batches with it.
# Only the shape is kept.
unsafe_view = Op("UnsafeViewBackward0", lambda self, shape: xp.reshape(self, shape),
                 self=lambda grad, self_shape: grad.reshape(self_shape),
                 jvp=lambda self_t, shape: unsafe_view(self_t, shape))
unsqueeze = Op("UnsqueezeBackward0", lambda self, dim: xp.expand_dims(self, dim), view=True,
                  self=lambda grad, dim: grad.squeeze(dim),
                  jvp=lambda self_t, dim: unsqueeze(self_t, dim))
# PyTorch numbers squeeze's nodes by overload: all dims (0), one dim (1), a tuple (2).
squeeze = Op("SqueezeBackward0", lambda self, dims, old: _squeeze(self, dims), view=True,
                self=lambda grad, old: grad.reshape(old),
                jvp=lambda self_t, dims, old: squeeze(self_t, dims, old))
squeeze_dim = Op("SqueezeBackward1", lambda self, dims, old: _squeeze(self, dims),
                    view=True, self=lambda grad, old: grad.reshape(old),
                    jvp=lambda self_t, dims, old: squeeze_dim(self_t, dims, old))
squeeze_dims = Op("SqueezeBackward2", lambda self, dims, old: _squeeze(self, dims),
                     view=True, self=lambda grad, old: grad.reshape(old),
                     jvp=lambda self_t, dims, old: squeeze_dims(self_t, dims, old))
expand = Op("ExpandBackward0", lambda self, shape: xp.broadcast_to(self, shape), view=True,
               self=lambda grad: grad,  # the engine sums the gradient back to self's shape
               jvp=lambda self_t, shape: expand(self_t, shape))
transpose = Op("TransposeBackward0", lambda self, dim0, dim1: xp.swapaxes(self, dim0, dim1),
                  view=True,
                  self=lambda grad, dim0, dim1: transpose(grad, dim0, dim1),
                  jvp=lambda self_t, dim0, dim1: transpose(self_t, dim0, dim1))
# .T and .transpose are the C methods behind np.transpose, without its Python wrapper.
t = Op("TBackward0", lambda self: self.T, view=True,
          self=lambda grad: t(grad),
          jvp=lambda self_t: t(self_t))
permute = Op("PermuteBackward0", lambda self, dims: self.transpose(dims), view=True,
                self=lambda grad, dims: permute(grad, _inverse_permutation(dims)),
                jvp=lambda self_t, dims: permute(self_t, dims))


def _inverse_permutation(dims) -> tuple:
    # In Python: np.argsort would first convert the short tuple into an array.
    inverse = [0] * len(dims)
    for i, d in enumerate(dims):
        inverse[d] = i
    return tuple(inverse)


flip = Op("FlipBackward0", lambda self, dims: xp.flip(self, dims).copy(),  # not a view
             self=lambda grad, dims: grad.flip(dims),
             jvp=lambda self_t, dims: flip(self_t, dims))
roll = Op("RollBackward0", lambda self, shifts, dims: xp.roll(self, shifts, dims),
             self=lambda grad, shifts, dims: grad.roll(_negate(shifts), dims),
             jvp=lambda self_t, shifts, dims: roll(self_t, shifts, dims))
repeat = Op("RepeatBackward0", lambda self, repeats, old: _repeat(self, repeats),
               self=lambda grad, repeats, old: _repeat_backward(grad, old, repeats),
               jvp=lambda self_t, repeats, old: repeat(self_t, repeats, old))
narrow = Op("SliceBackward0", lambda self, dim, start, length, old:
               self[(slice(None),) * dim + (slice(start, start + length),)], view=True,
               self=lambda grad, dim, start, old: _pad_dim(grad, old, dim, start),
               jvp=lambda self_t, dim, start, length, old:
                   narrow(self_t, dim, start, length, old))
tril = Op("TrilBackward0", lambda self, diagonal: xp.tril(self, diagonal),
             self=lambda grad, diagonal: grad.tril(diagonal),
             jvp=lambda self_t, diagonal: tril(self_t, diagonal))
triu = Op("TriuBackward0", lambda self, diagonal: xp.triu(self, diagonal),
             self=lambda grad, diagonal: grad.triu(diagonal),
             jvp=lambda self_t, diagonal: triu(self_t, diagonal))
clone = Op("CloneBackward0", lambda self: self.copy(),
              self=lambda grad: grad,
              jvp=lambda self_t: clone(self_t))
to_copy = Op("ToCopyBackward0", lambda self, np_dtype: self.astype(np_dtype),
             self=lambda grad: grad,  # the engine casts the gradient back to self's dtype
             jvp=lambda self_t, np_dtype: to_copy(self_t, np_dtype))
alias = Op("AliasBackward0", lambda self: self.view(), view=True,
              self=lambda grad: grad,
              jvp=lambda self_t: alias(self_t))
# as_strided reads the storage under ``self`` by sizes, strides and an offset, so its output
# may repeat elements of self or reach memory outside them.  ``src`` indexes the element of
# self under each output element that has one, ``dst`` those output elements (None: all of
# them): the gradient adds up where elements repeat, and skips memory outside self, as
# PyTorch's does.  A tangent laid out in memory as self is (make_dual sees to it) is read
# the same way, storage and all, as PyTorch reads it; another one through src and dst.
as_strided = Op("AsStridedBackward0",
                lambda self, size, stride, storage_offset, src, dst, old:
                    strided_view(self, size, stride, storage_offset), view=True,
                self=lambda grad, size, src, dst, old:
                    put_into_zeros(grad if dst is None else index(grad, dst, size), old, src),
                jvp=lambda self_t, self, size, stride, storage_offset, src, dst, old:
                    as_strided(self_t, size, stride, storage_offset, src, dst, old)
                    if same_memory_layout(self_t._data, self._data)
                    else index(self_t, src, old) if dst is None
                    else put_into_zeros(index(self_t, src, old), size, dst))


def storage_root(a):
    """The array that owns the memory under ``a`` (its storage, in PyTorch's terms)."""
    while isinstance(a.base, xp.ndarray):
        a = a.base
    return a


def same_memory_layout(a, b) -> bool:
    """Whether ``a`` and ``b`` lie alike in storages of one size (same strides and offset)."""
    root_a, root_b = storage_root(a), storage_root(b)
    return (a.strides == b.strides and a.itemsize == b.itemsize
            and root_a.nbytes == root_b.nbytes
            and address(a) - address(root_a) == address(b) - address(root_b))


def address(a) -> int:
    """Where the first element of the array ``a`` is in memory."""
    return a.__array_interface__["data"][0]


def strided_view(a, size, stride, storage_offset):
    """The elements of ``a``'s storage at ``storage_offset + sum(i * stride)``, as a view.

    Sizes, strides and the offset count elements of ``a``'s dtype, as in PyTorch;
    NumPy checks that every element lies inside the storage.
    """
    root = storage_root(a)
    itemsize = a.itemsize
    start = storage_offset * itemsize
    if 0 in size:  # nothing is read: an offset past the end is allowed, as in PyTorch
        start = min(start, root.nbytes)
    view = xp.ndarray(size, dtype=a.dtype, buffer=root, offset=start,
                      strides=tuple(s * itemsize for s in stride))
    if any(s == 0 and n > 1 for n, s in zip(size, stride)):
        # Elements that share one memory location cannot be written, as in PyTorch (which
        # also lets other overlapping strides through, as this does).
        view.flags.writeable = False
    return view


def _squeeze(x, dims):
    if dims is None:
        return xp.squeeze(x)
    dims = tuple(d for d in dims if x.shape[d] == 1)
    return xp.squeeze(x, axis=dims) if dims else x.view()


def _negate(shifts):
    return tuple(-s for s in shifts) if isinstance(shifts, tuple) else -shifts


def _repeat(x, repeats):
    x = x.reshape((1,) * (len(repeats) - x.ndim) + x.shape)
    return xp.tile(x, repeats)


def _repeat_backward(grad, shape, repeats):
    # Each output block is a copy of the input: split every dim into (repeat, size) and sum
    # over the repeat axes.
    lead = len(repeats) - len(shape)
    full = (1,) * lead + tuple(shape)
    split = []
    for r, n in zip(repeats, full):
        split += [r, n]
    g = grad.reshape(split).sum(tuple(range(0, 2 * len(full), 2)))
    return g.reshape(shape)


def _pad_dim(grad, shape, dim, start):
    """Place ``grad`` at ``start`` along ``dim`` in zeros of ``shape`` (inverse of narrow)."""
    before = list(shape)
    before[dim] = start
    after = list(shape)
    after[dim] = shape[dim] - start - grad.shape[dim]
    parts = [grad.new_zeros(before), grad, grad.new_zeros(after)]
    return cat([p for p in parts if p.shape[dim] or p is grad], dim)


# --- joining and cutting: a list of tensors in (cat, stack), several pieces out (split) ----
# ``tensors`` is a list: its rule returns one gradient per tensor, the slice of ``grad``
# where that tensor's values went.  The pieces of split/unbind are views of the input, all
# made by one node; their rule joins the pieces' gradients (zeros where none arrived).
def _cut(x, dim, sizes, keep_dim=True):
    """The pieces of ``x`` along ``dim`` of the given sizes (basic slices: views of ``x``)."""
    lead = (slice(None),) * (dim % x.ndim)
    pieces, start = [], 0
    for n in sizes:
        pieces.append(x[lead + (slice(start, start + n),)] if keep_dim else x[lead + (start,)])
        start += n
    return pieces


def _cat_forward(tensors, dim, np_dtype=None):
    # np_dtype: the result dtype, for tensors of mixed dtypes (None: they share one).
    if np_dtype is not None:
        tensors = [a.astype(np_dtype, copy=False) for a in tensors]
    return xp.concatenate(tensors, axis=dim)


def _stack_forward(tensors, dim, np_dtype=None):
    if np_dtype is not None:
        tensors = [a.astype(np_dtype, copy=False) for a in tensors]
    return xp.stack(tensors, axis=dim)


cat = Op("CatBackward0", _cat_forward,
         tensors=lambda grad, dim, tensors_shape: _cut(grad, dim, [s[dim] if s else 0
                                                                   for s in tensors_shape]),
         jvp=lambda tensors_t, dim, np_dtype: cat(tensors_t, dim, np_dtype))
stack = Op("StackBackward0", _stack_forward,
           tensors=lambda grad, dim, tensors_shape: _cut(grad, dim, [1] * len(tensors_shape),
                                                         keep_dim=False),
           jvp=lambda tensors_t, dim, np_dtype: stack(tensors_t, dim, np_dtype))


def _split_backward(grads, dim):
    return cat(grads, dim)


def _unbind_backward(grads, dim):
    return stack(grads, dim)


# PyTorch names split(int) SplitBackward0 and split(list) SplitWithSizesBackward0.
split = Op("SplitBackward0", lambda self, dim, sizes: _cut(self, dim, sizes), view=True,
           outputs="several",
           self=lambda grads, dim: _split_backward(grads, dim),
           jvp=lambda self_t, dim, sizes: split(self_t, dim, sizes))
split_with_sizes = Op("SplitWithSizesBackward0", lambda self, dim, sizes: _cut(self, dim, sizes),
                      view=True, outputs="several",
                      self=lambda grads, dim: _split_backward(grads, dim),
                      jvp=lambda self_t, dim, sizes: split_with_sizes(self_t, dim, sizes))
# unsafe_split: split's pieces without view tracking (they still share the input's memory),
# so in-place changes of them are allowed and recorded as on any tensor.  Their tangents are
# copies: an in-place change of a piece must not write into the input's tangent.
def _unsafe_split(name: str) -> Op:
    def tangents(self_t, dim, sizes):
        return tuple(piece.clone() for piece in row(self_t, dim, sizes))
    row = Op(name, lambda self, dim, sizes: _cut(self, dim, sizes), outputs="several",
             self=lambda grads, dim: _split_backward(grads, dim), jvp=tangents)
    return row


unsafe_split = _unsafe_split("UnsafeSplitBackward0")
unsafe_split_with_sizes = _unsafe_split("UnsafeSplitWithSizesBackward0")
unbind = Op("UnbindBackward0",
            lambda self, dim: _cut(self, dim, [1] * self.shape[dim], keep_dim=False),
            view=True, outputs="several",
            self=lambda grads, dim: _unbind_backward(grads, dim),
            jvp=lambda self_t, dim: unbind(self_t, dim))


def movedim_to_end(x, dims):
    """``x`` with ``dims`` moved last, and a function that undoes the move."""
    rest = [d for d in range(x.ndim) if d not in dims]
    order = tuple(rest) + tuple(dims)
    inverse = tuple(int(i) for i in xp.argsort(order))
    return x.permute(order), (lambda u: u.permute(inverse))
