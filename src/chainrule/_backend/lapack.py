"""The LAPACK routines that NumPy does not expose, written on ``xp`` arrays.

PyTorch's CPU linear algebra calls LAPACK; NumPy's ``linalg`` offers only some of it.
These are the others, as LAPACK defines them (same pivoting choices, same packed
storage), so that results match PyTorch's to rounding:

- ``getrf``: LU factorization with partial pivoting (row interchanges), ``P A = L U``;
- ``trsm``: the solution of a triangular system by substitution (no singularity check:
  a zero on the diagonal gives inf and nan, as LAPACK's trsm does);
- ``sytrf`` / ``sytrs``: the Bunch-Kaufman ``L D Lᵀ`` factorization of a symmetric
  matrix (1x1 and 2x2 pivots, lower triangle) and the solve with it;
- ``expm``: the matrix exponential by scaling and squaring with a Padé approximant.

Each loops in Python over the columns of one matrix (n steps), each step vectorized
over the batch, so they suit the small and medium matrices this library is for.
"""
from __future__ import annotations

import math

from . import quiet, xp

# Bunch-Kaufman's threshold: a 1x1 pivot is taken while |a_kk| >= ALPHA * (largest
# off-diagonal), which bounds the growth of the entries (Bunch & Kaufman, 1977).
_ALPHA = (1.0 + math.sqrt(17.0)) / 8.0


def _batched(a):
    """``a`` as a (batch, rows, cols) array (a copy to work in) and its batch shape."""
    return a.reshape((math.prod(a.shape[:-2]),) + a.shape[-2:]).copy(), a.shape[:-2]


def getrf(a):
    """``(LU, pivots, info)`` of LAPACK's getrf for each matrix of ``a`` (..., m, n).

    ``LU`` packs the unit lower triangular ``L`` (below the diagonal) and ``U``;
    ``pivots`` (int32, 1-based, length min(m, n)) says that row ``i`` was swapped with
    row ``pivots[i]``; ``info`` is the 1-based index of the first zero pivot, 0 if none.
    """
    work, batch = _batched(a)
    count, m, n = work.shape
    k = min(m, n)
    rows = xp.arange(count)
    pivots = xp.zeros((count, k), dtype=xp.int32)
    info = xp.zeros(count, dtype=xp.int32)
    for j in range(k):
        # The largest entry of the column on or below the diagonal (the first of equals).
        p = j + xp.abs(work[:, j:, j]).argmax(axis=1)
        pivots[:, j] = p + 1
        pivot_row = work[rows, p].copy()
        work[rows, p] = work[:, j]
        work[:, j] = pivot_row
        d = work[:, j, j]
        zero = d == 0
        info[(info == 0) & zero] = j + 1
        # A zero pivot means a zero column: nothing to scale (LAPACK skips it too).
        scale = xp.where(zero, 1.0, d).astype(work.dtype)
        work[:, j + 1:, j] /= scale[:, None]
        work[:, j + 1:, j + 1:] -= work[:, j + 1:, j, None] * work[:, j, None, j + 1:]
    return (work.reshape(batch + (m, n)), pivots.reshape(batch + (k,)),
            info.reshape(batch))


def permutation_from_pivots(pivots, m: int, dtype):
    """The permutation matrices ``P`` (..., m, m) with ``A = P L U`` for getrf's pivots."""
    flat = pivots.reshape(math.prod(pivots.shape[:-1]), pivots.shape[-1]) - 1
    order = xp.broadcast_to(xp.arange(m), (flat.shape[0], m)).copy()
    rows = xp.arange(flat.shape[0])
    for j in range(flat.shape[1]):  # apply the interchanges in order to the row labels
        p = flat[:, j]
        swapped = order[rows, p].copy()
        order[rows, p] = order[:, j]
        order[:, j] = swapped
    # Row j of L U is row order[j] of A, so P has a one at (order[j], j).
    perm = xp.zeros((flat.shape[0], m, m), dtype=dtype)
    perm[rows[:, None], order, xp.arange(m)] = 1
    return perm.reshape(pivots.shape[:-1] + (m, m))


