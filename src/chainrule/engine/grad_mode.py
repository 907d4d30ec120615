"""Whether operations are being recorded: ``no_grad`` and friends.

The switch is thread-local, as in PyTorch: a ``no_grad`` block in one thread
does not stop another thread from recording.
"""
from __future__ import annotations

import functools
import inspect
import threading
import warnings

from .core import compiled


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

    >>> with torch.no_grad():
    ...     torch.is_grad_enabled()
    False
    """
    return state.enabled


def _wrap_generator(make_context, gen_fn):
    """A generator function whose body runs under a fresh context at every resumption.

    A plain ``with`` around the call would only cover the creation of the
    generator; its body runs later, at each ``next``/``send``/``throw``, in
    whatever mode the caller then has.  So every step into the generator
    enters the context and every ``yield`` back out leaves it: the body sees
    the decorator's mode and the caller keeps its own.
    """
    @functools.wraps(gen_fn)
    def generator(*args, **kwargs):
        gen = gen_fn(*args, **kwargs)
        try:
            with make_context():
                response = gen.send(None)
            while True:
                try:
                    request = yield response
                except GeneratorExit:
                    with make_context():
                        gen.close()
                    raise
                except BaseException as error:  # thrown in by the caller: pass it on
                    with make_context():
                        response = gen.throw(error)
                else:
                    with make_context():
                        response = gen.send(request)
        except StopIteration as stop:
            return stop.value
    return generator


# The compiled core's base: its C __enter__ and __exit__ (_core_grad_mode.c GradSwitch) are
# those below, with no Python frame for `with torch.no_grad():` in every update step.
_SwitchBase = object if compiled is None else compiled.GradSwitch
if compiled is not None:
    compiled.setup_grad_mode(state)


class _GradModeContext(_SwitchBase):
    """Base of the grad-mode switches: a context manager that is also a decorator.

    As a decorator it wraps each call (for a generator function: each step of
    the generator) in a fresh copy of the context, so decorated functions nest
    and recurse without sharing state.
    """

    mode = True

    def __enter__(self):
        # (C twin: _core_grad_mode.c grad_switch_enter, where the compiled core runs.)
        self._prev = state.enabled
        state.enabled = self.mode

    def __exit__(self, *exc):
        # (C twin: _core_grad_mode.c grad_switch_exit.)
        state.enabled = self._prev
        return False

    if compiled is not None:
        del __enter__, __exit__  # the C base's run

    def __call__(self, fn):
        if inspect.isclass(fn):
            warnings.warn(
                "Decorating classes is deprecated and will be disabled in future versions. You "
                "should only decorate functions or methods. To preserve the current behavior of "
                "class decoration, you can directly decorate the `__init__` method and nothing "
                "else.", FutureWarning, stacklevel=2)
            cls = fn

            def fn(*args, **kwargs):
                return cls(*args, **kwargs)
        if inspect.isgeneratorfunction(fn):
            return _wrap_generator(self.clone, fn)
        make_context = self.clone

        @functools.wraps(fn)
        def wrapper(*args, **kwargs):
            with make_context():
                return fn(*args, **kwargs)
        return wrapper

    def clone(self):
        return self.__class__()


class _NoArgGradModeContext(_GradModeContext):
    """A switch without arguments, so also a decorator without parentheses: ``@no_grad``."""

    def __new__(cls, fn=None):
        # (C twin for `no_grad()`: _core_grad_mode.c grad_switch_new, bound below.)
        if fn is None:
            return object.__new__(cls)  # (object's directly: this runs on every `with`)
        return cls()(fn)

    if compiled is not None:
        __new__ = compiled.fast_method("grad_switch_new", __new__)


class no_grad(_NoArgGradModeContext):
    """Do not record operations: results need no gradient and keep no graph.

    Usable as ``with no_grad():``, ``@no_grad()`` or ``@no_grad``.

    >>> x = torch.ones(2, requires_grad=True)
    >>> with torch.no_grad():
    ...     y = x * 2
    >>> y.requires_grad
    False
    """

    mode = False


class enable_grad(_NoArgGradModeContext):
    """Record operations again inside a ``no_grad`` block.

    >>> x = torch.ones(2, requires_grad=True)
    >>> with torch.no_grad(), torch.enable_grad():
    ...     (x * 2).requires_grad
    True
    """

    mode = True


class set_grad_enabled(_GradModeContext):
    """Turn recording on or off; works as a call, a context manager or a decorator.

    >>> with torch.set_grad_enabled(False):
    ...     torch.is_grad_enabled()
    False
    """

    def __init__(self, mode: bool):
        self._prev = state.enabled
        self.mode = bool(mode)
        state.enabled = self.mode  # takes effect at once when used as a plain call

    def __enter__(self):
        state.enabled = self.mode

    def __exit__(self, *exc):
        state.enabled = self._prev
        return False

    def __call__(self, fn):
        state.enabled = self._prev  # as a decorator it must not change the mode now
        return super().__call__(fn)

    def clone(self):
        return set_grad_enabled(self.mode)


class inference_mode(_GradModeContext):
    """Like ``no_grad`` (chainrule has no separate inference tensors).

    Usable as ``with inference_mode():``, ``@inference_mode()``,
    ``@inference_mode(False)`` or ``@inference_mode``.

    >>> with torch.inference_mode():
    ...     torch.is_grad_enabled()
    False
    """

    def __new__(cls, mode=True):
        if isinstance(mode, bool):
            return object.__new__(cls)
        return cls()(mode)  # @inference_mode without parentheses: mode is the function

    def __init__(self, mode: bool = True):
        self.inference = mode
        self.mode = not mode

    def __enter__(self):
        self._prev = state.enabled
        self._prev_inf = state.inference
        state.enabled = self.mode
        state.inference = self.inference

    def __exit__(self, *exc):
        state.enabled = self._prev
        state.inference = self._prev_inf
        return False

    def clone(self):
        return inference_mode(self.inference)


def is_inference_mode_enabled() -> bool:
    """True inside an ``inference_mode()`` block.

    >>> torch.is_inference_mode_enabled()
    False
    >>> with torch.inference_mode():
    ...     torch.is_inference_mode_enabled()
    True
    """
    return state.inference
