"""Matrix decompositions with their derivative rules: the rows behind torch.linalg's factorizations.

A decomposition returns several tensors (Q and R, U S Vh, ...) from one node: its row
has ``outputs="several"``, so its backward formula receives the gradient of every
factor (zeros for those that received none) and returns the gradient of the input
matrix, and its forward-mode rule returns one tangent per factor.  All formulas are
for real matrices, batched over leading dimensions, written with chainrule's tensor
operations so that they can be differentiated again (``gX``: the gradient of ``X``,
``dX``: its tangent).

- cholesky, ``A = LLᵀ``: with Φ = lower triangle with halved diagonal,
  ``S = L⁻ᵀ Φ(Lᵀ gL) L⁻¹`` and ``gA = (S + Sᵀ) / 2`` (Murray, 2016);
  ``dL = L Φ(L⁻¹ dA L⁻ᵀ)``.
- qr (reduced, m ≥ n): ``M = R gRᵀ - gQᵀ Q``,
  ``gA = (gQ + Q copyltu(M)) R⁻ᵀ`` where ``copyltu`` mirrors the lower triangle; a wide
  A = [X | Y] is a square QR of X followed by ``R = [U | QᵀY]``.  Forward: with
  ``C = Qᵀ dA R⁻¹`` and ``K = tril(C, -1) - tril(C, -1)ᵀ`` (QᵀdQ, skew),
  ``dR = (C - K) R`` and ``dQ = dA R⁻¹ - Q (C - K)``.
- eigh, ``A = V diag(w) Vᵀ``: ``gA = V (diag(gw) + F ∘ Vᵀ gV) Vᵀ``,
  ``F_ij = 1 / (w_j - w_i)`` off the diagonal (first-order perturbation theory), then
  symmetrized as cholesky's; ``dw = diag(Vᵀ dA V)``, ``dV = V (F ∘ Vᵀ dA V)``.
- svd, ``A = U diag(s) Vᵀ``: with ``F_ij = 1 / (s_j² - s_i²)``,
  ``gA = U [(F ∘ (UᵀgU - gUᵀU)) S + diag(gs) + S (F ∘ (VᵀgV - gVᵀV))] Vᵀ
  + (I - UUᵀ) gU S⁻¹ Vᵀ + U S⁻¹ gVᵀ (I - VVᵀ)`` (Townsend, 2016); forward, with
  ``dP = Uᵀ dA V``: ``ds = diag(dP)``, ``dU = U (F ∘ (dP S + S dPᵀ)) + (I - UUᵀ) dA V S⁻¹``.
- slogdet: ``d log|det A| = tr(A⁻¹ dA)``, so ``gA = g A⁻ᵀ``; the sign is locally constant.
- lu, ``PᵀA = L U`` (square): ``F = L⁻¹ Pᵀ dA U⁻¹`` splits into ``dL = L tril(F, -1)``
  and ``dU = triu(F) U``, so ``gA = P L⁻ᵀ (tril(Lᵀ gL, -1) + triu(gU Uᵀ)) U⁻ᵀ``.  A tall
  A = [A1; A2] is the square LU of A1 and ``L2 = A2 U⁻¹``; a wide one [A1 | A2] the square
  LU of A1 and ``U2 = L⁻¹ A2``.
- householder_product, ``Q = H1 ⋯ Hk E`` with ``Hi = I - τi vi viᵀ``: going down the
  product (``Qi = Hi Qi+1``), ``gHi = Gi Qi+1ᵀ`` and ``Gi+1 = Hi Gi``, so
  ``gτi = -viᵀ gHi vi`` and ``gvi = -τi (gHi + gHiᵀ) vi``.
- lobpcg, k eigenpairs ``A U = U diag(E)`` of a symmetric A (m x m): eigh's formula within
  span(U), plus, where k < m, the part each ``ui`` moves out of span(U): with
  ``P = I - UUᵀ``, ``dui = -(P (A - Ei) P)⁺ dA ui``, so ``gA -= Σ xi uiᵀ`` where ``xi``
  solves ``(P (A - Ei) P + UUᵀ) xi = P gui`` (the value PyTorch reaches by its polynomial
  solution of the same Sylvester equation).
"""
from __future__ import annotations

