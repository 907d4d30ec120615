"""Pooling rows: 2-D max and average pooling, and their backward passes.

A pooling's windows are one "geometry" tuple, (kernel, stride, padding,
dilation, out_hw, after), each a (rows, columns) pair, passed to the rows as one
argument (``nn.functional.pooling`` computes it from PyTorch's arguments).
With ``ceil_mode`` the last windows may reach past the right padding, so the
input is padded further there by ``after``: with -inf for max (never the
maximum), with zeros for avg (and left out of the divisor).

Each pooling's backward is a row of its own, because PyTorch records it as a
node when gradients are differentiated again: max pooling's backward gathers
the maxima's entries, average pooling's is linear (its derivative is the
pooling again).
"""
from __future__ import annotations

from .._backend import sliding_window_view, xp
from ..engine.op import Op
from ..tensor import from_array


def _windows(x, kh, kw, stride, dilation, out_hw):
    """(N, C, Ho, Wo, kh, kw) strided view of the (already padded) input's windows."""
    (sh, sw), (dh, dw), (ho, wo) = stride, dilation, out_hw
    view = sliding_window_view(x, ((kh - 1) * dh + 1, (kw - 1) * dw + 1), axis=(2, 3))
    return view[:, :, :(ho - 1) * sh + 1:sh, :(wo - 1) * sw + 1:sw, ::dh, ::dw]


def _lowest(dtype):
    return -xp.inf if dtype.kind == "f" else xp.iinfo(dtype).min


def _padded(x, geometry, fill):
    (ph, pw), (ah, aw) = geometry[2], geometry[5]
    if ph or pw or ah or aw:
        x = xp.pad(x, ((0, 0), (0, 0), (ph, ph + ah), (pw, pw + aw)), constant_values=fill)
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
        xp.maximum(out, v, out=out)
    return out


