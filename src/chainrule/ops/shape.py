"""Shape operations: reshape, expand, transpose, permute, cat, stack, flip, ...

Their gradients move numbers around without changing them: the rule applies
the inverse rearrangement to ``grad``.  Reshapes and transposes of NumPy
arrays are views, so the results share memory (and a version counter) with
their input, as PyTorch's views do.
"""
from __future__ import annotations

from .._argcheck import element_error
from .._backend import xp
from .._dtypes import from_numpy
from ..autograd import grad_mode
from ..autograd.function import Op
from ..autograd.graph import Node, VersionCounter, gradient_edge

# --- the rule table ------------------------------------------------------------
# Every op here is linear, so its forward-mode rule (jvp) is the op itself applied to the
# tangent; a view's tangent is then a view of its input's tangent, as in PyTorch, so an
# in-place change through the view reaches the base's tangent too.
# View ops take the input's shape (``old``) as an argument rather than saving the input:
# backward needs only the shape, and an in-place change of the input must not trip the
# saved-tensor version check (PyTorch saves sizes here too).
reshape_op = Op("ViewBackward0", lambda self, shape, old: xp.reshape(self, shape), view=True,
                self=lambda grad, old: grad.reshape(old),
                jvp=lambda self_t, shape, old: reshape_op(self_t, shape, old))
# A reshape that cannot be a view of a non-contiguous input copies (clone + unsafe view).
reshape_copy = Op("UnsafeViewBackward0",
                  lambda self, shape, old: xp.reshape(self, shape).copy(),
                  self=lambda grad, old: grad.reshape(old),
                  jvp=lambda self_t, shape, old: reshape_copy(self_t, shape, old))
unsqueeze_op = Op("UnsqueezeBackward0", lambda self, dim: xp.expand_dims(self, dim), view=True,
                  self=lambda grad, dim: grad.squeeze(dim),
                  jvp=lambda self_t, dim: unsqueeze_op(self_t, dim))
# PyTorch numbers squeeze's nodes by overload: all dims (0), one dim (1), a tuple (2).
squeeze_op = Op("SqueezeBackward0", lambda self, dims, old: _squeeze(self, dims), view=True,
                self=lambda grad, old: grad.reshape(old),
                jvp=lambda self_t, dims, old: squeeze_op(self_t, dims, old))
squeeze_dim_op = Op("SqueezeBackward1", lambda self, dims, old: _squeeze(self, dims),
                    view=True, self=lambda grad, old: grad.reshape(old),
                    jvp=lambda self_t, dims, old: squeeze_dim_op(self_t, dims, old))
squeeze_dims_op = Op("SqueezeBackward2", lambda self, dims, old: _squeeze(self, dims),
                     view=True, self=lambda grad, old: grad.reshape(old),
                     jvp=lambda self_t, dims, old: squeeze_dims_op(self_t, dims, old))
expand_op = Op("ExpandBackward0", lambda self, shape: xp.broadcast_to(self, shape), view=True,
               self=lambda grad: grad,  # the engine sums the gradient back to self's shape
               jvp=lambda self_t, shape: expand_op(self_t, shape))
transpose_op = Op("TransposeBackward0", lambda self, dim0, dim1: xp.swapaxes(self, dim0, dim1),
                  view=True,
                  self=lambda grad, dim0, dim1: transpose_op(grad, dim0, dim1),
                  jvp=lambda self_t, dim0, dim1: transpose_op(self_t, dim0, dim1))
# .T and .transpose are the C methods behind np.transpose (a Python function, ~1 µs more).
t_op = Op("TBackward0", lambda self: self.T, view=True,
          self=lambda grad: t_op(grad),
          jvp=lambda self_t: t_op(self_t))
permute_op = Op("PermuteBackward0", lambda self, dims: self.transpose(dims), view=True,
                self=lambda grad, dims: permute_op(grad, _inverse_permutation(dims)),
                jvp=lambda self_t, dims: permute_op(self_t, dims))


def _inverse_permutation(dims) -> tuple:
    # In Python: np.argsort on a short tuple costs ~3 µs of conversions.
    inverse = [0] * len(dims)
    for i, d in enumerate(dims):
        inverse[d] = i
    return tuple(inverse)


flip_op = Op("FlipBackward0", lambda self, dims: xp.flip(self, dims).copy(),  # not a view
             self=lambda grad, dims: grad.flip(dims),
             jvp=lambda self_t, dims: flip_op(self_t, dims))
