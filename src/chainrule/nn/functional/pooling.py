"""Pooling of ``torch.nn.functional``: max, average, adaptive and power-average pooling in
1, 2 and 3 dimensions, fractional max pooling and max unpooling.

Max, average and adaptive pooling are ``chainrule.functions.pooling``'s (the
checked geometry and the rows); this module adds their options as
``nn.functional`` spells them (``return_indices``).  ``lp_pool*`` is PyTorch's
composition: the p-th root of an average pooling of ``x ** p``, times the
window size.  Fractional max pooling places its windows by PyTorch's interval
rule from a random sample per plane; max unpooling writes each value back at
its index.
"""
from __future__ import annotations

import math

from ..._backend import xp
from ...functions.arguments import floating_only
from ...functions.pooling import (
    adaptive_avg_pool,
    adaptive_avg_pool1d,
    adaptive_max_pool,
    avg_pool,
    avg_pool1d,
    max_pool,
    max_pool1d_with_indices,
)
from ...functions.random import rand
from ...ops import pooling as pooling_ops
from ...tensor import Tensor

__all__ = [
    "max_pool1d", "max_pool2d", "max_pool3d", "max_pool1d_with_indices",
    "max_pool2d_with_indices", "max_pool3d_with_indices", "avg_pool1d", "avg_pool2d",
    "avg_pool3d", "adaptive_avg_pool1d", "adaptive_avg_pool2d", "adaptive_avg_pool3d",
    "adaptive_max_pool1d", "adaptive_max_pool2d", "adaptive_max_pool3d",
    "adaptive_max_pool1d_with_indices", "adaptive_max_pool2d_with_indices",
    "adaptive_max_pool3d_with_indices", "lp_pool1d", "lp_pool2d", "lp_pool3d",
    "fractional_max_pool2d", "fractional_max_pool3d", "fractional_max_pool2d_with_indices",
    "fractional_max_pool3d_with_indices", "max_unpool1d", "max_unpool2d", "max_unpool3d",
]


def max_pool1d(input: Tensor, kernel_size, stride=None, padding=0, dilation=1,
               ceil_mode: bool = False, return_indices: bool = False):
    """The maximum of each ``kernel_size`` window of a ``(N, C, L)`` or ``(C, L)`` input.

    >>> torch.nn.functional.max_pool1d(torch.tensor([[1., 3., 2., 0., 5.]]), 2, return_indices=True)
    (tensor([[3., 2.]]), tensor([[1, 2]]))
    """
    return max_pool1d_with_indices(input, kernel_size, stride, padding, dilation, ceil_mode,
                                   return_indices)


def max_pool2d(input: Tensor, kernel_size, stride=None, padding=0, dilation=1,
               ceil_mode: bool = False, return_indices: bool = False):
    """The maximum of each ``kernel_size`` window of a ``(N, C, H, W)`` or ``(C, H, W)`` input.

    ``ceil_mode=True`` keeps the last, partial windows; ``return_indices=True`` also returns
    where each maximum is, as a flat index into its ``H * W`` plane (int64).

    >>> x = torch.arange(16.).reshape(1, 1, 4, 4)
    >>> torch.nn.functional.max_pool2d(x, 2)
    tensor([[[[ 5.,  7.],
              [13., 15.]]]])
    >>> torch.nn.functional.max_pool2d(x, 3, stride=2, ceil_mode=True, return_indices=True)
    (tensor([[[[10., 11.],
              [14., 15.]]]]), tensor([[[[10, 11],
              [14, 15]]]]))
    """
    return max_pool("max_pool2d", input, 2, kernel_size, stride, padding, dilation, ceil_mode,
                    return_indices)


def max_pool3d(input: Tensor, kernel_size, stride=None, padding=0, dilation=1,
               ceil_mode: bool = False, return_indices: bool = False):
    """The maximum of each window of a ``(N, C, D, H, W)`` or ``(C, D, H, W)`` input; the
    indices are flat into each ``D * H * W`` volume.

    >>> torch.nn.functional.max_pool3d(torch.arange(8.).reshape(1, 2, 2, 2), 2,
    ...                                return_indices=True)
    (tensor([[[[7.]]]]), tensor([[[[7]]]]))
    """
    return max_pool("max_pool3d", input, 3, kernel_size, stride, padding, dilation, ceil_mode,
                    return_indices)


