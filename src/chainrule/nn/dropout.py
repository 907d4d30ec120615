"""Dropout layers: ``Dropout``, ``Dropout1d`` and ``Dropout2d``, as in ``torch.nn``."""
from __future__ import annotations

from ..tensor import Tensor
from . import functional
from .module import Module


class _DropoutNd(Module):
    def __init__(self, p: float = 0.5, inplace: bool = False) -> None:
        super().__init__()
        if not 0 <= p <= 1:
            raise ValueError(f"dropout probability has to be between 0 and 1, but got {p}")
        self.p, self.inplace = p, inplace

    def extra_repr(self) -> str:
        return f"p={self.p}, inplace={self.inplace}"


class Dropout(_DropoutNd):
    """Zeroes elements with probability ``p`` while training.

    >>> import chainrule as torch
    >>> torch.nn.Dropout()
    Dropout(p=0.5, inplace=False)
    """

    def forward(self, input: Tensor) -> Tensor:
        return functional.dropout(input, self.p, self.training)


class Dropout1d(_DropoutNd):
    """Channel dropout for ``(N, C, L)``.

    >>> import chainrule as torch
    >>> torch.nn.Dropout1d()
    Dropout1d(p=0.5, inplace=False)
    """

    def forward(self, input: Tensor) -> Tensor:
        return functional.dropout1d(input, self.p, self.training)


class Dropout2d(_DropoutNd):
    """Channel dropout for ``(N, C, H, W)``.

    >>> import chainrule as torch
    >>> torch.nn.Dropout2d(0.3)
    Dropout2d(p=0.3, inplace=False)
    """

    def forward(self, input: Tensor) -> Tensor:
        return functional.dropout2d(input, self.p, self.training)
