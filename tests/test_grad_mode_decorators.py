"""Grad-mode switches as decorators: without parentheses, on generators, on classes.

Each scenario runs once with chainrule and once with PyTorch and records
``is_grad_enabled()`` at every step; the two traces must be equal.
"""
from __future__ import annotations

import threading
import warnings

import pytest

import chainrule as cr
from helpers import torch_or_skip

SWITCHES = ["no_grad", "enable_grad", "inference_mode"]


def same_trace(scenario, *args):
    torch = torch_or_skip()
    ours = scenario(cr, *args)
    theirs = scenario(torch, *args)
    assert ours == theirs
    return ours


def bare_decorator(lib, name):
    trace = []

    @getattr(lib, name)
    def f(x):
        trace.append(lib.is_grad_enabled())
        return x * 2

    x = lib.ones(1, requires_grad=True)
    for outer in (lib.no_grad, lib.enable_grad):
        with outer():
            y = f(x)
            trace += [lib.is_grad_enabled(), y.requires_grad, f.__name__]
    return trace


@pytest.mark.parametrize("name", SWITCHES)
def test_decorator_without_parentheses(name):
    same_trace(bare_decorator, name)


def decorated_call_and_instance(lib, name):
    def add(a, b):
        return a + b
    x = lib.ones(2, requires_grad=True)
    switch = getattr(lib, name)
    return [switch(add)(x, x).requires_grad, switch()(add)(x, x).requires_grad]


@pytest.mark.parametrize("name", SWITCHES)
def test_function_argument_and_instance_decorate_alike(name):
    same_trace(decorated_call_and_instance, name)


def generator_steps(lib, decorator, outer):
    trace = []

    @decorator(lib)
    def gen(n):
        for i in range(n):
            trace.append(("body", lib.is_grad_enabled()))
            got = yield i
            trace.append(("resumed", got, lib.is_grad_enabled()))
        return "done"

    with getattr(lib, outer)():
        g = gen(3)
        trace.append(("first", next(g), lib.is_grad_enabled()))
        try:
            while True:
                trace.append(("sent", g.send("x"), lib.is_grad_enabled()))
        except StopIteration as stop:
            trace.append(("stop", stop.value, lib.is_grad_enabled()))
    return trace


DECORATORS = {
    "no_grad()": lambda lib: lib.no_grad(),
    "enable_grad()": lambda lib: lib.enable_grad(),
    "no_grad": lambda lib: lib.no_grad,
    "set_grad_enabled(False)": lambda lib: lib.set_grad_enabled(False),
    "inference_mode()": lambda lib: lib.inference_mode(),
}


@pytest.mark.parametrize("outer", ["no_grad", "enable_grad"])
@pytest.mark.parametrize("decorator", list(DECORATORS))
def test_generator_mode_follows_each_yield(decorator, outer):
    same_trace(generator_steps, DECORATORS[decorator], outer)


def generator_throw_and_close(lib, switch, outer):
    trace = []

    class Recoverable(Exception):
        pass

    @getattr(lib, switch)()
    def gen():
        i = 0
        while True:
            try:
                yield i
            except Recoverable:
                trace.append(("caught", lib.is_grad_enabled()))
                i -= 1
            except GeneratorExit:
                trace.append(("closing", lib.is_grad_enabled()))
                raise

    with getattr(lib, outer)():
        g = gen()
        next(g)
        trace.append(("thrown", g.throw(Recoverable), lib.is_grad_enabled()))
        g.close()
        trace.append(("closed", lib.is_grad_enabled()))

    @getattr(lib, switch)()
    def failing():
        try:
            yield 0
        except Recoverable:
            raise KeyError("secondary") from None

    with getattr(lib, outer)():
        g = failing()
        next(g)
        try:
            g.throw(Recoverable)
        except KeyError:
            trace.append(("secondary", lib.is_grad_enabled()))
    return trace


@pytest.mark.parametrize("outer", ["no_grad", "enable_grad"])
@pytest.mark.parametrize("switch", ["no_grad", "enable_grad"])
def test_generator_throw_and_close_run_in_decorated_mode(switch, outer):
    same_trace(generator_throw_and_close, switch, outer)


def class_decoration(lib):
    trace = []
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")

        @lib.no_grad()
        class Foo:
            def __init__(self):
                trace.append(("init", lib.is_grad_enabled()))

            def method(self):
                trace.append(("method", lib.is_grad_enabled()))

        Foo().method()
    trace += [(w.category.__name__, str(w.message)) for w in caught]
    return trace


def test_decorating_a_class_warns_and_covers_only_construction():
    trace = same_trace(class_decoration)
    assert trace[-1][0] == "FutureWarning"


def set_grad_enabled_uses(lib):
    trace = []
    with lib.enable_grad():
        lib.set_grad_enabled(False)
        trace.append(lib.is_grad_enabled())
        with lib.set_grad_enabled(True):
            trace.append(lib.is_grad_enabled())
        trace.append(lib.is_grad_enabled())
        lib.set_grad_enabled(True)

        @lib.set_grad_enabled(False)
        def f():
            return lib.is_grad_enabled()
        trace += [lib.is_grad_enabled(), f(), lib.is_grad_enabled()]
    return trace


def test_set_grad_enabled_as_call_context_and_decorator():
    same_trace(set_grad_enabled_uses)


def test_decorated_recursion_restores_each_callers_mode():
    seen = []

    @cr.enable_grad()
    def on(depth):
        seen.append(cr.is_grad_enabled())
        if depth:
            off(depth - 1)
        seen.append(cr.is_grad_enabled())

    @cr.no_grad
    def off(depth):
        seen.append(cr.is_grad_enabled())
        if depth:
            on(depth - 1)
        seen.append(cr.is_grad_enabled())

    with cr.no_grad():
        on(3)
        assert not cr.is_grad_enabled()
    assert seen == [True, False, True, False, False, True, False, True]


def _as_context_manager(m):
    """`with m.no_grad():` and friends: in another thread, around an error, nested, `as`."""
    trace = []
    seen = []
    with m.no_grad() as value:
        trace.append(value)
        thread = threading.Thread(target=lambda: seen.append(m.is_grad_enabled()))
        thread.start()
        thread.join()
        trace.append(m.is_grad_enabled())
        with m.enable_grad():
            trace.append(m.is_grad_enabled())
            with m.set_grad_enabled(False):
                trace.append(m.is_grad_enabled())
            trace.append(m.is_grad_enabled())
        trace.append(m.is_grad_enabled())
    try:
        with m.no_grad():
            raise KeyError("inside")
    except KeyError:
        trace.append(m.is_grad_enabled())
    return trace + seen


def test_switches_as_context_managers_match_pytorch():
    # (no_grad's __enter__/__exit__/__new__ have C twins in the compiled core)
    same_trace(_as_context_manager)
