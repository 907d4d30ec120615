"""Histograms: ``histc``, ``histogram``, ``histogramdd`` counted as PyTorch counts.

Equal-width edges are PyTorch's ``linspace`` in the input's dtype (the first half
counted up from the left edge, the second half down from the right one); an element
goes to the bin whose edges hold it, the last bin including its right edge, and
elements outside the edges (NaN too) are left out.  ``histc`` finds the bin by
arithmetic alone, as PyTorch's ``histc`` does, which can place an element lying
on an edge by rounding.

A histogram has no derivative: PyTorch records ``histogram``'s outputs under a
node that raises when backward reaches it, and so do these rows.
"""
from __future__ import annotations

from .._backend import xp
from .refused import not_implemented


def linspace_edges(left, right, bins: int, dtype):
    """``bins + 1`` edges from ``left`` to ``right`` as PyTorch's linspace computes them."""
    steps = bins + 1
    start, end = xp.asarray(left, dtype=dtype), xp.asarray(right, dtype=dtype)
    step = (end - start) / dtype.type(steps - 1)
    i = xp.arange(steps)
    half = steps // 2
    up = start + step * i[:half].astype(dtype)
    down = end - step * (steps - 1 - i[half:]).astype(dtype)
    return xp.concatenate([up, down]).astype(dtype, copy=False)


def bin_positions(values, edges, interpolate: bool):
    """Each value's bin (-1 for a value outside the edges or NaN)."""
    n = edges.shape[0] - 1
    left, right = edges[0], edges[-1]
    inside = (values >= left) & (values <= right)
    if interpolate:  # histc: arithmetic alone, in the input's dtype
        with xp.errstate(invalid="ignore", divide="ignore"):
            pos = ((values - left) * values.dtype.type(n) / (right - left))
        pos = xp.where(inside, pos, 0).astype(xp.int64)
    else:
        pos = xp.searchsorted(edges, values, side="right") - 1
    pos = xp.where(pos == n, n - 1, pos)  # the last bin includes its right edge
    return xp.where(inside, pos, -1)


def count(positions, shape, weight, dtype):
    """The histogram of ``shape`` from per-value bin ``positions`` (a tuple, one per dimension)."""
    keep = xp.ones(positions[0].shape, dtype=bool)
    for p in positions:
        keep &= p >= 0
    hist = xp.zeros(shape, dtype=dtype)
    weights = xp.ones(keep.sum(), dtype=dtype) if weight is None else weight[keep]
    xp.add.at(hist, tuple(p[keep] for p in positions), weights)
    return hist


def density(hist, edges):
    """PyTorch's order: divide by the total, then by each dimension's bin widths."""
    with xp.errstate(invalid="ignore", divide="ignore"):
        hist = hist / hist.sum()
        for d, e in enumerate(edges):
            shape = [1] * hist.ndim
            shape[d] = -1
            hist = hist / xp.diff(e).reshape(shape)
    return hist.astype(edges[0].dtype, copy=False)


def _histogram_forward(self, weight, bins, edges, density_):
    # ``edges`` are computed by the caller (or are ``bins``'s values); ``bins`` only stands
    # here so that a bins tensor that requires grad leads to the node, as in PyTorch.
    flat = self.reshape(-1)
    pos = bin_positions(flat, edges, interpolate=False)
    hist = count((pos,), (edges.shape[0] - 1,), None if weight is None else weight.reshape(-1),
                 self.dtype)
    if density_:
        hist = density(hist, (edges,))
    return hist, edges.copy()


def _histogramdd_forward(self, weight, edges, density_):
    points = self.reshape(-1, self.shape[-1])
    positions = tuple(bin_positions(points[:, d], e, interpolate=False)
                      for d, e in enumerate(edges))
    hist = count(positions, tuple(e.shape[0] - 1 for e in edges),
                 None if weight is None else weight.reshape(-1), self.dtype)
    return density(hist, edges) if density_ else hist


histogram = not_implemented(_histogram_forward, "aten::histogram", outputs="several",
                            inputs=("self", "weight", "bins"))
histogramdd = not_implemented(_histogramdd_forward, "aten::_histogramdd_from_bin_cts",
                              inputs=("self", "weight"))
histogramdd_edges = not_implemented(lambda self, edges: tuple(e.copy() for e in edges),
                                    "aten::_histogramdd_bin_edges", outputs="several")
