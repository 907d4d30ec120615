"""Padding rows: constant padding, whose gradient cuts the padding off again.

``widths`` has one ``(before, after)`` pair per dimension, as ``numpy.pad`` takes
it.  The other modes (reflect, replicate, circular) and cropping are
compositions of indexing in ``nn.functional.pad``.
"""
from __future__ import annotations

from .._backend import xp
from ..engine.op import Op


def _unpad(grad, widths):
    key = tuple(slice(lo, grad.shape[d] - hi) for d, (lo, hi) in enumerate(widths))
    return grad[key]


constant_pad = Op("ConstantPadNdBackward0",
                  lambda self, widths, value: xp.pad(self, widths, constant_values=value),
                  self=lambda grad, widths: _unpad(grad, widths))
