"""Integration of sampled values by the trapezoidal rule: ``trapezoid`` (and its older name
``trapz``) and ``cumulative_trapezoid``.

Built from other operations in PyTorch's own order (so the nodes are PyTorch's):
with sample spacings ``dx``, the integral along ``dim`` is the sum of
``dx * (y[i] + y[i+1]) / 2``, or, for a constant spacing, ``(sum(y) - (y[0] + y[-1]) / 2) * dx``.
"""
from __future__ import annotations

from .._shapes import wrap_dim
from ..tensor import Tensor
from .reduction import cumsum

__all__ = ["trapezoid", "trapz", "cumulative_trapezoid"]


def _spacings(y: Tensor, x: Tensor, dim: int, name: str) -> Tensor:
    """The differences of ``x`` along ``dim``, shaped to broadcast against ``y``'s."""
    if x.dtype.name == "bool":
        raise RuntimeError(f"{name}: received a bool input for `x` or `y`, but bool is not "
                           "supported")
    if x.ndim == 1:
        if x.shape[0] != y.shape[dim]:
            raise RuntimeError(f"{name}: There must be one `x` value for each sample point. "
                               f"Fix: x has {x.shape[0]} values, y has {y.shape[dim]} along dim "
                               f"{dim}.")
        shape = [1] * y.ndim
        shape[dim] = x.shape[0]
        x = x.view(shape)
    elif x.ndim < y.ndim:
        x = x.view((1,) * (y.ndim - x.ndim) + tuple(x.shape))
    return x.narrow(dim, 1, x.shape[dim] - 1) - x.narrow(dim, 0, x.shape[dim] - 1)


def _check(y: Tensor, x, dx, dim: int, name: str) -> int:
    if not isinstance(y, Tensor):
        raise TypeError(f"{name}(): argument 'y' (position 1) must be Tensor, not "
                        f"{type(y).__name__}")
    if x is not None and dx is not None:
        raise TypeError(f"{name}() received an invalid combination of arguments - got both x "
                        "and dx. Fix: pass sample points x or a constant spacing dx, not both.")
    if isinstance(dx, bool) or isinstance(dx, complex):
        raise RuntimeError(f"{name}: Currently, we only support dx as a real number.")
    if y.dtype.name == "bool":
        raise RuntimeError(f"{name}: received a bool input for `y`, but bool is not supported")
    return wrap_dim(dim, y.ndim)


def trapezoid(y: Tensor, x: Tensor | None = None, *, dx: float | None = None,
              dim: int = -1) -> Tensor:
    """The integral of ``y`` along ``dim`` by the trapezoidal rule, at sample points ``x``
    (or equally spaced ``dx`` apart, 1 by default).

    >>> torch.trapezoid(torch.tensor([1., 2., 3.]))
    tensor(4.)
    >>> torch.trapezoid(torch.tensor([1., 2., 3.]), torch.tensor([0., 1., 3.]))
    tensor(6.5000)
    """
    dim = _check(y, x, dx, dim, "trapezoid")
    if y.shape[dim] == 0:  # no samples: 0, as NumPy
        shape = tuple(n for d, n in enumerate(y.shape) if d != dim)
        return y.new_zeros(shape)
    if x is None:
        dx = 1.0 if dx is None else float(dx)
        ends = y.select(dim, 0) + y.select(dim, -1)
        return (y.sum(dim) - ends * 0.5) * dx
    spacing = _spacings(y, x, dim, "trapezoid")
    pairs = y.narrow(dim, 1, y.shape[dim] - 1) + y.narrow(dim, 0, y.shape[dim] - 1)
    return (spacing * pairs).sum(dim) / 2.0


def trapz(y: Tensor, x: Tensor | None = None, *, dx: float | None = None,
          dim: int = -1) -> Tensor:
    """``trapezoid``'s older name.

    >>> torch.trapz(torch.tensor([1., 2., 3.]), dx=0.5)
    tensor(2.)
    """
    return trapezoid(y, x, dx=dx, dim=dim)


def cumulative_trapezoid(y: Tensor, x: Tensor | None = None, *, dx: float | None = None,
                         dim: int = -1) -> Tensor:
    """The running integral of ``y`` along ``dim`` by the trapezoidal rule (one value less
    than ``y`` has samples).

    >>> torch.cumulative_trapezoid(torch.tensor([1., 2., 3.]))
    tensor([1.5000, 4.0000])
    """
    dim = _check(y, x, dx, dim, "cumulative_trapezoid")
    n = y.shape[dim]
    pairs = y.narrow(dim, 0, max(n - 1, 0)) + y.narrow(dim, min(1, n), max(n - 1, 0))
    if x is None:
        spacing = 1.0 if dx is None else float(dx)
        return cumsum(spacing / 2.0 * pairs, dim)
    return cumsum(_spacings(y, x, dim, "cumulative_trapezoid") * pairs, dim) / 2.0
