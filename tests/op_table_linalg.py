"""The op table's rows of the linear-algebra family: torch.linalg, the torch.*
decompositions and solvers, their Tensor methods, integration (trapezoid), cov/corrcoef.
``op_table.OPS`` includes them; the rules of a row are in ``op_table``'s docstring."""
from __future__ import annotations

import math

from op_info import ALL_REAL, FLOAT, NUMERIC, OpInfo, V

# Inputs are drawn from (-2, 2); the functions below turn them into well-conditioned
# operands inside ``fn``, the same in both libraries, so the comparison (and gradcheck)
# differentiates through that construction too.

def _eye(m, x):
    return m.eye(x.shape[-1], dtype=x.dtype)


def _wc(m, x):
    """Well-conditioned: diagonally dominant."""
    return x + 4 * _eye(m, x)


def _spd(m, x):
    """Symmetric positive definite."""
    return x @ x.mT + x.shape[-1] * _eye(m, x)


def _lower(m, x):
    """Lower triangular with a diagonal away from zero (a Cholesky-like factor)."""
    return x.tril() + 4 * _eye(m, x)


def _upper(m, x):
    return x.triu() + 4 * _eye(m, x)


def _lu_solve(m, a, b, **kw):
    LU, pivots = m.linalg.lu_factor(_wc(m, a))
    return m.linalg.lu_solve(LU, pivots, b, **kw)


def _svd_gauge_free(m, x, **kw):
    """U Vᵀ and S: what torch.svd determines uniquely (singular vectors have arbitrary signs)."""
    U, S, V = m.svd(x, **kw)
    k = S.shape[-1]
    return U[..., :k] @ V[..., :k].mT, S


def _la(name, fn, shapes, dtypes=FLOAT, **kw):
    kw.setdefault("rtol", 1e-4)
    kw.setdefault("atol", 1e-5)
    if name.endswith("_error"):
        kw["gradcheck"] = False
    return OpInfo(name, fn, shapes, dtypes=dtypes, group="linalg", **kw)


def _lobpcg(m, a, **kw):
    """torch.lobpcg of a symmetric positive definite matrix from fixed start vectors (its
    own would be random), converged tightly (float64: for gradcheck; float32: beyond its
    default); the outputs do not depend on the eigenvectors' signs: E and U diag(E) Uᵀ."""
    # (eigenvalues spread apart: the eigenvectors, and gradcheck, are then well conditioned)
    A = _spd(m, a) + m.diag(m.arange(a.shape[-1], dtype=a.dtype)) * 4
    n = kw.pop("n", 2)
    X = m.linspace(-1.0, 1.0, A.shape[-1] * n, dtype=a.dtype).reshape(A.shape[-1], n).cos()
    tol = 1e-12 if a.dtype == m.float64 else 3e-6
    E, U = m.lobpcg(A, X=X.expand(A.shape[:-2] + X.shape), tol=tol, **kw)
    return E, (U * E.unsqueeze(-2)) @ U.mT


