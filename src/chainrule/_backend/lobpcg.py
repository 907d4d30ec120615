"""LOBPCG on ``xp`` arrays: a few extreme eigenpairs of a symmetric (generalized) problem
``A x = λ B x`` without decomposing ``A`` (torch.lobpcg's two methods).

Each step solves the small eigenproblem of ``A`` restricted to a search basis ``S`` (the
Rayleigh-Ritz procedure) built from the current approximations ``X``, their residuals
``R = A X - B X E`` (preconditioned by ``iK`` when given) and the previous search
directions ``P``; pairs whose relative residual drops below ``tol`` are locked in order.

- ``method="basic"`` (Knyazev 2001): the basis is used as it comes, and its Gram matrix
  ``Sᵀ B S`` is made the identity by a Cholesky factor in every Rayleigh-Ritz step;
- ``method="ortho"`` (Stathopoulos & Wu 2002; Duersch et al. 2018): the residuals are
  made B-orthonormal and B-orthogonal to ``[X, P]`` first (repeated SVQB), which is robust
  where ``basic``'s Cholesky meets a nearly singular basis.

The state is kept as torch.lobpcg keeps it (``iparams``, ``fparams``, ``bparams``, ``ivars``,
``fvars``, ``bvars``, ``tvars``, ``E``, ``X``, ``R``, ``S``), so that a tracker can read it
after each step and stop the iteration with ``bvars["force_stop"] = True``.
"""
from __future__ import annotations

from . import xp


def _times(M, V):
    """``M @ V``, where ``M = None`` stands for the identity."""
    return V if M is None else M @ V


def _form(M, S):
    """The quadratic form ``Sᵀ M S``."""
    return S.T @ _times(M, S)


def _eigenpairs(M, largest: bool):
    """Eigenvalues and eigenvectors of the symmetric ``M`` (its upper triangle), the
    largest first when ``largest``, the smallest first otherwise."""
    E, Z = xp.linalg.eigh(M, UPLO="U")
    return (E[::-1], Z[:, ::-1]) if largest else (E, Z)


