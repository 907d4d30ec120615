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
import sys
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


_RUNNING_NODES: list = []  # in anomaly mode: the nodes whose backward is running, innermost last


def record_trace(node) -> None:
    """Keep the forward call stack on ``node`` (called by Op._record in anomaly mode), and
    the node whose backward was running when it was made (a graph of gradients, made with
    create_graph=True, is "induced" by that node: its error report names both)."""
    # Drop the frames of chainrule itself: the user wants to see their own line.
    stack = traceback.extract_stack()
    user = [f for f in stack if not _is_ours(f.filename)]
    node._anomaly_trace = "".join(traceback.format_list(user or stack))
    if _RUNNING_NODES:
        node._anomaly_parent = _RUNNING_NODES[-1]


_NO_TRACE = ("No forward pass information available. Enable detect anomaly during forward pass "
             "for more information.")


def _report(node) -> None:
    """Warn where ``node`` (whose backward failed) and the nodes that induced it were made.

    The warnings are PyTorch's, one per node; where warnings are errors (the filter says
    "error") they go to stderr instead, so that the original error still propagates."""
    trace = getattr(node, "_anomaly_trace", None)
    messages = [f"Error detected in {node.name()}. " + (
        f"Traceback of forward call that caused the error:\n{trace}" if trace else _NO_TRACE)]
    parent = getattr(node, "_anomaly_parent", None)
    while parent is not None:
        trace = getattr(parent, "_anomaly_trace", None)
        messages.append(
            f"Previous calculation was induced by {parent.name()}. " + (
                "Traceback of forward call that induced the previous calculation:\n"
                f"{trace}" if trace else _NO_TRACE))
        parent = getattr(parent, "_anomaly_parent", None)
    for message in messages:
        try:
            warnings.warn(message, UserWarning, stacklevel=3)
        except Warning:
            print(f"UserWarning: {message}", file=sys.stderr)


def run_with_anomaly_check(node, grads) -> list:
    """``node.apply(grads)``, raising if a gradient it returns holds NaN (or inf); an error
    warns first where the node was made in the forward pass."""
    _RUNNING_NODES.append(node)
    try:
        results = node.apply(grads)
        if grad_mode.flags.anomaly_check_nan:
            _check_finite(node, results)
    except Exception:
        _report(node)
        raise
    finally:
        _RUNNING_NODES.pop()
    return results


def _check_finite(node, results) -> None:
    for i, g in enumerate(results):
        if g is None or not g._data.dtype.kind == "f":
            continue
        data = g._data
        bad = "nan" if xp.isnan(data).any() else "inf" if xp.isinf(data).any() else None
        if bad is not None:
            trace = getattr(node, "_anomaly_trace", None)
            raise RuntimeError(
                f"Function '{node.name()}' returned {bad} values in its {i}th output.\n"
                + (f"Traceback of forward call that caused the error:\n{trace}" if trace
                   else "(no forward traceback: the node was made while anomaly mode was off. "
                        "Fix: enable detect_anomaly() before the forward pass.)\n")
                + "Fix: look at the inputs of that operation in the forward pass (log of 0, "
                "sqrt at 0, division by 0, 0 * inf), or see docs/autograd-conventions.md for "
                "the NaN-through-where pitfall.")


def is_anomaly_enabled() -> bool:
    return grad_mode.flags.anomaly


def is_anomaly_check_nan_enabled() -> bool:
    return grad_mode.flags.anomaly_check_nan


class detect_anomaly:
    """Context manager (or decorator) that turns anomaly detection on.

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