roll_op = Op("RollBackward0", lambda self, shifts, dims: xp.roll(self, shifts, dims),
             self=lambda grad, shifts, dims: grad.roll(_negate(shifts), dims),
             jvp=lambda self_t, shifts, dims: roll_op(self_t, shifts, dims))
repeat_op = Op("RepeatBackward0", lambda self, repeats, old: _repeat(self, repeats),
               self=lambda grad, repeats, old: _repeat_backward(grad, old, repeats),
               jvp=lambda self_t, repeats, old: repeat_op(self_t, repeats, old))
narrow_op = Op("SliceBackward0", lambda self, dim, start, length, old:
               self[(slice(None),) * dim + (slice(start, start + length),)], view=True,
               self=lambda grad, dim, start, old: _pad_dim(grad, old, dim, start),
               jvp=lambda self_t, dim, start, length, old:
                   narrow_op(self_t, dim, start, length, old))
tril_op = Op("TrilBackward0", lambda self, diagonal: xp.tril(self, diagonal),
             self=lambda grad, diagonal: grad.tril(diagonal),
             jvp=lambda self_t, diagonal: tril_op(self_t, diagonal))
triu_op = Op("TriuBackward0", lambda self, diagonal: xp.triu(self, diagonal),
             self=lambda grad, diagonal: grad.triu(diagonal),
             jvp=lambda self_t, diagonal: triu_op(self_t, diagonal))
clone_op = Op("CloneBackward0", lambda self: self.copy(),
              self=lambda grad: grad,
              jvp=lambda self_t: clone_op(self_t))
to_copy = Op("ToCopyBackward0", lambda self, np_dtype: self.astype(np_dtype),
             self=lambda grad: grad,  # the engine casts the gradient back to self's dtype
             jvp=lambda self_t, np_dtype: to_copy(self_t, np_dtype))
alias_op = Op("AliasBackward0", lambda self: self.view(), view=True,
              self=lambda grad: grad,
              jvp=lambda self_t: alias_op(self_t))


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


# --- multi-input ops: written with their own small node -------------------------

def cat(tensors, dim: int = 0):
    """Join tensors along an existing dimension (``torch.cat``).

    >>> import chainrule as torch
    >>> torch.cat([torch.zeros(1), torch.ones(2)])
    tensor([0., 1., 1.])
    """
    from .._dtypes import result_type
    from ..tensor import Tensor
    tensors = list(tensors)
    if not tensors:
        raise RuntimeError("torch.cat(): expected a non-empty list of Tensors")
    for i, t in enumerate(tensors):
        if not isinstance(t, Tensor):
            raise element_error(i, t)
    # PyTorch skips legacy empty 1-d tensors of shape (0,) when joining.
    parts = [t for t in tensors if not (t.ndim == 1 and t.shape[0] == 0)] or tensors[:1]
    ndim = parts[0].ndim
    if ndim == 0:
        raise RuntimeError("zero-dimensional tensor (at position 0) cannot be concatenated")
    dim = _wrap_dim(dim, ndim)
    for i, t in enumerate(parts):
        if t.ndim != ndim:
            raise RuntimeError(
                f"Tensors must have same number of dimensions: got {ndim} and {t.ndim}")
        for d in range(ndim):
            if d != dim and t.shape[d] != parts[0].shape[d]:
                raise RuntimeError(
                    f"Sizes of tensors must match except in dimension {dim}. Expected size "
                    f"{parts[0].shape[d]} but got size {t.shape[d]} for tensor number {i} in "
                    "the list.")
    dtype = result_type(parts)
    return _cat_op(dim, dtype.np, *parts)


def _cat_forward(dim, np_dtype, *arrays):
    return xp.concatenate([a.astype(np_dtype, copy=False) for a in arrays], axis=dim)


