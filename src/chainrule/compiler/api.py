"""``compile``: trace a function's first call, replay its NumPy calls on the next ones.

A compiled function keeps, per kind of call, a replay (``trace.py`` records it,
``replay.py`` compiles it).  A call's kind is what a replay depends on: each
argument's type, and for a tensor its shape, dtype, ``requires_grad``, whether its
``.grad`` is None and whether it is a leaf and no view; other arguments by value;
grad mode and the default dtype; and the same facts about the captured tensors
the replay reads (the guard).  A call of a new kind is traced (it runs eagerly,
recorded).  Where a trace fails, calls of that kind run eagerly from then on; after
``recompile_limit`` traces, every call does; each reason is logged once under
``CHAINRULE_LOG=compile``.
"""
from __future__ import annotations

import functools
import logging
import os
import sys
import warnings
import weakref

from .. import _dtypes, _tracing
from ..engine import grad_mode
from ..nn.module import Module
from ..tensor import Tensor
from .reach import reachable, values_hold
from .replay import MISS
from .trace import TraceFailed, Tracer

_LOGGER = logging.getLogger("chainrule.compile")
_COMPILED: weakref.WeakSet = weakref.WeakSet()  # every compiled function (reset clears them)
_MODES = ("default", "lite", "reduce-overhead", "max-autotune-no-cudagraphs", "max-autotune")
_BACKENDS = ("inductor", "eager", "aot_eager", "cudagraphs", "tvm", "openxla", "onnxrt")
_SIMPLE = (int, float, bool, str, type(None))
_CONTAINERS = (list, tuple, dict, set)


def _plain(a) -> bool:
    """A number, string, None, or a tuple of them: an argument a key holds by value."""
    return type(a) in _SIMPLE or type(a) is tuple and all(_plain(e) for e in a)
_WARNED: set = set()  # the option warnings already given (each once per process)


def log_fallback(name: str, reason: str) -> None:
    """Say why ``name`` runs eagerly: on stderr under ``CHAINRULE_LOG=compile``, and always to
    the ``chainrule.compile`` logger."""
    message = f"chainrule.compile: {name} runs eagerly: {reason}"
    if "compile" in os.environ.get("CHAINRULE_LOG", "").replace(",", " ").split():
        print(message, file=sys.stderr)
    _LOGGER.info(message)


def _warn_once(message: str) -> None:
    if message not in _WARNED:
        _WARNED.add(message)
        warnings.warn(message, UserWarning, stacklevel=4)


class _Entry:
    """One replay, the state of the captured tensors it was traced with, and the plain
    values (globals, closure cells, module attributes) it took as constants."""

    __slots__ = ("replay", "captured", "state", "values")

    def __init__(self, replay, captured: list, state: tuple, values: list) -> None:
        self.replay = replay
        self.captured = captured
        self.state = state
        self.values = values


def _captured_state(captured: list) -> tuple:
    return tuple((c._data.shape, c._data.dtype, c._requires_grad, c._grad is None)
                 for c in captured)


