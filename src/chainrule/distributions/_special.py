"""Incomplete gamma and beta functions with their derivatives in the shape parameter, and the
samplers whose gradients need them (implicit reparameterisation).

The incomplete gamma function's numerics are ``chainrule._special_math.gamma`` (shared with
``torch.special.gammainc``); here are the incomplete beta function and the custom
``autograd.Function``s for ``torch._standard_gamma`` (with ``_standard_gamma_grad``) and
``torch._sample_dirichlet`` (with ``_dirichlet_grad``), which chainrule's core lacks.

Why implicit gradients.  A Gamma(a) sample ``x`` cannot be written as a smooth function of
``a`` and parameter-free noise, but ``F(x; a) = u`` (the CDF at the sample is uniform) holds
for every ``a``; differentiating it gives ``dx/da = -(dF/da) / f(x; a)`` (Figurnov et al.,
"Implicit Reparameterization Gradients", 2018).  PyTorch approximates that ratio; here it is
computed to double precision from the series and continued fractions of the incomplete
gamma and beta functions (Numerical Recipes, sections 6.2 and 6.4), each differentiated term
by term in the shape parameter.
"""
from __future__ import annotations

import numpy as np

import chainrule as torch

from .._special_math.gamma import digamma, gamma_pieces, regularized_gamma
from .._special_math.iteration import Coefficients, continued_fraction
from ._random import standard_gamma


def standard_gamma_grad(concentration: np.ndarray, sample: np.ndarray) -> np.ndarray:
    """``dx/da`` for Gamma(a, 1) samples ``x`` (PyTorch's ``torch._standard_gamma_grad``).

    >>> from chainrule.distributions._special import standard_gamma_grad
    >>> standard_gamma_grad(np.array([1.0]), np.array([0.5]))
    array([0.80697912])
    """
    a = np.asarray(concentration, dtype=np.float64)
    x = np.asarray(sample, dtype=np.float64)
    a, x = np.broadcast_arrays(a, x)
    _, _, _, dx = gamma_pieces(a.ravel().copy(), x.ravel().copy())
    return dx.reshape(a.shape)


# --- the incomplete beta function I_x(p, q) -------------------------------------------------
def _beta_continued_fraction(p, q, y, wrt: str):
    """``CF = 1/(1 + d1/(1 + d2/(1 + ...)))`` with ``I_y(p, q) = y^p (1-y)^q CF / (p B(p, q))``
    (Numerical Recipes' betacf), and dCF/dp (``wrt='p'``) or dCF/dq (``wrt='q'``)."""
    def terms(n, p, q, y):
        m = n // 2
        if n % 2:  # d_{2m+1} = -(p+m)(p+q+m) y / ((p+2m)(p+2m+1))
            num, den = (p + m) * (p + q + m), (p + 2 * m) * (p + 2 * m + 1)
            d = -num * y / den
            if wrt == "p":
                dd = -y * ((2 * p + q + 2 * m) * den - num * (2 * p + 4 * m + 1)) / den ** 2
            else:
                dd = -y * (p + m) / den
        else:  # d_{2m} = m(q-m) y / ((p+2m-1)(p+2m))
            den = (p + 2 * m - 1) * (p + 2 * m)
            d = m * (q - m) * y / den
            if wrt == "p":
                dd = -d * (2 * p + 4 * m - 1) / den
            else:
                dd = m * y / den
        return d, dd, np.ones_like(p), np.zeros_like(p)

    E, dE = continued_fraction(np.ones_like(p), np.zeros_like(p),
                                Coefficients(terms, p=p, q=q, y=y))
    return 1 / E, -dE / E ** 2


def beta_sample_grad(x: np.ndarray, a: np.ndarray, b: np.ndarray) -> np.ndarray:
    """``dx/da`` (b held fixed) for Beta(a, b) samples ``x``: ``-(dI_x/da) / density``.

    >>> from chainrule.distributions._special import beta_sample_grad
    >>> beta_sample_grad(np.array([0.25]), np.array([1.0]), np.array([1.0]))  # -x log x
    array([0.34657359])
    """
    x, a, b = (np.asarray(v, dtype=np.float64) for v in (x, a, b))
    x, a, b = np.broadcast_arrays(x, a, b)
    shape = x.shape
    x, a, b = x.ravel().copy(), a.ravel().copy(), b.ravel().copy()
    out = np.empty_like(x)
    spread = digamma(a + b) - digamma(a)
    direct = x < (a + 1) / (a + b + 2)  # where the fraction converges fast
    if direct.any():
        xd, ad, bd = x[direct], a[direct], b[direct]
        CF, dCF = _beta_continued_fraction(ad, bd, xd, "p")
        out[direct] = -(xd * (1 - xd) / ad) * (
            CF * (np.log(xd) + spread[direct] - 1 / ad) + dCF)
    swapped = ~direct  # I_x(a, b) = 1 - I_{1-x}(b, a)
    if swapped.any():
        xs, as_, bs = x[swapped], a[swapped], b[swapped]
        CF, dCF = _beta_continued_fraction(bs, as_, 1 - xs, "q")
        out[swapped] = (xs * (1 - xs) / bs) * (CF * (np.log(xs) + spread[swapped]) + dCF)
    return out.reshape(shape)


