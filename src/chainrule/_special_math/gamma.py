"""The gamma function's family: ``lgamma``, ``digamma``, ``polygamma``, Hurwitz ``zeta`` and the
regularised incomplete gamma functions P(a, x) and Q(a, x).

- ``lgamma``: ``math.lgamma`` element by element (exact to the last bit, slower than a
  ufunc).
- ``digamma`` and ``trigamma``: the recurrence f(x) = f(x + 1) + step up to x >= 6, then
  the asymptotic series; below 1/2 the reflection formula.
- ``polygamma(n, x)`` for n >= 2: ``(-1)^(n+1) n! zeta(n + 1, x)``.
- ``zeta(s, q)``: Euler-Maclaurin summation, the direct sum up to q + N > 9 (N >= 9), then
  the integral of the tail and twelve Bernoulli-number corrections; entries whose direct
  sum has converged skip the tail.
- ``gammainc``/``gammaincc``: the series of P for x < a + 1, the continued fraction of Q
  above (Numerical Recipes, section 6.2), each differentiated term by term in ``a`` for the
  implicit reparameterisation gradients of ``distributions``.

Arguments on the edge of the domain (poles, infinities, NaN) give what PyTorch gives.
"""
from __future__ import annotations

import math

from .._backend import xp
from .float64 import computed_in_float64
from .iteration import TOLERANCE, Coefficients, continued_fraction, iterate

_EPS = 2.0 ** -53


def _lgamma_scalar(v: float) -> float:
    try:
        return math.lgamma(v)
    except ValueError:  # the poles 0, -1, -2, ...
        return math.inf


@computed_in_float64
def lgamma(x):
    """``log|Gamma(x)|``.

    >>> lgamma(np.array([1.0, 0.5, 0.0]))
    array([0.        , 0.57236494,        inf])
    """
    return xp.asarray(xp.frompyfunc(_lgamma_scalar, 1, 1)(x), dtype=xp.float64)


# B_2k for k = 1 .. 12: the coefficients of the asymptotic series below and of zeta's
# Euler-Maclaurin corrections.
# (As numerator and denominator: each coefficient below is then one correctly rounded
# division of exact integers, without importing fractions.)
_BERNOULLI = ((1, 6), (-1, 30), (1, 42), (-1, 30), (5, 66), (-691, 2730), (7, 6),
              (-3617, 510), (43867, 798), (-174611, 330), (854513, 138), (-236364091, 2730))
_RECURRENCE_END = 10  # the asymptotic series' eight terms reach double precision from here


def _in_powers(z, coefficients):
    """``sum_k c_k z^k`` for k = 1, 2, ... (Horner's scheme)."""
    total = xp.zeros_like(z)
    for c in reversed(coefficients):
        total = (total + c) * z
    return total


def _shifted(x, series):
    """Evaluate a polygamma-like function at x >= 0.5 by the recurrence f(x) = f(x+1) + step
    until x >= 10, then ``series`` (whose terms are accurate to double precision there)."""
    acc = xp.zeros_like(x)
    for _ in range(_RECURRENCE_END):
        small = x < _RECURRENCE_END
        acc = acc + xp.where(small, series.step(xp.where(small, x, 1.0)), 0.0)
        x = xp.where(small, x + 1, x)
    return acc + series.tail(x)


def _reflected(x, series):
    """``series``' function at every x: by the recurrence and the series from 1/2 up, by the
    reflection formula ``series.reflect(x, f(1 - x))`` below."""
    reflect = x < 0.5
    out = _shifted(xp.where(reflect, 1 - x, x), series)
    return xp.where(reflect, series.reflect(x, out), out)


class _Digamma:
    # psi(x) ~ log x - 1/(2x) - sum_k B_2k / (2k x^2k)
    COEFFICIENTS = tuple(n / (d * 2 * k) for k, (n, d) in enumerate(_BERNOULLI[:8], 1))

    @staticmethod
    def step(x):  # psi(x) = psi(x + 1) - 1/x
        return -1 / x

    @staticmethod
    def tail(x):
        return xp.log(x) - 0.5 / x - _in_powers(1 / (x * x), _Digamma.COEFFICIENTS)

    @staticmethod
    def reflect(x, f):  # psi(x) = psi(1 - x) - pi / tan(pi x)
        # tan has period pi: the fractional part keeps pi x from rounding away digits.
        return f - math.pi / xp.tan(math.pi * (x - xp.trunc(x)))


