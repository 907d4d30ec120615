"""Convolution rows: 1-, 2- and 3-D convolution as im2col and one matrix product, the
transposed convolution, and im2col/col2im themselves (``unfold``/``fold``).

NumPy has no convolution kernel.  The input's sliding windows are gathered into
a "column" matrix of shape (N*prod(out), prod(kernel)*C) - a strided view
copied once - and one matmul with the (prod(kernel)*C, O) weight matrix does
all the arithmetic.  Cost against that matmul: the copy moves 1/O of the
matmul's multiply-adds, but it is memory-bound, so for narrow layers (LeNet's
have 16 and 32 output channels) it costs about as much as the matmul itself.
Backward is two more matmuls of the same size (weight grad: grad^T @ columns;
input grad: grad @ weight) plus the inverse of the gather ("col2im"):
prod(kernel) strided additions into the input's gradient.  One implementation
serves every number of spatial dimensions: only the shapes of the views change.

Two choices make the copies cheap: the input is laid out channels-last first,
so every copied run is C contiguous numbers instead of single strided ones;
and the forward's column matrix is kept for the weight gradient instead of
being gathered again.

The three maps (the convolution and its two gradients) are bilinear, so each
one's derivatives are the other two: the table closes on itself and
``create_graph`` works through convolutions.  A transposed convolution *is*
the convolution's input gradient, so it is that map run forwards, and its
derivatives are again the other two.
"""
from __future__ import annotations

import math

from .._backend import xp
from .._tracing import recorded_call
from ..engine.op import Op
from .windows import offset_slices, out_size, windows


def _to_channels_last(x):
    """The axes of ``x`` (N, C, *spatial) as (N, *spatial, C): a view."""
    return x.transpose((0,) + tuple(range(2, x.ndim)) + (1,))


def _to_channels_first(x):
    """The axes of ``x`` (N, *spatial, C) as (N, C, *spatial): a view."""
    return x.transpose((0, x.ndim - 1) + tuple(range(1, x.ndim - 1)))


def _inner(padding, spatial):
    """The slices that cut ``padding`` off each spatial dimension again."""
    return tuple(slice(p, p + n) for p, n in zip(padding, spatial))


def _channels_last_padded(x, padding):
    """A contiguous channels-last copy of the zero-padded input (the one layout change)."""
    n, c, *spatial = x.shape
    shape = (n, *(size + 2 * p for size, p in zip(spatial, padding)), c)
    out = xp.zeros(shape, dtype=x.dtype) if any(padding) else xp.empty(shape, dtype=x.dtype)
    out[(slice(None),) + _inner(padding, spatial)] = _to_channels_last(x)
    return out


def _columns(x_cl, kernel, stride, dilation, out):
    """The im2col matrix (N*prod(out), prod(kernel)*C) of a padded channels-last input."""
    nd = len(kernel)
    view = windows(x_cl, 1, kernel, stride, dilation, out)  # (N, *out, C, *kernel)
    view = view.transpose(tuple(range(nd + 1)) + tuple(range(nd + 2, 2 * nd + 2)) + (nd + 1,))
    return view.reshape(x_cl.shape[0] * math.prod(out), math.prod(kernel) * x_cl.shape[-1])


def geometry(x_shape, w_shape, stride, padding, dilation) -> tuple:
    """The output's spatial size (a number may be zero or negative where no window fits)."""
    return tuple(out_size(n, k, s, p, d) for n, k, s, p, d in
                 zip(x_shape[2:], w_shape[2:], stride, padding, dilation))


@recorded_call  # (made outside the op: chainrule.compile records the call)
def group_columns(input, weight_shape, stride, padding, dilation, groups, out):
    """The im2col matrices of ``input`` (an array), one per group."""
    kernel = weight_shape[2:]
    x = _channels_last_padded(input, padding)
    if groups == 1:
        return [_columns(x, kernel, stride, dilation, out)]
    cg = input.shape[1] // groups
    return [_columns(x[..., g * cg:(g + 1) * cg], kernel, stride, dilation, out)
            for g in range(groups)]


def _weight_rows(weight, g, groups):
    """Group ``g``'s weights as an (O/groups, prod(kernel)*C/groups) matrix, in the
    columns' order."""
    og = weight.shape[0] // groups
    return _to_channels_last(weight[g * og:(g + 1) * og]).reshape(og, -1)


