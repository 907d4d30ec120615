"""Padding layers, as in ``torch.nn``: constant (and zero), reflection, replication and
circular padding of the last 1, 2 or 3 dimensions.

``padding`` is an int (the same on every side) or one amount per side, last
dimension first, as ``nn.functional.pad`` takes it.
"""
from __future__ import annotations

from ..tensor import Tensor
from . import functional
from .module import Module


class _PadNd(Module):
    """A padding layer: ``_dims`` trailing dimensions padded in ``_mode``."""

    _dims = 1
    _mode = "constant"

    def __init__(self, padding) -> None:
        super().__init__()
        n = 2 * self._dims
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


class _ZeroPadNd(_ConstantPadNd):
    def __init__(self, padding) -> None:
        super().__init__(padding, 0.0)

    def extra_repr(self) -> str:
        return f"{self.padding}"


class _CircularPadNd(_PadNd):
    _mode = "circular"

    def forward(self, input: Tensor) -> Tensor:
        d = self._dims
        if input.ndim not in (d + 1, d + 2):
            raise ValueError(f"expected {d + 1}D or {d + 2}D input (got {input.ndim}D input)")
        return super().forward(input)


class ConstantPad1d(_ConstantPadNd):
    """Pads the last dimension with ``value``: ``padding`` is an int or ``(left, right)``.

    >>> torch.nn.ConstantPad1d((1, 2), 3.5)(torch.zeros(1, 2))
    tensor([[3.5000, 0.0000, 0.0000, 3.5000, 3.5000]])
    """


class ConstantPad2d(_ConstantPadNd):
    """Pads the last two dimensions with ``value``: ``(left, right, top, bottom)``.

    >>> torch.nn.ConstantPad2d((1, 2, 3, 4), 0.5)
    ConstantPad2d(padding=(1, 2, 3, 4), value=0.5)
    """

    _dims = 2


class ConstantPad3d(_ConstantPadNd):
    """Pads the last three dimensions with ``value``: ``(left, right, top, bottom, front,
    back)``.

    >>> torch.nn.ConstantPad3d(1, 2.5)(torch.zeros(1, 1, 1)).sum()
    tensor(65.)
    """

    _dims = 3


class ZeroPad1d(_ZeroPadNd):
    """Pads the last dimension with zeros.

    >>> torch.nn.ZeroPad1d((1, 2))(torch.ones(1, 1))
    tensor([[0., 1., 0., 0.]])
    """


class ZeroPad2d(_ZeroPadNd):
    """Pads the last two dimensions with zeros: ``(left, right, top, bottom)``.

    >>> torch.nn.ZeroPad2d(1)(torch.ones(1, 1, 1))
    tensor([[[0., 0., 0.],
             [0., 1., 0.],
             [0., 0., 0.]]])
    """

    _dims = 2


class ZeroPad3d(_ZeroPadNd):
    """Pads the last three dimensions with zeros.

    >>> torch.nn.ZeroPad3d(1)
    ZeroPad3d((1, 1, 1, 1, 1, 1))
    """

    _dims = 3


class ReflectionPad1d(_PadNd):
    """Pads the last dimension with its reflection (the edge not repeated).

    >>> torch.nn.ReflectionPad1d(2)(torch.tensor([[1., 2., 3.]]))
    tensor([[3., 2., 1., 2., 3., 2., 1.]])
    """

    _mode = "reflect"


class ReflectionPad2d(ReflectionPad1d):
    """Pads the last two dimensions with their reflection.

    >>> torch.nn.ReflectionPad2d((1, 1, 0, 1))(torch.arange(4.).reshape(1, 2, 2))
    tensor([[[1., 0., 1., 0.],
             [3., 2., 3., 2.],
             [1., 0., 1., 0.]]])
    """

    _dims = 2


class ReflectionPad3d(ReflectionPad1d):
    """Pads the last three dimensions with their reflection.

    >>> torch.nn.ReflectionPad3d(1)(torch.arange(8.).reshape(1, 2, 2, 2)).shape
    torch.Size([1, 4, 4, 4])
    """

    _dims = 3


class ReplicationPad1d(_PadNd):
    """Pads the last dimension by repeating its edge values.

    >>> torch.nn.ReplicationPad1d((1, 2))(torch.tensor([[1., 2., 3.]]))
    tensor([[1., 1., 2., 3., 3., 3.]])
    """

    _mode = "replicate"


class ReplicationPad2d(ReplicationPad1d):
    """Pads the last two dimensions by repeating their edge values.

    >>> x = torch.tensor([[[1., 2.], [3., 4.]]])
    >>> torch.nn.ReplicationPad2d((1, 0, 0, 1))(x)  # one column on the left, one row below
    tensor([[[1., 1., 2.],
             [3., 3., 4.],
             [3., 3., 4.]]])
    """

    _dims = 2


class ReplicationPad3d(ReplicationPad1d):
    """Pads the last three dimensions by repeating their edge values.

    >>> torch.nn.ReplicationPad3d((1, 0, 0, 0, 0, 1))(torch.ones(1, 1, 1, 1)).shape
    torch.Size([1, 2, 1, 2])
    """

    _dims = 3


class CircularPad1d(_CircularPadNd):
    """Pads the last dimension by wrapping around (the other end's values).

    >>> torch.nn.CircularPad1d((1, 2))(torch.tensor([[1., 2., 3.]]))
    tensor([[3., 1., 2., 3., 1., 2.]])
    """


class CircularPad2d(_CircularPadNd):
    """Pads the last two dimensions by wrapping around.

    >>> torch.nn.CircularPad2d(1)(torch.tensor([[[1., 2.], [3., 4.]]]))
    tensor([[[4., 3., 4., 3.],
             [2., 1., 2., 1.],
             [4., 3., 4., 3.],
             [2., 1., 2., 1.]]])
    """

    _dims = 2


class CircularPad3d(_CircularPadNd):
    """Pads the last three dimensions by wrapping around.

    >>> torch.nn.CircularPad3d(1)
    CircularPad3d((1, 1, 1, 1, 1, 1))
    """

    _dims = 3