class CompiledFunction:
    """What ``compile(fn)`` keeps: the function, its replays, and why it runs eagerly if so."""

    def __init__(self, fn, name: str, eager_reason: str | None = None,
                 recompile_limit: int = 8, warn_on_fallback: bool = False) -> None:
        self.fn = fn
        self.name = name
        self.eager_reason = eager_reason
        self.fixed_reason = eager_reason  # (from compile's own arguments: reset keeps it)
        self.recompile_limit = recompile_limit
        self.warn_on_fallback = warn_on_fallback
        self.entries: dict = {}  # the arguments' key -> [_Entry]
        # the arguments' key -> why a call of that kind runs eagerly (its trace failed): a
        # module whose output needs a graph in training can still be replayed under no_grad
        self.fallbacks: dict = {}
        self.traced = 0
        # The replay last used, with its guard compiled in: tried first by a call without
        # keyword arguments (the usual training loop calls one replay again and again).
        self.fast = None
        _COMPILED.add(self)

    def reset(self) -> None:
        self.entries.clear()
        self.fallbacks.clear()
        self.traced = 0
        self.fast = None
        self.eager_reason = self.fixed_reason

    def __call__(self, args: tuple, kwargs: dict):
        if self.eager_reason is not None or _tracing.tracer is not None \
                or grad_mode.flags.anomaly or grad_mode.flags.forward_ad:
            # (inside another traced call: traced there; anomaly mode and dual tensors need
            # the engine)
            return self.fn(*args, **kwargs)
        values = list(args)
        if kwargs:
            values.extend(kwargs[k] for k in sorted(kwargs))
        key = [grad_mode.state.enabled, _dtypes._default_float, tuple(sorted(kwargs))]
        for a in values:
            if isinstance(a, Tensor):
                key.append((type(a), a._data.shape, a._data.dtype, a._requires_grad,
                            a._grad is None, a._grad_fn is None, a._base is None))
            elif _plain(a):
                key.append((type(a), a))
            elif type(a) in _CONTAINERS:
                key.append(type(a))  # (its tensors could change: such calls run eagerly)
            else:
                key.append(id(a))  # any other object: this very object (the guard keeps it)
        key = tuple(key)
        if key in self.fallbacks:
            return self.fn(*args, **kwargs)
        for entry in self.entries.get(key, ()):
            if _captured_state(entry.captured) == entry.state and values_hold(entry.values):
                if not kwargs:
                    self.fast = entry.replay.guarded
                return entry.replay.run(values)
        return self._trace(args, kwargs, values, key)

    def _trace(self, args, kwargs, values, key):
        if self.traced >= self.recompile_limit:
            self._give_up(f"it was traced for {self.recompile_limit} kinds of call (shapes, "
                          "dtypes, requires_grad, .grad set or not, argument values); raise "
                          "recompile_limit= to keep more")
            return self.fn(*args, **kwargs)
        if any(type(a) in _CONTAINERS and not _plain(a) for a in values):
            reason = "an argument is a list, tuple or dict (pass its tensors one by one)"
            self._say(reason)
            self.fallbacks[key] = reason
            return self.fn(*args, **kwargs)
        tensors = [a if isinstance(a, Tensor) else None for a in values]
        if len({id(t) for t in tensors if t is not None}) < sum(t is not None for t in tensors):
            return self.fn(*args, **kwargs)  # the same tensor twice: no trace of this call
        found, objects, plain = reachable([self.fn, values])
        captured = {i: t for i, t in found.items() if not any(t is a for a in tensors)}
        facts = [("tensor", type(a), a._data.shape, a._data.dtype, a._requires_grad,
                   a._grad is None, a._grad_fn is None, a._base is None)
                  if isinstance(a, Tensor) else ("plain", a) if _plain(a)
                  else ("object", a) for a in values]
        tracer = Tracer(tensors, captured, objects)
        previous = _tracing.set_tracer(tracer)
        try:
            result = self.fn(*args, **kwargs)
        finally:
            _tracing.set_tracer(previous)
        self.traced += 1
        try:
            replay = tracer.finish(result, len(values), self.name)
        except TraceFailed as e:
            reason = str(e)
            if reason not in self.fallbacks.values():
                self._say(reason)
            self.fallbacks[key] = reason
            return result
        used = [t for t in captured.values() if id(t) in tracer.used]
        state = tracer.entry_state(used)
        replay.guard(*_guard(key[:2], facts, used, state, plain))
        self.entries.setdefault(key, []).append(_Entry(replay, used, state, plain))
        if not kwargs:
            self.fast = replay.guarded
        return result

    def _give_up(self, reason: str) -> None:
        self.eager_reason = reason
        self.entries.clear()
        self.fast = None
        self._say(reason)

    def _say(self, reason: str) -> None:
        log_fallback(self.name, reason)
        if self.warn_on_fallback:
            _warn_once(f"torch.compile(fullgraph=True): {self.name} runs eagerly: {reason}")


