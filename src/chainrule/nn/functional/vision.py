"""Spatial transformers of ``torch.nn.functional``: ``affine_grid`` and ``grid_sample``.

``affine_grid`` is one row (``chainrule.ops.vision``, AffineGridGeneratorBackward0).
``grid_sample`` is a composition: each output cell reads a few input cells (its
taps: 1 for nearest, 2 per dimension for bilinear, 4 for bicubic), found on the
arrays exactly as PyTorch's CPU kernel finds them, and mixes them with weights
that are tensor arithmetic on the grid.  So the gradient with respect to the
input is the gather rule's scatter-add, the gradient with respect to the grid
flows through the weights (and through the padding modes' clipping and
reflection, by PyTorch's multipliers), and second derivatives exist too.  Its
grad_fn is therefore not PyTorch's GridSampler2DBackward0 (or 3D), but the last
step of the composition.
"""
from __future__ import annotations

import itertools
import math
import warnings

from ..._backend import xp
from ...functions.indexing import gather
from ...functions.pointwise import where
from ...ops import vision as vision_ops
from ...tensor import Tensor
from .arguments import floating_only

__all__ = ["affine_grid", "grid_sample"]

_CHANGED_DEFAULT = ("Default grid_sample and affine_grid behavior has changed to "
                    "align_corners=False since 1.3.0. Please specify align_corners=True if the "
                    "old behavior is desired. See the documentation of grid_sample for details.")


def affine_grid(theta: Tensor, size, align_corners: bool | None = None) -> Tensor:
    """The sampling grid of a batch of affine maps: ``theta`` ``(N, 2, 3)`` for a 4-D
    ``size`` ``(N, C, H, W)`` gives ``(N, H, W, 2)`` normalised (x, y) source coordinates
    (``(N, 3, 4)`` and 5-D sizes for 3-D maps), for ``grid_sample``.

    >>> import chainrule as torch
    >>> identity = torch.tensor([[[1., 0., 0.], [0., 1., 0.]]])
    >>> torch.nn.functional.affine_grid(identity, (1, 1, 1, 2), align_corners=False)
    tensor([[[[-0.5000,  0.0000],
              [ 0.5000,  0.0000]]]])
    """
    if align_corners is None:
        warnings.warn(_CHANGED_DEFAULT, stacklevel=2)
        align_corners = False
    if not theta.is_floating_point():
        raise ValueError(f"Expected theta to have floating point type, but got {theta.dtype}")
    size = tuple(int(s) for s in size)
    if len(size) in (4, 5):
        d = len(size) - 2
        if theta.ndim != 3 or tuple(theta.shape[1:]) != (d, d + 1):
            raise ValueError(f"Expected a batch of {d}D affine matrices of shape "
                             f"Nx{d}x{d + 1} for size {size}. Got {theta.shape}.")
    else:
        raise NotImplementedError(f"affine_grid only supports 4D and 5D sizes, for 2D and 3D "
                                  f"affine transforms, respectively. Got size {size}.")
    if align_corners and min(size[2:]) == 1:
        warnings.warn("Since version 1.3.0, affine_grid behavior has changed for unit-size "
                      "grids when align_corners=True. This is not an intended use case of "
                      "affine_grid. See the documentation of affine_grid for details.",
                      stacklevel=2)
    elif min(size) <= 0:
        raise ValueError(f"Expected non-zero, positive output size. Got {size}")
    if theta.shape[0] != size[0]:
        raise RuntimeError(f"affine_grid: theta holds {theta.shape[0]} matrices but size asks "
                           f"for a batch of {size[0]}. Fix: make size[0] == theta.shape[0]")
    return vision_ops.affine_grid(theta, size, bool(align_corners))


# --- where each output cell reads: PyTorch's grid_sampler_compute_source_index ---------

def _unnormalize(coord, size: int, align_corners: bool):
    """Normalised [-1, 1] coordinates to input cells (a tensor or an array alike)."""
    if align_corners:
        return (coord + 1) / 2 * (size - 1)
    return ((coord + 1) * size - 1) / 2