class _Trigamma:
    # psi'(x) ~ 1/x + 1/(2x^2) + sum_k B_2k / x^(2k+1)
    COEFFICIENTS = tuple(n / d for n, d in _BERNOULLI[:8])

    @staticmethod
    def step(x):  # psi'(x) = psi'(x + 1) + 1/x^2
        return 1 / (x * x)

    @staticmethod
    def tail(x):
        return (1 + 0.5 / x + _in_powers(1 / (x * x), _Trigamma.COEFFICIENTS)) / x

    @staticmethod
    def reflect(x, f):  # psi'(x) + psi'(1 - x) = pi^2 / sin^2(pi x)
        # sin(pi x) itself, not of x's fractional part: at the negative integers it is then
        # sin's rounding error, not 0, and the result finite, as PyTorch's.
        return (math.pi / xp.sin(math.pi * x)) ** 2 - f


@computed_in_float64
def digamma(x):
    """``psi(x)``, the derivative of ``lgamma``: -inf at 0 (+inf at -0), NaN at the negative
    integers, as in PyTorch.

    >>> digamma(np.array([1.0, 0.0, -1.0]))
    array([-0.57721566,        -inf,         nan])
    """
    out = _reflected(x, _Digamma)
    out = xp.where((x < 0) & (x == xp.floor(x)), xp.nan, out)
    return xp.where(x == 0, xp.copysign(xp.inf, -x), out)


@computed_in_float64
def trigamma(x):
    """``psi'(x)``.  At the poles the reflection formula gives what PyTorch gives: inf at 0,
    and at the negative integers ``pi^2 / sin^2(pi x)`` with sin's rounding error (about
    6.6e32 at -1).

    >>> trigamma(np.array([1.0, 0.0]))
    array([1.64493407,        inf])
    """
    return _reflected(x, _Trigamma)


def polygamma(n: int, x):
    """The n-th derivative of ``digamma``.

    >>> polygamma(2, np.array([1.0]))  # -2 zeta(3)
    array([-2.40411381])
    """
    if n == 0:
        return digamma(x)
    if n == 1:
        return trigamma(x)
    return _polygamma(x, n)


@computed_in_float64
def _polygamma(x, n):
    factorial = xp.exp(math.lgamma(n + 1))  # xp: overflows to inf for n > 170, as PyTorch
    return (1.0 if n % 2 else -1.0) * factorial * zeta.__wrapped__(n + 1.0, x)


# B_2j / (2j)!: the Euler-Maclaurin corrections' coefficients.
_EULER_MACLAURIN = tuple(n / (d * math.factorial(2 * j))
                         for j, (n, d) in enumerate(_BERNOULLI, 1))


_FAR = 64.0
_CHUNK = 1 << 20


def _direct_sum(s: float, q: float):
    """``sum_{k<m} (q + k)^-s`` with m = ceil(-q), in chunks of ``_CHUNK`` terms, and q + m."""
    m = math.ceil(-q)
    total = 0.0
    for start in range(0, m, _CHUNK):
        k = xp.arange(start, min(start + _CHUNK, m), dtype=xp.float64)
        total += float(xp.sum((q + k) ** -s))
    return total, q + m


@computed_in_float64
def zeta(s, q):
    """The Hurwitz zeta function ``sum_k (q + k)^-s``.

    Domain as PyTorch's: inf at s = 1 and at the non-positive integers q, NaN for s < 1 and
    for q < 0 with s not an integer (where (q + k)^-s is not real).

    >>> zeta(np.array([2.0, 3.0]), np.array([1.0, 1.0]))  # pi^2 / 6, Apery's constant
    array([1.64493407, 1.2020569 ])
    """
    s, q = xp.broadcast_arrays(s, q)
    far = (q < -_FAR) & (s > 1) & (s == xp.floor(s)) & (q != xp.floor(q)) & xp.isfinite(q)
    if far.any():
        # A long way below 0, the direct sum would take -q passes over all entries: those
        # few entries sum their first terms on their own, then continue from q + m in (0, 1).
        head = xp.zeros_like(q)
        q = q.copy()
        for i in zip(*xp.nonzero(far)):
            head[i], q[i] = _direct_sum(s[i], q[i])
        return head + zeta.__wrapped__(s, q)
    total = q ** -s
    a = q.copy()
    term = xp.zeros_like(q)
    # Entries a domain rule decides (below) or NaN need no sum; q = -inf would never end it.
    done = (s <= 1) | ((q <= 0) & ((q == xp.floor(q)) | (s != xp.floor(s)))) \
        | xp.isnan(s) | xp.isnan(q)
    # The direct sum, at least 9 terms and until q + N > 9; an entry whose terms have
    # become negligible is finished.
    n = 0
    while True:
        active = ~done & ((n < 9) | (a <= 9))
        if not active.any():
            break
        n += 1
        a = xp.where(active, a + 1, a)
        term = xp.where(active, a ** -s, term)
        total = xp.where(active, total + term, total)
        done |= active & (xp.abs(term / total) < _EPS)
    # The tail from w = q + N on: its integral, half the last term taken back (it was
    # counted whole), and the Bernoulli corrections, each until it no longer matters.
    w = a
    tail = ~done
    total = xp.where(tail, total + term * w / (s - 1) - 0.5 * term, total)
    rising = xp.ones_like(s)  # s (s + 1) ... (s + 2j - 2)
    power = term  # w^(-s - 2j + 1)
    for j, coefficient in enumerate(_EULER_MACLAURIN):
        rising = rising * (s + 2 * j)
        power = power / w
        correction = coefficient * rising * power
        total = xp.where(tail, total + correction, total)
        tail &= ~(xp.abs(correction / total) < _EPS)
        rising = rising * (s + 2 * j + 1)
        power = power / w
    # NaN in s spreads (1 ** nan is 1 in NumPy), except at q's poles, as in PyTorch.
    total = xp.where(((q < 0) & (s != xp.floor(s))) | xp.isnan(s), xp.nan, total)
    total = xp.where((q <= 0) & (q == xp.floor(q)), xp.inf, total)
    total = xp.where(s < 1, xp.nan, total)
    return xp.where(s == 1, xp.inf, total)