def _guard(modes: tuple, arguments: list, captured: list, state: tuple, plain: list):
    """The conditions of ``CompiledFunction.__call__``'s key and checks, written out for one
    replay (``Replay.guard``): ``(number of arguments, conditions, the names they use)``."""
    names = {"grad_state": grad_mode.state, "dtypes": _dtypes, "values_hold": values_hold,
             "Tensor": Tensor}
    checks = [f"grad_state.enabled is {modes[0]}", "dtypes._default_float is default_float",
              "not (flags.anomaly or flags.forward_ad)"]
    names["flags"] = grad_mode.flags
    names["default_float"] = modes[1]
    for i, facts in enumerate(arguments):
        a = f"t{i}"
        if facts[0] == "tensor":
            kind, shape, dtype, requires_grad, no_grad_yet, leaf, no_view = facts[1:]
            names[f"type{i}"], names[f"dtype{i}"] = kind, dtype
            checks.append(f"type({a}) is type{i} and {a}._data.shape == {shape!r} and "
                          f"{a}._data.dtype == dtype{i} and {a}._requires_grad is "
                          f"{requires_grad} and ({a}._grad is None) is {no_grad_yet} and "
                          f"({a}._grad_fn is None) is {leaf} and ({a}._base is None) is "
                          f"{no_view}")
        elif facts[0] == "plain":
            names[f"value{i}"] = facts[1]
            checks.append(f"type({a}) is type(value{i}) and {a} == value{i}")
        else:
            names[f"value{i}"] = facts[1]
            checks.append(f"{a} is value{i}")
    for j, (c, facts) in enumerate(zip(captured, state)):
        names[f"captured{j}"], names[f"facts{j}"] = c, facts
        checks.append(f"(captured{j}._data.shape, captured{j}._data.dtype, "
                      f"captured{j}._requires_grad, captured{j}._grad is None) == facts{j}")
    if plain:
        names["plain"] = plain
        checks.append("values_hold(plain)")
    return len(arguments), checks, names


def _wrap(fn, state: CompiledFunction):
    """A plain function calling ``state``, as PyTorch's torch.compile returns one."""
    @functools.wraps(fn)
    def compiled(*args, **kwargs):
        fast = state.fast
        if fast is not None and not kwargs and _tracing.tracer is None:
            result = fast(args)
            if result is not MISS:
                return result
        return state(args, kwargs)
    compiled._chainrule_compiled = state
    return compiled


class OptimizedModule(Module):
    """What ``compile(module)`` returns, as PyTorch's: a module holding the original as
    ``_orig_mod`` (so its parameters are named ``_orig_mod.weight``), whose call is compiled;
    other attributes are the original's.

    >>> m = torch.compile(torch.nn.Linear(2, 2))
    >>> type(m).__name__, m.weight is m._orig_mod.weight
    ('OptimizedModule', True)
    """

    def __init__(self, mod: Module, call) -> None:
        super().__init__()
        self._orig_mod = mod
        self.__dict__["_compiled_call"] = call  # (not a submodule or a parameter)

    def __call__(self, *args, **kwargs):
        return self.__dict__["_compiled_call"](*args, **kwargs)

    def forward(self, *args, **kwargs):
        return self.__dict__["_compiled_call"](*args, **kwargs)

    def __getattr__(self, name: str):
        try:
            return super().__getattr__(name)
        except AttributeError:
            return getattr(self.__dict__["_modules"]["_orig_mod"], name)


