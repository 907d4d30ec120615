"""torch.lobpcg: the k largest (or smallest) eigenpairs of a symmetric positive definite
generalized eigenproblem ``A x = λ B x``, by LOBPCG iterations (``_backend/lobpcg.py``)
instead of a full decomposition."""
from __future__ import annotations

from .. import _dtypes
from ..ops import decompositions as decomposition_ops
from ..tensor import Tensor
from .matrix import _same_dtype
from .random import randn

__all__ = ["lobpcg"]

# The default tolerance: the square root of the dtype's machine epsilon, as PyTorch's table.
_EPS = {"float32": 1.2e-07, "float64": 2.23e-16}


class _TrackerView:
    """What ``tracker`` sees after each step: the iteration's state, its arrays as tensors
    (they share memory: copy what you keep), its dictionaries as they are (a tracker may
    set ``bvars["force_stop"] = True``)."""

    _TENSORS = ("A", "B", "iK", "E", "X", "R", "S")

    def __init__(self, worker) -> None:
        self._worker = worker

    def __getattr__(self, name: str):
        value = getattr(self._worker, name)
        if name in self._TENSORS:
            return None if value is None else Tensor._make(value)
        if name == "tvars":
            return {key: Tensor._make(v) for key, v in value.items()}
        return value

    def __repr__(self) -> str:
        return (f"LOBPCG(istep={self.ivars['istep']}, "
                f"converged_count={self.ivars.get('converged_count', 0)}, E={self.E})")


def lobpcg(A: Tensor, k: int | None = None, B: Tensor | None = None, X: Tensor | None = None,
           n: int | None = None, iK: Tensor | None = None, niter: int | None = None,
           tol: float | None = None, largest: bool | None = None, method: str | None = None,
           tracker=None, ortho_iparams: dict | None = None, ortho_fparams: dict | None = None,
           ortho_bparams: dict | None = None) -> tuple[Tensor, Tensor]:
    """The ``k`` largest (``largest=False``: smallest) eigenvalues ``E`` and eigenvectors
    ``U`` of the symmetric ``A`` (or of ``A x = λ B x``), by LOBPCG from ``X`` (random when
    not given: ``n`` columns, default ``k``).  ``method`` is ``"ortho"`` (default, robust) or
    ``"basic"``; ``iK`` a preconditioner (basic method); ``niter`` the most steps (-1: until
    converged); ``tol`` the residual tolerance.  Gradients flow to ``A`` (symmetrized first,
    as in PyTorch) when ``B`` is not given; eigenvectors are determined up to sign.  Forward
    mode uses the same perturbation formulas (PyTorch's forward mode differentiates its
    iterations instead, equal once they converged).

    >>> A = torch.diag(torch.arange(1., 10.))
    >>> E, U = torch.lobpcg(A, k=2, X=torch.ones(9, 2).tril(-1) + torch.eye(9, 2))
    >>> E.round(decimals=3)
    tensor([9., 8.])
    """
    if A.requires_grad or (B is not None and B.requires_grad):
        # The gradient of a symmetric A is asked for: PyTorch differentiates through the
        # symmetric part, so that A - lr * A.grad stays symmetric (and checks shapes after).
        A = (A + A.mT) / 2
        B = None if B is None else (B + B.mT) / 2
    if A.shape[-2] != A.shape[-1]:
        raise AssertionError(f"A must be square, got shape {A.shape}")
    if B is not None and A.shape != B.shape:
        raise AssertionError(f"A and B must have same shape, got {A.shape} vs {B.shape}")
    dtype = A.dtype if A.dtype.is_floating_point else _dtypes.float32
    if tol is None:
        tol = _EPS[dtype.name] ** 0.5
    m = A.shape[-1]
    k = (1 if X is None else X.shape[-1]) if k is None else k
    n = (k if n is None else n) if X is None else X.shape[-1]
    if m < 3 * n:
        raise ValueError(f"LOBPCG algorithm is not applicable when the number of A rows (={m})"
                         f" is smaller than 3 x the number of requested eigenpairs (={n})")
    method = "ortho" if method is None else method
    iparams = {"m": m, "n": n, "k": k, "niter": 1000 if niter is None else niter}
    fparams = {"tol": tol}
    bparams = {"largest": True if largest is None else largest}
    if method == "ortho":
        iparams.update(ortho_iparams or {})
        fparams.update(ortho_fparams or {})
        bparams.update(ortho_bparams or {})
        iparams.setdefault("ortho_i_max", 3)
        iparams.setdefault("ortho_j_max", 3)
        for name in ("ortho_tol", "ortho_tol_drop", "ortho_tol_replace"):
            fparams.setdefault(name, tol)
        bparams.setdefault("ortho_use_drop", False)
    start = None
    if X is None:
        start = randn(tuple(A.shape[:-2]) + (m, n), dtype=dtype)
    elif tuple(X.shape) != tuple(A.shape[:-2]) + (m, n):
        raise AssertionError(f"X shape mismatch: got {X.shape}, expected {(m, n)}")
    _same_dtype(A, start if X is None else X)  # the first product, A X
    tensors = [A]
    positions = []
    for given in (B, X, iK):
        positions.append(None if given is None else len(tensors))
        if given is not None:
            tensors.append(given)
    on_step = None if tracker is None else (lambda worker: tracker(_TrackerView(worker)))
    E, U = decomposition_ops.lobpcg(tensors, None if start is None else start._data,
                                    *positions, k,
                                    (iparams, fparams, bparams), method, on_step)
    return E, U
