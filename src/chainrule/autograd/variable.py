"""``torch.autograd.Variable``: the pre-0.4 wrapper, kept for old code.

Variables and tensors were merged in PyTorch 0.4: ``Variable(t,
requires_grad=True)`` now returns a plain tensor (sharing ``t``'s values,
with no history), every tensor is an instance of ``Variable``, and
``volatile`` has no effect beyond a warning.
"""
from __future__ import annotations

import warnings

from ..functions.creation import empty
from ..tensor import Tensor

__all__ = ["Variable"]

_VOLATILE_WARNING = ("volatile was removed and now has no effect. Use `with torch.no_grad():` "
                     "instead.")


class _VariableMeta(type):
    def __instancecheck__(cls, other) -> bool:
        return isinstance(other, Tensor)


class Variable(metaclass=_VariableMeta):
    """``Variable(data, requires_grad=False)``: a tensor with ``data``'s values and no history.

    >>> from chainrule.autograd import Variable
    >>> x = Variable(torch.ones(2), requires_grad=True)
    >>> x, isinstance(x, Variable)
    (tensor([1., 1.], requires_grad=True), True)
    """

    def __new__(cls, data=None, requires_grad: bool = False, volatile: bool = False):
        if volatile:
            warnings.warn(_VOLATILE_WARNING, UserWarning, stacklevel=2)
            if requires_grad:
                raise ValueError("Variable can't be volatile and require_grad at the same time!")
        if data is None:
            data = empty(0)
        if not isinstance(data, Tensor):
            raise TypeError(f"Variable data has to be a tensor, but got {type(data).__name__}. "
                            "Fix: pass torch.tensor(...) of the values.")
        return data.detach().requires_grad_(requires_grad)
