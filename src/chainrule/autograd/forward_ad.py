"""Forward-mode AD: push a tangent along with each value (``torch.autograd.forward_ad``).

Inside ``dual_level()``, ``make_dual(x, v)`` gives a tensor whose tangent is
``v``.  Each op then computes its output's tangent from its inputs' tangents
with the op's forward rule (``jvp=`` in the rule table, beside its backward
rules), so at the end ``unpack_dual(y).tangent`` is the Jacobian-vector
product ``J v`` -- one forward pass, no graph, no backward.

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

from collections import namedtuple

from ..engine.forward_ad import (
    _paused,
    _set_tangent,
    active_level,
    dual_level,
    enter_dual_level,
    exit_dual_level,
)
from ..functions.storage import laid_out_like, same_layout
from ..ops.shape import alias, reshape
from ..tensor import Tensor

__all__ = ["dual_level", "make_dual", "unpack_dual", "enter_dual_level", "exit_dual_level",
           "UnpackedDualTensor"]


UnpackedDualTensor = namedtuple("UnpackedDualTensor", ["primal", "tangent"])
UnpackedDualTensor.__doc__ = """A dual tensor's parts: ``primal`` (the value) and ``tangent``.

    >>> import chainrule.autograd.forward_ad as fwAD
    >>> with fwAD.dual_level():
    ...     primal, tangent = fwAD.unpack_dual(fwAD.make_dual(torch.tensor(3.), torch.tensor(1.)))
    >>> primal, tangent
    (tensor(3.), tensor(1.))
    """


def make_dual(tensor, tangent, *, level: int | None = None):
    """A tensor with the values of ``tensor`` carrying ``tangent`` as its forward gradient.

    The result is a view of ``tensor`` (reverse mode still reaches ``tensor``
    through it).

    >>> import chainrule.autograd.forward_ad as fwAD
    >>> with fwAD.dual_level():
    ...     d = fwAD.make_dual(torch.ones(2), torch.tensor([1.0, 2.0]))
    ...     fwAD.unpack_dual(d * 3).tangent
    tensor([3., 6.])
    """
    if active_level() is None:
        raise RuntimeError("make_dual(): trying to create a dual Tensor for forward AD but no "
                           "level exists, make sure to enter_dual_level() first. Fix: call "
                           "make_dual inside `with forward_ad.dual_level():`.")
    if not isinstance(tangent, Tensor) or not isinstance(tensor, Tensor):
        raise TypeError("make_dual(): expected Tensor arguments for tensor and tangent.")
    if not tensor.dtype.is_floating_point:
        raise ValueError(f"Expected primal to be floating point or complex, but got: "
                         f"{tensor.dtype}. Fix: convert it with .double() or .float().")
    if not tangent.dtype.is_floating_point:
        raise ValueError(f"Expected tangent to be floating point or complex, but got: "
                         f"{tangent.dtype}. Fix: convert it with .double() or .float().")
    # One level is active at a time, so a tangent already there is at this level.
    if tensor._fw_grad is not None:
        raise RuntimeError(
            "Making a dual Tensor based on a Tensor that already has a forward gradient at the "
            f"same level {active_level()} is not supported. Fix: make the dual from "
            "unpack_dual(t).primal.")
    if tangent._fw_grad is not None:
        # (PyTorch's message has no space before the level.)
        raise RuntimeError(
            "Setting a forward grad that itself has a forward gradient at the same level"
            f"{active_level()} is not supported. Fix: pass unpack_dual(t).primal as the tangent.")
    if tangent.shape != tensor.shape:
        raise RuntimeError(
            "Trying to set a forward gradient that has a different size than that of the "
            f"original Tensor, this is not supported. Tensor is of size {list(tensor.shape)} "
            f"while the given forward gradient is of size {list(tangent.shape)}.")
    if not same_layout(tensor, tangent):
        # The tangent is laid out in memory as the primal is (as PyTorch does), so that a
        # view of the dual reads the tangent's elements where it reads the primal's.
        tangent = laid_out_like(tangent, tensor)
    with _paused():  # a view, recorded as PyTorch records it (ViewBackward0)
        dual = reshape(tensor, tensor._data.shape, tensor._data.shape)
    _set_tangent(dual, tangent)
    return dual


def unpack_dual(tensor, *, level: int | None = None) -> UnpackedDualTensor:
    """``(primal, tangent)``: the values without the tangent, and the tangent (or None).

    >>> import chainrule.autograd.forward_ad as fwAD
    >>> with fwAD.dual_level():
    ...     p, t = fwAD.unpack_dual(fwAD.make_dual(torch.ones(1), torch.zeros(1)))
    >>> p, t
    (tensor([1.]), tensor([0.]))
    """
    tangent = getattr(tensor, "_fw_grad", None)
    if tangent is None or active_level() is None:
        return UnpackedDualTensor(tensor, None)
    with _paused():
        primal = alias(tensor)
    return UnpackedDualTensor(primal, tangent)
