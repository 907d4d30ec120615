"""Linear solvers with their derivative rules: the rows behind torch.linalg's solves.

All formulas are for real matrices, batched over leading dimensions (the engine sums a
gradient back over the batch dimensions an input was broadcast along), written with
chainrule's tensor operations so that they can be differentiated again.  ``gX`` is the
gradient of the loss with respect to ``X``, ``dX`` a tangent (forward mode).

- Every solve ``X = A⁻¹B`` has ``gB = A⁻ᵀ gX`` (a solve with the transpose) and
  ``gA = -gB Xᵀ``; forward, ``dX = A⁻¹ (dB - dA X)``.  ``X A = B`` is the transpose of
  ``Aᵀ Xᵀ = Bᵀ``.  Triangular solves read one triangle of ``A``: its gradient is that
  triangle of ``-gB Xᵀ`` (without the diagonal for a unit triangle).
- LU solves: ``A = P L U`` changes with ``dA = P (dL U + L dU)``, so a gradient ``gA``
  reaches the packed factors as ``gL = tril(Pᵀ gA Uᵀ, -1)`` and ``gU = triu(Lᵀ Pᵀ gA)``.
- Cholesky solves with ``A = L Lᵀ``: ``dA = dL Lᵀ + L dLᵀ``, so ``gL = (gA + gAᵀ) L``
  (PyTorch's convention: the whole of ``L`` receives a gradient, not just its triangle).
- pinv, ``X = A⁺``: Golub & Pereyra's derivative of a constant-rank pseudo-inverse,
  ``gA = -Xᵀ gX Xᵀ + (I - AX) gXᵀ X Xᵀ + Xᵀ X gXᵀ (I - XA)``.
- lstsq residuals ``r = |AX - B|²`` (X minimizes r): ``gA = 2 (AX - B) g Xᵀ``,
  ``gB = -2 (AX - B) g``.
"""
from __future__ import annotations

from .._backend import xp
from .._backend.lapack import permutation_from_pivots, sytrs, trsm
from ..engine.op import Op
from ..tensor import from_array


class LinAlgError(RuntimeError):
    """A matrix that the requested factorization or solve cannot handle (torch.linalg's error)."""


def constant(array):
    """A tensor holding ``array``, outside any graph (identity matrices, masks)."""
    return from_array(xp.asarray(array))


def eye_like(t, n):
    return constant(xp.eye(n, dtype=t._data.dtype))


def _transposed(x):
    return xp.swapaxes(x, -1, -2)


# --- solve -----------------------------------------------------------------------------------

def _solve_forward(A, B, left, vector):
    if not left:  # X A = B  is  Aᵀ Xᵀ = Bᵀ
        A, B = _transposed(A), _transposed(B)
    b = B[..., None] if vector else B
    try:
        x = xp.linalg.solve(A, b)
    except xp.linalg.LinAlgError:
        raise LinAlgError(
            "linalg.solve: The solver failed because the input matrix is singular. Fix: check "
            "the matrix's rank, or use torch.linalg.lstsq / pinv.") from None
    x = x[..., 0] if vector else x
    return x if left else _transposed(x)


def _solve_grad_A(grad, A, result, left, vector):
    gB = solve(A.mT, grad, left, vector)
    if vector:
        return -(gB.unsqueeze(-1) * result.unsqueeze(-2))
    if left:
        return -(gB @ result.mT)
    return -(result.mT @ gB)


def _solve_jvp(A_t, B_t, A, result, left, vector):
    if vector:
        return solve(A, B_t - (A_t @ result.unsqueeze(-1)).squeeze(-1), left, vector)
    return solve(A, B_t - (A_t @ result if left else result @ A_t), left, vector)


solve = Op("LinalgSolveExBackward0", _solve_forward,
           A=_solve_grad_A,
           B=lambda grad, A, left, vector: solve(A.mT, grad, left, vector),
           jvp=_solve_jvp)


# --- triangular solves ------------------------------------------------------------------------

def _solve_triangular_forward(A, B, upper, left, unitriangular):
    if left:
        return trsm(A, B, upper, unitriangular)
    return _transposed(trsm(_transposed(A), _transposed(B), not upper, unitriangular))


