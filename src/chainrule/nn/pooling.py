"""Pooling layers, as in ``torch.nn``: max, average, adaptive and power-average pooling in
1, 2 and 3 dimensions, fractional max pooling and max unpooling.

Each keeps its options (shown by its ``repr`` as PyTorch shows them) and calls
its function in ``nn.functional``.
"""
from __future__ import annotations

from ..tensor import Tensor
from . import functional
from .module import Module
from .options import FunctionalModule, OptionsModule


def _single(v) -> tuple:
    return tuple(v) if isinstance(v, (tuple, list)) else (v,)


class _MaxPoolNd(FunctionalModule):
    """What the max poolings share: their arguments and repr."""

    _shared_init = True  # its layers' constructor errors name it, as PyTorch's

    _shown = ("kernel_size", "stride", "padding", "dilation", "ceil_mode")
    _arguments = _shown + ("return_indices",)

    def __init__(self, kernel_size, stride=None, padding=0, dilation=1,
                 return_indices: bool = False, ceil_mode: bool = False) -> None:
        super().__init__(kernel_size=kernel_size,
                         stride=stride if stride is not None else kernel_size,
                         padding=padding, dilation=dilation, return_indices=return_indices,
                         ceil_mode=ceil_mode)


class MaxPool1d(_MaxPoolNd):
    """Maximum over windows of ``(N, C, L)``.

    >>> torch.nn.MaxPool1d(3, stride=2)
    MaxPool1d(kernel_size=3, stride=2, padding=0, dilation=1, ceil_mode=False)
    """

    _function = staticmethod(functional.max_pool1d)


class MaxPool2d(_MaxPoolNd):
    """Maximum over windows; with ``return_indices=True``, also where each maximum is.

    >>> torch.nn.MaxPool2d(2)
    MaxPool2d(kernel_size=2, stride=2, padding=0, dilation=1, ceil_mode=False)
    >>> torch.nn.MaxPool2d(2, return_indices=True)(torch.tensor([[[1., 3.], [2., 0.]]]))
    (tensor([[[3.]]]), tensor([[[1]]]))
    """

    _function = staticmethod(functional.max_pool2d)


class MaxPool3d(_MaxPoolNd):
    """Maximum over windows of ``(N, C, D, H, W)``.

    >>> torch.nn.MaxPool3d(2)
    MaxPool3d(kernel_size=2, stride=2, padding=0, dilation=1, ceil_mode=False)
    """

    _function = staticmethod(functional.max_pool3d)


class _AvgPoolNd(FunctionalModule):
    """What the 2-D and 3-D average poolings share (see ``nn.functional.avg_pool2d``)."""

    _shown = ("kernel_size", "stride", "padding")
    _arguments = _shown + ("ceil_mode", "count_include_pad", "divisor_override")

    def __init__(self, kernel_size, stride=None, padding=0, ceil_mode: bool = False,
                 count_include_pad: bool = True, divisor_override=None) -> None:
        super().__init__(kernel_size=kernel_size,
                         stride=stride if stride is not None else kernel_size,
                         padding=padding, ceil_mode=ceil_mode,
                         count_include_pad=count_include_pad, divisor_override=divisor_override)


class AvgPool1d(FunctionalModule):
    """Mean over windows of ``(N, C, L)``.

    >>> torch.nn.AvgPool1d(3, stride=2)
    AvgPool1d(kernel_size=(3,), stride=(2,), padding=(0,))
    """

    _shown = ("kernel_size", "stride", "padding")
    _arguments = _shown + ("ceil_mode", "count_include_pad")
    _function = staticmethod(functional.avg_pool1d)

    def __init__(self, kernel_size, stride=None, padding=0, ceil_mode: bool = False,
                 count_include_pad: bool = True) -> None:
        super().__init__(kernel_size=_single(kernel_size),
                         stride=_single(stride if stride is not None else kernel_size),
                         padding=_single(padding), ceil_mode=ceil_mode,
                         count_include_pad=count_include_pad)


class AvgPool2d(_AvgPoolNd):
    """Mean over windows (see ``nn.functional.avg_pool2d`` for the options).

    >>> torch.nn.AvgPool2d(2)
    AvgPool2d(kernel_size=2, stride=2, padding=0)
    >>> torch.nn.AvgPool2d(2, ceil_mode=True, divisor_override=1)(torch.ones(1, 3, 3))
    tensor([[[4., 2.],
             [2., 1.]]])
    """

    _function = staticmethod(functional.avg_pool2d)