def _clip(x, size: int, generic: bool):
    """Border padding: ``x`` clipped to the input, and the clip's derivative.  A NaN goes
    where PyTorch's kernels send it: to 0 in the vectorised 2-D one, to the far end in the
    generic 3-D one."""
    if generic:
        clipped = xp.where(xp.isnan(x), size - 1, xp.clip(x, 0, size - 1))
    else:
        clipped = xp.where(x > 0, xp.minimum(x, size - 1), 0)
    return clipped.astype(x.dtype), ((x > 0) & (x < size - 1)).astype(x.dtype)


def _reflect(x, twice_low: int, twice_high: int):
    """``x`` reflected into [low, high] (any number of times), and the reflection's
    derivative (+1 or -1)."""
    if twice_low == twice_high:
        return xp.zeros_like(x), xp.zeros_like(x)
    low, span = twice_low / 2, (twice_high - twice_low) / 2
    distance = x - low
    sign = xp.where(distance < 0, -1, 1).astype(x.dtype)
    distance = xp.abs(distance)
    extra = xp.fmod(distance, span)
    even = xp.floor(distance / span) % 2 == 0
    return xp.where(even, extra + low, span - extra + low), xp.where(even, sign, -sign)


def _padded(x, size: int, padding_mode: str, align_corners: bool, generic: bool):
    """The padding mode applied to source coordinates ``x`` (an array), with its derivative.
    The generic (3-D) kernel then moves a non-finite or huge coordinate to -100, outside
    any input; the vectorised 2-D one keeps it (so a NaN weight gives a NaN output)."""
    if padding_mode == "zeros":
        padded, grad = x, xp.ones_like(x)
    elif padding_mode == "border":
        padded, grad = _clip(x, size, generic)
    else:
        twice = (0, 2 * (size - 1)) if align_corners else (-1, 2 * size - 1)
        reflected, reflect_grad = _reflect(x, *twice)
        padded, clip_grad = _clip(reflected, size, generic)
        grad = reflect_grad * clip_grad
    if generic:
        usable = xp.isfinite(padded) & (xp.abs(padded) < 2 ** 31 - 2)
        padded, grad = xp.where(usable, padded, -100).astype(x.dtype), xp.where(usable, grad, 0)
    return padded, grad


# --- the taps of one dimension: (cell indices, weight) pairs ------------------------------

def _taps(coord: Tensor, size: int, mode: str, padding_mode: str, align_corners: bool,
          generic: bool):
    """``[(index array, weight tensor), ...]`` for one dimension's coordinates."""
    x = _unnormalize(coord, size, align_corners)  # the tensor: carries the gradient
    x_array = x.detach().numpy()
    if mode == "bicubic":  # taps are padded one by one, the fraction is not
        base = xp.floor(x_array)
        weights = vision_ops.cubic_weights(x - Tensor._make(base))
        positions = [_padded(base + offset, size, padding_mode, align_corners, generic)[0]
                     for offset in (-1, 0, 1, 2)]
        return list(zip(positions, weights))
    padded, grad = _padded(x_array, size, padding_mode, align_corners, generic)
    if mode == "nearest":
        # Piecewise constant in the grid: a weight of exactly 1 whose gradient is 0, so the
        # grid's gradient is zeros (as PyTorch's), not missing; 1 also at a NaN coordinate.
        return [(xp.rint(padded), where(Tensor._make(xp.isfinite(x_array)), x * 0 + 1, 1.0))]
    # The padded coordinate as a tensor: its value, with the padding's derivative where it
    # moves with the grid, a constant where the padding pins it (even where x is NaN).
    moving = grad != 0
    offset = xp.where(moving, padded - x_array * grad, 0)
    x = where(Tensor._make(moving), x * Tensor._make(grad) + Tensor._make(offset),
              Tensor._make(padded))
    base = xp.floor(padded)
    fraction = x - Tensor._make(base)
    return [(base, 1 - fraction), (base + 1, fraction)]


