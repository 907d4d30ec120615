"""Sliding windows over the last spatial dimensions: what convolution, pooling and
fold/unfold share.

A window geometry is given per spatial dimension: kernel size ``k``, stride
``s``, dilation ``d`` and the number of windows ``o`` (``out_size``).  Two ways
to visit the windows serve every rule:

- ``windows``: one strided view holding every window, for a forward pass that
  reads them all at once (im2col, average pooling);
- ``offset_slices``: for each kernel offset, the strided slice of an array that
  the windows read at that offset, for passes that add or compare offset by
  offset (col2im, max pooling): ``prod(kernel)`` whole-array operations instead
  of a Python loop over windows.
"""
from __future__ import annotations

import itertools

from .._backend import sliding_window_view


def out_size(size: int, k: int, s: int, p: int, d: int) -> int:
    """How many windows of kernel ``k`` (dilation ``d``, stride ``s``) fit in ``size``
    cells padded by ``p`` on both sides (can be zero or negative when none fits)."""
    return (size + 2 * p - d * (k - 1) - 1) // s + 1


def windows(x, first_axis: int, kernel, stride, dilation, out):
    """A strided view of ``x``'s windows over the axes ``first_axis, first_axis + 1, ...``
    (one per kernel dimension), already padded: the window counts take those axes' places
    and the kernel offsets are appended at the end, as ``sliding_window_view`` lays them."""
    nd = len(kernel)
    axes = tuple(range(first_axis, first_axis + nd))
    view = sliding_window_view(x, tuple((k - 1) * d + 1 for k, d in zip(kernel, dilation)),
                               axis=axes)
    key = [slice(None)] * view.ndim
    for i, (o, s, d) in enumerate(zip(out, stride, dilation)):
        key[first_axis + i] = slice(None, (o - 1) * s + 1, s)
        key[x.ndim + i] = slice(None, None, d)
    return view[tuple(key)]


def offset_slices(x, first_axis: int, kernel, stride, dilation, out):
    """For each kernel offset (in row-major order), the offset and the strided view of
    ``x`` (over the axes from ``first_axis``) that the windows read at that offset."""
    lead = (slice(None),) * first_axis
    per_axis = [[slice(i * d, i * d + (o - 1) * s + 1, s) for i in range(k)]
                for k, o, s, d in zip(kernel, out, stride, dilation)]
    for offset, key in zip(itertools.product(*(range(k) for k in kernel)),
                           itertools.product(*per_axis)):
        yield offset, x[lead + key]
