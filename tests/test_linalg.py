"""torch.linalg against PyTorch: values, dtypes, shapes, node names, gradients, errors."""
from __future__ import annotations

import math

import numpy as np
import pytest

import chainrule as cr
from helpers import assert_same

torch = pytest.importorskip("torch")


def _rand(*shape, seed=0, dtype=np.float64):
    return np.random.default_rng(seed).standard_normal(shape).astype(dtype)


def _well_conditioned(*shape, seed=0, dtype=np.float64):
    """Random square matrices pushed away from singularity."""
    return (_rand(*shape, seed=seed) + 3 * np.eye(shape[-1])).astype(dtype)


def _spd(*shape, seed=0, dtype=np.float64):
    a = _rand(*shape, seed=seed)
    return (a @ np.swapaxes(a, -1, -2) + shape[-1] * np.eye(shape[-1])).astype(dtype)


def _pair(array):
    return (cr.tensor(array, requires_grad=True),
            torch.tensor(array, requires_grad=True))


def _compare(fn, arrays, rtol=1e-5, atol=1e-6, weights_seed=7, check_grad=True):
    """Run ``fn(linalg, *inputs)`` in both libraries; compare outputs, nodes and gradients."""
    ours_in, theirs_in = zip(*[_pair(a) for a in arrays])
    ours = fn(cr.linalg, *ours_in)
    theirs = fn(torch.linalg, *theirs_in)
    ours_t = ours if isinstance(ours, tuple) else (ours,)
    theirs_t = theirs if isinstance(theirs, tuple) else (theirs,)
    assert len(ours_t) == len(theirs_t)
    loss_o, loss_t = 0, 0
    for k, (o, t) in enumerate(zip(ours_t, theirs_t)):
        assert_same(o, t, rtol=rtol, atol=atol)
        if t.grad_fn is not None and t.numel():  # (lstsq's empty residuals: no node here)
            # (the class name: torch's name() of CopyBackwards carries a C++ namespace)
            assert type(o.grad_fn).__name__ == type(t.grad_fn).__name__
            w = _rand(*t.shape, seed=weights_seed + k, dtype=t.detach().numpy().dtype)
            loss_o = loss_o + (o * cr.tensor(w)).sum()
            loss_t = loss_t + (t * torch.tensor(w)).sum()
    if check_grad and not isinstance(loss_t, int):
        loss_o.backward()
        loss_t.backward()
        for a, b in zip(ours_in, theirs_in):
            assert_same(a.grad, b.grad, rtol=rtol * 10, atol=atol * 10)


# --- values, dtypes, node names and gradients against torch ------------------------------

@pytest.mark.parametrize("shape", [(3, 3), (2, 4, 4)])
@pytest.mark.parametrize("dtype", [np.float32, np.float64])
def test_square_functions(shape, dtype):
    A = _well_conditioned(*shape, dtype=dtype)
    rtol = 1e-4 if dtype == np.float32 else 1e-7
    for fn in (lambda L, a: L.inv(a), lambda L, a: L.det(a), lambda L, a: L.slogdet(a),
               lambda L, a: L.matrix_power(a, 3), lambda L, a: L.matrix_power(a, -2),
               lambda L, a: L.matrix_power(a, 0), lambda L, a: L.diagonal(a),
               lambda L, a: L.diagonal(a, offset=1)):
        _compare(fn, [A], rtol=rtol, atol=rtol)


@pytest.mark.parametrize("b_shape", [(3,), (3, 2), (2, 3), (2, 3, 1), (4, 2, 3, 2)])
def test_solve(b_shape):
    A = _well_conditioned(2, 3, 3)
    B = _rand(*b_shape, seed=1)
    _compare(lambda L, a, b: L.solve(a, b), [A, B])
    if b_shape == (2, 3):  # a 2x3 matrix, not a batch of vectors, for a single A
        with pytest.raises(RuntimeError):
            torch.linalg.solve(torch.tensor(A[0]), torch.tensor(B))
        with pytest.raises(RuntimeError):
            cr.linalg.solve(cr.tensor(A[0]), cr.tensor(B))
    else:
        _compare(lambda L, a, b: L.solve(a[0], b), [A, B])


