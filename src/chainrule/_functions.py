"""The ``torch.*`` functions: each one the functional form of a tensor operation.

The same callables back the Tensor methods (``x.exp()`` is ``torch.exp(x)``),
so an operation's spelling, dtype rules and errors live in one place.
"""
from __future__ import annotations

import builtins
import functools
import math

from ._backend import xp
from .ops import indexing as I
from .ops import linalg as L
from .ops import pointwise as P
from .ops import reduction as R
from .ops import selection as SEL
from .ops import shape as S
from .ops import special as SP
from .ops.pointwise import where
from .tensor import (
    Tensor,
    _inplace,
    add,
    as_tensor_like,
    clamp,
    div,
    floor_divide,
    fmod,
    maximum,
    minimum,
    mul,
    pow,
    remainder,
    sub,
)


def _unary(op, name):
    def fn(input, *, out=None):
        return op(input)
    fn.__name__ = fn.__qualname__ = name
    fn.__doc__ = f"Elementwise ``{name}``; integer inputs give the default float dtype.\n\n" \
        f"    >>> import chainrule as torch\n    >>> torch.{name}(torch.zeros(1)).shape\n" \
        f"    torch.Size([1])\n"
    return fn


exp = _unary(P.exp, "exp")
exp2 = _unary(P.exp2, "exp2")
expm1 = _unary(P.expm1, "expm1")
log = _unary(P.log, "log")
log2 = _unary(P.log2, "log2")
log10 = _unary(P.log10, "log10")
log1p = _unary(P.log1p, "log1p")
sqrt = _unary(P.sqrt, "sqrt")
rsqrt = _unary(P.rsqrt, "rsqrt")
sin = _unary(P.sin, "sin")
cos = _unary(P.cos, "cos")
tan = _unary(P.tan, "tan")
asin = arcsin = _unary(P.asin, "asin")
acos = arccos = _unary(P.acos, "acos")
atan = arctan = _unary(P.atan, "atan")
sinh = _unary(P.sinh, "sinh")
cosh = _unary(P.cosh, "cosh")
tanh = _unary(P.tanh, "tanh")
sigmoid = _unary(P.sigmoid, "sigmoid")
erf = _unary(P.erf, "erf")
reciprocal = _unary(P.reciprocal, "reciprocal")


def _keep_dtype(op, name):
    def fn(input, *, out=None):
        return op(input)
    fn.__name__ = fn.__qualname__ = name
    fn.__doc__ = f"Elementwise ``{name}``, keeping the input's dtype.\n\n" \
        f"    >>> import chainrule as torch\n    >>> torch.{name}(torch.zeros(1)).shape\n" \
        f"    torch.Size([1])\n"
    return fn


neg = negative = _keep_dtype(P.neg, "neg")
abs = absolute = _keep_dtype(P.abs, "abs")  # noqa: A001
sign = _keep_dtype(P.sign, "sign")
floor = _keep_dtype(P.floor, "floor")
ceil = _keep_dtype(P.ceil, "ceil")
trunc = fix = _keep_dtype(P.trunc, "trunc")


def frac(input, *, out=None):
    """The fractional part ``input - trunc(input)``, keeping the sign; floating tensors only.

    >>> import chainrule as torch
    >>> torch.frac(torch.tensor([1.5, -2.25]))
    tensor([ 0.5000, -0.2500])
    """
    P.check_frac(input)
    return P.frac(input)


def relu(input):
    """``max(input, 0)``; the gradient at 0 is 0, as in PyTorch.

    >>> import chainrule as torch
    >>> torch.relu(torch.tensor([-1., 0., 2.]))
    tensor([0., 0., 2.])
    """
    return P.relu(input)


def round(input, *, decimals: int = 0):  # noqa: A001
    """Round half to even, as PyTorch does (``decimals`` digits after the point).

    >>> import chainrule as torch
    >>> torch.round(torch.tensor([0.5, 1.5, 2.7]))
    tensor([0., 2., 3.])
    """
    if decimals:
        P.check_round_decimals(input)
        return P.round_decimals(input, decimals)
    return P.round_op(input)


def square(input):
    """``input * input``.

    >>> import chainrule as torch
    >>> torch.square(torch.tensor([3.]))
    tensor([9.])
    """
    return pow(input, 2)


def atan2(input, other):
    """Angle of the point ``(other, input)``, elementwise (``arctan2`` is the same function).

    >>> import chainrule as torch
    >>> torch.atan2(torch.tensor([1., -1.]), torch.tensor([1., 1.]))
    tensor([ 0.7854, -0.7854])
    """
    return P.atan2(input, other)


arctan2 = atan2
clip = clamp
true_divide = divide = div
multiply = mul
subtract = sub


def lerp(input, end, weight):
    """``input + weight * (end - input)``, with a number or a tensor ``weight``.

    >>> import chainrule as torch
    >>> torch.lerp(torch.tensor([0., 10.]), torch.tensor([10., 20.]), 0.5)
    tensor([ 5., 15.])
    """
    return P.lerp(input, end, weight)


def _compare(name):
    method = {"eq": "__eq__", "ne": "__ne__", "lt": "__lt__", "le": "__le__", "gt": "__gt__",
              "ge": "__ge__"}[name]

    def fn(input, other):
        return getattr(input, method)(other)
    fn.__name__ = fn.__qualname__ = name
    fn.__doc__ = f"Elementwise ``{name}`` comparison, a bool tensor (no gradient).\n\n" \
        f"    >>> import chainrule as torch\n    >>> torch.{name}(torch.ones(1), 1).dtype\n" \
        f"    torch.bool\n"
    return fn


eq, ne, lt, le, gt, ge = (_compare(n) for n in ("eq", "ne", "lt", "le", "gt", "ge"))
greater, greater_equal, less, less_equal, not_equal = gt, ge, lt, le, ne


def result_type(tensor1, tensor2):
    """The dtype an arithmetic operation on ``tensor1`` and ``tensor2`` (tensors or numbers)
    gives, by PyTorch's promotion rules.

    >>> import chainrule as torch
    >>> torch.result_type(torch.tensor([1, 2]), 2.5)
    torch.float32
    """
    from . import _dtypes
    from .tensor import _scalar
    operands = [x if isinstance(x, Tensor) else _scalar(x) for x in (tensor1, tensor2)]
    return _dtypes.result_type([x for x in operands if isinstance(x, Tensor)],
                               [x for x in operands if not isinstance(x, Tensor)])


def equal(input, other) -> bool:
    """True if both tensors have the same shape and elements.

    >>> import chainrule as torch
    >>> torch.equal(torch.tensor([1, 2]), torch.tensor([1, 2]))
    True
    >>> torch.equal(torch.tensor([1, 2]), torch.tensor([1, 3]))
    False
    """
    return input.shape == other.shape and bool((input._data == other._data).all())


def allclose(input, other, rtol=1e-05, atol=1e-08, equal_nan=False) -> bool:
    """True if every element satisfies ``|input - other| <= atol + rtol * |other|``.

    >>> import chainrule as torch
    >>> torch.allclose(torch.tensor([1., 2.]), torch.tensor([1., 2.000001]))
    True
    """
    return bool(xp.allclose(input._data, other._data, rtol=rtol, atol=atol, equal_nan=equal_nan))


def isclose(input, other, rtol=1e-05, atol=1e-08, equal_nan=False) -> Tensor:
    """Elementwise ``|input - other| <= atol + rtol * |other|``, a bool tensor.

    >>> import chainrule as torch
    >>> torch.isclose(torch.tensor([1., 2.]), torch.tensor([1., 2.1]))
    tensor([ True, False])
    """
    other = as_tensor_like(other, input)
    return Tensor._make(xp.isclose(input._data, other._data, rtol=rtol, atol=atol,
                                   equal_nan=equal_nan))


def _predicate(fn, name):
    def pred(input):
        return Tensor._make(xp.asarray(fn(input._data)))
    pred.__name__ = pred.__qualname__ = name
    pred.__doc__ = f"Elementwise ``{name}``, a bool tensor.\n\n" \
        f"    >>> import chainrule as torch\n    >>> torch.{name}(torch.zeros(1)).dtype\n" \
        f"    torch.bool\n"
    return pred


