"""torch.lobpcg beyond the op table's rows (tests/op_table_linalg.py): the iteration itself
(the tracker's view of each step, stopping, the preconditioner, random start vectors) and
the errors PyTorch raises at backward time."""
from __future__ import annotations

import numpy as np
import pytest

import chainrule as cr
from helpers import assert_same, torch_or_skip

M = 12


def _problem(seed: int = 0):
    rng = np.random.default_rng(seed)
    a = rng.standard_normal((M, M))
    b = rng.standard_normal((M, M))
    return (a @ a.T + np.eye(M), rng.standard_normal((M, 3)),
            b @ b.T / M + np.eye(M))


def _run(module, method: str, largest: bool, generalized: bool, **kw):
    """E, |U| (eigenvectors have arbitrary signs) and the (istep, converged_count) the
    tracker saw at each step."""
    a, x, b = _problem()
    steps = []
    E, U = module.lobpcg(module.from_numpy(a), k=2, X=module.from_numpy(x.copy()),
                         B=module.from_numpy(b) if generalized else None, method=method,
                         largest=largest,
                         tracker=lambda w: steps.append((w.ivars["istep"],
                                                         w.ivars["converged_count"])), **kw)
    return E, U.abs(), steps


@pytest.mark.parametrize("method", ["ortho", "basic"])
@pytest.mark.parametrize("generalized", [False, True])
def test_iteration_as_pytorch(method, generalized):
    """Same eigenpairs, and (for these well-separated problems) the same steps with the
    same counts of converged pairs, as torch.lobpcg from the same start."""
    torch = torch_or_skip()
    E, U, steps = _run(cr, method, True, generalized)
    tE, tU, t_steps = _run(torch, method, True, generalized)
    assert_same(E, tE, rtol=1e-10, atol=1e-10)
    assert_same(U, tU, rtol=1e-6, atol=1e-7)
    assert steps == t_steps


def test_smallest_with_preconditioner():
    torch = torch_or_skip()
    a, x, _ = _problem(1)
    iK = np.linalg.inv(np.diag(np.diag(a)))  # Jacobi's preconditioner
    ours = cr.lobpcg(cr.from_numpy(a), X=cr.from_numpy(x), iK=cr.from_numpy(iK),
                     largest=False, method="basic")
    theirs = torch.lobpcg(torch.from_numpy(a), X=torch.from_numpy(x), iK=torch.from_numpy(iK),
                          largest=False, method="basic")
    assert_same(ours[0], theirs[0], rtol=1e-10, atol=1e-10)
    np.testing.assert_allclose(ours[0].numpy(), np.linalg.eigvalsh(a)[:3], rtol=1e-10)


def test_force_stop_and_niter():
    a, x, _ = _problem()

    def stop_after_two(worker):
        worker.bvars["force_stop"] = worker.ivars["istep"] >= 2
        assert isinstance(worker.X, cr.Tensor) and worker.X.shape == (M, 3)

    seen = []
    cr.lobpcg(cr.from_numpy(a), X=cr.from_numpy(x), tracker=stop_after_two)
    cr.lobpcg(cr.from_numpy(a), X=cr.from_numpy(x), niter=3,
              tracker=lambda w: seen.append(w.ivars["istep"]))
    assert seen == [1, 2, 3]


def test_random_start_finds_the_largest():
    a, _, _ = _problem(2)
    cr.manual_seed(0)
    E, U = cr.lobpcg(cr.from_numpy(a), k=2)
    np.testing.assert_allclose(E.numpy(), np.linalg.eigvalsh(a)[::-1][:2], rtol=1e-7)
    assert U.shape == (M, 2) and E.grad_fn is None


def test_backward_errors_as_pytorch():
    """With B, PyTorch raises at backward time (its rule is for B = I only)."""
    torch = torch_or_skip()
    a, x, b = _problem()
    for module in (cr, torch):
        A = module.from_numpy(a).requires_grad_()
        E, _ = module.lobpcg(A, X=module.from_numpy(x), B=module.from_numpy(b))
        with pytest.raises(ValueError, match="B != I"):
            E.sum().backward()
        with pytest.raises(AssertionError, match="X shape mismatch"):
            module.lobpcg(module.from_numpy(a), X=module.from_numpy(x[None]))


def test_B_not_positive_definite():
    """PyTorch's LinAlgError (a RuntimeError) from the Cholesky factor of ``Sᵀ B S``."""
    torch = torch_or_skip()
    a, x, b = _problem()
    for module in (cr, torch):
        with pytest.raises(RuntimeError, match="^linalg.cholesky: The factorization could not"
                                               " be completed because the input is not "
                                               "positive-definite") as error:
            module.lobpcg(module.from_numpy(a), X=module.from_numpy(x), B=-module.from_numpy(b))
        assert type(error.value).__name__.endswith("LinAlgError")
