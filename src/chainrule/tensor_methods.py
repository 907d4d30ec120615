"""What a tensor does: its operators and methods, bound to the ``Tensor`` class.

``chainrule.tensor`` defines what a tensor *is*; it sits below the engine and
the rule tables, so it cannot name the operations built on top of it.  This
module, above them all, gives the class its behaviour:

- the operators (``x + y``, ``x @ w``, ``x < 0``, ``x += 1``), defined here;
- the methods that are ``torch.*`` functions with the tensor first
  (``x.exp()`` *is* ``torch.exp(x)``), listed in one table;
- the in-place twins (``x.exp_()``), made from the functions by ``engine.inplace``;
- the autograd methods (``backward``, ``register_hook``, ``retain_grad``) and
  the conversions (``to``, ``float``, ...), from the modules that implement them.

Importing ``chainrule`` runs this module once; after that every tensor has
every method.
"""
from __future__ import annotations

from . import _tracing, array_protocol
from ._backend import xp
from .engine import grad_mode, hooks
from .engine.backward import backward as _autograd_backward
from .engine.core import compiled
from .engine.graph import move_retains_grad
from .engine.inplace import (
    check_inplace_leaf,
    check_view_inplace,
    inplace,
    writable,
)
from .engine.inplace import copy as copy_row
from .engine.op import grad_fn_of
from .engine.views import requires_grad
from .functions import (
    activation,
    bitwise,
    comparison,
    complex_api,
    conversion,
    creation,
    dlpack,
    floating,
    histogram,
    indexing,
    joining,
    legacy,
    matrix,
    matrix_more,
    pointwise,
    properties,
    random,
    reduction,
    scatter,
    selection,
    shape,
    sliding,
    special,
    spectral,
    storage,
)
from .functions import decompositions as decomposition_functions
from .functions import solvers as solver_functions
from .functions.arguments import as_tensor_like, expect_tensor, fill_scalar, is_number, operand
from .functions.tensor_set import set_
from .ops import indexing as indexing_rows
from .ops import pointwise as pointwise_rows
from .ops import shape as shape_rows
from .tensor import Tensor

# --- arithmetic operators ---------------------------------------------------------------
# The common cases go straight to the rule-table rows (the operators are the hottest
# calls of all); the reflected and rarer forms go through the public functions, without
# their out= keyword (functions.out): a call less.
_mul = pointwise.mul.without_out
_floor_divide = pointwise.floor_divide.without_out
_remainder = pointwise.remainder.without_out
_pow = pointwise.pow.without_out
_matmul = matrix.matmul.without_out


# (C twins of __add__, __mul__, __truediv__, __sub__, __pow__, __neg__, backward and
# requires_grad_, bound in their place where the core is compiled: _core_front.c FastMethod;
# see the end of this module.)
def __add__(self, other):
    return pointwise_rows.add(self, other)


def __sub__(self, other):
    return pointwise.operator_sub(self, other)


def __rsub__(self, other):
    if isinstance(other, Tensor):  # a direct call: torch.rsub, as PyTorch's
        return pointwise.rsub(self, other)
    return pointwise.operator_rsub(self, operand(other))


def __mul__(self, other):
    return pointwise_rows.mul(self, other)


def __truediv__(self, other):
    return pointwise_rows.div(self, other)


def __rtruediv__(self, other):
    # other * (1 / self), for a tensor too, as PyTorch's
    return _mul(pointwise_rows.reciprocal(self), operand(other))


def __floordiv__(self, other):
    return _floor_divide(self, other)


def __rfloordiv__(self, other):
    return _floor_divide(as_tensor_like(other, self), self)


def __mod__(self, other):
    return _remainder(self, other)


def __rmod__(self, other):
    return _remainder(as_tensor_like(other, self), self)


def __pow__(self, exponent):
    return _pow(self, exponent)


def __rpow__(self, base):
    return _pow(base, self)