def _grad_rows(grad):
    """The output gradient as an (N*prod(out), O) matrix."""
    return _to_channels_last(grad).reshape(-1, grad.shape[1])


def _convolution_forward(input, weight, bias, columns, stride, padding, dilation, groups):
    n = input.shape[0]
    out = geometry(input.shape, weight.shape, stride, padding, dilation)
    if columns is None:
        columns = group_columns(input, weight.shape, stride, padding, dilation, groups, out)
    o = weight.shape[0]
    og = o // groups
    result = xp.empty((n, *out, o), dtype=input.dtype)
    for g, cols in enumerate(columns):
        result[..., g * og:(g + 1) * og] = (cols @ _weight_rows(weight, g, groups).T).reshape(
            n, *out, og)
    if bias is not None:
        result += bias
    # channels-first and contiguous, as PyTorch lays it out (one output-sized copy)
    return xp.ascontiguousarray(_to_channels_first(result))


def _convolution_input_grad(grad, weight, input_shape, stride, padding, dilation, groups):
    """Transposed convolution: grad @ weight gives each window's share, col2im adds them up."""
    n, c, *spatial = input_shape
    o, cg, *kernel = weight.shape
    og = o // groups
    out = grad.shape[2:]
    g_rows = _grad_rows(grad)
    dx = xp.zeros((n, *(size + 2 * p for size, p in zip(spatial, padding)), c),
                  dtype=grad.dtype)  # padded, channels-last
    lead = (slice(None),) * (len(kernel) + 1)
    for g in range(groups):
        cols = (g_rows[:, g * og:(g + 1) * og] @ _weight_rows(weight, g, groups)).reshape(
            n, *out, *kernel, cg)
        target = dx[..., g * cg:(g + 1) * cg]
        for offset, view in offset_slices(target, 1, kernel, stride, dilation, out):
            view += cols[lead + offset]  # one strided addition per kernel offset
    return xp.ascontiguousarray(_to_channels_first(dx[(slice(None),)
                                                      + _inner(padding, spatial)]))


def _convolution_weight_grad(grad, input, weight_shape, stride, padding, dilation, groups,
                             columns=None):
    o, cg, *kernel = weight_shape
    og = o // groups
    if columns is None:
        columns = group_columns(input, weight_shape, stride, padding, dilation, groups,
                                grad.shape[2:])
    g_rows = _grad_rows(grad)
    dw = xp.empty(weight_shape, dtype=grad.dtype)
    for g, cols in enumerate(columns):
        rows = g_rows[:, g * og:(g + 1) * og].T @ cols  # (og, prod(kernel)*cg)
        dw[g * og:(g + 1) * og] = _to_channels_first(rows.reshape(og, *kernel, cg))
    return dw


def _transposed_forward(input, weight, bias, stride, padding, dilation, groups, output_shape):
    result = _convolution_input_grad(input, weight, output_shape, stride, padding, dilation,
                                     groups)
    if bias is not None:
        result += bias.reshape((-1,) + (1,) * (result.ndim - 2))
    return result


def _plus(a, b):
    return a if b is None else a + b


def _bias_grad(grad):
    """A per-channel bias's gradient: the output gradient summed over all but channels."""
    return grad.sum((0,) + tuple(range(2, grad.ndim)))


def _bias_tangent(bias_t, ndim):
    return None if bias_t is None else bias_t.reshape((-1,) + (1,) * (ndim - 2))


def _convolved(grad, weight, stride, padding, dilation, groups):
    """The convolution of ``grad`` with ``weight``: the input gradient's map differentiated
    in its gradient, and the transposed convolution's gradient in its input."""
    return convolution(grad, weight, None, None, stride, padding, dilation, groups)


# ``columns`` is the forward's im2col matrix, kept so the weight gradient need not gather
# it again.
convolution_input_grad = Op(
    "ConvolutionBackwardInput", _convolution_input_grad, grad=_convolved,
    weight=lambda gg, grad, weight, stride, padding, dilation, groups:
        convolution_weight_grad(grad, gg, tuple(weight.shape), stride, padding, dilation,
                                groups, None))
convolution_weight_grad = Op(
    "ConvolutionBackwardWeight", _convolution_weight_grad,
    grad=lambda gg, input, stride, padding, dilation, groups:
        convolution(input, gg, None, None, stride, padding, dilation, groups),
    input=lambda gg, grad, input, stride, padding, dilation, groups:
        convolution_input_grad(grad, gg, tuple(input.shape), stride, padding, dilation, groups))