isnan = _predicate(xp.isnan, "isnan")
isinf = _predicate(xp.isinf, "isinf")
isfinite = _predicate(xp.isfinite, "isfinite")
isposinf = _predicate(xp.isposinf, "isposinf")
isneginf = _predicate(xp.isneginf, "isneginf")
logical_not = _predicate(xp.logical_not, "logical_not")
signbit = _predicate(xp.signbit, "signbit")


def _logical(fn, name):
    def op(input, other):
        other = as_tensor_like(other, input)
        return Tensor._make(xp.asarray(fn(input._data, other._data)))
    op.__name__ = op.__qualname__ = name
    op.__doc__ = f"Elementwise ``{name}``, a bool tensor.\n\n" \
        f"    >>> import chainrule as torch\n" \
        f"    >>> torch.{name}(torch.tensor([True, False]), torch.tensor([True, True])).dtype\n" \
        f"    torch.bool\n"
    return op


logical_and = _logical(xp.logical_and, "logical_and")
logical_or = _logical(xp.logical_or, "logical_or")
logical_xor = _logical(xp.logical_xor, "logical_xor")


def nan_to_num(input, nan=0.0, posinf=None, neginf=None):
    """Replaces NaN by ``nan`` and infinities by ``posinf``/``neginf`` (default: the dtype's
    largest and smallest finite values).

    >>> import chainrule as torch
    >>> torch.nan_to_num(torch.tensor([float("nan"), float("inf"), -1.]), posinf=9.)
    tensor([ 0.,  9., -1.])
    """
    return Tensor._make(xp.nan_to_num(input._data, nan=nan, posinf=posinf, neginf=neginf))


# reductions, products and shapes: defined in chainrule.ops, re-exported here
sum = R.sum  # noqa: A001
mean = R.mean
prod = R.prod
amax = R.amax
amin = R.amin
max = R.max  # noqa: A001
min = R.min  # noqa: A001
argmax = R.argmax
argmin = R.argmin
var = R.var
std = R.std
norm = R.norm
logsumexp = R.logsumexp
cumsum = R.cumsum
cumprod = R.cumprod
all = R.all  # noqa: A001
any = R.any  # noqa: A001
dot = L.dot
mv = L.mv
mm = L.mm
bmm = L.bmm
matmul = L.matmul
outer = ger = L.outer
einsum = L.einsum
reshape = S.reshape
flatten = S.flatten
unflatten = S.unflatten
squeeze = S.squeeze
unsqueeze = S.unsqueeze
transpose = S.transpose
swapaxes = swapdims = S.transpose
t = S.t
permute = S.permute
movedim = moveaxis = S.movedim
broadcast_to = S.broadcast_to
flip = S.flip
roll = S.roll
narrow = S.narrow
split = S.split
chunk = S.chunk
unbind = S.unbind
tril = S.tril
triu = S.triu
cat = concat = concatenate = S.cat
stack = S.stack
hstack = S.hstack
vstack = S.vstack
select = S.select
gather = I.gather
scatter = I.scatter
scatter_add = I.scatter_add
index_select = I.index_select
masked_fill = I.masked_fill


def clone(input):
    """A copy that stays in the graph (its gradient flows back to ``input``).

    >>> import chainrule as torch
    >>> torch.clone(torch.tensor([1., 2.], requires_grad=True))
    tensor([1., 2.], grad_fn=<CloneBackward0>)
    """
    return input.clone()


def detach(input):
    """A tensor sharing ``input``'s data, cut from the graph (no gradient flows through it).

    >>> import chainrule as torch
    >>> torch.detach(torch.tensor([1., 2.], requires_grad=True))
    tensor([1., 2.])
    """
    return input.detach()


def numel(input) -> int:
    """The number of elements of ``input``.

    >>> import chainrule as torch
    >>> torch.numel(torch.zeros(2, 3))
    6
    """
    return input.numel()


def std_mean(input, dim=None, unbiased=None, keepdim=False, *, correction=None):
    """``(std(input, dim), mean(input, dim))`` in one call.

    >>> import chainrule as torch
    >>> torch.std_mean(torch.tensor([1., 2., 3., 4.]))
    (tensor(1.2910), tensor(2.5000))
    """
    return (std(input, dim, unbiased, keepdim, correction=correction),
            mean(input, dim, keepdim) if dim is not None else mean(input))


def var_mean(input, dim=None, unbiased=None, keepdim=False, *, correction=None):
    """``(var(input, dim), mean(input, dim))`` in one call.

    >>> import chainrule as torch
    >>> torch.var_mean(torch.tensor([[1., 2.], [3., 5.]]), dim=1)
    (tensor([0.5000, 2.0000]), tensor([1.5000, 4.0000]))
    """
    return (var(input, dim, unbiased, keepdim, correction=correction),
            mean(input, dim, keepdim) if dim is not None else mean(input))


def softmax(input, dim: int, dtype=None):
    """``exp(x) / exp(x).sum(dim)``, computed stably (``torch.nn.functional.softmax``).

    >>> import chainrule as torch
    >>> torch.softmax(torch.tensor([0., 0.]), dim=0)
    tensor([0.5000, 0.5000])
    """
    from .nn import functional  # nn sits above the core: imported on first use
    return functional.softmax(input, dim, dtype=dtype)  # which also raises for integers


def log_softmax(input, dim: int, dtype=None):
    """``log(softmax(x))`` without overflow (``torch.nn.functional.log_softmax``).

    >>> import chainrule as torch
    >>> torch.log_softmax(torch.tensor([0., 1000.]), dim=0)
    tensor([-1000.,     0.])
    """
    from .nn import functional
    return functional.log_softmax(input, dim, dtype=dtype)  # which also raises for integers


sort = SEL.sort
argsort = SEL.argsort
msort = SEL.msort
topk = SEL.topk
kthvalue = SEL.kthvalue
median = SEL.median
mode = SEL.mode
cummax = SEL.cummax
cummin = SEL.cummin
unique = SEL.unique
nonzero = SEL.nonzero
count_nonzero = SEL.count_nonzero
searchsorted = SEL.searchsorted
bucketize = SEL.bucketize
inverse = SEL.inverse
det = SEL.det


