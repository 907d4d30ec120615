"""Forward-mode AD's mechanics: dual levels, and each op's tangent from its inputs' tangents.

Inside a dual level, every ``Op`` call hands its arguments and result to
``propagate``, which evaluates the op's forward rule (``jvp=`` in the rule
table, beside its backward rules) on the inputs' tangents and gives the result
its tangent (``Tensor._fw_grad``).  The public functions (``make_dual``,
``unpack_dual``, ``dual_level``) are in ``chainrule.autograd.forward_ad``.
"""
from __future__ import annotations

import contextlib
import weakref

from .._backend import xp
from ..tensor import Tensor, from_array
from . import grad_mode

_level = None            # the active level's number, or None
_duals: list = []        # weak references to the tensors given a tangent at this level
_JVP_READS: dict = {}    # Op -> how to fill each parameter of its jvp rule


def active_level() -> int | None:
    """The number of the active dual level, or None outside ``dual_level``."""
    return _level


def enter_dual_level() -> int:
    """Start a forward-AD level (``dual_level`` does this for you); returns its number.

    >>> import chainrule.autograd.forward_ad as fwAD
    >>> level = fwAD.enter_dual_level()
    >>> x = fwAD.make_dual(torch.tensor([1., 2.]), torch.tensor([1., 0.]))
    >>> fwAD.unpack_dual(x * x).tangent
    tensor([2., 0.])
    >>> fwAD.exit_dual_level()
    """
    global _level
    if _level is not None:
        raise RuntimeError("Nested forward mode AD is not supported at the moment. Fix: exit "
                           "the current dual_level first; for nested transforms use "
                           "chainrule.func (jacfwd/jacrev), which nest through reverse mode.")
    # A level's number is how many levels are active below it, as in PyTorch: with one
    # level at a time, always 0 (a program's levels do not depend on what ran before).
    _level = 0
    grad_mode.flags.forward_ad = True
    return _level


def exit_dual_level(*, level: int | None = None) -> None:
    """End the current level: every tangent created in it is dropped.

    >>> import chainrule.autograd.forward_ad as fwAD
    >>> level = fwAD.enter_dual_level()
    >>> x = fwAD.make_dual(torch.tensor(3.), torch.tensor(1.))
    >>> fwAD.exit_dual_level()
    >>> print(fwAD.unpack_dual(x).tangent)
    None
    """
    global _level
    if _level is None or (level is not None and level != _level):
        raise RuntimeError("Trying to exit a forward AD level that was not the last one that "
                           "was created. This is not supported.")
    for ref in _duals:
        t = ref()
        if t is not None:
            t._fw_grad = None
    _duals.clear()
    _level = None
    grad_mode.flags.forward_ad = False


class dual_level:
    """Context manager inside which dual tensors exist.

    >>> import chainrule.autograd.forward_ad as fwAD
    >>> with fwAD.dual_level():
    ...     d = fwAD.make_dual(torch.tensor(3.0), torch.tensor(1.0))
    ...     fwAD.unpack_dual(d.exp()).tangent
    tensor(20.0855)
    """

    def __enter__(self) -> int:
        return enter_dual_level()

    def __exit__(self, *exc) -> bool:
        exit_dual_level()
        return False


@contextlib.contextmanager
def _paused():
    """Compute tangents without propagating tangents of tangents (one level only)."""
    previous = grad_mode.flags.forward_ad
    grad_mode.flags.forward_ad = False
    try:
        yield
    finally:
        grad_mode.flags.forward_ad = previous


def _set_tangent(t, tangent) -> None:
    if not isinstance(tangent, Tensor):
        tangent = from_array(xp.asarray(tangent, dtype=t._data.dtype))
    if tangent._data.shape != t._data.shape:
        with _paused():
            tangent = tangent.expand(t._data.shape).clone()
    if tangent._data.dtype != t._data.dtype:
        with _paused():
            tangent = tangent.to(t.dtype)
    t._fw_grad = tangent
    _duals.append(weakref.ref(t))


def _jvp_reads(op) -> list:
    """For each parameter of ``op.jvp``: ("t", i) tangent of arg i, ("v", i) arg i, ("r",)."""
    reads = _JVP_READS.get(op)
    if reads is None:
        code = op.jvp.__code__
        index = {n: i for i, n in enumerate(op.arg_names)}
        reads = []
        for name in code.co_varnames[:code.co_argcount]:
            if name == "result":
                reads.append(("r", 0))
            elif name.endswith("_t") and name[:-2] in index:
                reads.append(("t", index[name[:-2]]))
            elif name in index:
                reads.append(("v", index[name]))
            else:
                raise TypeError(f"{op.name}: jvp rule parameter {name!r} names no argument of "
                                f"the op (arguments: {op.arg_names}, their tangents with _t, "
                                "and result).")
        _JVP_READS[op] = reads
    return reads


def _has_tangent(a, Tensor) -> bool:
    if isinstance(a, Tensor):
        return a._fw_grad is not None
    if isinstance(a, (list, tuple)):  # ops on sequences of tensors (cat, stack, einsum)
        return any(isinstance(x, Tensor) and x._fw_grad is not None for x in a)
    return False


def _tangent_or_zeros(a):
    t = a._fw_grad
    if t is None:
        t = Tensor._make(xp.zeros_like(a._data))
    return t


def propagate(op, args, result) -> None:
    """Give ``result`` its tangent from the tangents of ``args`` (called by ``Op.__call__``).

    With several outputs, ``result`` is their tuple and the jvp rule returns one tangent
    per output.
    """
    if not any(_has_tangent(args[i], Tensor) for i in op.diff_positions if i < len(args)):
        return
    results = result if op.several else (result,)
    if not any(r._data.dtype.kind in "fc" for r in results):
        return  # an integer or bool result (x.long(), x > 0) has no tangent, as in PyTorch
    if op.jvp is None:
        raise NotImplementedError(
            f"Trying to use forward AD with {op.name} that does not support it because it has "
            f"not been implemented yet. Fix: add a jvp= rule to the {op.name} op, or use "
            "reverse mode (autograd.grad / func.jacrev) for this function.")
    values = []
    for kind, i in _jvp_reads(op):
        if kind == "r":
            values.append(result)
        elif kind == "v":
            values.append(args[i] if i < len(args) else None)
        else:
            a = args[i] if i < len(args) else None
            if isinstance(a, Tensor):
                values.append(_tangent_or_zeros(a))
            elif isinstance(a, (list, tuple)):  # cat/stack: one tangent per tensor
                values.append(type(a)(_tangent_or_zeros(x) if isinstance(x, Tensor) else x
                                      for x in a))
            else:
                values.append(None if a is None else 0.0)
    with _paused():
        tangents = op.jvp(*values)
        if not op.several:
            tangents = (tangents,)
        tangents = [
            # A rule like frac's (jvp = self_t) hands back the input's tangent; a non-view
            # output needs its own, or an in-place change of it would change the input's too.
            t.clone() if t is not None and not op.view and any(t is v for v in values) else t
            for t in tangents]
    for r, t in zip(results, tangents):
        if t is not None and r._data.dtype.kind in "fc":
            _set_tangent(r, t)