def max_pool2d_with_indices(input: Tensor, kernel_size, stride=None, padding=0, dilation=1,
                            ceil_mode: bool = False, return_indices: bool = True):
    """``max_pool2d`` returning ``(values, indices)``.

    >>> torch.nn.functional.max_pool2d_with_indices(torch.tensor([[[1., 3.], [2., 0.]]]), 2)
    (tensor([[[3.]]]), tensor([[[1]]]))
    """
    return max_pool2d(input, kernel_size, stride, padding, dilation, ceil_mode, True)


def max_pool3d_with_indices(input: Tensor, kernel_size, stride=None, padding=0, dilation=1,
                            ceil_mode: bool = False, return_indices: bool = True):
    """``max_pool3d`` returning ``(values, indices)``.

    >>> torch.nn.functional.max_pool3d_with_indices(torch.ones(1, 1, 1, 2), 1)[1]
    tensor([[[[0, 1]]]])
    """
    return max_pool3d(input, kernel_size, stride, padding, dilation, ceil_mode, True)


def avg_pool2d(input: Tensor, kernel_size, stride=None, padding=0, ceil_mode: bool = False,
               count_include_pad: bool = True, divisor_override: int | None = None) -> Tensor:
    """The mean of each ``kernel_size`` window of a ``(N, C, H, W)`` or ``(C, H, W)`` input.

    Padding counts as zeros unless ``count_include_pad=False``; ``divisor_override``
    divides every window's sum by that number instead.

    >>> x = torch.arange(16.).reshape(1, 1, 4, 4)
    >>> torch.nn.functional.avg_pool2d(x, 2)
    tensor([[[[ 2.5000,  4.5000],
              [10.5000, 12.5000]]]])
    >>> torch.nn.functional.avg_pool2d(x, 3, stride=2, padding=1, count_include_pad=False)
    tensor([[[[ 2.5000,  4.0000],
              [ 8.5000, 10.0000]]]])
    """
    return avg_pool("avg_pool2d", input, 2, kernel_size, stride, padding, ceil_mode,
                    count_include_pad, divisor_override)


def avg_pool3d(input: Tensor, kernel_size, stride=None, padding=0, ceil_mode: bool = False,
               count_include_pad: bool = True, divisor_override: int | None = None) -> Tensor:
    """The mean of each window of a ``(N, C, D, H, W)`` or ``(C, D, H, W)`` input.

    >>> torch.nn.functional.avg_pool3d(torch.arange(8.).reshape(1, 2, 2, 2), 2)
    tensor([[[[3.5000]]]])
    """
    return avg_pool("avg_pool3d", input, 3, kernel_size, stride, padding, ceil_mode,
                    count_include_pad, divisor_override)


def adaptive_avg_pool2d(input: Tensor, output_size) -> Tensor:
    """Average pooling to a fixed output size (bins as PyTorch cuts them; ``None`` keeps a
    dimension's size).

    >>> torch.nn.functional.adaptive_avg_pool2d(torch.arange(9.).reshape(1, 3, 3), 2)
    tensor([[[2., 3.],
             [5., 6.]]])
    """
    return adaptive_avg_pool("adaptive_avg_pool2d", input, 2, output_size)


def adaptive_avg_pool3d(input: Tensor, output_size) -> Tensor:
    """Average pooling of ``(N, C, D, H, W)`` or ``(C, D, H, W)`` to a fixed output size.

    >>> torch.nn.functional.adaptive_avg_pool3d(torch.ones(1, 2, 3, 4), (1, None, 2)).shape
    torch.Size([1, 1, 3, 2])
    """
    return adaptive_avg_pool("adaptive_avg_pool3d", input, 3, output_size)


