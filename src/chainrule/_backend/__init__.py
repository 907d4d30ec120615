"""The one place that names the array library.

Everything above this layer writes ``xp.exp(a)`` rather than ``numpy.exp(a)``,
so that another array library with NumPy's interface (CuPy on a GPU) could be
swapped in here without touching the engine or the rules.
"""
import numpy as xp

ndarray = xp.ndarray

__all__ = ["xp", "ndarray"]
