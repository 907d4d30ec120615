"""The orthogonal polynomials of ``torch.special``, by PyTorch's definitions: its three-term
recurrences, its closed forms (``cos(n acos x)`` and kin) where it uses them (|x| < 1 and
n above a small bound), and its values at the edges (n < 0 gives 0, x = +-1 the exact
values).  ``n`` is truncated to an integer as PyTorch's kernels cast it (NaN and
infinities count as negative); the recurrence runs up to the largest n, each element
dropping out at its own n or when its value has become NaN.
"""
from __future__ import annotations

from .._backend import xp
from .float64 import computed_in_float64

_INT64_LIMIT = 2.0 ** 63


def _degree(n):
    """``n`` as PyTorch's ``static_cast<int64_t>``: truncated; NaN and out-of-range values
    become the most negative integer (what the hardware's conversion gives)."""
    n = xp.asarray(n, dtype=xp.float64)
    fits = xp.isfinite(n) & (xp.abs(n) < _INT64_LIMIT)
    return xp.where(fits, xp.trunc(xp.where(fits, n, 0.0)), -_INT64_LIMIT)


def _recurrence(x, n, first, step, skip):
    """``P_n(x)`` from ``P_0 = 1``, ``P_1 = first`` and ``P_j = step(j, p, q)`` (p = P_{j-2},
    q = P_{j-1}); entries in ``skip`` are left alone (another rule gives their value)."""
    p, q = xp.ones_like(x), first
    top = int(xp.max(xp.where(skip, 0.0, n), initial=0.0))
    for j in range(2, top + 1):
        active = (n >= j) & ~skip & ~xp.isnan(q)
        if not active.any():
            break
        r = step(j, p, q)
        p, q = xp.where(active, q, p), xp.where(active, r, q)
    return xp.where(n == 0, 1.0, q)


def _chebyshev(x, n, first, closed, closed_from, at_one, at_minus_one):
    """The four Chebyshev kinds share their recurrence ``P_j = 2x P_{j-1} - P_{j-2}``."""
    n = _degree(n)
    x, n = xp.broadcast_arrays(x, n)
    use_closed = (n > closed_from) & (xp.abs(x) < 1)
    edge = xp.abs(x) == 1
    out = _recurrence(x, n, first, lambda j, p, q: (x + x) * q - p, use_closed | edge)
    out = xp.where(use_closed, closed(xp.where(use_closed, x, 0.0), n), out)
    out = xp.where(edge, xp.where(x > 0, at_one(n), at_minus_one(n)), out)
    return xp.where(n < 0, 0.0, out)


def _odd_negative(n, value):
    return xp.where(n % 2 == 0, value, -value)


def _u_closed(x, n):
    theta = xp.arccos(x)
    return xp.where(xp.sin(theta) != 0, xp.sin((n + 1) * theta) / xp.sin(theta),
                    (n + 1) * xp.cos((n + 1) * theta) / x)


def _v_closed(x, n):
    theta = xp.arccos(x)
    return xp.where(xp.sin(theta / 2) != 1, xp.cos((n + 0.5) * theta) / xp.cos(theta / 2),
                    _odd_negative(n, n + n + 1))


def _w_closed(x, n):
    theta = xp.arccos(x)
    return xp.where(xp.cos(theta / 2) != 1, xp.sin((n + 0.5) * theta) / xp.sin(theta / 2),
                    xp.where(x > 0, n + n + 1, _odd_negative(n, 1.0)))


@computed_in_float64
def chebyshev_t(x, n):
    """Chebyshev polynomial of the first kind ``T_n(x)``.

    >>> chebyshev_t(np.array([0.5, 2.0]), np.array([3.0, 3.0]))  # 4x^3 - 3x
    array([-1., 26.])
    """
    return _chebyshev(x, n, x, lambda x, n: xp.cos(n * xp.arccos(x)), 6,
                      lambda n: xp.ones_like(n), lambda n: _odd_negative(n, 1.0))


@computed_in_float64
def chebyshev_u(x, n):
    """Chebyshev polynomial of the second kind ``U_n(x)``.

    >>> chebyshev_u(np.array([0.5, 2.0]), np.array([2.0, 2.0]))  # 4x^2 - 1
    array([ 0., 15.])
    """
    return _chebyshev(x, n, x + x, _u_closed, 8,
                      lambda n: n + 1, lambda n: _odd_negative(n, n + 1))


@computed_in_float64
def chebyshev_v(x, n):
    """Chebyshev polynomial of the third kind ``V_n(x)``.

    >>> chebyshev_v(np.array([0.5, 2.0]), np.array([2.0, 2.0]))  # 4x^2 - 2x - 1
    array([-1., 11.])
    """
    return _chebyshev(x, n, x + x - 1, _v_closed, 8,
                      lambda n: xp.ones_like(n), lambda n: _odd_negative(n, n + n + 1))


@computed_in_float64
def chebyshev_w(x, n):
    """Chebyshev polynomial of the fourth kind ``W_n(x)``.

    >>> chebyshev_w(np.array([0.5, 2.0]), np.array([2.0, 2.0]))  # 4x^2 + 2x - 1
    array([ 1., 19.])
    """
    return _chebyshev(x, n, x + x + 1, _w_closed, 8,
                      lambda n: n + n + 1, lambda n: _odd_negative(n, 1.0))


