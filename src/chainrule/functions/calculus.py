"""``torch.gradient``: derivatives of sampled values by finite differences.

Central differences inside, one-sided differences of first or second order at the
two ends, on a uniform grid (one spacing per dimension) or at given coordinates
(second-order accurate for uneven steps too).  Composed of slices, arithmetic and
``cat``, as PyTorch composes it (its ``grad_fn`` is ``CatBackward0`` too), so it is
differentiable.
"""
from __future__ import annotations

from .. import _dtypes
from .._shapes import wrap_dim
from ..ops import pointwise as pointwise_ops
from ..tensor import Tensor
from .joining import cat
from .shape import narrow, reshape

__all__ = ["gradient"]


def _piece(t, dim: int, start: int, stop: int | None = None):
    """``t``'s slice ``start:stop`` along ``dim`` (negative positions count from the end)."""
    n = t.shape[dim]
    start = start % n if start < 0 else start
    stop = n if stop is None else (stop % n if stop < 0 else stop)
    return narrow(t, dim, start, stop - start)


def _uniform(t, dim: int, h, edge_order: int):
    # PyTorch's gradient_helper_float: products and quotients by numbers (MulBackward1 and
    # DivBackward1 nodes), then cat
    def piece(*bounds):
        return _piece(t, dim, *bounds)
    center = pointwise_ops.div_scalar(piece(2) - piece(0, -2), h)
    if edge_order == 1:
        first = pointwise_ops.div_scalar(piece(1, 2) - piece(0, 1), h)
        last = pointwise_ops.div_scalar(piece(-1) - piece(-2, -1), h)
    else:
        first = pointwise_ops.div_scalar(
            pointwise_ops.mul_scalar(piece(0, 1), -1.5) + pointwise_ops.mul_scalar(piece(1, 2), 2)
            - pointwise_ops.mul_scalar(piece(2, 3), 0.5), h)
        last = pointwise_ops.div_scalar(
            pointwise_ops.mul_scalar(piece(-3, -2), 0.5)
            + pointwise_ops.mul_scalar(piece(-2, -1), -2)
            + pointwise_ops.mul_scalar(piece(-1), 1.5), h)
    return cat([first, pointwise_ops.div_scalar(center, 2), last], dim)


def _coordinates(t, dim: int, x, edge_order: int):
    # PyTorch's gradient_helper, term by term, so that the graph is PyTorch's
    def piece(*bounds):
        return _piece(t, dim, *bounds)
    dx = x[1:] - x[:-1]
    left, right = dx[:-1], dx[1:]
    shape = [1] * t.ndim
    shape[dim] = -1
    a = reshape(-right / (left * (left + right)), shape)
    b = reshape((right - left) / (left * right), shape)
    c = reshape(left / (right * (left + right)), shape)
    center = a * piece(0, -2) + b * piece(1, -1) + c * piece(2)
    if edge_order == 1:
        first = (piece(1, 2) - piece(0, 1)) / dx[0]
        last = (piece(-1) - piece(-2, -1)) / dx[-1]
    else:
        d0, d1 = dx[0], dx[1]
        a = -(pointwise_ops.mul_scalar(d0, 2.0) + d1) / (d0 * (d0 + d1))
        b = (d0 + d1) / (d0 * d1)
        c = (-d0) / (d1 * (d0 + d1))
        first = a * piece(0, 1) + b * piece(1, 2) + c * piece(2, 3)
        e0, e1 = dx[-1], dx[-2]
        a = e0 / (e1 * (e0 + e1))
        b = -(e0 + e1) / (e0 * e1)
        c = (pointwise_ops.mul_scalar(e0, 2) + e1) / (e0 * (e0 + e1))
        last = a * piece(-3, -2) + b * piece(-2, -1) + c * piece(-1)
    return cat([first, center, last], dim)


def _spacings(spacing, dims) -> list:
    if isinstance(spacing, Tensor) and spacing.ndim == 0:
        spacing = spacing.item()
    if isinstance(spacing, (int, float)):
        return [spacing] * len(dims)
    spacing = list(spacing)
    if len(spacing) != len(dims):
        raise RuntimeError(
            "torch.gradient expected spacing to be unspecified, a scalar or it's spacing and "
            "dim arguments to have the same length, but got a spacing argument of length "
            f"{len(spacing)} and a dim argument of length {len(dims)}.")
    kinds = {isinstance(s, Tensor) for s in spacing}
    if kinds == {True}:
        for s in spacing:
            if s.ndim != 1:
                raise RuntimeError("torch.gradient expected each element of spacing to have one "
                                   f"dimension, but got an element with {s.ndim} dimensions!")
    return spacing


def gradient(input, *, spacing=1, dim=None, edge_order: int = 1) -> tuple:
    """The derivative of ``input``'s values along each dimension in ``dim`` (all by default),
    by central differences inside and one-sided ones at the ends; ``spacing`` is the grid
    step (one number, one per dimension) or the coordinates (one 1-D tensor per dimension).

    >>> torch.gradient(torch.tensor([1., 4., 9., 16.]))
    (tensor([3., 4., 6., 7.]),)
    >>> torch.gradient(torch.tensor([1., 4., 9., 16.]), spacing=2., edge_order=2)
    (tensor([1., 2., 3., 4.]),)
    """
    if edge_order not in (1, 2):
        raise RuntimeError("torch.gradient only supports edge_order=1 and edge_order=2.")
    if input.dtype.name == "bool":
        raise RuntimeError("Subtraction, the `-` operator, with two bool tensors is not "
                           "supported. Use the `^` or `logical_xor()` operator instead.")
    if input.ndim == 0:
        return ()
    dims = list(range(input.ndim)) if dim is None else \
        [dim] if isinstance(dim, int) else list(dim)
    dims = [wrap_dim(d, input.ndim) for d in dims]
    for d in set(dims):
        if dims.count(d) > 1:
            raise RuntimeError(f"dim {d} appears multiple times in the list of dims")
    if any(input.shape[d] < edge_order + 1 for d in dims):
        raise RuntimeError("torch.gradient expected each dimension size to be at least "
                           "edge_order+1")
    if not input.dtype.is_floating_point:  # integers give the default float dtype
        input = input.to(_dtypes.get_default_dtype())
    out = []
    for d, s in zip(dims, _spacings(spacing, dims)):
        if isinstance(s, Tensor):
            out.append(_coordinates(input, d, s, edge_order))
        else:
            out.append(_uniform(input, d, s, edge_order))
    return tuple(out)