class AvgPool3d(_AvgPoolNd):
    """Mean over windows of ``(N, C, D, H, W)``.

    >>> torch.nn.AvgPool3d(2, stride=1)
    AvgPool3d(kernel_size=2, stride=1, padding=0)
    """

    _function = staticmethod(functional.avg_pool3d)


class _AdaptiveAvgPoolNd(FunctionalModule):
    _shared_init = True  # the 1-d, 2-d and 3-d layers, as PyTorch's


class AdaptiveAvgPool1d(_AdaptiveAvgPoolNd):
    """Average pooling of ``(N, C, L)`` to a fixed length.

    >>> torch.nn.AdaptiveAvgPool1d(4)
    AdaptiveAvgPool1d(output_size=4)
    """

    _function = staticmethod(functional.adaptive_avg_pool1d)


class AdaptiveAvgPool2d(_AdaptiveAvgPoolNd):
    """Average pooling to a fixed output size.

    >>> torch.nn.AdaptiveAvgPool2d((1, 1))
    AdaptiveAvgPool2d(output_size=(1, 1))
    """

    _function = staticmethod(functional.adaptive_avg_pool2d)


class AdaptiveAvgPool3d(_AdaptiveAvgPoolNd):
    """Average pooling of ``(N, C, D, H, W)`` to a fixed output size.

    >>> torch.nn.AdaptiveAvgPool3d((2, None, 1))
    AdaptiveAvgPool3d(output_size=(2, None, 1))
    """

    _function = staticmethod(functional.adaptive_avg_pool3d)


class _AdaptiveMaxPoolNd(FunctionalModule):
    _shared_init = True
    _shown = ("output_size",)


class AdaptiveMaxPool1d(_AdaptiveMaxPoolNd):
    """Max pooling of ``(N, C, L)`` to a fixed length.

    >>> torch.nn.AdaptiveMaxPool1d(2)
    AdaptiveMaxPool1d(output_size=2)
    """

    _function = staticmethod(functional.adaptive_max_pool1d)


class AdaptiveMaxPool2d(_AdaptiveMaxPoolNd):
    """Max pooling of ``(N, C, H, W)`` to a fixed size (``None`` keeps a dimension).

    >>> torch.nn.AdaptiveMaxPool2d((3, None))
    AdaptiveMaxPool2d(output_size=(3, None))
    """

    _function = staticmethod(functional.adaptive_max_pool2d)


class AdaptiveMaxPool3d(_AdaptiveMaxPoolNd):
    """Max pooling of ``(N, C, D, H, W)`` to a fixed size.

    >>> torch.nn.AdaptiveMaxPool3d(1)
    AdaptiveMaxPool3d(output_size=1)
    """

    _function = staticmethod(functional.adaptive_max_pool3d)


class _LPPoolNd(FunctionalModule):
    """Power-average pooling: ``(sum of x ** norm_type over a window) ** (1 / norm_type)``."""

    _shared_init = True  # its layers' constructor errors name it, as PyTorch's

    _arguments = ("norm_type", "kernel_size", "stride", "ceil_mode")

    def __init__(self, norm_type: float, kernel_size, stride=None,
                 ceil_mode: bool = False) -> None:
        super().__init__(norm_type=norm_type, kernel_size=kernel_size, stride=stride,
                         ceil_mode=ceil_mode)


class LPPool1d(_LPPoolNd):
    """Power-average pooling of ``(N, C, L)``.

    >>> torch.nn.LPPool1d(2, 3, stride=2)
    LPPool1d(norm_type=2, kernel_size=3, stride=2, ceil_mode=False)
    """

    _function = staticmethod(functional.lp_pool1d)


class LPPool2d(_LPPoolNd):
    """Power-average pooling of ``(N, C, H, W)``.

    >>> torch.nn.LPPool2d(2, 3)
    LPPool2d(norm_type=2, kernel_size=3, stride=None, ceil_mode=False)
    """

    _function = staticmethod(functional.lp_pool2d)


