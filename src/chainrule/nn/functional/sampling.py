"""Resampling of ``torch.nn.functional``: ``interpolate`` (and its old names ``upsample*``),
``pixel_shuffle``, ``pixel_unshuffle`` and ``channel_shuffle``.

``interpolate`` is separable: along each spatial dimension every output cell
reads one input cell (nearest), two (linear) or four (cubic) with weights.
Here those source cells and weights are found as PyTorch's CPU kernels find
them, in float32 for float32 inputs, so the same output cells pick the same
input cells; one row per mode (``chainrule.ops.sampling``, PyTorch's node
names) resamples and, backwards, adds each gradient back by the same weights.
With ``antialias`` a shrinking filter is widened by the scale, so each output
cell averages every input cell under its footprint (PyTorch's and PIL's rule).
The 'area' mode is adaptive average pooling, as in PyTorch.  The shuffles
are ``torch.pixel_shuffle``, ... (``chainrule.functions.shuffle``).
"""
from __future__ import annotations

import math

from ..._backend import xp
from ...functions.shuffle import channel_shuffle, pixel_shuffle, pixel_unshuffle
from ...ops import sampling as sampling_ops
from ...ops.vision import cubic_weights
from ...tensor import Tensor
from .arguments import floating_only
from .pooling import adaptive_avg_pool1d, adaptive_avg_pool2d, adaptive_avg_pool3d

# the shuffles are torch.pixel_shuffle, ... themselves, as in PyTorch
__all__ = ["interpolate", "upsample", "upsample_nearest", "upsample_bilinear", "pixel_shuffle",
           "pixel_unshuffle", "channel_shuffle"]

_MODES = ("nearest", "nearest-exact", "linear", "bilinear", "trilinear", "bicubic", "area")
# the number of spatial dimensions of each mode's input; the others take any
_MODE_DIMS = {"linear": 1, "bilinear": 2, "bicubic": 2, "lanczos": 2, "trilinear": 3}
_AREA = {1: adaptive_avg_pool1d, 2: adaptive_avg_pool2d, 3: adaptive_avg_pool3d}


def _nearest_source(n_in, n_out, scale, exact):
    if n_in == n_out and not exact:
        return xp.arange(n_out)
    s = xp.float32(1.0 / scale if scale else n_in / n_out)
    dst = xp.arange(n_out, dtype=xp.float32) + xp.float32(0.5 if exact else 0.0)
    return xp.minimum(xp.floor(dst * s).astype(xp.int64), n_in - 1)


def _source(n_in, n_out, scale, align_corners, ftype, cubic=False):
    """Each output cell's position in the input (PyTorch's area_pixel_compute_source_index:
    not clamped at 0 for cubic)."""
    if align_corners:
        s = ftype((n_in - 1) / (n_out - 1)) if n_out > 1 else ftype(0)
        return xp.arange(n_out, dtype=ftype) * s
    s = ftype(1.0 / scale if scale else n_in / n_out)
    src = (xp.arange(n_out, dtype=ftype) + ftype(0.5)) * s - ftype(0.5)
    return src if cubic else xp.maximum(src, 0)


def _linear_source(n_in, n_out, scale, align_corners, ftype):
    """The two source cells of each output cell and their weights (PyTorch's rule)."""
    src = _source(n_in, n_out, scale, align_corners, ftype)
    i0 = src.astype(xp.int64)  # src >= 0: truncation is floor
    i1 = xp.minimum(i0 + 1, n_in - 1)
    lam = (src - i0).astype(ftype)
    return [(i0, 1 - lam), (i1, lam)]


def _cubic_source(n_in, n_out, scale, align_corners, ftype):
    """The four source cells of each output cell (clamped to the input) and their cubic
    convolution weights."""
    src = _source(n_in, n_out, scale, align_corners, ftype, cubic=True)
    base = xp.floor(src)
    weights = cubic_weights((src - base).astype(ftype))
    return [(xp.clip(base.astype(xp.int64) + offset, 0, n_in - 1), w)
            for offset, w in zip((-1, 0, 1, 2), weights)]


def _keys_cubic(x):
    """The cubic filter antialiasing uses (a = -0.5, Keys), at distances ``x``."""
    a = -0.5
    x = xp.abs(x)
    near = ((a + 2) * x - (a + 3)) * x * x + 1
    far = ((a * x - 5 * a) * x + 8 * a) * x - 4 * a
    return xp.where(x < 1, near, xp.where(x < 2, far, 0))


def _lanczos(x):
    """The Lanczos filter of three lobes: sinc(x) sinc(x / 3) within |x| < 3."""
    return xp.where(xp.abs(x) < 3, xp.sinc(x) * xp.sinc(x / 3), 0)


# mode -> (filter, support in input cells at scale 1)
_AA_FILTERS = {"bilinear": (lambda x: xp.maximum(1 - xp.abs(x), 0), 1.0),
               "bicubic": (_keys_cubic, 2.0), "lanczos": (_lanczos, 3.0)}