def adaptive_max_pool1d(input: Tensor, output_size, return_indices: bool = False):
    """Max pooling of ``(N, C, L)`` or ``(C, L)`` to ``output_size`` bins.

    >>> torch.nn.functional.adaptive_max_pool1d(torch.tensor([[1., 3., 2., 0., 5.]]), 2)
    tensor([[3., 5.]])
    """
    if input.ndim not in (2, 3):
        raise RuntimeError(f"adaptive_max_pool1d(): Expected 2D or 3D tensor, but got: "
                           f"{list(input.shape)}")
    size = output_size[0] if isinstance(output_size, (tuple, list)) and len(output_size) == 1 \
        else output_size
    out = adaptive_max_pool("adaptive_max_pool2d", input.unsqueeze(-2), 2, (1, size),
                            return_indices)
    if return_indices:
        return out[0].squeeze(-2), out[1].squeeze(-2)
    return out.squeeze(-2)


def adaptive_max_pool2d(input: Tensor, output_size, return_indices: bool = False):
    """Max pooling of ``(N, C, H, W)`` or ``(C, H, W)`` to ``output_size`` bins (PyTorch's
    bins; ``None`` keeps that dimension's size).

    >>> x = torch.arange(9.).reshape(1, 3, 3)
    >>> torch.nn.functional.adaptive_max_pool2d(x, 2, return_indices=True)
    (tensor([[[4., 5.],
             [7., 8.]]]), tensor([[[4, 5],
             [7, 8]]]))
    """
    return adaptive_max_pool("adaptive_max_pool2d", input, 2, output_size, return_indices)


def adaptive_max_pool3d(input: Tensor, output_size, return_indices: bool = False):
    """Max pooling of ``(N, C, D, H, W)`` or ``(C, D, H, W)`` to ``output_size`` bins.

    >>> torch.nn.functional.adaptive_max_pool3d(torch.arange(8.).reshape(1, 2, 2, 2), 1)
    tensor([[[[7.]]]])
    """
    return adaptive_max_pool("adaptive_max_pool3d", input, 3, output_size, return_indices)


def adaptive_max_pool1d_with_indices(input: Tensor, output_size, return_indices: bool = True):
    """``adaptive_max_pool1d`` returning ``(values, indices)``.

    >>> torch.nn.functional.adaptive_max_pool1d_with_indices(torch.tensor([[0., 2.]]), 1)
    (tensor([[2.]]), tensor([[1]]))
    """
    return adaptive_max_pool1d(input, output_size, True)


def adaptive_max_pool2d_with_indices(input: Tensor, output_size, return_indices: bool = True):
    """``adaptive_max_pool2d`` returning ``(values, indices)``.

    >>> torch.nn.functional.adaptive_max_pool2d_with_indices(torch.tensor([[[0., 2.]]]), 1)
    (tensor([[[2.]]]), tensor([[[1]]]))
    """
    return adaptive_max_pool2d(input, output_size, True)


def adaptive_max_pool3d_with_indices(input: Tensor, output_size, return_indices: bool = True):
    """``adaptive_max_pool3d`` returning ``(values, indices)``.

    >>> torch.nn.functional.adaptive_max_pool3d_with_indices(torch.tensor([[[[0., 2.]]]]), 1)
    (tensor([[[[2.]]]]), tensor([[[[1]]]]))
    """
    return adaptive_max_pool3d(input, output_size, True)


def _lp_root(pooled: Tensor, norm_type: float, window: int) -> Tensor:
    """PyTorch's last steps of power-average pooling: the sum (mean times window) of the
    p-th powers, clamped at zero, to the power 1/p."""
    return (pooled.sign() * pooled.abs().relu()).mul(window).pow(1.0 / norm_type)


def _window(kernel_size, nd: int) -> int:
    return math.prod(kernel_size) if isinstance(kernel_size, (tuple, list)) \
        else kernel_size ** nd