def __matmul__(self, other):
    return _matmul(self, expect_tensor(other, "matmul"))


def __rmatmul__(self, other):
    return _matmul(as_tensor_like(other, self), self)


def __neg__(self):
    # (The row's forward refuses a bool tensor with PyTorch's error.)
    return pointwise_rows.neg(self)


def __abs__(self):
    return pointwise_rows.abs(self)


# --- comparisons and logic (no gradient) -------------------------------------------------

# The comparison operators differ only in the NumPy function they compare with.
_COMPARISONS = {"__eq__": xp.equal, "__ne__": xp.not_equal, "__lt__": xp.less,
                "__le__": xp.less_equal, "__gt__": xp.greater, "__ge__": xp.greater_equal}


def _comparison(name: str, ufunc):
    """The operator ``name`` (``x < y``, ...): ``comparison.compare`` with ``ufunc``."""
    def operator(self, other):
        return comparison.compare(ufunc, self, other)
    operator.__name__ = operator.__qualname__ = name
    return operator


def _bits(fn, a, b):
    """A bit operator: ``NotImplemented`` for an operand that is no tensor or number (so
    Python tries the other side, then raises its TypeError), as in PyTorch."""
    if not isinstance(b, Tensor) and not is_number(b) \
            or not isinstance(a, Tensor) and not is_number(a):
        return NotImplemented
    return fn(a, b)


def __and__(self, other):
    return _bits(bitwise.bitwise_and, self, other)


def __or__(self, other):
    return _bits(bitwise.bitwise_or, self, other)


def __xor__(self, other):
    return _bits(bitwise.bitwise_xor, self, other)


def __invert__(self):
    if self.dtype.is_floating_point:
        raise TypeError("~ (operator.invert) is only implemented on integer and Boolean-type "
                        "tensors. Fix: use logical_not() for a mask, or .long() first.")
    return bitwise.bitwise_not(self)


# --- indexing and iteration -------------------------------------------------------------

def __getitem__(self, key):
    return indexing.getitem(self, key)


def __setitem__(self, key, value) -> None:
    indexing.setitem(self, key, value)


def __iter__(self):
    if self._data.ndim == 0:
        raise TypeError("iteration over a 0-d tensor")
    return iter(joining.unbind(self, 0))


# --- transposes, as properties ----------------------------------------------------------

def _reversed_dims(self) -> Tensor:
    """All dimensions reversed (the transpose of a matrix).

    >>> torch.tensor([[1, 2], [3, 4]]).T
    tensor([[1, 3],
            [2, 4]])
    """
    ndim = self._data.ndim  # (Tensor.ndim is a Python property)
    if ndim == 2:  # PyTorch records .T as a permute, also for matrices
        return shape_rows.permute(self, _SWAPPED)
    if ndim > 2:  # (dims valid by construction: torch.permute's checks are not needed)
        return shape_rows.permute(self, tuple(range(ndim - 1, -1, -1)))
    return shape_rows.alias(self)


_SWAPPED = (1, 0)


def _matrix_transpose(self) -> Tensor:
    """The last two dimensions swapped (a batch of transposed matrices).

    >>> torch.zeros(5, 2, 3).mT.shape
    torch.Size([5, 3, 2])
    """
    if self.ndim < 2:
        raise RuntimeError("tensor.mT is only supported on matrices or batches of matrices. "
                           f"Got {self.ndim}-D tensor.")
    return shape.transpose(self, -2, -1)


# --- in-place methods -------------------------------------------------------------------

def add_(self, other, alpha=1):
    """``self += alpha * other``, in place.

    >>> torch.tensor([1., 2.]).add_(torch.tensor([1., 1.]), alpha=10)
    tensor([11., 12.])
    """
    return inplace(self, pointwise.add, other, alpha=alpha)


def sub_(self, other, alpha=1):
    """``self -= alpha * other``, in place.

    >>> torch.tensor([1., 2.]).sub_(1)
    tensor([0., 1.])
    """
    return inplace(self, pointwise.sub, other, alpha=alpha)


