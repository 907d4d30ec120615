"""Anomaly detection: find the forward operation whose backward produced NaN.

With anomaly mode on, every recorded node keeps the stack of the Python code
that created it (``record_trace``), and the engine runs each node through
``run_with_anomaly_check``: a NaN or infinite value in a node's output
gradients raises a RuntimeError that names the node (``MulBackward0``) and
shows where in *your* forward code that operation was called.

It is a debugging tool: recording a stack per operation makes the forward
pass several times slower (measured in docs/autograd-conventions.md).
"""
from __future__ import annotations

import functools
import os
import traceback
import warnings

from .._backend import xp
from . import grad_mode

__all__ = ["detect_anomaly", "set_detect_anomaly", "is_anomaly_enabled",
           "is_anomaly_check_nan_enabled"]


# The package's own folder: frames from files inside it are chainrule's, not the user's
# (a user's folder may be named chainrule too, as git clone names a clone).
_PACKAGE_DIR = os.path.dirname(os.path.dirname(os.path.abspath(__file__))) + os.sep


@functools.lru_cache(maxsize=1024)
def _is_ours(filename: str) -> bool:
    return os.path.abspath(filename).startswith(_PACKAGE_DIR)


def record_trace(node) -> None:
    """Keep the forward call stack on ``node`` (called by Op._record in anomaly mode)."""
    # Drop the frames of chainrule itself: the user wants to see their own line.
    stack = traceback.extract_stack()
    user = [f for f in stack if not _is_ours(f.filename)]
    node._anomaly_trace = "".join(traceback.format_list(user or stack))


def _forward_trace(node) -> str:
    trace = getattr(node, "_anomaly_trace", None)
    if not trace:
        return ("(no forward traceback: the node was created while anomaly mode was off. "
                "Fix: enable detect_anomaly() before the forward pass.)")
    return trace


def run_with_anomaly_check(node, grads) -> list:
    """``node.apply(grads)``, raising if a gradient it returns holds NaN (or inf)."""
    try:
        results = node.apply(grads)
    except Exception:
        warnings.warn(f"Error detected in {node.name()}. Traceback of forward call that caused "
                      f"the error:\n{_forward_trace(node)}", UserWarning, stacklevel=2)
        raise
    if grad_mode.flags.anomaly_check_nan:
        for i, g in enumerate(results):
            if g is None or not g._data.dtype.kind == "f":
                continue
            data = g._data
            bad = "nan" if xp.isnan(data).any() else "inf" if xp.isinf(data).any() else None
            if bad is not None:
                raise RuntimeError(
                    f"Function '{node.name()}' returned {bad} values in its {i}th output.\n"
                    f"Traceback of forward call that caused the error:\n"
                    f"{_forward_trace(node)}"
                    "Fix: look at the inputs of that operation in the forward pass (log of 0, "
                    "sqrt at 0, division by 0, 0 * inf), or see docs/autograd-conventions.md for "
                    "the NaN-through-where pitfall.")
    return results


def is_anomaly_enabled() -> bool:
    return grad_mode.flags.anomaly


def is_anomaly_check_nan_enabled() -> bool:
    return grad_mode.flags.anomaly_check_nan


class detect_anomaly:
    """Context manager (or decorator) that turns anomaly detection on.

    >>> import chainrule as torch
    >>> import warnings; warnings.simplefilter("ignore")
    >>> x = torch.tensor(0.0, requires_grad=True)
    >>> with torch.autograd.detect_anomaly():
    ...     y = torch.sqrt(x) * 0
    ...     try:
    ...         y.backward()
    ...     except RuntimeError as e:
    ...         print(str(e).splitlines()[0])
    Function 'SqrtBackward0' returned nan values in its 0th output.
    """

    def __init__(self, check_nan: bool = True) -> None:
        self.check_nan = check_nan
        warnings.warn("Anomaly Detection has been enabled. This mode will increase the runtime "
                      "and should only be enabled for debugging.", UserWarning, stacklevel=2)

    def __enter__(self) -> None:
        self._prev = (grad_mode.flags.anomaly, grad_mode.flags.anomaly_check_nan)
        grad_mode.flags.anomaly = True
        grad_mode.flags.anomaly_check_nan = self.check_nan

    def __exit__(self, *exc) -> bool:
        grad_mode.flags.anomaly, grad_mode.flags.anomaly_check_nan = self._prev
        return False

    def __call__(self, fn):
        @functools.wraps(fn)
        def wrapper(*args, **kwargs):
            with self.__class__(self.check_nan):
                return fn(*args, **kwargs)
        return wrapper


class set_detect_anomaly:
    """Turn anomaly detection on or off; as a call, context manager or decorator.

    >>> import chainrule as torch
    >>> from chainrule.autograd.anomaly_mode import is_anomaly_enabled
    >>> _ = torch.autograd.set_detect_anomaly(True); is_anomaly_enabled()
    True
    >>> _ = torch.autograd.set_detect_anomaly(False); is_anomaly_enabled()
    False
    """

    def __init__(self, mode: bool, check_nan: bool = True) -> None:
        self._prev = (grad_mode.flags.anomaly, grad_mode.flags.anomaly_check_nan)
        grad_mode.flags.anomaly = bool(mode)
        grad_mode.flags.anomaly_check_nan = check_nan

    def __enter__(self) -> None:
        pass

    def __exit__(self, *exc) -> bool:
        grad_mode.flags.anomaly, grad_mode.flags.anomaly_check_nan = self._prev
        return False