class Lobpcg:
    """The iteration for one matrix ``A`` (m x m) from the start ``X`` (m x n)."""

    def __init__(self, A, B, X, iK, iparams: dict, fparams: dict, bparams: dict,
                 method: str) -> None:
        self.A, self.B, self.iK = A, B, iK
        self.iparams, self.fparams, self.bparams = iparams, fparams, bparams
        self.method = method
        m, n = iparams["m"], iparams["n"]
        self.X = X.copy()
        self.E = xp.zeros((n,), dtype=X.dtype)
        self.R = xp.zeros((m, n), dtype=X.dtype)
        self.S = xp.zeros((m, 3 * n), dtype=X.dtype)
        self.tvars: dict = {}
        self.ivars: dict = {"istep": 0}
        self.fvars: dict = {"_": 0.0}
        self.bvars: dict = {"_": False}

    def run(self, on_step=None) -> None:
        """Steps until ``k`` pairs converged, ``niter`` steps were taken (-1: no limit) or
        ``on_step(self)`` set ``bvars["force_stop"]``."""
        while True:
            self.step()
            if on_step is not None:
                on_step(self)
            if (self.bvars.get("force_stop", False) or self.ivars["iterations_left"] == 0
                    or self.ivars["converged_count"] >= self.iparams["k"]):
                return

    def step(self) -> None:
        if self.ivars["istep"] == 0:
            X_norm = float(xp.linalg.norm(self.X))
            self.fvars["X_norm"] = X_norm
            self.fvars["A_norm"] = float(xp.linalg.norm(_times(self.A, self.X))) / X_norm
            self.fvars["B_norm"] = float(xp.linalg.norm(_times(self.B, self.X))) / X_norm
            self.ivars["iterations_left"] = self.iparams["niter"]
            self.ivars["converged_count"] = 0
            self.ivars["converged_end"] = 0
            self._first_step()
        elif self.method == "ortho":
            self._ortho_step()
        else:
            self._basic_step()
        self.ivars["iterations_left"] -= 1
        self.ivars["istep"] += 1

    # --- the two methods -----------------------------------------------------------------

    def _first_step(self) -> None:
        """Rayleigh-Ritz on the start vectors alone, then the first search basis."""
        n = self.iparams["n"]
        Ri = self._gram_inverse_factor(self.X)
        E, Z = _eigenpairs(_form(self.A, self.X @ Ri), self.bparams["largest"])
        self.X = self.X @ (Ri @ Z)
        if self.method == "basic":
            # (torch.lobpcg's ortho method leaves E at zero until its second step, so its
            # first residuals are A X: they span the same directions once made orthogonal
            # to X, and no pair counts as converged after the first step.)
            self.E = E.copy()
        self._residuals()
        self._count_converged()
        # (the preconditioner serves the basic method only, as in torch.lobpcg)
        W = self._orthonormalized(self.R, self.X) if self.method == "ortho" \
            else _times(self.iK, self.R)
        self._set_basis(n, None, W)

    def _basic_step(self) -> None:
        n, nc, ns = self.iparams["n"], self.ivars["converged_count"], self.ivars["converged_end"]
        S = self.S[:, nc:ns]
        Ri = self._gram_inverse_factor(S)
        E, Z = _eigenpairs(_form(self.A, S @ Ri), self.bparams["largest"])
        self.X[:, nc:] = S @ (Ri @ Z[:, :n - nc])
        self.E[nc:] = E[:n - nc]
        P = S @ (Ri @ Z[:, n:2 * n - nc])
        self._residuals()
        nc = self._count_converged()
        self._set_basis(n, P, _times(self.iK, self.R[:, nc:]))

    def _ortho_step(self) -> None:
        n, nc, ns = self.iparams["n"], self.ivars["converged_count"], self.ivars["converged_end"]
        S = self.S[:, nc:ns]  # B-orthonormal already
        E, Z = _eigenpairs(_form(self.A, S), self.bparams["largest"])
        self.X[:, nc:] = S @ Z[:, :n - nc]
        self.E[nc:] = E[:n - nc]
        # The new directions: the rest of the Ritz vectors, rotated so that their leading
        # (X) part is orthonormal, as Duersch et al. take P.
        basis = xp.linalg.qr(Z[:n - nc, n - nc:].T)[0]
        P = S @ (Z[:, n - nc:] @ basis)
        self._residuals()
        nc = self._count_converged()
        W = self._orthonormalized(self.R[:, nc:], xp.concatenate([self.X, P], axis=1))
        self._set_basis(n, P, W)

    def _set_basis(self, n: int, P, W) -> None:
        """``S = [X, P, W]``; ``converged_end`` is where its columns end."""
        np_ = 0 if P is None else P.shape[1]
        self.S[:, :n] = self.X
        if np_:
            self.S[:, n:n + np_] = P
        end = n + np_ + W.shape[1]
        self.S[:, n + np_:end] = W
        self.ivars["converged_end"] = end

    # --- residuals and convergence ------------------------------------------------------

    def _residuals(self) -> None:
        self.R = _times(self.A, self.X) - _times(self.B, self.X) * self.E

    def _count_converged(self) -> int:
        """How many leading pairs have a small backward error (Duersch et al., sec. 4.3):
        ``|r| / (|x| (|A| + |λ| |B|)) < tol``; a later pair counts only after all before it."""
        rerr = xp.linalg.norm(self.R, axis=0) / (
            xp.linalg.norm(self.X, axis=0)
            * (self.fvars["A_norm"] + xp.abs(self.E[:self.X.shape[1]]) * self.fvars["B_norm"]))
        converged = rerr < self.fparams["tol"]
        count = int(xp.argmin(converged)) if not converged.all() else len(converged)
        if count < self.ivars["converged_count"]:
            raise AssertionError(f"the number of converged eigenpairs (was "
                                 f"{self.ivars['converged_count']}, got {count}) cannot decrease")
        self.ivars["converged_count"] = count
        self.tvars["rerr"] = rerr
        return count

    # --- bases --------------------------------------------------------------------------

    def _gram_inverse_factor(self, S):
        """``Ri`` with ``(S Ri)ᵀ B (S Ri) = I``: the inverse Cholesky factor of the Gram
        matrix, scaled by its diagonal first (``basic``'s Rayleigh-Ritz)."""
        d = _form(self.B, S).diagonal() ** -0.5
        R = xp.linalg.cholesky(_form(self.B, S) * d * d[:, None]).T  # upper: Rᵀ R = D G D
        return xp.linalg.solve(R.T, xp.diag(d)).T  # diag(d) R⁻¹

    def _svqb(self, U, drop: bool, tau: float):
        """B-orthonormal columns spanning ``U`` (SVQB: from the eigenpairs of the scaled
        Gram matrix; tiny eigenvalues are raised to ``tau`` of the largest, or with
        ``drop`` their directions are dropped)."""
        if U.size == 0:
            return U
        d = _form(self.B, U).diagonal()
        if (d == 0).any():  # exact zero columns: nothing to scale
            U = U[:, d != 0]
            if U.size == 0:
                return U
            d = _form(self.B, U).diagonal()
        scale = d ** -0.5
        E, Z = _eigenpairs(_form(self.B, U) * scale[:, None] * scale, False)
        threshold = tau * xp.abs(E).max()
        if drop:
            keep = E > threshold
            E, Z, scale = E[keep], Z[:, keep], scale[keep]
        else:
            E = xp.where(E < threshold, threshold, E)
        return (U * scale) @ (Z * E ** -0.5)

    def _orthonormalized(self, U, V):
        """``U`` made B-orthonormal and B-orthogonal to the B-orthonormal ``V`` (Duersch's
        algorithms 3 and 6: alternate projections and SVQB until both errors are below
        ``ortho_tol``)."""
        m = self.iparams["m"]
        tol = self.fparams["ortho_tol"]
        use_drop = self.bparams["ortho_use_drop"]
        for key in [key for key in self.fvars if key.startswith("ortho_")]:
            del self.fvars[key]
        BV_norm = xp.linalg.norm(_times(self.B, V))
        VBU = V.T @ _times(self.B, U)
        i = j = 0
        for i in range(self.iparams["ortho_i_max"]):
            U = U - V @ VBU
            drop, tau = False, self.fparams["ortho_tol_drop"]
            for j in range(self.iparams["ortho_j_max"]):
                if use_drop:
                    U = self._svqb(U, drop, tau)
                    drop, tau = True, self.fparams["ortho_tol_replace"]
                else:
                    U = self._svqb(U, False, self.fparams["ortho_tol_replace"])
                if U.size == 0:  # every column of U was in V's span
                    self.ivars["ortho_i"], self.ivars["ortho_j"] = i, j
                    return U
                BU = _times(self.B, U)
                UBU = U.T @ BU
                rerr = float(xp.linalg.norm(UBU - xp.eye(UBU.shape[0], dtype=UBU.dtype))
                             / (xp.linalg.norm(BU) * xp.linalg.norm(U)))
                self.fvars[f"ortho_UBUmI_rerr[{i}, {j}]"] = rerr
                if rerr < tol:
                    break
            VBU = V.T @ BU
            rerr = float(xp.linalg.norm(VBU) / (BV_norm * xp.linalg.norm(U)))
            self.fvars[f"ortho_VBU_rerr[{i}]"] = rerr
            if rerr < tol:
                break
            if m < U.shape[1] + V.shape[1]:
                raise ValueError(f"Overdetermined shape of U: #B-cols(={m}) >= "
                                 f"#U-cols(={U.shape[1]}) + #V-cols(={V.shape[1]}) must hold")
        self.ivars["ortho_i"], self.ivars["ortho_j"] = i, j
        return U
