"""Pooling rows: max and average pooling over 2 or 3 spatial dimensions and their
backward passes; adaptive average pooling; max pooling at given positions (adaptive
and fractional max pooling); max unpooling.

A pooling's windows are one "geometry" tuple, (kernel, stride, padding,
dilation, out, after), each holding one number per spatial dimension, passed to
the rows as one argument (``functions.pooling`` computes it from PyTorch's
arguments).  With ``ceil_mode`` the last windows may reach past the right
padding, so the input is padded further there by ``after``: with -inf for max
(never the maximum), with zeros for avg (and left out of the divisor).  One
implementation serves every number of spatial dimensions; PyTorch names the
nodes by it, so each row exists in a 2-D and a 3-D spelling that share their
functions.

Each pooling's backward is a row of its own, because PyTorch records it as a
node when gradients are differentiated again: max pooling's backward gathers
the maxima's entries, average pooling's is linear (its derivative is the
pooling again).
"""
from __future__ import annotations

import itertools
import math

from .._backend import xp
from ..engine.op import Op
from ..tensor import from_array
from .windows import offset_slices, windows


def _lowest(dtype):
    return -xp.inf if dtype.kind == "f" else xp.iinfo(dtype).min


def _padded(x, geometry, fill):
    padding, after = geometry[2], geometry[5]
    if any(padding) or any(after):
        widths = ((0, 0),) * (x.ndim - len(padding)) + tuple((p, p + a)
                                                          for p, a in zip(padding, after))
        x = xp.pad(x, widths, constant_values=fill)
    return x


def _offsets(x, geometry):
    """For each kernel offset, the strided (*lead, *out) view of ``x`` it reads."""
    kernel, stride, _, dilation, out, _ = geometry
    first = x.ndim - len(kernel)
    return (view for _, view in offset_slices(x, first, kernel, stride, dilation, out))


def _inside(x, padding, spatial):
    lead = (slice(None),) * (x.ndim - len(spatial))
    return x[lead + tuple(slice(p, p + n) for p, n in zip(padding, spatial))]


def _plane_index(coordinates, spatial):
    """Flat indices into an input plane of size ``spatial`` from one coordinate array per
    spatial dimension (broadcast against each other)."""
    index = 0
    for coordinate, stride in zip(coordinates, _plane_strides(spatial)):
        index = index + coordinate * stride
    return index


def _plane_strides(spatial):
    return [math.prod(spatial[d + 1:]) for d in range(len(spatial))]


def _along(values, d, nd):
    """A 1-D array of output positions along spatial dimension ``d`` of ``nd``, shaped to
    broadcast against (*out)."""
    return values.reshape((-1,) + (1,) * (nd - 1 - d))


# Max pooling as prod(kernel) elementwise maxima of strided views: NumPy's reduce over tiny
# trailing axes of a windowed view is several times slower than these whole-array passes.
def _max_pool_forward(self, geometry):
    views = _offsets(_padded(self, geometry, _lowest(self.dtype)), geometry)
    out = next(views).copy()
    for v in views:
        xp.maximum(out, v, out=out)
    return out


