"""Resampling layers: ``Upsample`` (and its 2-D forms), ``PixelShuffle``,
``PixelUnshuffle`` and ``ChannelShuffle``, as in ``torch.nn``."""
from __future__ import annotations

from ..tensor import Tensor
from . import functional
from .module import Module
from .options import FunctionalModule


class Upsample(Module):
    """Resamples its input with ``interpolate``.

    >>> torch.nn.Upsample(scale_factor=2, mode="bilinear")
    Upsample(scale_factor=2.0, mode='bilinear')
    """

    def __init__(self, size=None, scale_factor=None, mode: str = "nearest",
                 align_corners: bool | None = None,
                 recompute_scale_factor: bool | None = None) -> None:
        super().__init__()
        self.name = type(self).__name__
        self.size = size
        if isinstance(scale_factor, (tuple, list)):
            self.scale_factor = tuple(float(s) for s in scale_factor)
        else:
            self.scale_factor = float(scale_factor) if scale_factor else None
        self.mode, self.align_corners = mode, align_corners
        self.recompute_scale_factor = recompute_scale_factor

    def forward(self, input: Tensor) -> Tensor:
        return functional.interpolate(input, self.size, self.scale_factor, self.mode,
                                      self.align_corners, self.recompute_scale_factor)

    def extra_repr(self) -> str:
        if self.scale_factor is not None:
            info = f"scale_factor={self.scale_factor!r}"
        else:
            info = f"size={self.size!r}"
        return info + f", mode={self.mode!r}"


class UpsamplingNearest2d(Upsample):
    """``Upsample`` with mode 'nearest' (for ``(N, C, H, W)``).

    >>> torch.nn.UpsamplingNearest2d(scale_factor=2)
    UpsamplingNearest2d(scale_factor=2.0, mode='nearest')
    """

    def __init__(self, size=None, scale_factor=None) -> None:
        super().__init__(size, scale_factor, mode="nearest")


class UpsamplingBilinear2d(Upsample):
    """``Upsample`` with mode 'bilinear' and ``align_corners=True``.

    >>> torch.nn.UpsamplingBilinear2d(size=4)
    UpsamplingBilinear2d(size=4, mode='bilinear')
    """

    def __init__(self, size=None, scale_factor=None) -> None:
        super().__init__(size, scale_factor, mode="bilinear", align_corners=True)


class PixelShuffle(FunctionalModule):
    """``pixel_shuffle`` as a layer.

    >>> torch.nn.PixelShuffle(2)(torch.arange(4.).reshape(4, 1, 1))  # 4 channels -> one 2x2
    tensor([[[0., 1.],
             [2., 3.]]])
    """

    _function = staticmethod(functional.pixel_shuffle)


class PixelUnshuffle(FunctionalModule):
    """``pixel_unshuffle`` as a layer.

    >>> torch.nn.PixelUnshuffle(2)(torch.arange(16.).reshape(1, 4, 4)).shape
    torch.Size([4, 2, 2])
    """

    _function = staticmethod(functional.pixel_unshuffle)


class ChannelShuffle(FunctionalModule):
    """``channel_shuffle`` as a layer: interleaves the channels of ``groups`` groups.

    >>> channels = torch.arange(4.).reshape(1, 4, 1, 1)
    >>> torch.nn.ChannelShuffle(2)(channels).flatten()  # groups (0, 1) and (2, 3) interleaved
    tensor([0., 2., 1., 3.])
    """

    _function = staticmethod(functional.channel_shuffle)