def test_solve_left_false():
    A = _well_conditioned(2, 3, 3)
    B = _rand(2, 4, 3, seed=1)
    _compare(lambda L, a, b: L.solve(a, b, left=False), [A, B])


@pytest.mark.parametrize("shape", [(4, 3), (3, 4), (2, 5, 3)])
def test_pinv_lstsq(shape):
    A = _rand(*shape)
    _compare(lambda L, a: L.pinv(a), [A])
    if shape[-2] >= shape[-1]:
        B = _rand(*shape[:-1], 2, seed=2)
        for driver in ("gelsy", "gelsd"):
            _compare(lambda L, a, b, d=driver: L.lstsq(a, b, driver=d), [A, B], rtol=1e-6,
                     atol=1e-6)


def test_lstsq_result_type():
    A, B = _rand(5, 3), _rand(5, 2, seed=1)
    ours = cr.linalg.lstsq(cr.tensor(A), cr.tensor(B))
    theirs = torch.linalg.lstsq(torch.tensor(A), torch.tensor(B))
    assert ours._fields == theirs._fields if hasattr(theirs, "_fields") else True
    assert_same(ours.rank, theirs.rank)
    assert_same(ours[0], theirs[0], rtol=1e-6)
    assert repr(ours).startswith("torch.return_types.linalg_lstsq(\nsolution=tensor(")


@pytest.mark.parametrize("shape", [(3, 3), (2, 4, 4)])
def test_cholesky(shape):
    S = _spd(*shape)
    _compare(lambda L, a: L.cholesky(a), [S])
    _compare(lambda L, a: L.cholesky(a, upper=True), [S])
    _compare(lambda L, a: L.cholesky_ex(a), [S])


def test_eigh_values_and_gradients():
    S = _spd(2, 4, 4)
    _compare(lambda L, a: L.eigvalsh(a), [S])
    _compare(lambda L, a: L.eigvalsh(a, UPLO="U"), [S])
    # Eigenvectors are fixed up to sign: compare gauge-invariant quantities.
    ours_in, theirs_in = _pair(S)
    w_o, V_o = cr.linalg.eigh(ours_in)
    w_t, V_t = torch.linalg.eigh(theirs_in)
    assert_same(w_o, w_t, rtol=1e-7)
    assert V_o.grad_fn.name() == V_t.grad_fn.name() == "LinalgEighBackward0"
    P = _rand(4, 4, seed=3)
    loss_o = ((V_o * cr.tensor(P) @ V_o).abs() ** 2).sum() + w_o.sum()
    loss_t = ((V_t * torch.tensor(P) @ V_t).abs() ** 2).sum() + w_t.sum()
    proj_o = (V_o.unsqueeze(-1) * V_o.unsqueeze(-2))  # v_i v_iᵀ: sign-free
    proj_t = (V_t.unsqueeze(-1) * V_t.unsqueeze(-2))
    assert_same(proj_o, proj_t, rtol=1e-6, atol=1e-8)
    loss_o = loss_o + (proj_o * cr.tensor(_rand(*proj_t.shape, seed=4))).sum()
    loss_t = loss_t + (proj_t * torch.tensor(_rand(*proj_t.shape, seed=4))).sum()
    loss_o.backward()
    loss_t.backward()
    assert_same(ours_in.grad, theirs_in.grad, rtol=1e-6, atol=1e-8)


