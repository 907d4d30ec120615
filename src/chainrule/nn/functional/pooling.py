"""Pooling of ``torch.nn.functional``: max, average and adaptive pooling in 1-D and 2-D.

``max_pool2d`` and ``avg_pool2d`` turn PyTorch's arguments into one checked
geometry and call their rows in ``chainrule.ops.pooling``; sizes are PyTorch's:
with ``ceil_mode`` the output size rounds up, but a window must still start
inside the input or its left padding.  The 1-D poolings are the 2-D ones on a
height-1 view, as PyTorch computes them; adaptive pooling is a mean per bin
(or one ordinary pooling where the bins are equal), adaptive max pooling a
gather of each bin's maximum.
"""
from __future__ import annotations

from ..._backend import xp
from ...functions.joining import stack
from ...ops import pooling as pooling_ops
from ...tensor import Tensor
from .arguments import floating_only, pair

__all__ = [
    "max_pool1d", "max_pool2d", "max_pool2d_with_indices", "avg_pool1d", "avg_pool2d",
    "adaptive_avg_pool1d", "adaptive_avg_pool2d", "adaptive_max_pool1d", "adaptive_max_pool2d",
]


def _pool_out_size(size, k, s, p, d, ceil_mode):
    span = size + 2 * p - d * (k - 1) - 1
    out = (span + (s - 1 if ceil_mode else 0)) // s + 1
    if ceil_mode and (out - 1) * s >= size + p:
        out -= 1
    return out


def _pool_pair(name, what, v, stride=False):
    v = tuple(v) if isinstance(v, (tuple, list)) else (v, v)
    if len(v) == 1:
        v = v * 2
    if len(v) != 2:
        rule = "either be omitted, a single int, or" if stride else "either be a single int, or"
        raise RuntimeError(f"{name}: {what} must {rule} a tuple of two ints, e.g. {what}=2 or "
                           f"{what}=(2, 3)")
    return tuple(int(x) for x in v)


