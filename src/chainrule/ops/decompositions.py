"""Matrix decompositions and solvers with their derivative rules: the rows behind torch.linalg.

Single-output rules are ordinary ``Op`` rows.  A decomposition returns several
tensors (Q and R, U S Vh, ...) from one node: its row has ``outputs="several"``,
so its backward formula receives the gradient of every factor (zeros for those
that received none) and returns the gradient of the input matrix.  All formulas
are for real matrices, batched over leading dimensions, written with chainrule's
tensor operations so that they can be differentiated again.

The formulas (``gX`` is the gradient of the loss with respect to ``X``):

- solve, ``X = A⁻¹B``:  ``gB = A⁻ᵀ gX``,  ``gA = -gB Xᵀ``.
- pinv, ``X = A⁺``: Golub & Pereyra's derivative of a constant-rank pseudo-inverse,
  ``gA = -Xᵀ gX Xᵀ + (I - AX) gXᵀ X Xᵀ + Xᵀ X gXᵀ (I - XA)``.
- cholesky, ``A = LLᵀ``: with Φ = lower triangle with halved diagonal,
  ``S = L⁻ᵀ Φ(Lᵀ gL) L⁻¹`` and ``gA = (S + Sᵀ) / 2`` (Murray, 2016).
- qr (reduced, m ≥ n): ``M = R gRᵀ - gQᵀ Q``,
  ``gA = (gQ + Q copyltu(M)) R⁻ᵀ`` where ``copyltu`` mirrors the lower triangle; a wide
  A = [X | Y] is a square QR of X followed by ``R = [U | QᵀY]``.
- eigh, ``A = V diag(w) Vᵀ``: ``gA = V (diag(gw) + F ∘ Vᵀ gV) Vᵀ``,
  ``F_ij = 1 / (w_j - w_i)`` off the diagonal (first-order perturbation theory), then
  symmetrized as cholesky's.
- svd, ``A = U diag(s) Vᵀ``: with ``F_ij = 1 / (s_j² - s_i²)``,
  ``gA = U [(F ∘ (UᵀgU - gUᵀU)) S + diag(gs) + S (F ∘ (VᵀgV - gVᵀV))] Vᵀ
  + (I - UUᵀ) gU S⁻¹ Vᵀ + U S⁻¹ gVᵀ (I - VVᵀ)`` (Townsend, 2016).
- lstsq residuals ``r = |AX - B|²`` (X minimizes r): ``gA = 2 (AX - B) g Xᵀ``,
  ``gB = -2 (AX - B) g``.
- slogdet: ``d log|det A| = tr(A⁻¹ dA)``, so ``gA = g A⁻ᵀ``; the sign is locally constant.
"""
from __future__ import annotations

from .._backend import xp
from ..engine.op import Op
from ..tensor import from_array
from .selection import inverse
from .shape import cat


class LinAlgError(RuntimeError):
    """A matrix that the requested factorization or solve cannot handle (torch.linalg's error)."""


def _constant(array):
    return from_array(xp.asarray(array))


def _eye_like(t, n):
    return _constant(xp.eye(n, dtype=t._data.dtype))


def _diag_embed(v):
    """A batch of diagonal matrices with ``v``'s last dimension on the diagonal."""
    return v.unsqueeze(-1) * _eye_like(v, v.shape[-1])


def _off_diagonal_reciprocal(d):
    """``F[..., i, j] = 1 / d[..., i, j]`` off the diagonal and 0 on it."""
    n = d.shape[-1]
    off = 1.0 - xp.eye(n, dtype=d._data.dtype)
    # Filling the diagonal with ones first keeps 1/0 out of the computation.
    safe = d + _constant(xp.eye(n, dtype=d._data.dtype))
    return _constant(off) / safe


# --- solve -----------------------------------------------------------------------------------

def _solve_forward(A, B, left, vector):
    if not left:  # X A = B  is  Aᵀ Xᵀ = Bᵀ
        A, B = xp.swapaxes(A, -1, -2), xp.swapaxes(B, -1, -2)
    b = B[..., None] if vector else B
    try:
        x = xp.linalg.solve(A, b)
    except xp.linalg.LinAlgError:
        raise LinAlgError(
            "linalg.solve: The solver failed because the input matrix is singular. Fix: check "
            "the matrix's rank, or use torch.linalg.lstsq / pinv.") from None
    x = x[..., 0] if vector else x
    return x if left else xp.swapaxes(x, -1, -2)


