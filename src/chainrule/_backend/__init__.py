"""The one place that names the array library.

Everything above this layer writes ``xp.exp(a)`` rather than ``numpy.exp(a)``,
so that another array library with NumPy's interface (CuPy on a GPU) could be
swapped in here without touching the engine or the rules.
"""
import warnings

import numpy as xp
from numpy.lib.stride_tricks import sliding_window_view

ndarray = xp.ndarray

# PyTorch computes inf - inf, 0 * inf or a sum of +inf and -inf as nan without a word;
# NumPy warns. The arithmetic rows call NumPy without an errstate (entering one on every
# op would cost more than the arithmetic on a small tensor), so NumPy's floating-point
# RuntimeWarnings are ignored where chainrule's own code raised them: a filter costs
# nothing until a warning is raised, and the user's own NumPy code still warns.
warnings.filterwarnings("ignore", category=RuntimeWarning, module=r"chainrule\.",
                        message=r"(invalid value|divide by zero|overflow) encountered")

try:
    # NumPy's error state is a context variable; setting it to a prebuilt "ignore" state is
    # one C call, where `with np.errstate(all="ignore")` rebuilds the state object on every
    # entry: per-op overhead matters on small tensors.
    from numpy._core._multiarray_umath import _extobj_contextvar, _make_extobj
    _IGNORE_FP_ERRORS = _make_extobj(all="ignore")

    def silence_fp_errors():
        """Stop NumPy's floating-point warnings until ``restore_fp_errors(token)``.

        PyTorch returns inf and nan for log(0), 1 / 0, sqrt(-1) or exp(1000) silently.
        """
        return _extobj_contextvar.set(_IGNORE_FP_ERRORS)

    def restore_fp_errors(token) -> None:
        _extobj_contextvar.reset(token)

    # (the compiled core sets this variable itself: engine/core.py)
    FP_ERRORS_IGNORED = (_extobj_contextvar, _IGNORE_FP_ERRORS)

    def quiet(fn, *arrays):
        """``fn(*arrays)`` without NumPy's floating-point warnings (PyTorch is silent).

        (C twin: engine/_core_front.c quiet, which engine.core.quiet is where compiled.)
        """
        token = _extobj_contextvar.set(_IGNORE_FP_ERRORS)  # inlined: a call less per op
        try:
            return fn(*arrays)
        finally:
            _extobj_contextvar.reset(token)
except ImportError:  # a NumPy without that internal: the public, slower spelling
    FP_ERRORS_IGNORED = None

    def silence_fp_errors():
        """Stop NumPy's floating-point warnings until ``restore_fp_errors(token)``."""
        state = xp.errstate(all="ignore")
        state.__enter__()
        return state

    def restore_fp_errors(token) -> None:
        token.__exit__(None, None, None)

    def quiet(fn, *arrays):
        """``fn(*arrays)`` without NumPy's floating-point warnings (PyTorch is silent)."""
        with xp.errstate(all="ignore"):
            return fn(*arrays)


__all__ = ["xp", "ndarray", "sliding_window_view", "quiet", "silence_fp_errors",
           "restore_fp_errors"]
