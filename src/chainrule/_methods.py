"""Tensor methods that are the ``torch.*`` functions with the tensor as first argument.

Listed here, in one table, rather than as dozens of one-line ``def``s in the
Tensor class: ``x.exp()`` *is* ``torch.exp(x)``.
"""
from __future__ import annotations

from . import _functions as F
from .tensor import Tensor, _inplace

_SAME_NAME = """
exp exp2 expm1 log log2 log10 log1p sqrt rsqrt sin cos tan asin acos atan arcsin arccos arctan
sinh cosh tanh sigmoid erf reciprocal neg negative abs absolute sign floor ceil trunc fix frac
relu round square atan2 arctan2 clamp clip lerp maximum minimum eq ne lt le gt ge greater
greater_equal less less_equal not_equal equal allclose isclose isnan isinf isfinite isposinf
isneginf logical_not logical_and logical_or logical_xor signbit nan_to_num
add sub mul div true_divide divide multiply subtract floor_divide remainder fmod pow
sum mean prod amax amin max min argmax argmin var std norm logsumexp cumsum cumprod all any
dot mv mm bmm matmul outer ger
reshape flatten unflatten squeeze unsqueeze transpose swapaxes swapdims t permute movedim
moveaxis broadcast_to flip roll narrow split chunk unbind tril triu std_mean var_mean
softmax log_softmax sort argsort msort topk kthvalue median mode cummax cummin unique nonzero
count_nonzero inverse det repeat_interleave tile diag trace diff take_along_dim multinomial cross
hypot logaddexp addmm baddbmm kron diagonal masked_select take ravel clamp_min clamp_max addcmul
addcdiv addmv addbmm argwhere bincount nansum nanmean fliplr flipud rot90 aminmax dist
deg2rad rad2deg xlogy logit sgn
""".split()

for _name in _SAME_NAME:
    setattr(Tensor, _name, getattr(F, _name))

# Methods with no torch.* twin of the same spelling.
Tensor.view = F.S.view
Tensor.expand = F.S.expand
Tensor.expand_as = F.S.expand_as
Tensor.repeat = F.S.repeat
# shape and indexing methods (not all have a torch.* twin of the same spelling)
for _name in "select gather scatter scatter_add index_select masked_fill".split():
    setattr(Tensor, _name, getattr(F, _name))
Tensor.masked_fill_ = lambda self, mask, value: _inplace(self, F.masked_fill, mask, value)
Tensor.scatter_ = lambda self, dim, index, src=None, *, value=None, reduce=None: _inplace(
    self, F.scatter, dim, index, src, value=value, reduce=reduce)
Tensor.scatter_add_ = lambda self, dim, index, src: _inplace(self, F.scatter_add, dim, index,
                                                             src)
Tensor.where = lambda self, condition, other: F.where(condition, self, other)
Tensor.view_as = lambda self, other: F.S.view(self, other.shape)
Tensor.reshape_as = lambda self, other: F.S.reshape(self, other.shape)

# More methods with a torch.* twin of the same spelling.
for _name in """acosh asinh atanh arccosh arcsinh arctanh erfc erfinv lgamma digamma copysign
        heaviside fmax fmin float_power logaddexp2 logcumsumexp quantile nanquantile inner vdot
        addr diag_embed hsplit vsplit tensor_split positive sinc index_add index_fill
        index_copy is_nonzero is_same_size""".split():
    setattr(Tensor, _name, getattr(F, _name))

# In-place twins: ``x.exp_()`` is ``x.copy_(torch.exp(x))`` recorded as PyTorch records it
# (the node is exp's; the version counter moves on), all through tensor._inplace.
_INPLACE = """
exp exp2 expm1 log log2 log10 log1p sqrt rsqrt sin cos tan asin acos atan arcsin arccos arctan
sinh cosh tanh asinh acosh atanh arcsinh arccosh arctanh sigmoid erf erfc erfinv lgamma digamma
reciprocal neg negative abs absolute sign sgn floor ceil trunc fix frac relu round square
atan2 arctan2 lerp clamp_min clamp_max addcmul addcdiv nan_to_num hypot logit xlogy
deg2rad rad2deg copysign heaviside fmax fmin float_power sinc
true_divide multiply subtract remainder fmod tril triu index_add index_fill index_copy
eq ne lt le gt ge logical_not logical_and logical_or logical_xor
""".split()


def _make_inplace(fn):
    def method(self, *args, **kwargs):
        return _inplace(self, fn, *args, **kwargs)
    method.__name__ = method.__qualname__ = fn.__name__ + "_"
    method.__doc__ = f"In-place ``{fn.__name__}``: the result is written into this tensor."
    return method


for _name in _INPLACE:
    setattr(Tensor, _name + "_", _make_inplace(getattr(F, _name)))


def _reshape_inplace(fn):
    """``t_``, ``transpose_``, ``squeeze_``, ``unsqueeze_``: change this tensor's shape in place
    (it becomes the view ``fn`` returns, taking over its place in the graph)."""
    def method(self, *args, **kwargs):
        from .tensor import _check_inplace_leaf
        _check_inplace_leaf(self)
        result = fn(self, *args, **kwargs)
        self._data = result._data
        if result.grad_fn is not None:
            self.grad_fn, self._output_nr = result.grad_fn, result._output_nr
        return self
    method.__name__ = method.__qualname__ = fn.__name__ + "_"
    method.__doc__ = f"In-place ``{fn.__name__}``: this tensor takes the new shape."
    return method


for _name in "t transpose swapaxes swapdims squeeze unsqueeze".split():
    setattr(Tensor, _name + "_", _reshape_inplace(getattr(F, _name)))
del _name
