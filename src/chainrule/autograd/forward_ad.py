"""Forward-mode AD: push a tangent along with each value (``torch.autograd.forward_ad``).

Inside ``dual_level()``, ``make_dual(x, v)`` gives a tensor whose tangent is
``v``.  Each op then computes its output's tangent from its inputs' tangents
with the op's forward rule (``jvp=`` in the rule table, beside its backward
rules), so at the end ``unpack_dual(y).tangent`` is the Jacobian-vector
product ``J v`` -- one forward pass, no graph, no backward.

    >>> import chainrule as torch
    >>> import chainrule.autograd.forward_ad as fwAD
    >>> x = torch.tensor([1.0, 2.0])
    >>> with fwAD.dual_level():
    ...     y = fwAD.make_dual(x, torch.tensor([1.0, 0.0])) ** 2
    ...     fwAD.unpack_dual(y).tangent
    tensor([2., 0.])

Tangents live in ``Tensor._fw_grad`` and are dropped when the level exits.
Only one level is active at a time, as in PyTorch; ``chainrule.func`` nests
transforms with reverse mode instead.
"""
from __future__ import annotations

import contextlib
import weakref
from collections import namedtuple

from . import grad_mode

__all__ = ["dual_level", "make_dual", "unpack_dual", "enter_dual_level", "exit_dual_level",
           "UnpackedDualTensor"]

UnpackedDualTensor = namedtuple("UnpackedDualTensor", ["primal", "tangent"])
UnpackedDualTensor.__doc__ = """A dual tensor's parts: ``primal`` (the value) and ``tangent``.

    >>> import chainrule as torch
    >>> import chainrule.autograd.forward_ad as fwAD
    >>> with fwAD.dual_level():
    ...     primal, tangent = fwAD.unpack_dual(fwAD.make_dual(torch.tensor(3.), torch.tensor(1.)))
    >>> primal, tangent
    (tensor(3.), tensor(1.))
    """

_level = None            # the active level's number, or None
_next_level = 0
_duals: list = []        # weak references to the tensors given a tangent at this level
_JVP_READS: dict = {}    # Op -> how to fill each parameter of its jvp rule


def _tensor_cls():
    from ..tensor import Tensor
    return Tensor


def enter_dual_level() -> int:
    """Start a forward-AD level (``dual_level`` does this for you); returns its number.

    >>> import chainrule as torch
    >>> import chainrule.autograd.forward_ad as fwAD
    >>> level = fwAD.enter_dual_level()
    >>> x = fwAD.make_dual(torch.tensor([1., 2.]), torch.tensor([1., 0.]))
    >>> fwAD.unpack_dual(x * x).tangent
    tensor([2., 0.])
    >>> fwAD.exit_dual_level()
    """
    global _level, _next_level
    if _level is not None:
        raise RuntimeError("Nested forward mode AD is not supported at the moment. Fix: exit "
                           "the current dual_level first; for nested transforms use "
                           "chainrule.func (jacfwd/jacrev), which nest through reverse mode.")
    _level = _next_level
    _next_level += 1
    grad_mode.flags.forward_ad = True
    return _level


def exit_dual_level(*, level: int | None = None) -> None:
    """End the current level: every tangent created in it is dropped.

    >>> import chainrule as torch
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

    >>> import chainrule as torch
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
    Tensor = _tensor_cls()
    if not isinstance(tangent, Tensor):
        from .._creation import tensor as make_tensor
        tangent = make_tensor(tangent, dtype=t.dtype)
    if tangent._data.shape != t._data.shape:
        with _paused():
            tangent = tangent.expand(t._data.shape).clone()
    if tangent._data.dtype != t._data.dtype:
        with _paused():
            tangent = tangent.to(t.dtype)
    t._fw_grad = tangent
    _duals.append(weakref.ref(t))


def make_dual(tensor, tangent, *, level: int | None = None):
    """A tensor with the values of ``tensor`` carrying ``tangent`` as its forward gradient.

    The result is a view of ``tensor`` (reverse mode still reaches ``tensor``
    through it).

    >>> import chainrule as torch
    >>> import chainrule.autograd.forward_ad as fwAD
    >>> with fwAD.dual_level():
    ...     d = fwAD.make_dual(torch.ones(2), torch.tensor([1.0, 2.0]))
    ...     fwAD.unpack_dual(d * 3).tangent
    tensor([3., 6.])
    """
    Tensor = _tensor_cls()
    if _level is None:
        raise RuntimeError("make_dual(): trying to create a dual Tensor for forward AD but no "
                           "level exists, make sure to enter_dual_level() first. Fix: call "
                           "make_dual inside `with forward_ad.dual_level():`.")
    if not isinstance(tangent, Tensor) or not isinstance(tensor, Tensor):
        raise TypeError("make_dual(): expected Tensor arguments for tensor and tangent.")
    if not tensor.dtype.is_floating_point:
        raise ValueError(f"Expected primal to be floating point, but got {tensor.dtype}. Fix: "
                         "convert it with .double() or .float().")
    if tangent.shape != tensor.shape:
        raise RuntimeError(
            "Trying to set a forward gradient that has a different size than that of the "
            f"original Tensor, this is not supported. Tensor is of size {list(tensor.shape)} "
            f"while the given forward gradient is of size {list(tangent.shape)}.")
    from ..ops.shape import alias_op
    with _paused():
        dual = alias_op(tensor)
    _set_tangent(dual, tangent)
    return dual


def unpack_dual(tensor, *, level: int | None = None) -> UnpackedDualTensor:
    """``(primal, tangent)``: the values without the tangent, and the tangent (or None).

    >>> import chainrule as torch
    >>> import chainrule.autograd.forward_ad as fwAD
    >>> with fwAD.dual_level():
    ...     p, t = fwAD.unpack_dual(fwAD.make_dual(torch.ones(1), torch.zeros(1)))
    >>> p, t
    (tensor([1.]), tensor([0.]))
    """
    tangent = getattr(tensor, "_fw_grad", None)
    if tangent is None or _level is None:
        return UnpackedDualTensor(tensor, None)
    from ..ops.shape import alias_op
    with _paused():
        primal = alias_op(tensor)
    return UnpackedDualTensor(primal, tangent)


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
        from .._backend import xp
        t = _tensor_cls()._make(xp.zeros_like(a._data))
    return t


def propagate(op, args, result) -> None:
    """Give ``result`` its tangent from the tangents of ``args`` (called by ``Op.__call__``)."""
    Tensor = _tensor_cls()
    if not any(_has_tangent(args[i], Tensor) for i in op.diff_positions if i < len(args)):
        return
    if result._data.dtype.kind not in "fc":
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
        tangent = op.jvp(*values)
        if not op.view and any(tangent is v for v in values):
            # A rule like frac's (jvp = self_t) hands back the input's tangent; a non-view
            # output needs its own, or an in-place change of it would change the input's too.
            tangent = tangent.clone()
    if tangent is not None:
        _set_tangent(result, tangent)