from .._backend import xp
from .._backend.lapack import getrf, permutation_from_pivots, sytrf
from .._backend.lobpcg import Lobpcg
from ..engine.op import Op
from .selection import inverse
from .shape import cat, stack
from .solvers import LinAlgError, constant, eye_like, solve_triangular


def _diag_embed(v):
    """A batch of diagonal matrices with ``v``'s last dimension on the diagonal."""
    return v.unsqueeze(-1) * eye_like(v, v.shape[-1])


def _off_diagonal_reciprocal(d):
    """``F[..., i, j] = 1 / d[..., i, j]`` off the diagonal and 0 on it."""
    n = d.shape[-1]
    off = 1.0 - xp.eye(n, dtype=d._data.dtype)
    # Filling the diagonal with ones first keeps 1/0 out of the computation.
    safe = d + eye_like(d, n)
    return constant(off) / safe


def _transposed(x):
    return xp.swapaxes(x, -1, -2)


def _inverse_right(X, U):
    """``X U⁻¹`` for upper triangular ``U``."""
    return solve_triangular(U, X, True, False, False)


def _inverse_left_unit(L, X):
    """``L⁻¹ X`` for unit lower triangular ``L``."""
    return solve_triangular(L, X, False, True, True)


# --- cholesky ----------------------------------------------------------------------------------

def _cholesky_forward(A, upper):
    try:
        L = xp.linalg.cholesky(A)
    except xp.linalg.LinAlgError:
        raise LinAlgError(
            "linalg.cholesky: The factorization could not be completed because the input is not "
            "positive-definite. Fix: check that the matrix is symmetric positive-definite (e.g. "
            "add a small multiple of the identity).") from None
    return _transposed(L).copy() if upper else L


def _phi(X):
    """The lower triangle of ``X`` with its diagonal halved."""
    return X.tril(-1) + X.tril().triu() * 0.5


def _cholesky_grad(grad, result, upper):
    L, gL = (result.mT, grad.mT) if upper else (result, grad)
    L_inv = inverse(L)
    S = L_inv.mT @ _phi(L.mT @ gL) @ L_inv
    return (S + S.mT) * 0.5


def _cholesky_jvp(A_t, result, upper):
    L = result.mT if upper else result
    inner = solve_triangular(L.mT, solve_triangular(L, A_t, False, True, False), True, False,
                             False)
    dL = L @ _phi(inner)
    return dL.mT if upper else dL


cholesky = Op("LinalgCholeskyExBackward0", _cholesky_forward, A=_cholesky_grad, jvp=_cholesky_jvp)
# torch.cholesky, the older spelling: the same rules under its own node name.
cholesky_legacy = Op("CholeskyBackward0", _cholesky_forward, A=_cholesky_grad, jvp=_cholesky_jvp)


# --- slogdet ----------------------------------------------------------------------------------

def _slogdet_forward(A):
    sign, logabsdet = xp.linalg.slogdet(A)
    return sign.astype(A.dtype), logabsdet.astype(A.dtype)


def _slogdet_backward(grads, A):
    return grads[1].unsqueeze(-1).unsqueeze(-1) * inverse(A).mT


def _slogdet_jvp(A_t, A, result):
    return result[0] * 0, (inverse(A).mT * A_t).sum((-2, -1))


slogdet = Op("LinalgSlogdetBackward0", _slogdet_forward, outputs="several",
             A=lambda grads, A: _slogdet_backward(grads, A), jvp=_slogdet_jvp)


# --- qr --------------------------------------------------------------------------------------

def _qr_forward(A, mode):
    if mode == "r":
        return xp.empty((0,), dtype=A.dtype), xp.linalg.qr(A, mode="r")
    return tuple(xp.linalg.qr(A, mode=mode))


def _check_qr_differentiable(A, mode):
    if mode == "r":
        raise RuntimeError("The derivative of linalg.qr depends on Q, which is not computed when "
                           "mode='r'. Please use linalg.qr(A, mode='reduced') if you are going "
                           "to differentiate through linalg.qr.")
    if mode == "complete" and A.shape[-2] > A.shape[-1]:
        raise RuntimeError(
            "The QR decomposition is not differentiable when mode='complete' and nrows > ncols. "
            "Fix: use mode='reduced' (Q's last columns are not unique).")


