"""The ``torch.*`` functions: each one the functional form of a tensor operation.

The same callables back the Tensor methods (``x.exp()`` is ``torch.exp(x)``),
so an operation's spelling, dtype rules and errors live in one place.
"""
from __future__ import annotations

import functools

from ._backend import xp
from .ops import indexing as I
from .ops import linalg as L
from .ops import pointwise as P
from .ops import reduction as R
from .ops import shape as S
from .ops.pointwise import where
from .tensor import (
    Tensor,
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


__all__ = [n for n in dir() if not n.startswith("_") and n not in (
    "annotations", "functools", "xp", "I", "L", "P", "R", "S", "Tensor", "as_tensor_like")]


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