# --- the regularised incomplete gamma function ------------------------------------------
def _gamma_series(a, x):
    """``S = sum_n x^n / ((a+1)...(a+n))`` and ``dS/da``; ``P(a, x) = x^a e^-x S /
    Gamma(a+1)``.  Converges fast for x < a + 1."""
    state = dict(a=a, x=x, term=xp.ones_like(a), harmonic=xp.zeros_like(a),
                 S=xp.ones_like(a), dS=xp.zeros_like(a))

    def step(s, n):
        s["term"] = s["term"] * s["x"] / (s["a"] + n)
        s["harmonic"] = s["harmonic"] + 1 / (s["a"] + n)
        s["S"] = s["S"] + s["term"]
        s["dS"] = s["dS"] - s["term"] * s["harmonic"]

    def done(s, n):
        return (s["term"] <= TOLERANCE * s["S"]) & \
            (s["term"] * s["harmonic"] <= TOLERANCE * xp.abs(s["dS"]) + 1e-300)

    out = iterate(state, step, done)
    return out["S"], out["dS"]


def _gamma_continued_fraction(a, x):
    """``F = 1/(x+1-a - 1(1-a)/(x+3-a - 2(2-a)/(x+5-a - ...)))`` and ``dF/da``; ``Q(a, x) =
    x^a e^-x F / Gamma(a)``.  Converges fast for x > a + 1."""
    def terms(n, a, x):
        return -n * (n - a), n * xp.ones_like(a), x + 1 - a + 2 * n, -xp.ones_like(a)

    D, dD = continued_fraction(x + 1 - a, -xp.ones_like(a), Coefficients(terms, a=a, x=x))
    return 1 / D, -dD / D ** 2


_STIRLING_FROM = 100.0  # Stirling's next term, 1/(1188 a^9), is below 1e-20 from here


def _log1p_minus(d):
    """``log(1 + d) - d`` without cancellation for |d| <= 1/2: with y = d / (2 + d),
    ``-d^2 / (2 + d) + 2 (y^3/3 + y^5/5 + ...)`` (|y| <= 1/3: 16 terms reach 1e-17)."""
    y = d / (2 + d)
    y2 = y * y
    total = xp.zeros_like(d)
    power = y * y2
    for k in range(1, 17):
        total = total + power / (2 * k + 1)
        power = power * y2
    near = -d * d / (2 + d) + 2 * total
    return xp.where(xp.abs(d) <= 0.5, near, xp.log1p(d) - d)


def _log_power_over_gamma(a, x):
    """``a log x - x - lgamma(a + 1)``, the log of the incomplete gamma function's prefactor.
    For large a its three terms are each about a log a and cancel to about
    ``-(x - a)^2 / 2a``: there it is computed as ``a (log1p(d) - d) - log(2 pi a) / 2 -
    stirling(a)`` with d = (x - a) / a, Stirling's series' correction terms, and nothing
    cancels (the direct form loses a log a ulps: 1e-11 at a = 1e4)."""
    direct = a * xp.log(x) - x - lgamma(a + 1)
    big = a >= _STIRLING_FROM
    ab = xp.where(big, a, _STIRLING_FROM)
    inverse_square = 1 / (ab * ab)
    # lgamma(a + 1) - ((a + 1/2) log a - a + log(2 pi) / 2), by Stirling's series
    stirling = (1 - inverse_square * (1 / 30 - inverse_square * (1 / 105 - inverse_square
                                                                 * (1 / 140)))) / (12 * ab)
    d = (xp.where(big, x, ab) - ab) / ab
    uniform = ab * _log1p_minus(d) - 0.5 * xp.log(2 * math.pi * ab) - stirling
    return xp.where(big, uniform, direct)