def compile(model=None, *, fullgraph: bool = False, dynamic: bool | None = None,  # noqa: A001
            backend="inductor", mode: str | None = None, options: dict | None = None,
            name: str | None = None, disable: bool = False, recompile_limit: int | None = None,
            **rest):
    """Compile a function (or a module's call): its first call runs eagerly while every NumPy
    call it makes on tensors is recorded; later calls of the same kind (shapes, dtypes,
    ``requires_grad``, ...) replay those calls directly, bit for bit as eager mode would.

    What cannot be replayed (Python reading a tensor's value, hooks, ``create_graph``,
    a tensor made by a factory inside the function) makes the function run eagerly, with
    the reason logged under ``CHAINRULE_LOG=compile``.  PyTorch's arguments are accepted;
    those chainrule cannot honour give one warning.  See ``docs/compile.md``.

    >>> w = torch.tensor([1.0, 2.0], requires_grad=True)
    >>> @torch.compile
    ... def step(w, x):
    ...     loss = ((w * x).sum() - 1) ** 2
    ...     loss.backward()
    ...     with torch.no_grad():
    ...         w -= 0.1 * w.grad
    ...     w.grad.zero_()
    >>> for _ in range(3):
    ...     step(w, torch.tensor([1.0, 1.0]))
    >>> w
    tensor([0.2160, 1.2160], requires_grad=True)
    """
    if model is None:
        return functools.partial(compile, fullgraph=fullgraph, dynamic=dynamic, backend=backend,
                                 mode=mode, options=options, name=name, disable=disable,
                                 recompile_limit=recompile_limit, **rest)
    if mode is not None and options is not None:
        raise RuntimeError("Either mode or options can be specified, but both can't be "
                           "specified at the same time.")
    if mode is not None and mode not in _MODES:
        raise RuntimeError(f"Unrecognized mode={mode}, should be one of: {', '.join(_MODES)}")
    if isinstance(backend, str) and backend not in _BACKENDS:
        raise RuntimeError(f"Invalid backend: {backend!r}, see `torch._dynamo.list_backends()` "
                           "for available backends.")
    if not callable(model):
        raise RuntimeError("The model must be a callable (a function or an nn.Module).")
    if disable:
        return model
    eager_reason = None
    if not isinstance(backend, str):
        eager_reason = "a custom backend (a callable) cannot be given chainrule's trace"
        _warn_once("torch.compile(backend=<callable>): chainrule runs the function eagerly "
                   "(its replay is not an FX graph a backend could compile)")
    if options:
        _warn_once(f"torch.compile(options=...): chainrule ignores Inductor's options "
                   f"{sorted(options)}")
    if dynamic:
        _warn_once("torch.compile(dynamic=True): chainrule traces each shape apart, as "
                   "dynamic=False does (results are the same)")
    for key, value in rest.items():
        if value not in (None, False):
            _warn_once(f"torch.compile({key}=...): chainrule ignores this option")
    if isinstance(model, Module):
        call = model.__call__
        label = name or type(model).__name__
    else:
        call = model
        label = name or getattr(model, "__name__", type(model).__name__)
    if getattr(call, "_chainrule_compile_disabled", False):
        eager_reason = "it is marked torch.compiler.disable"
    state = CompiledFunction(call, label, eager_reason, recompile_limit or 8,
                             warn_on_fallback=fullgraph)
    if eager_reason is not None:
        log_fallback(label, eager_reason)
    if isinstance(model, Module):
        return OptimizedModule(model, _wrap(call, state))
    return _wrap(model, state)


def reset() -> None:
    """Forget every compiled function's traces and fallbacks (``torch.compiler.reset``): the
    next call of each is traced again.

    >>> torch.compiler.reset()
    """
    for state in list(_COMPILED):
        state.reset()


def disable(fn=None, recursive: bool = True, *, reason: str | None = None):
    """Keep ``fn`` out of compilation (``torch.compiler.disable``): compiling it gives a
    function that runs eagerly, and a traced function that calls it runs eagerly too.

    >>> f = torch.compiler.disable(lambda x: x + 1)
    >>> torch.compile(f)(torch.tensor(1.0))
    tensor(2.)
    """
    if fn is None:
        return functools.partial(disable, recursive=recursive, reason=reason)

    @functools.wraps(fn)
    def eager(*args, **kwargs):
        tracer = _tracing.tracer
        if tracer is not None:
            tracer.fail("it calls a function marked torch.compiler.disable"
                        + (f" ({reason})" if reason else ""))
        return fn(*args, **kwargs)
    eager._chainrule_compile_disabled = True
    return eager


def is_compiling() -> bool:
    """True while ``compile`` traces a call (``torch.compiler.is_compiling``).

    >>> torch.compiler.is_compiling()
    False
    """
    return _tracing.tracer is not None