class _Cat:
    """``cat`` takes any number of tensors, so its node is built by hand, like an Op's."""

    def __call__(self, dim, np_dtype, *tensors):
        from ..autograd.graph import gradient_edge
        from ..tensor import Tensor
        out = Tensor._make(_cat_forward(dim, np_dtype, *[t._data for t in tensors]))
        if grad_mode.state.enabled and any(t._requires_grad for t in tensors):
            node = CatBackward0()
            node.next_functions = tuple(gradient_edge(t) for t in tensors)
            node.input_meta = [(t._data.shape, t._data.dtype) for t in tensors]
            node.sizes = [t.shape[dim] if t.ndim else 0 for t in tensors]
            node.dim = dim
            out._requires_grad = True
            out.grad_fn = node
        if grad_mode.flags.forward_ad and any(t._fw_grad is not None for t in tensors):
            # Forward mode (not an Op, so done here): the tangent is the cat of the tangents.
            from ..autograd.forward_ad import _paused, _set_tangent, _tangent_or_zeros
            with _paused():
                tangent = self(dim, np_dtype, *[_tangent_or_zeros(t) for t in tensors])
            _set_tangent(out, tangent)
        return out


def _cat_node_class():
    from ..autograd.graph import Node

    class CatBackward0(Node):
        __slots__ = ("sizes", "dim")

        def apply(self, grads):
            grad = grads[0]
            out, start = [], 0
            for (child, _), n in zip(self.next_functions, self.sizes):
                out.append(grad.narrow(self.dim, start, n) if child is not None else None)
                start += n
            return out

    return CatBackward0


CatBackward0 = _cat_node_class()


class StackBackward0(Node):
    __slots__ = ("dim",)

    def apply(self, grads):
        grad = grads[0]
        return [grad.select(self.dim, i) if child is not None else None
                for i, (child, _) in enumerate(self.next_functions)]


class _PiecesBackward(Node):
    """The node of split/chunk/unbind: one input, one output per piece.

    Pieces that received no gradient count as zeros; the gradients of all
    pieces are joined back (cat, or stack for unbind) into the input's shape.
    """

    __slots__ = ("num_outputs", "dim", "sizes")

    def apply(self, grads):
        if self.next_functions[0][0] is None:
            return [None]
        shape, np_dtype = self.input_meta[0]
        dtype = from_numpy(np_dtype)
        parts = []
        for g, n in zip(grads, self.sizes):
            if g is None:
                piece = list(shape)
                if self.squeezed:
                    del piece[self.dim]
                else:
                    piece[self.dim] = n
                g = _zeros(tuple(piece), dtype)
            parts.append(g)
        if self.squeezed:
            return [stack(parts, self.dim)]
        return [cat(parts, self.dim)]


class SplitBackward0(_PiecesBackward):
    __slots__ = ()
    squeezed = False


class SplitWithSizesBackward0(_PiecesBackward):
    __slots__ = ()
    squeezed = False


class UnbindBackward0(_PiecesBackward):
    __slots__ = ()
    squeezed = True


def _zeros(shape, dtype):
    from ..tensor import Tensor
    return Tensor._make(xp.zeros(shape, dtype=dtype.np))


def _pieces(input, dim, sizes, node_class):
    """Views of ``input`` cut along ``dim`` (dropping ``dim`` for unbind), with one shared node."""
    from ..tensor import Tensor
    data = input._data
    if input._version_counter is None:
        input._version_counter = VersionCounter()
    base = input if input._base is None else input._base
    squeezed = node_class.squeezed
    node = None
    if grad_mode.state.enabled and input._requires_grad:
        node = node_class()
        node.next_functions = (gradient_edge(input),)
        node.input_meta = [(data.shape, data.dtype)]
        node.num_outputs = len(sizes)
        node.dim = dim
        node.sizes = sizes
    out, start = [], 0
    lead = (slice(None),) * dim
    for nr, n in enumerate(sizes):
        key = lead + ((start,) if squeezed else (slice(start, start + n),))
        piece = Tensor._make(data[key])
        piece._version_counter = input._version_counter
        piece._base = base
        if node is not None:
            piece._requires_grad = True
            piece.grad_fn = node
            piece._output_nr = nr
        out.append(piece)
        start += n
    if grad_mode.flags.forward_ad and input._fw_grad is not None:
        # Forward mode: each piece's tangent is the same piece of the input's tangent.
        from ..autograd.forward_ad import _paused, _set_tangent
        with _paused():
            tangents = _pieces(input._fw_grad, dim, sizes, node_class)
        for piece, tangent in zip(out, tangents):
            _set_tangent(piece, tangent)
    return tuple(out)


_cat_op = _Cat()


