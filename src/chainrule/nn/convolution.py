"""Convolution layers: ``Conv1d``, ``Conv2d`` and ``ConvTranspose2d``, as in ``torch.nn``.

The weights are initialised as PyTorch's (kaiming_uniform with a=√5, i.e.
U(-1/√fan_in, 1/√fan_in), for weight and bias); the random stream is
chainrule's, so the numbers differ from PyTorch's.
"""
from __future__ import annotations

import math

from ..tensor import Tensor
from . import functional, init
from .functional.arguments import pair
from .module import Module
from .parameter import empty_parameter


class _ConvNd(Module):
    """What the convolution layers share, as PyTorch's ``_ConvNd``: the checked arguments,
    the weight (``(out, in/groups, *kernel)``, or ``(in, out/groups, *kernel)`` for a
    transposed convolution), its initialisation and the ``repr``."""

    _nd = 2

    def __init__(self, in_channels: int, out_channels: int, kernel_size, stride=1, padding=0,
                 dilation=1, groups: int = 1, bias: bool = True, padding_mode: str = "zeros",
                 device=None, dtype=None, *, transposed: bool = False,
                 output_padding=0) -> None:
        super().__init__()
        n = self._nd
        if in_channels % groups:
            raise ValueError("in_channels must be divisible by groups")
        if out_channels % groups:
            raise ValueError("out_channels must be divisible by groups")
        if padding == "same" and not transposed and pair(stride, n) != (1,) * n:
            raise ValueError("padding='same' is not supported for strided convolutions")
        if padding_mode != "zeros":
            raise NotImplementedError("only padding_mode='zeros' is supported")
        self.in_channels, self.out_channels = in_channels, out_channels
        self.kernel_size = pair(kernel_size, n)
        self.stride = pair(stride, n)
        self.padding = padding if isinstance(padding, str) else pair(padding, n)
        self.dilation = pair(dilation, n)
        self.transposed, self.output_padding = transposed, pair(output_padding, n)
        self.groups = groups
        self.padding_mode = padding_mode
        channels = (in_channels, out_channels // groups) if transposed \
            else (out_channels, in_channels // groups)
        self.weight = empty_parameter(*channels, *self.kernel_size, dtype=dtype)
        if bias:
            self.bias = empty_parameter(out_channels, dtype=dtype)
        else:
            self.register_parameter("bias", None)
        self.reset_parameters()

    def reset_parameters(self) -> None:
        init.kaiming_uniform_(self.weight, a=math.sqrt(5))
        if self.bias is not None:
            fan_in, _ = init._calculate_fan_in_and_fan_out(self.weight)
            if fan_in:
                bound = 1 / math.sqrt(fan_in)
                init.uniform_(self.bias, -bound, bound)

    def extra_repr(self) -> str:
        n = self._nd
        s = (f"{self.in_channels}, {self.out_channels}, kernel_size={self.kernel_size}, "
             f"stride={self.stride}")
        if self.padding != (0,) * n:
            s += f", padding={self.padding}"
        if self.dilation != (1,) * n:
            s += f", dilation={self.dilation}"
        if self.output_padding != (0,) * n:
            s += f", output_padding={self.output_padding}"
        if self.groups != 1:
            s += f", groups={self.groups}"
        if self.bias is None:
            s += ", bias=False"
        return s


class Conv1d(_ConvNd):
    """1-D convolution over ``(N, C, L)``.

    >>> import chainrule as torch
    >>> torch.nn.Conv1d(2, 4, 3, padding=1)
    Conv1d(2, 4, kernel_size=(3,), stride=(1,), padding=(1,))
    """

    _nd = 1

    def forward(self, input: Tensor) -> Tensor:
        padding = self.padding if isinstance(self.padding, str) else self.padding[0]
        return functional.conv1d(input, self.weight, self.bias, self.stride, padding,
                                 self.dilation, self.groups)


class Conv2d(_ConvNd):
    """2-D convolution over ``(N, C, H, W)`` (stride, padding, dilation, groups).

    >>> import chainrule as torch
    >>> torch.nn.Conv2d(1, 6, 5, padding=2)
    Conv2d(1, 6, kernel_size=(5, 5), stride=(1, 1), padding=(2, 2))
    """

    def forward(self, input: Tensor) -> Tensor:
        return functional.conv2d(input, self.weight, self.bias, self.stride, self.padding,
                                 self.dilation, self.groups)


class ConvTranspose2d(_ConvNd):
    """2-D transposed convolution; weight ``(in, out/groups, kh, kw)``, PyTorch's init.

    >>> import chainrule as torch
    >>> torch.nn.ConvTranspose2d(16, 8, 3, stride=2, output_padding=1)
    ConvTranspose2d(16, 8, kernel_size=(3, 3), stride=(2, 2), output_padding=(1, 1))
    """

    def __init__(self, in_channels: int, out_channels: int, kernel_size, stride=1, padding=0,
                 output_padding=0, groups: int = 1, bias: bool = True, dilation=1,
                 padding_mode: str = "zeros", device=None, dtype=None) -> None:
        if groups <= 0:
            raise ValueError("groups must be a positive integer")
        if padding_mode != "zeros":
            raise ValueError(f'Only "zeros" padding mode is supported for ConvTranspose2d, '
                             f"got {padding_mode!r}")
        super().__init__(in_channels, out_channels, kernel_size, stride, padding, dilation,
                         groups, bias, padding_mode, dtype=dtype, transposed=True,
                         output_padding=output_padding)

    def _output_padding(self, input, output_size):
        if output_size is None:
            return self.output_padding
        output_size = list(output_size)[-2:]
        pad = []
        for i, want in enumerate(output_size):
            n = input.shape[input.ndim - 2 + i]
            least = ((n - 1) * self.stride[i] - 2 * self.padding[i]
                     + self.dilation[i] * (self.kernel_size[i] - 1) + 1)
            most = least + self.stride[i] - 1
            if not least <= want <= most:
                raise ValueError(f"requested an output size of {output_size}, but valid sizes "
                                 f"range from {least} to {most} (for an input of "
                                 f"{list(input.shape[2:])})")
            pad.append(want - least)
        return tuple(pad)

    def forward(self, input: Tensor, output_size=None) -> Tensor:
        return functional.conv_transpose2d(input, self.weight, self.bias, self.stride, self.padding,
                                           self._output_padding(input, output_size), self.groups,
                                           self.dilation)