def div_(self, other, rounding_mode=None):
    """``self /= other``, in place.

    >>> torch.tensor([1., 2.]).div_(2)
    tensor([0.5000, 1.0000])
    """
    return inplace(self, pointwise.div, other, rounding_mode=rounding_mode)


def clamp_(self, min=None, max=None):  # noqa: A002 - PyTorch's names
    """Limit values to ``[min, max]``, in place (``clip_`` is the same).

    >>> torch.tensor([-1., 0.5, 2.]).clamp_(0, 1)
    tensor([0.0000, 0.5000, 1.0000])
    """
    return inplace(self, pointwise.clamp, min, max)


def zero_(self):
    """Set every element to zero, in place (``x.grad.zero_()`` resets a gradient).

    >>> torch.ones(3).zero_()
    tensor([0., 0., 0.])
    """
    if self._grad_fn is None and not self._requires_grad and self._base is None \
            and self._fw_grad is None:
        # A tensor in no graph and with no tangent (x.grad.zero_() in every training loop):
        # nothing can be recorded or refused, so fill_'s direct path is taken at once,
        # without its grad-mode reads and checks.
        return _fill_array(self, 0, True)
    if grad_mode.state.enabled and self._grad_fn is not None:
        return inplace(self, indexing_rows.zero)
    return fill_(self, 0)


def fill_(self, value):
    """Set every element to ``value``, in place.

    >>> torch.zeros(3).fill_(2.5)
    tensor([2.5000, 2.5000, 2.5000])
    """
    check_inplace_leaf(self)
    number = not isinstance(value, Tensor)
    if not number:
        if (grad_mode.state.enabled and value._requires_grad) or value._fw_grad is not None:
            return inplace(self, indexing_rows.fill_tensor, value)
        value = value.item()
    # Nothing to record (x.grad.zero_() in every training loop): fill the array directly
    # (a number may fill an expanded tensor, as in PyTorch: one value in each location).
    # A view whose base requires grad goes through inplace, which records or refuses.
    if (not grad_mode.state.enabled or (self._grad_fn is None and not requires_grad(self))) \
            and self._fw_grad is None:
        return _fill_array(self, value, number)
    return inplace(self, indexing_rows.fill, value)  # records, or raises the read-only error


def _fill_array(self, value, number: bool):
    """fill_ where nothing is recorded: the array is filled directly."""
    # 0 fits every dtype: only other values need the overflow check (zero_ of .grad runs
    # in every training loop)
    target = writable(self._data, shared_ok=number)
    value = value if value == 0 else fill_scalar(value, self._data.dtype)
    target.fill(value)
    self._bump_version()
    if _tracing.tracer is not None:
        _tracing.tracer.wrote(self, type(target).fill, (target, value), None)
    return self


def copy_(self, src, non_blocking: bool = False):
    """Copy ``src`` (broadcast) into this tensor, in place.

    >>> x = torch.zeros(2, 2)
    >>> x.copy_(torch.tensor([1., 2.]))
    tensor([[1., 2.],
            [1., 2.]])
    """
    src = as_tensor_like(src, self)
    check_inplace_leaf(self)
    if (grad_mode.state.enabled and (requires_grad(self) or src._requires_grad)) \
            or self._fw_grad is not None or src._fw_grad is not None:
        return inplace(self, copy_row, src)
    # (PyTorch's error for an expanded tensor, else the memory to write)
    target = writable(self._data)
    xp.copyto(target, xp.broadcast_to(src._data, self._data.shape), casting="unsafe")
    self._bump_version()
    if _tracing.tracer is not None:  # (copyto broadcasts src itself)
        _tracing.tracer.wrote(self, xp.copyto, (target, src._data), {"casting": "unsafe"})
    return self


