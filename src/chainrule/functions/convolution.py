"""Convolutions: ``torch.conv1d``/``2d``/``3d``, ``conv_transpose1d``/``2d``/``3d`` and
``convolution`` (also ``nn.functional``'s, which are the same functions, as in PyTorch).

Each checks its arguments as PyTorch does, gathers the input's windows once
(``chainrule.ops.convolution``, im2col) and records one ConvolutionBackward0
node; the transposed convolutions run the convolution's input gradient
forwards.  One implementation serves 1, 2 and 3 spatial dimensions.
"""
from __future__ import annotations

from ..ops import convolution as convolution_ops
from ..ops import padding as padding_ops
from ..tensor import Tensor
from .arguments import with_batch

__all__ = ["conv1d", "conv2d", "conv3d", "conv_transpose1d", "conv_transpose2d",
           "conv_transpose3d", "convolution"]


def _expand(name: str, value, nd: int) -> tuple:
    """A size argument as ``nd`` ints: one number (or a list of one) is repeated."""
    if not isinstance(value, (tuple, list)):
        return (int(value),) * nd
    values = tuple(int(v) for v in value)
    if len(values) == 1:
        values *= nd
    if len(values) != nd:
        raise RuntimeError(f"expected {name} to be a single integer value or a list of {nd} "
                           f"values to match the convolution dimensions, but got "
                           f"{name}={list(values)}")
    return values


def _type_name(t: Tensor) -> str:
    return t.dtype.scalar_name.lower()


def _check(input, weight, bias, stride, padding, dilation, groups, transposed,
           output_padding) -> None:
    """PyTorch's checks of a convolution's arguments, in its order, with its messages."""
    if weight.ndim != input.ndim:
        raise RuntimeError(f"Expected {weight.ndim}-dimensional input for {weight.ndim}-"
                           f"dimensional weight {list(weight.shape)}, but got {input.ndim}-"
                           f"dimensional input of size {list(input.shape)} instead")
    if min(stride) <= 0:
        raise RuntimeError("non-positive stride is not supported")
    if min(padding) < 0:
        raise RuntimeError("negative padding is not supported")
    if transposed and min(output_padding) < 0:
        raise RuntimeError("negative output_padding is not supported")
    if min(dilation) <= 0:
        raise RuntimeError(f"dilation should be greater than zero, but got {list(dilation)}")
    if groups <= 0:
        raise RuntimeError("non-positive groups is not supported")
    if weight.shape[0] % groups:
        raise RuntimeError(f"Given groups={groups}, expected weight to be divisible by {groups} "
                           f"at dimension 0, but got weight of size [{list(weight.shape)}] "
                           "instead")
    given = "transposed=1" if transposed else f"groups={groups}"
    channels = weight.shape[0] if transposed else weight.shape[1] * groups
    if input.shape[1] != channels:
        raise RuntimeError(f"Given {given}, weight of size {list(weight.shape)}, expected input"
                           f"{list(input.shape)} to have {channels} channels, but got "
                           f"{input.shape[1]} channels instead")
    out_channels = weight.shape[1] * groups if transposed else weight.shape[0]
    if bias is not None and (bias.ndim != 1 or bias.shape[0] != out_channels):
        raise RuntimeError(f"Given {'transposed=1, ' if transposed else ''}weight of size "
                           f"{list(weight.shape)}, expected bias to be 1-dimensional with "
                           f"{out_channels} elements, but got bias of size {list(bias.shape)} "
                           "instead")
    if input.dtype is not weight.dtype:
        raise RuntimeError(f"expected scalar type {input.dtype.scalar_name} but found "
                           f"{weight.dtype.scalar_name}. Fix: convert the input with "
                           ".to(weight.dtype)")
    if bias is not None and bias.dtype is not input.dtype:
        raise RuntimeError(f"Input type ({_type_name(input)}) and bias type ({_type_name(bias)})"
                           " should be the same")


def _convolve(input, weight, bias, stride, padding, dilation, groups) -> Tensor:
    """The checked convolution of a batched input (sizes already ``nd`` ints each)."""
    _check(input, weight, bias, stride, padding, dilation, groups, False, None)
    spatial = input.shape[2:]
    kernel = [d * (k - 1) + 1 for d, k in zip(dilation, weight.shape[2:])]
    if any(n + 2 * p < k for n, p, k in zip(spatial, padding, kernel)):
        raise RuntimeError(
            "Calculated padded input size per channel: ("
            f"{' x '.join(str(n + 2 * p) for n, p in zip(spatial, padding))}). Kernel size: "
            f"({' x '.join(map(str, kernel))}). Kernel size can't be greater than actual input "
            "size. Fix: use a smaller kernel or dilation, or pad the input")
    out = convolution_ops.geometry(input.shape, weight.shape, stride, padding, dilation)
    columns = convolution_ops.group_columns(input._data, tuple(weight.shape), stride, padding,
                                            dilation, groups, out)
    return convolution_ops.convolution(input, weight, bias, columns, stride, padding, dilation,
                                       groups)