def lp_pool1d(input: Tensor, norm_type: float, kernel_size: int, stride=None,
              ceil_mode: bool = False) -> Tensor:
    """Power-average pooling: ``(sum of x ** p over each window) ** (1 / p)``.

    >>> torch.nn.functional.lp_pool1d(torch.tensor([[3., 4., 1.]]), 2, 2, stride=1)
    tensor([[5.0000, 4.1231]])
    """
    pooled = avg_pool1d(input.pow(norm_type), kernel_size, stride if stride is not None else (),
                        0, ceil_mode)
    return _lp_root(pooled, norm_type, _window(kernel_size, 1))


def lp_pool2d(input: Tensor, norm_type: float, kernel_size, stride=None,
              ceil_mode: bool = False) -> Tensor:
    """Power-average pooling over 2-D windows.

    >>> torch.nn.functional.lp_pool2d(torch.ones(1, 2, 2), 1, 2)
    tensor([[[4.]]])
    """
    pooled = avg_pool2d(input.pow(norm_type), kernel_size, stride, 0, ceil_mode)
    return _lp_root(pooled, norm_type, _window(kernel_size, 2))


def lp_pool3d(input: Tensor, norm_type: float, kernel_size, stride=None,
              ceil_mode: bool = False) -> Tensor:
    """Power-average pooling over 3-D windows.

    >>> torch.nn.functional.lp_pool3d(torch.ones(1, 2, 2, 2), 2, 2)
    tensor([[[[2.8284]]]])
    """
    pooled = avg_pool3d(input.pow(norm_type), kernel_size, stride, 0, ceil_mode)
    return _lp_root(pooled, norm_type, _window(kernel_size, 3))


def _fractional_starts(samples, n_in: int, n_out: int, k: int):
    """PyTorch's interval rule: the first cell of each of ``n_out`` windows of ``k`` cells
    over ``n_in`` cells, from a sample in [0, 1) per plane (computed in the samples' float
    type, as PyTorch's kernel does, so the same windows come out)."""
    starts = xp.empty(samples.shape + (n_out,), dtype=xp.int64)
    if n_out > 1:
        ftype = samples.dtype.type
        alpha = ftype(n_in - k) / ftype(n_out - 1)
        i = xp.arange(n_out - 1).astype(samples.dtype)
        starts[..., :-1] = ((i + samples[..., None]) * alpha).astype(xp.int64) \
            - (samples * alpha).astype(xp.int64)[..., None]
    starts[..., -1] = n_in - k
    return starts


def _fractional(name: str, nd: int, input: Tensor, kernel_size, output_size, output_ratio,
                return_indices: bool, samples):
    """Fractional max pooling over the last ``nd`` dimensions (Graham, 2014)."""
    kernel = tuple(kernel_size) if isinstance(kernel_size, (tuple, list)) \
        else (kernel_size,) * nd
    if output_size is None and output_ratio is None:
        raise ValueError(f"{name} requires specifying either an output_size or an output_ratio")
    if input.ndim not in (nd + 1, nd + 2):
        raise RuntimeError(f"{name}(): Expected {nd + 1}D or {nd + 2}D tensor, but got: "
                           f"{list(input.shape)}")
    spatial = input.shape[-nd:]
    if output_size is None:
        ratio = tuple(output_ratio) if isinstance(output_ratio, (tuple, list)) \
            else (output_ratio,) * nd
        output_size = tuple(int(n * r) for n, r in zip(spatial, ratio))
    size = tuple(output_size) if isinstance(output_size, (tuple, list)) \
        else (output_size,) * nd
    floating_only("fractional_max_pool", input)
    unbatched = input.ndim == nd + 1
    n, c = (1, input.shape[0]) if unbatched else input.shape[:2]
    for axis, n_in, o, k in zip(("time", "height", "width")[3 - nd:], spatial, size, kernel):
        if o + k - 1 > n_in:
            raise RuntimeError(f"{name}(): pool {axis} {k} too large relative to input "
                               f"{axis} {n_in}")
    if samples is None:
        samples = rand(n, c, nd, dtype=input.dtype)
    elif samples.dtype is not input.dtype:
        raise RuntimeError("Expect _random_samples to have the same dtype as input")
    elif tuple(samples.shape) != (n, c, nd):
        raise RuntimeError(f"Expect _random_samples.size(2) equals to {nd}; got "
                           f"{samples.shape[-1]}.")
    s = samples._data[0] if unbatched else samples._data  # one sample per plane
    # PyTorch's sample order: width then height in 2-D, time, height, width in 3-D
    per_axis = (s[..., 1], s[..., 0]) if nd == 2 else (s[..., 0], s[..., 1], s[..., 2])
    positions = [_fractional_starts(sample, n_in, o, k)[..., None] + xp.arange(k)
                 for sample, n_in, o, k in zip(per_axis, spatial, size, kernel)]
    index = Tensor._make(pooling_ops.max_at_positions(input._data, positions))
    row = pooling_ops.fractional_max_pool2d if nd == 2 else pooling_ops.fractional_max_pool3d
    out = row(input, index, nd)
    return (out, index) if return_indices else out