def _inplace_twin(fn):
    """``x.exp_()`` for ``fn = torch.exp``: the result written into ``x`` (``engine.inplace``)."""
    def method(self, *args, **kwargs):
        return inplace(self, fn, *args, **kwargs)
    method.__name__ = method.__qualname__ = fn.__name__ + "_"
    method.__doc__ = f"In-place ``{fn.__name__}``: the result is written into this tensor."
    return method


def _reshape_inplace(fn):
    """``t_``, ``transpose_``, ``squeeze_``, ``unsqueeze_``: change this tensor's shape in place
    (it becomes the view ``fn`` returns, taking over its place in the graph)."""
    def method(self, *args, **kwargs):
        check_inplace_leaf(self)
        if self._base is not None and grad_mode.state.enabled and requires_grad(self):
            check_view_inplace(self)  # the same refusals as for a change of the values
        result = fn(self, *args, **kwargs)
        self._data = result._data
        if result._grad_fn is not None:
            old_node, old_nr = self._grad_fn, self._output_nr
            self._grad_fn, self._output_nr = result._grad_fn, result._output_nr
            move_retains_grad(self, old_node, old_nr)
        elif self._base is not None:
            # Not recorded: its history no longer describes it, so (as in PyTorch) it is
            # re-derived from its base when next used.
            self._attr_version = None
        return self
    method.__name__ = method.__qualname__ = fn.__name__ + "_"
    method.__doc__ = f"In-place ``{fn.__name__}``: this tensor takes the new shape."
    return method


def backward(self, gradient=None, retain_graph=None, create_graph: bool = False,
             inputs=None) -> None:
    """Compute the gradient of this tensor with respect to the leaves, into their ``.grad``.

    >>> x = torch.arange(4.0, requires_grad=True)
    >>> (2 * torch.dot(x, x)).backward()
    >>> x.grad
    tensor([ 0.,  4.,  8., 12.])
    """
    _autograd_backward(self, gradient, retain_graph, create_graph, inputs=inputs)


# --- the table ----------------------------------------------------------------------------

_FAMILIES = (pointwise, comparison, reduction, matrix, shape, joining, indexing, selection,
             conversion, random, creation, activation)

# Methods that are the torch.* function of the same name, with the tensor as ``input``.
_SAME_AS_FUNCTION = """
exp exp2 expm1 log log2 log10 log1p sqrt rsqrt sin cos tan asin acos atan arcsin arccos arctan
sinh cosh tanh sigmoid erf reciprocal neg negative abs absolute sign floor ceil trunc fix frac
relu round square atan2 arctan2 clamp clip lerp maximum minimum eq ne lt le gt ge greater
greater_equal less less_equal not_equal equal allclose isclose isnan isinf isfinite isposinf
isneginf logical_not logical_and logical_or logical_xor signbit nan_to_num
add sub mul div true_divide divide multiply subtract floor_divide remainder fmod pow
sum mean prod amax amin max min argmax argmin var std norm logsumexp cumsum cumprod all any
dot mv mm bmm matmul outer ger
reshape flatten unflatten squeeze unsqueeze transpose swapaxes swapdims t permute movedim
moveaxis broadcast_to flip roll narrow split chunk unbind tril triu std_mean
var_mean
softmax log_softmax sort argsort msort topk kthvalue median mode cummax cummin unique nonzero
count_nonzero inverse det repeat_interleave tile diag trace diff take_along_dim multinomial cross
hypot logaddexp addmm baddbmm kron diagonal masked_select take ravel clamp_min clamp_max addcmul
addcdiv addmv addbmm argwhere bincount nansum nanmean fliplr flipud rot90 aminmax dist
deg2rad rad2deg xlogy logit sgn
select gather scatter scatter_add index_select masked_fill
acosh asinh atanh arccosh arcsinh arctanh erfc erfinv lgamma digamma copysign
heaviside fmax fmin float_power logaddexp2 logcumsumexp quantile nanquantile inner vdot
addr diag_embed hsplit vsplit tensor_split positive sinc index_add index_fill
index_copy is_nonzero is_same_size as_strided split_with_sizes
view expand expand_as repeat clone
hardshrink prelu
""".split()