def triangle(x, upper, unitriangular):
    """The part of ``x`` that a triangular solve reads: its upper or lower triangle."""
    if upper:
        return x.triu(1 if unitriangular else 0)
    return x.tril(-1 if unitriangular else 0)


def _solve_triangular_grad_B(grad, A, upper, left, unitriangular):
    return solve_triangular(A.mT, grad, not upper, left, unitriangular)


def _solve_triangular_grad_A(grad, A, result, upper, left, unitriangular):
    gB = _solve_triangular_grad_B(grad, A, upper, left, unitriangular)
    return triangle(-(gB @ result.mT) if left else -(result.mT @ gB), upper, unitriangular)


def _solve_triangular_jvp(A_t, B_t, A, result, upper, left, unitriangular):
    dA = triangle(A_t, upper, unitriangular)
    rhs = B_t - (dA @ result if left else result @ dA)
    return solve_triangular(A, rhs, upper, left, unitriangular)


solve_triangular = Op("LinalgSolveTriangularBackward0", _solve_triangular_forward,
                      A=_solve_triangular_grad_A, B=_solve_triangular_grad_B,
                      jvp=_solve_triangular_jvp)


def _triangular_solve_forward(self, A, upper, transpose, unitriangular):
    # torch.triangular_solve also hands back A (broadcast to the batch): "cloned_coefficient".
    a = _transposed(A) if transpose else A
    x = trsm(a, self, upper != transpose, unitriangular)
    return x, xp.broadcast_to(A, x.shape[:-2] + A.shape[-2:]).copy()


def _triangular_solve_grads(grads, A, outputs, upper, transpose, unitriangular, wanted):
    gX, gA_copy = grads
    X = outputs[0]
    a = A.mT if transpose else A
    gB = solve_triangular(a.mT, gX, upper == transpose, True, unitriangular)
    if wanted == "self":
        return gB
    ga = triangle(-(gB @ X.mT), upper != transpose, unitriangular)
    return (ga.mT if transpose else ga) + gA_copy


def _triangular_solve_jvp(self_t, A_t, A, result, upper, transpose, unitriangular):
    a, a_t = (A.mT, A_t.mT) if transpose else (A, A_t)
    dX = _solve_triangular_jvp(a_t, self_t, a, result[0], upper != transpose, True,
                               unitriangular)
    return dX, A_t.expand(result[1].shape).clone()


triangular_solve = Op(
    "TriangularSolveBackward0", _triangular_solve_forward, outputs="several",
    self=lambda grads, A, result, upper, transpose, unitriangular: _triangular_solve_grads(
        grads, A, result, upper, transpose, unitriangular, "self"),
    A=lambda grads, A, result, upper, transpose, unitriangular: _triangular_solve_grads(
        grads, A, result, upper, transpose, unitriangular, "A"),
    jvp=_triangular_solve_jvp)


# --- solves with an LU factorization -----------------------------------------------------------

def _lu_solve_forward(LU, pivots, B, left, adjoint):
    if not left:  # X A = B  is  Aᵀ Xᵀ = Bᵀ
        return _transposed(_lu_solve_forward(LU, pivots, _transposed(B), True, not adjoint))
    P = permutation_from_pivots(pivots, LU.shape[-1], LU.dtype)
    if adjoint:  # Aᵀ X = B with Aᵀ = Uᵀ Lᵀ Pᵀ
        y = trsm(_transposed(LU), B, False, False)
        return P @ trsm(_transposed(LU), y, True, True)
    return trsm(LU, trsm(LU, _transposed(P) @ B, False, True), True, False)


def lu_factors(LU, pivots):
    """``(P, L, U)`` of a square packed LU factorization, as tensors (P a constant)."""
    P = constant(permutation_from_pivots(pivots._data, LU.shape[-1], LU._data.dtype))
    n = LU.shape[-1]
    return P, LU.tril(-1) + eye_like(LU, n), LU.triu()


def grad_of_packed_lu(gA, LU, pivots):
    """The gradient reaching the packed factors of ``A = P L U`` from ``A``'s gradient."""
    P, L, U = lu_factors(LU, pivots)
    PtgA = P.mT @ gA
    return (PtgA @ U.mT).tril(-1) + (L.mT @ PtgA).triu()