def repeat_interleave(input, repeats=None, dim: int | None = None, *, output_size=None):
    """Each element (or slice along ``dim``) repeated ``repeats`` times in a row; a tensor
    ``repeats`` gives a count per element. ``dim=None`` works on the flattened tensor.

    >>> import chainrule as torch
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
    dim = S._wrap_dim(dim, input.ndim)
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
    return I.index_select(input, dim, Tensor._make(index))


def meshgrid(*tensors, indexing: str = "ij"):
    """Coordinate grids from 1-D tensors: with ``indexing="ij"`` grid ``i`` varies along
    dimension ``i``; ``"xy"`` swaps the first two dimensions (as NumPy's default).

    >>> import chainrule as torch
    >>> xs, ys = torch.meshgrid(torch.tensor([1, 2]), torch.tensor([3, 4, 5]), indexing="ij")
    >>> xs
    tensor([[1, 1, 1],
            [2, 2, 2]])
    """
    if len(tensors) == 1 and isinstance(tensors[0], (list, tuple)):
        tensors = tuple(tensors[0])
    if indexing not in ("ij", "xy"):
        raise RuntimeError(f'torch.meshgrid: indexing must be one of "xy" or "ij", but '
                           f'received: {indexing}')
    for t_ in tensors:
        if t_.ndim > 1:
            raise RuntimeError("torch.meshgrid: Expected 0D or 1D tensor in the tensor list "
                               f"but got: {t_!r}")
    flat = [t_.reshape(-1) for t_ in tensors]
    # "xy" is "ij" with the first two inputs swapped, and then the first two grids.
    swap = indexing == "xy" and len(flat) >= 2
    if swap:
        flat[0], flat[1] = flat[1], flat[0]
    shape = [t_.shape[0] for t_ in flat]
    grids = []
    for i, t_ in enumerate(flat):
        view = [1] * len(flat)
        view[i] = shape[i]
        grids.append(t_.reshape(view).expand(shape))
    if swap:
        grids[0], grids[1] = grids[1], grids[0]
    return tuple(grids)


def tile(input, dims):
    """``input`` repeated ``dims[i]`` times along dimension ``i`` (missing dims count as 1).

    >>> import chainrule as torch
    >>> torch.tile(torch.tensor([1, 2]), (2,))
    tensor([1, 2, 1, 2])
    """
    dims = tuple(dims)
    if len(dims) < input.ndim:
        dims = (1,) * (input.ndim - len(dims)) + dims
    return S.repeat(input, *dims)


def diag(input, diagonal: int = 0):
    """A 1-D ``input`` placed on a diagonal of a square matrix; of a 2-D ``input``, its
    ``diagonal``-th diagonal.

    >>> import chainrule as torch
    >>> torch.diag(torch.tensor([1, 2]))
    tensor([[1, 0],
            [0, 2]])
    >>> torch.diag(torch.tensor([[1, 2], [3, 4]]))
    tensor([1, 4])
    """
    if input.ndim == 1:
        n = input.shape[0] + builtins.abs(diagonal)
        i = xp.arange(input.shape[0])
        key = (i - builtins.min(diagonal, 0), i + builtins.max(diagonal, 0))
        return SEL.diag_embed_op(input, (n, n), key)
    if input.ndim != 2:
        raise RuntimeError("diag(): Supports 1D or 2D tensors. Got "
                           f"{input.ndim}D. Fix: use torch.diagonal-style indexing.")
    rows, cols = input.shape
    start_r, start_c = builtins.max(-diagonal, 0), builtins.max(diagonal, 0)
    n = builtins.max(builtins.min(rows - start_r, cols - start_c), 0)
    i = xp.arange(n)
    return SEL.diag_op(input, (i + start_r, i + start_c), input._data.shape)


def trace(input):
    """The sum of a matrix's main diagonal.

    >>> import chainrule as torch
    >>> torch.trace(torch.tensor([[1., 2.], [3., 4.]]))
    tensor(5.)
    """
    if input.ndim != 2:
        raise RuntimeError(f"trace: expected a matrix, but got tensor with dim {input.ndim}")
    if input.dtype.name == "bool":
        raise NotImplementedError('"trace" not implemented for \'Bool\'. Fix: .int() it first.')
    return SEL.trace_op(input, input._data.shape)


def diff(input, n: int = 1, dim: int = -1, prepend=None, append=None):
    """The ``n``-th forward difference ``out[i] = x[i + 1] - x[i]`` along ``dim``.

    >>> import chainrule as torch
    >>> torch.diff(torch.tensor([1, 4, 9, 16]))
    tensor([3, 5, 7])
    """
    if input.ndim == 0:
        raise RuntimeError("diff expects input to be at least one-dimensional")
    dim = S._wrap_dim(dim, input.ndim)
    pieces = [p for p in (prepend, input, append) if p is not None]
    if len(pieces) > 1:
        pieces = [p if isinstance(p, Tensor) else as_tensor_like(p, input) for p in pieces]
        input = S.cat(pieces, dim)
    for _ in range(n):
        size = input.shape[dim]
        if size == 0:
            break
        after, before = S.narrow(input, dim, 1, size - 1), S.narrow(input, dim, 0, size - 1)
        input = after.logical_xor(before) if input.dtype.name == "bool" else after - before
    return input


def take_along_dim(input, indices, dim: int | None = None):
    """``input``'s values at ``indices`` along ``dim`` (the two broadcast against each other
    elsewhere); with ``dim=None``, positions in the flattened tensor.

    >>> import chainrule as torch
    >>> x = torch.tensor([[10., 30., 20.]])
    >>> torch.take_along_dim(x, torch.argsort(x, dim=1), dim=1)
    tensor([[10., 20., 30.]])
    """
    if dim is None:
        return I.gather(input.reshape(-1), 0, indices.reshape(-1))
    dim = S._wrap_dim(dim, input.ndim)
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
    return I.gather(input, dim, indices)


def multinomial(input, num_samples: int, replacement: bool = False, *, generator=None):
    """Draws ``num_samples`` category indices per row with probabilities proportional to
    ``input``'s (non-negative) weights; without ``replacement`` no index repeats in a row.

    >>> import chainrule as torch
    >>> torch.multinomial(torch.tensor([0., 1., 0.]), 2, replacement=True)
    tensor([1, 1])
    """
    from ._random import _rng
    if input.ndim not in (1, 2):
        raise RuntimeError("prob_dist must be 1 or 2 dim")
    if not input.dtype.is_floating_point:
        raise RuntimeError("multinomial only supports floating-point dtypes for input, got: "
                           f"{input.dtype.name.capitalize()}")
    weights = input._data.reshape(-1, input.shape[-1]).astype(xp.float64)
    if num_samples <= 0:
        raise RuntimeError("cannot sample n_sample <= 0 samples")
    if not replacement and num_samples > weights.shape[1]:
        raise RuntimeError("cannot sample n_sample > prob_dist.size(-1) samples without "
                           "replacement")
    if (weights < 0).any() or not xp.isfinite(weights).all():
        raise RuntimeError("probability tensor contains either `inf`, `nan` or element < 0")
    totals = weights.sum(axis=1)
    if (totals <= 0).any():
        raise RuntimeError("invalid multinomial distribution (sum of probabilities <= 0)")
    rng = _rng(generator)
    if replacement:
        out = xp.stack([rng.choice(w.size, size=num_samples, p=w / total)
                        for w, total in zip(weights, totals)])
    else:
        # Without replacement: the num_samples largest of w / Exponential(1) noise is a draw
        # one category at a time (as PyTorch samples it); zero weights come last, as there.
        keys = weights / rng.exponential(size=weights.shape)
        out = xp.argsort(-keys, axis=1, kind="stable")[:, :num_samples]
    out = out.astype(xp.int64)
    return Tensor._make(out.reshape(num_samples) if input.ndim == 1 else out)


def cdist(x1, x2, p: float = 2.0, compute_mode=None):
    """The ``p``-norm distance between each row of ``x1`` and each row of ``x2``
    (batched over leading dimensions).

    >>> import chainrule as torch
    >>> torch.cdist(torch.tensor([[0., 0.]]), torch.tensor([[3., 4.], [0., 1.]]))
    tensor([[5., 1.]])
    """
    if x1.ndim < 2 or x2.ndim < 2:
        raise RuntimeError(f"cdist only supports at least 2D tensors, X1 got: {x1.ndim}D")
    for x in (x1, x2):
        if not x.dtype.is_floating_point:
            raise RuntimeError("cdist only supports floating-point dtypes, X1 got: "
                               f"{_C_TYPE_NAMES.get(x.dtype.name, x.dtype.name)}")
    if x1.shape[-1] != x2.shape[-1]:
        raise RuntimeError("X1 and X2 must have the same number of columns. X1: "
                           f"{x1.shape[-1]} X2: {x2.shape[-1]}")
    gaps = x1.unsqueeze(-2) - x2.unsqueeze(-3)
    return R.norm(gaps, p, dim=-1)


def cross(input, other, dim: int | None = None):
    """The cross product of 3-vectors along ``dim`` (default: the first dimension of size 3).

    >>> import chainrule as torch
    >>> torch.cross(torch.tensor([1., 0., 0.]), torch.tensor([0., 1., 0.]), dim=0)
    tensor([0., 0., 1.])
    """
    if input.ndim != other.ndim:
        raise RuntimeError("linalg.cross: inputs must have the same number of dimensions. Fix: "
                           "unsqueeze the smaller one.")
    if dim is None:
        sizes = xp.broadcast_shapes(tuple(input.shape), tuple(other.shape))
        dim = next((d for d, n in enumerate(sizes) if n == 3), None)
        if dim is None:
            raise RuntimeError("no dimension of size 3 in input. Fix: pass dim=.")
    dim = S._wrap_dim(dim, input.ndim)
    if input.shape[dim] != 3 or other.shape[dim] != 3:
        raise RuntimeError(f"linalg.cross: inputs dimension {dim} must have length 3. Got "
                           f"{input.shape[dim]} and {other.shape[dim]}")
    a = [S.narrow(input, dim, i, 1) for i in range(3)]
    b = [S.narrow(other, dim, i, 1) for i in range(3)]
    return S.cat([a[1] * b[2] - a[2] * b[1], a[2] * b[0] - a[0] * b[2],
                  a[0] * b[1] - a[1] * b[0]], dim)


_C_TYPE_NAMES = {"int64": "Long", "int32": "Int", "int16": "Short", "int8": "Char",
                 "uint8": "Byte", "bool": "Bool", "float16": "Half", "float32": "Float",
                 "float64": "Double"}


def _floating_kernel(name, *tensors):
    """PyTorch's errors for a kernel that exists for floating dtypes only."""
    for t_ in tensors[1:]:
        if not isinstance(t_, Tensor):
            raise TypeError(f"{name}(): argument 'other' (position 2) must be Tensor, not "
                            f"{type(t_).__name__}")
    dtype = result_type(*tensors) if len(tensors) == 2 else tensors[0].dtype
    if not dtype.is_floating_point:
        raise NotImplementedError(
            f'"{name}" not implemented for \'{_C_TYPE_NAMES.get(dtype.name, dtype.name)}\'. '
            "Fix: convert the input with .float() first.")


