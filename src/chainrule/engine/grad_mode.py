"""Whether operations are being recorded: ``no_grad`` and friends.

The switch is thread-local, as in PyTorch: a ``no_grad`` block in one thread
does not stop another thread from recording.
"""
from __future__ import annotations

import functools
import threading


class _State(threading.local):
    # Read on every operation, so a plain attribute rather than a getter function.
    enabled = True
    inference = False


class _GlobalFlags:
    # Anomaly mode is global in PyTorch (not per thread).
    anomaly = False
    anomaly_check_nan = True
    # Forward-mode AD is on (inside forward_ad.dual_level): the one check Op.__call__ makes.
    forward_ad = False


state = _State()
flags = _GlobalFlags()


def anomaly_enabled() -> bool:
    return flags.anomaly


def is_grad_enabled() -> bool:
    """True when operations are recorded for backward.

    >>> import chainrule as torch
    >>> with torch.no_grad():
    ...     torch.is_grad_enabled()
    False
    """
    return state.enabled


class _GradModeContext:
    """Base of the grad-mode switches: a context manager that is also a decorator."""

    mode = True

    def __enter__(self):
        self._prev = state.enabled
        state.enabled = self.mode

    def __exit__(self, *exc):
        state.enabled = self._prev
        return False

    def __call__(self, fn):
        @functools.wraps(fn)
        def wrapper(*args, **kwargs):
            with self.__class__():
                return fn(*args, **kwargs)
        return wrapper

    def clone(self):
        return self.__class__()


class no_grad(_GradModeContext):
    """Do not record operations: results need no gradient and keep no graph.

    >>> import chainrule as torch
    >>> x = torch.ones(2, requires_grad=True)
    >>> with torch.no_grad():
    ...     y = x * 2
    >>> y.requires_grad
    False
    """

    mode = False


class enable_grad(_GradModeContext):
    """Record operations again inside a ``no_grad`` block.

    >>> import chainrule as torch
    >>> x = torch.ones(2, requires_grad=True)
    >>> with torch.no_grad(), torch.enable_grad():
    ...     (x * 2).requires_grad
    True
    """

    mode = True


class set_grad_enabled(_GradModeContext):
    """Turn recording on or off; works as a call, a context manager or a decorator.

    >>> import chainrule as torch
    >>> with torch.set_grad_enabled(False):
    ...     torch.is_grad_enabled()
    False
    """

    def __init__(self, mode: bool):
        self._prev = state.enabled
        self.mode = bool(mode)
        state.enabled = self.mode  # takes effect at once when used as a plain call

    def __enter__(self):
        pass

    def __exit__(self, *exc):
        state.enabled = self._prev
        return False

    def __call__(self, fn):
        state.enabled = self._prev  # as a decorator it must not change the mode now
        mode = self.mode

        @functools.wraps(fn)
        def wrapper(*args, **kwargs):
            with set_grad_enabled(mode):
                return fn(*args, **kwargs)
        return wrapper

    def clone(self):
        return set_grad_enabled(self.mode)


class inference_mode(_GradModeContext):
    """Like ``no_grad`` (chainrule has no separate inference tensors).

    >>> import chainrule as torch
    >>> with torch.inference_mode():
    ...     torch.is_grad_enabled()
    False
    """

    def __init__(self, mode: bool = True):
        self.mode = not mode

    def __enter__(self):
        self._prev = state.enabled
        self._prev_inf = state.inference
        state.enabled = self.mode
        state.inference = not self.mode

    def __exit__(self, *exc):
        state.enabled = self._prev
        state.inference = self._prev_inf
        return False

    def __call__(self, fn):
        enabled = not self.mode

        @functools.wraps(fn)
        def wrapper(*args, **kwargs):
            with inference_mode(enabled):
                return fn(*args, **kwargs)
        return wrapper


def is_inference_mode_enabled() -> bool:
    """True inside an ``inference_mode()`` block.

    >>> import chainrule as torch
    >>> torch.is_inference_mode_enabled()
    False
    >>> with torch.inference_mode():
    ...     torch.is_inference_mode_enabled()
    True
    """
    return state.inference