def _lu_solve_grad_A(gB, X, left, adjoint):
    if left:
        return -(X @ gB.mT) if adjoint else -(gB @ X.mT)
    return -(gB.mT @ X) if adjoint else -(X.mT @ gB)


def _lu_solve_grad_LU(grad, LU, pivots, result, left, adjoint):
    gB = lu_solve(LU, pivots, grad, left, not adjoint)
    return grad_of_packed_lu(_lu_solve_grad_A(gB, result, left, adjoint), LU, pivots)


def _lu_solve_jvp(LU_t, B_t, LU, pivots, result, left, adjoint):
    P, L, U = lu_factors(LU, pivots)
    dA = P @ (LU_t.tril(-1) @ U + L @ LU_t.triu())
    if adjoint:
        dA = dA.mT
    rhs = B_t - (dA @ result if left else result @ dA)
    return lu_solve(LU, pivots, rhs, left, adjoint)


lu_solve = Op("LinalgLuSolveBackward0", _lu_solve_forward,
              LU=_lu_solve_grad_LU,
              B=lambda grad, LU, pivots, left, adjoint: lu_solve(LU, pivots, grad, left,
                                                                 not adjoint),
              jvp=_lu_solve_jvp)


# --- solves with a Cholesky factor ------------------------------------------------------------

def _cholesky_solve_forward(self, input2, upper):
    lower = _transposed(input2) if upper else input2  # A = L Lᵀ
    return trsm(_transposed(lower), trsm(lower, self, False, False), True, False)


def _cholesky_grad_factor(gA_sym, factor, upper):
    """The gradient of ``L`` (``U``) from that of ``A = L Lᵀ`` (``Uᵀ U``), ``gA`` symmetric."""
    return -(factor @ gA_sym) if upper else -(gA_sym @ factor)


def _cholesky_solve_grad_L(grad, input2, result, upper):
    gB = cholesky_solve(grad, input2, upper)
    common = gB @ result.mT
    return _cholesky_grad_factor(common + common.mT, input2, upper)


def _cholesky_product_tangent(factor, factor_t, upper):
    """``dA`` for ``A = L Lᵀ`` (or ``Uᵀ U``)."""
    half = factor_t.mT @ factor if upper else factor_t @ factor.mT
    return half + half.mT


def _cholesky_solve_jvp(self_t, input2_t, input2, result, upper):
    dA = _cholesky_product_tangent(input2, input2_t, upper)
    return cholesky_solve(self_t - dA @ result, input2, upper)


cholesky_solve = Op("CholeskySolveBackward0", _cholesky_solve_forward,
                    self=lambda grad, input2, upper: cholesky_solve(grad, input2, upper),
                    input2=_cholesky_solve_grad_L,
                    jvp=_cholesky_solve_jvp)


def _cholesky_inverse_forward(self, upper):
    n = self.shape[-1]
    eye = xp.broadcast_to(xp.eye(n, dtype=self.dtype), self.shape)
    return _cholesky_solve_forward(eye, self, upper)


def _cholesky_inverse_grad(grad, self, result, upper):
    common = result @ (grad + grad.mT) @ result
    return _cholesky_grad_factor(common, self, upper)


def _cholesky_inverse_jvp(self_t, self, result, upper):
    return -(result @ _cholesky_product_tangent(self, self_t, upper) @ result)


cholesky_inverse = Op("CholeskyInverseBackward0", _cholesky_inverse_forward,
                      self=_cholesky_inverse_grad, jvp=_cholesky_inverse_jvp)


# --- solves with an LDLᵀ factorization: no derivative in PyTorch either ------------------------

def _ldl_solve_not_differentiable(grad):
    raise RuntimeError("derivative for aten::linalg_ldl_solve is not implemented. Fix: use "
                       "torch.linalg.solve, which has a derivative.")


ldl_solve = Op("NotImplemented",
               lambda LD, pivots, B, hermitian: sytrs(LD, pivots, B),
               LD=_ldl_solve_not_differentiable, B=_ldl_solve_not_differentiable)


# --- pinv and lstsq -----------------------------------------------------------------------