def trsm(a, b, upper: bool, unit: bool):
    """The solution ``X`` of ``A X = B`` for triangular ``A`` (only its ``upper`` or lower
    triangle is read; with ``unit`` its diagonal counts as ones). Batches broadcast."""
    batch = xp.broadcast_shapes(a.shape[:-2], b.shape[:-2])
    n = a.shape[-1]
    a = xp.broadcast_to(a, batch + a.shape[-2:])
    x = xp.array(xp.broadcast_to(b, batch + b.shape[-2:]), dtype=xp.result_type(a, b))
    order = range(n - 1, -1, -1) if upper else range(n)
    for i in order:
        # The unknowns already found: below row i for an upper A, above it for a lower one.
        done = slice(i + 1, n) if upper else slice(0, i)
        x[..., i, :] -= (a[..., i, None, done] @ x[..., done, :])[..., 0, :]
        if not unit:
            quiet(xp.divide, x[..., i, :], a[..., i, i, None], x[..., i, :])
    return x


def sytrf(a):
    """``(LD, pivots, info)`` of LAPACK's sytrf (lower) for each symmetric matrix of ``a``.

    ``LD`` holds ``L`` below the diagonal (unit diagonal implied) and the 1x1 and 2x2
    blocks of ``D`` on and beside it; ``pivots`` (1-based) is ``k`` for a 1x1 block whose
    row was swapped with row ``k``, and ``-k`` on both rows of a 2x2 block whose second
    row was swapped with row ``k``.  The strict upper triangle of ``LD`` is zero.
    """
    work, batch = _batched(a)
    n = work.shape[-1]
    pivots = xp.zeros(work.shape[:2], dtype=xp.int32)
    info = xp.zeros(work.shape[0], dtype=xp.int32)
    for b in range(work.shape[0]):
        info[b] = _sytf2_lower(work[b], pivots[b])
    ld = xp.tril(work)
    return ld.reshape(batch + (n, n)), pivots.reshape(batch + (n,)), info.reshape(batch)


def _sytf2_lower(A, ipiv) -> int:
    """LAPACK's dsytf2 with UPLO='L' on one matrix, in place (0-based indices)."""
    n = A.shape[0]
    info = 0
    k = 0
    while k < n:
        kstep = 1
        absakk = abs(A[k, k])
        imax, colmax = k, 0.0
        if k < n - 1:
            imax = k + 1 + int(xp.abs(A[k + 1:, k]).argmax())
            colmax = abs(A[imax, k])
        if max(absakk, colmax) == 0 or math.isnan(absakk):
            info = info or k + 1
            kp = k
        else:
            if absakk >= _ALPHA * colmax:
                kp = k
            else:
                # The largest off-diagonal entry of row/column imax (lower triangle only).
                rowmax = float(xp.abs(A[imax, k:imax]).max())
                if imax < n - 1:
                    rowmax = max(rowmax, float(xp.abs(A[imax + 1:, imax]).max()))
                if absakk >= _ALPHA * colmax * (colmax / rowmax):
                    kp = k
                elif abs(A[imax, imax]) >= _ALPHA * rowmax:
                    kp = imax
                else:
                    kp, kstep = imax, 2
            kk = k + kstep - 1
            if kp != kk:  # interchange rows and columns kk and kp of the trailing block
                A[kp + 1:, [kk, kp]] = A[kp + 1:, [kp, kk]]
                between = A[kk + 1:kp, kk].copy()
                A[kk + 1:kp, kk] = A[kp, kk + 1:kp]
                A[kp, kk + 1:kp] = between
                A[kk, kk], A[kp, kp] = A[kp, kp], A[kk, kk]
                if kstep == 2:
                    A[k + 1, k], A[kp, k] = A[kp, k], A[k + 1, k]
            if kstep == 1:
                if k < n - 1:
                    column = A[k + 1:, k] / A[k, k]
                    A[k + 1:, k + 1:] -= xp.tril(xp.outer(column, A[k + 1:, k]))
                    A[k + 1:, k] = column
            elif k < n - 2:
                d21 = A[k + 1, k]
                d11 = A[k + 1, k + 1] / d21
                d22 = A[k, k] / d21
                t = 1.0 / (d11 * d22 - 1.0)
                d21 = t / d21
                c0, c1 = A[k + 2:, k].copy(), A[k + 2:, k + 1].copy()
                wk = d21 * (d11 * c0 - c1)
                wkp1 = d21 * (d22 * c1 - c0)
                A[k + 2:, k + 2:] -= xp.tril(xp.outer(c0, wk) + xp.outer(c1, wkp1))
                A[k + 2:, k] = wk
                A[k + 2:, k + 1] = wkp1
        if kstep == 1:
            ipiv[k] = kp + 1
        else:
            ipiv[k] = ipiv[k + 1] = -(kp + 1)
        k += kstep
    return info