# In-place twins: ``x.exp_()`` is ``x.copy_(torch.exp(x))`` recorded as PyTorch records it
# (the node is exp's; the version counter moves on).
_INPLACE_TWINS = """
exp exp2 expm1 log log2 log10 log1p sqrt rsqrt sin cos tan asin acos atan arcsin arccos arctan
sinh cosh tanh asinh acosh atanh arcsinh arccosh arctanh sigmoid erf erfc erfinv lgamma digamma
reciprocal neg negative abs absolute sign sgn floor ceil trunc fix frac relu round square
atan2 arctan2 lerp clamp_min clamp_max addcmul addcdiv nan_to_num hypot logit xlogy
deg2rad rad2deg copysign heaviside fmax fmin float_power sinc mul pow
true_divide multiply subtract remainder fmod tril triu index_add index_fill index_copy
eq ne lt le gt ge logical_not logical_and logical_or logical_xor masked_fill scatter scatter_add
""".split()


def _function(name: str):
    for family in _FAMILIES:
        fn = getattr(family, name, None)
        if fn is not None and not isinstance(fn, type(xp)):
            # Methods take no out= (as in PyTorch): the function without that keyword.
            return getattr(fn, "without_out", fn)
    raise AttributeError(f"no torch.{name} to bind as Tensor.{name}")


for _name in _SAME_AS_FUNCTION:
    setattr(Tensor, _name, _function(_name))
for _name in _INPLACE_TWINS:
    setattr(Tensor, _name + "_", _inplace_twin(_function(_name)))
for _name in "t transpose swapaxes swapdims squeeze unsqueeze as_strided".split():
    setattr(Tensor, _name + "_", _reshape_inplace(_function(_name)))
for _name in ("normal_", "uniform_", "bernoulli_", "random_", "exponential_", "log_normal_",
              "geometric_", "cauchy_"):
    setattr(Tensor, _name, getattr(random, _name))
del _name

# Linear algebra: the methods that are torch.* functions of the decompositions and solvers
# families.
for _name in ("cholesky qr svd slogdet logdet lu geqrf orgqr ormqr matrix_exp eig "
              "symeig").split():
    setattr(Tensor, _name, getattr(decomposition_functions, _name))
for _name in "cholesky_solve cholesky_inverse triangular_solve pinverse matrix_power".split():
    setattr(Tensor, _name, getattr(solver_functions, _name))
for _name in "cov corrcoef".split():
    setattr(Tensor, _name, getattr(matrix, _name))
# Tensor.lu_solve(LU_data, LU_pivots) is torch.lu_solve(self, ...); solve and lstsq take A.
Tensor.lu_solve = solver_functions.lu_solve
Tensor.solve = solver_functions.solve
Tensor.lstsq = solver_functions.lstsq

# The operators and the methods defined above.
for _fn in (__add__, __sub__, __rsub__, __mul__, __truediv__, __rtruediv__, __floordiv__,
            __rfloordiv__, __mod__, __rmod__, __pow__, __rpow__, __matmul__, __rmatmul__,
            __neg__, __abs__, __and__, __or__, __xor__, __invert__, __getitem__, __setitem__,
            __iter__, add_, sub_, div_, clamp_, zero_, fill_, copy_, backward):
    setattr(Tensor, _fn.__name__, _fn)
for _name, _ufunc in _COMPARISONS.items():
    setattr(Tensor, _name, _comparison(_name, _ufunc))