def _check_grid_sample(input: Tensor, grid: Tensor, mode: str) -> None:
    if input.dtype != grid.dtype:
        raise RuntimeError(f"grid_sampler(): expected input and grid to have same dtype, but "
                           f"input has {input.dtype} and grid has {grid.dtype}")
    if input.ndim not in (4, 5) or grid.ndim != input.ndim:
        raise RuntimeError(f"grid_sampler(): expected 4D or 5D input and grid with same number "
                           f"of dimensions, but got input with sizes {list(input.shape)} and "
                           f"grid with sizes {list(grid.shape)}")
    if grid.shape[0] != input.shape[0]:
        raise RuntimeError(f"grid_sampler(): expected grid and input to have same batch size, "
                           f"but got input with sizes {list(input.shape)} and grid with sizes "
                           f"{list(grid.shape)}")
    if grid.shape[-1] != input.ndim - 2:
        raise RuntimeError(f"grid_sampler(): expected grid to have size {input.ndim - 2} in last "
                           f"dimension, but got grid with sizes {list(grid.shape)}")
    for i in range(2, input.ndim):
        if input.shape[i] == 0:
            raise RuntimeError(f"grid_sampler(): expected input to have non-empty spatial "
                               f"dimensions, but input has sizes {list(input.shape)} with "
                               f"dimension {i} being empty")
    if mode == "bicubic" and input.ndim != 4:
        raise RuntimeError("grid_sampler(): bicubic interpolation only supports 4D input")
    floating_only(f"grid_sampler_{input.ndim - 2}d_cpu", input)


def grid_sample(input: Tensor, grid: Tensor, mode: str = "bilinear",
                padding_mode: str = "zeros", align_corners: bool | None = None) -> Tensor:
    """Sample ``input`` ``(N, C, H, W)`` at the normalised (x, y) positions of ``grid``
    ``(N, H_out, W_out, 2)`` (-1 and 1 are the outer cells' edges, or their centres with
    ``align_corners``); 5-D inputs with ``(N, D_out, H_out, W_out, 3)`` grids likewise.
    ``mode``: 'bilinear' (trilinear for 5-D), 'nearest' or 'bicubic' (4-D only);
    ``padding_mode``: what lies outside, 'zeros', 'border' or 'reflection'.

    Differentiable with respect to the input and the grid (see the module docstring for
    its grad_fn).

    >>> import chainrule as torch
    >>> image = torch.tensor([[[[0., 10.], [20., 30.]]]])
    >>> centre = torch.zeros(1, 1, 1, 2)
    >>> torch.nn.functional.grid_sample(image, centre, align_corners=False)
    tensor([[[[15.]]]])
    """
    if mode not in ("bilinear", "nearest", "bicubic"):
        raise ValueError(f"nn.functional.grid_sample(): expected mode to be 'bilinear', "
                         f"'nearest' or 'bicubic', but got: '{mode}'")
    if padding_mode not in ("zeros", "border", "reflection"):
        raise ValueError(f"nn.functional.grid_sample(): expected padding_mode to be 'zeros', "
                         f"'border', or 'reflection', but got: '{padding_mode}'")
    if align_corners is None:
        warnings.warn(_CHANGED_DEFAULT, stacklevel=2)
        align_corners = False
    _check_grid_sample(input, grid, mode)
    n, c, *sizes = input.shape
    out_sizes = tuple(grid.shape[1:-1])
    cells = math.prod(out_sizes)
    flat_input = input.reshape(n, c, math.prod(sizes))
    coords = grid.reshape(n, cells, len(sizes))
    # the grid lists x (the last dimension) first
    generic = len(sizes) == 3  # PyTorch's 3-D kernel treats NaN and inf otherwise
    taps = [_taps(coords[..., len(sizes) - 1 - k], size, mode, padding_mode, align_corners,
                  generic) for k, size in enumerate(sizes)]
    strides = [math.prod(sizes[k + 1:]) for k in range(len(sizes))]
    out = None
    for combination in itertools.product(*taps):
        inside = xp.ones((n, cells), dtype=bool)
        flat = xp.zeros((n, cells), dtype=xp.int64)
        weight = None
        for (index, w), size, stride in zip(combination, sizes, strides):
            within = (index >= 0) & (index < size)
            inside &= within
            flat += xp.where(within, index, 0).astype(xp.int64) * stride
            weight = w if weight is None else weight * w
        picked = gather(flat_input, 2, Tensor._make(xp.broadcast_to(flat[:, None, :],
                                                                     (n, c, cells))))
        # a cell outside reads zero ('zeros' padding), times its weight: a NaN weight (a
        # NaN in the grid) still gives NaN, as in PyTorch
        picked = picked * Tensor._make(inside[:, None, :].astype(picked._data.dtype))
        term = picked * weight.unsqueeze(1)
        out = term if out is None else out + term
    return out.reshape(n, c, *out_sizes)
