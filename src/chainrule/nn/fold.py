"""``Fold`` and ``Unfold``: ``nn.functional.fold``/``unfold`` as layers, as in ``torch.nn``."""
from __future__ import annotations

from . import functional
from .options import FunctionalModule


class Fold(FunctionalModule):
    """Sums columns of sliding windows back into an image of ``output_size``.

    >>> fold = torch.nn.Fold(output_size=(3, 3), kernel_size=2)
    >>> fold
    Fold(output_size=(3, 3), kernel_size=2, dilation=1, padding=0, stride=1)
    >>> fold(torch.ones(1, 4, 4))
    tensor([[[[1., 2., 1.],
              [2., 4., 2.],
              [1., 2., 1.]]]])
    """

    _function = staticmethod(functional.fold)


class Unfold(FunctionalModule):
    """The sliding windows of an image as columns, ``(N, C * prod(kernel_size), L)``.

    >>> unfold = torch.nn.Unfold(kernel_size=2, padding=1)
    >>> unfold
    Unfold(kernel_size=2, dilation=1, padding=1, stride=1)
    >>> unfold(torch.ones(1, 3, 2, 2)).shape
    torch.Size([1, 12, 9])
    """

    _function = staticmethod(functional.unfold)
