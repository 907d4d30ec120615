"""``Parameter``: a tensor that a ``Module`` registers as one of its learnable weights."""
from __future__ import annotations

from ..functions.creation import empty
from ..tensor import Tensor, _init


class Parameter(Tensor):
    """A leaf tensor that requires grad and is collected by ``Module.parameters()``.

    >>> import chainrule as torch
    >>> torch.nn.Parameter(torch.zeros(2))
    Parameter containing:
    tensor([0., 0.], requires_grad=True)
    """

    def __new__(cls, data: Tensor | None = None, requires_grad: bool = True):
        return object.__new__(cls)

    def __init__(self, data: Tensor | None = None, requires_grad: bool = True) -> None:
        if data is None:
            data = empty(0)
        _init(self, data._data)  # shares memory with ``data``, as PyTorch does
        self.requires_grad_(requires_grad)

    def __repr__(self) -> str:
        return "Parameter containing:\n" + super().__repr__()

    __str__ = __repr__

    def __reduce_ex__(self, protocol):
        return (Parameter, (Tensor._make(self._data.copy()), self._requires_grad))


def empty_parameter(*shape: int, dtype=None) -> Parameter:
    """A parameter of ``shape`` whose values its layer's ``reset_parameters`` then sets.

    >>> import chainrule as torch
    >>> torch.nn.parameter.empty_parameter(2, 3).shape
    torch.Size([2, 3])
    """
    return Parameter(empty(*shape, dtype=dtype))
