"""Spatial transformers of ``torch.nn.functional``: ``affine_grid`` and ``grid_sample``.

``affine_grid`` is one row (``chainrule.ops.vision``, AffineGridGeneratorBackward0),
``grid_sample`` one of two (``chainrule.ops.grid_sampler``: GridSampler2DBackward0
and GridSampler3DBackward0, by the input's dimensions); here are PyTorch's
checks and warnings.
"""
from __future__ import annotations

import warnings

from ...ops import grid_sampler as grid_sampler_ops
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

    Differentiable with respect to the input and the grid, twice (PyTorch: once).

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
    rows = {4: grid_sampler_ops.grid_sampler_2d, 5: grid_sampler_ops.grid_sampler_3d}
    return rows[input.ndim](input, grid, mode, padding_mode, bool(align_corners))