def _shifted_chebyshev(x, n, first, closed, closed_from, at_one, at_zero):
    y = x + x - 1
    n = _degree(n)
    x, y, n = xp.broadcast_arrays(x, y, n)
    use_closed = (n > closed_from) & (xp.abs(y) < 1)
    edge = (x == 1) | (x == 0)
    out = _recurrence(y, n, first(y), lambda j, p, q: (y + y) * q - p, use_closed | edge)
    out = xp.where(use_closed, closed(xp.where(use_closed, y, 0.0), n), out)
    out = xp.where(x == 1, at_one(n), xp.where(x == 0, at_zero(n), out))
    return xp.where(n < 0, 0.0, out)


@computed_in_float64
def shifted_chebyshev_t(x, n):
    """``T_n(2x - 1)``.

    >>> shifted_chebyshev_t(np.array([0.25]), np.array([2.0]))  # 2 (2x-1)^2 - 1
    array([-0.5])
    """
    return _shifted_chebyshev(x, n, lambda y: y, lambda y, n: xp.cos(n * xp.arccos(y)), 6,
                              lambda n: xp.ones_like(n), lambda n: _odd_negative(n, 1.0))


@computed_in_float64
def shifted_chebyshev_u(x, n):
    """``U_n(2x - 1)``.

    >>> shifted_chebyshev_u(np.array([0.25]), np.array([2.0]))  # 4 (2x-1)^2 - 1
    array([0.])
    """
    return _shifted_chebyshev(x, n, lambda y: y + y, _u_closed, 6,
                              lambda n: n + 1, lambda n: _odd_negative(n, n + 1))


@computed_in_float64
def shifted_chebyshev_v(x, n):
    """``V_n(2x - 1)``.

    >>> shifted_chebyshev_v(np.array([0.25]), np.array([2.0]))
    array([1.])
    """
    return _shifted_chebyshev(x, n, lambda y: y + y - 1, _v_closed, 6,
                              lambda n: xp.ones_like(n), lambda n: _odd_negative(n, n + n + 1))


@computed_in_float64
def shifted_chebyshev_w(x, n):
    """``W_n(2x - 1)``.

    >>> shifted_chebyshev_w(np.array([0.25]), np.array([2.0]))
    array([-1.])
    """
    return _shifted_chebyshev(x, n, lambda y: y + y + 1, _w_closed_shifted, 4,
                              lambda n: n + n + 1, lambda n: _odd_negative(n, 1.0))


def _w_closed_shifted(y, n):
    # PyTorch's shifted W falls back to +-1 (not 2n + 1) where cos(theta / 2) is 1.
    theta = xp.arccos(y)
    return xp.where(xp.cos(theta / 2) != 1, xp.sin((n + 0.5) * theta) / xp.sin(theta / 2),
                    _odd_negative(n, 1.0))


def _plain(x, n, first, step, limit=None):
    """A polynomial by its recurrence alone (Hermite, Laguerre, Legendre)."""
    n = _degree(n)
    x, n = xp.broadcast_arrays(x, n)
    too_high = (n > limit) if limit is not None else xp.zeros(n.shape, dtype=bool)
    out = _recurrence(x, n, first(x), lambda j, p, q: step(j - 1, x, p, q), too_high)
    out = xp.where(too_high, xp.nan, out)
    return xp.where(n < 0, 0.0, out)


_HERMITE_LIMIT = 512  # PyTorch's bound on n for double: NaN above


@computed_in_float64
def hermite_h(x, n):
    """The physicists' Hermite polynomial ``H_n(x)`` (NaN for n > 512, as in PyTorch).

    >>> hermite_h(np.array([1.0, 2.0]), np.array([2.0, 2.0]))  # 4x^2 - 2
    array([ 2., 14.])
    """
    return _plain(x, n, lambda x: x + x, lambda k, x, p, q: (x + x) * q - (2 * k) * p,
                  _HERMITE_LIMIT)


@computed_in_float64
def hermite_he(x, n):
    """The probabilists' Hermite polynomial ``He_n(x)`` (NaN for n > 512, as in PyTorch).

    >>> hermite_he(np.array([1.0, 2.0]), np.array([2.0, 2.0]))  # x^2 - 1
    array([0., 3.])
    """
    return _plain(x, n, lambda x: x, lambda k, x, p, q: x * q - k * p, _HERMITE_LIMIT)


@computed_in_float64
def laguerre_l(x, n):
    """The Laguerre polynomial ``L_n(x)`` (1 at x = 0).

    >>> laguerre_l(np.array([1.0, 2.0]), np.array([2.0, 2.0]))  # (x^2 - 4x + 2) / 2
    array([-0.5, -1. ])
    """
    out = _plain(x, n, lambda x: 1 - x,
                 lambda k, x, p, q: (((k + k) + (1 - x)) * q - k * p) / (k + 1))
    return xp.where((x == 0) & (_degree(n) >= 0), 1.0, out)


@computed_in_float64
def legendre_p(x, n):
    """The Legendre polynomial ``P_n(x)``.

    >>> legendre_p(np.array([0.5, 2.0]), np.array([2.0, 2.0]))  # (3x^2 - 1) / 2
    array([-0.125,  5.5  ])
    """
    out = _plain(x, n, lambda x: x, lambda k, x, p, q: ((k + k + 1) * x * q - k * p) / (k + 1))
    degree = _degree(n)
    edge = (xp.abs(x) == 1) & (degree >= 0)
    return xp.where(edge, xp.where(x > 0, 1.0, _odd_negative(degree, 1.0)), out)
