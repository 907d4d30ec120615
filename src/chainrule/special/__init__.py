"""``torch.special``: PyTorch's special functions (loaded on first use of
``chainrule.special``).

Where PyTorch's name is an alias of a ``torch.*`` function (``expit`` is ``sigmoid``,
``gammaln`` is ``lgamma``, ``psi`` is ``digamma``, ``gammainc`` is ``igamma``,
``multigammaln`` is ``mvlgamma``, ...), it is the same function here.  The others are rows
of ``ops/special_functions.py`` computed by ``_special_math``; ``ndtr`` is composed as in
PyTorch (``(1 + erf(x / sqrt 2)) / 2``, with its graph).  The Bessel functions ``bessel_j*``,
``bessel_y*``, ``modified_bessel_k*``, ``scaled_modified_bessel_k*`` and ``airy_ai`` need
SciPy (an optional dependency: ``pip install scipy``); everything else is NumPy only.
"""
from __future__ import annotations

import math

from ..functions.out import out_variant
from ..functions.pointwise import (
    digamma,
    erf,
    erfc,
    erfinv,
    exp2,
    expm1,
    log1p,
    logit,
    round,
    sigmoid,
    sinc,
    xlogy,
)
from ..functions.pointwise import lgamma as gammaln
from ..functions.reduction import log_softmax, logsumexp, softmax
from ..functions.special import i0, polygamma
from ..functions.special import igamma as gammainc
from ..functions.special import igammac as gammaincc
from ..functions.special import mvlgamma as multigammaln
from ..ops import special as special_ops
from ..ops import special_functions as special_function_ops
from ..tensor import Tensor
from ._generated import binary_function, polynomial, unary_function

psi = digamma
expit = sigmoid

__all__ = [
    "airy_ai", "bessel_j0", "bessel_j1", "bessel_y0", "bessel_y1", "chebyshev_polynomial_t",
    "chebyshev_polynomial_u", "chebyshev_polynomial_v", "chebyshev_polynomial_w", "digamma",
    "entr", "erf", "erfc", "erfcx", "erfinv", "exp2", "expit", "expm1", "gammainc", "gammaincc",
    "gammaln", "hermite_polynomial_h", "hermite_polynomial_he", "i0", "i0e", "i1", "i1e",
    "laguerre_polynomial_l", "legendre_polynomial_p", "log1p", "log_ndtr", "log_softmax",
    "logit", "logsumexp", "modified_bessel_i0", "modified_bessel_i1", "modified_bessel_k0",
    "modified_bessel_k1", "multigammaln", "ndtr", "ndtri", "polygamma", "psi", "round",
    "scaled_modified_bessel_k0", "scaled_modified_bessel_k1", "shifted_chebyshev_polynomial_t",
    "shifted_chebyshev_polynomial_u", "shifted_chebyshev_polynomial_v",
    "shifted_chebyshev_polynomial_w", "sinc", "softmax", "spherical_bessel_j0", "xlog1py",
    "xlogy", "zeta",
]

_ops = special_function_ops
entr = unary_function(_ops.entr, "entr", "0 at 0, ``-x log x`` above, -inf below 0", "0.5")
erfcx = unary_function(_ops.erfcx, "erfcx", "the scaled complementary error function "
                       "``exp(x^2) erfc(x)``", "1.0")
i0e = unary_function(special_ops.i0e, "i0e", "``exp(-|x|) I0(x)``", "1.0")
i1 = unary_function(special_ops.i1, "i1", "the modified Bessel function of the first kind "
                    "of order 1", "1.0")
i1e = unary_function(special_ops.i1e, "i1e", "``exp(-|x|) I1(x)``", "1.0")
log_ndtr = unary_function(_ops.log_ndtr, "log_ndtr", "the log of the standard normal "
                          "distribution function", "-1.0")
ndtri = unary_function(_ops.ndtri, "ndtri", "the inverse of the standard normal "
                       "distribution function", "0.975")
bessel_j0 = unary_function(_ops.bessel_j0, "bessel_j0", "the Bessel function of the first "
                           "kind of order 0 (SciPy)", "1.0")
bessel_j1 = unary_function(_ops.bessel_j1, "bessel_j1", "the Bessel function of the first "
                           "kind of order 1 (SciPy)", "1.0")
bessel_y0 = unary_function(_ops.bessel_y0, "bessel_y0", "the Bessel function of the second "
                           "kind of order 0 (SciPy)", "1.0")
bessel_y1 = unary_function(_ops.bessel_y1, "bessel_y1", "the Bessel function of the second "
                           "kind of order 1 (SciPy)", "1.0")
modified_bessel_i0 = unary_function(_ops.modified_bessel_i0, "modified_bessel_i0",
                                    "the modified Bessel function I0", "1.0")