convolution = Op(
    "ConvolutionBackward0", _convolution_forward,
    input=lambda grad, input, weight, stride, padding, dilation, groups:
        convolution_input_grad(grad, weight, tuple(input.shape), stride, padding, dilation,
                               groups),
    weight=lambda grad, input, weight, columns, stride, padding, dilation, groups:
        convolution_weight_grad(grad, input, tuple(weight.shape), stride, padding, dilation,
                                groups, columns),
    bias=_bias_grad,
    jvp=lambda input_t, weight_t, bias_t, input, weight, columns, stride, padding, dilation,
    groups: _plus(convolution(input_t, weight, None, None, stride, padding, dilation, groups)
                  + convolution(input, weight_t, None, columns, stride, padding, dilation,
                                groups),
                  _bias_tangent(bias_t, input.ndim)))
# The transposed convolution: the input gradient's map run forwards.  Its input's
# gradient is the convolution of the output gradient; its weight's, the convolution's
# weight gradient with the two roles exchanged.
convolution_transpose = Op(
    "ConvolutionBackward0", _transposed_forward, input=_convolved,
    weight=lambda grad, input, weight, stride, padding, dilation, groups:
        convolution_weight_grad(input, grad, tuple(weight.shape), stride, padding, dilation,
                                groups, None),
    bias=_bias_grad,
    jvp=lambda input_t, weight_t, bias_t, input, weight, stride, padding, dilation, groups,
    output_shape: _plus(
        convolution_transpose(input_t, weight, None, stride, padding, dilation, groups,
                              output_shape)
        + convolution_transpose(input, weight_t, None, stride, padding, dilation, groups,
                                output_shape),
        _bias_tangent(bias_t, input.ndim)))


# im2col and col2im in PyTorch's layout, channels-first: column (c, *kernel offset) of
# window l, i.e. (N, C*prod(kernel), L) with the windows in row-major order.
def _im2col(self, kernel, dilation, padding, stride):
    if self.ndim == len(kernel) + 1:  # unbatched: PyTorch records the same one node
        return _im2col(self[None], kernel, dilation, padding, stride)[0]
    n, c, *spatial = self.shape
    out = tuple(out_size(m, k, s, p, d)
                for m, k, s, p, d in zip(spatial, kernel, stride, padding, dilation))
    x = xp.pad(self, ((0, 0), (0, 0)) + tuple((p, p) for p in padding))
    view = windows(x, 2, kernel, stride, dilation, out)  # (N, C, *out, *kernel)
    nd = len(kernel)
    view = view.transpose((0, 1) + tuple(range(2 + nd, 2 + 2 * nd)) + tuple(range(2, 2 + nd)))
    return view.reshape(n, c * math.prod(kernel), math.prod(out))


def _col2im(self, output_size, kernel, dilation, padding, stride):
    if self.ndim == 2:  # unbatched
        return _col2im(self[None], output_size, kernel, dilation, padding, stride)[0]
    n, ck, _ = self.shape
    c = ck // math.prod(kernel)
    out = tuple(out_size(m, k, s, p, d)
                for m, k, s, p, d in zip(output_size, kernel, stride, padding, dilation))
    cols = self.reshape(n, c, *kernel, *out)
    result = xp.zeros((n, c, *(m + 2 * p for m, p in zip(output_size, padding))),
                      dtype=self.dtype)
    for offset, view in offset_slices(result, 2, kernel, stride, dilation, out):
        view += cols[(slice(None), slice(None)) + offset]
    return xp.ascontiguousarray(result[(slice(None), slice(None))
                                       + _inner(padding, output_size)])


# Each is the other's adjoint, so each one's gradient is the other.
im2col = Op("Im2ColBackward0", _im2col,
            self=lambda grad, self, kernel, dilation, padding, stride:
                col2im(grad, tuple(self.shape[-len(kernel):]), kernel, dilation, padding,
                       stride),
            jvp=lambda self_t, kernel, dilation, padding, stride:
                im2col(self_t, kernel, dilation, padding, stride))
col2im = Op("Col2ImBackward0", _col2im,
            self=lambda grad, kernel, dilation, padding, stride:
                im2col(grad, kernel, dilation, padding, stride),
            jvp=lambda self_t, output_size, kernel, dilation, padding, stride:
                col2im(self_t, output_size, kernel, dilation, padding, stride))