def _qr_backward(grads, A, outputs, mode):
    _check_qr_differentiable(A, mode)
    gQ, gR = grads
    Q, R = outputs
    m = A.shape[-2]
    if m < A.shape[-1]:
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
    return solve_triangular(R.mT, gQ + Q @ M_sym, False, False, False)  # (...) R⁻ᵀ


def _qr_square_jvp(A_t, Q, R):
    C = Q.mT @ _inverse_right(A_t, R)
    below = C.tril(-1)
    skew = below - below.mT  # Qᵀ dQ
    dR = (C - skew) @ R
    return _inverse_right(A_t, R) - Q @ (C - skew), dR


def _qr_jvp(A_t, A, result, mode):
    _check_qr_differentiable(A, mode)
    Q, R = result
    m = A.shape[-2]
    if m < A.shape[-1]:
        dQ, dU = _qr_square_jvp(A_t[..., :m], Q, R[..., :m])
        dV = dQ.mT @ A[..., m:] + Q.mT @ A_t[..., m:]
        return dQ, cat([dU, dV], -1)
    return _qr_square_jvp(A_t, Q, R)


qr = Op("LinalgQrBackward0", _qr_forward, outputs="several",
        A=lambda grads, A, result, mode: _qr_backward(grads, A, result, mode), jvp=_qr_jvp)


# --- eigh ------------------------------------------------------------------------------------

def _eigh_forward(A, UPLO):
    w, V = xp.linalg.eigh(A, UPLO=UPLO)
    return w, V


def _eigh_backward(grads, outputs):
    gw, gV = grads
    w, V = outputs
    F = _off_diagonal_reciprocal(w.unsqueeze(-2) - w.unsqueeze(-1))
    gA = V @ (_diag_embed(gw) + F * (V.mT @ gV)) @ V.mT
    # A counts as symmetric: the gradient is that of the symmetric part, as in PyTorch.
    return (gA + gA.mT) * 0.5


def _eigh_jvp(A_t, result):
    w, V = result
    inner = V.mT @ A_t @ V
    F = _off_diagonal_reciprocal(w.unsqueeze(-2) - w.unsqueeze(-1))
    return inner.diagonal(0, -2, -1), V @ (F * inner)


eigh = Op("LinalgEighBackward0", _eigh_forward, outputs="several",
          A=lambda grads, result: _eigh_backward(grads, result),
          jvp=lambda A_t, result, UPLO: _eigh_jvp(A_t, result))


# --- svd -------------------------------------------------------------------------------------

def _svd_forward(A, full_matrices):
    U, S, Vh = xp.linalg.svd(A, full_matrices=full_matrices)
    return U, S, Vh


def _svd_backward(grads, outputs, full_matrices):
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


def _svd_jvp(A_t, result, full_matrices):
    U, S, Vh = result
    m, n, k = U.shape[-2], Vh.shape[-1], S.shape[-1]
    if full_matrices and m != n:
        raise NotImplementedError(
            "linalg.svd: forward-mode AD of the singular vectors is not defined for "
            "full_matrices=True when the matrix is not square (the extra vectors are not "
            "unique). Fix: pass full_matrices=False.")
    V = Vh.mT
    dP = U.mT @ A_t @ V
    s2 = S * S
    F = _off_diagonal_reciprocal(s2.unsqueeze(-2) - s2.unsqueeze(-1))
    dS = dP.diagonal(0, -2, -1)
    dU = U @ (F * (dP * S.unsqueeze(-2) + S.unsqueeze(-1) * dP.mT))
    dV = V @ (F * (S.unsqueeze(-1) * dP + dP.mT * S.unsqueeze(-2)))
    if m > k:
        dU = dU + (A_t @ V - U @ dP) / S.unsqueeze(-2)
    if n > k:
        dV = dV + (A_t.mT @ U - V @ dP.mT) / S.unsqueeze(-2)
    return dU, dS, dV.mT


svd = Op("LinalgSvdBackward0", _svd_forward, outputs="several",
         A=lambda grads, result, full_matrices: _svd_backward(grads, result, full_matrices),
         jvp=lambda A_t, result, full_matrices: _svd_jvp(A_t, result, full_matrices))


# --- LU ----------------------------------------------------------------------------------------
# The forwards return the permutation as a matrix P, so that the rules need no pivots; P's
# derivative is zero (the public functions hand it out detached, as PyTorch does).