def stack(tensors, dim: int = 0):
    """Join tensors along a new dimension (``torch.stack``).

    >>> import chainrule as torch
    >>> torch.stack([torch.zeros(2), torch.ones(2)]).shape
    torch.Size([2, 2])
    """
    from ..tensor import Tensor
    tensors = list(tensors)
    if not tensors:
        raise RuntimeError("stack expects a non-empty TensorList")
    for i, t in enumerate(tensors):
        if not isinstance(t, Tensor):
            raise element_error(i, t)
    shape = tensors[0].shape
    for i, t in enumerate(tensors):
        if t.shape != shape:
            raise RuntimeError(
                f"stack expects each tensor to be equal size, but got {list(shape)} at entry 0 "
                f"and {list(t.shape)} at entry {i}")
    dim = _wrap_dim(dim, len(shape) + 1)
    joined = cat([t.unsqueeze(dim) for t in tensors], dim)
    if joined.grad_fn is not None:
        # One node, as PyTorch records it (its gradient is the slices, unsqueezed away).
        node = StackBackward0()
        node.next_functions = tuple(gradient_edge(t) for t in tensors)
        node.input_meta = [(t._data.shape, t._data.dtype) for t in tensors]
        node.dim = dim
        joined.grad_fn = node
    return joined


def _wrap_dim(dim: int, ndim: int) -> int:
    rank = max(ndim, 1)
    if not -rank <= dim < rank:
        raise IndexError(
            f"Dimension out of range (expected to be in range of [{-rank}, {rank - 1}], "
            f"but got {dim})")
    return dim % rank


def movedim_to_end(t, dims):
    """``t`` with ``dims`` moved last, and a function that undoes the move."""
    rest = [d for d in range(t.ndim) if d not in dims]
    order = tuple(rest) + tuple(dims)
    inverse = tuple(int(i) for i in xp.argsort(order))
    return t.permute(order), (lambda u: u.permute(inverse))


def zeros_like_tensor(t):
    return t.new_zeros(t.shape)


# --- public functions ------------------------------------------------------------

def _shape_arg(shape) -> tuple:
    if len(shape) == 1 and isinstance(shape[0], (tuple, list)):
        shape = tuple(shape[0])
    return tuple(int(s) for s in shape)


