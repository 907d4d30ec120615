"""The trilinear row: one product of three tensors by an einsum equation, PyTorch's
``_trilinear`` node (TrilinearBackward0), which ``torch.bilinear`` records.

The product is linear in each operand, so each operand's gradient is the same
kind of product of the incoming gradient with the other two: the equation
``a,b,c->out`` gives ``out,b,c->a`` for the first operand, and so on.  The rules
thus call this row again, and second derivatives come for free.  Every
subscript of an operand must appear in another operand or in the output (as in
bilinear's ``bi,oij,bj->bo``), so that each gradient equation is well formed.
"""
from __future__ import annotations

from .._backend import xp
from ..engine.op import Op


def _grad_equation(equation: str, k: int) -> str:
    """The equation of operand ``k``'s gradient: the output's subscripts and the other two
    operands' in, operand ``k``'s out."""
    operands, out = equation.split("->")
    parts = operands.split(",")
    others = [p for i, p in enumerate(parts) if i != k]
    return f"{out},{others[0]},{others[1]}->{parts[k]}"


def _trilinear(i1, i2, i3, equation):
    # optimize: contract the cheapest pair first instead of one loop over every subscript
    return xp.einsum(equation, i1, i2, i3, optimize=True)


trilinear = Op(
    "TrilinearBackward0", _trilinear,
    i1=lambda grad, i2, i3, equation: trilinear(grad, i2, i3, _grad_equation(equation, 0)),
    i2=lambda grad, i1, i3, equation: trilinear(grad, i1, i3, _grad_equation(equation, 1)),
    i3=lambda grad, i1, i2, equation: trilinear(grad, i1, i2, _grad_equation(equation, 2)),
    jvp=lambda i1_t, i2_t, i3_t, i1, i2, i3, equation: (trilinear(i1_t, i2, i3, equation)
                                                         + trilinear(i1, i2_t, i3, equation)
                                                         + trilinear(i1, i2, i3_t, equation)))