del _fn, _name, _ufunc
Tensor.__radd__ = __add__
Tensor.__rmul__ = __mul__
Tensor.__rand__, Tensor.__ror__, Tensor.__rxor__ = __and__, __or__, __xor__
Tensor.clip_ = clamp_
Tensor.where = lambda self, condition, other: pointwise.where(condition, self, other)
Tensor.view_as = lambda self, other: shape.view(self, other.shape)
Tensor.reshape_as = lambda self, other: shape.reshape(self, other.shape)
Tensor.bernoulli = lambda self, p=None, *, generator=None: random.bernoulli(self, p, generator)
Tensor.T = property(_reversed_dims)
Tensor.mT = property(_matrix_transpose)
Tensor.H = property(_reversed_dims)  # the conjugate transpose: the transpose, for real dtypes
Tensor.mH = property(_matrix_transpose)

# The compiled core's twins of the commonest operators and of backward() (_core_front.c
# FastMethod): the interpreter calls them with no Python frame, and they hand every case
# but their common one to the Python method above.  (x * y is one C call into the row.)
if compiled is not None:
    Tensor.__add__ = compiled.fast_method("row", __add__, pointwise_rows.add)
    Tensor.__radd__ = Tensor.__add__
    Tensor.__mul__ = compiled.fast_method("row", __mul__, pointwise_rows.mul)
    Tensor.__rmul__ = Tensor.__mul__
    Tensor.__truediv__ = compiled.fast_method("row", __truediv__, pointwise_rows.div)
    Tensor.__neg__ = compiled.fast_method("row", __neg__, pointwise_rows.neg)
    Tensor.__sub__ = compiled.fast_method("not_bool", __sub__, pointwise_rows.sub)
    Tensor.__pow__ = compiled.fast_method("float_power", __pow__, pointwise_rows.pow_scalar)
    Tensor.backward = compiled.fast_method("backward", backward)
    Tensor.requires_grad_ = compiled.fast_method("requires_grad", Tensor.requires_grad_)
    Tensor.zero_ = compiled.fast_method("zero", zero_)

# In-place arithmetic: the operators of ``x += y`` are the ``add_`` family.
Tensor.__iadd__ = add_
Tensor.__isub__ = sub_ if compiled is None else compiled.fast_method("no_grad_sub", sub_)
Tensor.__imul__ = Tensor.mul_
Tensor.__itruediv__ = div_
Tensor.__ipow__ = Tensor.pow_
Tensor.__ifloordiv__ = _inplace_twin(_floor_divide)
Tensor.__imod__ = Tensor.remainder_

# How NumPy's functions and other libraries see a tensor (array_protocol, functions.dlpack).
Tensor.__array_ufunc__ = array_protocol.array_ufunc
Tensor.__array_function__ = array_protocol.array_function
Tensor.__dlpack__ = lambda self, *, stream=None, max_version=None, dl_device=None, copy=None: \
    dlpack.export(self, stream, max_version, dl_device, copy)
Tensor.__dlpack_device__ = dlpack.device

# Autograd and conversions.
Tensor.grad_fn = property(grad_fn_of, doc="""The node that computed this tensor (None for a leaf).

    >>> (torch.ones(2, requires_grad=True) * 2).grad_fn
    <MulBackward0 object at 0x...>
    """)
Tensor.register_hook = hooks.register_hook
Tensor.retain_grad = hooks.retain_grad
Tensor.register_post_accumulate_grad_hook = hooks.register_post_accumulate_grad_hook
Tensor.to = conversion.to
Tensor.numpy = conversion.numpy
Tensor.__array__ = conversion.array
Tensor.type = conversion.legacy_type
Tensor.type_as = conversion.type_as
Tensor.new_tensor = conversion.new_tensor
Tensor.float = conversion.to_float
Tensor.double = conversion.to_double
Tensor.half = conversion.to_half
Tensor.long = conversion.to_long
Tensor.int = conversion.to_int
Tensor.short = conversion.to_short
Tensor.char = conversion.to_char
Tensor.byte = conversion.to_byte
Tensor.bool = conversion.to_bool
Tensor.volatile = property(legacy.volatile, legacy.set_volatile)