@pytest.mark.parametrize("shape", [(4, 3), (3, 4), (3, 3), (2, 5, 3)])
@pytest.mark.parametrize("full_matrices", [False, True])
def test_svd(shape, full_matrices):
    A = _rand(*shape)
    _compare(lambda L, a: L.svdvals(a), [A])
    ours_in, theirs_in = _pair(A)
    U_o, S_o, Vh_o = cr.linalg.svd(ours_in, full_matrices=full_matrices)
    U_t, S_t, Vh_t = torch.linalg.svd(theirs_in, full_matrices=full_matrices)
    assert_same(S_o, S_t, rtol=1e-7)
    assert U_o.shape == U_t.shape and Vh_o.shape == Vh_t.shape
    assert U_o.grad_fn.name() == U_t.grad_fn.name() == "LinalgSvdBackward0"
    k = S_t.shape[-1]
    # U_k diag(S) Vh_k and the projectors u_i v_iᵀ do not depend on the sign gauge.
    rebuilt_o = (U_o[..., :k] * S_o.unsqueeze(-2)) @ Vh_o[..., :k, :]
    assert_same(rebuilt_o, cr.tensor(A), rtol=1e-7, atol=1e-10)
    pair_o = U_o[..., :k].unsqueeze(-1) * Vh_o[..., :k, :].unsqueeze(-3)
    pair_t = U_t[..., :k].unsqueeze(-1) * Vh_t[..., :k, :].unsqueeze(-3)
    assert_same(pair_o, pair_t, rtol=1e-6, atol=1e-8)
    W = _rand(*pair_t.shape, seed=5)
    ((pair_o * cr.tensor(W)).sum() + S_o.sum()).backward()
    ((pair_t * torch.tensor(W)).sum() + S_t.sum()).backward()
    assert_same(ours_in.grad, theirs_in.grad, rtol=1e-6, atol=1e-8)


@pytest.mark.parametrize("shape", [(4, 3), (3, 3), (2, 5, 3), (3, 5)])
def test_qr(shape):
    A = _rand(*shape)
    _compare(lambda L, a: L.qr(a), [A], rtol=1e-7, atol=1e-10)
    _compare(lambda L, a: L.qr(a, mode="r"), [A], rtol=1e-7, atol=1e-10, check_grad=False)
    if shape[-1] == shape[-2]:
        _compare(lambda L, a: L.qr(a, mode="complete"), [A], rtol=1e-7, atol=1e-10)


@pytest.mark.parametrize("shape", [(3, 4), (2, 3, 3)])
@pytest.mark.parametrize("ord", ["fro", "nuc", math.inf, -math.inf, 1, -1, 2, -2])
def test_matrix_norm(shape, ord):
    A = _rand(*shape)
    _compare(lambda L, a: L.matrix_norm(a, ord), [A])
    _compare(lambda L, a: L.matrix_norm(a, ord, keepdim=True), [A])
    if len(shape) == 3:
        _compare(lambda L, a: L.matrix_norm(a, ord, dim=(0, 2)), [A])
    if len(shape) == 2:
        _compare(lambda L, a: L.norm(a, ord), [A])


@pytest.mark.parametrize("ord", [2, 1, 3, 0.5, math.inf, -math.inf])
def test_vector_norm(ord):
    x = _rand(2, 3, 4)
    _compare(lambda L, a: L.vector_norm(a, ord), [x])
    _compare(lambda L, a: L.vector_norm(a, ord, dim=(0, 2), keepdim=True), [x])
    _compare(lambda L, a: L.norm(a, ord, dim=1), [x])
    _compare(lambda L, a: L.norm(a[0, 0], ord), [x])
    _compare(lambda L, a: L.norm(a), [x])
    _compare(lambda L, a: L.norm(a, dim=(1, 2)), [x])
    _compare(lambda L, a: L.vector_norm(a.float(), ord, dtype=torch.float64 if L is torch.linalg
                                        else cr.float64), [x])
    with pytest.raises(RuntimeError):
        torch.linalg.vector_norm(torch.tensor(x), dtype=torch.float32)
    with pytest.raises(RuntimeError):
        cr.linalg.vector_norm(cr.tensor(x), dtype=cr.float32)


