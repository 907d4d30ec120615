"""Padding rows: constant padding, whose gradient cuts the padding off again.

``widths`` has one ``(before, after)`` pair per dimension, as ``numpy.pad`` takes
it; a negative amount crops that many cells instead (the gradient then puts
zeros back there), so padding and cropping are one node, ConstantPadNdBackward0,
as in PyTorch.  Reflection and replication padding read each output cell from
one input cell per padded dimension: resampling rows (``chainrule.ops.sampling``)
under PyTorch's names; circular padding is a composition in ``nn.functional.pad``.
"""
from __future__ import annotations

from .._backend import xp
from ..engine.op import Op
from .sampling import resampling_row


def _cropped(x, widths):
    """``x`` less the cells that negative amounts crop."""
    if all(lo >= 0 and hi >= 0 for lo, hi in widths):
        return x
    return x[tuple(slice(max(-lo, 0), x.shape[d] - max(-hi, 0))
                   for d, (lo, hi) in enumerate(widths))]


def _positive(widths):
    return tuple((max(lo, 0), max(hi, 0)) for lo, hi in widths)


def _negated(widths):
    return tuple((-lo, -hi) for lo, hi in widths)


def _constant_pad(self, widths, value):
    return xp.pad(_cropped(self, widths), _positive(widths), constant_values=value)


# The gradient of padding by ``widths`` is padding by the opposite amounts (with zeros).
constant_pad = Op("ConstantPadNdBackward0", _constant_pad,
                  self=lambda grad, widths: constant_pad(grad, _negated(widths), 0),
                  jvp=lambda self_t, widths: constant_pad(self_t, widths, 0))

# (mode, number of padded dimensions) -> its row, named by PyTorch as ReflectionPad2D, ...
PAD = {(mode, n): resampling_row(f"{name}{n}D")
       for mode, name in (("reflect", "ReflectionPad"), ("replicate", "ReplicationPad"))
       for n in (1, 2, 3)}