def _antialiased_source(n_in, n_out, scale, align_corners, ftype, mode):
    """The source cells and weights of each output cell when antialiasing (PyTorch's and
    PIL's rule): downsampling widens the filter by the scale, so every input cell inside an
    output cell's footprint counts; the weights are normalised to sum to one."""
    if align_corners:
        step = (n_in - 1) / (n_out - 1) if n_out > 1 else 0.0
    else:
        step = 1.0 / scale if scale else n_in / n_out
    step = float(ftype(step))
    kernel, half_width = _AA_FILTERS[mode]
    support = half_width * step if step >= 1 else half_width
    inverse = 1 / step if step >= 1 else 1.0
    width = int(math.ceil(support)) * 2 + 1
    centre = step * (xp.arange(n_out) + 0.5)
    first = xp.maximum((centre - support + 0.5).astype(xp.int64), 0)
    count = xp.clip(xp.minimum((centre + support + 0.5).astype(xp.int64), n_in) - first, 0,
                    width)
    offsets = xp.arange(width)[:, None]  # (tap, output cell)
    weights = xp.where(offsets < count, kernel((offsets + first - centre + 0.5) * inverse), 0)
    total = weights.sum(axis=0)
    weights = weights / xp.where(total != 0, total, 1)
    return [(xp.minimum(first + j, n_in - 1), weights[j].astype(ftype)) for j in range(width)]


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
    """Resample the spatial dimensions of ``(N, C, L)``, ``(N, C, H, W)`` or
    ``(N, C, D, H, W)`` to ``size`` (or ``scale_factor`` times their size), by ``mode``
    'nearest', 'nearest-exact', 'area' (adaptive average pooling), 'linear' (3-D input),
    'bilinear' or 'bicubic' (4-D input) or 'trilinear' (5-D input); ``antialias=True``
    (bilinear, bicubic and 'lanczos', 4-D input) filters as PIL does when shrinking.

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
    if mode.startswith("nearest") or mode == "area":
        if align_corners is not None:
            raise ValueError("align_corners option can only be set with the interpolating "
                             "modes: linear | bilinear | bicubic | trilinear")
    else:
        align_corners = bool(align_corners)
    if antialias and (mode not in _AA_FILTERS or input.ndim != 4):
        raise ValueError("Anti-alias option is restricted to bilinear, bicubic, and lanczos "
                         "modes and requires a 4-D tensor as input")
    if mode == "lanczos":
        if not antialias:
            raise ValueError("Lanczos mode requires antialias=True")
        if align_corners:
            raise ValueError("Lanczos mode does not support align_corners=True")
    elif input.ndim not in (3, 4, 5) or mode not in _MODES:
        raise NotImplementedError(
            f"Input Error: Only 3D, 4D and 5D input Tensors supported (got {input.ndim}D) for "
            f"the modes: nearest | linear | bilinear | bicubic | trilinear | lanczos | area | "
            f"nearest-exact (got {mode})")
    n = input.ndim - 2
    if mode in _MODE_DIMS and _MODE_DIMS[mode] != n:
        raise NotImplementedError(f"Got {input.ndim}D input, but {mode} mode needs "
                                  f"{_MODE_DIMS[mode] + 2}D input")
    sizes, scales = _output_size(input, size, scale_factor, n)
    if mode == "area":  # PyTorch's area mode is adaptive average pooling, its checks too
        return _AREA[n](input, sizes)
    # uint8 only for nearest: PyTorch's uint8 linear kernels round in their own fixed point
    floating_only(f"upsample_{mode}", input, allow_uint8=mode.startswith("nearest"))
    if min(sizes) <= 0 or 0 in input.shape[2:]:
        raise RuntimeError(f"Input and output sizes should be greater than 0, but got input "
                           f"{list(input.shape[2:])} and output {sizes}")
    if recompute_scale_factor:
        scales = [None] * n  # the sizes' own ratios, as PyTorch recomputes them
    ftype = xp.float64 if input._data.dtype == xp.float64 else xp.float32
    taps = []  # per spatial dimension, the source cells of each output cell and their weights
    for n_in, n_out, scale in zip(input.shape[2:], sizes, scales):
        if mode.startswith("nearest"):
            taps.append(((_nearest_source(n_in, n_out, scale, mode == "nearest-exact"), None),))
            continue
        # two source cells (linear), four (cubic), or the filter's footprint (antialias)
        if antialias:
            dim_taps = _antialiased_source(n_in, n_out, scale, align_corners, ftype, mode)
        else:
            dim_taps = (_cubic_source if mode == "bicubic" else _linear_source)(
                n_in, n_out, scale, align_corners, ftype)
        taps.append(tuple((index, weight.astype(input._data.dtype))
                          for index, weight in dim_taps))
    key = (mode + "-aa" if antialias else mode, n)
    return sampling_ops.RESAMPLE[key](input, tuple(taps))


def upsample(input: Tensor, size=None, scale_factor=None, mode: str = "nearest",
             align_corners: bool | None = None) -> Tensor:
    """The old name of ``interpolate``.

    >>> torch.nn.functional.upsample(torch.tensor([[[1., 2.]]]), scale_factor=2)
    tensor([[[1., 1., 2., 2.]]])
    """
    return interpolate(input, size, scale_factor, mode, align_corners)


def upsample_nearest(input: Tensor, size=None, scale_factor=None) -> Tensor:
    """``interpolate(..., mode='nearest')``.

    >>> torch.nn.functional.upsample_nearest(torch.tensor([[[1., 2.]]]), size=3)
    tensor([[[1., 1., 2.]]])
    """
    return interpolate(input, size, scale_factor, mode="nearest")


def upsample_bilinear(input: Tensor, size=None, scale_factor=None) -> Tensor:
    """``interpolate(..., mode='bilinear', align_corners=True)``.

    >>> torch.nn.functional.upsample_bilinear(torch.tensor([[[[0., 2.]]]]), size=(1, 3))
    tensor([[[[0., 1., 2.]]]])
    """
    return interpolate(input, size, scale_factor, mode="bilinear", align_corners=True)
