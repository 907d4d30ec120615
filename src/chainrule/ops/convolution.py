"""Convolution rows: 1-D and 2-D convolution as im2col and one matrix product.

NumPy has no convolution kernel.  The input's sliding windows are gathered into
a "column" matrix of shape (N*Ho*Wo, kh*kw*C) - a strided view copied once - and
one matmul with the (kh*kw*C, O) weight matrix does all the arithmetic.  Cost
against that matmul: the copy moves N*Ho*Wo*kh*kw*C numbers, i.e. 1/O of the
matmul's multiply-adds, but it is memory-bound, so for narrow layers (LeNet's
have 16 and 32 output channels) it costs about as much as the matmul itself.
Backward is two more matmuls of the same size (weight grad: grad^T @ columns;
input grad: grad @ weight) plus the inverse of the gather ("col2im"): kh*kw
strided additions into the input's gradient, each of N*Ho*Wo*C numbers.

Two choices make the copies cheap: the input is laid out channels-last (NHWC)
first, so every copied run is C contiguous numbers instead of single strided
ones; and the forward's column matrix is kept for the weight gradient instead
of being gathered again.

The three maps (the convolution and its two gradients) are bilinear, so each
one's derivatives are the other two: the table closes on itself and
``create_graph`` works through convolutions.
"""
from __future__ import annotations

from .._backend import sliding_window_view, xp
from ..engine.op import Op


def _out_size(size, k, s, p, d):
    return (size + 2 * p - d * (k - 1) - 1) // s + 1


def _nhwc_padded(x, padding):
    """A contiguous channels-last copy of the zero-padded input (the one layout change)."""
    n, c, h, w = x.shape
    ph, pw = padding
    out = xp.zeros((n, h + 2 * ph, w + 2 * pw, c), dtype=x.dtype) if ph or pw \
        else xp.empty((n, h, w, c), dtype=x.dtype)
    out[:, ph:ph + h, pw:pw + w, :] = x.transpose(0, 2, 3, 1)
    return out


def _columns(x_nhwc, kh, kw, stride, dilation, out_hw):
    """The im2col matrix (N*Ho*Wo, kh*kw*C) of a padded NHWC input."""
    (sh, sw), (dh, dw), (ho, wo) = stride, dilation, out_hw
    n, c = x_nhwc.shape[0], x_nhwc.shape[3]
    view = sliding_window_view(x_nhwc, ((kh - 1) * dh + 1, (kw - 1) * dw + 1), axis=(1, 2))
    view = view[:, :(ho - 1) * sh + 1:sh, :(wo - 1) * sw + 1:sw, :, ::dh, ::dw]
    return view.transpose(0, 1, 2, 4, 5, 3).reshape(n * ho * wo, kh * kw * c)


def group_columns(input, weight_shape, stride, padding, dilation, groups, out_hw):
    """The im2col matrices of ``input`` (an array), one per group."""
    kh, kw = weight_shape[2:]
    x = _nhwc_padded(input, padding)
    cg = input.shape[1] // groups
    if groups == 1:
        return [_columns(x, kh, kw, stride, dilation, out_hw)]
    return [_columns(x[..., g * cg:(g + 1) * cg], kh, kw, stride, dilation, out_hw)
            for g in range(groups)]


def _weight_rows(weight, g, groups):
    """Group ``g``'s weights as an (O/groups, kh*kw*C/groups) matrix, in the columns' order."""
    og = weight.shape[0] // groups
    w = weight[g * og:(g + 1) * og]
    return w.transpose(0, 2, 3, 1).reshape(og, -1)


def geometry(x_shape, w_shape, stride, padding, dilation):
    """The kernel's size and the output's, ``(kh, kw, (ho, wo))``."""
    kh, kw = w_shape[2:]
    ho = _out_size(x_shape[2], kh, stride[0], padding[0], dilation[0])
    wo = _out_size(x_shape[3], kw, stride[1], padding[1], dilation[1])
    return kh, kw, (ho, wo)


def _conv2d_forward(input, weight, bias, columns, stride, padding, dilation, groups):
    n = input.shape[0]
    _, _, (ho, wo) = geometry(input.shape, weight.shape, stride, padding, dilation)
    if columns is None:
        columns = group_columns(input, weight.shape, stride, padding, dilation, groups,
                                (ho, wo))
    o = weight.shape[0]
    og = o // groups
    out = xp.empty((n, ho, wo, o), dtype=input.dtype)
    for g, cols in enumerate(columns):
        out[..., g * og:(g + 1) * og] = (cols @ _weight_rows(weight, g, groups).T).reshape(
            n, ho, wo, og)
    if bias is not None:
        out += bias
    # channels-first and contiguous, as PyTorch lays it out (one output-sized copy)
    return xp.ascontiguousarray(out.transpose(0, 3, 1, 2))


