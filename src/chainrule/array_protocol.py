"""How NumPy's functions treat chainrule tensors (``Tensor.__array_ufunc__`` and
``Tensor.__array_function__``).

By default as they treat PyTorch's tensors: a NumPy function reads a tensor's values
(which raises for a tensor that requires grad: "Can't call numpy() on Tensor that
requires grad"), except that ``ndarray + tensor`` and the other operators are the
tensor's own operators (as they were before these hooks existed).  Inside
``chainrule.numpy.enable_protocol()`` they go to the handlers that context sets
(chainrule.numpy's, which differentiate).  ``chainrule.tensor_methods`` binds
these functions as the Tensor's methods.
"""
from __future__ import annotations

import contextvars

from ._backend import xp
from .tensor import Tensor

# The (array_ufunc, array_function) pair that handles NumPy's calls in this context, or None
# (outside chainrule.numpy.enable_protocol(): PyTorch's behaviour).
handlers: contextvars.ContextVar = contextvars.ContextVar("chainrule_numpy_protocol",
                                                          default=None)

# ufunc -> (the Tensor's method when the tensor is first, when it is second)
_OPERATORS = {
    xp.add: ("__add__", "__radd__"), xp.subtract: ("__sub__", "__rsub__"),
    xp.multiply: ("__mul__", "__rmul__"), xp.divide: ("__truediv__", "__rtruediv__"),
    xp.floor_divide: ("__floordiv__", "__rfloordiv__"), xp.remainder: ("__mod__", "__rmod__"),
    xp.power: ("__pow__", "__rpow__"), xp.matmul: ("__matmul__", "__rmatmul__"),
    xp.bitwise_and: ("__and__", "__rand__"), xp.bitwise_or: ("__or__", "__ror__"),
    xp.bitwise_xor: ("__xor__", "__rxor__"),
    xp.left_shift: ("__lshift__", "__rlshift__"), xp.right_shift: ("__rshift__", "__rrshift__"),
    xp.equal: ("__eq__", "__eq__"), xp.not_equal: ("__ne__", "__ne__"),
    xp.less: ("__lt__", "__gt__"), xp.less_equal: ("__le__", "__ge__"),
    xp.greater: ("__gt__", "__lt__"), xp.greater_equal: ("__ge__", "__le__"),
}


def array_ufunc(self, ufunc, method: str, *inputs, **kwargs):
    """``getattr(ufunc, method)(*inputs, **kwargs)`` where an input is a chainrule tensor."""
    active = handlers.get()
    if active is not None:
        return active[0](ufunc, method, inputs, kwargs)
    if method == "__call__" and not kwargs and len(inputs) == 2:
        names = _OPERATORS.get(ufunc)
        if names is not None:  # ndarray * tensor: the tensor's operator, as before
            a, b = inputs
            return getattr(a, names[0])(b) if isinstance(a, Tensor) else getattr(b, names[1])(a)
    arrays = [xp.asarray(x) if isinstance(x, Tensor) else x for x in inputs]
    return getattr(ufunc, method)(*arrays, **kwargs)


def array_function(self, func, types, args: tuple, kwargs: dict):
    """NumPy's ``func(*args, **kwargs)`` where an argument is a chainrule tensor."""
    active = handlers.get()
    if active is not None:
        return active[1](func, types, args, kwargs)
    return func._implementation(*args, **kwargs)  # NumPy's own code, as with no protocol
