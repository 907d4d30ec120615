"""Padding: ``torch.constant_pad_nd``, the constant mode of ``nn.functional.pad``.

``pad`` lists amounts for the last dimensions, last dimension first, as
``(before, after)`` pairs; a negative amount crops.  One row
(``chainrule.ops.padding``) pads and crops at once.
"""
from __future__ import annotations

from ..ops import padding as padding_ops
from ..tensor import Tensor

__all__ = ["constant_pad_nd"]


def pad_widths(pad, ndim: int) -> tuple:
    """``pad`` (last dimension first) as one ``(before, after)`` pair per dimension."""
    widths = [(0, 0)] * ndim
    for i in range(len(pad) // 2):
        widths[ndim - 1 - i] = (pad[2 * i], pad[2 * i + 1])
    return tuple(widths)


def constant_pad_nd(input: Tensor, pad, value: float = 0) -> Tensor:
    """Pad the last ``len(pad) // 2`` dimensions with ``value``; ``pad = (left, right, top,
    bottom, ...)``, last dimension first; negative amounts crop.

    >>> torch.constant_pad_nd(torch.tensor([[1., 2., 3.]]), (1, -1), 9.)
    tensor([[9., 1., 2.]])
    """
    pad = tuple(int(p) for p in pad)
    if len(pad) % 2:
        raise RuntimeError(f"Length of pad must be even but instead it equals {len(pad)}")
    if len(pad) // 2 > input.ndim:
        raise RuntimeError(f"Length of pad should be no more than twice the number of "
                           f"dimensions of the input. Pad length is {len(pad)}while the input "
                           f"has {input.ndim}dimensions.")
    widths = pad_widths(pad, input.ndim)
    for dim, (lo, hi) in enumerate(widths):
        if input.shape[dim] + min(lo, 0) + min(hi, 0) < 0:
            raise RuntimeError(f"narrow(): length must be non-negative. Fix: the padding "
                               f"({lo}, {hi}) crops more than the {input.shape[dim]} entries "
                               f"of dimension {dim}")
    return padding_ops.constant_pad(input, widths, value)
