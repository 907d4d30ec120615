"""The special functions of the ``torch.*`` namespace beyond ``lgamma``/``digamma``/``erfc``
(those are in ``pointwise``): ``i0``, ``igamma``/``igammac``, ``polygamma``, ``mvlgamma``.
``torch.special``'s own functions are in the ``chainrule.special`` package.
"""
from __future__ import annotations

from ..ops import special as special_ops
from ..tensor import Tensor
from .out import out_variant

__all__ = ["i0", "igamma", "igammac", "polygamma", "mvlgamma"]


@out_variant()
def i0(input: Tensor) -> Tensor:
    """The modified Bessel function of the first kind of order 0.

    >>> torch.i0(torch.tensor([0., 1.]))
    tensor([1.0000, 1.2661])
    """
    return special_ops.i0(_tensor(input, "i0", "input", 1))


def _tensor(value, function: str, name: str, position: int) -> Tensor:
    if not isinstance(value, Tensor):
        raise TypeError(f"{function}(): argument '{name}' (position {position}) must be Tensor, "
                        f"not {type(value).__name__}. Fix: pass torch.tensor(...).")
    return value


def _pair(input, other, function: str):
    return _tensor(input, function, "input", 1), _tensor(other, function, "other", 2)


@out_variant()
def igamma(input: Tensor, other: Tensor) -> Tensor:
    """The regularised lower incomplete gamma function ``P(input, other)``; differentiable in
    ``other`` only (PyTorch has no derivative in ``input``: backward raises there).

    >>> torch.igamma(torch.tensor([1.]), torch.tensor([1.]))  # 1 - 1/e
    tensor([0.6321])
    """
    return special_ops.igamma(*_pair(input, other, "igamma"))


@out_variant()
def igammac(input: Tensor, other: Tensor) -> Tensor:
    """The regularised upper incomplete gamma function ``Q = 1 - P``.

    >>> torch.igammac(torch.tensor([1.]), torch.tensor([1.]))  # 1/e
    tensor([0.3679])
    """
    return special_ops.igammac(*_pair(input, other, "igammac"))


@out_variant()
def polygamma(n: int, input: Tensor) -> Tensor:
    """The n-th derivative of ``digamma`` (``polygamma(0, x)`` is ``digamma(x)``).

    >>> torch.polygamma(1, torch.tensor([1.]))  # pi^2 / 6
    tensor([1.6449])
    """
    if not isinstance(n, int) or isinstance(n, bool):
        raise TypeError(f"polygamma(): argument 'n' (position 1) must be int, not "
                        f"{type(n).__name__}")
    if n < 0:
        raise RuntimeError("polygamma(n, x) does not support negative n. "
                           "Fix: n is the order of the derivative of digamma, 0 or more.")
    return special_ops.polygamma(_tensor(input, "polygamma", "input", 2), n)


@out_variant()
def mvlgamma(input: Tensor, p: int) -> Tensor:
    """The multivariate log-gamma function of dimension ``p``:
    ``p (p - 1) / 4 log(pi) + sum_j lgamma(input - j / 2)`` for j < p (NaN or inf where
    ``input <= (p - 1) / 2``, as in PyTorch, which no longer checks the domain).

    >>> torch.mvlgamma(torch.tensor([2.5]), 2)
    tensor([0.8570])
    """
    input = _tensor(input, "mvlgamma", "input", 1)
    if p < 1:
        raise RuntimeError("p has to be greater than or equal to 1")
    return special_ops.mvlgamma(input, p)
