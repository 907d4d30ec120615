"""The tensors a function can reach without making them: its captured state.

A traced function reads tensors it did not make: its arguments, and the
parameters of a model, an optimizer's state or a weight that its closure or
globals hold.  A replay reads those tensors again (their current arrays); a
tensor the function made by an operation the tracer did not see (``torch.zeros``,
``torch.randn``) would instead be frozen at its traced value, so a traced
function that uses one falls back to eager mode.  Telling the two apart needs
the list of tensors that existed before the call: those reachable from the
function's arguments, closure cells, the globals its code names, bound
``self``, modules' parameters and buffers, and containers and plain objects
holding them.

The walk also notes the plain values (numbers, strings, flags) a replay would
take as constants without rereading them: the globals and closure cells of the
functions it passes, and the attributes of modules (``training``); and the
tensors those globals and cells hold and a module's parameters and buffers,
which a replay reads as the very objects it found.  A replay is used only while
they all hold (the same values, the same tensors: ``values_hold``).
"""
from __future__ import annotations

import functools
import types

from ..nn.module import Module
from ..tensor import Tensor

_MAX_OBJECTS = 20000  # a walk stops after this many objects (a huge data set in a global)
_MAX_ITEMS = 2000  # containers longer than this are not looked into
_SKIPPED = (types.ModuleType, type, str, bytes, int, float, complex, bool, type(None),
            types.BuiltinFunctionType, types.CodeType)
_PLAIN = (int, float, bool, str, complex, type(None))


def code_names(code: types.CodeType) -> set:
    """The global names ``code`` and the functions and comprehensions inside it name."""
    names = set(code.co_names)
    for const in code.co_consts:
        if isinstance(const, types.CodeType):
            names |= code_names(const)
    return names


def reachable(roots) -> tuple[dict, set, list]:
    """``(tensors, objects, values)``: the tensors reachable from ``roots`` (id -> tensor), the
    ids of every object visited on the way, and the plain values noted (``values_hold``).

    >>> w = torch.ones(2)
    >>> tensors, _, _ = reachable([lambda x: x * w])
    >>> list(tensors.values()) == [w]
    True
    """
    tensors: dict = {}
    seen: set = set()
    values: list = []  # (namespace dict or cell, name or None, value)
    stack = list(roots)
    while stack and len(seen) < _MAX_OBJECTS:
        obj = stack.pop()
        if isinstance(obj, _SKIPPED) or id(obj) in seen:
            continue
        seen.add(id(obj))
        if isinstance(obj, Tensor):
            tensors[id(obj)] = obj
            continue
        stack.extend(_children(obj, values))
    return tensors, seen, values


def values_hold(values: list) -> bool:
    """Whether every value ``reachable`` noted is still there, of the same type and equal.

    >>> namespace = {"lr": 0.1}
    >>> noted = [(namespace, "lr", 0.1)]
    >>> values_hold(noted), namespace.update(lr=0.2), values_hold(noted)
    (True, None, False)
    """
    for where, name, value in values:
        if name is None:
            if not _has_contents(where):
                return False
            now = where.cell_contents
        else:
            now = where.get(name, _MISSING)
        if now is not value and (type(now) is not type(value) or type(value) not in _PLAIN
                                 or now != value):
            return False
    return True


_MISSING = object()


def _children(obj, values: list) -> list:
    if isinstance(obj, (list, tuple, set, frozenset)):
        return list(obj) if len(obj) <= _MAX_ITEMS else []
    if isinstance(obj, dict):
        return list(obj.values()) if len(obj) <= _MAX_ITEMS else []
    if isinstance(obj, types.FunctionType):
        found = [cell.cell_contents for cell in obj.__closure__ or ()
                 if _has_contents(cell)]
        values.extend((cell, None, cell.cell_contents) for cell in obj.__closure__ or ()
                      if _has_contents(cell) and _noted(cell.cell_contents))
        found.extend(obj.__defaults__ or ())
        found.extend((obj.__kwdefaults__ or {}).values())
        namespace = obj.__globals__
        names = [n for n in code_names(obj.__code__) if n in namespace]
        found.extend(namespace[n] for n in names)
        values.extend((namespace, n, namespace[n]) for n in names if _noted(namespace[n]))
        wrapped = getattr(obj, "__wrapped__", None)
        if wrapped is not None:
            found.append(wrapped)
        return found
    if isinstance(obj, types.MethodType):
        return [obj.__self__, obj.__func__]
    if isinstance(obj, functools.partial):
        return [obj.func, *obj.args, *obj.keywords.values()]
    found = list(vars(obj).values()) if hasattr(obj, "__dict__") else []
    if found:  # an object's tensors, by identity (self.w = a new tensor)
        attributes = vars(obj)
        values.extend((attributes, n, v) for n, v in attributes.items()
                      if isinstance(v, Tensor))
    if isinstance(obj, Module):  # (training, and options such as a layer's eps)
        attributes = vars(obj)
        values.extend((attributes, n, v) for n, v in attributes.items() if type(v) in _PLAIN)
        for table in ("_parameters", "_buffers"):  # (model.weight = Parameter(...))
            held = attributes.get(table)
            if isinstance(held, dict):
                values.extend((held, n, t) for n, t in held.items() if isinstance(t, Tensor))
    call = vars(type(obj)).get("__call__") if callable(obj) else None
    if isinstance(call, types.FunctionType):
        found.append(call)  # a callable object's globals (its __call__'s names)
    return found


def _noted(value) -> bool:
    # a plain value, or a tensor: a function that rebinds its global ``w = w - lr * g``
    # leaves another tensor there, which a replay of the old one must not stand for
    return type(value) in _PLAIN or isinstance(value, Tensor)


def _has_contents(cell) -> bool:
    try:
        cell.cell_contents  # noqa: B018  (an empty cell raises)
    except ValueError:
        return False
    return True