def _unpack_lu(LU):
    """``(L, U)`` of a packed LU factorization (arrays): L is m×k, U is k×n."""
    m, n = LU.shape[-2], LU.shape[-1]
    k = min(m, n)
    L = xp.tril(LU[..., :, :k], -1) + xp.eye(m, k, dtype=LU.dtype)
    return L, xp.triu(LU[..., :k, :])


def _lu_forward(A):
    LU, pivots, _ = getrf(A)
    L, U = _unpack_lu(LU)
    return (permutation_from_pivots(pivots, A.shape[-2], A.dtype), L, U)


def _lu_square_grad(gL, gU, L, U):
    inner = (L.mT @ gL).tril(-1) + (gU @ U.mT).triu()
    # L⁻ᵀ inner U⁻ᵀ, by two triangular solves.
    return solve_triangular(U.mT, solve_triangular(L.mT, inner, True, True, True), False,
                            False, False)


def _lu_grad(gL, gU, P, L, U):
    """The gradient of A from those of L and U, with ``A = P L U``."""
    m, n = L.shape[-2], U.shape[-1]
    if m == n:
        return P @ _lu_square_grad(gL, gU, L, U)
    if m > n:  # L = [L1; L2] with L2 = A2 U⁻¹
        L1, L2 = L[..., :n, :], L[..., n:, :]
        gA2 = solve_triangular(U.mT, gL[..., n:, :], False, False, False)  # gL2 U⁻ᵀ
        gA1 = _lu_square_grad(gL[..., :n, :], gU - L2.mT @ gA2, L1, U)
        return P @ cat([gA1, gA2], -2)
    U1, U2 = U[..., :, :m], U[..., :, m:]  # U = [U1 | U2] with U2 = L⁻¹ A2
    gA2 = solve_triangular(L.mT, gU[..., :, m:], True, True, True)  # L⁻ᵀ gU2
    gA1 = _lu_square_grad(gL - gA2 @ U2.mT, gU[..., :, :m], L, U1)
    return P @ cat([gA1, gA2], -1)


def _lu_square_jvp(dA, L, U):
    F = _inverse_right(_inverse_left_unit(L, dA), U)
    return L @ F.tril(-1), F.triu() @ U


def _lu_jvp(A_t, P, L, U):
    """The tangents of L and U from that of A, with ``A = P L U``."""
    m, n = L.shape[-2], U.shape[-1]
    dA = P.mT @ A_t
    if m == n:
        return _lu_square_jvp(dA, L, U)
    if m > n:
        dL1, dU = _lu_square_jvp(dA[..., :n, :], L[..., :n, :], U)
        dL2 = _inverse_right(dA[..., n:, :] - L[..., n:, :] @ dU, U)
        return cat([dL1, dL2], -2), dU
    dL, dU1 = _lu_square_jvp(dA[..., :, :m], L, U[..., :, :m])
    dU2 = _inverse_left_unit(L, dA[..., :, m:] - dL @ U[..., :, m:])
    return dL, cat([dU1, dU2], -1)


def _lu_rule_jvp(A_t, result):
    P, L, U = result
    dL, dU = _lu_jvp(A_t, P, L, U)
    return None, dL, dU


lu = Op("LinalgLuBackward0", _lu_forward, outputs="several",
        A=lambda grads, result: _lu_grad(grads[1], grads[2], *result),
        jvp=_lu_rule_jvp)


def _pack_lu(L_part, U_part):
    """``tril(L, -1) + triu(U)`` as one m×n matrix (L is m×k, U is k×n)."""
    m, k, n = L_part.shape[-2], L_part.shape[-1], U_part.shape[-1]
    lower, upper = L_part.tril(-1), U_part.triu()
    if m > k:
        upper = cat([upper, upper.new_zeros(upper.shape[:-2] + (m - k, n))], -2)
    elif n > k:
        lower = cat([lower, lower.new_zeros(lower.shape[:-2] + (m, n - k))], -1)
    return lower + upper


def _factors_of_packed(LU):
    m, n = LU.shape[-2], LU.shape[-1]
    k = min(m, n)
    L = LU[..., :, :k].tril(-1) + constant(xp.eye(m, k, dtype=LU._data.dtype))
    return L, LU[..., :k, :].triu()


def _lu_factor_forward(A):
    LU, pivots, info = getrf(A)
    return LU, permutation_from_pivots(pivots, A.shape[-2], A.dtype), pivots, info


