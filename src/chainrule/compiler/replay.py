"""The replay function: a traced call's recorded lines, compiled into one Python function.

Running the lines as straight-line code (locals for the arrays, each NumPy call
written out) is the fastest way Python has to repeat them: no dispatch, no
graph, no engine, no per-step interpretation of a list.  ``Replay.source``
shows the code, for the curious and for debugging::

    def replay(t0, t1, t2):
        v1 = f3(t0._data, t2._data)
        ...
"""
from __future__ import annotations

from .._backend import ndarray, restore_fp_errors, silence_fp_errors, xp
from ..engine.graph import RELEASED
from ..tensor import Tensor, VersionCounter, from_array


def shared(data, root) -> Tensor:
    """A tensor over ``data`` sharing ``root``'s version counter (``root.detach()``)."""
    t = Tensor._make(data)
    if root._version_counter is None:
        root._version_counter = VersionCounter()
    t._version_counter = root._version_counter
    return t


def versioned(data, version: int) -> Tensor:
    """A tensor over ``data`` whose version counter reads ``version`` (changed in place)."""
    t = Tensor._make(data)
    t._version_counter = VersionCounter()
    t._version_counter.value = version
    return t


def spent(data, node_class, output_nr: int) -> Tensor:
    """A tensor over ``data`` as a function returns its loss after ``loss.backward()``: it
    requires grad and has a ``grad_fn`` of the class eager mode gives, whose saved values
    are freed, so a second backward raises as it would eagerly.  (The node leads nowhere:
    ``next_functions`` is empty.)"""
    node = object.__new__(node_class)
    node.next_functions = ()
    node.input_meta = ()
    node._saved = RELEASED
    t = Tensor._make(data)
    t._requires_grad = True
    t._grad_fn = node
    t._output_nr = output_nr
    return t


_HELPERS = {"ndarray": ndarray, "asarray": xp.asarray, "array": xp.array,
            "from_array": from_array, "Tensor_make": Tensor._make, "shared": shared,
            "versioned": versioned, "spent": spent}


MISS = object()  # what a guarded replay returns when its guard does not hold


class Replay:
    """A compiled trace: ``run(argument_values)`` repeats the recorded call; ``guarded``,
    once ``guard`` gave it a guard, checks that first and returns ``MISS`` if it fails."""

    __slots__ = ("function", "source", "guarded", "guard_source", "_body", "_scope")

    def __init__(self, function, source: str, body: str, scope: dict) -> None:
        self.function = function
        self.source = source
        self.guarded = None
        self.guard_source = ""
        self._body = body  # the lines, indented once, ending with the return
        self._scope = scope

    def guard(self, n_args: int, checks: list, namespace: dict) -> None:
        """Make ``guarded(args)``: ``checks`` (conditions on ``t0``, ``t1``, ..., which must
        all hold), then the replay, in one function; the fast path of a compiled call."""
        arguments = ", ".join(f"t{i}" for i in range(n_args))
        unpack = f"    {arguments}, = args\n" if n_args else ""
        tests = "".join(f"    if not ({check}): return MISS\n" for check in checks)
        body = "".join(f"    {line}\n" for line in self._body.splitlines())
        source = (f"def guarded(args):\n    if len(args) != {n_args}: return MISS\n{unpack}"
                  f"{tests}    token = silence()\n    try:\n{body}"
                  f"    finally:\n        restore(token)\n")
        scope = dict(self._scope)
        scope.update({"MISS": MISS, "silence": silence_fp_errors, "restore": restore_fp_errors})
        scope.update(namespace)
        exec(compile(source, "<chainrule.compile guard>", "exec"), scope)
        self.guarded = scope["guarded"]
        self.guard_source = source

    def run(self, tensors):
        # NumPy's floating-point warnings off, as in the engine's backward pass (chainrule
        # filters those its forwards raise).
        token = silence_fp_errors()
        try:
            return self.function(*tensors)
        finally:
            restore_fp_errors(token)


def build(name: str, n_args: int, lines: list, returned: str, namespace: dict) -> Replay:
    """Compile ``lines`` (which read the argument tensors ``t0``, ``t1``, ... and the names
    in ``namespace``) into a function returning ``returned``.

    >>> replay = build("f", 1, ["v1 = t0 * 2"], "v1", {})
    >>> replay.run([3])
    6
    """
    arguments = ", ".join(f"t{i}" for i in range(n_args))
    body = "".join(f"    {line}\n" for line in lines) + f"    return {returned}\n"
    source = f"def replay({arguments}):\n{body}"
    scope = dict(_HELPERS)
    scope.update(namespace)
    defined = dict(scope)
    exec(compile(source, f"<chainrule.compile replay of {name}>", "exec"), defined)
    return Replay(defined["replay"], source, body, scope)