def hypot(input, other):
    """``sqrt(input**2 + other**2)``, elementwise; floating tensors only.

    >>> import chainrule as torch
    >>> torch.hypot(torch.tensor([3.]), torch.tensor([4.]))
    tensor([5.])
    """
    _floating_kernel("hypot_cpu", input, other)
    return P.sqrt(input * input + other * other)


def logaddexp(input, other):
    """``log(exp(input) + exp(other))`` without overflow.

    >>> import chainrule as torch
    >>> torch.logaddexp(torch.tensor([1000.]), torch.tensor([1000.]))
    tensor([1000.6932])
    """
    _floating_kernel("logaddexp_cpu", input, other)
    top = maximum(input, other)
    with xp.errstate(invalid="ignore"):  # inf - inf: NaN, replaced just below
        out = top + P.log1p(P.exp(-P.abs(input - other)))
    # Two equal infinities: inf - inf above is NaN, but the answer is that infinity.
    same_inf = logical_and(input == other, isinf(input))
    if same_inf._data.any():
        out = where(same_inf, top, out)
    return out


def addmm(input, mat1, mat2, *, beta=1, alpha=1):
    """``beta * input + alpha * (mat1 @ mat2)`` (``input`` broadcasts).

    >>> import chainrule as torch
    >>> torch.addmm(torch.ones(2, 2), torch.eye(2), torch.eye(2))
    tensor([[2., 1.],
            [1., 2.]])
    """
    _same_dtypes("self and mat2 must have the same dtype, but got", input, mat1, mat2)
    return _scaled_sum(input, L.mm(mat1, mat2), beta, alpha)


def baddbmm(input, batch1, batch2, *, beta=1, alpha=1):
    """``beta * input + alpha * (batch1 @ batch2)``, one product per batch entry.

    >>> import chainrule as torch
    >>> torch.baddbmm(torch.zeros(1, 2, 2), torch.ones(1, 2, 3), torch.ones(1, 3, 2))
    tensor([[[3., 3.],
             [3., 3.]]])
    """
    _same_dtypes("Input dtypes must be the same, got:", input, batch1, batch2)
    return _scaled_sum(input, L.bmm(batch1, batch2), beta, alpha)


def _same_dtypes(message, input, *matrices):
    if builtins.any(m.dtype is not input.dtype for m in matrices):
        names = ", ".join(_C_TYPE_NAMES.get(t_.dtype.name, t_.dtype.name)
                          for t_ in (input, *matrices))
        raise RuntimeError(f"{message} {names}. Fix: convert them to one dtype (e.g. .float()).")


def _scaled_sum(input, product, beta, alpha):
    if alpha != 1:
        product = product * alpha
    if beta == 0:  # PyTorch ignores input then (NaN in it does not propagate)
        return product
    return (input if beta == 1 else input * beta) + product


def tensordot(a, b, dims=2):
    """Contract the last ``dims`` dimensions of ``a`` with the first ``dims`` of ``b``, or the
    listed pairs ``dims=([a dims], [b dims])``.

    >>> import chainrule as torch
    >>> torch.tensordot(torch.ones(2, 3), torch.ones(3, 4), dims=1).shape
    torch.Size([2, 4])
    """
    if isinstance(dims, int):
        if dims < 0:
            raise RuntimeError(f"tensordot expects dims >= 0, but got dims={dims}")
        dims_a, dims_b = list(range(a.ndim - dims, a.ndim)), list(range(dims))
    else:
        dims_a, dims_b = dims
        dims_a = [dims_a] if isinstance(dims_a, int) else list(dims_a)
        dims_b = [dims_b] if isinstance(dims_b, int) else list(dims_b)
        if len(dims_a) != len(dims_b):
            raise RuntimeError("both dimension lists should have same length")
    dims_a = [S._wrap_dim(d, a.ndim) for d in dims_a]
    dims_b = [S._wrap_dim(d, b.ndim) for d in dims_b]
    for da, db in zip(dims_a, dims_b):
        if a.shape[da] != b.shape[db]:
            raise RuntimeError(f"contracted dimensions need to match, but first has size "
                               f"{a.shape[da]} in dim {da} and second has size {b.shape[db]} "
                               f"in dim {db}")
    letters = iter("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ")
    la = [next(letters) for _ in range(a.ndim)]
    lb = [next(letters) for _ in range(b.ndim)]
    for da, db in zip(dims_a, dims_b):
        lb[db] = la[da]
    out = [c for i, c in enumerate(la) if i not in dims_a] + \
        [c for i, c in enumerate(lb) if i not in dims_b]
    return L.einsum(f"{''.join(la)},{''.join(lb)}->{''.join(out)}", a, b)


def kron(input, other):
    """The Kronecker product: every element of ``input`` times the whole of ``other``.

    >>> import chainrule as torch
    >>> torch.kron(torch.tensor([1, 2]), torch.tensor([1, 10]))
    tensor([ 1, 10,  2, 20])
    """
    n = builtins.max(input.ndim, other.ndim)
    sa = (1,) * (n - input.ndim) + tuple(input.shape)
    sb = (1,) * (n - other.ndim) + tuple(other.shape)
    a = input.reshape([v for s in sa for v in (s, 1)])
    b = other.reshape([v for s in sb for v in (1, s)])
    return (a * b).reshape([x * y for x, y in zip(sa, sb)])


def diagonal(input, offset: int = 0, dim1: int = 0, dim2: int = 1):
    """The ``offset``-th diagonal of the matrices spanned by ``dim1`` and ``dim2``, as the last
    dimension of the result (a copy here, where PyTorch returns a view).

    >>> import chainrule as torch
    >>> torch.diagonal(torch.tensor([[1, 2], [3, 4]]), 1)
    tensor([2])
    """
    dim1, dim2 = S._wrap_dim(dim1, input.ndim), S._wrap_dim(dim2, input.ndim)
    if dim1 == dim2:
        raise RuntimeError(f"diagonal dimensions cannot be identical {dim1}, {dim2}")
    moved = S.movedim(input, (dim1, dim2), (-2, -1))
    rows, cols = moved.shape[-2], moved.shape[-1]
    start_r, start_c = builtins.max(-offset, 0), builtins.max(offset, 0)
    i = xp.arange(builtins.max(builtins.min(rows - start_r, cols - start_c), 0))
    return SEL.diagonal_op(moved, (Ellipsis, i + start_r, i + start_c), moved._data.shape)


def masked_select(input, mask):
    """The elements of ``input`` where ``mask`` (broadcast against it) is True, as a vector.

    >>> import chainrule as torch
    >>> torch.masked_select(torch.tensor([[1, 2], [3, 4]]), torch.tensor([True, False]))
    tensor([1, 3])
    """
    if not isinstance(mask, Tensor) or mask.dtype.name != "bool":
        raise RuntimeError("masked_select: expected BoolTensor for mask. Fix: pass mask.bool().")
    shape = xp.broadcast_shapes(tuple(input.shape), tuple(mask.shape))
    if tuple(input.shape) != shape:
        input = input.expand(shape)
    return SEL.masked_select_op(input, xp.nonzero(xp.broadcast_to(mask._data, shape)),
                                input._data.shape)


