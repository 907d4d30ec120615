"""``chainrule.nn.functional``: the operations that layers and losses are made of.

Most are compositions of chainrule's tensor operations, so their gradients
come from the core rule table for free.  The ones below that need a rule of
their own are ``Op``s, each for a reason given next to it: numerical
stability (``log_softmax``, ``softplus``), or speed where a composition would
record thousands of tiny nodes (convolution, pooling, embedding, ``linear``,
``nll_loss``).
"""
from __future__ import annotations

import numpy as np
from numpy.lib.stride_tricks import sliding_window_view

from ...engine.op import Op
from ...functions.joining import stack
from ...ops.reduction import _mean
from ...tensor import Tensor
from .activation import (  # noqa: F401
    celu,
    elu,
    gelu,
    glu,
    hardshrink,
    hardsigmoid,
    hardswish,
    hardtanh,
    leaky_relu,
    log_softmax,
    logsigmoid,
    mish,
    prelu,
    relu,
    relu6,
    selu,
    sigmoid,
    silu,
    softmax,
    softmin,
    softplus,
    softshrink,
    softsign,
    tanh,
    tanhshrink,
    threshold,
)
from .arguments import pair as _pair
from .convolution import conv1d, conv2d, conv_transpose2d  # noqa: F401
from .distance import cosine_similarity, pairwise_distance  # noqa: F401
from .dropout import dropout, dropout1d, dropout2d  # noqa: F401
from .linear import bilinear, linear  # noqa: F401
from .loss import (  # noqa: F401
    binary_cross_entropy,
    binary_cross_entropy_with_logits,
    cosine_embedding_loss,
    cross_entropy,
    gaussian_nll_loss,
    hinge_embedding_loss,
    huber_loss,
    kl_div,
    l1_loss,
    margin_ranking_loss,
    mse_loss,
    multilabel_soft_margin_loss,
    nll_loss,
    poisson_nll_loss,
    smooth_l1_loss,
    soft_margin_loss,
    triplet_margin_loss,
)
from .padding import pad  # noqa: F401
from .sparse import embedding, one_hot  # noqa: F401


def normalize(input: Tensor, p: float = 2.0, dim: int = 1, eps: float = 1e-12) -> Tensor:
    """``x / max(||x||_p, eps)`` along ``dim``.

    >>> import chainrule as torch
    >>> torch.nn.functional.normalize(torch.tensor([[3., 4.]]))
    tensor([[0.6000, 0.8000]])
    """
    return input / input.norm(p, dim, keepdim=True).clamp(min=eps)


# ----------------------------------------------------------------------------------------
# convolution: im2col + one matmul
# ----------------------------------------------------------------------------------------
# NumPy has no convolution kernel.  The input's sliding windows are gathered into a
# "column" matrix of shape (N*Ho*Wo, kh*kw*C) - a strided view copied once - and one
# matmul with the (kh*kw*C, O) weight matrix does all the arithmetic.  Cost against that
# matmul: the copy moves N*Ho*Wo*kh*kw*C numbers, i.e. 1/O of the matmul's
# multiply-adds, but it is memory-bound, so for narrow layers (LeNet's have 16 and 32
# output channels) it costs about as much as the matmul itself.  Backward is two more
# matmuls of the same size (weight grad: grad^T @ columns; input grad: grad @ weight)
# plus the inverse of the gather ("col2im"): kh*kw strided additions into the input's
# gradient, each of N*Ho*Wo*C numbers.
#
# Two choices make the copies cheap: the input is laid out channels-last (NHWC) first,
# so every copied run is C contiguous numbers instead of single strided ones; and the
# forward's column matrix is kept for the weight gradient instead of being gathered again.


def _windows(x, kh, kw, stride, dilation, out_hw):
    """(N, C, Ho, Wo, kh, kw) strided view of the (already padded) input's windows."""
    (sh, sw), (dh, dw), (ho, wo) = stride, dilation, out_hw
    view = sliding_window_view(x, ((kh - 1) * dh + 1, (kw - 1) * dw + 1), axis=(2, 3))
    return view[:, :, :(ho - 1) * sh + 1:sh, :(wo - 1) * sw + 1:sw, ::dh, ::dw]