def test_products():
    a, b = _rand(4, 3), _rand(2, 1, 3, seed=1)
    _compare(lambda L, x, y: L.cross(x[None], y), [a, b])
    _compare(lambda L, x, y: L.cross(x.mT, y[0].mT.expand(3, 4), dim=0), [a, b])
    _compare(lambda L, x, y: L.vecdot(x, y), [a, b])
    _compare(lambda L, x, y: L.matmul(x, y[0].mT), [a, b])
    _compare(lambda L, x, y: L.matmul(y, x.mT), [a, b])
    m1, m2, m3 = _rand(2, 3), _rand(3, 4, seed=1), _rand(4, seed=2)
    _compare(lambda L, x, y, z: L.multi_dot([x, y, z]), [m1, m2, m3])
    _compare(lambda L, x, y, z: L.multi_dot([x[0], y, z]), [m1, m2, m3])
    _compare(lambda L, x, y, z: L.multi_dot((x, y)), [m1, m2, m3][:2] + [m3])


def test_matrix_rank():
    A = _rand(3, 5, 4)
    A[1] = A[1, :, :1] * np.ones((1, 4))  # rank 1
    for kwargs in ({}, {"atol": 1.0}, {"rtol": 0.5}, {"atol": 0.1, "rtol": 0.1}):
        assert_same(cr.linalg.matrix_rank(cr.tensor(A), **kwargs),
                    torch.linalg.matrix_rank(torch.tensor(A), **kwargs))


def test_result_types():
    A = _well_conditioned(2, 3, 3)
    ours, theirs = cr.linalg.slogdet(cr.tensor(A)), torch.linalg.slogdet(torch.tensor(A))
    assert repr(ours) == repr(theirs)
    assert_same(ours.logabsdet, theirs.logabsdet)
    sign, logabsdet = ours
    assert ours[0] is sign and ours.sign is sign and len(ours) == 2
    for name, args in (("qr", (A,)), ("svd", (A,)), ("eigh", (_spd(3, 3),)),
                       ("inv_ex", (A,)), ("cholesky_ex", (_spd(3, 3),))):
        o = getattr(cr.linalg, name)(*[cr.tensor(a) for a in args])
        t = getattr(torch.linalg, name)(*[torch.tensor(a) for a in args])
        assert type(o).__name__ == type(t).__name__
        assert repr(o).split("(")[0] == repr(t).split("(")[0]
        for field in [f for f in dir(t) if not f.startswith("_") and f[0] != "n"
                      and f not in ("count", "index")]:
            assert_same(getattr(o, field).abs(), getattr(t, field).abs(), rtol=1e-6, atol=1e-8)
    assert_same(cr.linalg.solve_ex(cr.tensor(A), cr.ones(3, dtype=cr.float64)).info,
                torch.linalg.solve_ex(torch.tensor(A), torch.ones(3, dtype=torch.float64)).info)


# --- float64 gradcheck of every differentiable function ------------------------------------

def _sym(a):
    return a + a.mT


def _gauge_free_eigh(a):
    w, V = cr.linalg.eigh(_sym(a))
    return w, V.unsqueeze(-1) * V.unsqueeze(-2)


def _gauge_free_svd(a):
    U, S, Vh = cr.linalg.svd(a, full_matrices=False)
    return S, U.unsqueeze(-1) * Vh.unsqueeze(-3)