def _lu_factor_grad(grads, result):
    LU, P = result[0], result[1]
    L, U = _factors_of_packed(LU)
    k = L.shape[-1]
    # The packed gradient serves as both: dL is strictly lower and dU upper, so each
    # factor's rule reads only its own part of it.
    return _lu_grad(grads[0][..., :, :k], grads[0][..., :k, :], P, L, U)


def _lu_factor_jvp(A_t, result):
    LU, P = result[0], result[1]
    return (_pack_lu(*_lu_jvp(A_t, P, *_factors_of_packed(LU))), None, None, None)


# (LU, P, pivots, info): the packed factors, the permutation as a matrix for the rules, and
# LAPACK's pivots and info for the public functions.
lu_factor = Op("LinalgLuFactorExBackward0", _lu_factor_forward, outputs="several",
               A=lambda grads, result: _lu_factor_grad(grads, result), jvp=_lu_factor_jvp)


def _lu_unpack_forward(LU_data, LU_pivots, unpack_data):
    P = permutation_from_pivots(LU_pivots, LU_data.shape[-2], LU_data.dtype)
    if not unpack_data:  # PyTorch still returns (empty) L and U from the node
        empty = xp.zeros((0,), dtype=LU_data.dtype)
        return P, empty, empty.copy()
    return (P, *_unpack_lu(LU_data))


def _lu_unpack_backward(grads, LU_data_shape, unpack_data):
    if not unpack_data:
        return grads[0].new_zeros(LU_data_shape)
    return _pack_lu(grads[1], grads[2])


def _lu_unpack_jvp(LU_data_t, LU_data, unpack_data):
    if not unpack_data:
        return None, None, None
    k = min(LU_data.shape[-2], LU_data.shape[-1])
    return None, LU_data_t[..., :, :k].tril(-1), LU_data_t[..., :k, :].triu()


lu_unpack = Op("LuUnpackBackward0", _lu_unpack_forward, outputs="several",
               LU_data=_lu_unpack_backward, jvp=_lu_unpack_jvp)


# --- Householder reflectors (geqrf's storage) ------------------------------------------------

def _geqrf_forward(self):
    h, tau = xp.linalg.qr(self, mode="raw")
    return _transposed(h).copy(), tau


def _geqrf_not_differentiable(grads):
    raise NotImplementedError("the derivative for 'geqrf' is not implemented. Fix: use "
                              "torch.linalg.qr, which has a derivative.")


geqrf = Op("GeqrfBackward0", _geqrf_forward, outputs="several",
           self=_geqrf_not_differentiable)


def _reflector_vectors(a, k):
    """The vectors ``v_i`` of the reflectors, as the columns of an m×k array (or tensor)."""
    m = a.shape[-2]
    eye = xp.eye(m, k, dtype=a.dtype if isinstance(a, xp.ndarray) else a._data.dtype)
    if isinstance(a, xp.ndarray):
        return xp.tril(a[..., :, :k], -1) + eye
    return a[..., :, :k].tril(-1) + constant(eye)


def _householder_forward(input, tau):
    m, n = input.shape[-2], input.shape[-1]
    k = tau.shape[-1]
    V = _reflector_vectors(input, k)
    batch = xp.broadcast_shapes(input.shape[:-2], tau.shape[:-1])
    Q = xp.array(xp.broadcast_to(xp.eye(m, n, dtype=input.dtype), batch + (m, n)))
    for i in range(k - 1, -1, -1):  # Q = H_i Q, from the last reflector to the first
        v = V[..., :, i:i + 1]
        Q -= tau[..., i, None, None] * v * (_transposed(v) @ Q)
    return Q


def _householder_partials(input, tau):
    """``(V, [Q_2, ..., Q_{k+1}])``: the reflector vectors and the partial products."""
    m, n = input.shape[-2], input.shape[-1]
    k = tau.shape[-1]
    V = _reflector_vectors(input, k)
    Q = constant(xp.eye(m, n, dtype=input._data.dtype))
    rests = [None] * k
    for i in range(k - 1, -1, -1):
        rests[i] = Q
        v = V[..., :, i:i + 1]
        Q = Q - tau[..., i, None, None] * v * (v.mT @ Q)
    return V, rests


