"""Convolution layers: ``Conv1d``/``2d``/``3d``, ``ConvTranspose1d``/``2d``/``3d`` and their
lazy forms (``LazyConv2d``, ...), as in ``torch.nn``.

The weights are initialised as PyTorch's (kaiming_uniform with a=√5, i.e.
U(-1/√fan_in, 1/√fan_in), for weight and bias); the random stream is
chainrule's, so the numbers differ from PyTorch's.  ``padding_mode`` other
than 'zeros' pads the input with ``nn.functional.pad`` first, as PyTorch does.
"""
from __future__ import annotations

import math

from ..tensor import Tensor
from . import functional, init
from .functional.arguments import pair
from .lazy import LazyModuleMixin
from .module import Module
from .options import changed_options
from .parameter import add_weight_and_bias

_PADDING_MODES = {"zeros", "reflect", "replicate", "circular"}


class _ConvNd(Module):
    """What the convolution layers share, as PyTorch's ``_ConvNd``: the checked arguments,
    the weight (``(out, in/groups, *kernel)``, or ``(in, out/groups, *kernel)`` for a
    transposed convolution), its initialisation and the ``repr``."""

    _nd = 2
    transposed = False
    _function = None  # the functional form, set by each layer

    def __init__(self, in_channels: int, out_channels: int, kernel_size, stride=1, padding=0,
                 dilation=1, groups: int = 1, bias: bool = True, padding_mode: str = "zeros",
                 device=None, dtype=None, *, output_padding=0) -> None:
        super().__init__()
        n = self._nd
        if groups <= 0:
            raise ValueError("groups must be a positive integer")
        if in_channels % groups:
            raise ValueError("in_channels must be divisible by groups")
        if out_channels % groups:
            raise ValueError("out_channels must be divisible by groups")
        if isinstance(padding, str):
            if padding not in ("valid", "same"):
                raise ValueError(f"Invalid padding string {padding!r}, should be one of "
                                 "{'valid', 'same'}")
            if padding == "same" and pair(stride, n) != (1,) * n:
                raise ValueError("padding='same' is not supported for strided convolutions")
        if padding_mode not in _PADDING_MODES:
            raise ValueError(f"padding_mode must be one of {_PADDING_MODES}, but got "
                             f"padding_mode='{padding_mode}'")
        self.in_channels, self.out_channels = in_channels, out_channels
        self.kernel_size = pair(kernel_size, n)
        self.stride = pair(stride, n)
        self.padding = padding if isinstance(padding, str) else pair(padding, n)
        self.dilation = pair(dilation, n)
        self.output_padding = pair(output_padding, n)
        self.groups = groups
        self.padding_mode = padding_mode
        channels = (in_channels, out_channels // groups) if self.transposed \
            else (out_channels, in_channels // groups)
        add_weight_and_bias(self, (*channels, *self.kernel_size), out_channels if bias else None,
                            dtype)
        self.reset_parameters()

    def reset_parameters(self) -> None:
        init.kaiming_uniform_(self.weight, a=math.sqrt(5))
        if self.bias is not None:
            fan_in, _ = init._calculate_fan_in_and_fan_out(self.weight)
            if fan_in:
                bound = 1 / math.sqrt(fan_in)
                init.uniform_(self.bias, -bound, bound)

    @property
    def _reversed_padding_repeated_twice(self) -> list:
        """The padding as ``nn.functional.pad`` takes it: last dimension first, (before,
        after) each; 'same' puts an odd total's extra cell after."""
        if self.padding == "valid":
            return [0] * (2 * self._nd)
        if self.padding == "same":
            totals = [d * (k - 1) for d, k in zip(self.dilation, self.kernel_size)]
            return [v for total in reversed(totals) for v in (total // 2, total - total // 2)]
        return [p for p in reversed(self.padding) for _ in range(2)]

    def _conv_forward(self, input: Tensor, weight: Tensor, bias: Tensor | None) -> Tensor:
        if self.padding_mode != "zeros":
            padded = functional.pad(input, self._reversed_padding_repeated_twice,
                                    mode=self.padding_mode)
            return self._function(padded, weight, bias, self.stride, 0, self.dilation,
                                  self.groups)
        return self._function(input, weight, bias, self.stride, self.padding, self.dilation,
                              self.groups)

    def forward(self, input: Tensor) -> Tensor:
        return self._conv_forward(input, self.weight, self.bias)

    def extra_repr(self) -> str:
        n = self._nd
        s = (f"{self.in_channels}, {self.out_channels}, kernel_size={self.kernel_size}, "
             f"stride={self.stride}")
        s += changed_options(self, padding=(0,) * n, dilation=(1,) * n,
                             output_padding=(0,) * n, groups=1)
        if self.bias is None:
            s += ", bias=False"
        return s + changed_options(self, padding_mode="zeros")


class Conv1d(_ConvNd):
    """1-D convolution over ``(N, C, L)``.

    >>> torch.nn.Conv1d(2, 4, 3, padding=1)
    Conv1d(2, 4, kernel_size=(3,), stride=(1,), padding=(1,))
    """

    _nd = 1
    _function = staticmethod(functional.conv1d)


class Conv2d(_ConvNd):
    """2-D convolution over ``(N, C, H, W)`` (stride, padding, dilation, groups).

    >>> torch.nn.Conv2d(1, 6, 5, padding=2)
    Conv2d(1, 6, kernel_size=(5, 5), stride=(1, 1), padding=(2, 2))
    """

    _function = staticmethod(functional.conv2d)


class Conv3d(_ConvNd):
    """3-D convolution over ``(N, C, D, H, W)``.

    >>> torch.nn.Conv3d(2, 4, 3, stride=2, padding_mode="circular", padding=1)
    Conv3d(2, 4, kernel_size=(3, 3, 3), stride=(2, 2, 2), padding=(1, 1, 1), padding_mode=circular)
    """

    _nd = 3
    _function = staticmethod(functional.conv3d)


class _ConvTransposeNd(_ConvNd):
    """A transposed convolution: weight ``(in, out/groups, *kernel)``; ``forward`` may be
    given the ``output_size`` wanted among the ones the stride allows."""

    transposed = True

    def __init__(self, in_channels: int, out_channels: int, kernel_size, stride=1, padding=0,
                 output_padding=0, groups: int = 1, bias: bool = True, dilation=1,
                 padding_mode: str = "zeros", device=None, dtype=None) -> None:
        if padding_mode != "zeros":
            raise ValueError(f'Only "zeros" padding mode is supported for '
                             f"{type(self).__name__}")
        super().__init__(in_channels, out_channels, kernel_size, stride, padding, dilation,
                         groups, bias, padding_mode, device, dtype,
                         output_padding=output_padding)

    def _output_padding(self, input: Tensor, output_size) -> tuple:
        if output_size is None:
            return self.output_padding
        n = self._nd
        output_size = list(output_size)
        non_spatial = 1 if input.ndim == n + 1 else 2
        if len(output_size) == n + non_spatial:
            output_size = output_size[non_spatial:]
        if len(output_size) != n:
            raise ValueError(f"ConvTranspose{n}D: for {input.ndim}D input, output_size must "
                             f"have {n} or {n + non_spatial} elements (got {len(output_size)})")
        least = [(size - 1) * s - 2 * p + d * (k - 1) + 1 for size, s, p, d, k in
                 zip(input.shape[-n:], self.stride, self.padding, self.dilation,
                     self.kernel_size)]
        most = [low + s - 1 for low, s in zip(least, self.stride)]
        if any(not low <= want <= high for want, low, high in zip(output_size, least, most)):
            raise ValueError(f"requested an output size of {tuple(output_size)}, but valid "
                             f"sizes range from {least} to {most} (for an input of "
                             f"{input.shape[-n:]})")
        return tuple(want - low for want, low in zip(output_size, least))

    def forward(self, input: Tensor, output_size=None) -> Tensor:
        return self._function(input, self.weight, self.bias, self.stride, self.padding,
                              self._output_padding(input, output_size), self.groups,
                              self.dilation)


class ConvTranspose1d(_ConvTransposeNd):
    """1-D transposed convolution; weight ``(in, out/groups, k)``.

    >>> torch.nn.ConvTranspose1d(2, 4, 3, stride=2, output_padding=1)
    ConvTranspose1d(2, 4, kernel_size=(3,), stride=(2,), output_padding=(1,))
    """

    _nd = 1
    _function = staticmethod(functional.conv_transpose1d)


class ConvTranspose2d(_ConvTransposeNd):
    """2-D transposed convolution; weight ``(in, out/groups, kh, kw)``, PyTorch's init.

    >>> torch.nn.ConvTranspose2d(16, 8, 3, stride=2, output_padding=1)
    ConvTranspose2d(16, 8, kernel_size=(3, 3), stride=(2, 2), output_padding=(1, 1))
    """

    _function = staticmethod(functional.conv_transpose2d)


class ConvTranspose3d(_ConvTransposeNd):
    """3-D transposed convolution; weight ``(in, out/groups, kd, kh, kw)``.

    >>> torch.nn.ConvTranspose3d(4, 2, 2, stride=2)
    ConvTranspose3d(4, 2, kernel_size=(2, 2, 2), stride=(2, 2, 2))
    """

    _nd = 3
    _function = staticmethod(functional.conv_transpose3d)


class _LazyConvMixin(LazyModuleMixin):
    """What the lazy convolutions share: ``in_channels`` (0 until then) and the weight's
    shape come from the first input, then PyTorch's initialisation runs."""

    def reset_parameters(self) -> None:
        if not self.has_uninitialized_params() and self.in_channels != 0:
            super().reset_parameters()

    def initialize_parameters(self, input: Tensor, *args, **kwargs) -> None:
        if not self.has_uninitialized_params():
            return
        n = self._nd
        if input.ndim not in (n + 1, n + 2):
            raise RuntimeError(f"Expected {n + 1}D (unbatched) or {n + 2}D (batched) input to "
                               f"{type(self).__name__}, but got input of size: "
                               f"{list(input.shape)}")
        self.in_channels = input.shape[1] if input.ndim == n + 2 else input.shape[0]
        if self.in_channels % self.groups:
            raise ValueError("in_channels must be divisible by groups")
        channels = (self.in_channels, self.out_channels // self.groups) if self.transposed \
            else (self.out_channels, self.in_channels // self.groups)
        self._materialize_weight_and_bias((*channels, *self.kernel_size), self.out_channels)


class _LazyConv(_LazyConvMixin):
    def __init__(self, out_channels: int, kernel_size, stride=1, padding=0, dilation=1,
                 groups: int = 1, bias: bool = True, padding_mode: str = "zeros", device=None,
                 dtype=None) -> None:
        # bias=False first: the parameters become stand-ins just below
        super().__init__(0, 0, kernel_size, stride, padding, dilation, groups, False,
                         padding_mode, device, dtype)
        self.out_channels = out_channels
        self._lazy_weight_and_bias(bias, dtype)


class _LazyConvTranspose(_LazyConvMixin):
    def __init__(self, out_channels: int, kernel_size, stride=1, padding=0, output_padding=0,
                 groups: int = 1, bias: bool = True, dilation=1, padding_mode: str = "zeros",
                 device=None, dtype=None) -> None:
        super().__init__(0, 0, kernel_size, stride, padding, output_padding, groups, False,
                         dilation, padding_mode, device, dtype)
        self.out_channels = out_channels
        self._lazy_weight_and_bias(bias, dtype)


class LazyConv1d(_LazyConv, Conv1d):
    """A ``Conv1d`` whose ``in_channels`` is read from its first input.

    >>> torch.nn.LazyConv1d(4, 3)
    LazyConv1d(0, 4, kernel_size=(3,), stride=(1,))
    """

    cls_to_become = Conv1d


class LazyConv2d(_LazyConv, Conv2d):
    """A ``Conv2d`` whose ``in_channels`` is read from its first input.

    >>> m = torch.nn.LazyConv2d(4, 3)
    >>> m.weight
    <UninitializedParameter>
    >>> m(torch.ones(1, 2, 5, 5)).shape, m
    (torch.Size([1, 4, 3, 3]), Conv2d(2, 4, kernel_size=(3, 3), stride=(1, 1)))
    """

    cls_to_become = Conv2d


class LazyConv3d(_LazyConv, Conv3d):
    """A ``Conv3d`` whose ``in_channels`` is read from its first input.

    >>> torch.nn.LazyConv3d(4, 3, bias=False)
    LazyConv3d(0, 4, kernel_size=(3, 3, 3), stride=(1, 1, 1), bias=False)
    """

    cls_to_become = Conv3d


class LazyConvTranspose1d(_LazyConvTranspose, ConvTranspose1d):
    """A ``ConvTranspose1d`` whose ``in_channels`` is read from its first input.

    >>> torch.nn.LazyConvTranspose1d(4, 3, stride=2)
    LazyConvTranspose1d(0, 4, kernel_size=(3,), stride=(2,))
    """

    cls_to_become = ConvTranspose1d


class LazyConvTranspose2d(_LazyConvTranspose, ConvTranspose2d):
    """A ``ConvTranspose2d`` whose ``in_channels`` is read from its first input.

    >>> m = torch.nn.LazyConvTranspose2d(4, 3, stride=2)
    >>> m(torch.ones(1, 2, 3, 3)).shape, m
    (torch.Size([1, 4, 7, 7]), ConvTranspose2d(2, 4, kernel_size=(3, 3), stride=(2, 2)))
    """

    cls_to_become = ConvTranspose2d


class LazyConvTranspose3d(_LazyConvTranspose, ConvTranspose3d):
    """A ``ConvTranspose3d`` whose ``in_channels`` is read from its first input.

    >>> torch.nn.LazyConvTranspose3d(4, 2)
    LazyConvTranspose3d(0, 4, kernel_size=(2, 2, 2), stride=(1, 1, 1))
    """

    cls_to_become = ConvTranspose3d