GRADCHECKS = {
    "vector_norm": (lambda a: cr.linalg.vector_norm(a, 3, dim=-1), (_rand(2, 3),)),
    "matrix_norm_fro": (lambda a: cr.linalg.matrix_norm(a), (_rand(2, 3, 4),)),
    "matrix_norm_nuc": (lambda a: cr.linalg.matrix_norm(a, "nuc"), (_rand(3, 4),)),
    "matrix_norm_2": (lambda a: cr.linalg.matrix_norm(a, 2), (_rand(3, 4),)),
    "matrix_norm_inf": (lambda a: cr.linalg.matrix_norm(a, math.inf), (_rand(3, 4),)),
    "norm": (lambda a: cr.linalg.norm(a), (_rand(3, 4),)),
    "inv": (lambda a: cr.linalg.inv(a), (_well_conditioned(2, 3, 3),)),
    "det": (lambda a: cr.linalg.det(a), (_well_conditioned(2, 3, 3),)),
    "slogdet": (lambda a: cr.linalg.slogdet(a).logabsdet, (_well_conditioned(2, 3, 3),)),
    "solve": (lambda a, b: cr.linalg.solve(a, b), (_well_conditioned(2, 3, 3), _rand(3, 2))),
    "solve_vector": (lambda a, b: cr.linalg.solve(a, b), (_well_conditioned(3, 3), _rand(3))),
    "solve_right": (lambda a, b: cr.linalg.solve(a, b, left=False),
                    (_well_conditioned(3, 3), _rand(2, 3))),
    "cross": (lambda a, b: cr.linalg.cross(a, b), (_rand(2, 3), _rand(3, seed=1)[None])),
    "vecdot": (lambda a, b: cr.linalg.vecdot(a, b), (_rand(2, 3), _rand(3, seed=1))),
    "matmul": (lambda a, b: cr.linalg.matmul(a, b), (_rand(2, 3), _rand(3, 2, seed=1))),
    "multi_dot": (lambda a, b: cr.linalg.multi_dot([a, b, a]), (_rand(2, 2), _rand(2, 2, seed=1))),
    "matrix_power": (lambda a: cr.linalg.matrix_power(a, -3), (_well_conditioned(3, 3),)),
    "pinv": (lambda a: cr.linalg.pinv(a), (_rand(4, 3),)),
    "pinv_wide": (lambda a: cr.linalg.pinv(a), (_rand(2, 3, 4),)),
    "lstsq": (lambda a, b: cr.linalg.lstsq(a, b).solution, (_rand(4, 3), _rand(4, 2, seed=1))),
    "lstsq_residuals": (lambda a, b: cr.linalg.lstsq(a, b, driver="gelsd").residuals,
                        (_rand(5, 3), _rand(5, 2, seed=1))),
    "cholesky": (lambda a: cr.linalg.cholesky(a @ a.mT + cr.eye(3, dtype=cr.float64)),
                 (_rand(2, 3, 3),)),
    "cholesky_upper": (lambda a: cr.linalg.cholesky(a @ a.mT + cr.eye(3, dtype=cr.float64),
                                                    upper=True), (_rand(3, 3),)),
    "qr": (lambda a: tuple(cr.linalg.qr(a)), (_rand(2, 4, 3),)),
    "qr_wide": (lambda a: tuple(cr.linalg.qr(a)), (_rand(2, 3, 5),)),
    "qr_complete": (lambda a: tuple(cr.linalg.qr(a, mode="complete")), (_rand(3, 3),)),
    "svd": (_gauge_free_svd, (_rand(2, 4, 3),)),
    "svd_wide": (_gauge_free_svd, (_rand(3, 5),)),
    "svdvals": (lambda a: cr.linalg.svdvals(a), (_rand(3, 4),)),
    "eigh": (_gauge_free_eigh, (_rand(2, 3, 3),)),
    "eigvalsh": (lambda a: cr.linalg.eigvalsh(_sym(a)), (_rand(3, 3),)),
    "diagonal": (lambda a: cr.linalg.diagonal(a, offset=-1), (_rand(3, 3),)),
}


@pytest.mark.parametrize("name", sorted(GRADCHECKS))
def test_gradcheck(name):
    fn, arrays = GRADCHECKS[name]
    inputs = tuple(cr.tensor(a, requires_grad=True) for a in arrays)
    assert cr.autograd.gradcheck(fn, inputs)