def householder_grads(grad, input, tau):
    """``(g_input, g_tau)`` for ``Q = householder_product(input, tau)``."""
    V, rests = _householder_partials(input, tau)
    k, n = tau.shape[-1], input.shape[-1]
    G = grad
    g_v, g_tau = [], []
    for i in range(k):
        v = V[..., :, i:i + 1]
        w = rests[i].mT @ v  # Q_{i+1}ᵀ v
        z = G.mT @ v  # Gᵀ v
        t = tau[..., i, None, None]
        g_tau.append(-(z * w).sum((-2, -1)))
        g_v.append(-t * (G @ w + rests[i] @ z))
        G = G - t * v * (v.mT @ G)
    g_input = cat(g_v, -1).tril(-1) if k else grad.new_zeros(grad.shape[:-1] + (0,))
    if n > k:
        g_input = cat([g_input, g_input.new_zeros(g_input.shape[:-1] + (n - k,))], -1)
    return g_input, stack(g_tau, -1) if k else grad.new_zeros(grad.shape[:-2] + (0,))


def _householder_jvp(input_t, tau_t, input, tau):
    V, rests = _householder_partials(input, tau)
    k = tau.shape[-1]
    dV = input_t[..., :, :k].tril(-1)
    dQ = None
    for i in range(k - 1, -1, -1):  # dQ_i = dH_i Q_{i+1} + H_i dQ_{i+1}
        v, dv = V[..., :, i:i + 1], dV[..., :, i:i + 1]
        t, dt = tau[..., i, None, None], tau_t[..., i, None, None]
        Q = rests[i]
        term = -(dt * v * (v.mT @ Q) + t * (dv * (v.mT @ Q) + v * (dv.mT @ Q)))
        if dQ is not None:
            term = term + dQ - t * v * (v.mT @ dQ)
        dQ = term
    return dQ if dQ is not None else input_t * 0


householder_product = Op(
    "LinalgHouseholderProductBackward0", _householder_forward,
    # (no reflectors: Q is the identity, and PyTorch gives neither input a gradient)
    input=lambda grad, input, tau: householder_grads(grad, input, tau)[0] if tau.shape[-1]
        else None,
    tau=lambda grad, input, tau: householder_grads(grad, input, tau)[1] if tau.shape[-1]
        else None,
    jvp=_householder_jvp)


def _square_reflectors(input):
    """``input`` padded with zero columns to m×m, so that its reflectors give all of Q."""
    m, k = input.shape[-2], input.shape[-1]
    if k >= m:
        return input[..., :, :m]
    return cat([input, input.new_zeros(input.shape[:-1] + (m - k,))], -1)


def _ormqr_forward(input, tau, other, left, transpose):
    m, k = input.shape[-2], input.shape[-1]
    padded = input[..., :, :m] if k >= m else \
        xp.concatenate([input, xp.zeros(input.shape[:-1] + (m - k,), dtype=input.dtype)], -1)
    Q = _householder_forward(padded, tau)
    Q = _transposed(Q) if transpose else Q
    return Q @ other if left else other @ Q


def _ormqr_grad_Q(grad, other, left, transpose):
    """The gradient of the full Q from that of ``ormqr``'s result."""
    if left:
        gQ = grad @ other.mT
    else:
        gQ = other.mT @ grad
    return gQ.mT if transpose else gQ


def _ormqr_reflector_grads(grad, input, tau, other, left, transpose):
    gQ = _ormqr_grad_Q(grad, other, left, transpose)
    g_input, g_tau = householder_grads(gQ, _square_reflectors(input), tau)
    k = input.shape[-1]
    if g_input.shape[-1] < k:
        g_input = cat([g_input, g_input.new_zeros(g_input.shape[:-1] + (k - g_input.shape[-1],))],
                      -1)
    return g_input[..., :, :k], g_tau


ormqr = Op(
    "OrmqrBackward0", _ormqr_forward,
    input=lambda grad, input, tau, other, left, transpose:
        _ormqr_reflector_grads(grad, input, tau, other, left, transpose)[0],
    tau=lambda grad, input, tau, other, left, transpose:
        _ormqr_reflector_grads(grad, input, tau, other, left, transpose)[1],
    other=lambda grad, input, tau, left, transpose: ormqr(input, tau, grad, left, not transpose))


# --- LDLᵀ (Bunch-Kaufman): no derivative in PyTorch either --------------------------------------

