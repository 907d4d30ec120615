"""Elementwise functions of NumPy that are not ufuncs: ``sinc``, ``nan_to_num``, and the
rounding functions (whose gradient is zero, so they read values)."""
from __future__ import annotations

import numpy

import chainrule

from ._core import as_tensor, differentiable, values_only


@differentiable(numpy.sinc)
def sinc(x):
    """The normalised sinc function ``sin(pi x) / (pi x)``, as ``numpy.sinc``.

    >>> x = chainrule.tensor([0., 1.], dtype=chainrule.float64, requires_grad=True)
    >>> np.sinc(x).tolist()[0]
    1.0
    """
    t = as_tensor(x)
    if t.dtype.np.kind != "f":
        t = t.to(chainrule.float64)
    return chainrule.sinc(t)


@differentiable(numpy.nan_to_num)
def nan_to_num(x, copy=True, nan=0.0, posinf=None, neginf=None):
    """NaN replaced by ``nan`` and infinities by the largest finite numbers (or ``posinf`` and
    ``neginf``), as ``numpy.nan_to_num``; the replaced elements get no gradient.

    >>> x = chainrule.tensor([float('nan'), 1.], dtype=chainrule.float64, requires_grad=True)
    >>> np.nan_to_num(x).tolist()
    [0.0, 1.0]
    """
    return chainrule.nan_to_num(as_tensor(x), nan=nan, posinf=posinf, neginf=neginf)


# Rounding: the gradient is zero almost everywhere, so these read values.
round = values_only(numpy.round)  # noqa: A001
around = values_only(numpy.around)
fix = values_only(numpy.fix)
