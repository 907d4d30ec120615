"""The hook through which ``chainrule.compile`` watches a function run.

``tracer`` is None, except while ``chainrule.compile`` traces a call: then the
engine tells it of each NumPy computation that touches a tensor (an op's
forward, the backward pass, an in-place write) and of each place where Python
reads a tensor's values (``.item()``, ``bool(t)``, printing).  Ordinary calls
pay one check of ``tracer``.  The tracer itself lives in ``chainrule.compiler``;
this module sits at the bottom of the package so that every layer can call it
without importing upward.
"""
from __future__ import annotations

import functools

tracer = None


def set_tracer(new):
    """Make ``new`` the tracer (None: none); returns the one it replaces."""
    global tracer
    previous, tracer = tracer, new
    return previous


def value_read(tensor) -> None:
    """Python is about to read ``tensor``'s values (``.item()``, ``bool``, printing)."""
    if tracer is not None:
        tracer.value_read(tensor)


def recorded_call(function):
    """Decorate a function of arrays that chainrule calls outside any op (the windows a
    convolution copies, ``im2col``): a tracer records its call as it records an op's
    forward.  The function must depend on nothing but its arguments.

    >>> double = recorded_call(lambda a: a * 2)
    >>> double(3)
    6
    """
    @functools.wraps(function)
    def call(*args, **kwargs):
        result = function(*args, **kwargs)
        if tracer is not None:
            tracer.array_call(function, args, kwargs, result)
        return result
    return call


def replayed_whole(method):
    """Decorate a method (an optimizer's ``step``, ``zero_grad``) that a traced function
    calls: the tracer records the call itself, and a replay calls the method again, instead
    of recording the array operations it runs without telling the engine.

    >>> class Counter:
    ...     calls = 0
    ...     @replayed_whole
    ...     def step(self):
    ...         self.calls += 1
    >>> c = Counter(); c.step(); c.calls
    1
    """
    @functools.wraps(method)
    def call(self, *args, **kwargs):
        if tracer is not None:
            return tracer.whole_call(method, self, args, kwargs)
        return method(self, *args, **kwargs)
    return call
