"""Resampling rows: ``interpolate``'s nearest, linear, bilinear, bicubic and trilinear
modes, one node each as PyTorch records them (UpsampleBilinear2DBackward0, ...); the
reflection and replication padding rows are made the same way (``resampling_row``).

Every mode is separable: along each spatial dimension, each output cell is a
weighted sum of a few input cells ("taps": one for nearest, two for linear,
four for cubic), which ``nn.functional.interpolate`` finds as PyTorch's kernels
do and passes in as ``taps``, one tuple of ``(index, weight)`` pairs (weight
None for nearest) per spatial dimension (the input's last ones).  The map is linear in the input, so
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
        axis = self.ndim - len(taps) + k
        shape = (-1,) + (1,) * (self.ndim - 1 - axis)
        mixed = None
        for index, weight in dim_taps:
            part = xp.take(out, index, axis=axis)
            if weight is not None:
                part = part * weight.reshape(shape)
            mixed = part if mixed is None else mixed + part
        out = mixed
    return out


def _add_into(summed, index, values) -> None:
    """``summed[index[j]] += values[j]`` along the first axis.  Every mode's indices are
    non-decreasing, so each run of equal indices is one ``add.reduceat`` sum: several times
    faster than ``add.at``, which stays for any other order."""
    if index.size > 1 and (index[1:] < index[:-1]).any():
        xp.add.at(summed, index, values)
        return
    starts = xp.flatnonzero(xp.concatenate(([True], index[1:] != index[:-1])))
    summed[index[starts]] += xp.add.reduceat(values, starts, axis=0)


def _resample_adjoint(grad_output, taps, input_sizes):
    out = grad_output
    for k in reversed(range(len(taps))):  # undo the dimensions in reverse order
        axis = grad_output.ndim - len(taps) + k
        moved = xp.moveaxis(out, axis, 0)  # (n_out, ...): add.at sums along the first axis
        summed = xp.zeros((input_sizes[k],) + moved.shape[1:], dtype=grad_output.dtype)
        shape = (-1,) + (1,) * (moved.ndim - 1)
        for index, weight in taps[k]:
            _add_into(summed, index, moved if weight is None else moved * weight.reshape(shape))
        out = xp.moveaxis(summed, 0, axis)
    return out


def resampling_row(name: str) -> Op:
    """The row ``<name>Backward0`` and its adjoint ``<name>BackwardBackward0``, each the
    other's gradient; returns the first."""
    resample = Op(f"{name}Backward0", _resample,
                  self=lambda grad, taps, self_shape:
                      adjoint(grad, taps, self_shape[len(self_shape) - len(taps):]),
                  jvp=lambda self_t, taps: resample(self_t, taps))
    adjoint = Op(f"{name}BackwardBackward0", _resample_adjoint,
                 grad_output=lambda grad, taps: resample(grad, taps),
                 jvp=lambda grad_output_t, taps, input_sizes:
                     adjoint(grad_output_t, taps, input_sizes))
    return resample


# (mode, number of spatial dimensions) -> its row, under PyTorch's node name
RESAMPLE = {(mode, n): resampling_row(f"{name}{n}D")
            for mode, name in (("nearest", "UpsampleNearest"),
                               ("nearest-exact", "UpsampleNearestExact"))
            for n in (1, 2, 3)}
RESAMPLE.update({
    ("linear", 1): resampling_row("UpsampleLinear1D"),
    ("bilinear", 2): resampling_row("UpsampleBilinear2D"),
    ("bicubic", 2): resampling_row("UpsampleBicubic2D"),
    ("trilinear", 3): resampling_row("UpsampleTrilinear3D"),
    ("bilinear-aa", 2): resampling_row("UpsampleBilinear2DAa"),
    ("bicubic-aa", 2): resampling_row("UpsampleBicubic2DAa"),
    ("lanczos-aa", 2): resampling_row("UpsampleLanczos2DAa"),
})