def dirichlet_grad(x: np.ndarray, concentration: np.ndarray, total: np.ndarray) -> np.ndarray:
    """PyTorch's ``torch._dirichlet_grad``: for each component, ``dx_i/dalpha_i`` of its
    Beta(alpha_i, total - alpha_i) marginal, divided by ``1 - x_i``; the Dirichlet sample's
    Jacobian is then ``dx_j/dalpha_i = grad_i (delta_ij - x_j)``."""
    x = np.asarray(x, dtype=np.float64)
    tiny, eps = np.finfo(np.float64).tiny, np.finfo(np.float64).eps
    x = np.clip(x, tiny, 1 - eps)
    return beta_sample_grad(x, concentration, np.asarray(total) - concentration) / (1 - x)


# --- the autograd Functions ------------------------------------------------------------------
def _as_tensor_like(array: np.ndarray, like):
    return torch.from_numpy(np.ascontiguousarray(array, dtype=like.detach().numpy().dtype))


def _saved_sample(ctx, sample: np.ndarray, concentration):
    """``sample`` as a tensor of ``concentration``'s dtype, saved with it for backward."""
    result = _as_tensor_like(sample, concentration)
    ctx.save_for_backward(result, concentration)
    return result


class StandardGamma(torch.autograd.Function):
    """Gamma(concentration, 1) samples; backward: the implicit reparameterisation gradient."""

    @staticmethod
    def forward(ctx, concentration):
        return _saved_sample(ctx, standard_gamma(concentration), concentration)

    @staticmethod
    @torch.autograd.once_differentiable
    def backward(ctx, grad):
        sample, concentration = ctx.saved_tensors
        dx = standard_gamma_grad(concentration.detach().numpy(), sample.detach().numpy())
        return grad * _as_tensor_like(dx, sample)


class _Dirichlet(torch.autograd.Function):
    """Dirichlet(concentration) samples (normalised Gamma draws); backward: PyTorch's
    implicit reparameterisation gradient (``grad_i (g_i - sum_j x_j g_j)``).  Named as
    PyTorch's, so that its node is ``_DirichletBackward`` there too."""

    @staticmethod
    def forward(ctx, concentration):
        draws = standard_gamma(concentration)
        sample = draws / draws.sum(-1, keepdims=True)
        sample = np.maximum(sample, np.finfo(sample.dtype).tiny)
        return _saved_sample(ctx, sample, concentration)

    @staticmethod
    @torch.autograd.once_differentiable
    def backward(ctx, grad):
        x, concentration = ctx.saved_tensors
        alpha = concentration.detach().numpy()
        total = np.broadcast_to(alpha.sum(-1, keepdims=True), alpha.shape)
        local = _as_tensor_like(dirichlet_grad(x.detach().numpy(), alpha, total), x)
        return local * (grad - (x * grad).sum(-1, keepdim=True))


class RegularizedGamma(torch.autograd.Function):
    """``P(a, x)``, the regularised lower incomplete gamma function, differentiable in both
    arguments (PyTorch's ``gammainc`` has no derivative in ``a``; this one has)."""

    @staticmethod
    def forward(ctx, a, x):
        a_, x_ = np.broadcast_arrays(a.detach().numpy(), x.detach().numpy())
        P, _, dP = regularized_gamma(a_, x_)
        like = a if a.dtype.is_floating_point else x
        ctx.save_for_backward(a, x)
        ctx.dP = _as_tensor_like(dP, like)
        return _as_tensor_like(P, like)

    @staticmethod
    @torch.autograd.once_differentiable
    def backward(ctx, grad):
        a, x = ctx.saved_tensors
        # dP/dx is the Gamma(a, 1) density
        density = torch.exp(torch.xlogy(a - 1, x) - x - torch.lgamma(a))
        return grad * ctx.dP, grad * density