def _pool_geometry(name, input, kernel_size, stride, padding, dilation, ceil_mode):
    """The checked geometry of a pooling of ``input``, with PyTorch's errors."""
    kernel = _pool_pair(name, "kernel_size", kernel_size)
    stride = kernel if stride is None or stride == [] or stride == () \
        else _pool_pair(name, "stride", stride, stride=True)
    padding = _pool_pair(name, "padding", padding)
    dilation = _pool_pair(name, "dilation", dilation)
    if min(stride) <= 0:
        raise RuntimeError(f"stride should not be zero, but got stride={stride}; pass a "
                           "positive stride (or omit it to use the kernel size)")
    if min(kernel) <= 0:
        raise RuntimeError("kernel size should be greater than zero, but got "
                           f"kH: {kernel[0]} kW: {kernel[1]}")
    if min(dilation) <= 0:
        raise RuntimeError("dilation should be greater than zero, but got "
                           f"dilationH: {dilation[0]} dilationW: {dilation[1]}")
    if min(padding) < 0:
        raise RuntimeError(f"pad must be non-negative, but got pad: {min(padding)}")
    if any(2 * p > d * (k - 1) + 1 for p, k, d in zip(padding, kernel, dilation)):
        raise RuntimeError(
            "pad should be at most half of effective kernel size, but got "
            f"pad={padding[0]}, kernel_size={kernel[0]} and dilation={dilation[0]}; "
            "use a smaller padding, or pad the input with F.pad first")
    if any(p > k // 2 for p, k in zip(padding, kernel)):
        raise RuntimeError(
            "pad should be smaller than or equal to half of kernel size, but got "
            f"padW = {padding[1]}, padH = {padding[0]}, kW = {kernel[1]}, kH = {kernel[0]}; "
            "use a smaller padding, or pad the input with F.pad first")
    if input.ndim not in (3, 4) or 0 in input.shape[-3:]:
        raise RuntimeError("Expected 3D or 4D (batch mode) tensor with optional 0 dim batch "
                           f"size for input, but got:{list(input.shape)}")
    *_, c, h, w = input.shape
    ho, wo = (_pool_out_size(n, k, s, p, d, ceil_mode)
              for n, k, s, p, d in zip((h, w), kernel, stride, padding, dilation))
    if ho < 1 or wo < 1:
        raise RuntimeError(f"Given input size: ({c}x{h}x{w}). Calculated output size: "
                           f"({c}x{ho}x{wo}). Output size is too small; use a smaller "
                           "kernel_size or a larger input")
    after = tuple(max((o - 1) * s + d * (k - 1) + 1 - (n + 2 * p), 0)
                  for o, n, k, s, p, d in zip((ho, wo), (h, w), kernel, stride, padding, dilation))
    return kernel, stride, padding, dilation, (ho, wo), after


def max_pool2d(input: Tensor, kernel_size, stride=None, padding=0, dilation=1,
               ceil_mode: bool = False, return_indices: bool = False):
    """The maximum of each ``kernel_size`` window of a ``(N, C, H, W)`` or ``(C, H, W)`` input.

    ``ceil_mode=True`` keeps the last, partial windows; ``return_indices=True`` also returns
    where each maximum is, as a flat index into its ``H * W`` plane (int64).

    >>> import chainrule as torch
    >>> x = torch.arange(16.).reshape(1, 1, 4, 4)
    >>> torch.nn.functional.max_pool2d(x, 2)
    tensor([[[[ 5.,  7.],
              [13., 15.]]]])
    >>> torch.nn.functional.max_pool2d(x, 3, stride=2, ceil_mode=True, return_indices=True)
    (tensor([[[[10., 11.],
              [14., 15.]]]]), tensor([[[[10, 11],
              [14, 15]]]]))
    """
    geometry = _pool_geometry("max_pool2d", input, kernel_size, stride, padding, dilation,
                              ceil_mode)
    if input._data.dtype.kind == "b":
        raise NotImplementedError("\"max_pool2d\" not implemented for 'Bool'; convert the "
                                  "input with .float() first")
    unbatched = input.ndim == 3
    x = input.unsqueeze(0) if unbatched else input
    if not return_indices:
        out = pooling_ops.max_pool2d(x, geometry)
        return out.squeeze(0) if unbatched else out
    out, index = pooling_ops.max_pool2d_with_indices(x, geometry)
    return (out.squeeze(0), index.squeeze(0)) if unbatched else (out, index)


def max_pool2d_with_indices(input: Tensor, kernel_size, stride=None, padding=0, dilation=1,
                            ceil_mode: bool = False, return_indices: bool = True):
    """``max_pool2d`` returning ``(values, indices)``.

    >>> import chainrule as torch
    >>> torch.nn.functional.max_pool2d_with_indices(torch.tensor([[[1., 3.], [2., 0.]]]), 2)
    (tensor([[[3.]]]), tensor([[[1]]]))
    """
    return max_pool2d(input, kernel_size, stride, padding, dilation, ceil_mode, True)


def avg_pool2d(input: Tensor, kernel_size, stride=None, padding=0, ceil_mode: bool = False,
               count_include_pad: bool = True, divisor_override: int | None = None) -> Tensor:
    """The mean of each ``kernel_size`` window of a ``(N, C, H, W)`` or ``(C, H, W)`` input.

    Padding counts as zeros unless ``count_include_pad=False``; ``divisor_override``
    divides every window's sum by that number instead.

    >>> import chainrule as torch
    >>> x = torch.arange(16.).reshape(1, 1, 4, 4)
    >>> torch.nn.functional.avg_pool2d(x, 2)
    tensor([[[[ 2.5000,  4.5000],
              [10.5000, 12.5000]]]])
    >>> torch.nn.functional.avg_pool2d(x, 3, stride=2, padding=1, count_include_pad=False)
    tensor([[[[ 2.5000,  4.0000],
              [ 8.5000, 10.0000]]]])
    """
    if divisor_override is not None:
        if not isinstance(divisor_override, int) or isinstance(divisor_override, bool):
            raise TypeError("avg_pool2d(): argument 'divisor_override' must be int, not "
                            f"{type(divisor_override).__name__}")
        if divisor_override == 0:
            raise RuntimeError("divisor must be not zero; pass a non-zero divisor_override "
                               "(or None to divide by the window size)")
    geometry = _pool_geometry("avg_pool2d", input, kernel_size, stride, padding, 1, ceil_mode)
    unbatched = input.ndim == 3
    x = input.unsqueeze(0) if unbatched else input
    divisor = pooling_ops.avg_pool2d_divisor(x.shape, geometry, count_include_pad, divisor_override)
    out = pooling_ops.avg_pool2d(x, geometry, divisor)
    return out.squeeze(0) if unbatched else out


def adaptive_avg_pool2d(input: Tensor, output_size) -> Tensor:
    """Average pooling to a fixed output size (bins as PyTorch cuts them).

    >>> import chainrule as torch
    >>> torch.nn.functional.adaptive_avg_pool2d(torch.ones(1, 1, 4, 4), 1)
    tensor([[[[1.]]]])
    """
    h, w = input.shape[-2:]
    oh, ow = pair(output_size)
    oh = h if oh is None else oh
    ow = w if ow is None else ow
    if (oh, ow) == (1, 1):  # one bin: a mean, as PyTorch records it (MeanBackward1)
        return input.mean((-1, -2), keepdim=True)
    if h % oh == 0 and w % ow == 0:  # equal bins: one ordinary average pooling
        k = (h // oh, w // ow)
        return avg_pool2d(input, k, k)
    rows = []
    for i in range(oh):
        h0, h1 = (i * h) // oh, -((-(i + 1) * h) // oh)
        cols = []
        for j in range(ow):
            w0, w1 = (j * w) // ow, -((-(j + 1) * w) // ow)
            cols.append(input[..., h0:h1, w0:w1].mean((-2, -1)))
        rows.append(stack(cols, -1))
    return stack(rows, -2)


def _one(name, what, v):
    """A 1-D pooling argument as one int (PyTorch accepts ``k`` or ``(k,)``)."""
    if isinstance(v, (tuple, list)):
        if len(v) != 1:
            raise RuntimeError(f"{name}: {what} must be a single int or a tuple of one int, "
                               f"e.g. {what}=2, but got {tuple(v)}")
        v = v[0]
    return int(v)


def _check_1d_input(name, input):
    if input.ndim not in (2, 3):
        raise RuntimeError(f"{name}: Expected 2D or 3D (batch mode) tensor with optional 0 dim "
                           f"batch size for input, but got:{list(input.shape)}")


def max_pool1d(input: Tensor, kernel_size, stride=None, padding=0, dilation=1,
               ceil_mode: bool = False, return_indices: bool = False):
    """The maximum of each ``kernel_size`` window of a ``(N, C, L)`` or ``(C, L)`` input.

    >>> import chainrule as torch
    >>> torch.nn.functional.max_pool1d(torch.tensor([[1., 3., 2., 0., 5.]]), 2, return_indices=True)
    (tensor([[3., 2.]]), tensor([[1, 2]]))
    """
    _check_1d_input("max_pool1d", input)
    floating_only("max_pool1d_impl", input)
    k = _one("max_pool1d", "kernel_size", kernel_size)
    s = k if stride is None or stride == [] or stride == () \
        else _one("max_pool1d", "stride", stride)
    out = max_pool2d(input.unsqueeze(-2), (1, k), (1, s),
                     (0, _one("max_pool1d", "padding", padding)),
                     (1, _one("max_pool1d", "dilation", dilation)), ceil_mode, return_indices)
    if return_indices:  # with height 1, the flat index into H*W is the index into L
        return out[0].squeeze(-2), out[1].squeeze(-2)
    return out.squeeze(-2)


def _check_2_or_3_dims(name, input):
    if input.ndim not in (2, 3):
        raise RuntimeError(f"Expected 2 to 3 dimensions, but got {input.ndim}-dimensional "
                           f"tensor for argument #1 'self' (while checking arguments for "
                           f"{name})")


def avg_pool1d(input: Tensor, kernel_size, stride=None, padding=0, ceil_mode: bool = False,
               count_include_pad: bool = True) -> Tensor:
    """The mean of each ``kernel_size`` window of a ``(N, C, L)`` or ``(C, L)`` input.

    >>> import chainrule as torch
    >>> torch.nn.functional.avg_pool1d(torch.tensor([[1., 3., 2., 0., 5.]]), 2)
    tensor([[2., 1.]])
    """
    _check_2_or_3_dims("avg_pool1d", input)
    k = _one("avg_pool1d", "kernel_size", kernel_size)
    s = k if stride is None or stride == [] or stride == () \
        else _one("avg_pool1d", "stride", stride)
    return avg_pool2d(input.unsqueeze(-2), (1, k), (1, s),
                      (0, _one("avg_pool1d", "padding", padding)), ceil_mode,
                      count_include_pad).squeeze(-2)


def adaptive_avg_pool1d(input: Tensor, output_size) -> Tensor:
    """Average pooling of ``(N, C, L)`` or ``(C, L)`` to ``output_size`` bins.

    >>> import chainrule as torch
    >>> torch.nn.functional.adaptive_avg_pool1d(torch.tensor([[1., 3., 2., 0., 5.]]), 2)
    tensor([[2.0000, 2.3333]])
    """
    _check_2_or_3_dims("adaptive_avg_pool1d", input)
    size = _one("adaptive_avg_pool1d", "output_size", output_size)
    return adaptive_avg_pool2d(input.unsqueeze(-2), (1, size)).squeeze(-2)


def _bins(n, out):
    """PyTorch's adaptive bins of ``n`` cells into ``out``: (start, end) pairs."""
    return [((i * n) // out, -((-(i + 1) * n) // out)) for i in range(out)]


def _adaptive_max_indices(x, out_hw):
    """Each bin's first maximum (NaN counts as the maximum) as a flat index into H*W."""
    n, c, h, w = x.shape
    flat = xp.empty((n, c) + out_hw, dtype=xp.int64)
    for i, (h0, h1) in enumerate(_bins(h, out_hw[0])):
        for j, (w0, w1) in enumerate(_bins(w, out_hw[1])):
            window = x[:, :, h0:h1, w0:w1].reshape(n, c, -1)
            at = xp.argmax(window, axis=-1)  # the first maximum, or the first NaN
            flat[:, :, i, j] = (h0 + at // (w1 - w0)) * w + w0 + at % (w1 - w0)
    return flat


def adaptive_max_pool2d(input: Tensor, output_size, return_indices: bool = False):
    """Max pooling of ``(N, C, H, W)`` or ``(C, H, W)`` to ``output_size`` bins (PyTorch's
    bins; ``None`` keeps that dimension's size).

    >>> import chainrule as torch
    >>> x = torch.arange(9.).reshape(1, 3, 3)
    >>> torch.nn.functional.adaptive_max_pool2d(x, 2, return_indices=True)
    (tensor([[[4., 5.],
             [7., 8.]]]), tensor([[[4, 5],
             [7, 8]]]))
    """
    if input.ndim not in (3, 4):
        raise RuntimeError(f"adaptive_max_pool2d(): Expected 3D or 4D tensor, but got: "
                           f"{list(input.shape)}")
    size = tuple(output_size) if isinstance(output_size, (tuple, list)) else (output_size,) * 2
    if len(size) != 2:
        raise RuntimeError(f"adaptive_max_pool2d: internal error: output_size.size() must be 2, "
                           f"got {len(size)}; pass an int or a pair, e.g. output_size=(2, 3)")
    h, w = input.shape[-2:]
    out_hw = (h if size[0] is None else int(size[0]), w if size[1] is None else int(size[1]))
    if min(out_hw) < 0 or 0 in input.shape[-2:]:
        raise RuntimeError(f"adaptive_max_pool2d(): Expected input to have non-zero size for "
                           f"non-batch dimensions, but input has sizes {list(input.shape)}")
    floating_only("adaptive_max_pool2d", input)
    unbatched = input.ndim == 3
    x = input.unsqueeze(0) if unbatched else input
    n, c = x.shape[:2]
    index = Tensor._make(_adaptive_max_indices(x._data, out_hw))
    # a gather of the maxima: the gradient goes to each bin's first maximum, as in PyTorch
    out = x.reshape(n, c, h * w).gather(2, index.reshape(n, c, -1)).reshape(n, c, *out_hw)
    if unbatched:
        out, index = out.squeeze(0), index.squeeze(0)
    return (out, index) if return_indices else out


def adaptive_max_pool1d(input: Tensor, output_size, return_indices: bool = False):
    """Max pooling of ``(N, C, L)`` or ``(C, L)`` to ``output_size`` bins.

    >>> import chainrule as torch
    >>> torch.nn.functional.adaptive_max_pool1d(torch.tensor([[1., 3., 2., 0., 5.]]), 2)
    tensor([[3., 5.]])
    """
    if input.ndim not in (2, 3):
        raise RuntimeError(f"adaptive_max_pool1d(): Expected 2D or 3D tensor, but got: "
                           f"{list(input.shape)}")
    size = _one("adaptive_max_pool1d", "output_size", output_size)
    out = adaptive_max_pool2d(input.unsqueeze(-2), (1, size), return_indices)
    if return_indices:
        return out[0].squeeze(-2), out[1].squeeze(-2)
    return out.squeeze(-2)