def _infer_shape(shape, numel, old):
    if shape.count(-1) > 1:
        raise RuntimeError("only one dimension can be inferred")
    known = 1
    for s in shape:
        if s != -1:
            known *= s
    if -1 in shape:
        if known == 0 or numel % known:
            raise RuntimeError(f"shape '{list(shape)}' is invalid for input of size {numel}")
        shape = tuple(numel // known if s == -1 else s for s in shape)
    elif known != numel:
        raise RuntimeError(f"shape '{list(shape)}' is invalid for input of size {numel}")
    return shape


def reshape(input, *shape):
    """The same elements in a new shape (one dimension may be -1).

    >>> import chainrule as torch
    >>> torch.arange(6).reshape(2, 3)
    tensor([[0, 1, 2],
            [3, 4, 5]])
    """
    shape = _infer_shape(_shape_arg(shape), input.numel(), input.shape)
    if _viewable(input._data, shape):
        return reshape_op(input, shape, input._data.shape)
    return reshape_copy(input, shape, input._data.shape)


def _viewable(data, shape) -> bool:
    """Whether ``data`` can take ``shape`` without a copy (PyTorch's view() condition)."""
    if data.flags.c_contiguous or data.size <= 1:
        return True
    try:
        data.view().shape = shape  # NumPy refuses, rather than copies, when strides cannot fit
    except AttributeError:
        return False
    return True


def view(input, *shape):
    """Like ``reshape``, on tensors whose memory allows it without a copy.

    >>> import chainrule as torch
    >>> torch.arange(4.).view(2, -1).shape
    torch.Size([2, 2])
    """
    shape = _infer_shape(_shape_arg(shape), input.numel(), input.shape)
    if not _viewable(input._data, shape):
        raise RuntimeError(
            "view size is not compatible with input tensor's size and stride (at least one "
            "dimension spans across two contiguous subspaces). Use .reshape(...) instead.")
    return reshape_op(input, shape, input._data.shape)


def flatten(input, start_dim: int = 0, end_dim: int = -1):
    """Merge dimensions ``start_dim`` .. ``end_dim`` into one.

    >>> import chainrule as torch
    >>> torch.zeros(2, 3, 4).flatten(1).shape
    torch.Size([2, 12])
    """
    if input.ndim == 0:
        return input.reshape(1)
    s = _wrap_dim(start_dim, input.ndim)
    e = _wrap_dim(end_dim, input.ndim)
    if s > e:
        raise RuntimeError("flatten() has invalid args: start_dim cannot come after end_dim")
    if s == e:
        return input  # PyTorch returns the input itself when there is nothing to merge
    shape = input.shape
    n = 1
    for d in shape[s:e + 1]:
        n *= d
    return reshape(input, shape[:s] + (n,) + shape[e + 1:])


def unflatten(input, dim: int, sizes):
    """Split dimension ``dim`` into several of the given ``sizes`` (the inverse of flatten).

    >>> import chainrule as torch
    >>> torch.unflatten(torch.zeros(2, 6), 1, (2, 3)).shape
    torch.Size([2, 2, 3])
    """
    dim = _wrap_dim(dim, input.ndim)
    sizes = _infer_shape(tuple(sizes), input.shape[dim], None)
    return reshape(input, input.shape[:dim] + tuple(sizes) + input.shape[dim + 1:])


def squeeze(input, dim=None):
    """Remove dimensions of size 1 (all of them, or those in ``dim``).

    >>> import chainrule as torch
    >>> torch.zeros(1, 2, 1).squeeze().shape
    torch.Size([2])
    """
    if dim is None:
        return squeeze_op(input, None, input._data.shape)
    op = squeeze_dim_op if isinstance(dim, int) else squeeze_dims_op
    dims = (dim,) if isinstance(dim, int) else tuple(dim)
    dims = tuple(_wrap_dim(d, input.ndim) for d in dims) if input.ndim else ()
    return op(input, dims, input._data.shape)


def unsqueeze(input, dim: int):
    """Insert a dimension of size 1 at ``dim``.

    >>> import chainrule as torch
    >>> torch.zeros(2).unsqueeze(0).shape
    torch.Size([1, 2])
    """
    return unsqueeze_op(input, _wrap_dim(dim, input.ndim + 1))


def transpose(input, dim0: int, dim1: int):
    """Swap two dimensions.

    >>> import chainrule as torch
    >>> torch.zeros(2, 3).transpose(0, 1).shape
    torch.Size([3, 2])
    """
    if input.ndim == 0:
        return alias_op(input)
    return transpose_op(input, _wrap_dim(dim0, input.ndim), _wrap_dim(dim1, input.ndim))


swapaxes = swapdims = transpose


def t(input):
    """Transpose a matrix (a 0-d or 1-d tensor is returned as is).

    >>> import chainrule as torch
    >>> torch.zeros(2, 3).t().shape
    torch.Size([3, 2])
    """
    if input.ndim > 2:
        raise RuntimeError(f"t() expects a tensor with <= 2 dimensions, but self is {input.ndim}D")
    return t_op(input)


def permute(input, *dims):
    """Reorder the dimensions.

    >>> import chainrule as torch
    >>> torch.zeros(2, 3, 4).permute(2, 0, 1).shape
    torch.Size([4, 2, 3])
    """
    dims = _shape_arg(dims)
    if len(dims) != input.ndim:
        raise RuntimeError(
            f"permute(sparse_coo): number of dimensions in the tensor input does not match the "
            f"length of the desired ordering of dimensions i.e. input.dim() = {input.ndim} is not "
            f"equal to len(dims) = {len(dims)}")
    return permute_op(input, tuple(_wrap_dim(d, input.ndim) for d in dims))


def movedim(input, source, destination):
    """Move dimension(s) ``source`` to position(s) ``destination`` (``moveaxis`` is the same).

    >>> import chainrule as torch
    >>> torch.movedim(torch.zeros(2, 3, 4), 0, -1).shape
    torch.Size([3, 4, 2])
    """
    src = (source,) if isinstance(source, int) else tuple(source)
    dst = (destination,) if isinstance(destination, int) else tuple(destination)
    src = tuple(_wrap_dim(d, input.ndim) for d in src)
    dst = tuple(_wrap_dim(d, input.ndim) for d in dst)
    if len(src) != len(dst):
        raise RuntimeError(
            f"movedim: Invalid source or destination dims: source ({list(src)} dims) should "
            f"contain the same number of dims as destination ({list(dst)} dims)")
    rest = iter(d for d in range(input.ndim) if d not in src)
    placed = dict(zip(dst, src))
    order = tuple(placed[i] if i in placed else next(rest) for i in range(input.ndim))
    return permute_op(input, order)


def expand(input, *sizes):
    """Broadcast to a larger shape without copying (-1 keeps a dimension).

    >>> import chainrule as torch
    >>> torch.tensor([[1.], [2.]]).expand(2, 3)
    tensor([[1., 1., 1.],
            [2., 2., 2.]])
    """
    sizes = _shape_arg(sizes)
    lead = len(sizes) - input.ndim
    if lead < 0:
        raise RuntimeError(
            f"expand(torch.FloatTensor{{{list(input.shape)}}}, size={list(sizes)}): the number of "
            f"sizes provided ({len(sizes)}) must be greater or equal to the number of dimensions "
            f"in the tensor ({input.ndim})")
    shape = []
    for i, s in enumerate(sizes):
        old = input.shape[i - lead] if i >= lead else 1
        if s == -1:
            s = old
        elif old != 1 and old != s:
            raise RuntimeError(
                f"The expanded size of the tensor ({s}) must match the existing size ({old}) at "
                f"non-singleton dimension {i}.  Target sizes: {list(sizes)}.  Tensor sizes: "
                f"{list(input.shape)}")
        shape.append(s)
    return expand_op(input, tuple(shape))


def expand_as(input, other):
    """Expand to ``other``'s shape.

    >>> import chainrule as torch
    >>> torch.tensor([1, 2]).expand_as(torch.zeros(2, 2)).shape
    torch.Size([2, 2])
    """
    return expand(input, other.shape)


def broadcast_to(input, shape):
    """Broadcast to ``shape`` without copying (as ``expand``).

    >>> import chainrule as torch
    >>> torch.broadcast_to(torch.tensor([1, 2]), (2, 2))
    tensor([[1, 2],
            [1, 2]])
    """
    return expand(input, tuple(shape))


def flip(input, dims):
    """Reverse the order of elements along ``dims``.

    >>> import chainrule as torch
    >>> torch.flip(torch.tensor([[1, 2], [3, 4]]), [1])
    tensor([[2, 1],
            [4, 3]])
    """
    dims = (dims,) if isinstance(dims, int) else tuple(dims)
    return flip_op(input, tuple(_wrap_dim(d, input.ndim) for d in dims))


def roll(input, shifts, dims=None):
    """Shift elements cyclically along ``dims`` (of the flattened tensor if None).

    >>> import chainrule as torch
    >>> torch.roll(torch.tensor([1, 2, 3, 4]), 1)
    tensor([4, 1, 2, 3])
    """
    if isinstance(shifts, (list, tuple)):
        shifts = tuple(shifts)
    if isinstance(dims, (list, tuple)):
        dims = tuple(_wrap_dim(d, input.ndim) for d in dims)
    elif dims is not None:
        dims = _wrap_dim(dims, input.ndim)
    return roll_op(input, shifts, dims)  # dims=None rolls the flattened tensor, as NumPy does


def repeat(input, *repeats):
    """Tile the tensor ``repeats`` times along each dimension.

    >>> import chainrule as torch
    >>> torch.tensor([1, 2]).repeat(2)
    tensor([1, 2, 1, 2])
    """
    repeats = _shape_arg(repeats)
    if len(repeats) < input.ndim:
        raise RuntimeError("Number of dimensions of repeat dims can not be smaller than number "
                           "of dimensions of tensor")
    return repeat_op(input, repeats, input._data.shape)


def narrow(input, dim: int, start: int, length: int):
    """The slice ``start : start + length`` along ``dim`` (a view).

    >>> import chainrule as torch
    >>> torch.narrow(torch.arange(6), 0, 1, 3)
    tensor([1, 2, 3])
    """
    dim = _wrap_dim(dim, input.ndim)
    if start < 0:
        start += input.shape[dim]
    if start + length > input.shape[dim] or start < 0 or length < 0:
        raise RuntimeError(
            f"start ({start}) + length ({length}) exceeds dimension size ({input.shape[dim]}).")
    return narrow_op(input, dim, start, length, input._data.shape)


def split(tensor, split_size_or_sections, dim: int = 0):
    """Cut into pieces of ``split_size`` (or of the given list of sizes) along ``dim``.

    >>> import chainrule as torch
    >>> [p.tolist() for p in torch.arange(5).split(2)]
    [[0, 1], [2, 3], [4]]
    """
    dim = _wrap_dim(dim, tensor.ndim)
    n = tensor.shape[dim]
    if isinstance(split_size_or_sections, int):
        step = split_size_or_sections
        if step < 0 or (step == 0 and n):
            raise RuntimeError(
                f"split_size can only be 0 if dimension size is 0, but got dimension size of {n}"
                if step == 0 else f"split expects split_size be non-negative, but got "
                f"split_size={step}")
        if step == 0:
            return _pieces(tensor, dim, [0], SplitBackward0)
        sizes = [min(step, n - s) for s in range(0, n, step)] if n else [0]
    else:
        sizes = list(split_size_or_sections)
        if sum(sizes) != n:
            raise RuntimeError(
                f"split_with_sizes expects split_sizes to sum exactly to {n} (input tensor's size "
                f"at dimension {dim}), but got split_sizes={sizes}")
    node_class = SplitBackward0 if isinstance(split_size_or_sections, int) \
        else SplitWithSizesBackward0
    return _pieces(tensor, dim, sizes, node_class)


def chunk(input, chunks: int, dim: int = 0):
    """Cut into ``chunks`` nearly equal pieces along ``dim``.

    >>> import chainrule as torch
    >>> torch.chunk(torch.arange(5), 2)
    (tensor([0, 1, 2]), tensor([3, 4]))
    """
    if chunks <= 0:
        raise RuntimeError(f"chunk expects `chunks` to be greater than 0, got: {chunks}")
    n = input.shape[_wrap_dim(dim, input.ndim)]
    size = -(-n // chunks) if n else 1
    return split(input, max(size, 1), dim)


def unbind(input, dim: int = 0):
    """All slices along ``dim``, as a tuple.

    >>> import chainrule as torch
    >>> torch.unbind(torch.tensor([[1, 2], [3, 4]]))
    (tensor([1, 2]), tensor([3, 4]))
    """
    if input.ndim == 0:
        raise RuntimeError("Dimension specified as 0 but tensor has no dimensions")
    dim = _wrap_dim(dim, input.ndim)
    return _pieces(input, dim, [1] * input.shape[dim], UnbindBackward0)


def tril(input, diagonal: int = 0):
    """The lower triangle (elements above ``diagonal`` set to zero).

    >>> import chainrule as torch
    >>> torch.tril(torch.ones(3, 3))
    tensor([[1., 0., 0.],
            [1., 1., 0.],
            [1., 1., 1.]])
    """
    return tril_op(input, diagonal)


def triu(input, diagonal: int = 0):
    """The upper triangle (elements below ``diagonal`` set to zero).

    >>> import chainrule as torch
    >>> torch.triu(torch.ones(3, 3), diagonal=1)
    tensor([[0., 1., 1.],
            [0., 0., 1.],
            [0., 0., 0.]])
    """
    return triu_op(input, diagonal)


def hstack(tensors):
    """Concatenate horizontally: along dim 1, or dim 0 for 1-d tensors.

    >>> import chainrule as torch
    >>> torch.hstack([torch.tensor([1, 2]), torch.tensor([3])])
    tensor([1, 2, 3])
    """
    tensors = list(tensors)
    return cat(tensors, 0 if tensors[0].ndim == 1 else 1)


def vstack(tensors):
    """Stack vertically: concatenate along dim 0, 1-d tensors becoming rows.

    >>> import chainrule as torch
    >>> torch.vstack([torch.tensor([1, 2]), torch.tensor([3, 4])])
    tensor([[1, 2],
            [3, 4]])
    """
    return cat([t.reshape(1, -1) if t.ndim < 2 else t for t in tensors], 0)


def select(input, dim: int, index: int):
    """The slice at ``index`` along ``dim``, with that dimension removed (a view).

    >>> import chainrule as torch
    >>> torch.arange(6).reshape(2, 3).select(1, 0)
    tensor([0, 3])
    """
    from .indexing import getitem
    if input.ndim == 0:
        raise IndexError("select() cannot be applied to a 0-dim tensor.")
    dim = _wrap_dim(dim, input.ndim)
    size = input.shape[dim]
    if not -size <= index < size:
        raise IndexError(f"select(): index {index} out of range for tensor of size "
                         f"{list(input.shape)} at dimension {dim}")
    return getitem(input, (slice(None),) * dim + (index,))