def max_pool_indices(x, geometry):
    """Each window's maximum and its flat index into the input's plane, as PyTorch picks
    them: the first maximum in row-major order, but the last NaN (a NaN wins and stays).

    About ten times the work of ``_max_pool_forward`` (a comparison and two masked copies
    per kernel offset instead of one ``maximum``), so it runs only where indices are asked
    for, or where NaN or -inf make that forward's equality test ambiguous.
    """
    kernel, stride, padding, dilation, out, _ = geometry
    nd = len(kernel)
    lead, spatial = x.shape[:-nd], x.shape[-nd:]
    lowest = _lowest(x.dtype)
    best = xp.full((*lead, *out), lowest, dtype=x.dtype)
    starts = [xp.arange(o) * s - p for o, s, p in zip(out, stride, padding)]
    # A window of -inf keeps its first element inside the input, as in PyTorch.
    firsts = [xp.where(a < 0, a + (-a + d - 1) // d * d, a) for a, d in zip(starts, dilation)]
    index = xp.empty((*lead, *out), dtype=xp.int64)
    index[...] = _plane_index([_along(f, d, nd) for d, f in enumerate(firsts)], spatial)
    offsets = itertools.product(*(range(k) for k in kernel))
    for offset, v in zip(offsets, _offsets(_padded(x, geometry, lowest), geometry)):
        better = v > best
        if x.dtype.kind == "f":
            better |= xp.isnan(v)
        xp.copyto(best, v, where=better)
        at = [_along(a + i * d, k, nd) for k, (a, i, d) in enumerate(zip(starts, offset,
                                                                          dilation))]
        xp.copyto(index, _plane_index(at, spatial), where=better)
    return best, index


def _scatter_to_planes(grad, index, shape, nd):
    """Each output's gradient added at its input position (``index`` into each plane of the
    last ``nd`` dimensions)."""
    count, size = math.prod(shape[:-nd]), math.prod(shape[-nd:])
    planes = xp.arange(count, dtype=xp.int64).reshape(shape[:-nd] + (1,) * nd) * size
    # A window wholly in the padding points past its plane, as in PyTorch: nothing to add.
    inside = index < size
    flat = xp.where(inside, planes + index, 0).ravel()
    # bincount sums in float64, in one pass (xp.add.at would go element by element)
    dx = xp.bincount(flat, weights=xp.where(inside, grad, 0).ravel(), minlength=count * size)
    return dx.astype(grad.dtype, copy=False).reshape(shape)


def _max_pool_backward(grad, self, result, geometry):
    if not xp.isfinite(result).all():
        # NaN never equals itself and -inf equals the padding: ask the indices instead
        return _scatter_to_planes(grad, max_pool_indices(self, geometry)[1], self.shape,
                                  len(geometry[0]))
    kernel, stride, padding, dilation, out, after = geometry
    nd = len(kernel)
    if kernel == stride and not any(padding) and dilation == (1,) * nd and not any(after):
        # Non-overlapping windows tiling the input: the windows are a reshape (a view), so
        # each offset's gradient is written in place once, with no strided accumulation.
        lead = self.shape[:-nd]
        tiled = lead + tuple(v for o, k in zip(out, kernel) for v in (o, k))
        whole = (slice(None),) * len(lead)
        cut = whole + tuple(slice(o * k) for o, k in zip(out, kernel))
        tiles = self[cut].reshape(tiled)
        dx = xp.zeros(self.shape, dtype=grad.dtype)
        dx_tiles = dx[cut].reshape(tiled)
        taken = xp.zeros(result.shape, dtype=bool)
        for offset in itertools.product(*(range(k) for k in kernel)):
            key = whole + tuple(v for i in offset for v in (slice(None), i))
            hit = tiles[key] == result  # the first maximum in each window takes the gradient
            hit &= ~taken
            xp.multiply(grad, hit, out=dx_tiles[key])
            taken |= hit
        return dx
    x = _padded(self, geometry, -xp.inf)
    taken = xp.zeros(result.shape, dtype=bool)
    dx = xp.zeros(x.shape, dtype=grad.dtype)
    # the first maximum in each window takes the whole gradient, as in PyTorch
    for v, d in zip(_offsets(x, geometry), _offsets(dx, geometry)):
        hit = (v == result) & ~taken
        d += xp.where(hit, grad, 0)
        taken |= hit
    return _inside(dx, padding, self.shape[-nd:])


def _gather_at(gg, self, index, out):
    """``gg``'s entries at ``index`` (flat into each plane of the last ``len(out)``
    dimensions of ``self``'s shape), recorded as PyTorch records max pooling's backward
    differentiated in its ``grad``: a gather, then a view."""
    nd = len(out)
    lead = tuple(self.shape[:-nd])
    size = math.prod(self.shape[-nd:])
    index = from_array(xp.minimum(index, size - 1).reshape(*lead, -1))
    return gg.reshape(*lead, size).gather(-1, index).view(*lead, *out)


def _gather_max(gg, self, geometry):
    return _gather_at(gg, self, max_pool_indices(self._data, geometry)[1], geometry[4])


def _max_pool_rule(grad, self, result, geometry):
    row = max_pool2d_backward if len(geometry[0]) == 2 else max_pool3d_backward
    return row(grad, self, result, geometry)


def _max_pool_with_indices_rule(grads, self, result, geometry):
    return _max_pool_rule(grads[0], self, result[0], geometry)


def _zeros_for_self(gg, self):
    # PyTorch gives ``self`` a zero gradient in the backward's own node (where the maxima
    # are depends on it), so a gradient of a pooling requires grad there too.
    return self.new_zeros(self.shape)


def _in_2d_and_3d(name: str, forward, **rules) -> tuple[Op, Op]:
    """A row's two spellings (see the module's docstring): ``name`` with ``{}`` read as
    ``2D``, then as ``3D``; the same functions serve both."""
    return Op(name.format("2D"), forward, **rules), Op(name.format("3D"), forward, **rules)


def _backward_in_2d_and_3d(name: str, backward, again) -> tuple[Op, Op]:
    """A pooling's backward rows: linear in ``grad``, so differentiated in it they are
    ``again``; ``self`` (read for its shape) gets the zero gradient of ``_zeros_for_self``."""
    return _in_2d_and_3d(name, backward, grad=again, self=_zeros_for_self)


max_pool2d_backward, max_pool3d_backward = _backward_in_2d_and_3d(
    "MaxPool{}WithIndicesBackwardBackward0", _max_pool_backward, _gather_max)
max_pool2d, max_pool3d = _in_2d_and_3d(
    "MaxPool{}WithIndicesBackward0", _max_pool_forward, self=_max_pool_rule,
    jvp=lambda self_t, self, geometry: _gather_max(self_t, self, geometry))
# return_indices: the maxima and where they are, two outputs of one node, as in PyTorch
# (the indices, integers, take no gradient).
max_pool2d_with_indices, max_pool3d_with_indices = _in_2d_and_3d(
    "MaxPool{}WithIndicesBackward0", lambda self, geometry: max_pool_indices(self, geometry),
    outputs="several", self=_max_pool_with_indices_rule,
    jvp=lambda self_t, self, geometry: (_gather_max(self_t, self, geometry), None))


def avg_pool_divisor(shape, geometry, count_include_pad, divisor_override):
    """What each window's sum is divided by, as in PyTorch: a number, or an array over the
    output's positions where windows differ (ceil_mode's partial windows; padding left out
    of the count)."""
    if divisor_override is not None:
        return divisor_override
    kernel, stride, padding, _, out, _ = geometry
    counts = []
    for o, n, k, s, p in zip(out, shape[-len(kernel):], kernel, stride, padding):
        start = xp.arange(o) * s - p
        end = xp.minimum(start + k, n + p)  # what lies past the right padding never counts
        if not count_include_pad:
            start, end = xp.maximum(start, 0), xp.minimum(end, n)
        counts.append(end - start)
    if all((count == k).all() for count, k in zip(counts, kernel)):
        return math.prod(kernel)  # the usual case: one number, no array to broadcast
    nd = len(kernel)
    divisor = 1
    for d, count in enumerate(counts):
        divisor = divisor * _along(count, d, nd)
    return divisor


def _divide(total, divisor):
    if total.dtype.kind != "f":  # integer pooling truncates, as in PyTorch
        return (total / divisor).astype(total.dtype)
    if isinstance(divisor, xp.ndarray):
        divisor = divisor.astype(total.dtype)  # an int64 array would promote to float64
    return total / divisor


def _avg_pool_forward(self, geometry, divisor):
    kernel, stride, _, _, out, _ = geometry
    nd = len(kernel)
    win = windows(_padded(self, geometry, 0), self.ndim - nd, kernel, stride, (1,) * nd, out)
    return _divide(win.sum(axis=tuple(range(-nd, 0)), dtype=self.dtype), divisor)


def _avg_pool_backward(grad, self, geometry, divisor):
    padding, after = geometry[2], geometry[5]
    nd = len(padding)
    lead, spatial = self.shape[:-nd], self.shape[-nd:]
    share = _divide(grad, divisor)
    dx = xp.zeros((*lead, *(m + 2 * p + a for m, p, a in zip(spatial, padding, after))),
                  dtype=grad.dtype)
    for view in _offsets(dx, geometry):  # col2im: each offset adds its share back
        view += share
    return _inside(dx, padding, spatial)


def _avg_pool_rule(grad, self, geometry, divisor):
    row = avg_pool2d_backward if len(geometry[0]) == 2 else avg_pool3d_backward
    return row(grad, self, geometry, divisor)


def _avg_pool_again(gg, geometry, divisor):
    return (avg_pool2d if len(geometry[0]) == 2 else avg_pool3d)(gg, geometry, divisor)


# Average pooling is linear: its backward differentiated in ``grad`` is the pooling again.
avg_pool2d_backward, avg_pool3d_backward = _backward_in_2d_and_3d(
    "AvgPool{}BackwardBackward0", _avg_pool_backward, _avg_pool_again)
avg_pool2d, avg_pool3d = _in_2d_and_3d(
    "AvgPool{}Backward0", _avg_pool_forward, self=_avg_pool_rule,
    jvp=lambda self_t, geometry, divisor: _avg_pool_again(self_t, geometry, divisor))


def adaptive_bins(n: int, out: int):
    """PyTorch's adaptive bins of ``n`` cells into ``out``: start and end arrays."""
    i = xp.arange(out)
    return (i * n) // out, -((-(i + 1) * n) // out)


def _bin_means(n_in: int, n_out: int, dtype):
    """The (out, in) matrix that averages each adaptive bin."""
    start, end = adaptive_bins(n_in, n_out)
    cells = xp.arange(n_in)
    inside = (cells >= start[:, None]) & (cells < end[:, None])
    return (inside / (end - start)[:, None]).astype(dtype)


def _each_dimension(x, matrices):
    """``x`` with each of its last ``len(matrices)`` dimensions multiplied by its matrix:
    adaptive average pooling is separable, one small matrix product per dimension."""
    first = x.ndim - len(matrices)
    for d, m in enumerate(matrices):
        x = xp.moveaxis(xp.moveaxis(x, first + d, -1) @ m.T, -1, first + d)
    return xp.ascontiguousarray(x)


def _adaptive_avg_forward(self, output_size):
    spatial = self.shape[-len(output_size):]
    return _each_dimension(self, [_bin_means(n, o, self.dtype)
                                  for n, o in zip(spatial, output_size)])


def _adaptive_avg_backward(grad, self, nd):
    return _each_dimension(grad, [_bin_means(n, o, grad.dtype).T
                                  for n, o in zip(self.shape[-nd:], grad.shape[-nd:])])


def _adaptive_avg_rule(grad, self, output_size):
    nd = len(output_size)
    row = adaptive_avg_pool2d_backward if nd == 2 else adaptive_avg_pool3d_backward
    return row(grad, self, nd)


def _adaptive_avg_again(gg, grad_shape, nd):
    output_size = tuple(grad_shape[-nd:])
    return (adaptive_avg_pool2d if nd == 2 else adaptive_avg_pool3d)(gg, output_size)


def _adaptive_avg_pool(self_t, output_size):
    return (adaptive_avg_pool2d if len(output_size) == 2 else adaptive_avg_pool3d)(
        self_t, output_size)


adaptive_avg_pool2d_backward, adaptive_avg_pool3d_backward = _backward_in_2d_and_3d(
    "AdaptiveAvgPool{}BackwardBackward0", _adaptive_avg_backward, _adaptive_avg_again)
adaptive_avg_pool2d, adaptive_avg_pool3d = _in_2d_and_3d(
    "AdaptiveAvgPool{}Backward0", _adaptive_avg_forward, self=_adaptive_avg_rule,
    jvp=_adaptive_avg_pool)


def max_at_positions(x, positions):
    """The flat index (into each plane of the last ``len(positions)`` dimensions) of each
    window's first maximum - the last NaN, as PyTorch picks it - where window ``i`` along
    spatial dimension ``d`` reads the input coordinates ``positions[d][..., i, :]``: an
    integer array (..., out_d, K_d) whose leading dimensions broadcast against ``x``'s, so
    windows may differ per plane, as fractional pooling's do."""
    nd = len(positions)
    lead, spatial = x.shape[:-nd], x.shape[-nd:]
    out = tuple(p.shape[-2] for p in positions)
    flat = x.reshape(*lead, -1)

    def flat_index(offset):
        coordinates = [p[..., k].reshape(p.shape[:-2] + (1,) * d + (-1,) + (1,) * (nd - 1 - d))
                       for d, (p, k) in enumerate(zip(positions, offset))]
        return xp.broadcast_to(_plane_index(coordinates, spatial),
                               (*lead, *out)).reshape(*lead, -1)

    offsets = itertools.product(*(range(p.shape[-1]) for p in positions))
    index = flat_index(next(offsets))
    best = xp.take_along_axis(flat, index, -1)
    for offset in offsets:
        at = flat_index(offset)
        v = xp.take_along_axis(flat, at, -1)
        better = v > best
        if x.dtype.kind == "f":
            better |= xp.isnan(v)
        xp.copyto(best, v, where=better)
        index = xp.where(better, at, index)
    return index.reshape(*lead, *out)


def _take_from_planes(self, index, nd):
    lead = self.shape[:-nd]
    return xp.take_along_axis(self.reshape(*lead, -1), index.reshape(*lead, -1), -1).reshape(
        index.shape)


def _scatter_back(grad, self, index, nd):
    return _scatter_to_planes(grad, index, self.shape, nd)


def _gather_again(gg, self, index, nd):
    return _gather_at(gg, self, index._data, tuple(index.shape[-nd:]))


def _max_at_jvp(self_t, self, index, nd):
    return _gather_at(self_t, self, index._data, tuple(index.shape[-nd:]))


def _adaptive_max_rule(grad, self, index, nd):
    row = adaptive_max_pool2d_backward if nd == 2 else adaptive_max_pool3d_backward
    return row(grad, self, index, nd)


def _fractional_max_rule(grad, self, index, nd):
    row = fractional_max_pool2d_backward if nd == 2 else fractional_max_pool3d_backward
    return row(grad, self, index, nd)


# Adaptive and fractional max pooling over the last ``nd`` dimensions: the maxima at
# indices found beforehand (on the arrays, by ``max_at_positions``); the gradient goes back
# to those positions.
adaptive_max_pool2d_backward, adaptive_max_pool3d_backward = _backward_in_2d_and_3d(
    "AdaptiveMaxPool{}BackwardBackward0", _scatter_back, _gather_again)
fractional_max_pool2d_backward, fractional_max_pool3d_backward = _backward_in_2d_and_3d(
    "FractionalMaxPool{}BackwardBackward0", _scatter_back, _gather_again)
adaptive_max_pool2d, adaptive_max_pool3d = _in_2d_and_3d(
    "AdaptiveMaxPool{}Backward0", _take_from_planes, self=_adaptive_max_rule, jvp=_max_at_jvp)
fractional_max_pool2d, fractional_max_pool3d = _in_2d_and_3d(
    "FractionalMaxPool{}Backward0", _take_from_planes, self=_fractional_max_rule,
    jvp=_max_at_jvp)


def _unpool_forward(self, indices, output_size):
    lead = self.shape[:-len(output_size)]
    out = xp.zeros((*lead, math.prod(output_size)), dtype=self.dtype)
    xp.put_along_axis(out, indices.reshape(*lead, -1), self.reshape(*lead, -1), -1)
    return out.reshape(*lead, *output_size)


def _unpool_rule(grad, indices, output_size):
    """Max unpooling's gradient: the entries of ``grad`` it wrote each input to."""
    lead = tuple(indices.shape[:-len(output_size)])
    return grad.reshape(*lead, -1).gather(-1, indices.reshape(*lead, -1)).reshape(
        indices.shape)


def _max_unpool(self_t, indices, output_size):
    return (max_unpool2d if len(output_size) == 2 else max_unpool3d)(
        self_t, indices, output_size)


# Max unpooling: each input written at its index into a zero output plane.
max_unpool2d, max_unpool3d = _in_2d_and_3d(
    "MaxUnpool{}Backward0", _unpool_forward, self=_unpool_rule, jvp=_max_unpool)
