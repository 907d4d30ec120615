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
"""
from __future__ import annotations

import functools
import types

from ..tensor import Tensor

_MAX_OBJECTS = 20000  # a walk stops after this many objects (a huge data set in a global)
_MAX_ITEMS = 2000  # containers longer than this are not looked into
_SKIPPED = (types.ModuleType, type, str, bytes, int, float, complex, bool, type(None),
            types.BuiltinFunctionType, types.CodeType)


def code_names(code: types.CodeType) -> set:
    """The global names ``code`` and the functions and comprehensions inside it name."""
    names = set(code.co_names)
    for const in code.co_consts:
        if isinstance(const, types.CodeType):
            names |= code_names(const)
    return names


def reachable(roots) -> tuple[dict, set]:
    """``(tensors, objects)``: the tensors reachable from ``roots`` (id -> tensor) and the ids
    of every object visited on the way.

    >>> import chainrule as torch
    >>> w = torch.ones(2)
    >>> tensors, _ = reachable([lambda x: x * w])
    >>> list(tensors.values()) == [w]
    True
    """
    tensors: dict = {}
    seen: set = set()
    stack = list(roots)
    while stack and len(seen) < _MAX_OBJECTS:
        obj = stack.pop()
        if isinstance(obj, _SKIPPED) or id(obj) in seen:
            continue
        seen.add(id(obj))
        if isinstance(obj, Tensor):
            tensors[id(obj)] = obj
            continue
        stack.extend(_children(obj))
    return tensors, seen


def _children(obj) -> list:
    if isinstance(obj, (list, tuple, set, frozenset)):
        return list(obj) if len(obj) <= _MAX_ITEMS else []
    if isinstance(obj, dict):
        return list(obj.values()) if len(obj) <= _MAX_ITEMS else []
    if isinstance(obj, types.FunctionType):
        found = [cell.cell_contents for cell in obj.__closure__ or ()
                 if _has_contents(cell)]
        found.extend(obj.__defaults__ or ())
        found.extend((obj.__kwdefaults__ or {}).values())
        namespace = obj.__globals__
        found.extend(namespace[n] for n in code_names(obj.__code__) if n in namespace)
        wrapped = getattr(obj, "__wrapped__", None)
        if wrapped is not None:
            found.append(wrapped)
        return found
    if isinstance(obj, types.MethodType):
        return [obj.__self__, obj.__func__]
    if isinstance(obj, functools.partial):
        return [obj.func, *obj.args, *obj.keywords.values()]
    found = list(vars(obj).values()) if hasattr(obj, "__dict__") else []
    call = vars(type(obj)).get("__call__") if callable(obj) else None
    if isinstance(call, types.FunctionType):
        found.append(call)  # a callable object's globals (its __call__'s names)
    return found


def _has_contents(cell) -> bool:
    try:
        cell.cell_contents  # noqa: B018  (an empty cell raises)
    except ValueError:
        return False
    return True