def max_pool2d_indices(x, geometry):
    """Each window's maximum and its flat index into the input's H*W plane, as PyTorch picks
    them: the first maximum in row-major order, but the last NaN (a NaN wins and stays).

    About ten times the work of ``_max_pool_forward`` (a comparison and two masked copies
    per kernel offset instead of one ``maximum``), so it runs only where indices are asked
    for, or where NaN or -inf make that forward's equality test ambiguous.
    """
    n, c, h, w = x.shape
    kernel, stride, padding, dilation, (ho, wo), _ = geometry
    lowest = _lowest(x.dtype)
    out = xp.full((n, c, ho, wo), lowest, dtype=x.dtype)
    # A window of -inf keeps its first element inside the input, as in PyTorch.
    rows, cols = (xp.arange(o) * s - p for o, s, p in zip((ho, wo), stride, padding))
    first_row, first_col = (xp.where(a < 0, a + (-a + d - 1) // d * d, a)
                            for a, d in zip((rows, cols), dilation))
    index = xp.empty((n, c, ho, wo), dtype=xp.int64)
    index[...] = first_row[:, None] * w + first_col
    for k, v in enumerate(_offset_slices(_padded(x, geometry, lowest), geometry)):
        i, j = divmod(k, kernel[1])
        better = v > out
        if x.dtype.kind == "f":
            better |= xp.isnan(v)
        xp.copyto(out, v, where=better)
        xp.copyto(index, (rows[:, None] + i * dilation[0]) * w + cols + j * dilation[1],
                  where=better)
    return out, index


def _max_pool_scatter(grad, index, shape):
    """Each output's gradient added at its input position (``index`` into each H*W plane)."""
    n, c, h, w = shape
    planes = xp.arange(n * c, dtype=xp.int64).reshape(n, c, 1, 1) * (h * w)
    # A window wholly in the padding points past its plane, as in PyTorch: nothing to add.
    inside = index < h * w
    flat = xp.where(inside, planes + index, 0).ravel()
    # bincount sums in float64, in one pass (xp.add.at would go element by element)
    dx = xp.bincount(flat, weights=xp.where(inside, grad, 0).ravel(), minlength=n * c * h * w)
    return dx.astype(grad.dtype, copy=False).reshape(shape)


def _max_pool_backward(grad, self, result, geometry):
    if not xp.isfinite(result).all():
        # NaN never equals itself and -inf equals the padding: ask the indices instead
        return _max_pool_scatter(grad, max_pool2d_indices(self, geometry)[1], self.shape)
    n, c, h, w = self.shape
    kernel, stride, padding, dilation, out_hw, after = geometry
    if kernel == stride and padding == (0, 0) and dilation == (1, 1) and after == (0, 0):
        # Non-overlapping windows tiling the input: the windows are a reshape (a view), so
        # each offset's gradient is written in place once, with no strided accumulation.
        (kh, kw), (ho, wo) = kernel, out_hw
        tiles = self[:, :, :ho * kh, :wo * kw].reshape(n, c, ho, kh, wo, kw)
        dx = xp.zeros(self.shape, dtype=grad.dtype)
        dx_tiles = dx[:, :, :ho * kh, :wo * kw].reshape(n, c, ho, kh, wo, kw)
        taken = xp.zeros(result.shape, dtype=bool)
        for i in range(kh):  # the first maximum in each window takes the gradient
            for j in range(kw):
                hit = tiles[:, :, :, i, :, j] == result
                hit &= ~taken
                xp.multiply(grad, hit, out=dx_tiles[:, :, :, i, :, j])
                taken |= hit
        return dx
    x = _padded(self, geometry, -xp.inf)
    taken = xp.zeros(result.shape, dtype=bool)
    dx = xp.zeros(x.shape, dtype=grad.dtype)
    # the first maximum in each window takes the whole gradient, as in PyTorch
    for v, d in zip(_offset_slices(x, geometry), _offset_slices(dx, geometry)):
        hit = (v == result) & ~taken
        d += xp.where(hit, grad, 0)
        taken |= hit
    ph, pw = padding
    return dx[:, :, ph:ph + h, pw:pw + w]


def _gather_max(gg, self, geometry):
    """Max pooling's backward differentiated in its ``grad``: the maxima's entries of
    ``gg``, recorded as PyTorch records it (a gather, then a view)."""
    n, c, h, w = self.shape
    index = max_pool2d_indices(self._data, geometry)[1]
    index = from_array(xp.minimum(index, h * w - 1).reshape(n, c, -1))
    return gg.reshape(n, c, h * w).gather(2, index).view(n, c, *geometry[4])


# PyTorch gives ``self`` a zero gradient in the backward's own node (where the maxima are
# depends on it), so a gradient of a max pooling requires grad there too.
max_pool2d_backward = Op("MaxPool2DWithIndicesBackwardBackward0", _max_pool_backward,
                         grad=lambda gg, self, geometry: _gather_max(gg, self, geometry),
                         self=lambda gg, self: self.new_zeros(self.shape))
max_pool2d = Op("MaxPool2DWithIndicesBackward0", _max_pool_forward,
                self=lambda grad, self, result, geometry:
                    max_pool2d_backward(grad, self, result, geometry),
                jvp=lambda self_t, self, geometry: _gather_max(self_t, self, geometry))
# return_indices: the maxima and where they are, two outputs of one node, as in PyTorch
# (the indices, integers, take no gradient).
max_pool2d_with_indices = Op(
    "MaxPool2DWithIndicesBackward0", lambda self, geometry: max_pool2d_indices(self, geometry),
    outputs="several",
    self=lambda grads, self, result, geometry:
        max_pool2d_backward(grads[0], self, result[0], geometry),
    jvp=lambda self_t, self, geometry: (_gather_max(self_t, self, geometry), None))


def avg_pool2d_divisor(shape, geometry, count_include_pad, divisor_override):
    """What each window's sum is divided by, as in PyTorch: a number, or a (Ho, Wo) array
    where windows differ (ceil_mode's partial windows; padding left out of the count)."""
    if divisor_override is not None:
        return divisor_override
    kernel, stride, padding, _, out_hw, _ = geometry
    counts = []
    for o, n, k, s, p in zip(out_hw, shape[2:], kernel, stride, padding):
        start = xp.arange(o) * s - p
        end = xp.minimum(start + k, n + p)  # what lies past the right padding never counts
        if not count_include_pad:
            start, end = xp.maximum(start, 0), xp.minimum(end, n)
        counts.append(end - start)
    if (counts[0] == kernel[0]).all() and (counts[1] == kernel[1]).all():
        return kernel[0] * kernel[1]  # the usual case: one number, no array to broadcast
    return counts[0][:, None] * counts[1]


def _divide(total, divisor):
    if total.dtype.kind != "f":  # integer pooling truncates, as in PyTorch
        return (total / divisor).astype(total.dtype)
    if isinstance(divisor, xp.ndarray):
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
    dx = xp.zeros((n, c, h + 2 * ph + ah, w + 2 * pw + aw), dtype=grad.dtype)
    for view in _offset_slices(dx, geometry):  # col2im: each offset adds its share back
        view += share
    return dx[:, :, ph:ph + h, pw:pw + w]


# Average pooling is linear: its backward differentiated in ``grad`` is the pooling again.
# ``self`` (read for its shape) gets a zero gradient, recorded as PyTorch records it.
avg_pool2d_backward = Op("AvgPool2DBackwardBackward0", _avg_pool_backward,
                         grad=lambda gg, geometry, divisor: avg_pool2d(gg, geometry, divisor),
                         self=lambda gg, self: self.new_zeros(self.shape))
avg_pool2d = Op("AvgPool2DBackward0", _avg_pool_forward,
                self=lambda grad, self, geometry, divisor:
                    avg_pool2d_backward(grad, self, geometry, divisor),
                jvp=lambda self_t, geometry, divisor: avg_pool2d(self_t, geometry, divisor))
