"""Convolutions of ``torch.nn.functional``: ``conv1d``, ``conv2d`` and ``conv_transpose2d``.

``conv1d`` and ``conv2d`` check their arguments as PyTorch does, gather the
input's windows once (``chainrule.ops.convolution``, im2col) and record one
ConvolutionBackward0 node.  ``conv_transpose2d`` is conv2d's gradient with
respect to its input, written as a forward conv2d.
"""
from __future__ import annotations

from ...ops import convolution as convolution_ops
from ...tensor import Tensor
from .arguments import pair, with_batch
from .padding import pad

__all__ = ["conv1d", "conv2d", "conv_transpose2d"]


def _conv_padding(padding, weight_shape, dilation, nd):
    if padding == "valid":
        return (0,) * nd
    if padding == "same":
        total = [d * (k - 1) for d, k in zip(dilation, weight_shape[2:])]
        if any(t % 2 for t in total):
            raise NotImplementedError("padding='same' with an even kernel needs asymmetric "
                                      "padding; pad the input with F.pad instead")
        return tuple(t // 2 for t in total)
    return pair(padding, nd)


def _checked_columns(input, weight, stride, padding, dilation, groups):
    """Check a 4-D convolution's arguments as PyTorch does; return the input's columns."""
    if input.shape[1] != weight.shape[1] * groups:
        raise RuntimeError(
            f"Given groups={groups}, weight of size {list(weight.shape)}, expected input"
            f"{list(input.shape)} to have {weight.shape[1] * groups} channels, but got "
            f"{input.shape[1]} channels instead")
    if input.dtype is not weight.dtype:
        raise RuntimeError(f"Input type ({input.dtype}) and weight type ({weight.dtype}) should "
                           "be the same. Fix: convert the input with .to(weight.dtype)")
    kh, kw, (ho, wo) = convolution_ops.geometry(input.shape, weight.shape, stride, padding,
                                                dilation)
    if ho <= 0 or wo <= 0:
        raise RuntimeError(
            f"Calculated output size: ({weight.shape[0]}x{ho}x{wo}). Output size is too small "
            f"(input {list(input.shape)}, kernel {kh}x{kw}, padding {padding})")
    return convolution_ops.group_columns(input._data, tuple(weight.shape), stride, padding,
                                         dilation, groups, (ho, wo))


def conv2d(input: Tensor, weight: Tensor, bias: Tensor | None = None, stride=1, padding=0,
           dilation=1, groups: int = 1) -> Tensor:
    """2-D convolution (cross-correlation) of ``(N, C, H, W)`` with ``(O, C/groups, kh, kw)``.

    >>> import chainrule as torch
    >>> torch.nn.functional.conv2d(torch.ones(1, 1, 3, 3), torch.ones(1, 1, 2, 2))
    tensor([[[[4., 4.],
              [4., 4.]]]])
    """
    input, unbatched = with_batch(input, 4, "conv2d")
    stride, dilation = pair(stride), pair(dilation)
    padding = _conv_padding(padding, weight.shape, dilation, 2)
    columns = _checked_columns(input, weight, stride, padding, dilation, groups)
    out = convolution_ops.conv2d(input, weight, bias, columns, stride, padding, dilation, groups)
    return out.squeeze(0) if unbatched else out


def conv1d(input: Tensor, weight: Tensor, bias: Tensor | None = None, stride=1, padding=0,
           dilation=1, groups: int = 1) -> Tensor:
    """1-D convolution of ``(N, C, L)`` with ``(O, C/groups, k)``: a conv2d of height 1.

    >>> import chainrule as torch
    >>> torch.nn.functional.conv1d(torch.ones(1, 1, 4), torch.ones(1, 1, 2))
    tensor([[[2., 2., 2.]]])
    """
    stride, dilation = pair(stride, 1)[0], pair(dilation, 1)[0]
    padding = padding if isinstance(padding, str) else pair(padding, 1)[0]
    if isinstance(padding, str):
        padding = _conv_padding(padding, weight.shape, (dilation,), 1)[0]
    input, unbatched = with_batch(input, 3, "conv1d")
    stride, padding, dilation = (1, stride), (0, padding), (1, dilation)
    # the checks (and their messages) are conv2d's, on height-1 views
    columns = _checked_columns(input.detach().unsqueeze(-2), weight.detach().unsqueeze(-2),
                               stride, padding, dilation, groups)
    out = convolution_ops.conv1d(input, weight, bias, columns, stride, padding, dilation, groups)
    return out.squeeze(0) if unbatched else out


# conv_transpose2d is conv2d's gradient with respect to its input, written as a forward
# conv2d: put stride-1 zeros between the input's cells, pad each side by
# dilation*(kernel-1) - padding (output_padding more at the end; negative amounts crop),
# and convolve with the kernel flipped and its in/out channels swapped (per group).  The
# zeros cost stride**2 times the multiply-adds of a direct scatter; in exchange the
# gradients are conv2d's, already tested.
def _spread(x, stride):
    """Insert ``stride - 1`` zeros between neighbouring cells of the last two dimensions."""
    (sh, sw), (n, c, h, w) = stride, x.shape
    if (sh, sw) == (1, 1):
        return x
    x = pad(x.reshape(n, c, h, 1, w, 1), (0, sw - 1, 0, 0, 0, sh - 1))
    return x.reshape(n, c, h * sh, w * sw)[:, :, :(h - 1) * sh + 1, :(w - 1) * sw + 1]


def _pad_or_crop(x, before, after):
    """Pad (positive) or crop (negative) the last two dimensions by these amounts."""
    crop = tuple(slice(max(-b, 0), x.shape[2 + i] - max(-a, 0))
                 for i, (b, a) in enumerate(zip(before, after)))
    if any(b < 0 or a < 0 for b, a in zip(before, after)):
        x = x[:, :, crop[0], crop[1]]
    widths = (max(before[1], 0), max(after[1], 0), max(before[0], 0), max(after[0], 0))
    return pad(x, widths) if any(widths) else x


def conv_transpose2d(input: Tensor, weight: Tensor, bias: Tensor | None = None, stride=1,
                     padding=0, output_padding=0, groups: int = 1, dilation=1) -> Tensor:
    """2-D transposed convolution of ``(N, C_in, H, W)`` with ``(C_in, C_out/groups, kh, kw)``:
    the gradient of ``conv2d`` with respect to its input.

    >>> import chainrule as torch
    >>> ones = torch.ones(1, 1, 2, 2)
    >>> torch.nn.functional.conv_transpose2d(ones, ones, stride=2)
    tensor([[[[1., 1., 1., 1.],
              [1., 1., 1., 1.],
              [1., 1., 1., 1.],
              [1., 1., 1., 1.]]]])
    """
    input, unbatched = with_batch(input, 4, "conv_transpose2d")
    if weight.ndim != 4:
        raise RuntimeError(f"weight should have 4 dimensions (in, out/groups, kh, kw), but got "
                           f"weight of size {list(weight.shape)}")
    stride, padding = pair(stride), pair(padding)
    output_padding, dilation = pair(output_padding), pair(dilation)
    c_in, c_out_g, kh, kw = weight.shape
    if groups <= 0:
        raise RuntimeError("non-positive groups is not supported")
    if c_in % groups:
        raise RuntimeError(f"Given groups={groups}, expected weight to be divisible by {groups} "
                           f"at dimension 0, but got weight of size [{list(weight.shape)}] "
                           "instead")
    if input.shape[1] != c_in:
        raise RuntimeError(
            f"Given transposed=1, weight of size {list(weight.shape)}, expected input"
            f"{list(input.shape)} to have {c_in} channels, but got {input.shape[1]} channels "
            "instead")
    if input.dtype is not weight.dtype:
        raise RuntimeError(f"Input type ({input.dtype}) and weight type ({weight.dtype}) should "
                           "be the same. Fix: convert the input with .to(weight.dtype)")
    if min(stride) <= 0 or min(dilation) <= 0 or min(padding) < 0 or min(output_padding) < 0:
        raise RuntimeError(f"conv_transpose2d: stride {stride} and dilation {dilation} must be "
                           f"positive, padding {padding} and output_padding {output_padding} "
                           "non-negative")
    if any(op >= max(s, d) for op, s, d in zip(output_padding, stride, dilation)):
        raise RuntimeError(
            "output padding must be smaller than either stride or dilation, but got "
            f"output_padding_height: {output_padding[0]} output_padding_width: "
            f"{output_padding[1]} stride_height: {stride[0]} stride_width: {stride[1]} "
            f"dilation_height: {dilation[0]} dilation_width: {dilation[1]}")
    out_hw = [(n - 1) * s - 2 * p + d * (k - 1) + op + 1 for n, s, p, d, k, op in
              zip(input.shape[2:], stride, padding, dilation, (kh, kw), output_padding)]
    if min(out_hw) <= 0:
        raise RuntimeError(f"Given input size per channel: {list(input.shape[2:])}. Calculated "
                           f"output size per channel: {out_hw}. Output size is too small")
    edge = [d * (k - 1) - p for d, k, p in zip(dilation, (kh, kw), padding)]
    x = _pad_or_crop(_spread(input, stride), edge,
                     [e + op for e, op in zip(edge, output_padding)])
    # (C_in, C_out/g, kh, kw) -> (C_out, C_in/g, kh, kw), flipped: conv2d's weight layout
    w = weight.reshape(groups, c_in // groups, c_out_g, kh, kw).transpose(1, 2)
    w = w.reshape(groups * c_out_g, c_in // groups, kh, kw).flip((2, 3))
    out = conv2d(x, w, None, 1, 0, dilation, groups)
    if bias is not None:
        out = out + bias.reshape(-1, 1, 1)
    return out.squeeze(0) if unbatched else out