modified_bessel_i1 = unary_function(_ops.modified_bessel_i1, "modified_bessel_i1",
                                    "the modified Bessel function I1", "1.0")
modified_bessel_k0 = unary_function(_ops.modified_bessel_k0, "modified_bessel_k0",
                                    "the modified Bessel function K0 (SciPy)", "1.0")
modified_bessel_k1 = unary_function(_ops.modified_bessel_k1, "modified_bessel_k1",
                                    "the modified Bessel function K1 (SciPy)", "1.0")
scaled_modified_bessel_k0 = unary_function(
    _ops.scaled_modified_bessel_k0, "scaled_modified_bessel_k0", "``exp(x) K0(x)`` (SciPy)",
    "1.0")
scaled_modified_bessel_k1 = unary_function(
    _ops.scaled_modified_bessel_k1, "scaled_modified_bessel_k1", "``exp(x) K1(x)`` (SciPy)",
    "1.0")
airy_ai = unary_function(_ops.airy_ai, "airy_ai", "the Airy function Ai (SciPy)", "0.0")
spherical_bessel_j0 = unary_function(_ops.spherical_bessel_j0, "spherical_bessel_j0",
                                     "the spherical Bessel function ``sin(x) / x``", "0.0")
xlog1py = binary_function(_ops.xlog1py, "xlog1py", "``input * log1p(other)``, 0 where "
                          "``input`` is 0 (unless ``other`` is NaN)", "2.0", "1.0")
zeta = binary_function(_ops.zeta, "zeta", "the Hurwitz zeta function "
                       "``sum_k (other + k)^-input``; differentiable in ``other`` only",
                       "2.0", "1.0")

chebyshev_polynomial_t = polynomial(_ops.chebyshev_polynomial_t, "chebyshev_polynomial_t",
                                    "Chebyshev polynomial of the first kind")
chebyshev_polynomial_u = polynomial(_ops.chebyshev_polynomial_u, "chebyshev_polynomial_u",
                                    "Chebyshev polynomial of the second kind")
chebyshev_polynomial_v = polynomial(_ops.chebyshev_polynomial_v, "chebyshev_polynomial_v",
                                    "Chebyshev polynomial of the third kind")
chebyshev_polynomial_w = polynomial(_ops.chebyshev_polynomial_w, "chebyshev_polynomial_w",
                                    "Chebyshev polynomial of the fourth kind")
shifted_chebyshev_polynomial_t = polynomial(
    _ops.shifted_chebyshev_polynomial_t, "shifted_chebyshev_polynomial_t", "``T_n(2x - 1)``")
shifted_chebyshev_polynomial_u = polynomial(
    _ops.shifted_chebyshev_polynomial_u, "shifted_chebyshev_polynomial_u", "``U_n(2x - 1)``")
shifted_chebyshev_polynomial_v = polynomial(
    _ops.shifted_chebyshev_polynomial_v, "shifted_chebyshev_polynomial_v", "``V_n(2x - 1)``")
shifted_chebyshev_polynomial_w = polynomial(
    _ops.shifted_chebyshev_polynomial_w, "shifted_chebyshev_polynomial_w", "``W_n(2x - 1)``")
hermite_polynomial_h = polynomial(_ops.hermite_polynomial_h, "hermite_polynomial_h",
                                  "physicists' Hermite polynomial (NaN for n > 512)")
hermite_polynomial_he = polynomial(_ops.hermite_polynomial_he, "hermite_polynomial_he",
                                   "probabilists' Hermite polynomial (NaN for n > 512)")
laguerre_polynomial_l = polynomial(_ops.laguerre_polynomial_l, "laguerre_polynomial_l",
                                   "Laguerre polynomial")
legendre_polynomial_p = polynomial(_ops.legendre_polynomial_p, "legendre_polynomial_p",
                                   "Legendre polynomial")


def ndtr(input: Tensor, *, out=None) -> Tensor:
    """The standard normal distribution function, composed as PyTorch composes it
    (``(1 + erf(x / sqrt 2)) * 0.5``: the same graph, and 0 below about -8.3).  With
    ``out=``, as PyTorch's composite, the result is copied in (``CopyBackwards``), so
    inputs may require grad.

    >>> torch.special.ndtr(torch.tensor([0., 1.96]))
    tensor([0.5000, 0.9750])
    """
    if not isinstance(input, Tensor):
        raise TypeError(f"special_ndtr(): argument 'input' (position 1) must be Tensor, not "
                        f"{type(input).__name__}")
    result = _ops.mul_scalar(_ops.add_scalar(erf(_ops.mul_scalar(input, math.sqrt(0.5))), 1),
                             0.5)
    if out is None:
        return result
    _written(result.detach(), out=out)  # out's resizing and dtype rules, then the values
    if result.requires_grad:
        out.copy_(result)
    return out


@out_variant(name="special_ndtr")
def _written(result: Tensor) -> Tensor:
    return result
