"""The numerics of the special functions, on NumPy arrays, below everything that records.

The rule tables (``ops/special.py``, ``ops/pointwise.py``) and ``distributions`` take their
forward computations from here, so each function is written once.  Every function takes
arrays and returns arrays: it computes in float64 and hands the result back in the
input's dtype.  NumPy and the standard library only:

- ``iteration``: running a recurrence or continued fraction per element until it converges;
- ``gamma``: ``lgamma``, ``digamma``, ``polygamma``, Hurwitz ``zeta`` and the regularised
  incomplete gamma function (with its derivative in the shape, for ``distributions``);
"""