class LPPool3d(_LPPoolNd):
    """Power-average pooling of ``(N, C, D, H, W)``.

    >>> torch.nn.LPPool3d(1.5, 2, ceil_mode=True)
    LPPool3d(norm_type=1.5, kernel_size=2, stride=None, ceil_mode=True)
    """

    _function = staticmethod(functional.lp_pool3d)


class _FractionalMaxPoolNd(Module):
    """Fractional max pooling: windows of ``kernel_size`` at pseudo-random intervals, to
    ``output_size`` or ``output_ratio`` (in (0, 1)) times the input's size."""

    _function = None  # the functional form, set by each subclass
    _nd = 2

    def __init__(self, kernel_size, output_size=None, output_ratio=None,
                 return_indices: bool = False, _random_samples=None) -> None:
        super().__init__()
        n = self._nd
        self.kernel_size = kernel_size
        self.return_indices = return_indices
        self.register_buffer("_random_samples", _random_samples)
        self.output_size = output_size
        self.output_ratio = output_ratio if output_ratio is None \
            else tuple(output_ratio) if isinstance(output_ratio, (tuple, list)) \
            else (output_ratio,) * n
        name = type(self).__name__
        if output_size is None and output_ratio is None:
            raise ValueError(f"{name} requires specifying either an output size, or a pooling "
                             "ratio")
        if output_size is not None and output_ratio is not None:
            raise ValueError("only one of output_size and output_ratio may be specified")
        if self.output_ratio is not None and not all(0 < r < 1 for r in self.output_ratio):
            raise ValueError(f"output_ratio must be between 0 and 1 (got {output_ratio})")

    def forward(self, input: Tensor):
        return self._function(input, self.kernel_size, self.output_size, self.output_ratio,
                              self.return_indices, _random_samples=self._random_samples)


class FractionalMaxPool2d(_FractionalMaxPoolNd):
    """Fractional max pooling of ``(N, C, H, W)`` (Graham, 2014).

    >>> torch.nn.FractionalMaxPool2d(3, output_ratio=0.5)(torch.ones(1, 1, 8, 8)).shape
    torch.Size([1, 1, 4, 4])
    """

    _function = staticmethod(functional.fractional_max_pool2d)


class FractionalMaxPool3d(_FractionalMaxPoolNd):
    """Fractional max pooling of ``(N, C, D, H, W)``.

    >>> torch.nn.FractionalMaxPool3d(2, output_size=3)(torch.ones(1, 1, 6, 6, 6)).shape
    torch.Size([1, 1, 3, 3, 3])
    """

    _function = staticmethod(functional.fractional_max_pool3d)
    _nd = 3


class _MaxUnpoolNd(OptionsModule):
    """The inverse of a max pooling with ``return_indices=True``."""

    _function = None  # the functional form, set by each subclass
    _nd = 2

    def __init__(self, kernel_size, stride=None, padding=0) -> None:
        n = self._nd
        sizes = [tuple(v) if isinstance(v, (tuple, list)) else (v,) * n
                 for v in (kernel_size, kernel_size if stride is None else stride, padding)]
        super().__init__(kernel_size=sizes[0], stride=sizes[1], padding=sizes[2])

    def forward(self, input: Tensor, indices: Tensor, output_size=None) -> Tensor:
        return self._function(input, indices, self.kernel_size, self.stride, self.padding,
                              output_size)


class MaxUnpool1d(_MaxUnpoolNd):
    """The inverse of ``MaxPool1d``.

    >>> torch.nn.MaxUnpool1d(2)
    MaxUnpool1d(kernel_size=(2,), stride=(2,), padding=(0,))
    """

    _function = staticmethod(functional.max_unpool1d)
    _nd = 1


class MaxUnpool2d(_MaxUnpoolNd):
    """The inverse of ``MaxPool2d``.

    >>> torch.nn.MaxUnpool2d(2)
    MaxUnpool2d(kernel_size=(2, 2), stride=(2, 2), padding=(0, 0))
    """

    _function = staticmethod(functional.max_unpool2d)


class MaxUnpool3d(_MaxUnpoolNd):
    """The inverse of ``MaxPool3d``.

    >>> torch.nn.MaxUnpool3d(2, padding=1)
    MaxUnpool3d(kernel_size=(2, 2, 2), stride=(2, 2, 2), padding=(1, 1, 1))
    """

    _function = staticmethod(functional.max_unpool3d)
    _nd = 3