# The memory under the tensor (functions.storage), the complex-number API on real dtypes
# (functions.complex_api) and the in-place matrix products (functions.matrix_more).
for _module, _names in (
        (storage, ("stride", "storage_offset", "data_ptr", "untyped_storage", "storage",
                   "contiguous", "new_empty_strided", "is_set_to", "get_device")),
        (complex_api, ("isreal", "adjoint", "is_signed")),
        (matrix_more, ("addmm_", "addmv_", "addr_", "addbmm_", "baddbmm_"))):
    for _name in _names:
        setattr(Tensor, _name, getattr(_module, _name))
del _module, _names, _name
Tensor.set_ = set_
Tensor.real = property(complex_api.real_property, complex_api.set_real)
Tensor.imag = property(complex_api.imag_property, complex_api.set_imag)

# --- scatter with reductions, histograms, windows and the rest of issue 12's misc names -----
for _name in scatter.__all__:
    setattr(Tensor, _name, getattr(scatter, _name))
for _name in "scatter_reduce index_reduce index_put put masked_scatter".split():
    setattr(Tensor, _name + "_", _inplace_twin(getattr(scatter, _name)))
for _name in "nanmedian unique_consecutive renorm diagflat dsplit unsafe_split unsafe_chunk " \
             "fill_diagonal_ unsafe_split_with_sizes".split():
    setattr(Tensor, _name, _function(_name))
for _name in "renorm cumsum cumprod greater greater_equal less less_equal not_equal divide " \
             "floor_divide".split():
    setattr(Tensor, _name + "_", _inplace_twin(_function(_name)))
for _name in "is_pinned dense_dim values as_subclass".split():
    setattr(Tensor, _name, getattr(properties, _name))
del _name
Tensor.sum_to_size = reduction.sum_to_size
Tensor.histc = histogram.histc
Tensor.histogram = histogram.histogram
Tensor.stft = spectral.stft

# --- bit operations: methods, in-place twins, shifts and in-place operators ---------------
for _name in bitwise.__all__:  # methods take no out= (the functions without it)
    setattr(Tensor, _name, getattr(bitwise, _name).without_out)
    setattr(Tensor, _name + "_", _inplace_twin(getattr(bitwise, _name).without_out))
del _name
Tensor.__lshift__ = lambda self, other: _bits(bitwise.bitwise_left_shift, self, other)
Tensor.__rshift__ = lambda self, other: _bits(bitwise.bitwise_right_shift, self, other)
Tensor.__rlshift__ = lambda self, other: _bits(bitwise.bitwise_left_shift, other, self)
Tensor.__rrshift__ = lambda self, other: _bits(bitwise.bitwise_right_shift, other, self)
for _op, _name in (("and", "bitwise_and"), ("or", "bitwise_or"), ("xor", "bitwise_xor"),
                   ("lshift", "bitwise_left_shift"), ("rshift", "bitwise_right_shift")):
    setattr(Tensor, f"__i{_op}__", lambda self, other, _method=getattr(Tensor, _name + "_"):
            _bits(_method, self, other))
del _op, _name
for _name in floating.__all__:
    setattr(Tensor, _name, getattr(floating, _name).without_out)
Tensor.ldexp_ = _inplace_twin(floating.ldexp.without_out)
Tensor.unfold = sliding.unfold
Tensor.nextafter_ = _inplace_twin(floating.nextafter.without_out)

# Special functions (functions/special.py); polygamma takes its order first, as in PyTorch.
Tensor.i0 = special.i0.without_out
Tensor.igamma = special.igamma.without_out
Tensor.igammac = special.igammac.without_out
Tensor.mvlgamma = special.mvlgamma.without_out
Tensor.polygamma = lambda self, n: special.polygamma.without_out(n, self)
Tensor.polygamma.__name__ = Tensor.polygamma.__qualname__ = "polygamma"
for _name in "i0 igamma igammac mvlgamma polygamma".split():
    setattr(Tensor, _name + "_", _inplace_twin(getattr(Tensor, _name)))
