"""Padding layers: ``ZeroPad2d``, ``ConstantPad1d``/``2d``, ``ReflectionPad1d``/``2d`` and
``ReplicationPad1d``/``2d``, as in ``torch.nn``.

``padding`` is an int (the same on every side) or one amount per side, last
dimension first, as ``nn.functional.pad`` takes it.
"""
from __future__ import annotations

from ..tensor import Tensor
from . import functional
from .module import Module


class _PadNd(Module):
    _pad_len = 2
    _mode = "constant"

    def __init__(self, padding) -> None:
        super().__init__()
        n = self._pad_len
        self.padding = tuple(padding) if isinstance(padding, (tuple, list)) else (padding,) * n
        if len(self.padding) != n:
            raise ValueError(f"{type(self).__name__}: padding must be an int or a tuple of {n} "
                             f"ints, but got {padding}")

    def forward(self, input: Tensor) -> Tensor:
        return functional.pad(input, self.padding, self._mode)

    def extra_repr(self) -> str:
        return f"{self.padding}"


class _ConstantPadNd(_PadNd):
    def __init__(self, padding, value: float) -> None:
        super().__init__(padding)
        self.value = value

    def forward(self, input: Tensor) -> Tensor:
        return functional.pad(input, self.padding, "constant", self.value)

    def extra_repr(self) -> str:
        return f"padding={self.padding}, value={self.value}"


class ConstantPad1d(_ConstantPadNd):
    """Pads the last dimension with ``value``: ``padding`` is an int or ``(left, right)``.

    >>> import chainrule as torch
    >>> torch.nn.ConstantPad1d((1, 2), 3.5)(torch.zeros(1, 2))
    tensor([[3.5000, 0.0000, 0.0000, 3.5000, 3.5000]])
    """


class ConstantPad2d(_ConstantPadNd):
    """Pads the last two dimensions with ``value``: ``(left, right, top, bottom)``.

    >>> import chainrule as torch
    >>> torch.nn.ConstantPad2d((1, 2, 3, 4), 0.5)
    ConstantPad2d(padding=(1, 2, 3, 4), value=0.5)
    """

    _pad_len = 4


class ZeroPad2d(ConstantPad2d):
    """Pads the last two dimensions with zeros: ``(left, right, top, bottom)``.

    >>> import chainrule as torch
    >>> torch.nn.ZeroPad2d(1)(torch.ones(1, 1, 1))
    tensor([[[0., 0., 0.],
             [0., 1., 0.],
             [0., 0., 0.]]])
    """

    def __init__(self, padding) -> None:
        super().__init__(padding, 0.0)

    def extra_repr(self) -> str:
        return f"{self.padding}"


class ReflectionPad1d(_PadNd):
    """Pads the last dimension with its reflection (the edge not repeated).

    >>> import chainrule as torch
    >>> torch.nn.ReflectionPad1d(2)(torch.tensor([[1., 2., 3.]]))
    tensor([[3., 2., 1., 2., 3., 2., 1.]])
    """

    _mode = "reflect"


class ReflectionPad2d(ReflectionPad1d):
    """Pads the last two dimensions with their reflection.

    >>> import chainrule as torch
    >>> torch.nn.ReflectionPad2d(1)
    ReflectionPad2d((1, 1, 1, 1))
    """

    _pad_len = 4


class ReplicationPad1d(_PadNd):
    """Pads the last dimension by repeating its edge values.

    >>> import chainrule as torch
    >>> torch.nn.ReplicationPad1d((1, 2))(torch.tensor([[1., 2., 3.]]))
    tensor([[1., 1., 2., 3., 3., 3.]])
    """

    _mode = "replicate"


class ReplicationPad2d(ReplicationPad1d):
    """Pads the last two dimensions by repeating their edge values.

    >>> import chainrule as torch
    >>> torch.nn.ReplicationPad2d(2)
    ReplicationPad2d((2, 2, 2, 2))
    """

    _pad_len = 4