def _conv2d_input_grad(grad, weight, input_shape, stride, padding, dilation, groups):
    """Transposed convolution: grad @ weight gives each window's share, col2im adds them up."""
    n, c, h, w_ = input_shape
    o, cg, kh, kw = weight.shape
    og = o // groups
    ho, wo = grad.shape[2:]
    (sh, sw), (ph, pw), (dh, dw) = stride, padding, dilation
    g_rows = grad.transpose(0, 2, 3, 1).reshape(n * ho * wo, o)
    dx = xp.zeros((n, h + 2 * ph, w_ + 2 * pw, c), dtype=grad.dtype)  # padded, NHWC
    for g in range(groups):
        cols = g_rows[:, g * og:(g + 1) * og] @ _weight_rows(weight, g, groups)
        cols = cols.reshape(n, ho, wo, kh, kw, cg)
        target = dx[..., g * cg:(g + 1) * cg]
        for i in range(kh):  # one strided addition per kernel offset
            for j in range(kw):
                target[:, i * dh:i * dh + (ho - 1) * sh + 1:sh,
                       j * dw:j * dw + (wo - 1) * sw + 1:sw] += cols[:, :, :, i, j]
    return xp.ascontiguousarray(dx[:, ph:ph + h, pw:pw + w_].transpose(0, 3, 1, 2))


def _conv2d_weight_grad(grad, input, weight_shape, stride, padding, dilation, groups,
                        columns=None):
    o, cg, kh, kw = weight_shape
    og = o // groups
    n, _, ho, wo = grad.shape
    if columns is None:
        columns = group_columns(input, weight_shape, stride, padding, dilation, groups,
                                (ho, wo))
    g_rows = grad.transpose(0, 2, 3, 1).reshape(n * ho * wo, o)
    dw = xp.empty(weight_shape, dtype=grad.dtype)
    for g, cols in enumerate(columns):
        rows = g_rows[:, g * og:(g + 1) * og].T @ cols  # (og, kh*kw*cg)
        dw[g * og:(g + 1) * og] = rows.reshape(og, kh, kw, cg).transpose(0, 3, 1, 2)
    return dw


def _plus(a, b):
    return a if b is None else a + b


# ``columns`` is the forward's im2col matrix, kept so the weight gradient need not gather
# it again.
conv2d_input_grad = Op(
    "ConvolutionBackwardInput", _conv2d_input_grad,
    grad=lambda gg, weight, stride, padding, dilation, groups:
        conv2d(gg, weight, None, None, stride, padding, dilation, groups),
    weight=lambda gg, grad, weight, stride, padding, dilation, groups:
        conv2d_weight_grad(grad, gg, tuple(weight.shape), stride, padding, dilation, groups,
                           None))
conv2d_weight_grad = Op(
    "ConvolutionBackwardWeight", _conv2d_weight_grad,
    grad=lambda gg, input, stride, padding, dilation, groups:
        conv2d(input, gg, None, None, stride, padding, dilation, groups),
    input=lambda gg, grad, input, stride, padding, dilation, groups:
        conv2d_input_grad(grad, gg, tuple(input.shape), stride, padding, dilation, groups))
conv2d = Op(
    "ConvolutionBackward0", _conv2d_forward,
    input=lambda grad, input, weight, stride, padding, dilation, groups:
        conv2d_input_grad(grad, weight, tuple(input.shape), stride, padding, dilation, groups),
    weight=lambda grad, input, weight, columns, stride, padding, dilation, groups:
        conv2d_weight_grad(grad, input, tuple(weight.shape), stride, padding, dilation, groups,
                           columns),
    bias=lambda grad: grad.sum((0, 2, 3)),
    jvp=lambda input_t, weight_t, bias_t, input, weight, columns, stride, padding, dilation,
    groups: _plus(conv2d(input_t, weight, None, None, stride, padding, dilation, groups)
                  + conv2d(input, weight_t, None, columns, stride, padding, dilation, groups),
                  None if bias_t is None else bias_t.reshape(-1, 1, 1)))


def _tall(shape):
    """A 1-D convolution's (N, C, L) shape as conv2d's (N, C, 1, L)."""
    return tuple(shape[:2]) + (1,) + tuple(shape[2:])


def _conv1d_forward(input, weight, bias, columns, stride, padding, dilation, groups):
    return _conv2d_forward(input[:, :, None], weight[:, :, None], bias, columns, stride,
                           padding, dilation, groups)[:, :, 0]


# A 1-D convolution is conv2d's arrays and formulas on a height-1 view, recorded as one
# ConvolutionBackward0 node, as in PyTorch (not a squeeze after a 2-D convolution).
# stride, padding and dilation arrive in their 2-D form: (1, s), (0, p), (1, d).
conv1d = Op(
    "ConvolutionBackward0", _conv1d_forward,
    input=lambda grad, input, weight, stride, padding, dilation, groups: conv2d_input_grad(
        grad.unsqueeze(-2), weight.unsqueeze(-2), _tall(input.shape), stride, padding,
        dilation, groups).squeeze(-2),
    weight=lambda grad, input, weight, columns, stride, padding, dilation, groups:
        conv2d_weight_grad(grad.unsqueeze(-2), input.unsqueeze(-2), _tall(weight.shape), stride,
                           padding, dilation, groups, columns).squeeze(-2),
    bias=lambda grad: grad.sum((0, 2)),
    jvp=lambda input_t, weight_t, bias_t, input, weight, columns, stride, padding, dilation,
    groups: _plus(conv1d(input_t, weight, None, None, stride, padding, dilation, groups)
                  + conv1d(input, weight_t, None, columns, stride, padding, dilation, groups),
                  None if bias_t is None else bias_t.reshape(-1, 1)))