def take(input, index):
    """The elements of the flattened ``input`` at ``index`` (shaped like ``index``).

    >>> import chainrule as torch
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
    return SEL.take_op(input, flat, input._data.shape)


def ravel(input):
    """``input`` flattened to one dimension.

    >>> import chainrule as torch
    >>> torch.ravel(torch.tensor([[1, 2], [3, 4]]))
    tensor([1, 2, 3, 4])
    """
    return S.flatten(input)


def clamp_min(input, min):  # noqa: A002 - PyTorch's name
    """``clamp(input, min=min)``.

    >>> import chainrule as torch
    >>> torch.clamp_min(torch.tensor([-1., 2.]), 0.)
    tensor([0., 2.])
    """
    return clamp(input, min=min)


def clamp_max(input, max):  # noqa: A002 - PyTorch's name
    """``clamp(input, max=max)``.

    >>> import chainrule as torch
    >>> torch.clamp_max(torch.tensor([-1., 2.]), 0.)
    tensor([-1.,  0.])
    """
    return clamp(input, max=max)


def addcmul(input, tensor1, tensor2, *, value=1):
    """``input + value * tensor1 * tensor2``.

    >>> import chainrule as torch
    >>> torch.addcmul(torch.ones(2), torch.tensor([1., 2.]), torch.tensor([3., 4.]), value=0.5)
    tensor([2.5000, 5.0000])
    """
    product = tensor1 * tensor2
    return input + (product if value == 1 else product * value)


def addcdiv(input, tensor1, tensor2, *, value=1):
    """``input + value * tensor1 / tensor2``.

    >>> import chainrule as torch
    >>> torch.addcdiv(torch.ones(2), torch.tensor([1., 2.]), torch.tensor([4., 4.]))
    tensor([1.2500, 1.5000])
    """
    if not tensor1.dtype.is_floating_point and not tensor2.dtype.is_floating_point:
        raise RuntimeError("Integer division with addcdiv is no longer supported, and in a future "
                           "release addcdiv will perform a true division of tensor1 and tensor2. "
                           "Fix: convert tensor1 or tensor2 to a floating dtype.")
    quotient = tensor1 / tensor2
    return input + (quotient if value == 1 else quotient * value)


def addmv(input, mat, vec, *, beta=1, alpha=1):
    """``beta * input + alpha * (mat @ vec)``.

    >>> import chainrule as torch
    >>> torch.addmv(torch.ones(2), torch.eye(2), torch.tensor([1., 2.]))
    tensor([2., 3.])
    """
    return _scaled_sum(input, L.mv(mat, vec), beta, alpha)


def addbmm(input, batch1, batch2, *, beta=1, alpha=1):
    """``beta * input + alpha * sum_i (batch1[i] @ batch2[i])``.

    >>> import chainrule as torch
    >>> torch.addbmm(torch.zeros(2, 2), torch.ones(3, 2, 1), torch.ones(3, 1, 2))
    tensor([[3., 3.],
            [3., 3.]])
    """
    return _scaled_sum(input, L.bmm(batch1, batch2).sum(0), beta, alpha)


def argwhere(input):
    """The indices of the non-zero elements, one row each (``nonzero(input)``).

    >>> import chainrule as torch
    >>> torch.argwhere(torch.tensor([0, 3, 5]))
    tensor([[1],
            [2]])
    """
    return SEL.nonzero(input)


def bincount(input, weights=None, minlength: int = 0):
    """How often each value ``0..max`` occurs in a 1-D non-negative integer tensor (or the sum
    of the ``weights`` at its occurrences).

    >>> import chainrule as torch
    >>> torch.bincount(torch.tensor([0, 2, 2]))
    tensor([1, 0, 2])
    """
    if input.ndim != 1 or input.dtype.is_floating_point or input.dtype.name == "bool":
        raise RuntimeError("bincount only supports 1-d non-negative integral inputs.")
    if input.numel() and int(input._data.min()) < 0:
        raise RuntimeError("bincount only supports 1-d non-negative integral inputs.")
    if weights is None:
        return Tensor._make(xp.bincount(input._data, minlength=minlength).astype(xp.int64))
    if weights.shape != input.shape:
        raise RuntimeError("weights should be 1-d and have the same length as input")
    out = xp.bincount(input._data, weights=weights._data, minlength=minlength)
    return Tensor._make(out.astype(weights._data.dtype if weights.dtype.is_floating_point
                                   else xp.float64))


def isin(elements, test_elements, *, assume_unique: bool = False, invert: bool = False):
    """Elementwise: is each of ``elements`` among ``test_elements``? A bool tensor.

    >>> import chainrule as torch
    >>> torch.isin(torch.tensor([1, 2, 3]), torch.tensor([2, 5]))
    tensor([False,  True, False])
    """
    a = elements._data if isinstance(elements, Tensor) else xp.asarray(elements)
    b = test_elements._data if isinstance(test_elements, Tensor) else xp.asarray(test_elements)
    return Tensor._make(xp.asarray(xp.isin(a, b, invert=invert)))


def nansum(input, dim=None, keepdim: bool = False, *, dtype=None):
    """``sum`` with NaN counted as zero.

    >>> import chainrule as torch
    >>> torch.nansum(torch.tensor([1., float("nan"), 2.]))
    tensor(3.)
    """
    clean = where(isnan(input), 0, input) if input.dtype.is_floating_point else input
    return R.sum(clean, dim, keepdim, dtype=dtype)


def nanmean(input, dim=None, keepdim: bool = False, *, dtype=None):
    """``mean`` of the elements that are not NaN.

    >>> import chainrule as torch
    >>> torch.nanmean(torch.tensor([1., float("nan"), 2.]))
    tensor(1.5000)
    """
    if not input.dtype.is_floating_point:
        raise RuntimeError("nanmean(): expected input to have floating point dtype but got "
                           f"{_C_TYPE_NAMES.get(input.dtype.name, input.dtype.name)}")
    count = R.sum(logical_not(isnan(input)), dim, keepdim)
    return nansum(input, dim, keepdim, dtype=dtype) / count


def fliplr(input):
    """``input`` reversed left to right (along dimension 1).

    >>> import chainrule as torch
    >>> torch.fliplr(torch.tensor([[1, 2], [3, 4]]))
    tensor([[2, 1],
            [4, 3]])
    """
    if input.ndim < 2:
        raise RuntimeError("Input must be >= 2-d.")
    return S.flip(input, [1])


def flipud(input):
    """``input`` reversed upside down (along dimension 0).

    >>> import chainrule as torch
    >>> torch.flipud(torch.tensor([[1, 2], [3, 4]]))
    tensor([[3, 4],
            [1, 2]])
    """
    if input.ndim < 1:
        raise RuntimeError("Input must be >= 1-d.")
    return S.flip(input, [0])


def rot90(input, k: int = 1, dims=(0, 1)):
    """``input`` rotated by ``k`` quarter turns, from the first of ``dims`` towards the second.

    >>> import chainrule as torch
    >>> torch.rot90(torch.tensor([[1, 2], [3, 4]]))
    tensor([[2, 4],
            [1, 3]])
    """
    dims = list(dims)
    if len(dims) != 2:
        raise RuntimeError(f"expected total rotation dims == 2, but got dims = {len(dims)}")
    if input.ndim < 2:
        raise RuntimeError(f"expected total dims >= 2, but got total dims = {input.ndim}")
    d0, d1 = S._wrap_dim(dims[0], input.ndim), S._wrap_dim(dims[1], input.ndim)
    if d0 == d1:
        raise RuntimeError(f"expected rotation dims to be different, but got dim0 = {d0} and "
                           f"dim1 = {d1}")
    k %= 4
    if k == 1:
        return S.transpose(S.flip(input, [d1]), d0, d1)
    if k == 2:
        return S.flip(input, [d0, d1])
    if k == 3:
        return S.transpose(S.flip(input, [d0]), d0, d1)
    return input.clone()


def _atleast(n, tensors):
    out = []
    for t_ in (tensors[0] if len(tensors) == 1 and isinstance(tensors[0], (list, tuple))
               else tensors):
        # PyTorch's placements: a vector becomes a row (1, n), or (1, n, 1) in 3-D,
        # and a matrix (m, n, 1).
        if t_.ndim == 0:
            t_ = t_.reshape((1,) * n)
        elif t_.ndim == 1 and n >= 2:
            t_ = t_.reshape((1, t_.shape[0]) if n == 2 else (1, t_.shape[0], 1))
        elif t_.ndim == 2 and n == 3:
            t_ = t_.unsqueeze(-1)
        out.append(t_)
    return out[0] if len(tensors) == 1 and isinstance(tensors[0], Tensor) else tuple(out)


def atleast_1d(*tensors):
    """Each tensor with at least one dimension.

    >>> import chainrule as torch
    >>> torch.atleast_1d(torch.tensor(1.))
    tensor([1.])
    """
    return _atleast(1, tensors)


def atleast_2d(*tensors):
    """Each tensor with at least two dimensions (a vector becomes a row).

    >>> import chainrule as torch
    >>> torch.atleast_2d(torch.tensor([1., 2.]))
    tensor([[1., 2.]])
    """
    return _atleast(2, tensors)


def atleast_3d(*tensors):
    """Each tensor with at least three dimensions.

    >>> import chainrule as torch
    >>> torch.atleast_3d(torch.tensor([1., 2.])).shape
    torch.Size([1, 2, 1])
    """
    return _atleast(3, tensors)


def aminmax(input, *, dim: int | None = None, keepdim: bool = False):
    """``(min, max)`` of all elements or along ``dim``, named ``min`` and ``max``.

    >>> import chainrule as torch
    >>> torch.aminmax(torch.tensor([3., 1., 2.]))
    torch.return_types.aminmax(
    min=tensor(1.),
    max=tensor(3.))
    """
    dims = () if dim is None else dim
    return SEL.MinMax(R.amin(input, dims, keepdim), R.amax(input, dims, keepdim))


def triu_indices(row: int, col: int, offset: int = 0, *, dtype=None, device=None):
    """The ``(2, n)`` row and column indices of a ``row x col`` matrix's upper triangle.

    >>> import chainrule as torch
    >>> torch.triu_indices(2, 2)
    tensor([[0, 0, 1],
            [0, 1, 1]])
    """
    return _triangle(xp.triu_indices(row, offset, col), dtype)


def tril_indices(row: int, col: int, offset: int = 0, *, dtype=None, device=None):
    """The ``(2, n)`` row and column indices of a ``row x col`` matrix's lower triangle.

    >>> import chainrule as torch
    >>> torch.tril_indices(2, 2)
    tensor([[0, 1, 1],
            [0, 0, 1]])
    """
    return _triangle(xp.tril_indices(row, offset, col), dtype)


def _triangle(indices, dtype):
    out = xp.stack(indices).reshape(2, -1).astype(dtype.np if dtype is not None else xp.int64)
    return Tensor._make(out)


def cartesian_prod(*tensors):
    """Every combination of one element from each 1-D tensor, one per row.

    >>> import chainrule as torch
    >>> torch.cartesian_prod(torch.tensor([1, 2]), torch.tensor([3, 4]))
    tensor([[1, 3],
            [1, 4],
            [2, 3],
            [2, 4]])
    """
    if len(tensors) == 1:
        return tensors[0]
    return S.stack([g.reshape(-1) for g in meshgrid(*tensors, indexing="ij")], 1)


def dist(input, other, p: float = 2):
    """The ``p``-norm of ``input - other``.

    >>> import chainrule as torch
    >>> torch.dist(torch.tensor([0., 0.]), torch.tensor([3., 4.]))
    tensor(5.)
    """
    return R.norm(input - other, p)


def deg2rad(input):
    """Degrees to radians.

    >>> import chainrule as torch
    >>> torch.deg2rad(torch.tensor([180.]))
    tensor([3.1416])
    """
    return _float_of(input) * (math.pi / 180)


def rad2deg(input):
    """Radians to degrees.

    >>> import chainrule as torch
    >>> torch.rad2deg(torch.tensor([3.14159265]))
    tensor([180.])
    """
    return _float_of(input) * (180 / math.pi)


def _float_of(input):
    from ._dtypes import get_default_dtype
    return input if input.dtype.is_floating_point else input.to(get_default_dtype())


def xlogy(input, other):
    """``input * log(other)``, taken as 0 where ``input`` is 0 (unless ``other`` is NaN).

    >>> import chainrule as torch
    >>> torch.xlogy(torch.tensor([0., 2.]), torch.tensor([0., 1.]))
    tensor([0., 0.])
    """
    input = as_tensor_like(input, other if isinstance(other, Tensor) else None)
    other = as_tensor_like(other, input)
    # Where input is 0 and log(other) is -inf or NaN, the answer is 0 by definition: log reads
    # 1 there instead, so that neither the value nor input's gradient is 0 * -inf.
    zero = logical_and(input == 0, other <= 0)
    return input * P.log(where(zero, 1, other))


def logit(input, eps: float | None = None):
    """``log(p / (1 - p))``, with ``p`` clamped to ``[eps, 1 - eps]`` when ``eps`` is given.

    >>> import chainrule as torch
    >>> torch.logit(torch.tensor([0.5, 0.75]))
    tensor([0.0000, 1.0986])
    """
    p = _float_of(input)
    if eps is not None:
        p = clamp(p, eps, 1 - eps)
    return P.log(p / (1 - p))


sgn = sign


# --- special functions (ops/special.py) and more functions composed from the ops above -----
acosh = arccosh = _unary(SP.acosh, "acosh")
asinh = arcsinh = _unary(SP.asinh, "asinh")
atanh = arctanh = _unary(SP.atanh, "atanh")
erfc = _unary(SP.erfc, "erfc")
erfinv = _unary(SP.erfinv, "erfinv")
lgamma = _unary(SP.lgamma, "lgamma")
digamma = _unary(SP.digamma, "digamma")


def relu_(input):
    """``relu`` in place.

    >>> import chainrule as torch
    >>> torch.relu_(torch.tensor([-1., 2.]))
    tensor([0., 2.])
    """
    return _inplace(input, relu)


def _index_along(index, dim, like):
    """``index`` (1-D) reshaped and expanded to ``like``'s shape along ``dim``, for scatter."""
    shape = [1] * like.dim()
    shape[dim] = -1
    return S.expand(S.reshape(index, shape), like.shape)


