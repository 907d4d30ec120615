"""The grid sampler rows: ``grid_sample`` as PyTorch records it, GridSampler2DBackward0
(4-D input) and GridSampler3DBackward0 (5-D).

Each output cell reads a few input cells (its taps: one for nearest, two per
dimension for bilinear, four per dimension for bicubic), found on the arrays
exactly as PyTorch's CPU kernels find them, and mixes them with weights that
are polynomials of each dimension's fraction (how far the source point lies
past its first cell).  The rules are tensor code:

- input: each output gradient added back into the cells it read, by the same
  weights (a scatter-add);
- grid: the cells' values times the weights' derivatives (the polynomials'
  slopes, times d fraction / d grid: the unnormalising scale and the padding
  mode's clip or reflection factor, PyTorch's multipliers).

Both are differentiable again (PyTorch's grid sampler has no second
derivative; here ``create_graph`` works), and the jvp is the same sum.
"""
from __future__ import annotations

import itertools
import math

from .._backend import xp
from ..engine.op import Op
from ..tensor import Tensor
from .pointwise import where
from .shape import stack
from .vision import CUBIC_A, cubic_weights

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


# --- the taps of one dimension --------------------------------------------------------

def _cubic_slopes(t) -> list:
    """The derivatives of ``cubic_weights(t)`` with respect to ``t``."""
    a = CUBIC_A

    def near(x):  # d/dx of ((a + 2) x - (a + 3)) x^2 + 1
        return (3 * (a + 2) * x - 2 * (a + 3)) * x

    def far(x):  # d/dx of ((a x - 5a) x + 8a) x - 4a
        return (3 * a * x - 10 * a) * x + 8 * a

    return [far(t + 1), near(t), -near(1 - t), -far(2 - t)]


def _dimension(coord: Tensor, size: int, mode: str, padding_mode: str, align_corners: bool,
               generic: bool):
    """One spatial dimension's taps: ``(positions, weights, slopes)``, a position array,
    a weight tensor and a d weight / d grid tensor per tap (weights and slopes None for
    nearest, whose weight is 1 and slope 0)."""
    x = _unnormalize(coord, size, align_corners)  # a tensor: it carries the grid's gradient
    x_array = x._data
    scale = (size - 1) / 2 if align_corners else size / 2  # d x / d grid
    if mode == "bicubic":  # the taps are padded one by one, the fraction is not
        base = xp.floor(x_array)
        fraction = x - Tensor._make(base)
        positions = [_padded(base + offset, size, padding_mode, align_corners, generic)[0]
                     for offset in (-1, 0, 1, 2)]
        slopes = [s * scale for s in _cubic_slopes(fraction)]
        return positions, cubic_weights(fraction), slopes
    padded, factor = _padded(x_array, size, padding_mode, align_corners, generic)
    if mode == "nearest":
        return [xp.rint(padded)], None, None
    # The padded coordinate as a tensor: its value, with the padding's derivative where it
    # moves with the grid, a constant where the padding pins it (even where x is NaN).
    moving = factor != 0
    offset = xp.where(moving, padded - x_array * factor, 0)
    padded_x = where(Tensor._make(moving), x * Tensor._make(factor) + Tensor._make(offset),
                     Tensor._make(padded))
    base = xp.floor(padded)
    fraction = padded_x - Tensor._make(base)
    slope = Tensor._make((scale * factor).astype(x_array.dtype))
    return [base, base + 1], [1 - fraction, fraction], [-slope, slope]


def _corners(grid: Tensor, sizes, mode: str, padding_mode: str, align_corners: bool,
             partials_too: bool = False):
    """Every combination of one tap per dimension: ``(flat, inside, weight, partials)``:
    the input cell read (flattened), whether it lies inside, the product of the weights,
    and (if asked for) its derivative along each grid coordinate (None for nearest)."""
    n, d = grid.shape[0], len(sizes)
    coords = grid.reshape(n, -1, d)
    generic = d == 3  # PyTorch's 3-D kernel treats NaN and inf otherwise than its 2-D one
    # the grid lists x (the last dimension) first
    dims = [_dimension(coords[..., d - 1 - k], size, mode, padding_mode, align_corners,
                       generic) for k, size in enumerate(sizes)]
    strides = [math.prod(sizes[k + 1:]) for k in range(d)]
    for choice in itertools.product(*(range(len(positions)) for positions, _, _ in dims)):
        inside = True
        flat = 0
        for (positions, _, _), i, size, stride in zip(dims, choice, sizes, strides):
            within = (positions[i] >= 0) & (positions[i] < size)
            inside = inside & within
            flat = flat + xp.where(within, positions[i], 0).astype(xp.int64) * stride
        if mode == "nearest":
            yield flat, inside, None, None
            continue
        factors = [weights[i] for (_, weights, _), i in zip(dims, choice)]
        partials = []
        for k in range(d if partials_too else 0):  # grid coordinate k: spatial dim d - 1 - k
            j = d - 1 - k
            partial = dims[j][2][choice[j]]
            for m in range(d):
                if m != j:
                    partial = partial * factors[m]
            partials.append(partial)
        weight = factors[0]
        for factor in factors[1:]:
            weight = weight * factor
        yield flat, inside, weight, partials