def _ldl_not_differentiable(grads):
    raise RuntimeError("derivative for aten::linalg_ldl_factor_ex is not implemented. Fix: use "
                       "torch.linalg.cholesky (positive-definite A) or eigh, which have "
                       "derivatives.")


ldl_factor = Op("NotImplemented", lambda A, hermitian: sytrf(A), outputs="several",
                A=_ldl_not_differentiable)


# --- lobpcg: k eigenpairs of a symmetric (generalized) problem --------------------------------

def _lobpcg_forward(tensors, start, B_at, X_at, iK_at, k, params, method, on_step):
    """``tensors`` are A and those of B, X, iK that were given (their positions: ``*_at``);
    ``start`` the random start vectors where X was not given.  Batches one by one."""
    A = tensors[0]
    B, X, iK = (None if at is None else tensors[at] for at in (B_at, X_at, iK_at))
    X = start if X is None else X
    m = A.shape[-1]
    batch = A.shape[:-2]
    E_all = xp.empty(batch + (k,), dtype=X.dtype)
    U_all = xp.empty(batch + (m, k), dtype=X.dtype)
    for index in xp.ndindex(*batch):
        iparams, fparams, bparams = (dict(p) for p in params)
        if batch:
            iparams["batch_index"] = int(xp.ravel_multi_index(index, batch))
        worker = Lobpcg(A[index], None if B is None else B[index], X[index],
                        None if iK is None else iK[index], iparams, fparams, bparams, method)
        try:
            worker.run(on_step)
        except xp.linalg.LinAlgError:  # a Cholesky factor of a Gram matrix Sᵀ B S
            raise LinAlgError(
                "linalg.cholesky: The factorization could not be completed because the input "
                "is not positive-definite. Fix: B must be symmetric positive-definite; the basic "
                "method also fails on a nearly dependent search basis: use method='ortho'."
            ) from None
        E_all[index] = worker.E[:k]
        U_all[index] = worker.X[:, :k]
    return E_all, U_all


def _out_of_span(A, E, U, V):
    """Column i of the result solves ``(P (A - Ei) P + UUᵀ) x = P vi`` with ``P = I - UUᵀ``:
    ``(A - Ei)⁻¹ P vi`` within the complement of span(U), where that inverse exists."""
    m = A.shape[-1]
    UUt = U @ U.mT
    P = eye_like(A, m) - UUt
    shifted = A.unsqueeze(-3) - E.unsqueeze(-1).unsqueeze(-1) * eye_like(A, m)
    systems = P.unsqueeze(-3) @ shifted @ P.unsqueeze(-3) + UUt.unsqueeze(-3)
    rhs = (P @ V).mT.unsqueeze(-1)  # one system per column
    return (inverse(systems) @ rhs).squeeze(-1).mT


def _lobpcg_backward(grads, tensors, result, B_at):
    if B_at is not None:
        raise ValueError("lobpcg.backward does not support backward with B != I yet.")
    gE, gU = grads
    E, U = result
    A = tensors[0]
    F = _off_diagonal_reciprocal(E.unsqueeze(-2) - E.unsqueeze(-1))
    gA = U @ (_diag_embed(gE) + (U.mT @ gU) * F) @ U.mT
    if U.shape[-1] < U.shape[-2]:
        gA = gA - _out_of_span(A, E, U, gU) @ U.mT
    return [gA] + [None] * (len(tensors) - 1)


def _lobpcg_jvp(tensors_t, tensors, result, B_at):
    if B_at is not None:
        raise NotImplementedError("lobpcg: forward AD is implemented for B = I only (as "
                                  "its backward). Fix: leave B out, or use reverse mode.")
    E, U = result
    A, dA = tensors[0], tensors_t[0]
    inner = U.mT @ dA @ U
    F = _off_diagonal_reciprocal(E.unsqueeze(-2) - E.unsqueeze(-1))
    dU = U @ (F * inner)
    if U.shape[-1] < U.shape[-2]:
        dU = dU - _out_of_span(A, E, U, dA @ U)
    return inner.diagonal(0, -2, -1), dU


lobpcg = Op("LOBPCGAutogradFunctionBackward", _lobpcg_forward, outputs="several",
            tensors=lambda grads, tensors, result, B_at: _lobpcg_backward(grads, tensors,
                                                                          result, B_at),
            jvp=_lobpcg_jvp)