def _pinv_forward(A, atol, rtol):
    u, s, vh = xp.linalg.svd(A, full_matrices=False)
    smax = s.max(axis=-1, keepdims=True) if s.shape[-1] else xp.zeros(s.shape[:-1] + (1,))
    cutoff = xp.maximum(atol, rtol * smax)
    with xp.errstate(divide="ignore"):
        s_inv = xp.where(s > cutoff, 1.0 / s, 0.0).astype(A.dtype)
    return xp.matmul(_transposed(vh) * s_inv[..., None, :], _transposed(u))


def _pinv_grad(grad, A, X):
    m, n = A.shape[-2], A.shape[-1]
    grad_t = grad.mT
    return (-(X.mT @ grad @ X.mT)
            + (eye_like(A, m) - A @ X) @ grad_t @ (X @ X.mT)
            + (X.mT @ X) @ grad_t @ (eye_like(A, n) - X @ A))


def _pinv_jvp(A_t, A, X):
    m, n = A.shape[-2], A.shape[-1]
    A_t_t = A_t.mT
    return (-(X @ A_t @ X)
            + (eye_like(A, n) - X @ A) @ A_t_t @ (X.mT @ X)
            + (X @ X.mT) @ A_t_t @ (eye_like(A, m) - A @ X))


pinv = Op("LinalgPinvBackward0", _pinv_forward,
          A=lambda grad, A, result: _pinv_grad(grad, A, result),
          jvp=lambda A_t, A, result: _pinv_jvp(A_t, A, result))


def _lstsq_forward(A, B, atol, rtol, vector):
    b = B[..., None] if vector else B
    x = xp.matmul(_pinv_forward(A, atol, rtol), b)
    return x[..., 0] if vector else x


def _lstsq_grad_A(grad, A, B, atol, rtol, vector):
    X = pinv(A, atol, rtol)
    if vector:
        return _pinv_grad(grad.unsqueeze(-1) * B.unsqueeze(-2), A, X)
    return _pinv_grad(grad @ B.mT, A, X)


def _lstsq_grad_B(grad, A, atol, rtol, vector):
    X = pinv(A, atol, rtol)
    if vector:
        return (X.mT @ grad.unsqueeze(-1)).squeeze(-1)
    return X.mT @ grad


def _lstsq_jvp(A_t, B_t, A, B, atol, rtol, vector):
    X = pinv(A, atol, rtol)
    dX = _pinv_jvp(A_t, A, X)
    if vector:
        return ((dX @ B.unsqueeze(-1)) + X @ B_t.unsqueeze(-1)).squeeze(-1)
    return dX @ B + X @ B_t


lstsq = Op("LinalgLstsqBackward0", _lstsq_forward, A=_lstsq_grad_A, B=_lstsq_grad_B,
           jvp=_lstsq_jvp)


def _residuals_forward(A, B, atol, rtol):
    gap = xp.matmul(A, _lstsq_forward(A, B, atol, rtol, False)) - B
    return (gap * gap).sum(-2)


def _residuals_gap(A, B, atol, rtol):
    X = lstsq(A, B, atol, rtol, False)
    return A @ X - B, X


def _residuals_grad_A(grad, A, B, atol, rtol):
    gap, X = _residuals_gap(A, B, atol, rtol)
    return 2 * (gap * grad.unsqueeze(-2)) @ X.mT


def _residuals_grad_B(grad, A, B, atol, rtol):
    gap, _ = _residuals_gap(A, B, atol, rtol)
    return -2 * gap * grad.unsqueeze(-2)


def _residuals_jvp(A_t, B_t, A, B, atol, rtol):
    gap, X = _residuals_gap(A, B, atol, rtol)
    return 2 * (gap * (A_t @ X - B_t)).sum(-2)


# The squared residuals r = |A X - B|² column by column.  X minimizes r, so X's own
# change contributes nothing to first order (envelope theorem): gA = 2 (AX - B) g Xᵀ and
# gB = -2 (AX - B) g.
lstsq_residuals = Op("LinalgLstsqBackward0", _residuals_forward,
                     A=_residuals_grad_A, B=_residuals_grad_B, jvp=_residuals_jvp)
