"""The same backward formula, run on plain NumPy arrays.

The derivative rules are written with chainrule's tensor operations, so that
with ``create_graph=True`` backward records a graph of its own (gradients of
gradients come for free).  Most backward passes want no such graph, and then a
tensor is only a wrapper: on a small array, a tensor operation spends more time on
dispatch and recording than NumPy spends computing.

Most formulas are arithmetic on their parameters plus calls of other primitive
operations: ``grad * other``, ``tanh_backward(grad, result)``.  Python runs that
very code on NumPy arrays, provided the names it calls mean their array
versions; and an ``Op``'s forward function *is* its array version.
``array_form(formula)`` returns that copy of the formula (same code, other
globals), or None where the formula uses something whose meaning differs
between tensors and arrays (``grad.sum(dim)``, ``grad.expand(shape)``, ...):
those formulas keep running on tensors.

Differences the caller (the engine) takes care of: NumPy promotes a few mixed
dtypes differently (float32 with an int64 tensor gives float64, where PyTorch
keeps float32), so results are cast back to the dtype the gradient must have;
0-d results may come back as NumPy scalars; and floating-point warnings are
silenced for the whole pass, as each tensor op silences them for itself.
"""
from __future__ import annotations

import builtins
import dis
import operator
import types

from .core import compiled

# Attributes that mean the same on a Tensor and on an ndarray (and list methods that
# helpers call on shapes): a formula may use these and still run on arrays.
_SAME_ON_ARRAYS = frozenset({"shape", "ndim", "reshape", "T", "insert", "append", "index"})
# Builtins that only ever see numbers, shapes and tuples in the formulas.
_PLAIN_BUILTINS = frozenset({builtins.len, builtins.range, builtins.tuple, builtins.list,
                             builtins.int, builtins.float, builtins.bool, builtins.zip,
                             builtins.enumerate, builtins.isinstance, builtins.sorted})
_REFUSED_OPS = frozenset({"IMPORT_NAME", "IMPORT_FROM", "LOAD_DEREF", "LOAD_CLOSURE",
                          "LOAD_CLASSDEREF", "STORE_GLOBAL", "DELETE_GLOBAL", "LOAD_NAME"})

# Callables with an array version: every Op (its forward, registered as the Op is made) and
# a few tensor-level functions whose array version is not simply an Op's forward (they
# check and convert their arguments first), registered by the module that defines them.
ARRAY_FORMS: dict = {}

_forms: dict = {}  # function -> its array form, or None (not expressible on arrays)

# A formula that is one operator applied to its parameters in order (``grad * other``,
# ``-grad``) has that operator's C function as its array form, the same computation: the
# backward loop calls it without entering the interpreter.  (3.11's BINARY_OP by its sign;
# 3.10's opcodes by name.)
_BINARY = {"+": operator.add, "-": operator.sub, "*": operator.mul, "/": operator.truediv,
           "BINARY_ADD": operator.add, "BINARY_SUBTRACT": operator.sub,
           "BINARY_MULTIPLY": operator.mul, "BINARY_TRUE_DIVIDE": operator.truediv}
_NO_WORK = frozenset({"RESUME", "NOP", "CACHE", "PRECALL", "PUSH_NULL"})


def compiled_form(name: str, python_form):
    """The array form to run for ``python_form``: itself with the pure core; with the compiled
    core, its C twin ``name`` (``_core_formulas.c``) where the core has one.

    A twin gives the same results: it computes the common case (float arrays of one shape and
    dtype, NumPy scalars, exact Python numbers) without NumPy's dispatch on every operator,
    the larger part of a formula's cost on small arrays, and calls ``python_form`` for any
    other.

    >>> compiled_form("mul", operator.mul)(np.float32(1.5), 2)
    np.float32(3.0)
    """
    twin = compiled.compiled_form(name, python_form) \
        if compiled is not None and hasattr(compiled, "compiled_form") else None
    return python_form if twin is None else twin


# The operators' array forms: their twins where the compiled core has them.
_OPERATOR_FORMS = {fn: compiled_form(name, fn) for fn, name in (
    (operator.add, "add"), (operator.sub, "sub"), (operator.mul, "mul"),
    (operator.truediv, "truediv"), (operator.neg, "neg"))}


def operator_form(fn):
    """The array form of the operator function ``fn`` (``operator.add``, ...): its compiled
    twin where the compiled core has one, else ``fn`` itself.

    >>> operator_form(operator.add)(np.float64(1.5), 2)
    np.float64(3.5)
    """
    return _OPERATOR_FORMS[fn]
_VARIABLE_ARGUMENTS = 0x04 | 0x08  # the code flags CO_VARARGS and CO_VARKEYWORDS


def same(grad):
    """The array form of ``lambda grad: grad`` (the compiled core passes the gradient on
    without calling it: _core_backward.c apply_arrays).

    >>> same(2.5)
    2.5
    """
    return grad
_array_globals: dict = {}  # id(module globals) -> the globals the array forms run with


