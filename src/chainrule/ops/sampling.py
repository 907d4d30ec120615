"""Resampling rows: ``interpolate``'s nearest, linear, bilinear, bicubic and trilinear
modes, one node each as PyTorch records them (UpsampleBilinear2DBackward0, ...).

Every mode is separable: along each spatial dimension, each output cell is a
weighted sum of a few input cells ("taps": one for nearest, two for linear,
four for cubic), which ``nn.functional.interpolate`` finds as PyTorch's kernels
do and passes in as ``taps``, one tuple of ``(index, weight)`` pairs (weight
None for nearest) per spatial dimension.  The map is linear in the input, so
its gradient is its adjoint (each output cell's gradient added back into the
cells it read, by the same weights), and the adjoint's gradient is the map
again: the two rows below are each other's rule, and ``create_graph`` works.
"""
from __future__ import annotations

from .._backend import xp
from ..engine.op import Op


def _resample(self, taps):
    out = self
    for k, dim_taps in enumerate(taps):
        axis = 2 + k
        shape = (-1,) + (1,) * (self.ndim - 1 - axis)
        mixed = None
        for index, weight in dim_taps:
            part = xp.take(out, index, axis=axis)
            if weight is not None:
                part = part * weight.reshape(shape)
            mixed = part if mixed is None else mixed + part
        out = mixed
    return out


def _resample_adjoint(grad_output, taps, input_sizes):
    out = grad_output
    for k in reversed(range(len(taps))):  # undo the dimensions in reverse order
        axis = 2 + k
        moved = xp.moveaxis(out, axis, 0)  # (n_out, ...): add.at sums along the first axis
        summed = xp.zeros((input_sizes[k],) + moved.shape[1:], dtype=grad_output.dtype)
        shape = (-1,) + (1,) * (moved.ndim - 1)
        for index, weight in taps[k]:
            xp.add.at(summed, index, moved if weight is None else moved * weight.reshape(shape))
        out = xp.moveaxis(summed, 0, axis)
    return out


def _rows(name: str) -> Op:
    """The row ``<name>Backward0`` and its adjoint ``<name>BackwardBackward0``, each the
    other's gradient; returns the first."""
    resample = Op(f"{name}Backward0", _resample,
                  self=lambda grad, taps, self_shape: adjoint(grad, taps, self_shape[2:]),
                  jvp=lambda self_t, taps: resample(self_t, taps))
    adjoint = Op(f"{name}BackwardBackward0", _resample_adjoint,
                 grad_output=lambda grad, taps: resample(grad, taps),
                 jvp=lambda grad_output_t, taps, input_sizes:
                     adjoint(grad_output_t, taps, input_sizes))
    return resample


# (mode, number of spatial dimensions) -> its row, under PyTorch's node name
RESAMPLE = {
    ("nearest", 1): _rows("UpsampleNearest1D"),
    ("nearest", 2): _rows("UpsampleNearest2D"),
    ("nearest", 3): _rows("UpsampleNearest3D"),
    ("nearest-exact", 1): _rows("UpsampleNearestExact1D"),
    ("nearest-exact", 2): _rows("UpsampleNearestExact2D"),
    ("nearest-exact", 3): _rows("UpsampleNearestExact3D"),
    ("linear", 1): _rows("UpsampleLinear1D"),
    ("bilinear", 2): _rows("UpsampleBilinear2D"),
    ("bicubic", 2): _rows("UpsampleBicubic2D"),
    ("trilinear", 3): _rows("UpsampleTrilinear3D"),
}
