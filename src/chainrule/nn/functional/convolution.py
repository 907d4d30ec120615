"""Convolutions of ``torch.nn.functional``: ``conv1d``/``2d``/``3d``,
``conv_transpose1d``/``2d``/``3d`` (the ``torch.*`` functions themselves, as in PyTorch),
and ``unfold``/``fold``, the sliding windows as columns and back.

``unfold`` is im2col in PyTorch's layout, ``(N, C * prod(kernel), L)``, and
``fold`` its adjoint, col2im (overlapping windows are summed): one row each in
``chainrule.ops.convolution``, each the other's gradient.
"""
from __future__ import annotations

from ...functions.arguments import floating_only, pair
from ...functions.convolution import (
    conv1d,
    conv2d,
    conv3d,
    conv_transpose1d,
    conv_transpose2d,
    conv_transpose3d,
)
from ...ops import convolution as convolution_ops
from ...ops.windows import out_size
from ...tensor import Tensor

__all__ = ["conv1d", "conv2d", "conv3d", "conv_transpose1d", "conv_transpose2d",
           "conv_transpose3d", "unfold", "fold"]


def _window_arguments(kernel_size, dilation, padding, stride) -> tuple:
    """The four window sizes of fold/unfold as pairs, checked as PyTorch checks them."""
    sizes = []
    for name, value in (("kernel_size", kernel_size), ("dilation", dilation),
                        ("padding", padding), ("stride", stride)):
        value = pair(value)
        if len(value) != 2:
            raise RuntimeError(f"It is expected {name} equals to 2, but got size {len(value)}")
        sizes.append(tuple(int(v) for v in value))
    kernel, dilation, padding, stride = sizes
    for name, (h, w), smallest, what in (
            ("kernel size", kernel, 1, "kernel"), ("stride", stride, 1, "stride"),
            ("dilation", dilation, 1, "dilation")):
        if min(h, w) < smallest:
            raise RuntimeError(f"{name} should be greater than zero, but got {what}_height: {h} "
                               f"{what}_width: {w}")
    if min(padding) < 0:
        raise RuntimeError(f"padding should be non-negative, but got pad_height: {padding[0]} "
                           f"pad_width: {padding[1]}")
    return kernel, dilation, padding, stride


def _blocks(spatial, kernel, dilation, padding, stride) -> tuple:
    return tuple(out_size(n, k, s, p, d)
                 for n, k, s, p, d in zip(spatial, kernel, stride, padding, dilation))


def unfold(input: Tensor, kernel_size, dilation=1, padding=0, stride=1) -> Tensor:
    """The sliding windows of a ``(N, C, H, W)`` (or ``(C, H, W)``) input as columns:
    ``(N, C * kh * kw, L)``, one column per window, windows in row-major order.

    >>> torch.nn.functional.unfold(torch.arange(9.).reshape(1, 1, 3, 3), 2)
    tensor([[[0., 1., 3., 4.],
             [1., 2., 4., 5.],
             [3., 4., 6., 7.],
             [4., 5., 7., 8.]]])
    """
    if input.ndim not in (3, 4) or 0 in input.shape[-3:]:
        raise RuntimeError("Expected 3D or 4D (batch mode) tensor with possibly 0 batch size and "
                           f"other non-zero dimensions for input, but got: {list(input.shape)}")
    kernel, dilation, padding, stride = _window_arguments(kernel_size, dilation, padding, stride)
    floating_only("im2col_out_cpu", input)
    blocks = _blocks(input.shape[-2:], kernel, dilation, padding, stride)
    if min(blocks) < 1:
        raise RuntimeError(
            f"Given input with spatial size {tuple(input.shape[-2:])}, kernel_size={kernel}, "
            f"dilation={dilation}, padding={padding}, calculated shape of the array of sliding "
            f"blocks as {blocks}, but its components must be at least one.")
    return convolution_ops.im2col(input, kernel, dilation, padding, stride)


def fold(input: Tensor, output_size, kernel_size, dilation=1, padding=0, stride=1) -> Tensor:
    """Columns ``(N, C * kh * kw, L)`` back into an image of ``output_size``, overlapping
    windows summed: the adjoint of ``unfold``.

    >>> torch.nn.functional.fold(torch.ones(1, 4, 4), (3, 3), 2)
    tensor([[[[1., 2., 1.],
              [2., 4., 2.],
              [1., 2., 1.]]]])
    """
    if input.ndim not in (2, 3) or 0 in input.shape[-2:]:
        raise RuntimeError("Expected 2D or 3D (batch mode) tensor for input with possibly 0 batch "
                           f"size and non-zero dimensions for input, but got: {list(input.shape)}")
    size = pair(output_size)
    if len(size) != 2:
        raise RuntimeError(f"It is expected output_size equals to 2, but got size {len(size)}")
    size = tuple(int(v) for v in size)
    kernel, dilation, padding, stride = _window_arguments(kernel_size, dilation, padding, stride)
    floating_only("col2im_out_cpu", input)
    rows, length = input.shape[-2:]
    if rows % (kernel[0] * kernel[1]):
        raise RuntimeError(f"Expected size of input's dimension 1 to be divisible by the product "
                           f"of kernel_size, but got input.size(1)={rows} and "
                           f"kernel_size={kernel}.")
    blocks = _blocks(size, kernel, dilation, padding, stride)
    if min(blocks) < 1 or blocks[0] * blocks[1] != length:
        raise RuntimeError(
            f"Given output_size={size}, kernel_size={kernel}, dilation={dilation}, "
            f"padding={padding}, stride={stride}, expected size of input's dimension 2 to match "
            f"the calculated number of sliding blocks {blocks[0]} * {blocks[1]} = "
            f"{blocks[0] * blocks[1]}, but got input.size(2)={length}.")
    return convolution_ops.col2im(input, size, kernel, dilation, padding, stride)
