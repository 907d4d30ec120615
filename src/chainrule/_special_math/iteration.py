"""Series and continued fractions run per element until each element has converged.

The incomplete gamma and beta functions are sums and continued fractions whose number of
terms depends on the arguments (it grows like the square root of the shape parameter).
``iterate`` runs one step for all entries still working and drops each entry as it
converges, so that a few slow entries do not cost a pass over all of them.
"""
from __future__ import annotations

from .._backend import xp

TOLERANCE = 1e-15
MAX_TERMS = 100_000  # the terms needed grow like sqrt(shape): 1e6 needs about 10,000


def iterate(state: dict, step, done) -> dict:
    """Run ``step(state, n)`` for n = 1, 2, ... on the entries of the 1-d arrays in ``state``
    that are not yet ``done(state, n)``, dropping entries as they converge.  Returns the
    final arrays.

    >>> def halve(s, n): s["x"] = s["x"] / 2
    >>> iterate({"x": np.array([1.0, 8.0])}, halve, lambda s, n: s["x"] < 1)["x"]
    array([0.5, 0.5])
    """
    size = len(next(iter(state.values())))
    result = {k: xp.empty(size) for k in state}
    active = xp.arange(size)
    for n in range(1, MAX_TERMS + 1):
        if active.size == 0:
            break
        step(state, n)
        finished = done(state, n)
        for k, v in state.items():
            result[k][active[finished]] = v[finished]
        keep = ~finished
        state = {k: v[keep] for k, v in state.items()}
        active = active[keep]
    for k, v in state.items():  # not converged in MAX_TERMS: the best there is
        result[k][active] = v
    return result


class Coefficients:
    """The terms of a continued fraction as a function of n, with the per-entry arrays
    (``args``) it needs, which travel with the active entries."""

    def __init__(self, function, **args) -> None:
        self.function, self.args = function, args

    def __call__(self, n, state):
        return self.function(n, **{k: state[k] for k in self.args})


def continued_fraction(b0, db0, coefficients: Coefficients):
    """Value and derivative (in one parameter) of ``b0 + a1/(b1 + a2/(b2 + ...))``, where
    ``coefficients(n, state)`` gives ``(a_n, da_n, b_n, db_n)`` for the active entries.

    Evaluated by the forward recurrence of the convergents A_n / B_n, differentiated
    alongside; all four running quantities are divided by B_n after each step, which keeps
    them finite without changing the ratios.

    >>> ones = np.ones(1)  # 1 + 1/(1 + 1/(1 + ...)), the golden ratio
    >>> value, _ = continued_fraction(ones, 0 * ones, Coefficients(
    ...     lambda n, x: (x, 0 * x, x, 0 * x), x=ones))
    >>> round(float(value[0]), 12)
    1.61803398875
    """
    ones, zeros = xp.ones_like(b0), xp.zeros_like(b0)
    state = dict(A=b0, A1=ones, dA=db0, dA1=zeros, B=ones, B1=zeros, dB=zeros, dB1=zeros,
                 value=b0, derivative=db0, change=xp.full_like(b0, xp.inf), **coefficients.args)

    def step(s, n):
        a, da, b, db = coefficients(n, s)
        A = b * s["A"] + a * s["A1"]
        B = b * s["B"] + a * s["B1"]
        dA = db * s["A"] + b * s["dA"] + da * s["A1"] + a * s["dA1"]
        dB = db * s["B"] + b * s["dB"] + da * s["B1"] + a * s["dB1"]
        scale = xp.where(B != 0, B, 1.0)
        s["A1"], s["B1"], s["dA1"], s["dB1"] = (s["A"] / scale, s["B"] / scale,
                                                 s["dA"] / scale, s["dB"] / scale)
        s["A"], s["B"], s["dA"], s["dB"] = A / scale, B / scale, dA / scale, dB / scale
        value = s["A"] / s["B"]
        derivative = (s["dA"] - value * s["dB"]) / s["B"]
        s["change"] = xp.maximum(xp.abs(value - s["value"]) / xp.abs(value),
                                 xp.abs(derivative - s["derivative"])
                                 / xp.maximum(xp.abs(derivative), xp.abs(value)))
        s["value"], s["derivative"] = value, derivative

    out = iterate(state, step, lambda s, n: s["change"] <= TOLERANCE)
    return out["value"], out["derivative"]