def _same_padding(input, weight, stride, dilation):
    """``padding='same'``: half the dilated kernel on each side; where that is odd, PyTorch
    pads the extra cell at the end (a padded copy of the input)."""
    if any(s != 1 for s in stride):
        raise RuntimeError("padding='same' is not supported for strided convolutions")
    total = [d * (k - 1) for d, k in zip(dilation, weight.shape[2:])]
    if any(t % 2 for t in total):
        widths = ((0, 0), (0, 0)) + tuple((0, t % 2) for t in total)
        input = padding_ops.constant_pad(input, widths, 0.0)
    return input, tuple(t // 2 for t in total)


def _conv(name: str, nd: int, input, weight, bias, stride, padding, dilation, groups):
    input, unbatched = with_batch(input, nd + 2, name)
    stride, dilation = _expand("stride", stride, nd), _expand("dilation", dilation, nd)
    if isinstance(padding, str):
        if padding == "valid":
            padding = (0,) * nd
        elif padding == "same":
            input, padding = _same_padding(input, weight, stride, dilation)
        else:
            raise RuntimeError(f"Invalid padding string: '{padding}'; use 'valid', 'same' or "
                               "numbers")
    else:
        padding = _expand("padding", padding, nd)
    out = _convolve(input, weight, bias, stride, padding, dilation, groups)
    return out.squeeze(0) if unbatched else out


def conv1d(input: Tensor, weight: Tensor, bias: Tensor | None = None, stride=1, padding=0,
           dilation=1, groups: int = 1) -> Tensor:
    """1-D convolution (cross-correlation) of ``(N, C, L)`` with ``(O, C/groups, k)``;
    ``padding`` may also be 'valid' or 'same'.

    >>> torch.conv1d(torch.ones(1, 1, 4), torch.ones(1, 1, 2))
    tensor([[[2., 2., 2.]]])
    """
    return _conv("conv1d", 1, input, weight, bias, stride, padding, dilation, groups)


def conv2d(input: Tensor, weight: Tensor, bias: Tensor | None = None, stride=1, padding=0,
           dilation=1, groups: int = 1) -> Tensor:
    """2-D convolution (cross-correlation) of ``(N, C, H, W)`` with ``(O, C/groups, kh, kw)``.

    >>> torch.nn.functional.conv2d(torch.ones(1, 1, 3, 3), torch.ones(1, 1, 2, 2))
    tensor([[[[4., 4.],
              [4., 4.]]]])
    """
    return _conv("conv2d", 2, input, weight, bias, stride, padding, dilation, groups)


def conv3d(input: Tensor, weight: Tensor, bias: Tensor | None = None, stride=1, padding=0,
           dilation=1, groups: int = 1) -> Tensor:
    """3-D convolution of ``(N, C, D, H, W)`` with ``(O, C/groups, kd, kh, kw)``.

    >>> torch.conv3d(torch.ones(1, 1, 2, 2, 2), torch.ones(1, 1, 2, 2, 2))
    tensor([[[[[8.]]]]])
    """
    return _conv("conv3d", 3, input, weight, bias, stride, padding, dilation, groups)


def _transpose(input, weight, bias, stride, padding, output_padding, groups, dilation):
    """The checked transposed convolution of a batched input (sizes ``nd`` ints each)."""
    _check(input, weight, bias, stride, padding, dilation, groups, True, output_padding)
    nd = input.ndim - 2
    if any(op >= max(s, d) for op, s, d in zip(output_padding, stride, dilation)):
        axes = ("height", "width") if nd < 3 else ("depth", "height", "width")
        shown = (("output_padding", output_padding, 0), ("stride", stride, 1),
                 ("dilation", dilation, 1))
        # PyTorch computes a 1-D one as 2-D of height 1, and names both sizes
        parts = [f"{what}_{axis}: {v}" for what, values, height in shown
                 for axis, v in zip(axes, (height,) * (nd == 1) + tuple(values))]
        raise RuntimeError("output padding must be smaller than either stride or dilation, "
                           f"but got {' '.join(parts)}")
    spatial = input.shape[2:]
    out = [(n - 1) * s - 2 * p + d * (k - 1) + op + 1 for n, s, p, d, k, op in
           zip(spatial, stride, padding, dilation, weight.shape[2:], output_padding)]
    if min(out) <= 0:
        ones = "1 x " if nd == 1 else ""  # PyTorch computes a 1-D one as 2-D of height 1
        raise RuntimeError(f"Given input size per channel: ({ones}"
                           f"{' x '.join(map(str, spatial))}). Calculated output size per "
                           f"channel: ({ones}{' x '.join(map(str, out))}). Output size is too "
                           "small")
    output_shape = (input.shape[0], weight.shape[1] * groups, *out)
    return convolution_ops.convolution_transpose(input, weight, bias, stride, padding,
                                                 dilation, groups, output_shape)


def _conv_t(name, nd, input, weight, bias, stride, padding, output_padding, groups, dilation):
    input, unbatched = with_batch(input, nd + 2, name)
    if isinstance(padding, str):
        raise TypeError(f"{name}(): argument 'padding' must be tuple of ints, not str")
    sizes = [_expand(what, v, nd) for what, v in (("stride", stride), ("padding", padding),
                                                  ("output_padding", output_padding),
                                                  ("dilation", dilation))]
    stride, padding, output_padding, dilation = sizes
    out = _transpose(input, weight, bias, stride, padding, output_padding, groups, dilation)
    return out.squeeze(0) if unbatched else out


def conv_transpose1d(input: Tensor, weight: Tensor, bias: Tensor | None = None, stride=1,
                     padding=0, output_padding=0, groups: int = 1, dilation=1) -> Tensor:
    """1-D transposed convolution of ``(N, C_in, L)`` with ``(C_in, C_out/groups, k)``: the
    gradient of ``conv1d`` with respect to its input.

    >>> torch.conv_transpose1d(torch.ones(1, 1, 2), torch.ones(1, 1, 2))
    tensor([[[1., 2., 1.]]])
    """
    return _conv_t("conv_transpose1d", 1, input, weight, bias, stride, padding, output_padding,
                   groups, dilation)


def conv_transpose2d(input: Tensor, weight: Tensor, bias: Tensor | None = None, stride=1,
                     padding=0, output_padding=0, groups: int = 1, dilation=1) -> Tensor:
    """2-D transposed convolution of ``(N, C_in, H, W)`` with ``(C_in, C_out/groups, kh, kw)``:
    the gradient of ``conv2d`` with respect to its input.

    >>> ones = torch.ones(1, 1, 2, 2)
    >>> torch.nn.functional.conv_transpose2d(ones, ones, stride=2)
    tensor([[[[1., 1., 1., 1.],
              [1., 1., 1., 1.],
              [1., 1., 1., 1.],
              [1., 1., 1., 1.]]]])
    """
    return _conv_t("conv_transpose2d", 2, input, weight, bias, stride, padding, output_padding,
                   groups, dilation)


def conv_transpose3d(input: Tensor, weight: Tensor, bias: Tensor | None = None, stride=1,
                     padding=0, output_padding=0, groups: int = 1, dilation=1) -> Tensor:
    """3-D transposed convolution of ``(N, C_in, D, H, W)`` with
    ``(C_in, C_out/groups, kd, kh, kw)``.

    >>> torch.conv_transpose3d(torch.ones(1, 1, 1, 1, 1), torch.ones(1, 2, 1, 1, 2)).shape
    torch.Size([1, 2, 1, 1, 2])
    """
    return _conv_t("conv_transpose3d", 3, input, weight, bias, stride, padding, output_padding,
                   groups, dilation)


def _int_list(name: str, value, position: int) -> tuple:
    if not isinstance(value, (tuple, list)):
        raise TypeError(f"convolution(): argument '{name}' (position {position}) must be tuple "
                        f"of ints, not {type(value).__name__}")
    return value


def convolution(input: Tensor, weight: Tensor, bias: Tensor | None, stride, padding, dilation,
                transposed: bool, output_padding, groups: int) -> Tensor:
    """The convolution under all the others: ``transposed`` picks a transposed one; the
    number of spatial dimensions is the weight's, and sizes are lists of ints.

    >>> torch.convolution(torch.ones(1, 1, 3), torch.ones(1, 1, 2), None, [1], [0], [1],
    ...                   False, [0], 1)
    tensor([[[2., 2.]]])
    """
    nd = weight.ndim - 2
    sizes = [_expand(name, _int_list(name, v, position), nd) for name, v, position in
             (("stride", stride, 4), ("padding", padding, 5), ("dilation", dilation, 6),
              ("output_padding", output_padding, 8))]
    stride, padding, dilation, output_padding = sizes
    if transposed:
        return _transpose(input, weight, bias, stride, padding, output_padding, groups,
                          dilation)
    return _convolve(input, weight, bias, stride, padding, dilation, groups)
