"""Histograms: ``histc``, ``histogram``, ``histogramdd``, with PyTorch's argument checks.

The counting is in ``chainrule.ops.histogram``.  Without a ``range``, the edges
span the data's minimum and maximum; an empty span is widened (by 1 on each side
for ``histc``, by 0.5 for the others), and a span that is not finite is refused.
"""
from __future__ import annotations

import builtins
import math

from .._backend import xp
from ..ops import histogram as histogram_ops
from ..tensor import Tensor
from .return_types import Histogram

__all__ = ["histc", "histogram", "histogramdd"]


def _check_float(input, name):
    if input.dtype.name not in ("float32", "float64"):
        raise NotImplementedError(f'"{name}" not implemented for '
                                  f"'{input.dtype.scalar_name}'. Fix: convert the input with "
                                  ".float() first.")


def _check_bins(bins, dim: int, name: str) -> None:
    if isinstance(bins, bool) or not isinstance(bins, int):
        raise TypeError(f"{name}(): argument 'bins' must be int, not {type(bins).__name__}")
    if bins <= 0:
        raise RuntimeError(f"torch.histogram(): bins must be > 0, but got {bins} for dimension "
                           f"{dim}")


def _data_span(values):
    """The data's minimum and maximum (0 and 1 for no data, as in PyTorch; NaN if any value
    is NaN)."""
    if values.size == 0:
        return 0.0, 1.0
    return float(xp.min(values)), float(xp.max(values))


def histc(input, bins: int = 100, min: float = 0, max: float = 0) -> Tensor:  # noqa: A002
    """Counts of ``input``'s elements in ``bins`` equal-width bins between ``min`` and ``max``
    (the data's own minimum and maximum when both are equal); elements outside are left out.

    >>> torch.histc(torch.tensor([1., 2., 1.]), bins=4, min=0, max=3)
    tensor([0., 2., 1., 0.])
    """
    _check_bins(bins, 0, "histc")
    if input.dtype.name not in ("float16", "float32", "float64"):
        raise NotImplementedError(f"\"histogram_cpu\" not implemented for "
                                  f"'{input.dtype.scalar_name}'. Fix: convert the input with "
                                  ".float() first.")
    dtype = input._data.dtype
    values = input._data.reshape(-1)
    left, right = dtype.type(min), dtype.type(max)
    if left == right:
        left, right = (dtype.type(v) for v in _data_span(values))
    if left == right:
        left, right = left - 1, right + 1
    if not (math.isfinite(left) and math.isfinite(right)):
        raise RuntimeError(f"torch.histc: range of [{left}, {right}] is not finite")
    if left > right:
        raise RuntimeError("torch.histc: max must be larger than min")
    edges = histogram_ops.linspace_edges(left, right, bins, dtype)
    positions = histogram_ops.bin_positions(values, edges, interpolate=True)
    return Tensor._make(histogram_ops.count((positions,), (bins,), None, dtype))


def _outer_edges(values, range_, dims: int) -> list:
    """Per dimension, the (left, right) edges for equal-width bins."""
    if range_ is not None:
        range_ = [float(r) for r in range_]
        if len(range_) != 2 * dims:
            raise RuntimeError(f"torch.histogramdd: for a {dims}-dimensional histogram range "
                               f"should have {2 * dims} elements, but got {len(range_)}")
        spans = [(range_[2 * d], range_[2 * d + 1]) for d in range(dims)]
    else:
        spans = [_data_span(values[:, d]) for d in range(dims)]
    out = []
    for d, (left, right) in enumerate(spans):
        if not (math.isfinite(left) and math.isfinite(right)):
            raise RuntimeError(f"torch.histogramdd: dimension {d}'s range [{left}, {right}] is "
                               "not finite")
        if left > right:
            raise RuntimeError(f"torch.histogramdd: min should not exceed max, but got min "
                               f"{left:g} max {right:g} for dimension {d}")
        if left == right:
            left, right = left - 0.5, right + 0.5
        out.append((left, right))
    return out


def _check_weight(input, weight, leading) -> None:
    if weight is None:
        return
    if tuple(weight.shape) != tuple(leading):
        raise RuntimeError("torch.histogramdd: if weight tensor is provided it should have the "
                           "same shape as the input tensor excluding its innermost dimension, "
                           f"but got input with shape {list(leading) + [input.shape[-1]]} and "
                           f"weight with shape {list(weight.shape)}")
    if weight.dtype is not input.dtype:
        raise RuntimeError("torch.histogramdd: if weight tensor is provided, input tensor and "
                           "weight tensor should have the same dtype, but got "
                           f"input({input.dtype.scalar_name.lower()}), and "
                           f"weight({weight.dtype.scalar_name.lower()})")