def gamma_pieces(a, x):
    """For 1-d float64 arrays with a > 0 and 0 < x < inf: ``P(a, x)``, ``Q(a, x) = 1 - P``
    (each computed where it is the smaller, so neither loses digits to ``1 - ``), ``dP/da``
    and ``dx/da`` of a Gamma(a) sample x (``-(dP/da) / density``).

    >>> [float(v[0]) for v in gamma_pieces(np.array([1.0]), np.array([2.0]))][:2]  # 1 - e^-2
    [0.8646647167633873, 0.1353352832366127]
    """
    P, Q = xp.empty_like(x), xp.empty_like(x)
    dP, dx = xp.empty_like(x), xp.empty_like(x)
    low = x < a + 1
    if low.any():
        al, xl = a[low], x[low]
        S, dS = _gamma_series(al, xl)
        log_x, psi = xp.log(xl), digamma(al + 1)
        P[low] = xp.exp(_log_power_over_gamma(al, xl)) * S
        Q[low] = 1 - P[low]
        dP[low] = P[low] * (log_x - psi + dS / S)
        dx[low] = -(xl / al) * (S * (log_x - psi) + dS)
    high = ~low
    if high.any():
        ah, xh = a[high], x[high]
        F, dF = _gamma_continued_fraction(ah, xh)
        log_x, psi = xp.log(xh), digamma(ah)
        Q[high] = xp.exp(_log_power_over_gamma(ah, xh) + xp.log(ah)) * F
        P[high] = 1 - Q[high]
        dP[high] = -Q[high] * (log_x - psi + dF / F)
        dx[high] = xh * (F * (log_x - psi) + dF)
    return P, Q, dP, dx


def regularized_gamma(a, x):
    """``P(a, x)``, ``Q(a, x)`` and ``dP/da`` for float64 arrays, with PyTorch's values on the
    edges: NaN for a < 0 or x < 0; at a = 0, P = 1 for x > 0 (NaN at x = 0); P = 0 at
    x = 0; P = 0 for a = inf (NaN if x = inf too); P = 1 at x = inf.  dP/da is 0 where
    a rule sets P and NaN where P is NaN.

    >>> P, Q, dP = regularized_gamma(np.array([1.0, 1.0]), np.array([0.0, np.inf]))
    >>> P, Q
    (array([0., 1.]), array([1., 0.]))
    """
    a, x = xp.broadcast_arrays(xp.asarray(a, xp.float64), xp.asarray(x, xp.float64))
    shape = a.shape
    a, x = a.ravel(), x.ravel()
    P, Q, dP = xp.full_like(x, xp.nan), xp.full_like(x, xp.nan), xp.full_like(x, xp.nan)
    inside = (x > 0) & (a > 0) & xp.isfinite(x) & xp.isfinite(a)
    with xp.errstate(all="ignore"):
        P[inside], Q[inside], dP[inside], _ = gamma_pieces(a[inside], x[inside])
    # PyTorch's rules, the first that applies winning (so they are written last to first).
    for rule, p in (((x == xp.inf), 1.0),
                    (xp.isinf(a), xp.where(xp.isinf(x), xp.nan, 0.0)),
                    ((x == 0), 0.0),
                    ((a == 0), xp.where(x > 0, 1.0, xp.nan)),
                    ((x < 0) | (a < 0), xp.nan)):
        P, Q = xp.where(rule, p, P), xp.where(rule, 1 - p, Q)
        dP = xp.where(rule, xp.where(xp.isnan(p), xp.nan, 0.0), dP)
    return P.reshape(shape), Q.reshape(shape), dP.reshape(shape)


@computed_in_float64
def gammainc(a, x):
    """The regularised lower incomplete gamma function ``P(a, x)``.

    >>> gammainc(np.array([1.0]), np.array([1.0]))  # 1 - 1/e
    array([0.63212056])
    """
    return regularized_gamma(a, x)[0]


@computed_in_float64
def gammaincc(a, x):
    """The regularised upper incomplete gamma function ``Q(a, x) = 1 - P(a, x)``.

    >>> gammaincc(np.array([1.0]), np.array([1.0]))  # 1/e
    array([0.36787944])
    """
    return regularized_gamma(a, x)[1]
