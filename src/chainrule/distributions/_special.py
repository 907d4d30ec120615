"""Incomplete gamma and beta functions with their derivatives in the shape parameter, and the
samplers whose gradients need them (implicit reparameterisation).

DISTRIBUTIONS-LOCAL SPECIAL FUNCTIONS.  chainrule has no ``torch.special.gammainc``,
``torch._standard_gamma`` (with ``_standard_gamma_grad``) or ``torch._sample_dirichlet``
(with ``_dirichlet_grad``); they live here, as custom ``autograd.Function``s on NumPy,
until the core has them.

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

from ._random import standard_gamma

_TOLERANCE = 1e-15
_MAX_TERMS = 100_000  # the terms needed grow like sqrt(shape): 1e6 needs about 10,000


def _digamma(x: np.ndarray) -> np.ndarray:
    with torch.no_grad():
        return torch.digamma(torch.from_numpy(np.asarray(x, dtype=np.float64))).numpy()


def _lgamma(x: np.ndarray) -> np.ndarray:
    with torch.no_grad():
        return torch.lgamma(torch.from_numpy(np.asarray(x, dtype=np.float64))).numpy()


def _iterate(state: dict, step, done) -> dict:
    """Run ``step(state, n)`` for n = 1, 2, ... on the entries of the arrays in ``state``
    that are not yet ``done(state, n)``, dropping entries as they converge (so that a few
    slow ones do not cost a pass over all of them).  Returns the final arrays."""
    size = len(next(iter(state.values())))
    result = {k: np.empty(size) for k in state}
    active = np.arange(size)
    for n in range(1, _MAX_TERMS + 1):
        if active.size == 0:
            break
        step(state, n)
        finished = done(state, n)
        for k, v in state.items():
            result[k][active[finished]] = v[finished]
        keep = ~finished
        state = {k: v[keep] for k, v in state.items()}
        active = active[keep]
    for k, v in state.items():  # not converged in _MAX_TERMS: the best there is
        result[k][active] = v
    return result


def _continued_fraction(b0, db0, coefficients):
    """Value and derivative (in one parameter) of ``b0 + a1/(b1 + a2/(b2 + ...))``, where
    ``coefficients(n, state)`` gives ``(a_n, da_n, b_n, db_n)`` for the active entries.

    Evaluated by the forward recurrence of the convergents A_n / B_n, differentiated
    alongside; all four running quantities are divided by B_n after each step, which keeps
    them finite without changing the ratios."""
    ones, zeros = np.ones_like(b0), np.zeros_like(b0)
    state = dict(A=b0, A1=ones, dA=db0, dA1=zeros, B=ones, B1=zeros, dB=zeros, dB1=zeros,
                 value=b0, derivative=db0, change=np.full_like(b0, np.inf), **coefficients.args)

    def step(s, n):
        a, da, b, db = coefficients(n, s)
        A = b * s["A"] + a * s["A1"]
        B = b * s["B"] + a * s["B1"]
        dA = db * s["A"] + b * s["dA"] + da * s["A1"] + a * s["dA1"]
        dB = db * s["B"] + b * s["dB"] + da * s["B1"] + a * s["dB1"]
        scale = np.where(B != 0, B, 1.0)
        s["A1"], s["B1"], s["dA1"], s["dB1"] = (s["A"] / scale, s["B"] / scale,
                                                 s["dA"] / scale, s["dB"] / scale)
        s["A"], s["B"], s["dA"], s["dB"] = A / scale, B / scale, dA / scale, dB / scale
        value = s["A"] / s["B"]
        derivative = (s["dA"] - value * s["dB"]) / s["B"]
        s["change"] = np.maximum(np.abs(value - s["value"]) / np.abs(value),
                                 np.abs(derivative - s["derivative"])
                                 / np.maximum(np.abs(derivative), np.abs(value)))
        s["value"], s["derivative"] = value, derivative

    out = _iterate(state, step, lambda s, n: s["change"] <= _TOLERANCE)
    return out["value"], out["derivative"]


class _Coefficients:
    """The terms of a continued fraction as a function of n, with the per-entry arrays
    (``args``) it needs, which travel with the active entries."""

    def __init__(self, function, **args) -> None:
        self.function, self.args = function, args

    def __call__(self, n, state):
        return self.function(n, **{k: state[k] for k in self.args})


# --- the incomplete gamma function P(a, x) ------------------------------------------------
def _gamma_series(a, x):
    """``S = sum_n x^n / ((a+1)...(a+n))`` and ``dS/da``; ``P(a, x) = x^a e^-x S /
    Gamma(a+1)``.  Converges fast for x < a + 1."""
    state = dict(a=a, x=x, term=np.ones_like(a), harmonic=np.zeros_like(a),
                 S=np.ones_like(a), dS=np.zeros_like(a))

    def step(s, n):
        s["term"] = s["term"] * s["x"] / (s["a"] + n)
        s["harmonic"] = s["harmonic"] + 1 / (s["a"] + n)
        s["S"] = s["S"] + s["term"]
        s["dS"] = s["dS"] - s["term"] * s["harmonic"]

    def done(s, n):
        return (s["term"] <= _TOLERANCE * s["S"]) & \
            (s["term"] * s["harmonic"] <= _TOLERANCE * np.abs(s["dS"]) + 1e-300)

    out = _iterate(state, step, done)
    return out["S"], out["dS"]


def _gamma_continued_fraction(a, x):
    """``F = 1/(x+1-a - 1(1-a)/(x+3-a - 2(2-a)/(x+5-a - ...)))`` and ``dF/da``; ``Q(a, x) =
    x^a e^-x F / Gamma(a)``.  Converges fast for x > a + 1."""
    def terms(n, a, x):
        return -n * (n - a), n * np.ones_like(a), x + 1 - a + 2 * n, -np.ones_like(a)

    D, dD = _continued_fraction(x + 1 - a, -np.ones_like(a), _Coefficients(terms, a=a, x=x))
    return 1 / D, -dD / D ** 2


def _gamma_pieces(a, x):
    """For each (a, x) with 0 < x < inf: ``P(a, x)``, ``dP/da`` and ``dx/da`` of the Gamma(a)
    sample x (``-(dP/da) / density``)."""
    P, dP, dx = np.empty_like(x), np.empty_like(x), np.empty_like(x)
    low = x < a + 1
    if low.any():
        al, xl = a[low], x[low]
        S, dS = _gamma_series(al, xl)
        log_x, psi = np.log(xl), _digamma(al + 1)
        P[low] = np.exp(al * log_x - xl - _lgamma(al + 1)) * S
        dP[low] = P[low] * (log_x - psi + dS / S)
        dx[low] = -(xl / al) * (S * (log_x - psi) + dS)
    high = ~low
    if high.any():
        ah, xh = a[high], x[high]
        F, dF = _gamma_continued_fraction(ah, xh)
        log_x, psi = np.log(xh), _digamma(ah)
        Q = np.exp(ah * log_x - xh - _lgamma(ah)) * F
        P[high] = 1 - Q
        dP[high] = -Q * (log_x - psi + dF / F)
        dx[high] = xh * (F * (log_x - psi) + dF)
    return P, dP, dx


def standard_gamma_grad(concentration: np.ndarray, sample: np.ndarray) -> np.ndarray:
    """``dx/da`` for Gamma(a, 1) samples ``x`` (PyTorch's ``torch._standard_gamma_grad``).

    >>> import numpy as np
    >>> from chainrule.distributions._special import standard_gamma_grad
    >>> standard_gamma_grad(np.array([1.0]), np.array([0.5]))
    array([0.80697912])
    """
    a = np.asarray(concentration, dtype=np.float64)
    x = np.asarray(sample, dtype=np.float64)
    a, x = np.broadcast_arrays(a, x)
    _, _, dx = _gamma_pieces(a.ravel().copy(), x.ravel().copy())
    return dx.reshape(a.shape)


def regularized_gamma(a: np.ndarray, x: np.ndarray):
    """``P(a, x)`` (``torch.special.gammainc``) and ``dP/da``, for a > 0 and x >= 0."""
    a, x = np.broadcast_arrays(np.asarray(a, np.float64), np.asarray(x, np.float64))
    shape = a.shape
    a, x = a.ravel().copy(), x.ravel().copy()
    P, dP = np.zeros_like(x), np.zeros_like(x)
    P[np.isposinf(x)] = 1.0
    inside = (x > 0) & np.isfinite(x) & (a > 0)
    P[inside], dP[inside], _ = _gamma_pieces(a[inside], x[inside])
    bad = np.isnan(x) | np.isnan(a) | (a <= 0) | (x < 0)
    P[bad] = dP[bad] = np.nan
    return P.reshape(shape), dP.reshape(shape)


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

    E, dE = _continued_fraction(np.ones_like(p), np.zeros_like(p),
                                _Coefficients(terms, p=p, q=q, y=y))
    return 1 / E, -dE / E ** 2


def beta_sample_grad(x: np.ndarray, a: np.ndarray, b: np.ndarray) -> np.ndarray:
    """``dx/da`` (b held fixed) for Beta(a, b) samples ``x``: ``-(dI_x/da) / density``.

    >>> import numpy as np
    >>> from chainrule.distributions._special import beta_sample_grad
    >>> beta_sample_grad(np.array([0.25]), np.array([1.0]), np.array([1.0]))  # -x log x
    array([0.34657359])
    """
    x, a, b = (np.asarray(v, dtype=np.float64) for v in (x, a, b))
    x, a, b = np.broadcast_arrays(x, a, b)
    shape = x.shape
    x, a, b = x.ravel().copy(), a.ravel().copy(), b.ravel().copy()
    out = np.empty_like(x)
    spread = _digamma(a + b) - _digamma(a)
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


class StandardGamma(torch.autograd.Function):
    """Gamma(concentration, 1) samples; backward: the implicit reparameterisation gradient."""

    @staticmethod
    def forward(ctx, concentration):
        sample = _as_tensor_like(standard_gamma(concentration), concentration)
        ctx.save_for_backward(sample, concentration)
        return sample

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
        result = _as_tensor_like(sample, concentration)
        ctx.save_for_backward(result, concentration)
        return result

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
        P, dP = regularized_gamma(a_, x_)
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