def sytrs(ld, pivots, b):
    """The solution ``X`` of ``A X = B`` from ``sytrf``'s ``(LD, pivots)``; batches broadcast."""
    batch = xp.broadcast_shapes(ld.shape[:-2], pivots.shape[:-1], b.shape[:-2])
    n = ld.shape[-1]
    count = math.prod(batch)
    lds = xp.broadcast_to(ld, batch + (n, n)).reshape((count, n, n))
    pivs = xp.broadcast_to(pivots, batch + (n,)).reshape((count, n))
    x = xp.array(xp.broadcast_to(b, batch + b.shape[-2:]), dtype=xp.result_type(ld, b))
    flat = x.reshape((count,) + b.shape[-2:])
    for i in range(flat.shape[0]):
        _sytrs_lower(lds[i], pivs[i], flat[i])
    return flat.reshape(x.shape)


def _sytrs_lower(A, ipiv, B) -> None:
    """LAPACK's dsytrs with UPLO='L' on one system, in place (0-based indices)."""
    n = A.shape[0]
    k = 0
    while k < n:  # solve L D Y = B
        if ipiv[k] > 0:
            kp = ipiv[k] - 1
            B[[k, kp]] = B[[kp, k]]
            B[k + 1:] -= xp.outer(A[k + 1:, k], B[k])
            B[k] /= A[k, k]
            k += 1
        else:
            kp = -ipiv[k] - 1
            B[[k + 1, kp]] = B[[kp, k + 1]]
            B[k + 2:] -= xp.outer(A[k + 2:, k], B[k]) + xp.outer(A[k + 2:, k + 1], B[k + 1])
            akm1k = A[k + 1, k]
            akm1 = A[k, k] / akm1k
            ak = A[k + 1, k + 1] / akm1k
            denom = akm1 * ak - 1.0
            bkm1 = B[k] / akm1k
            bk = B[k + 1] / akm1k
            B[k] = (ak * bkm1 - bk) / denom
            B[k + 1] = (akm1 * bk - bkm1) / denom
            k += 2
    k = n - 1
    while k >= 0:  # solve Lᵀ X = Y
        if ipiv[k] > 0:
            B[k] -= A[k + 1:, k] @ B[k + 1:]
            kp = ipiv[k] - 1
            B[[k, kp]] = B[[kp, k]]
            k -= 1
        else:
            B[k] -= A[k + 1:, k] @ B[k + 1:]
            B[k - 1] -= A[k + 1:, k - 1] @ B[k + 1:]
            kp = -ipiv[k] - 1
            B[[k, kp]] = B[[kp, k]]
            k -= 2


# Padé approximant of degree 13 (Higham, "The scaling and squaring method for the matrix
# exponential revisited", 2005): its coefficients, and the largest 1-norm for which it is
# accurate to double precision without scaling.
_PADE13 = (64764752532480000.0, 32382376266240000.0, 7771770303897600.0, 1187353796428800.0,
           129060195264000.0, 10559470521600.0, 670442572800.0, 33522128640.0,
           1323241920.0, 40840800.0, 960960.0, 16380.0, 182.0, 1.0)
_THETA13 = 5.371920351148152


def expm(a):
    """``exp(A)`` for each square matrix of ``a``, computed in float64 and cast back."""
    dtype = a.dtype
    a = a.astype(xp.float64)
    n = a.shape[-1]
    if a.size == 0:
        return a.astype(dtype)
    norm = xp.abs(a).sum(axis=-2).max(axis=-1)  # the 1-norm of each matrix
    # Scale each matrix by 2^-s into the approximant's range, then square s times.
    with xp.errstate(divide="ignore", invalid="ignore"):
        s = xp.ceil(xp.log2(norm / _THETA13))
    s = xp.where(xp.isfinite(s) & (s > 0), s, 0).astype(int)  # inf and nan propagate unscaled
    a = a / (2.0 ** s)[..., None, None]
    eye = xp.eye(n)
    c = _PADE13
    a2 = a @ a
    a4 = a2 @ a2
    a6 = a4 @ a2
    u = a @ (a6 @ (c[13] * a6 + c[11] * a4 + c[9] * a2)
             + c[7] * a6 + c[5] * a4 + c[3] * a2 + c[1] * eye)
    v = a6 @ (c[12] * a6 + c[10] * a4 + c[8] * a2) + c[6] * a6 + c[4] * a4 + c[2] * a2 \
        + c[0] * eye
    r = xp.linalg.solve(v - u, v + u)
    flat = r.reshape((math.prod(r.shape[:-2]), n, n))
    for i, squarings in enumerate(s.reshape(-1)):
        for _ in range(squarings):
            flat[i] = flat[i] @ flat[i]
    return flat.reshape(r.shape).astype(dtype)