def index_add(input, dim: int, index, source, *, alpha=1):
    """``input`` with ``alpha * source``'s slices added at ``index`` along ``dim``.

    >>> import chainrule as torch
    >>> torch.index_add(torch.zeros(3), 0, torch.tensor([0, 0, 2]), torch.tensor([1., 2., 3.]))
    tensor([3., 0., 3.])
    """
    dim = dim % builtins.max(input.dim(), 1)
    if input.dim() == 0:
        return input + (source * alpha).sum()
    return I.scatter_add(input, dim, _index_along(index, dim, source), source * alpha)


def index_copy(input, dim: int, index, source):
    """``input`` with ``source``'s slices written at ``index`` along ``dim``.

    >>> import chainrule as torch
    >>> torch.index_copy(torch.zeros(3), 0, torch.tensor([2, 0]), torch.tensor([1., 2.]))
    tensor([2., 0., 1.])
    """
    dim = dim % builtins.max(input.dim(), 1)
    return I.scatter(input, dim, _index_along(index, dim, source), source)


def index_fill(input, dim: int, index, value):
    """``input`` with the slices at ``index`` along ``dim`` set to ``value``.

    >>> import chainrule as torch
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
    return I.masked_fill(input, Tensor._make(hit.reshape(shape)), value)


def copysign(input, other):
    """The magnitude of ``input`` with the sign of ``other``.

    >>> import chainrule as torch
    >>> torch.copysign(torch.tensor([1., -2.]), -1.)
    tensor([-1., -2.])
    """
    other = as_tensor_like(other, input)
    x = _float_of(input)
    return P.abs(x) * where(signbit(other), -1.0, 1.0).to(x.dtype)


def heaviside(input, values):
    """0 where ``input < 0``, ``values`` where ``input == 0``, 1 where ``input > 0``.

    >>> import chainrule as torch
    >>> torch.heaviside(torch.tensor([-1., 0., 2.]), torch.tensor(0.5))
    tensor([0.0000, 0.5000, 1.0000])
    """
    step = (input > 0).to(input.dtype)
    return where(input == 0, values.to(input.dtype), step)


def fmax(input, other):
    """Elementwise maximum that ignores NaN (NaN only where both are NaN).

    >>> import chainrule as torch
    >>> torch.fmax(torch.tensor([1., float("nan")]), torch.tensor([2., 3.]))
    tensor([2., 3.])
    """
    return where(isnan(other), input, where(isnan(input), other, maximum(input, other)))


def fmin(input, other):
    """Elementwise minimum that ignores NaN (NaN only where both are NaN).

    >>> import chainrule as torch
    >>> torch.fmin(torch.tensor([1., float("nan")]), torch.tensor([2., 3.]))
    tensor([1., 3.])
    """
    return where(isnan(other), input, where(isnan(input), other, minimum(input, other)))


def float_power(input, exponent):
    """``input ** exponent`` computed in float64.

    >>> import chainrule as torch
    >>> torch.float_power(torch.tensor([2]), 3)
    tensor([8.], dtype=torch.float64)
    """
    if isinstance(exponent, Tensor):
        exponent = exponent.double()
    base = input.double() if isinstance(input, Tensor) else float(input)
    return pow(base, exponent)


def logaddexp2(input, other):
    """``log2(2**input + 2**other)`` without overflow.

    >>> import chainrule as torch
    >>> torch.logaddexp2(torch.tensor([1.]), torch.tensor([1.]))
    tensor([2.])
    """
    return logaddexp(input * math.log(2), other * math.log(2)) / math.log(2)


def logcumsumexp(input, dim: int):
    """``log(cumsum(exp(input), dim))`` without overflow.

    >>> import chainrule as torch
    >>> torch.logcumsumexp(torch.tensor([1000., 1000.]), 0)
    tensor([1000.0000, 1000.6932])
    """
    x = _float_of(input)
    top = R.amax(x.detach(), dim, keepdim=True) if x.dim() else x.detach()
    top = where(isfinite(top), top, 0.0).to(x.dtype)
    with xp.errstate(divide="ignore"):
        return P.log(R.cumsum(P.exp(x - top), dim)) + top


def _quantile(input, q, dim, keepdim, interpolation, ignore_nan):
    if interpolation not in ("linear", "lower", "higher", "nearest", "midpoint"):
        raise ValueError(f"quantile() interpolation must be one of linear, lower, higher, "
                         f"midpoint or nearest. Got {interpolation}")
    if not input.dtype.is_floating_point:
        raise RuntimeError("quantile() input tensor must be either float or double dtype. "
                           "Fix: convert with .float().")
    qs = q._data if isinstance(q, Tensor) else xp.asarray(q, dtype=xp.float64)
    if ((qs < 0) | (qs > 1)).any():
        raise RuntimeError("quantile() q values must be in the range [0, 1]")
    x = S.reshape(input, (-1,)) if dim is None else input
    d = 0 if dim is None else dim % builtins.max(x.dim(), 1)
    if x.dim() == 0:
        x = S.reshape(x, (1,))
    xs = SEL.sort(x, dim=d).values  # NaN sorts last
    n = x.shape[d]
    if ignore_nan:
        count = (~isnan(x)).sum(d, keepdim=True)._data
    else:
        count = xp.full(S.select(xs, d, 0).unsqueeze(d).shape, n)
    out = []
    for qv in qs.reshape(-1):
        pos = qv * (count - 1).clip(0)
        lo, hi = xp.floor(pos), xp.ceil(pos)
        pos = {"lower": lo, "higher": hi, "nearest": xp.round(pos),
               "midpoint": (lo + hi) / 2}.get(interpolation, pos)
        frac = Tensor._make((pos - xp.floor(pos)).astype(x._data.dtype))
        lo_i = Tensor._make(xp.floor(pos).astype(xp.int64))
        hi_i = Tensor._make(xp.ceil(pos).astype(xp.int64))
        a, b = I.gather(xs, d, lo_i), I.gather(xs, d, hi_i)
        v = lerp(a, b, frac)
        if not ignore_nan:  # any NaN in the slice makes the answer NaN
            v = where(isnan(S.narrow(xs, d, n - 1, 1)), float("nan"), v).to(v.dtype)
        else:
            v = where(Tensor._make(count == 0), float("nan"), v).to(v.dtype)
        if not keepdim or dim is None:
            v = S.squeeze(v, d)
        if keepdim and dim is None:
            v = S.reshape(v, (1,) * input.dim())
        out.append(v)
    return S.stack(out) if qs.ndim else out[0]


def quantile(input, q, dim=None, keepdim: bool = False, *, interpolation: str = "linear"):
    """The ``q``-th quantiles of ``input`` (over all elements, or along ``dim``).

    >>> import chainrule as torch
    >>> torch.quantile(torch.tensor([1., 2., 3., 4.]), 0.5)
    tensor(2.5000)
    """
    return _quantile(input, q, dim, keepdim, interpolation, False)


def nanquantile(input, q, dim=None, keepdim: bool = False, *, interpolation: str = "linear"):
    """``quantile`` ignoring NaN values.

    >>> import chainrule as torch
    >>> torch.nanquantile(torch.tensor([1., float("nan"), 3.]), 0.5)
    tensor(2.)
    """
    return _quantile(input, q, dim, keepdim, interpolation, True)


def inner(input, other):
    """Sum of products over the last dimension of both inputs.

    >>> import chainrule as torch
    >>> torch.inner(torch.tensor([1., 2.]), torch.tensor([3., 4.]))
    tensor(11.)
    """
    if input.dim() == 0 or other.dim() == 0:
        return input * other
    return tensordot(input, other, dims=([input.dim() - 1], [other.dim() - 1]))


def vdot(input, other):
    """Dot product of two 1-D tensors (real tensors: the same as ``dot``).

    >>> import chainrule as torch
    >>> torch.vdot(torch.tensor([1., 2.]), torch.tensor([3., 4.]))
    tensor(11.)
    """
    return L.dot(input, other)


def addr(input, vec1, vec2, *, beta=1, alpha=1):
    """``beta * input + alpha * outer(vec1, vec2)``.

    >>> import chainrule as torch
    >>> torch.addr(torch.zeros(2, 2), torch.tensor([1., 2.]), torch.tensor([1., 1.]))
    tensor([[1., 1.],
            [2., 2.]])
    """
    return _scaled_sum(input, L.outer(vec1, vec2), beta, alpha)


def diag_embed(input, offset: int = 0, dim1: int = -2, dim2: int = -1):
    """Tensors whose diagonals (over the last two dimensions) are ``input``'s last dimension.

    >>> import chainrule as torch
    >>> torch.diag_embed(torch.tensor([1., 2.]))
    tensor([[1., 0.],
            [0., 2.]])
    """
    if offset or (dim1, dim2) not in ((-2, -1), (input.dim() - 1, input.dim())):
        raise NotImplementedError("diag_embed: only offset=0, dim1=-2, dim2=-1 are supported. "
                                  "Fix: move the dimensions afterwards with torch.movedim.")
    eye = Tensor._make(xp.eye(input.shape[-1], dtype=input._data.dtype))
    return S.unsqueeze(input, -1) * eye


def block_diag(*tensors):
    """A block-diagonal matrix with the given tensors (0-, 1- or 2-D) as its blocks.

    >>> import chainrule as torch
    >>> torch.block_diag(torch.tensor([[1., 2.]]), torch.tensor([[3.]]))
    tensor([[1., 2., 0.],
            [0., 0., 3.]])
    """
    blocks = [S.reshape(t, (1, -1)) if t.dim() < 2 else t for t in tensors]
    dt = _result_type_of(blocks)
    width = builtins.sum(b.shape[1] for b in blocks)
    rows, left = [], 0
    for b in blocks:
        r, c = b.shape
        zl = Tensor._make(xp.zeros((r, left), dt.np))
        zr = Tensor._make(xp.zeros((r, width - left - c), dt.np))
        rows.append(cat([zl, b.to(dt), zr], dim=1))
        left += c
    return cat(rows, dim=0)


def _result_type_of(tensors):
    from . import _dtypes
    return _dtypes.result_type(list(tensors))


def column_stack(tensors):
    """Stack tensors as the columns of a matrix (1-D tensors become columns).

    >>> import chainrule as torch
    >>> torch.column_stack([torch.tensor([1., 2.]), torch.tensor([3., 4.])])
    tensor([[1., 3.],
            [2., 4.]])
    """
    return S.hstack([S.reshape(t, (-1, 1)) if t.dim() < 2 else t for t in tensors])


def dstack(tensors):
    """Stack tensors along a third dimension (after making them at least 3-D).

    >>> import chainrule as torch
    >>> torch.dstack([torch.tensor([1., 2.]), torch.tensor([3., 4.])]).shape
    torch.Size([1, 2, 2])
    """
    return cat(list(atleast_3d(*tensors)) if len(tensors) > 1 else [atleast_3d(tensors[0])],
               dim=2)


def tensor_split(input, indices_or_sections, dim: int = 0):
    """Split into ``n`` nearly equal parts, or at the given indices, along ``dim``.

    >>> import chainrule as torch
    >>> [t.tolist() for t in torch.tensor_split(torch.arange(5), 2)]
    [[0, 1, 2], [3, 4]]
    """
    size = input.shape[dim]
    sections = indices_or_sections
    if isinstance(sections, Tensor):
        sections = sections.tolist()
    if isinstance(sections, int):
        small, extra = divmod(size, sections)
        bounds, start = [], 0
        for i in range(sections - 1):
            start += small + (i < extra)
            bounds.append(start)
    else:
        bounds = list(sections)
    edges = [0] + [builtins.min(builtins.max(b, 0), size) for b in bounds] + [size]
    return tuple(S.narrow(input, dim, a, builtins.max(b - a, 0)) for a, b in
                 zip(edges[:-1], edges[1:]))


def hsplit(input, indices_or_sections):
    """``tensor_split`` along dimension 1 (0 for a 1-D tensor).

    >>> import chainrule as torch
    >>> [t.shape for t in torch.hsplit(torch.zeros(2, 4), 2)]
    [torch.Size([2, 2]), torch.Size([2, 2])]
    """
    return tensor_split(input, indices_or_sections, 1 if input.dim() > 1 else 0)


def vsplit(input, indices_or_sections):
    """``tensor_split`` along dimension 0.

    >>> import chainrule as torch
    >>> [t.shape for t in torch.vsplit(torch.zeros(4, 2), [1])]
    [torch.Size([1, 2]), torch.Size([3, 2])]
    """
    return tensor_split(input, indices_or_sections, 0)


def broadcast_shapes(*shapes):
    """The shape that tensors of the given shapes broadcast to.

    >>> import chainrule as torch
    >>> torch.broadcast_shapes((2, 1), (3,))
    torch.Size([2, 3])
    """
    from .tensor import Size
    return Size(xp.broadcast_shapes(*[(s,) if isinstance(s, int) else tuple(s) for s in shapes]))


def broadcast_tensors(*tensors):
    """The tensors broadcast to their common shape (as views).

    >>> import chainrule as torch
    >>> [t.shape for t in torch.broadcast_tensors(torch.zeros(2, 1), torch.zeros(3))]
    [torch.Size([2, 3]), torch.Size([2, 3])]
    """
    shape = broadcast_shapes(*[t.shape for t in tensors])
    return tuple(S.broadcast_to(t, shape) for t in tensors)


def combinations(input, r: int = 2, with_replacement: bool = False):
    """The length-``r`` combinations of a 1-D tensor's elements, one per row.

    >>> import chainrule as torch
    >>> torch.combinations(torch.tensor([1, 2, 3]))
    tensor([[1, 2],
            [1, 3],
            [2, 3]])
    """
    import itertools
    pick = itertools.combinations_with_replacement if with_replacement else \
        itertools.combinations
    idx = xp.array(list(pick(range(input.shape[0]), r)), dtype=xp.int64).reshape(-1, r)
    if idx.size == 0:
        return Tensor._make(xp.empty((0,) if r else (0,), input._data.dtype))
    return S.reshape(I.index_select(input, 0, Tensor._make(idx.reshape(-1))), (-1, r))


def cov(input, *, correction: int = 1, fweights=None, aweights=None):
    """Covariance matrix of the variables in ``input``'s rows (observations in columns).

    >>> import chainrule as torch
    >>> torch.cov(torch.tensor([[0., 1., 2.], [2., 1., 0.]]))
    tensor([[ 1., -1.],
            [-1.,  1.]])
    """
    if fweights is not None or aweights is not None:
        raise NotImplementedError("cov: fweights/aweights are not supported yet.")
    x = _float_of(input)
    x = S.reshape(x, (1, -1)) if x.dim() < 2 else x
    centred = x - R.mean(x, 1, keepdim=True)
    c = L.mm(centred, S.t(centred)) / builtins.max(x.shape[1] - correction, 0)
    return S.reshape(c, ()) if input.dim() < 2 else c


def corrcoef(input):
    """Pearson correlation coefficients of the variables in ``input``'s rows.

    >>> import chainrule as torch
    >>> torch.corrcoef(torch.tensor([[0., 1., 2.], [2., 1., 0.]]))
    tensor([[ 1., -1.],
            [-1.,  1.]])
    """
    c = cov(input)
    if c.dim() == 0:
        return c / c
    d = P.sqrt(diagonal(c))
    return clamp(c / S.unsqueeze(d, 1) / S.unsqueeze(d, 0), -1, 1)


def scalar_tensor(s, *, dtype=None, device=None, requires_grad: bool = False):
    """A 0-d tensor holding the number ``s`` (default float dtype).

    >>> import chainrule as torch
    >>> torch.scalar_tensor(3)
    tensor(3.)
    """
    from ._creation import tensor
    from ._dtypes import get_default_dtype
    return tensor(float(s), dtype=dtype or get_default_dtype(), requires_grad=requires_grad)


def is_nonzero(input) -> bool:
    """Whether a one-element tensor is nonzero.

    >>> import chainrule as torch
    >>> torch.is_nonzero(torch.tensor([0.5]))
    True
    """
    if input.numel() == 0:
        raise RuntimeError("Boolean value of Tensor with no values is ambiguous")
    if input.numel() > 1:
        raise RuntimeError("Boolean value of Tensor with more than one value is ambiguous")
    return bool(input.item())


def is_same_size(input, other) -> bool:
    """Whether two tensors have the same shape.

    >>> import chainrule as torch
    >>> torch.is_same_size(torch.zeros(2), torch.ones(2))
    True
    """
    return tuple(input.shape) == tuple(other.shape)


def positive(input):
    """``input`` itself (``+x``); refused for bool tensors, as in PyTorch.

    >>> import chainrule as torch
    >>> torch.positive(torch.tensor([-1., 2.]))
    tensor([-1.,  2.])
    """
    if input.dtype.name == "bool":
        raise RuntimeError("The `+` operator, on a bool tensor is not supported.")
    return input


def sinc(input):
    """The normalised sinc, ``sin(pi x) / (pi x)`` (1 at 0).

    >>> import chainrule as torch
    >>> torch.sinc(torch.tensor([0., 0.5]))
    tensor([1.0000, 0.6366])
    """
    x = _float_of(input)
    zero = x == 0
    # A safe argument where x == 0, so that the branch not taken has no NaN gradient.
    px = where(zero, 1.0, x * math.pi).to(x.dtype)
    return where(zero, 1.0, P.sin(px) / px).to(x.dtype)


__all__ = [n for n in dir() if not n.startswith("_") and n not in (
    "annotations", "builtins", "functools", "math", "xp", "I", "L", "P", "R", "S", "SEL", "SP",
    "Tensor", "as_tensor_like")]


def _accept_numpy_names(fn):
    """Let ``fn`` also take NumPy's spellings ``axis=`` and ``keepdims=``, as PyTorch does.

    Course material written for PyTorch uses them (``y_hat.argmax(axis=1)``,
    ``A.sum(axis=0, keepdims=True)``).
    """
    @functools.wraps(fn)
    def wrapper(*args, **kwargs):
        if kwargs:
            if "axis" in kwargs:
                kwargs["dim"] = kwargs.pop("axis")
            if "keepdims" in kwargs:
                kwargs["keepdim"] = kwargs.pop("keepdims")
        return fn(*args, **kwargs)
    return wrapper


for _name in __all__:
    _fn = globals()[_name]
    _code = getattr(_fn, "__code__", None)
    if _code is not None and "dim" in _code.co_varnames[:_code.co_argcount]:
        globals()[_name] = _accept_numpy_names(_fn)
del _name, _fn, _code
