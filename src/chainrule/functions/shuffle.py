"""Shuffles: ``torch.pixel_shuffle``, ``pixel_unshuffle`` and ``channel_shuffle`` (also
``nn.functional``'s), with PyTorch's checks; each is one row of ``chainrule.ops.shuffle``.
"""
from __future__ import annotations

from ..ops import shuffle as shuffle_ops
from ..tensor import Tensor

__all__ = ["pixel_shuffle", "pixel_unshuffle", "channel_shuffle"]


def _checked_factor(input: Tensor, factor: int, name: str, factor_name: str) -> int:
    """The pixel (un)shuffle's factor as an int, after PyTorch's checks of it and of input."""
    if input.ndim < 3:
        raise RuntimeError(f"{name} expects input to have at least 3 dimensions, but got input "
                           f"with {input.ndim} dimension(s)")
    r = int(factor)
    if r <= 0:
        raise RuntimeError(f"{name} expects a positive {factor_name}, but got {r}")
    return r


def pixel_shuffle(input: Tensor, upscale_factor: int) -> Tensor:
    """``(*, C*r*r, H, W) -> (*, C, H*r, W*r)``: channels become ``r x r`` blocks of pixels.

    >>> torch.pixel_shuffle(torch.arange(8.).reshape(1, 8, 1, 1), 2).shape
    torch.Size([1, 2, 2, 2])
    """
    r = _checked_factor(input, upscale_factor, "pixel_shuffle", "upscale_factor")
    c = input.shape[-3]
    if c % (r * r):
        raise RuntimeError(f"pixel_shuffle expects its input's 'channel' dimension to be "
                           f"divisible by the square of upscale_factor, but input.size(-3)={c} "
                           f"is not divisible by {r * r}")
    return shuffle_ops.pixel_shuffle(input, r)


def pixel_unshuffle(input: Tensor, downscale_factor: int) -> Tensor:
    """``(*, C, H*r, W*r) -> (*, C*r*r, H, W)``: the inverse of ``pixel_shuffle``.

    >>> torch.pixel_unshuffle(torch.arange(4.).reshape(1, 1, 2, 2), 2).flatten()
    tensor([0., 1., 2., 3.])
    """
    r = _checked_factor(input, downscale_factor, "pixel_unshuffle", "downscale_factor")
    for what, d in (("height", -2), ("width", -1)):
        if input.shape[d] % r:
            raise RuntimeError(f"pixel_unshuffle expects {what} to be divisible by "
                               f"downscale_factor, but input.size({d})={input.shape[d]} is not "
                               f"divisible by {r}")
    return shuffle_ops.pixel_unshuffle(input, r)


def channel_shuffle(input: Tensor, groups: int) -> Tensor:
    """Interleave the channels (dimension 1) of ``groups`` groups: ``(N, g*k, *)`` read as
    ``(N, g, k, *)``, transposed to ``(N, k, g, *)``.

    >>> torch.channel_shuffle(torch.arange(6.).reshape(1, 6, 1), 2).flatten()
    tensor([0., 3., 1., 4., 2., 5.])
    """
    if input.ndim <= 2:
        raise RuntimeError(f"channel_shuffle expects input with > 2 dims, but got input with "
                           f"sizes {list(input.shape)}")
    groups = int(groups)
    if groups <= 0:
        raise RuntimeError(f"Number of groups to divide channels in must be positive. Value of "
                           f"groups:{groups}")
    if input.shape[1] % groups:
        raise RuntimeError(f"Number of channels must be divisible by groups. Got "
                           f"{input.shape[1]} channels and {groups} groups.")
    return shuffle_ops.channel_shuffle(input, groups)