def _solve_grad_B(grad, A, left, vector):
    if left:
        return solve(A.mT, grad, True, vector)
    return solve(A.mT, grad, False, vector)


def _solve_grad_A(grad, A, result, left, vector):
    gB = _solve_grad_B(grad, A, left, vector)
    if vector:
        return -(gB.unsqueeze(-1) * result.unsqueeze(-2))
    if left:
        return -(gB @ result.mT)
    return -(result.mT @ gB)


solve = Op("LinalgSolveExBackward0", _solve_forward,
              A=_solve_grad_A,
              B=lambda grad, A, left, vector: _solve_grad_B(grad, A, left, vector))


# --- pinv and lstsq -----------------------------------------------------------------------

def _pinv_forward(A, atol, rtol):
    u, s, vh = xp.linalg.svd(A, full_matrices=False)
    smax = s.max(axis=-1, keepdims=True) if s.shape[-1] else xp.zeros(s.shape[:-1] + (1,))
    cutoff = xp.maximum(atol, rtol * smax)
    with xp.errstate(divide="ignore"):
        s_inv = xp.where(s > cutoff, 1.0 / s, 0.0).astype(A.dtype)
    return xp.matmul(xp.swapaxes(vh, -1, -2) * s_inv[..., None, :], xp.swapaxes(u, -1, -2))


def _pinv_grad(grad, A, X):
    m, n = A.shape[-2], A.shape[-1]
    grad_t = grad.mT
    return (-(X.mT @ grad @ X.mT)
            + (_eye_like(A, m) - A @ X) @ grad_t @ (X @ X.mT)
            + (X.mT @ X) @ grad_t @ (_eye_like(A, n) - X @ A))


pinv = Op("LinalgPinvBackward0", _pinv_forward,
             A=lambda grad, A, result: _pinv_grad(grad, A, result))


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


lstsq = Op("LinalgLstsqBackward0", _lstsq_forward, A=_lstsq_grad_A, B=_lstsq_grad_B)


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


# The squared residuals r = |A X - B|² column by column.  X minimizes r, so X's own
# change contributes nothing to first order (envelope theorem): gA = 2 (AX - B) g Xᵀ and
# gB = -2 (AX - B) g.
lstsq_residuals = Op("LinalgLstsqBackward0", _residuals_forward,
                        A=_residuals_grad_A, B=_residuals_grad_B)


# --- cross -----------------------------------------------------------------------------------

cross = Op("LinalgCrossBackward0",
              lambda self, other, dim: xp.cross(self, other, axis=dim), promote="binary",
              self=lambda grad, other, dim: cross(other, grad, dim),
              other=lambda grad, self, dim: cross(grad, self, dim))


# --- cholesky ----------------------------------------------------------------------------------

def _cholesky_forward(A, upper):
    try:
        L = xp.linalg.cholesky(A)
    except xp.linalg.LinAlgError:
        raise LinAlgError(
            "linalg.cholesky: The factorization could not be completed because the input is not "
            "positive-definite. Fix: check that the matrix is symmetric positive-definite (e.g. "
            "add a small multiple of the identity).") from None
    return xp.swapaxes(L, -1, -2).copy() if upper else L


def _cholesky_grad(grad, result, upper):
    L, gL = (result.mT, grad.mT) if upper else (result, grad)
    n = L.shape[-1]
    phi = _constant(xp.tril(xp.ones((n, n), dtype=L._data.dtype))
                    - 0.5 * xp.eye(n, dtype=L._data.dtype))
    L_inv = inverse(L)
    S = L_inv.mT @ ((L.mT @ gL) * phi) @ L_inv
    return (S + S.mT) * 0.5


cholesky = Op("LinalgCholeskyExBackward0", _cholesky_forward,
              A=lambda grad, result, upper: _cholesky_grad(grad, result, upper))


# --- the decompositions with several outputs ------------------------------------------------
# One node for all factors (``outputs="several"``): the rule takes ``grads``, one per factor
# (zeros for a factor no gradient reached), and the factors as ``result``.

# --- slogdet ----------------------------------------------------------------------------------

def _slogdet_forward(A):
    sign, logabsdet = xp.linalg.slogdet(A)
    return sign.astype(A.dtype), logabsdet.astype(A.dtype)


def _slogdet_backward(grads, A, outputs):
    return grads[1].unsqueeze(-1).unsqueeze(-1) * inverse(A).mT