# ----------------------------------------------------------------------------------------
# pooling
# ----------------------------------------------------------------------------------------
# A pooling's windows are one "geometry" tuple, (kernel, stride, padding, dilation, out_hw,
# after), each a (rows, columns) pair, passed to the ops as one argument.  Sizes are
# PyTorch's: with ceil_mode the output size rounds up, but a window must still start inside
# the input or its left padding.  The last windows may then reach past the right padding,
# so the input is padded further there by ``after``: with -inf for max (never the
# maximum), with zeros for avg (and left out of the divisor).
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


def _lowest(dtype):
    return -np.inf if dtype.kind == "f" else np.iinfo(dtype).min


def _padded(x, geometry, fill):
    (ph, pw), (ah, aw) = geometry[2], geometry[5]
    if ph or pw or ah or aw:
        x = np.pad(x, ((0, 0), (0, 0), (ph, ph + ah), (pw, pw + aw)), constant_values=fill)
    return x


def _offset_slices(x, geometry):
    """For each kernel offset (i, j), the strided (N, C, Ho, Wo) view of ``x`` it reads."""
    (kh, kw), (sh, sw), _, (dh, dw), (ho, wo), _ = geometry
    for i in range(kh):
        for j in range(kw):
            yield x[:, :, i * dh:i * dh + (ho - 1) * sh + 1:sh,
                    j * dw:j * dw + (wo - 1) * sw + 1:sw]


# Max pooling as kh*kw elementwise maxima of strided views: NumPy's reduce over two tiny
# trailing axes of a windowed view is several times slower than these whole-array passes.
def _max_pool_forward(self, geometry):
    views = _offset_slices(_padded(self, geometry, _lowest(self.dtype)), geometry)
    out = next(views).copy()
    for v in views:
        np.maximum(out, v, out=out)
    return out


