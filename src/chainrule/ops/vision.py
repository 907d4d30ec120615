"""The affine grid row: ``affine_grid``'s sampling grid, AffineGridGeneratorBackward0;
and ``cubic_weights``, which bicubic ``grid_sample`` and ``interpolate`` share.

The grid is a fixed base grid (each output cell's normalised coordinates, with
a 1 appended) times the transposed affine matrices: linear in ``theta``, so its
gradient is the incoming gradient's product with the same base grid - a
batched matrix product (the ``bmm`` row), which records itself under
``create_graph``.  ``grid_sample`` is a composition of gathers and arithmetic
in ``nn.functional.vision``.
"""
from __future__ import annotations

import math

from .._backend import xp
from ..engine.op import Op
from .linalg import bmm


def _steps(n: int, align_corners: bool, dtype):
    """PyTorch's normalised coordinates of ``n`` cells along one dimension, in ``dtype``:
    -1 and 1 are the outer cells' centres (align_corners) or their outer edges."""
    if n <= 1:
        return xp.zeros(n, dtype=dtype)
    steps = xp.linspace(-1, 1, n).astype(dtype)
    return steps if align_corners else steps * dtype.type(n - 1) / dtype.type(n)


def base_grid(size, align_corners: bool, dtype):
    """``(prod(spatial), d + 1)``: x (the last dimension), y, (z), then 1, per output cell."""
    spatial = tuple(size[2:])
    axes = [_steps(n, align_corners, dtype) for n in reversed(spatial)]  # x first
    mesh = xp.meshgrid(*reversed(axes), indexing="ij")  # in the spatial dims' order
    columns = [m.reshape(-1) for m in reversed(mesh)] + [xp.ones(math.prod(spatial), dtype)]
    return xp.stack(columns, axis=1)


def _affine_grid(theta, size, align_corners):
    base = base_grid(size, align_corners, theta.dtype)
    grid = xp.matmul(base, theta.transpose(0, 2, 1))  # (N, cells, d)
    return grid.reshape(theta.shape[0], *size[2:], theta.shape[1])


def _theta_grad(grad, size, align_corners):
    """``grad`` (a tensor: ``transpose`` keeps this rule off the array path) times the base
    grid, a constant array."""
    n, d = grad.shape[0], grad.shape[-1]
    rows = grad.reshape(n, -1, d).transpose(1, 2)
    return bmm(rows, base_grid(size, align_corners, grad.dtype.np))


affine_grid = Op("AffineGridGeneratorBackward0", _affine_grid,
                 theta=lambda grad, size, align_corners: _theta_grad(grad, size, align_corners),
                 jvp=lambda theta_t, size, align_corners:
                     affine_grid(theta_t, size, align_corners))


_CUBIC_A = -0.75  # PyTorch's cubic convolution constant


def cubic_weights(t) -> list:
    """The cubic convolution weights of the taps at offsets -1, 0, 1 and 2 from a point
    ``t`` (in [0, 1)) past a cell: arithmetic only, so ``t`` may be an array or a tensor.

    >>> [float(w) for w in cubic_weights(0.0)]
    [0.0, 1.0, 0.0, 0.0]
    """
    a = _CUBIC_A

    def near(x):  # |x| <= 1
        return ((a + 2) * x - (a + 3)) * x * x + 1

    def far(x):  # 1 < |x| < 2
        return ((a * x - 5 * a) * x + 8 * a) * x - 4 * a

    return [far(t + 1), near(t), near(1 - t), far(2 - t)]