def fractional_max_pool2d(input: Tensor, kernel_size, output_size=None, output_ratio=None,
                          return_indices: bool = False, _random_samples=None):
    """Fractional max pooling of ``(N, C, H, W)`` or ``(C, H, W)``: windows of
    ``kernel_size`` placed at pseudo-random, overlapping intervals that give
    ``output_size`` (or ``output_ratio`` times the input's size) outputs.

    >>> x = torch.arange(25.).reshape(1, 1, 5, 5)
    >>> samples = torch.tensor([[[0.5, 0.5]]])
    >>> torch.nn.functional.fractional_max_pool2d(x, 2, output_size=2, _random_samples=samples)
    tensor([[[[ 6.,  9.],
              [21., 24.]]]])
    """
    return _fractional("fractional_max_pool2d", 2, input, kernel_size, output_size,
                       output_ratio, return_indices, _random_samples)


def fractional_max_pool3d(input: Tensor, kernel_size, output_size=None, output_ratio=None,
                          return_indices: bool = False, _random_samples=None):
    """Fractional max pooling of ``(N, C, D, H, W)`` or ``(C, D, H, W)``.

    >>> x = torch.arange(27.).reshape(1, 1, 3, 3, 3)
    >>> torch.nn.functional.fractional_max_pool3d(x, 2, output_size=1).flatten()
    tensor([26.])
    """
    return _fractional("fractional_max_pool3d", 3, input, kernel_size, output_size,
                       output_ratio, return_indices, _random_samples)


def fractional_max_pool2d_with_indices(input: Tensor, kernel_size, output_size=None,
                                       output_ratio=None, return_indices: bool = False,
                                       _random_samples=None):
    """``fractional_max_pool2d`` returning ``(values, indices)``.

    >>> x = torch.arange(4.).reshape(1, 1, 2, 2)
    >>> torch.nn.functional.fractional_max_pool2d_with_indices(x, 2, output_size=1)[1]
    tensor([[[[3]]]])
    """
    return fractional_max_pool2d(input, kernel_size, output_size, output_ratio, True,
                                 _random_samples)


def fractional_max_pool3d_with_indices(input: Tensor, kernel_size, output_size=None,
                                       output_ratio=None, return_indices: bool = False,
                                       _random_samples=None):
    """``fractional_max_pool3d`` returning ``(values, indices)``.

    >>> x = torch.arange(8.).reshape(1, 1, 2, 2, 2)
    >>> torch.nn.functional.fractional_max_pool3d_with_indices(x, 2, output_size=1)[1]
    tensor([[[[[7]]]]])
    """
    return fractional_max_pool3d(input, kernel_size, output_size, output_ratio, True,
                                 _random_samples)


def _unpool_size(input: Tensor, nd: int, kernel, stride, padding, output_size) -> tuple:
    """PyTorch's output size of a max unpooling, and its check of a requested one."""
    spatial = input.shape[-nd:]
    default = [(n - 1) * s - 2 * p + k for n, s, p, k in zip(spatial, stride, padding, kernel)]
    if output_size is None:
        return tuple(default)
    size = list(output_size)
    if len(size) == nd + 2 or len(size) == nd + 1 and input.ndim == nd + 1:
        size = size[-nd:]
    if len(size) != nd:
        raise ValueError(f"output_size should be a sequence containing {nd} or {nd + 2} "
                         f"elements, but it has a length of '{len(size)}'")
    for d, (want, base, s) in enumerate(zip(size, default, stride)):
        if not base - s < want < base + s:
            raise ValueError(f'invalid output_size "{tuple(size)}" (dim {d} must be between '
                             f"{base - s} and {base + s})")
    return tuple(int(v) for v in size)