def _max_pool_indices(x, geometry):
    """Each window's maximum and its flat index into the input's H*W plane, as PyTorch picks
    them: the first maximum in row-major order, but the last NaN (a NaN wins and stays).

    About ten times the work of ``_max_pool_forward`` (a comparison and two masked copies
    per kernel offset instead of one ``maximum``), so it runs only where indices are asked
    for, or where NaN or -inf make that forward's equality test ambiguous.
    """
    n, c, h, w = x.shape
    kernel, stride, padding, dilation, (ho, wo), _ = geometry
    lowest = _lowest(x.dtype)
    out = np.full((n, c, ho, wo), lowest, dtype=x.dtype)
    # A window of -inf keeps its first element inside the input, as in PyTorch.
    rows, cols = (np.arange(o) * s - p for o, s, p in zip((ho, wo), stride, padding))
    first_row, first_col = (np.where(a < 0, a + (-a + d - 1) // d * d, a)
                            for a, d in zip((rows, cols), dilation))
    index = np.empty((n, c, ho, wo), dtype=np.int64)
    index[...] = first_row[:, None] * w + first_col
    for k, v in enumerate(_offset_slices(_padded(x, geometry, lowest), geometry)):
        i, j = divmod(k, kernel[1])
        better = v > out
        if x.dtype.kind == "f":
            better |= np.isnan(v)
        np.copyto(out, v, where=better)
        np.copyto(index, (rows[:, None] + i * dilation[0]) * w + cols + j * dilation[1],
                  where=better)
    return out, index


def _max_pool_scatter(grad, index, shape):
    """Each output's gradient added at its input position (``index`` into each H*W plane)."""
    n, c, h, w = shape
    planes = np.arange(n * c, dtype=np.int64).reshape(n, c, 1, 1) * (h * w)
    # A window wholly in the padding points past its plane, as in PyTorch: nothing to add.
    inside = index < h * w
    flat = np.where(inside, planes + index, 0).ravel()
    # bincount sums in float64, in one pass (np.add.at would go element by element)
    dx = np.bincount(flat, weights=np.where(inside, grad, 0).ravel(), minlength=n * c * h * w)
    return dx.astype(grad.dtype, copy=False).reshape(shape)


def _max_pool_backward(grad, self, result, geometry):
    if not np.isfinite(result).all():
        # NaN never equals itself and -inf equals the padding: ask the indices instead
        return _max_pool_scatter(grad, _max_pool_indices(self, geometry)[1], self.shape)
    n, c, h, w = self.shape
    kernel, stride, padding, dilation, out_hw, after = geometry
    if kernel == stride and padding == (0, 0) and dilation == (1, 1) and after == (0, 0):
        # Non-overlapping windows tiling the input: the windows are a reshape (a view), so
        # each offset's gradient is written in place once, with no strided accumulation.
        (kh, kw), (ho, wo) = kernel, out_hw
        tiles = self[:, :, :ho * kh, :wo * kw].reshape(n, c, ho, kh, wo, kw)
        dx = np.zeros(self.shape, dtype=grad.dtype)
        dx_tiles = dx[:, :, :ho * kh, :wo * kw].reshape(n, c, ho, kh, wo, kw)
        taken = np.zeros(result.shape, dtype=bool)
        for i in range(kh):  # the first maximum in each window takes the gradient
            for j in range(kw):
                hit = tiles[:, :, :, i, :, j] == result
                hit &= ~taken
                np.multiply(grad, hit, out=dx_tiles[:, :, :, i, :, j])
                taken |= hit
        return dx
    x = _padded(self, geometry, -np.inf)
    taken = np.zeros(result.shape, dtype=bool)
    dx = np.zeros(x.shape, dtype=grad.dtype)
    # the first maximum in each window takes the whole gradient, as in PyTorch
    for v, d in zip(_offset_slices(x, geometry), _offset_slices(dx, geometry)):
        hit = (v == result) & ~taken
        d += np.where(hit, grad, 0)
        taken |= hit
    ph, pw = padding
    return dx[:, :, ph:ph + h, pw:pw + w]


def _gather_max(gg, self, geometry):
    """Max pooling's backward differentiated in its ``grad``: the maxima's entries of
    ``gg``, recorded as PyTorch records it (a gather, then a view)."""
    n, c, h, w = self.shape
    index = _max_pool_indices(self._data, geometry)[1]
    index = Tensor._make(np.minimum(index, h * w - 1).reshape(n, c, -1))
    return gg.reshape(n, c, h * w).gather(2, index).view(n, c, *geometry[4])


# PyTorch gives ``self`` a zero gradient in the backward's own node (where the maxima are
# depends on it), so a gradient of a max pooling requires grad there too.
max_pool_backward = Op("MaxPool2DWithIndicesBackwardBackward0", _max_pool_backward,
                       grad=lambda gg, self, geometry: _gather_max(gg, self, geometry),
                       self=lambda gg, self: self.new_zeros(self.shape))
max_pool_op = Op("MaxPool2DWithIndicesBackward0", _max_pool_forward,
                 self=lambda grad, self, result, geometry:
                     max_pool_backward(grad, self, result, geometry),
                 jvp=lambda self_t, self, geometry: _gather_max(self_t, self, geometry))


def _max_pool_values(self, values, geometry):
    return values  # computed with the indices, beforehand: an Op has one output


# return_indices: the values come with the indices (from _max_pool_indices); this op
# records them, with max_pool_op's backward and name, as PyTorch has one node for both.
max_pool_indexed_op = Op("MaxPool2DWithIndicesBackward0", _max_pool_values,
                         self=max_pool_op.rules[0], jvp=max_pool_op.jvp)


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
        out = max_pool_op(x, geometry)
        return out.squeeze(0) if unbatched else out
    values, index = _max_pool_indices(x._data, geometry)
    out, index = max_pool_indexed_op(x, values, geometry), Tensor._make(index)
    return (out.squeeze(0), index.squeeze(0)) if unbatched else (out, index)


def max_pool2d_with_indices(input: Tensor, kernel_size, stride=None, padding=0, dilation=1,
                            ceil_mode: bool = False, return_indices: bool = True):
    """``max_pool2d`` returning ``(values, indices)``.

    >>> import chainrule as torch
    >>> torch.nn.functional.max_pool2d_with_indices(torch.tensor([[[1., 3.], [2., 0.]]]), 2)
    (tensor([[[3.]]]), tensor([[[1]]]))
    """
    return max_pool2d(input, kernel_size, stride, padding, dilation, ceil_mode, True)


def _avg_pool_divisor(shape, geometry, count_include_pad, divisor_override):
    """What each window's sum is divided by, as in PyTorch: a number, or a (Ho, Wo) array
    where windows differ (ceil_mode's partial windows; padding left out of the count)."""
    if divisor_override is not None:
        return divisor_override
    kernel, stride, padding, _, out_hw, _ = geometry
    counts = []
    for o, n, k, s, p in zip(out_hw, shape[2:], kernel, stride, padding):
        start = np.arange(o) * s - p
        end = np.minimum(start + k, n + p)  # what lies past the right padding never counts
        if not count_include_pad:
            start, end = np.maximum(start, 0), np.minimum(end, n)
        counts.append(end - start)
    if (counts[0] == kernel[0]).all() and (counts[1] == kernel[1]).all():
        return kernel[0] * kernel[1]  # the usual case: one number, no array to broadcast
    return counts[0][:, None] * counts[1]


def _divide(total, divisor):
    if total.dtype.kind != "f":  # integer pooling truncates, as in PyTorch
        return (total / divisor).astype(total.dtype)
    if isinstance(divisor, np.ndarray):
        divisor = divisor.astype(total.dtype)  # an int64 array would promote to float64
    return total / divisor


def _avg_pool_forward(self, geometry, divisor):
    kernel, stride, _, _, out_hw, _ = geometry
    win = _windows(_padded(self, geometry, 0), kernel[0], kernel[1], stride, (1, 1), out_hw)
    return _divide(win.sum(axis=(4, 5), dtype=self.dtype), divisor)


def _avg_pool_backward(grad, self, geometry, divisor):
    (ph, pw), (ah, aw) = geometry[2], geometry[5]
    n, c, h, w = self.shape
    share = _divide(grad, divisor)
    dx = np.zeros((n, c, h + 2 * ph + ah, w + 2 * pw + aw), dtype=grad.dtype)
    for view in _offset_slices(dx, geometry):  # col2im: each offset adds its share back
        view += share
    return dx[:, :, ph:ph + h, pw:pw + w]


# Average pooling is linear: its backward differentiated in ``grad`` is the pooling again.
# ``self`` (read for its shape) gets a zero gradient, recorded as PyTorch records it.
avg_pool_backward = Op("AvgPool2DBackwardBackward0", _avg_pool_backward,
                       grad=lambda gg, geometry, divisor: avg_pool_op(gg, geometry, divisor),
                       self=lambda gg, self: self.new_zeros(self.shape))
avg_pool_op = Op("AvgPool2DBackward0", _avg_pool_forward,
                 self=lambda grad, self, geometry, divisor:
                     avg_pool_backward(grad, self, geometry, divisor),
                 jvp=lambda self_t, geometry, divisor: avg_pool_op(self_t, geometry, divisor))


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
    divisor = _avg_pool_divisor(x.shape, geometry, count_include_pad, divisor_override)
    out = avg_pool_op(x, geometry, divisor)
    return out.squeeze(0) if unbatched else out


def adaptive_avg_pool2d(input: Tensor, output_size) -> Tensor:
    """Average pooling to a fixed output size (bins as PyTorch cuts them).

    >>> import chainrule as torch
    >>> torch.nn.functional.adaptive_avg_pool2d(torch.ones(1, 1, 4, 4), 1)
    tensor([[[[1.]]]])
    """
    h, w = input.shape[-2:]
    oh, ow = _pair(output_size)
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


# ----------------------------------------------------------------------------------------
# normalisation
# ----------------------------------------------------------------------------------------
# One node each, NativeLayerNormBackward0 / NativeBatchNormBackward0 as in PyTorch (the
# composition recorded eight).  The forward takes the composition's steps on arrays (mean,
# subtract, square, mean, rsqrt, scale, shift), so it rounds as before.  ``dims``: the
# normalised dimensions; ``shape``: how a per-channel vector broadcasts against the input.
def _normalised_array(x, dims, eps):
    centred = x - _mean(x, dims, True)
    return centred * (1 / np.sqrt(_mean(centred * centred, dims, True) + eps))


def _affine_array(out, weight, bias, shape):
    if weight is not None:
        out = out * weight.reshape(shape)
    if bias is not None:
        out = out + bias.reshape(shape)
    return out


def _norm_stats(x, dims, eps):
    """``(x_hat, 1/std)`` as tensors, so the formulas below can be differentiated again."""
    centred = x - x.mean(dims, keepdim=True)
    rstd = ((centred * centred).mean(dims, keepdim=True) + eps).rsqrt()
    return centred * rstd, rstd


def _through_norm(v, x_hat, rstd, dims):
    """``v`` through normalisation's Jacobian, ``rstd * (v - mean(v) - x_hat mean(v x_hat))``.

    The Jacobian is symmetric, so this is both the backward (``v`` = grad times weight) and
    the forward-mode rule (``v`` = the input's tangent)."""
    return rstd * (v - v.mean(dims, keepdim=True)
                   - x_hat * (v * x_hat).mean(dims, keepdim=True))


def _scaled(v, weight, shape):
    return v if weight is None else v * weight.reshape(shape)


def _affine_tangent(out_t, x_hat, weight, weight_t, bias_t, shape):
    out_t = _scaled(out_t, weight, shape)
    if weight is not None:
        out_t = out_t + x_hat * weight_t.reshape(shape)
    if bias_t is not None:
        out_t = out_t + bias_t.reshape(shape)
    return out_t


def _layer_norm_jvp(input_t, weight_t, bias_t, input, weight, dims, eps):
    x_hat, rstd = _norm_stats(input, dims, eps)
    return _affine_tangent(_through_norm(input_t, x_hat, rstd, dims), x_hat, weight, weight_t,
                           bias_t, -1 if weight is None else tuple(weight.shape))


# Layer norm's weight has the normalised (trailing) shape: the engine sums its gradient over
# the leading dimensions, as broadcasting asks.
layer_norm_op = Op(
    "NativeLayerNormBackward0",
    lambda input, weight, bias, dims, eps:
        _affine_array(_normalised_array(input, dims, eps), weight, bias,
                      None if weight is None else weight.shape),
    input=lambda grad, input, weight, dims, eps: _through_norm(
        _scaled(grad, weight, -1 if weight is None else tuple(weight.shape)),
        *_norm_stats(input, dims, eps), dims),
    weight=lambda grad, input, dims, eps: grad * _norm_stats(input, dims, eps)[0],
    bias=lambda grad: grad,
    jvp=_layer_norm_jvp)


def _batch_norm_train_jvp(input_t, weight_t, bias_t, input, weight, dims, shape, eps):
    x_hat, rstd = _norm_stats(input, dims, eps)
    return _affine_tangent(_through_norm(input_t, x_hat, rstd, dims), x_hat, weight, weight_t,
                           bias_t, shape)


batch_norm_train_op = Op(
    "NativeBatchNormBackward0",
    lambda input, weight, bias, dims, shape, eps:
        _affine_array(_normalised_array(input, dims, eps), weight, bias, shape),
    input=lambda grad, input, weight, dims, shape, eps: _through_norm(
        _scaled(grad, weight, shape), *_norm_stats(input, dims, eps), dims),
    weight=lambda grad, input, dims, shape, eps:
        (grad * _norm_stats(input, dims, eps)[0]).sum(dims),
    bias=lambda grad, dims: grad.sum(dims),
    jvp=_batch_norm_train_jvp)


def _eval_stats(input, running_mean, running_var, shape, eps):
    """``(x_hat, 1/std)`` from the running statistics (constants: no gradient flows to them)."""
    rstd = (running_var.detach().reshape(shape) + eps).rsqrt()
    return (input - running_mean.detach().reshape(shape)) * rstd, rstd


def _batch_norm_eval_jvp(input_t, weight_t, bias_t, input, weight, running_mean, running_var,
                         shape, eps):
    x_hat, rstd = _eval_stats(input, running_mean, running_var, shape, eps)
    return _affine_tangent(input_t * rstd, x_hat, weight, weight_t, bias_t, shape)


batch_norm_eval_op = Op(
    "NativeBatchNormBackward0",
    lambda input, weight, bias, running_mean, running_var, dims, shape, eps: _affine_array(
        (input - running_mean.reshape(shape)) * (1 / np.sqrt(running_var.reshape(shape) + eps)),
        weight, bias, shape),
    input=lambda grad, weight, running_var, shape, eps:
        _scaled(grad, weight, shape) * (running_var.detach().reshape(shape) + eps).rsqrt(),
    weight=lambda grad, input, running_mean, running_var, dims, shape, eps:
        (grad * _eval_stats(input, running_mean, running_var, shape, eps)[0]).sum(dims),
    bias=lambda grad, dims: grad.sum(dims),
    jvp=lambda input_t, weight_t, bias_t, input, weight, running_mean, running_var, dims,
    shape, eps: _batch_norm_eval_jvp(input_t, weight_t, bias_t, input, weight, running_mean,
                                     running_var, shape, eps))


def layer_norm(input: Tensor, normalized_shape, weight=None, bias=None, eps: float = 1e-5):
    """Normalise over the last ``len(normalized_shape)`` dimensions, then scale and shift.

    >>> import chainrule as torch
    >>> torch.nn.functional.layer_norm(torch.tensor([[1., 3.]]), (2,))
    tensor([[-1.0000,  1.0000]])
    """
    shape = tuple(normalized_shape) if isinstance(normalized_shape, (tuple, list)) \
        else (normalized_shape,)
    if tuple(input.shape[input.ndim - len(shape):]) != shape:
        raise RuntimeError(
            f"Given normalized_shape={list(shape)}, expected input with shape [*, "
            f"{', '.join(map(str, shape))}], but got input of size{list(input.shape)}")
    dims = tuple(range(input.ndim - len(shape), input.ndim))
    return layer_norm_op(input, weight, bias, dims, eps)


def batch_norm(input: Tensor, running_mean, running_var, weight=None, bias=None,
               training: bool = False, momentum: float = 0.1, eps: float = 1e-5) -> Tensor:
    """Normalise each channel (dimension 1) by batch statistics (training) or running ones.

    >>> import chainrule as torch
    >>> torch.nn.functional.batch_norm(torch.tensor([[1.], [3.]]), None, None, training=True)
    tensor([[-1.0000],
            [ 1.0000]])
    """
    dims = (0,) + tuple(range(2, input.ndim))
    shape = (1, -1) + (1,) * (input.ndim - 2)
    if not training:
        if running_mean is None or running_var is None:
            raise RuntimeError(f"running_{'mean' if running_mean is None else 'var'} must be "
                               "defined in evaluation mode. Fix: pass running statistics, or "
                               "training=True to normalise by the batch's own.")
        return batch_norm_eval_op(input, weight, bias, running_mean, running_var, dims, shape,
                                  eps)
    count = input.numel() // input.shape[1]
    if count <= 1:
        raise ValueError(f"Expected more than 1 value per channel when training, got input "
                         f"size {list(input.shape)}")
    if running_mean is not None:
        # running statistics are bookkeeping, not part of the graph
        x = input._data
        mean = _mean(x, dims, True)
        centred = x - mean
        m = mean.reshape(-1)
        v = _mean(centred * centred, dims, True).reshape(-1) * (count / (count - 1))
        running_mean._data *= 1 - momentum
        running_mean._data += momentum * m
        running_var._data *= 1 - momentum
        running_var._data += momentum * v
        running_mean._bump_version()
        running_var._bump_version()
    return batch_norm_train_op(input, weight, bias, dims, shape, eps)


# Functions that are compositions of the ones above live with their layers in
# activations_losses.py, spatial.py and attention.py (which import this module: hence at
# the end); each one's FUNCTIONS tuple names the functions that belong to this namespace.
from .. import attention as _attention  # noqa: E402
from .. import spatial as _spatial  # noqa: E402

for _module in (_spatial, _attention):
    globals().update({name: getattr(_module, name) for name in _module.FUNCTIONS})
