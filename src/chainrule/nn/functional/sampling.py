"""Resampling of ``torch.nn.functional``: ``interpolate`` (and its old names ``upsample*``),
``pixel_shuffle`` and ``pixel_unshuffle``.

``interpolate`` is separable: each spatial dimension is resampled in turn by
``index_select`` (nearest) or by two index_selects blended with per-position
weights (linear), so the gradient is the index rule's scatter-add.  Source
positions are computed as PyTorch's CPU kernels do, in float32 for float32
inputs, so the same output cells pick the same input cells.  The pixel
shuffles are a reshape, a permutation and a reshape.
"""
from __future__ import annotations

import math

from ..._backend import xp
from ...tensor import Tensor
from .arguments import floating_only

__all__ = ["interpolate", "upsample", "upsample_nearest", "upsample_bilinear", "pixel_shuffle",
           "pixel_unshuffle"]

_MODES = ("nearest", "nearest-exact", "linear", "bilinear")
_LINEAR_DIMS = {"linear": 1, "bilinear": 2}


def _nearest_source(n_in, n_out, scale, exact):
    if n_in == n_out and not exact:
        return xp.arange(n_out)
    s = xp.float32(1.0 / scale if scale else n_in / n_out)
    dst = xp.arange(n_out, dtype=xp.float32) + xp.float32(0.5 if exact else 0.0)
    return xp.minimum(xp.floor(dst * s).astype(xp.int64), n_in - 1)


def _linear_source(n_in, n_out, scale, align_corners, ftype):
    """The two source cells of each output cell and their weights (PyTorch's rule)."""
    if align_corners:
        s = ftype((n_in - 1) / (n_out - 1)) if n_out > 1 else ftype(0)
        src = xp.arange(n_out, dtype=ftype) * s
    else:
        s = ftype(1.0 / scale if scale else n_in / n_out)
        src = xp.maximum((xp.arange(n_out, dtype=ftype) + ftype(0.5)) * s - ftype(0.5), 0)
    i0 = src.astype(xp.int64)  # src >= 0: truncation is floor
    i1 = xp.minimum(i0 + 1, n_in - 1)
    lam = (src - i0).astype(ftype)
    return i0, i1, lam


def _output_size(input, size, scale_factor, n):
    spatial = list(input.shape[2:])
    if size is not None and scale_factor is not None:
        raise ValueError("only one of size or scale_factor should be defined")
    if size is not None:
        sizes = list(size) if isinstance(size, (tuple, list)) else [size] * n
        if len(sizes) != n:
            raise ValueError(
                "Input and output must have the same number of spatial dimensions, but got "
                f"input with spatial dimensions of {spatial} and output size of {size}. Please "
                "provide input tensor in (N, C, d1, d2, ...,dK) format and output size in "
                "(o1, o2, ...,oK) format.")
        return [int(s) for s in sizes], [None] * n
    if scale_factor is None:
        raise ValueError("either size or scale_factor should be defined")
    scales = list(scale_factor) if isinstance(scale_factor, (tuple, list)) \
        else [scale_factor] * n
    if len(scales) != n:
        raise ValueError(
            "Input and scale_factor must have the same number of spatial dimensions, but got "
            f"input with spatial dimensions of {spatial} and scale_factor of shape "
            f"{scale_factor}. Please provide input tensor in (N, C, d1, d2, ...,dK) format "
            "and scale_factor in (s1, s2, ...,sK) format.")
    return [math.floor(d * float(s)) for d, s in zip(spatial, scales)], [float(s) for s in
                                                                         scales]


def interpolate(input: Tensor, size=None, scale_factor=None, mode: str = "nearest",
                align_corners: bool | None = None, recompute_scale_factor: bool | None = None,
                antialias: bool = False) -> Tensor:
    """Resample the spatial dimensions of ``(N, C, L)`` or ``(N, C, H, W)`` to ``size``
    (or ``scale_factor`` times their size), by ``mode`` 'nearest', 'nearest-exact',
    'linear' (3-D input) or 'bilinear' (4-D input).

    >>> import chainrule as torch
    >>> x = torch.tensor([[[[1., 2.], [3., 4.]]]])
    >>> torch.nn.functional.interpolate(x, scale_factor=2)
    tensor([[[[1., 1., 2., 2.],
              [1., 1., 2., 2.],
              [3., 3., 4., 4.],
              [3., 3., 4., 4.]]]])
    >>> torch.nn.functional.interpolate(x, size=3, mode="bilinear", align_corners=True)
    tensor([[[[1.0000, 1.5000, 2.0000],
              [2.0000, 2.5000, 3.0000],
              [3.0000, 3.5000, 4.0000]]]])
    """
    if mode not in _MODES:
        raise NotImplementedError(f"interpolate: mode {mode!r} is not implemented; use one of "
                                  f"{', '.join(_MODES)}")
    if mode.startswith("nearest"):
        if align_corners is not None:
            raise ValueError("align_corners option can only be set with the interpolating "
                             "modes: linear | bilinear | bicubic | trilinear")
    else:
        align_corners = bool(align_corners)
    if antialias:
        raise NotImplementedError("interpolate: antialias=True is not implemented; resample "
                                  "without it")
    if input.ndim not in (3, 4):
        raise NotImplementedError(
            f"Input Error: Only 3D and 4D input Tensors supported (got {input.ndim}D) for the "
            f"modes: {' | '.join(_MODES)} (got {mode})")
    n = input.ndim - 2
    if mode in _LINEAR_DIMS and _LINEAR_DIMS[mode] != n:
        raise NotImplementedError(f"Got {input.ndim}D input, but {mode} mode needs "
                                  f"{_LINEAR_DIMS[mode] + 2}D input")
    # uint8 only for nearest: PyTorch's uint8 bilinear kernel rounds in its own fixed point
    floating_only(f"upsample_{mode}", input, allow_uint8=mode.startswith("nearest"))
    sizes, scales = _output_size(input, size, scale_factor, n)
    if min(sizes) <= 0 or 0 in input.shape[2:]:
        raise RuntimeError(f"Input and output sizes should be greater than 0, but got input "
                           f"{list(input.shape[2:])} and output {sizes}")
    if recompute_scale_factor:
        scales = [None] * n  # the sizes' own ratios, as PyTorch recomputes them
    ftype = xp.float64 if input._data.dtype == xp.float64 else xp.float32
    out = input
    for k, (n_out, scale) in enumerate(zip(sizes, scales)):
        dim, n_in = 2 + k, input.shape[2 + k]
        if mode.startswith("nearest"):
            src = _nearest_source(n_in, n_out, scale, mode == "nearest-exact")
            out = out.index_select(dim, Tensor._make(src))
            continue
        i0, i1, lam = _linear_source(n_in, n_out, scale, align_corners, ftype)
        shape = (-1,) + (1,) * (input.ndim - 1 - dim)
        lam = Tensor._make(lam.astype(input._data.dtype).reshape(shape))
        out = out.index_select(dim, Tensor._make(i0)) * (1 - lam) \
            + out.index_select(dim, Tensor._make(i1)) * lam
    return out