def test_second_derivatives():
    A = cr.tensor(_well_conditioned(3, 3), requires_grad=True)
    assert cr.autograd.gradgradcheck(lambda a: cr.linalg.slogdet(a).logabsdet, (A,))
    assert cr.autograd.gradgradcheck(lambda a: cr.linalg.solve(a, a[:, :1]), (A,))
    for name in ("cholesky", "qr", "eigh", "svd", "pinv", "inv"):
        fn, arrays = GRADCHECKS[name]
        inputs = tuple(cr.tensor(a[..., :3, :3] if a.ndim == 3 else a, requires_grad=True)
                       for a in arrays)
        assert cr.autograd.gradgradcheck(fn, inputs), name


# --- errors ------------------------------------------------------------------------------

ERRORS = [
    ("inv", (np.zeros((3, 3)),), {}),
    ("inv", (np.ones((2, 3)),), {}),
    ("det", (np.ones((2, 3)),), {}),
    ("slogdet", (np.ones(3),), {}),
    ("solve", (np.zeros((3, 3)), np.ones(3)), {}),
    ("solve", (np.eye(3), np.ones(2)), {}),
    ("cholesky", (-np.eye(2),), {}),
    ("cholesky", (np.ones((2, 3)),), {}),
    ("eigh", (np.ones((2, 3)),), {}),
    ("norm", (np.ones((2, 2, 2)),), {"ord": 2}),
    ("matrix_norm", (np.ones(3),), {}),
    ("matrix_norm", (np.ones((3, 3)),), {"ord": "abc"}),
    ("cross", (np.ones(2), np.ones(2)), {}),
    ("qr", (np.ones((3, 3)),), {"mode": "bad"}),
]


@pytest.mark.parametrize("name, arrays, kwargs", ERRORS)
def test_errors(name, arrays, kwargs):
    with pytest.raises(Exception) as theirs:
        getattr(torch.linalg, name)(*[torch.tensor(a) for a in arrays], **kwargs)
    with pytest.raises(Exception) as ours:
        getattr(cr.linalg, name)(*[cr.tensor(a) for a in arrays], **kwargs)
    # Same class family: torch's LinAlgError (a RuntimeError) maps to ours.
    assert issubclass(ours.type, RuntimeError) == issubclass(theirs.type, RuntimeError)
    assert issubclass(ours.type, cr.linalg.LinAlgError) == \
        issubclass(theirs.type, torch.linalg.LinAlgError)


def test_integer_inputs_and_multi_dot_errors():
    for fn in ("inv", "det", "vector_norm", "svd"):
        with pytest.raises(RuntimeError):
            getattr(torch.linalg, fn)(torch.ones(2, 2, dtype=torch.long))
        with pytest.raises(RuntimeError):
            getattr(cr.linalg, fn)(cr.ones(2, 2, dtype=cr.long))
    with pytest.raises(RuntimeError):
        cr.linalg.multi_dot([cr.ones(2, 2)])
    with pytest.raises(RuntimeError):
        cr.linalg.multi_dot([cr.ones(2, 2), cr.ones(2, 2, 2)])


def test_qr_mode_r_has_no_derivative():
    A = cr.tensor(_rand(3, 3), requires_grad=True)
    with pytest.raises(RuntimeError):
        cr.linalg.qr(A, mode="r").R.sum().backward()


def test_cholesky_gradient_keeps_float32():
    torch = pytest.importorskip("torch")
    A = np.array([[4.0, 1.0], [1.0, 3.0]], dtype=np.float32)
    ours = cr.tensor(A, requires_grad=True)
    theirs = torch.tensor(A, requires_grad=True)
    cr.linalg.cholesky(ours).sum().backward()
    torch.linalg.cholesky(theirs).sum().backward()
    assert_same(ours.grad, theirs.grad)
