"""Functions of a matrix (the exponential), with their derivative rules.

For an analytic function f of a matrix, the derivative of ``f(A)`` in the direction
``E`` (the Fréchet derivative) is the upper right block of ``f`` applied to the block
matrix ``[[A, E], [0, A]]`` (Mathias, 1996), so the rules call the function itself:
forward, ``df = L(A, dA)``; backward, ``gA = L(Aᵀ, gX)`` (the adjoint of ``L(A, ·)``).
Being calls of the row, they can be differentiated again.
"""
from __future__ import annotations

from .._backend.lapack import expm
from ..engine.op import Op
from .shape import cat


def _frechet(A, E):
    """The derivative of ``matrix_exp`` at ``A`` in the direction ``E``."""
    n = A.shape[-1]
    zeros = A.new_zeros(A.shape)
    block = cat([cat([A, E], -1), cat([zeros, A], -1)], -2)
    return matrix_exp(block)[..., :n, n:]


matrix_exp = Op("LinalgMatrixExpBackward0", lambda self: expm(self),
                self=lambda grad, self: _frechet(self.mT, grad),
                jvp=lambda self_t, self: _frechet(self, self_t))