slogdet = Op("LinalgSlogdetBackward0", _slogdet_forward, outputs="several",
                A=lambda grads, A, result: _slogdet_backward(grads, A, result))


# --- qr --------------------------------------------------------------------------------------

def _qr_forward(A, mode):
    if mode == "r":
        return xp.empty((0,), dtype=A.dtype), xp.linalg.qr(A, mode="r")
    return tuple(xp.linalg.qr(A, mode=mode))


def _qr_backward(grads, A, outputs, mode):
    gQ, gR = grads
    Q, R = outputs
    m, n = A.shape[-2], A.shape[-1]
    if mode == "r":
        raise RuntimeError("The derivative of linalg.qr depends on Q, which is not computed when "
                           "mode='r'. Please use linalg.qr(A, mode='reduced') if you are going "
                           "to differentiate through linalg.qr.")
    if mode == "complete" and m > n:
        raise NotImplementedError(
            "The derivative of linalg.qr is not defined when mode='complete' and nrows > ncols "
            "(Q's last columns are not unique). Fix: use mode='reduced'.")
    if m < n:
        # A = [X | Y] with X square: X = Q U is a square QR and R = [U | QᵀY], so Y's
        # gradient is Q gV and X's is the square rule with gQ + Y gVᵀ added.
        gU, gV = gR[..., :m], gR[..., m:]
        Y = A[..., m:]
        gX = _qr_square_grad(gQ + Y @ gV.mT, gU, Q, R[..., :m])
        return cat([gX, Q @ gV], -1)
    return _qr_square_grad(gQ, gR, Q, R)


def _qr_square_grad(gQ, gR, Q, R):
    M = R @ gR.mT - gQ.mT @ Q
    M_sym = M.tril() + M.tril(-1).mT
    return (gQ + Q @ M_sym) @ inverse(R).mT


qr = Op("LinalgQrBackward0", _qr_forward, outputs="several",
           A=lambda grads, A, result, mode: _qr_backward(grads, A, result, mode))


# --- eigh ------------------------------------------------------------------------------------

def _eigh_forward(A, UPLO):
    w, V = xp.linalg.eigh(A, UPLO=UPLO)
    return w, V


def _eigh_backward(grads, A, outputs, UPLO):
    gw, gV = grads
    w, V = outputs
    F = _off_diagonal_reciprocal(w.unsqueeze(-2) - w.unsqueeze(-1))
    gA = V @ (_diag_embed(gw) + F * (V.mT @ gV)) @ V.mT
    # A counts as symmetric: the gradient is that of the symmetric part, as in PyTorch.
    return (gA + gA.mT) * 0.5


eigh = Op("LinalgEighBackward0", _eigh_forward, outputs="several",
             A=lambda grads, A, result, UPLO: _eigh_backward(grads, A, result, UPLO))


# --- svd -------------------------------------------------------------------------------------

def _svd_forward(A, full_matrices):
    U, S, Vh = xp.linalg.svd(A, full_matrices=full_matrices)
    return U, S, Vh


def _svd_backward(grads, A, outputs, full_matrices):
    gU, gS, gVh = grads
    U, S, Vh = outputs
    k = S.shape[-1]
    if full_matrices:  # only the first k singular vectors enter A = U diag(S) Vh
        U, gU, Vh, gVh = U[..., :k], gU[..., :k], Vh[..., :k, :], gVh[..., :k, :]
    V, gV = Vh.mT, gVh.mT
    m, n = U.shape[-2], V.shape[-2]
    s2 = S * S
    F = _off_diagonal_reciprocal(s2.unsqueeze(-2) - s2.unsqueeze(-1))
    UtgU = U.mT @ gU
    VtgV = V.mT @ gV
    J = F * (UtgU - UtgU.mT)
    K = F * (VtgV - VtgV.mT)
    core = J * S.unsqueeze(-2) + _diag_embed(gS) + S.unsqueeze(-1) * K
    gA = U @ core @ Vh
    if m > k:  # the part of gU outside U's column space
        gA = gA + ((gU - U @ UtgU) / S.unsqueeze(-2)) @ Vh
    if n > k:
        gA = gA + U @ ((gV - V @ VtgV) / S.unsqueeze(-2)).mT
    return gA


svd = Op("LinalgSvdBackward0", _svd_forward, outputs="several",
            A=lambda grads, A, result, full_matrices:
                _svd_backward(grads, A, result, full_matrices))