def array_form(fn):
    """``fn`` rebuilt to run on arrays, or None where its meaning would change.

    >>> from chainrule.ops.pointwise import tanh
    >>> form = array_form(tanh.rules[0])  # lambda grad, result: tanh_backward(grad, result)
    >>> form(np.float64(1.0), np.float64(0.5))
    np.float64(0.75)
    """
    if fn in _forms:
        return _forms[fn]
    _forms[fn] = None  # until proven otherwise (and so that recursion terminates)
    if fn.__closure__ is not None or fn.__kwdefaults__:
        return None
    if not fn.__defaults__:
        simple = _one_operator(fn.__code__)
        if simple is not None:
            _forms[fn] = simple
            return simple
    module_globals = fn.__globals__
    renamed = {}
    if not _expressible(fn.__code__, module_globals, renamed):
        return None
    scope = _array_globals.get(id(module_globals))
    if scope is None:
        scope = _array_globals[id(module_globals)] = dict(module_globals)
    scope.update(renamed)
    # A formula that only passes its parameters on, in order, to a function with an array
    # version (``tanh_backward(grad, result)``) is that version: a Python call less per use.
    callee = None if fn.__defaults__ else _passed_to(fn.__code__)
    form = renamed[callee] if callee in renamed \
        else types.FunctionType(fn.__code__, scope, fn.__name__, fn.__defaults__)
    _forms[fn] = form
    return form


def _one_operator(code):
    """``same``, ``operator.neg`` or a binary operator's function (or its compiled twin)
    where ``code`` is nothing but ``return p``, ``return -p`` or ``return p OP q`` of its
    parameters, in order."""
    body = _body(code)
    n = code.co_argcount
    if body is None or len(body) < n + 1 or not _loads_parameters(body[:n], code):
        return None
    between = body[n:-1]
    if n == 1 and not between:
        return same
    if n == 1 and len(between) == 1 and between[0].opname == "UNARY_NEGATIVE":
        return _OPERATOR_FORMS[operator.neg]
    if n == 2 and len(between) == 1:
        op = between[0]
        fn = _BINARY.get(op.argrepr if op.opname == "BINARY_OP" else op.opname)
        return None if fn is None else _OPERATOR_FORMS[fn]
    return None


def _passed_to(code):
    """The global's name where ``code`` is nothing but ``return NAME(p1, ..., pn)`` of its
    parameters, in order; else None."""
    body = _body(code)
    n = code.co_argcount
    if body is None or len(body) != n + 3 or body[0].opname != "LOAD_GLOBAL" \
            or body[-2].opname not in ("CALL", "CALL_FUNCTION") or body[-2].arg != n \
            or not _loads_parameters(body[1:n + 1], code):
        return None
    return body[0].argval


def _body(code):
    """The instructions of ``code`` that do work, ending in its one return; None where it
    has other returns or takes ``*args``, ``**kwargs`` or keyword-only parameters."""
    if code.co_flags & _VARIABLE_ARGUMENTS or code.co_kwonlyargcount:
        return None
    body = [ins for ins in dis.get_instructions(code) if ins.opname not in _NO_WORK]
    if [ins.opname for ins in body].count("RETURN_VALUE") != 1 \
            or body[-1].opname != "RETURN_VALUE":
        return None
    return body


def _loads_parameters(loads, code) -> bool:
    """Whether ``loads`` push the parameters of ``code``, each once, in order."""
    return all(ins.opname == "LOAD_FAST" for ins in loads) \
        and [ins.argval for ins in loads] == list(code.co_varnames[:code.co_argcount])


def _expressible(code, module_globals: dict, renamed: dict) -> bool:
    """Whether ``code`` means the same on arrays; ``renamed`` collects the globals to swap."""
    previous = None
    for ins in dis.get_instructions(code):
        op = ins.opname
        if op in _REFUSED_OPS:
            return False
        if op == "LOAD_GLOBAL":
            name = ins.argval
            if name in module_globals:
                value = module_globals[name]
            elif hasattr(builtins, name):
                value = getattr(builtins, name)
            else:
                return False
            if not _array_value(name, value, renamed):
                return False
        elif op in ("LOAD_ATTR", "LOAD_METHOD"):
            # math.log, xp.argsort: a function of a module outside chainrule means the same
            # on arrays (chainrule's own modules hold tensor functions: not those).
            owner = module_globals.get(previous.argval) if previous is not None \
                and previous.opname == "LOAD_GLOBAL" else None
            outside = isinstance(owner, types.ModuleType) \
                and not owner.__name__.startswith("chainrule")
            if ins.argval not in _SAME_ON_ARRAYS and not outside:
                return False
        previous = ins
    # Comprehensions and lambdas inside the formula: checked the same way.
    return all(_expressible(c, module_globals, renamed)
               for c in code.co_consts if isinstance(c, types.CodeType))


def _array_value(name: str, value, renamed: dict) -> bool:
    """Whether the global ``value`` has an array version; records it in ``renamed``."""
    if isinstance(value, (int, float, complex, str, tuple)) or value is None:
        return True
    if isinstance(value, types.ModuleType):  # only its attributes are used; checked there
        return True
    if isinstance(value, type) and issubclass(value, BaseException):
        return True
    if not _hashable(value):
        return False
    if value in ARRAY_FORMS:
        renamed[name] = ARRAY_FORMS[value]
        return True
    if isinstance(value, types.FunctionType):
        form = array_form(value)
        if form is None:
            return False
        renamed[name] = form
        return True
    return value in _PLAIN_BUILTINS


def _hashable(value) -> bool:
    try:
        hash(value)
    except TypeError:
        return False
    return True