SQUARE = [((3, 3),), ((2, 3, 3),)]
LINALG_OPS: list[OpInfo] = [
    # torch.* decompositions
    _la("cholesky_legacy", lambda m, x: m.cholesky(_spd(m, x)), SQUARE),
    _la("cholesky_legacy_upper", lambda m, x: _spd(m, x).cholesky(upper=True), SQUARE[:1]),
    _la("qr_torch", lambda m, x: m.qr(x), [((4, 3),), ((3, 4),), ((2, 3, 3),)]),
    _la("qr_torch_complete", lambda m, x: x.qr(some=False), [((3, 4),), ((3, 3),)]),
    _la("svd_torch", _svd_gauge_free, [((4, 3),), ((3, 4),), ((2, 3, 3),)]),
    _la("svd_torch_no_uv", lambda m, x: x.svd(compute_uv=False), [((4, 3),), ((3, 4),)]),
    _la("slogdet_torch", lambda m, x: m.slogdet(_wc(m, x)), SQUARE),
    _la("slogdet_method", lambda m, x: (x - 4 * _eye(m, x)).slogdet(), SQUARE[:1]),
    _la("logdet", lambda m, x: m.logdet(_spd(m, x)), SQUARE),
    _la("logdet_negative", lambda m, x: (-_spd(m, x)).logdet(), [((3, 3),)],
        gradcheck=False),  # nan
    _la("matrix_exp", lambda m, x: m.matrix_exp(x), [((3, 3),), ((2, 2, 2),), ((1, 1),)],
        domain=(-1.0, 1.0)),
    _la("matrix_exp_linalg", lambda m, x: m.linalg.matrix_exp(x * 3), [((3, 3),)]),
    _la("matrix_exp_method", lambda m, x: x.matrix_exp(), [((4, 4),)], domain=(-1.0, 1.0)),
    _la("nuclear_norm", lambda m, x: m.nuclear_norm(x), [((3, 4),), ((4, 2),)]),
    _la("nuclear_norm_dim", lambda m, x: m.nuclear_norm(x, (0, 2), keepdim=True),
        [((3, 2, 4),)]),
    _la("frobenius_norm_dims", lambda m, x: m.frobenius_norm(x, (0, 1)), [((3, 4),), ((2, 3, 2),)]),
    _la("frobenius_norm_keepdim", lambda m, x: m.frobenius_norm(x, 1, keepdim=True),
        [((3, 4),)]),
    _la("norm_except_dim_first", lambda m, x: m.norm_except_dim(x), [((3, 4),), ((2, 3, 4),)]),
    _la("norm_except_dim_mid", lambda m, x: m.norm_except_dim(x, 3, 1), [((2, 3, 4),)]),
    _la("norm_except_dim_last", lambda m, x: m.norm_except_dim(x, 2, 2), [((2, 3, 4),)]),
    _la("norm_except_dim_all", lambda m, x: m.norm_except_dim(x, 2, -1), [((2, 3),)]),
    _la("adjoint_batched", lambda m, x: m.adjoint(x), [((2, 3, 4),), ((3, 2),)], ALL_REAL),
    _la("adjoint_method", lambda m, x: x.adjoint(), [((3, 2),), ((),)]),
    _la("chain_matmul_three", lambda m, x, y, z: m.chain_matmul(x, y, z),
        [((2, 3), (3, 4), (4, 2))]),
    _la("chain_matmul_one", lambda m, x: m.chain_matmul(x), [((2, 3),)]),
    _la("matrix_power_torch", lambda m, x: (m.matrix_power(x, 3), x.matrix_power(2),
                                            m.linalg.matrix_power(x, 5),
                                            m.linalg.matrix_power(x, 6)),
        SQUARE, NUMERIC, domain=(-1.0, 1.0)),
    _la("matrix_power_inverse", lambda m, x: _wc(m, x).matrix_power(-2), SQUARE[:1]),
    _la("pinverse", lambda m, x: m.pinverse(x), [((4, 3),), ((3, 4),)]),
    _la("pinverse_method", lambda m, x: x.pinverse(rcond=1e-10), [((2, 3, 2),)]),
    _la("lobpcg", _lobpcg, [((6, 6),)], rtol=1e-2, atol=1e-2),
    # (batched: gradients against PyTorch's only, in float64: finite differences of some
    # entries meet the iteration's stopping noise, and float32 stops late)
    _la("lobpcg_batch", _lobpcg, [((2, 9, 9),)], ("float64",), rtol=1e-2, atol=1e-2,
        gradcheck=False),
    _la("lobpcg_smallest", lambda m, a: _lobpcg(m, a, k=1, largest=False), [((6, 6),)],
        rtol=1e-2, atol=1e-2),
    _la("lobpcg_basic", lambda m, a: _lobpcg(m, a, method="basic"), [((6, 6),)],
        rtol=1e-2, atol=1e-2),
    # (with B, PyTorch's backward raises: values only, and tests/test_lobpcg.py the error)
    _la("lobpcg_generalized", lambda m, a, b: m.lobpcg(_spd(m, a), k=2, B=_spd(m, b),
                                                      largest=False)[0],
        [((9, 9), (9, 9))], differentiable=False, rtol=1e-2, atol=1e-2),
    # torch.* solvers
    _la("triangular_solve", lambda m, b, a: m.triangular_solve(b, _upper(m, a)),
        [((3, 2), (3, 3)), ((2, 3, 1), (3, 3)), ((3, 2), (2, 3, 3))]),
    _la("triangular_solve_lower_transposed",
        lambda m, b, a: b.triangular_solve(_lower(m, a), upper=False, transpose=True),
        [((3, 2), (3, 3))]),
    _la("triangular_solve_unit", lambda m, b, a: m.triangular_solve(
        b, a, upper=False, unitriangular=True), [((3, 2), (3, 3))], domain=(-1.0, 1.0)),
    _la("cholesky_solve", lambda m, b, a: m.cholesky_solve(b, _lower(m, a)),
        [((3, 2), (3, 3)), ((2, 3, 1), (3, 3)), ((3, 1), (2, 3, 3))]),
    _la("cholesky_solve_upper", lambda m, b, a: b.cholesky_solve(_upper(m, a), upper=True),
        [((3, 2), (3, 3))]),
    _la("cholesky_inverse", lambda m, a: m.cholesky_inverse(_lower(m, a)), SQUARE),
    _la("cholesky_inverse_upper", lambda m, a: _upper(m, a).cholesky_inverse(upper=True),
        SQUARE[:1]),
    _la("lu_torch", lambda m, a: m.lu(a), [((3, 3),), ((4, 3),), ((2, 3, 4),)]),
    _la("lu_torch_infos", lambda m, a: a.lu(get_infos=True), [((3, 3),)]),
    _la("lu_unpack", lambda m, a: m.lu_unpack(*m.linalg.lu_factor(a)),
        [((3, 3),), ((4, 3),), ((3, 4),), ((2, 3, 3),)]),
    _la("lu_unpack_flags", lambda m, a: m.lu_unpack(*m.linalg.lu_factor(a),
                                                    unpack_pivots=False), [((3, 3),)]),
    _la("lu_unpack_data_flag", lambda m, a: m.lu_unpack(*m.linalg.lu_factor(a),
                                                        unpack_data=False), [((3, 3),)],
        differentiable=False),  # PyTorch's backward fails on the empty L and U
    _la("lu_solve_torch", lambda m, b, a: m.lu_solve(b, *m.linalg.lu_factor(_wc(m, a))),
        [((3, 2), (3, 3)), ((2, 3, 2), (2, 3, 3))]),
    _la("lu_solve_method", lambda m, b, a: b.lu_solve(*m.lu(_wc(m, a))), [((3, 1), (3, 3))]),
    _la("geqrf_method", lambda m, a: a.geqrf(), [((3, 2),)], differentiable=False),
    _la("geqrf", lambda m, a: m.geqrf(a), [((4, 3),), ((3, 4),), ((2, 3, 3),)],
        differentiable=False),
    _la("orgqr", lambda m, a, t: m.orgqr(a, t), [((4, 3), (3,)), ((4, 3), (2,))]),
    _la("orgqr_of_geqrf", lambda m, a: m.geqrf(a.detach())[0].requires_grad_().orgqr(
        m.geqrf(a.detach())[1]), [((4, 3),)], differentiable=False),
    _la("ormqr", lambda m, a, t, c: m.ormqr(a, t, c), [((4, 3), (3,), (4, 2)),
                                                        ((2, 3, 2), (2, 2), (2, 3, 3))]),
    _la("ormqr_right_transposed", lambda m, a, t, c: a.ormqr(t, c, left=False, transpose=True),
        [((4, 3), (3,), (2, 4))]),
    # torch.linalg
    _la("householder_product", lambda m, a, t: m.linalg.householder_product(a, t),
        [((4, 3), (3,)), ((3, 3), (2,)), ((2, 4, 2), (2, 2)), ((3, 2), (0,))], atol=1e-4),
    _la("solve_triangular", lambda m, a, b: m.linalg.solve_triangular(_upper(m, a), b,
                                                                      upper=True),
        [((3, 3), (3, 2)), ((2, 3, 3), (3, 1)), ((3, 3), (2, 3, 4))]),
    _la("solve_triangular_right", lambda m, a, b: m.linalg.solve_triangular(
        _lower(m, a), b, upper=False, left=False), [((3, 3), (2, 3))]),
    _la("solve_triangular_unit", lambda m, a, b: m.linalg.solve_triangular(
        a, b, upper=True, unitriangular=True), [((3, 3), (3, 2))], domain=(-1.0, 1.0)),
    _la("lu_factor", lambda m, a: m.linalg.lu_factor(a), [((3, 3),), ((4, 3),), ((3, 4),),
                                                           ((2, 3, 3),), ((0, 0),)]),
    _la("lu_factor_ex", lambda m, a: m.linalg.lu_factor_ex(a), [((3, 3),), ((2, 4, 3),)]),
    _la("lu_factor_singular", lambda m, a: m.linalg.lu_factor_ex(a),
        [(V([[1.0, 2.0], [2.0, 4.0]]),)], differentiable=False),
    _la("lu", lambda m, a: m.linalg.lu(a), [((3, 3),), ((4, 3),), ((3, 4),), ((2, 3, 3),)]),
    _la("lu_solve", _lu_solve, [((3, 3), (3, 2)), ((2, 3, 3), (3, 1)), ((3, 3), (2, 3, 1))]),
    _la("lu_solve_adjoint", lambda m, a, b: _lu_solve(m, a, b, adjoint=True),
        [((3, 3), (3, 2))]),
    _la("lu_solve_right", lambda m, a, b: _lu_solve(m, a, b, left=False), [((3, 3), (2, 3))]),
    _la("lu_solve_right_adjoint", lambda m, a, b: _lu_solve(m, a, b, left=False, adjoint=True),
        [((3, 3), (2, 3))]),
    _la("ldl_factor", lambda m, a: m.linalg.ldl_factor(a + a.mT),
        [((3, 3),), ((4, 4),), ((2, 3, 3),)], differentiable=False),
    _la("ldl_factor_ex", lambda m, a: m.linalg.ldl_factor_ex(a + a.mT), [((4, 4),)],
        differentiable=False),
    _la("ldl_factor_pivots", lambda m, a: m.linalg.ldl_factor(a),
        [(V([[0.0, 1.0, 2.0], [1.0, 0.0, 3.0], [2.0, 3.0, 0.5]]),)], differentiable=False),
    _la("ldl_solve", lambda m, a, b: m.linalg.ldl_solve(*m.linalg.ldl_factor(a + a.mT), b),
        [((3, 3), (3, 2)), ((4, 4), (2, 4, 1))], differentiable=False),
    _la("cond", lambda m, a: m.linalg.cond(_wc(m, a)), [((3, 3),), ((2, 3, 3),)]),
    _la("cond_rectangular", lambda m, a: m.linalg.cond(a, 2), [((4, 3),)]),
    _la("cond_minus_2", lambda m, a: m.linalg.cond(a, -2), [((3, 4),)]),
    # PyTorch 2.13's backward of these fails (it changes a value its inverse saved), so only
    # values are compared with it; gradcheck checks chainrule's gradients.
    *[_la(f"cond_{name}", lambda m, a, p=p: m.linalg.cond(_wc(m, a), p), SQUARE,
          differentiable=False, gradcheck=True)
      for name, p in (("1", 1), ("inf", math.inf), ("fro", "fro"), ("nuc", "nuc"),
                      ("minus_1", -1))],
    _la("cond_singular", lambda m, a: m.linalg.cond(a, 1),
        [(V([[1.0, 2.0], [2.0, 4.0]]),)], differentiable=False),
    _la("tensorinv", lambda m, a: m.linalg.tensorinv(_wc(m, a.reshape(4, 4)).reshape(4, 2, 2),
                                                     ind=1),
        [((2, 2, 4),)], grad_fn_name=False),
    _la("tensorinv_ind2", lambda m, a: m.linalg.tensorinv(_wc(m, a).reshape(2, 3, 6)),
        [((6, 6),)], grad_fn_name=False),
    _la("tensorsolve", lambda m, a, b: m.linalg.tensorsolve(_wc(m, a).reshape(2, 3, 6), b),
        [((6, 6), (2, 3))]),
    _la("tensorsolve_dims", lambda m, a, b: m.linalg.tensorsolve(
        _wc(m, a).reshape(6, 2, 3), b, dims=(0,)), [((6, 6), (2, 3))]),
    _la("vander_linalg", lambda m, x: m.linalg.vander(x), [((3,),), ((2, 3),)], NUMERIC[:3]),
    _la("vander_linalg_N", lambda m, x: m.linalg.vander(x, N=4), [((3,),)]),
    # PyTorch 2.13's backward of torch.vander fails (it changes what its cumprod saved).
    _la("vander", lambda m, x: m.vander(x), [((3,),), ((0,),)], NUMERIC,
        differentiable=False, gradcheck=True),
    _la("vander_increasing", lambda m, x: m.vander(x, N=4, increasing=True), [((3,),)],
        NUMERIC, differentiable=False, gradcheck=True),
    _la("vander_N0", lambda m, x: m.vander(x, N=0), [((3,),)], differentiable=False),
    # integration (PyTorch's C++ composes with scalar overloads: MulBackward1, DivBackward1)
    _la("trapezoid", lambda m, y: m.trapezoid(y), [((2, 4),), ((5,),), ((2, 0),)], NUMERIC,
        grad_fn_name=False),
    _la("trapezoid_x", lambda m, y, x: m.trapezoid(y, x, dim=0), [((4, 2), (4,)),
                                                                  ((4, 2), (4, 2))],
        grad_fn_name=False),
    _la("trapezoid_dx", lambda m, y: m.trapezoid(y, dx=0.5, dim=0), [((3, 2),)],
        grad_fn_name=False),
    _la("trapz", lambda m, y, x: m.trapz(y, x), [((2, 4), (4,)), ((2, 4), (1, 4))],
        grad_fn_name=False),
    _la("trapz_dx", lambda m, y: m.trapz(y, dx=2.0), [((2, 4),)], NUMERIC, grad_fn_name=False),
    _la("cumulative_trapezoid", lambda m, y: m.cumulative_trapezoid(y), [((2, 4),), ((1,),)],
        NUMERIC, grad_fn_name=False),
    _la("cumulative_trapezoid_x", lambda m, y, x: m.cumulative_trapezoid(y, x),
        [((2, 4), (4,))], grad_fn_name=False),
    # Tensor methods of the family
    _la("cov_method", lambda m, x: x.cov(), [((3, 5),), ((4,),)], NUMERIC[:3]),
    _la("cov_weights", lambda m, x, a: m.cov(x, fweights=m.tensor([1, 3, 2, 1]), aweights=a),
        [((2, 4), (4,))], domain=[(-2.0, 2.0), (0.5, 2.0)]),
    _la("cov_aweights", lambda m, x, a: x.cov(correction=0, aweights=a), [((3, 4), (4,))],
        domain=[(-2.0, 2.0), (0.5, 2.0)]),
    _la("corrcoef_method", lambda m, x: x.corrcoef(), [((3, 5),)]),
    # the in-place products (grad_fn: the add* here are composites, AddBackward0)
    _la("addmm_", lambda m, c, a, b: (c * 1).addmm_(a, b, beta=0.5, alpha=2),
        [((2, 4), (2, 3), (3, 4))], grad_fn_name=False),
    _la("addmv_", lambda m, c, a, v: (c * 1).addmv_(a, v), [((2,), (2, 3), (3,))],
        grad_fn_name=False),
    _la("addr_", lambda m, c, a, v: (c * 1).addr_(a, v, alpha=3), [((2, 3), (2,), (3,))],
        grad_fn_name=False),
    _la("addbmm_", lambda m, c, a, b: (c * 1).addbmm_(a, b), [((2, 4), (3, 2, 3), (3, 3, 4))],
        grad_fn_name=False),
    _la("baddbmm_", lambda m, c, a, b: (c * 1).baddbmm_(a, b, beta=2),
        [((3, 2, 4), (3, 2, 3), (3, 3, 4))], grad_fn_name=False),
    # errors: PyTorch's exception types
    _la("cholesky_int_error", lambda m, x: m.cholesky(x), [((3, 3),)], ("int64",)),
    _la("cholesky_legacy_shape_error", lambda m, x: m.cholesky(x), [((2, 3),), ((3,),)]),
    _la("cholesky_solve_error", lambda m, b, a: m.cholesky_solve(b, a),
        [((2, 2), (3, 3)), ((3,), (3, 3)), ((3, 2), (2, 3))]),
    _la("cholesky_inverse_error", lambda m, a: m.cholesky_inverse(a), [((2, 3),), ((3,),)]),
    _la("triangular_solve_error", lambda m, b, a: m.triangular_solve(b, a),
        [((2, 1), (3, 3)), ((3,), (3, 3)), ((3, 2), (2, 3))]),
    _la("triangular_solve_int_error", lambda m, b, a: m.triangular_solve(b, a),
        [((3, 1), (3, 3))], ("int64",)),
    _la("solve_triangular_error", lambda m, a, b: m.linalg.solve_triangular(a, b, upper=True),
        [((3, 3), (2, 1)), ((3, 3), (3,)), ((2, 3), (3, 1))]),
    _la("lu_factor_error", lambda m, a: m.linalg.lu_factor(a), [((3,),)]),
    _la("lu_factor_int_error", lambda m, a: m.linalg.lu_factor(a), [((3, 3),)], ("int64",)),
    _la("lu_factor_singular_error", lambda m, a: m.linalg.lu_factor(a),
        [(V([[1.0, 2.0], [2.0, 4.0]]),)]),
    _la("lu_factor_no_pivot_error", lambda m, a: m.linalg.lu_factor(a, pivot=False),
        [((3, 3),)]),
    _la("lu_solve_error", lambda m, a, b: _lu_solve(m, a, b), [((3, 3), (2, 2)),
                                                                ((3, 3), (3,))]),
    _la("lu_unpack_pivots_error", lambda m, a: m.lu_unpack(a, m.ones(3, dtype=m.int64)),
        [((3, 3),)]),
    _la("householder_product_error", lambda m, a, t: m.linalg.householder_product(a, t),
        [((2, 3), (2,)), ((3, 2), (3,))]),
    _la("ormqr_error", lambda m, a, t, c: m.ormqr(a, t, c), [((3, 3), (3,), (2, 2))]),
    _la("geqrf_error", lambda m, a: m.geqrf(a), [((3,),)]),
    _la("geqrf_method_error", lambda m, a: a.geqrf(), [((2,),)]),
    _la("matrix_exp_error", lambda m, a: m.matrix_exp(a), [((2, 3),), ((3,),)]),
    _la("matrix_exp_int_error", lambda m, a: m.matrix_exp(a), [((3, 3),)], ("int64",)),
    _la("ldl_factor_error", lambda m, a: m.linalg.ldl_factor(a), [((2, 3),)]),
    _la("ldl_solve_error", lambda m, a, b: m.linalg.ldl_solve(*m.linalg.ldl_factor(a + a.mT), b),
        [((3, 3), (2, 1))]),
    _la("cond_error", lambda m, a: m.linalg.cond(a, 3), [((3, 3),)]),
    _la("cond_shape_error", lambda m, a: m.linalg.cond(a, 1), [((2, 3),), ((3,),)]),
    _la("tensorinv_error", lambda m, a: m.linalg.tensorinv(a, ind=1), [((2, 3, 4),)]),
    _la("tensorinv_ind_error", lambda m, a: m.linalg.tensorinv(a, ind=0), [((3, 3),)]),
    _la("tensorsolve_error", lambda m, a, b: m.linalg.tensorsolve(a, b), [((2, 3, 6), (2, 2))]),
    _la("vander_error", lambda m, x: m.vander(x), [((2, 2),)]),
    _la("vander_linalg_error", lambda m, x: m.linalg.vander(x, N=1), [((3,),)]),
    _la("vander_linalg_bool_error", lambda m, x: m.linalg.vander(x), [((3,),)], ("bool",)),
    _la("trapezoid_error", lambda m, y, x: m.trapezoid(y, x), [((4,), (3,))]),
    _la("trapezoid_bool_error", lambda m, y: m.trapezoid(y), [((4,),)], ("bool",)),
    _la("adjoint_vector_error", lambda m, x: m.adjoint(x), [((3,),)]),
    _la("chain_matmul_vector_error", lambda m, x: m.chain_matmul(x, x), [((3,),), ((3, 2),)]),
    _la("frobenius_norm_three_dims_error", lambda m, x: m.frobenius_norm(x, (0, 1, 2)),
        [((2, 2, 2),)]),
    _la("frobenius_norm_int_error", lambda m, x: m.frobenius_norm(x, (0, 1)), [((2, 2),)],
        ("int64",)),
    _la("nuclear_norm_error", lambda m, x: m.nuclear_norm(x), [((3,),)]),
    _la("norm_except_dim_error", lambda m, x: m.norm_except_dim(x, 2, 5), [((2, 2),)]),
    _la("pinverse_error", lambda m, x: m.pinverse(x), [((3,),)]),
    _la("logdet_error", lambda m, x: m.logdet(x), [((2, 3),)]),
    _la("svd_torch_error", lambda m, x: m.svd(x), [((3,),)]),
    _la("qr_torch_int_error", lambda m, x: m.qr(x), [((3, 3),)], ("int64",)),
    _la("lobpcg_error", lambda m, a: m.lobpcg(a, k=2), [((5, 5),), ((3, 4),)]),
    _la("lobpcg_dtype_error", lambda m, a: m.lobpcg(a, k=2), [((9, 9),)], ("int64",)),
    _la("lobpcg_X_dtype_error", lambda m, a, x: m.lobpcg(a, X=x.double()), [((9, 9), (9, 2))],
        ("float32",)),
    _la("lobpcg_B_error", lambda m, a, b: m.lobpcg(a, B=b), [((6, 6), (5, 5))]),
    _la("matrix_power_error", lambda m, x: m.matrix_power(x, 2), [((2, 3),)]),
    _la("removed_solve_error", lambda m, x: m.solve(x, x), [((2, 2),)]),
    _la("removed_solve_method_error", lambda m, x: x.solve(x), [((2, 2),)]),
    _la("removed_lstsq_torch_error", lambda m, x: m.lstsq(x, x), [((2, 2),)]),
    _la("removed_lstsq_error", lambda m, x: x.lstsq(x), [((2, 2),)]),
    _la("removed_symeig_error", lambda m, x: x.symeig(), [((2, 2),)]),
    _la("removed_eig_error", lambda m, x: m.eig(x), [((2, 2),)]),
    _la("removed_matrix_rank_error", lambda m, x: m.matrix_rank(x), [((2, 2),)]),
    _la("addmm_inplace_broadcast_error", lambda m, c, a, b: (c * 1).addmm_(a, b),
        [((2,), (2, 2), (2, 2))]),
    _la("cov_error", lambda m, x: m.cov(x), [((2, 2, 2),)]),
    _la("cov_weights_error", lambda m, x, w: m.cov(x, aweights=w), [((2, 4), (3,)),
                                                                    ((2, 4), (1, 4))]),
    _la("cov_negative_weights_error", lambda m, x, w: m.cov(x, aweights=w), [((2, 4), (4,))],
        domain=[(-2.0, 2.0), (-2.0, -1.0)]),
    _la("cov_fweights_dtype_error", lambda m, x, w: m.cov(x, fweights=w), [((2, 4), (4,))]),
]