def _edges_from_tensor(input, bins, d: int):
    if bins.dtype is not input.dtype:
        raise RuntimeError("torch.histogramdd: input tensor and bins tensors should have the "
                           f"same dtype, but got input with dtype "
                           f"{input.dtype.scalar_name.lower()} and bins for dimension {d} with "
                           f"dtype {bins.dtype.scalar_name.lower()}")
    if bins.ndim != 1:
        raise RuntimeError(f"torch.histogramdd: bins tensor should have one dimension, but got "
                           f"{bins.ndim} dimensions in the bins tensor for dimension {d}")
    if bins.numel() == 0:
        raise RuntimeError("torch.histogramdd: bins tensor should have at least 1 element, but "
                           f"got 0 elements in the bins tensor for dimension {d}")
    return bins._data


def histogram(input, bins=100, *, range=None, weight=None,  # noqa: A002 - PyTorch's names
              density: bool = False) -> Histogram:
    """The histogram of ``input``'s elements: ``bins`` equal-width bins over ``range`` (the
    data's span by default), or the bin edges given as a tensor; optionally weighted, or
    normalised to a density.  Returns ``(hist, bin_edges)``.

    >>> torch.histogram(torch.tensor([1., 2., 1.]), bins=4, range=(0., 3.))
    torch.return_types.histogram(
    hist=tensor([0., 2., 1., 0.]),
    bin_edges=tensor([0.0000, 0.7500, 1.5000, 2.2500, 3.0000]))
    """
    _check_float(input, "histogramdd")
    values = input._data.reshape(-1, 1)
    _check_weight(input, weight, input.shape)
    if isinstance(bins, Tensor):
        if range is not None:
            raise TypeError("histogram(): takes range only with an int number of bins, not "
                            "with a tensor of bin edges")
        edges = _edges_from_tensor(input, bins, 0)
    else:
        _check_bins(bins, 0, "histogram")
        (left, right), = _outer_edges(values, range, 1)
        edges = histogram_ops.linspace_edges(left, right, bins, input._data.dtype)
        bins = None
    hist, edges = histogram_ops.histogram(input, weight, bins, edges, density)
    return Histogram(hist, edges, "histogram")


def histogramdd(input, bins=10, *, range=None, weight=None,  # noqa: A002 - PyTorch's names
                density: bool = False) -> Histogram:
    """The histogram of the points in ``input``'s rows (its last dimension holds each point's
    ``D`` coordinates): ``bins`` per dimension (one int, one per dimension, or a list of
    edge tensors), over ``range`` (``[left0, right0, left1, right1, ...]``).
    Returns ``(hist, bin_edges)`` with one edge tensor per dimension.

    >>> points = torch.tensor([[0., 0.], [1., 1.], [1., 0.9]])
    >>> torch.histogramdd(points, bins=[2, 2]).hist
    tensor([[1., 0.],
            [0., 2.]])
    """
    _check_float(input, "histogramdd")
    if input.ndim < 2:
        raise RuntimeError("torch.histogramdd: input tensor should have at least 2 dimensions")
    dims = input.shape[-1]
    values = input._data.reshape(-1, dims)
    _check_weight(input, weight, input.shape[:-1])
    if isinstance(bins, int) and not isinstance(bins, bool):
        bins = [bins] * dims
    if len(bins) != dims:
        raise RuntimeError("histogramdd: The size of bins must be equal to the innermost "
                           "dimension of the input.")
    if all(isinstance(b, Tensor) for b in bins):
        edges = [_edges_from_tensor(input, b, d) for d, b in enumerate(bins)]
    else:
        for d, b in enumerate(bins):
            _check_bins(b, d, "histogramdd")
        spans = _outer_edges(values, range, dims)
        edges = [histogram_ops.linspace_edges(left, right, b, input._data.dtype)
                 for (left, right), b in builtins.zip(spans, bins)]
    hist = histogram_ops.histogramdd(input, weight, tuple(edges), density)
    bin_edges = histogram_ops.histogramdd_edges(input, tuple(edges))
    return Histogram(hist, tuple(bin_edges), "histogramdd")