def upsample(input: Tensor, size=None, scale_factor=None, mode: str = "nearest",
             align_corners: bool | None = None) -> Tensor:
    """The old name of ``interpolate``.

    >>> import chainrule as torch
    >>> torch.nn.functional.upsample(torch.tensor([[[1., 2.]]]), scale_factor=2)
    tensor([[[1., 1., 2., 2.]]])
    """
    return interpolate(input, size, scale_factor, mode, align_corners)


def upsample_nearest(input: Tensor, size=None, scale_factor=None) -> Tensor:
    """``interpolate(..., mode='nearest')``.

    >>> import chainrule as torch
    >>> torch.nn.functional.upsample_nearest(torch.tensor([[[1., 2.]]]), size=3)
    tensor([[[1., 1., 2.]]])
    """
    return interpolate(input, size, scale_factor, mode="nearest")


def upsample_bilinear(input: Tensor, size=None, scale_factor=None) -> Tensor:
    """``interpolate(..., mode='bilinear', align_corners=True)``.

    >>> import chainrule as torch
    >>> torch.nn.functional.upsample_bilinear(torch.tensor([[[[0., 2.]]]]), size=(1, 3))
    tensor([[[[0., 1., 2.]]]])
    """
    return interpolate(input, size, scale_factor, mode="bilinear", align_corners=True)


def pixel_shuffle(input: Tensor, upscale_factor: int) -> Tensor:
    """``(*, C*r*r, H, W) -> (*, C, H*r, W*r)``: channels become ``r x r`` blocks of pixels.

    >>> import chainrule as torch
    >>> torch.nn.functional.pixel_shuffle(torch.arange(8.).reshape(1, 8, 1, 1), 2).shape
    torch.Size([1, 2, 2, 2])
    """
    if input.ndim < 3:
        raise RuntimeError(f"pixel_shuffle expects input to have at least 3 dimensions, but got "
                           f"input with {input.ndim} dimension(s)")
    r = int(upscale_factor)
    if r <= 0:
        raise RuntimeError(f"pixel_shuffle expects a positive upscale_factor, but got {r}")
    *batch, c, h, w = input.shape
    if c % (r * r):
        raise RuntimeError(f"pixel_shuffle expects its input's 'channel' dimension to be "
                           f"divisible by the square of upscale_factor, but input.size(-3)={c} "
                           f"is not divisible by {r * r}")
    b = len(batch)
    x = input.reshape(*batch, c // (r * r), r, r, h, w)
    x = x.permute(*range(b), b, b + 3, b + 1, b + 4, b + 2)
    return x.reshape(*batch, c // (r * r), h * r, w * r)


def pixel_unshuffle(input: Tensor, downscale_factor: int) -> Tensor:
    """``(*, C, H*r, W*r) -> (*, C*r*r, H, W)``: the inverse of ``pixel_shuffle``.

    >>> import chainrule as torch
    >>> torch.nn.functional.pixel_unshuffle(torch.arange(4.).reshape(1, 1, 2, 2), 2).flatten()
    tensor([0., 1., 2., 3.])
    """
    if input.ndim < 3:
        raise RuntimeError(f"pixel_unshuffle expects input to have at least 3 dimensions, but "
                           f"got input with {input.ndim} dimension(s)")
    r = int(downscale_factor)
    if r <= 0:
        raise RuntimeError(f"pixel_unshuffle expects a positive downscale_factor, but got {r}")
    *batch, c, h, w = input.shape
    for what, n, d in (("height", h, -2), ("width", w, -1)):
        if n % r:
            raise RuntimeError(f"pixel_unshuffle expects {what} to be divisible by "
                               f"downscale_factor, but input.size({d})={n} is not divisible by "
                               f"{r}")
    b = len(batch)
    x = input.reshape(*batch, c, h // r, r, w // r, r)
    x = x.permute(*range(b), b, b + 2, b + 4, b + 1, b + 3)
    return x.reshape(*batch, c * r * r, h // r, w // r)