def _picked(input: Tensor, flat, inside) -> Tensor:
    """The input cells at ``flat`` (``(N, C, cells)``); a cell outside reads zero."""
    n, c = input.shape[:2]
    index = Tensor._make(xp.broadcast_to(flat[:, None, :], (n, c, flat.shape[1])))
    picked = input.reshape(n, c, -1).gather(2, index)
    # times the mask, not masked by where(): a NaN weight still gives NaN, as in PyTorch
    return picked * Tensor._make(inside[:, None, :].astype(picked._data.dtype))


def _sample(input: Tensor, grid: Tensor, mode, padding_mode, align_corners) -> Tensor:
    out = None
    for flat, inside, weight, _ in _corners(grid, input.shape[2:], mode, padding_mode,
                                             align_corners):
        term = _picked(input, flat, inside)
        term = term if weight is None else term * weight.unsqueeze(1)
        out = term if out is None else out + term
    return out.reshape(*input.shape[:2], *grid.shape[1:-1])


def _input_grad(grad, grid, mode, padding_mode, align_corners, input_shape) -> Tensor:
    n, c = input_shape[:2]
    grad = grad.reshape(n, c, -1)
    out = grad.new_zeros((n, c, math.prod(input_shape[2:])))
    for flat, inside, weight, _ in _corners(grid, input_shape[2:], mode, padding_mode,
                                             align_corners):
        index = Tensor._make(xp.broadcast_to(flat[:, None, :], grad.shape))
        weight = Tensor._make(inside.astype(grad._data.dtype)) if weight is None \
            else where(Tensor._make(inside), weight, 0.0)
        out = out.scatter_add(2, index, grad * weight.unsqueeze(1))
    return out.reshape(input_shape)


def _grid_grad(grad, input, grid, mode, padding_mode, align_corners) -> Tensor:
    if mode == "nearest":  # piecewise constant in the grid
        return grid.new_zeros(grid.shape)
    n, c = input.shape[:2]
    grad = grad.reshape(n, c, -1)
    parts = None
    for flat, inside, _, partials in _corners(grid, input.shape[2:], mode, padding_mode,
                                               align_corners, partials_too=True):
        seen = (grad * _picked(input, flat, inside)).sum(1)  # (N, cells)
        terms = [seen * partial for partial in partials]
        parts = terms if parts is None else [p + t for p, t in zip(parts, terms)]
    return stack(parts, -1).reshape(grid.shape)


def _grid_jvp(input_t, grid_t, input, grid, mode, padding_mode, align_corners) -> Tensor:
    out = _sample(input_t, grid, mode, padding_mode, align_corners)
    if mode == "nearest":
        return out
    n, c = input.shape[:2]
    directions = grid_t.reshape(n, -1, grid.shape[-1])
    moved = None
    for flat, inside, _, partials in _corners(grid, input.shape[2:], mode, padding_mode,
                                               align_corners, partials_too=True):
        rate = None
        for k, partial in enumerate(partials):
            term = partial * directions[..., k]
            rate = term if rate is None else rate + term
        term = _picked(input, flat, inside) * rate.unsqueeze(1)
        moved = term if moved is None else moved + term
    return out + moved.reshape(out.shape)


def _forward(input, grid, mode, padding_mode, align_corners):
    return _sample(Tensor._make(input), Tensor._make(grid), mode, padding_mode,
                   align_corners)._data


def _sampler(name: str) -> Op:
    return Op(name, _forward,
              input=lambda grad, grid, mode, padding_mode, align_corners, input_shape:
                  _input_grad(grad, grid, mode, padding_mode, align_corners, input_shape),
              grid=lambda grad, input, grid, mode, padding_mode, align_corners:
                  _grid_grad(grad, input, grid, mode, padding_mode, align_corners),
              jvp=lambda input_t, grid_t, input, grid, mode, padding_mode, align_corners:
                  _grid_jvp(input_t, grid_t, input, grid, mode, padding_mode, align_corners))


grid_sampler_2d = _sampler("GridSampler2DBackward0")
grid_sampler_3d = _sampler("GridSampler3DBackward0")