def _unpool(name: str, nd: int, input: Tensor, indices: Tensor, kernel_size, stride, padding,
            output_size):
    """Max unpooling over the last ``nd`` (2 or 3) dimensions."""
    sizes = [tuple(v) if isinstance(v, (tuple, list)) else (v,) * nd
             for v in (kernel_size, kernel_size if stride is None else stride, padding)]
    kernel, stride, padding = sizes
    size = _unpool_size(input, nd, kernel, stride, padding, output_size)
    if indices.dtype.name != "int64":
        raise RuntimeError(f"elements in indices should be type int64 but got: "
                           f"{indices.dtype.scalar_name}")
    if tuple(indices.shape) != tuple(input.shape):
        raise RuntimeError(f"Expected shape of indices to be same as that of the input tensor "
                           f"({list(input.shape)}) but got indices tensor with shape: "
                           f"{list(indices.shape)}")
    floating_only(name, input)
    plane = math.prod(size)
    bad = indices._data[(indices._data < 0) | (indices._data >= plane)]
    if bad.size:
        raise RuntimeError(f"Found an invalid max index: {int(bad.flat[0])} (output volumes "
                           f"are of size {'x'.join(map(str, size))})")
    row = pooling_ops.max_unpool2d if nd == 2 else pooling_ops.max_unpool3d
    return row(input, indices, size)


def max_unpool1d(input: Tensor, indices: Tensor, kernel_size, stride=None, padding=0,
                 output_size=None) -> Tensor:
    """The inverse of ``max_pool1d``: each value written back at its index, zeros elsewhere.

    >>> values, indices = torch.nn.functional.max_pool1d(torch.tensor([[1., 3., 2., 0.]]), 2,
    ...                                                 return_indices=True)
    >>> torch.nn.functional.max_unpool1d(values, indices, 2)
    tensor([[0., 3., 2., 0.]])
    """
    size = None if output_size is None else (1, *list(output_size)[-1:])
    return _unpool("max_unpool2d", 2, input.unsqueeze(-2), indices.unsqueeze(-2),
                   (1, *_single(kernel_size)),
                   (1, *_single(kernel_size if stride is None else stride)),
                   (0, *_single(padding)), size).squeeze(-2)


def _single(v) -> tuple:
    return tuple(v) if isinstance(v, (tuple, list)) else (v,)


def max_unpool2d(input: Tensor, indices: Tensor, kernel_size, stride=None, padding=0,
                 output_size=None) -> Tensor:
    """The inverse of ``max_pool2d`` (with ``return_indices=True``): each value written
    back at its index into an ``output_size`` plane of zeros.

    >>> x = torch.tensor([[[[1., 2.], [3., 4.]]]])
    >>> values, indices = torch.nn.functional.max_pool2d(x, 2, return_indices=True)
    >>> torch.nn.functional.max_unpool2d(values, indices, 2)
    tensor([[[[0., 0.],
              [0., 4.]]]])
    """
    return _unpool("max_unpool2d", 2, input, indices, kernel_size, stride, padding, output_size)


def max_unpool3d(input: Tensor, indices: Tensor, kernel_size, stride=None, padding=0,
                 output_size=None) -> Tensor:
    """The inverse of ``max_pool3d`` (with ``return_indices=True``).

    >>> x = torch.arange(8.).reshape(1, 1, 2, 2, 2)
    >>> values, indices = torch.nn.functional.max_pool3d(x, 2, return_indices=True)
    >>> torch.nn.functional.max_unpool3d(values, indices, 2).flatten()
    tensor([0., 0., 0., 0., 0., 0., 0., 7.])
    """
    return _unpool("max_unpool3d", 3, input, indices, kernel_size, stride, padding, output_size)
