"""One table of every op, shared by the oracle tests (PyTorch, finite differences).

Each row (an ``OpInfo``) says how to call the op and on what inputs:

- ``fn(module, *tensors)`` is written once against the torch API, so the same
  code runs with ``module=chainrule`` and with ``module=torch``.  It may return
  a tensor or a tuple of tensors (e.g. ``max(dim)``'s values and indices).
- ``shapes``: a list of input cases, each a tuple with one shape per tensor
  argument.  Include 0-d ``()``, broadcasting pairs and empty shapes where the
  op allows them.  ``V([...])`` in place of a shape gives explicit values
  (kinks, ties, zeros, inf/nan: the points where PyTorch's choice matters).
- ``domain``: ``(low, high)`` for every input, or a list of them (one per
  input).  Integer dtypes draw integers from the same range.
- ``dtypes``: dtype names tried for the value/dtype comparison with torch
  (every input gets the same dtype).  Gradients are compared for the floating
  dtypes when ``differentiable``.
- ``gradcheck``: also run gradcheck/gradgradcheck in float64 (default: when
  differentiable).  ``gradgrad=False`` skips only the second order.
- ``rtol``/``atol``: tolerances of the value and gradient comparisons with torch.

Rows named ``*_error`` call an op in a way PyTorch rejects: the test checks that
chainrule raises the same exception type.

Adding an op: append one ``OpInfo`` row to ``OPS`` (keep names unique), or to the family's
table that ``OPS`` includes (``op_table_linalg.py``); ``OpInfo`` is in ``op_info.py``.  The
``tests/test_ops.py`` runs every row (``group`` names the family in test ids).
"""
from __future__ import annotations

import numpy as np

from op_info import (
    ALL_REAL,
    BINARY_SHAPES,
    FLOAT,
    NUMERIC,
    REDUCE_SHAPES,
    UNARY_SHAPES,
    OpInfo,
    V,
    make_inputs,
)
from op_table_linalg import LINALG_OPS


def _u(name, fn, domain=(-2.0, 2.0), dtypes=NUMERIC, **kw):
    return OpInfo(name, fn, UNARY_SHAPES, domain, dtypes, **kw)


def _b(name, fn, domain=(-2.0, 2.0), dtypes=NUMERIC, **kw):
    return OpInfo(name, fn, BINARY_SHAPES, domain, dtypes, **kw)


def _r(name, fn, shapes=REDUCE_SHAPES, dtypes=FLOAT, **kw):
    return OpInfo(name, fn, shapes, kw.pop("domain", (-2.0, 2.0)), dtypes, group="reduction",
                  **kw)


POS = (0.5, 3.0)
UNIT = (-0.9, 0.9)
NONZERO_INT = [(-3.0, 3.0), (1.0, 4.0)]

OPS: list[OpInfo] = [
    # --- arithmetic, tensor with tensor ---------------------------------------------
    _b("add", lambda m, x, y: x + y, dtypes=ALL_REAL[:-1]),
    _b("add_alpha", lambda m, x, y: m.add(x, y, alpha=2)),
    _b("sub", lambda m, x, y: x - y, dtypes=ALL_REAL[:-1]),
    _b("sub_alpha", lambda m, x, y: m.sub(x, y, alpha=3)),
    _b("mul", lambda m, x, y: x * y, dtypes=ALL_REAL),
    _b("div", lambda m, x, y: x / y, domain=[(-2.0, 2.0), POS], dtypes=NUMERIC),
    _b("div_floor", lambda m, x, y: m.div(x, y, rounding_mode="floor"),
       domain=NONZERO_INT, differentiable=False),
    _b("div_trunc", lambda m, x, y: m.div(x, y, rounding_mode="trunc"),
       domain=NONZERO_INT, differentiable=False),
    _b("floor_divide", lambda m, x, y: x // y, domain=NONZERO_INT, differentiable=False),
    _b("remainder", lambda m, x, y: x % y, domain=[(-3.0, 3.0), (0.7, 4.0)],
       gradgrad=True),
    _b("fmod", lambda m, x, y: m.fmod(x, y), domain=[(-3.0, 3.0), (0.7, 4.0)]),
    _b("pow", lambda m, x, y: x ** y, domain=[POS, (-2.0, 2.0)], dtypes=FLOAT),
    _b("atan2", lambda m, x, y: m.atan2(x, y), domain=[(-2.0, 2.0), POS]),
    _b("logaddexp", lambda m, x, y: m.logaddexp(x, y), dtypes=FLOAT),
    _b("logaddexp2", lambda m, x, y: m.logaddexp2(x, y), dtypes=FLOAT),
    _b("maximum", lambda m, x, y: m.maximum(x, y), dtypes=NUMERIC),
    _b("minimum", lambda m, x, y: m.minimum(x, y), dtypes=NUMERIC),
    _b("clamp_tensor", lambda m, x, y: m.clamp(x, min=y), dtypes=NUMERIC),
    _b("clamp_tensor_max", lambda m, x, y: m.clamp(x, max=y), dtypes=NUMERIC),
    OpInfo("clamp_tensor_both", lambda m, x, lo, hi: m.clamp(x, lo, hi),
           [((2, 3), (3,), (2, 3)), ((4,), (), ())], [(-2.0, 2.0), (-1.5, 0.0), (0.1, 1.5)],
           dtypes=NUMERIC),
    OpInfo("lerp", lambda m, x, y, w: m.lerp(x, y, w),
           [((2, 3), (2, 3), (2, 3)), ((2, 3), (3,), ()), ((), (), ())], (-2.0, 2.0)),
    _b("lerp_scalar", lambda m, x, y: m.lerp(x, y, 0.3)),
    OpInfo("where", lambda m, c, x, y: m.where(c > 0, x, y),
           [((2, 3), (2, 3), (2, 3)), ((2, 3), (3,), ()), ((), (), ()), ((0, 2), (2,), ())],
           [(-1.0, 1.0), (-2.0, 2.0), (-2.0, 2.0)], dtypes=NUMERIC),
    _u("where_scalar", lambda m, x: m.where(x > 0, x, 0.5)),
    _u("where_numbers", lambda m, x: (m.where(x > 0, 1.0, 0.0), m.where(x > 0, 1, 0),
                                      m.where(x > 0, x, 2), m.where(x > 0, True, x))),
    # operands of different dtypes: the result promotes, each gradient keeps its input's dtype
    OpInfo("mixed_float_dtypes", lambda m, x, y: (x * y.double(), x + y.double(),
                                                  m.maximum(x, y.double()),
                                                  m.where(x > 0, x, y.double()),
                                                  m.atan2(x, y.double()), x / y.double()),
           BINARY_SHAPES[:4], dtypes=("float32",), gradcheck=False),
    OpInfo("mixed_int_float", lambda m, x, y: (x * y.long(), x / y.long(), x ** y.long(),
                                               m.maximum(x, y.int()), y.long() - x),
           BINARY_SHAPES[:4], dtypes=FLOAT, gradcheck=False),
    # --- arithmetic with Python and NumPy scalars, both orders -----------------------
    _u("add_scalar", lambda m, x: x + 2, dtypes=ALL_REAL[:-1]),
    _u("add_float", lambda m, x: x + 2.5, dtypes=ALL_REAL),
    _u("radd_float", lambda m, x: 2.5 + x, dtypes=ALL_REAL),
    _u("sub_scalar", lambda m, x: x - 1.5, dtypes=NUMERIC),
    _u("rsub_int", lambda m, x: 3 - x, dtypes=NUMERIC),
    _u("rsub_float", lambda m, x: 1.5 - x, dtypes=NUMERIC),
    _u("mul_int", lambda m, x: x * 3, dtypes=ALL_REAL),
    _u("rmul_float", lambda m, x: 0.5 * x, dtypes=ALL_REAL),
    _u("mul_bool", lambda m, x: x * True, dtypes=ALL_REAL),
    _u("div_scalar", lambda m, x: x / 4, dtypes=ALL_REAL),
    _u("rdiv_scalar", lambda m, x: 2 / x, domain=POS, dtypes=NUMERIC),
    _u("floordiv_scalar", lambda m, x: x // 2, dtypes=NUMERIC, differentiable=False),
    _u("rfloordiv_scalar", lambda m, x: 5 // x, domain=(1.0, 3.0), dtypes=NUMERIC,
       differentiable=False),
    _u("mod_scalar", lambda m, x: x % 1.5, dtypes=NUMERIC),
    # number % tensor: PyTorch has no derivative (grad_fn=<NotImplemented>, backward raises);
    # chainrule gives the true one, so only values are compared and gradcheck checks it.
    _u("rmod_scalar", lambda m, x: 5.5 % x, domain=(1.1, 3.0), dtypes=FLOAT,
       differentiable=False, gradcheck=True),
    _u("pow_int", lambda m, x: x ** 3, dtypes=NUMERIC),
    _u("pow_float", lambda m, x: x ** 2.5, domain=POS, dtypes=NUMERIC),
    _u("pow_zero", lambda m, x: x ** 0, dtypes=NUMERIC),
    _u("pow_neg", lambda m, x: x ** -1.5, domain=POS, dtypes=FLOAT),
    _u("rpow_float", lambda m, x: 2.0 ** x, dtypes=NUMERIC),
    _u("rpow_int", lambda m, x: 3 ** x, domain=(0.0, 3.0), dtypes=NUMERIC),
    _u("np_float64_mul", lambda m, x: np.float64(2.0) * x, dtypes=ALL_REAL),
    _u("mul_np_float64", lambda m, x: x * np.float64(2.0), dtypes=ALL_REAL),
    _u("np_int64_add", lambda m, x: np.int64(3) + x, dtypes=NUMERIC),
    _u("sub_np_float32", lambda m, x: x - np.float32(0.5), dtypes=NUMERIC),
    _u("div_np_float64", lambda m, x: x / np.float64(3.0), dtypes=NUMERIC),
    # --- one-variable functions ----------------------------------------------------
    _u("neg", lambda m, x: -x, dtypes=NUMERIC),
    _u("abs", lambda m, x: m.abs(x), dtypes=NUMERIC),
    _u("sign", lambda m, x: m.sign(x), dtypes=ALL_REAL),
    _u("reciprocal", lambda m, x: m.reciprocal(x), domain=POS),
    _u("square", lambda m, x: m.square(x), dtypes=ALL_REAL),
    _u("exp", lambda m, x: m.exp(x), dtypes=ALL_REAL),
    _u("exp2", lambda m, x: m.exp2(x)),
    _u("expm1", lambda m, x: m.expm1(x)),
    _u("log", lambda m, x: m.log(x), domain=POS),
    _u("log2", lambda m, x: m.log2(x), domain=POS),
    _u("log10", lambda m, x: m.log10(x), domain=POS),
    _u("log1p", lambda m, x: m.log1p(x), domain=(-0.5, 3.0)),
    _u("sqrt", lambda m, x: m.sqrt(x), domain=POS, dtypes=ALL_REAL),
    _u("rsqrt", lambda m, x: m.rsqrt(x), domain=POS),
    _u("sin", lambda m, x: m.sin(x)),
    _u("cos", lambda m, x: m.cos(x)),
    _u("tan", lambda m, x: m.tan(x), domain=(-1.2, 1.2)),
    _u("asin", lambda m, x: m.asin(x), domain=UNIT),
    _u("acos", lambda m, x: m.acos(x), domain=UNIT),
    _u("atan", lambda m, x: m.atan(x)),
    _u("sinh", lambda m, x: m.sinh(x)),
    _u("cosh", lambda m, x: m.cosh(x)),
    _u("tanh", lambda m, x: m.tanh(x), dtypes=ALL_REAL),
    _u("sigmoid", lambda m, x: m.sigmoid(x), domain=(-6.0, 6.0)),
    _u("relu", lambda m, x: m.relu(x), dtypes=NUMERIC),
    _u("erf", lambda m, x: m.erf(x), domain=(-3.0, 3.0)),
    _u("floor", lambda m, x: m.floor(x), dtypes=NUMERIC, gradcheck=False),
    _u("ceil", lambda m, x: m.ceil(x), dtypes=NUMERIC, gradcheck=False),
    _u("round", lambda m, x: m.round(x), dtypes=NUMERIC, gradcheck=False),
    _u("round_decimals", lambda m, x: m.round(x, decimals=2), gradcheck=False),
    _u("trunc", lambda m, x: m.trunc(x), dtypes=NUMERIC, gradcheck=False),
    _u("frac", lambda m, x: m.frac(x)),
    _u("clamp", lambda m, x: m.clamp(x, -1.0, 0.5), dtypes=NUMERIC),
    _u("clamp_int_bounds", lambda m, x: m.clamp(x, min=-1), dtypes=NUMERIC),
    _u("clamp_max", lambda m, x: x.clamp(max=0.3), dtypes=NUMERIC),
    _u("clip", lambda m, x: m.clip(x, -0.5, 0.5), dtypes=NUMERIC),
    _u("nan_to_num", lambda m, x: x.nan_to_num(), dtypes=NUMERIC),
    # --- the points where PyTorch's choice of (sub)gradient matters ---------------------
    *[OpInfo(name, fn, cases, dtypes=dtypes, gradcheck=False) for name, fn, cases, dtypes in [
        ("relu_at_0", lambda m, x: m.relu(x), [(V([-1.0, 0.0, 2.0]),)], FLOAT),
        ("abs_at_0", lambda m, x: x.abs(), [(V([-1.0, 0.0, -0.0, 2.0]),)], FLOAT),
        ("sign_at_0", lambda m, x: x.sign(), [(V([-1.0, 0.0, 2.0, float("nan")]),)], FLOAT),
        ("maximum_ties", lambda m, x, y: m.maximum(x, y),
         [(V([1.0, 2.0, 3.0]), V([1.0, 0.0, 3.0]))], FLOAT),
        ("minimum_ties", lambda m, x, y: m.minimum(x, y),
         [(V([1.0, 2.0, 3.0]), V([1.0, 0.0, 3.0]))], FLOAT),
        ("maximum_nan", lambda m, x, y: m.maximum(x, y),
         [(V([float("nan"), 2.0]), V([1.0, float("nan")]))], FLOAT),
        ("clamp_at_bounds", lambda m, x: x.clamp(-1.0, 1.0),
         [(V([-2.0, -1.0, 0.5, 1.0, 2.0, float("nan")]),)], FLOAT),
        ("clamp_min_above_max", lambda m, x: x.clamp(1.0, -1.0), [(V([-2.0, 0.0, 2.0]),)], FLOAT),
        ("clamp_tensor_ties", lambda m, x, lo, hi: m.clamp(x, lo, hi),
         [(V([0.2, 2.0, 2.5, 0.7, -1.0]), V([1.0, 2.5, 2.5, 1.0, -1.0]),
           V([0.5, 2.5, 2.5, 0.5, 0.0]))], FLOAT),
        ("sqrt_at_0", lambda m, x: x.sqrt(), [(V([0.0, 1.0, -1.0]),)], FLOAT),
        ("pow_at_0", lambda m, x: (x ** 2, x ** 0, x ** 0.5, x ** -1, x ** 1),
         [(V([0.0, 1.0, 2.0]),)], FLOAT),
        ("pow_tensor_at_0", lambda m, x, y: x ** y,
         [(V([0.0, 0.0, 0.0, 2.0, -2.0]), V([0.0, 2.0, -1.0, 0.0, 2.0]))], FLOAT),
        ("rpow_zero_base", lambda m, x: (0.0 ** x, 1.0 ** x, (-2.0) ** x),
         [(V([0.0, 1.0, 2.0]),)], FLOAT),
        # Reverse mode gives nan at x = 0 (0 * inf from the branch not taken), forward mode
        # does not, in PyTorch too; the nan input keeps the jvp-vs-vjp test off this row.
        ("where_nan_branch", lambda m, x: m.where(x > 0, m.log(x), x),
         [(V([0.0, 1.0, -1.0, float("nan")]),)], FLOAT),
        ("atan2_at_0", lambda m, x, y: m.atan2(x, y), [(V([0.0, 1.0]), V([0.0, 0.0]))], FLOAT),
        ("logaddexp_ties", lambda m, x, y: (m.logaddexp(x, y), m.logaddexp2(x, y)),
         [(V([0.5, 1.0, 1000.0, -3.0]), V([0.5, 2.0, 1000.0, 50.0]))], FLOAT),
        ("div_by_0", lambda m, x, y: x / y, [(V([1.0, -1.0, 0.0]), V([0.0, 0.0, 0.0]))], FLOAT),
        ("log_at_0", lambda m, x: (x.log(), x.log2(), x.log10(), x.log1p()),
         [(V([0.0, -1.0, 1.0]),)], FLOAT),
        ("exp_overflow", lambda m, x: (x.exp(), x.expm1(), x.sinh(), x.cosh(), m.exp2(x)),
         [(V([1000.0, -1000.0, 0.0]),)], FLOAT),
        ("sigmoid_tails", lambda m, x: (x.sigmoid(), x.tanh()),
         [(V([-100.0, -20.0, 0.0, 20.0, 100.0]),)], FLOAT),
        ("erf_tails", lambda m, x: m.erf(x),
         [(V([-6.0, -3.0, -1e-8, 0.0, 2.4999, 2.5, 4.0, 30.0, float("inf"), float("nan")]),)],
         FLOAT),
        ("asin_edges", lambda m, x: (x.asin(), x.acos()), [(V([-1.0, 1.0, 2.0, 0.0]),)], FLOAT),
        ("round_half_even", lambda m, x: (x.round(), x.floor(), x.ceil(), x.trunc(), x.frac()),
         [(V([0.5, 1.5, 2.5, -0.5, -1.5, -2.7]),)], FLOAT),
        ("round_decimals_neg", lambda m, x: m.round(x, decimals=-1),
         [(V([15.0, 25.0, -35.0, 123.4]),)], FLOAT),
        ("nan_to_num_replaced", lambda m, x: (m.nan_to_num(x),
                                              m.nan_to_num(x, nan=1.0, posinf=2.0, neginf=-3)),
         [(V([float("nan"), float("inf"), -float("inf"), 1.5]),)], FLOAT),
        ("mod_negative", lambda m, x, y: (x % y, m.fmod(x, y)),
         [(V([5.0, -5.0, 5.0, -5.0]), V([3.0, 3.0, -3.0, -3.0]))], NUMERIC),
    ]],
    OpInfo("int_div_by_0", lambda m, x: (x / 0, x % 0.0), [(V([1, 0, -1]),)], dtypes=("int64",),
           differentiable=False),
    # x // y: PyTorch records a node whose backward raises (no derivative); chainrule
    # records none (the derivative is 0 almost everywhere), so only values are compared.
    OpInfo("floordiv_negative", lambda m, x, y: (x // y, m.div(x, y, rounding_mode="trunc")),
           [(V([5.0, -5.0, 5.0, -5.0]), V([3.0, 3.0, -3.0, -3.0]))], dtypes=NUMERIC,
           differentiable=False),
    # --- errors: chainrule must raise what PyTorch raises ---------------------------------
    *[OpInfo(name, fn, cases, dtypes=dtypes, gradcheck=False) for name, fn, cases, dtypes in [
        ("add_shape_error", lambda m, x, y: x + y, [((2, 3), (2,))], FLOAT),
        ("mul_shape_error", lambda m, x, y: m.mul(x, y), [((4,), (3, 1, 2))], FLOAT),
        ("maximum_shape_error", lambda m, x, y: m.maximum(x, y), [((2, 3), (2,))], FLOAT),
        ("where_shape_error", lambda m, x, y: m.where(x > 0, x, y), [((2, 3), (2,))], FLOAT),
        ("clamp_no_bounds_error", lambda m, x: m.clamp(x), [((2,),)], FLOAT),
        ("frac_int_error", lambda m, x: x.frac(), [((2,),)], ("int64",)),
        ("lerp_int_error", lambda m, x, y: m.lerp(x, y, 0.5), [((2,), (2,))], ("int64",)),
        ("int_pow_neg_error", lambda m, x: x ** -1, [((2,),)], ("int64",)),
        ("int_floordiv_0_error", lambda m, x: x // 0, [((2,),)], ("int64",)),
        ("bool_neg_error", lambda m, x: -x, [((2,),)], ("bool",)),
        ("bool_sub_error", lambda m, x, y: x - y, [((2,), (2,))], ("bool",)),
        ("bitwise_float_error", lambda m, x, y: x & y, [((2,), (2,))], FLOAT),
        ("invert_float_error", lambda m, x: ~x, [((2,),)], FLOAT),
        ("abs_bool_error", lambda m, x: m.abs(x), [((2,),)], ("bool",)),
        ("floor_bool_error", lambda m, x: x.floor(), [((2,),)], ("bool",)),
        ("round_bool_error", lambda m, x: m.round(x), [((2,),)], ("bool",)),
        ("relu_bool_error", lambda m, x: m.relu(x), [((2,),)], ("bool",)),
        ("neg_fn_bool_error", lambda m, x: m.neg(x), [((2,),)], ("bool",)),
        ("add_str_error", lambda m, x: x + "a", [((2,),)], FLOAT),
        ("lt_str_error", lambda m, x: x < "a", [((2,),)], FLOAT),
    ]],
    # --- comparisons and logic: no gradient ------------------------------------------
    _b("eq", lambda m, x, y: x == y, dtypes=ALL_REAL, differentiable=False),
    _b("ne", lambda m, x, y: m.ne(x, y), dtypes=ALL_REAL, differentiable=False),
    _b("lt", lambda m, x, y: x < y, dtypes=NUMERIC, differentiable=False),
    _b("le", lambda m, x, y: x <= y, dtypes=NUMERIC, differentiable=False),
    _b("gt", lambda m, x, y: m.gt(x, y), dtypes=NUMERIC, differentiable=False),
    _b("ge", lambda m, x, y: x >= y, dtypes=NUMERIC, differentiable=False),
    _u("gt_scalar", lambda m, x: x > 0.5, dtypes=NUMERIC, differentiable=False),
    _u("eq_scalar", lambda m, x: x == 1, dtypes=ALL_REAL, differentiable=False),
    _b("logical_and", lambda m, x, y: m.logical_and(x, y), dtypes=ALL_REAL,
       differentiable=False),
    _b("logical_or", lambda m, x, y: m.logical_or(x, y), dtypes=ALL_REAL,
       differentiable=False),
    _b("logical_xor", lambda m, x, y: m.logical_xor(x, y), dtypes=ALL_REAL,
       differentiable=False),
    _u("logical_not", lambda m, x: m.logical_not(x), dtypes=ALL_REAL, differentiable=False),
    _u("isnan", lambda m, x: m.isnan(m.log(x)), dtypes=FLOAT, differentiable=False),
    _u("isinf", lambda m, x: m.isinf(1 / m.round(x)), dtypes=FLOAT, differentiable=False),
    _u("isfinite", lambda m, x: m.isfinite(m.log(m.round(x))), dtypes=FLOAT,
       differentiable=False),
    _u("isnan_int", lambda m, x: m.isnan(x), dtypes=ALL_REAL, differentiable=False),
    # --- reductions -------------------------------------------------------------------
    _r("sum", lambda m, x: x.sum(), dtypes=ALL_REAL, shapes=REDUCE_SHAPES + [((0, 3),)]),
    _r("sum_dim", lambda m, x: x.sum(0), dtypes=ALL_REAL, shapes=REDUCE_SHAPES + [((0, 3),)]),
    _r("sum_dim_neg_keepdim", lambda m, x: m.sum(x, -1, keepdim=True), dtypes=NUMERIC),
    _r("sum_tuple", lambda m, x: x.sum((0, -1)), shapes=[((3, 4),), ((2, 3, 2),)]),
    _r("sum_dtype", lambda m, x: x.sum(dtype=m.float64), dtypes=NUMERIC),
    _r("mean", lambda m, x: x.mean(), shapes=REDUCE_SHAPES + [((0, 3),)]),
    _r("mean_dim", lambda m, x: x.mean(-1), shapes=REDUCE_SHAPES + [((2, 0),)]),
    _r("mean_tuple_keepdim", lambda m, x: m.mean(x, (0, 1), keepdim=True),
       shapes=[((3, 4),), ((2, 3, 2),)]),
    _r("prod", lambda m, x: x.prod(), dtypes=NUMERIC + ("bool",)),
    _r("prod_dim", lambda m, x: x.prod(0), dtypes=NUMERIC),
    _r("prod_dim_keepdim", lambda m, x: x.prod(-1, keepdim=True)),
    _r("max", lambda m, x: x.max(), dtypes=NUMERIC),
    _r("min", lambda m, x: m.min(x), dtypes=NUMERIC),
    _r("max_dim", lambda m, x: tuple(x.max(0)), dtypes=NUMERIC),
    OpInfo("max_binary", lambda m, x, y: (m.max(x, y), m.min(x, y)), BINARY_SHAPES,
           dtypes=NUMERIC, group="reduction"),
    _r("max_dim_keepdim", lambda m, x: tuple(m.max(x, -1, keepdim=True)), dtypes=NUMERIC),
    _r("min_dim", lambda m, x: tuple(x.min(dim=0)), dtypes=NUMERIC),
    _r("amax", lambda m, x: x.amax(), dtypes=NUMERIC),
    _r("amax_dim", lambda m, x: m.amax(x, 0), dtypes=NUMERIC),
    _r("amin_tuple", lambda m, x: m.amin(x, (0, -1), keepdim=True), dtypes=NUMERIC,
       shapes=[((3, 4),), ((2, 3, 2),)]),
    _r("argmax", lambda m, x: x.argmax(), dtypes=NUMERIC, differentiable=False),
    _r("argmax_dim", lambda m, x: m.argmax(x, 0, keepdim=True), dtypes=NUMERIC,
       differentiable=False),
    _r("argmin", lambda m, x: m.argmin(x), dtypes=NUMERIC, differentiable=False),
    _r("argmax_keepdim_all", lambda m, x: x.argmax(keepdim=True), dtypes=NUMERIC,
       differentiable=False),
    _r("argmin_dim", lambda m, x: x.argmin(dim=-1), dtypes=NUMERIC, differentiable=False),
    _r("var", lambda m, x: x.var(), shapes=REDUCE_SHAPES[:3]),
    _r("var_dim", lambda m, x: x.var(0), shapes=REDUCE_SHAPES[:3]),
    _r("var_unbiased_false", lambda m, x: m.var(x, 1, unbiased=False, keepdim=True),
       shapes=REDUCE_SHAPES[:2]),
    _r("var_correction", lambda m, x: x.var(dim=(0, 1), correction=0),
       shapes=REDUCE_SHAPES[:2]),
    _r("var_unbiased_positional", lambda m, x: (x.var(False), m.std(x, True)),
       shapes=REDUCE_SHAPES[:2]),
    _r("std", lambda m, x: x.std(), shapes=REDUCE_SHAPES[:3]),
    _r("std_dim", lambda m, x: m.std(x, -1, keepdim=True), shapes=REDUCE_SHAPES[:3]),
    _r("std_correction", lambda m, x: x.std(0, correction=0), shapes=REDUCE_SHAPES[:3]),
    _r("norm", lambda m, x: x.norm(), shapes=REDUCE_SHAPES + [((0, 3),)]),
    _r("norm_dim", lambda m, x: m.norm(x, dim=0)),
    _r("norm_dim_tuple", lambda m, x: m.norm(x, p=2, dim=(0, 1), keepdim=True),
       shapes=[((3, 4),), ((2, 3, 2),)]),
    _r("norm_p1", lambda m, x: x.norm(p=1)),
    _r("norm_p3_dim", lambda m, x: x.norm(p=3, dim=-1, keepdim=True), gradgrad=False),
    _r("norm_inf", lambda m, x: x.norm(p=float("inf"))),
    _r("logsumexp", lambda m, x: m.logsumexp(x, 0), dtypes=NUMERIC),
    _r("logsumexp_tuple", lambda m, x: x.logsumexp((0, 1), keepdim=True),
       shapes=[((3, 4),), ((2, 3, 2),)]),
    _r("cumsum", lambda m, x: x.cumsum(0), dtypes=ALL_REAL),
    _r("cumsum_neg", lambda m, x: m.cumsum(x, dim=-1)),
    _r("cumsum_dtype", lambda m, x: x.cumsum(0, dtype=m.float64), dtypes=NUMERIC),
    _r("cumprod", lambda m, x: x.cumprod(0), dtypes=NUMERIC),
    _r("cumprod_neg", lambda m, x: m.cumprod(x, -1)),
    _r("all", lambda m, x: x.all(), dtypes=ALL_REAL, differentiable=False),
    _r("all_dim", lambda m, x: m.all(x, 0), dtypes=ALL_REAL, differentiable=False),
    _r("any", lambda m, x: m.any(x), dtypes=ALL_REAL, differentiable=False),
    _r("any_tuple", lambda m, x: x.any((0, -1)), dtypes=ALL_REAL, differentiable=False,
       shapes=[((3, 4),), ((2, 3, 2),)]),
    _r("any_dim_keepdim", lambda m, x: x.any(-1, keepdim=True), dtypes=ALL_REAL,
       differentiable=False),
    # --- reductions at ties, zeros and edges --------------------------------------------
    *[OpInfo(name, fn, cases, dtypes=dtypes, gradcheck=False, group="reduction")
      for name, fn, cases, dtypes in [
        ("max_ties", lambda m, x: (x.max(), x.min(), x.amax(), x.amin()),
         [(V([[1.0, 3.0, 3.0], [2.0, 2.0, 0.0]]),)], FLOAT),
        ("max_dim_ties", lambda m, x: (*x.max(1), *x.min(1), *x.max(0, keepdim=True)),
         [(V([[1.0, 3.0, 3.0], [2.0, 2.0, 0.0]]),)], FLOAT),
        ("amax_dim_ties", lambda m, x: (x.amax(1), x.amin(0, keepdim=True), x.amax((0, 1))),
         [(V([[1.0, 3.0, 3.0], [2.0, 2.0, 0.0]]),)], FLOAT),
        ("argmax_ties", lambda m, x: (x.argmax(), x.argmin(), x.argmax(1), x.argmin(0)),
         [(V([[1.0, 3.0, 3.0], [2.0, 2.0, 0.0]]),)], NUMERIC),
        ("max_nan", lambda m, x: (x.max(), x.argmax(), *x.max(0), x.argmin(), x.amin()),
         [(V([1.0, float("nan"), 3.0]),)], FLOAT),
        # a NaN in one slice only: the other slices keep their own extreme and its index
        ("max_dim_nan_one_slice", lambda m, x: (*x.max(1), *x.min(1), *x.max(0, keepdim=True),
                                                x.argmax(1), x.argmin(0)),
         [(V([[1.0, float("nan"), 2.0], [1.0, 3.0, -2.0]]),)], FLOAT),
        ("prod_zeros", lambda m, x: (x.prod(), x.prod(1), x.prod(0, keepdim=True)),
         [(V([[1.0, 0.0, 3.0], [0.0, 2.0, 0.0], [2.0, 3.0, 4.0]]),)], FLOAT),
        ("cumprod_zeros", lambda m, x: (x.cumprod(0), x.cumprod(1)),
         [(V([[1.0, 0.0, 3.0], [0.0, 2.0, 0.0], [2.0, 3.0, 4.0]]),)], FLOAT),
        ("norm_at_0", lambda m, x: (x.norm(), x.norm(p=1), x.norm(p=3), x.norm(p=float("inf")),
                                    x.norm(p=0)),
         [(V([0.0, 0.0, 0.0]),), (V([0.0, -2.0, 2.0]),)], FLOAT),
        ("std_constant", lambda m, x: (x.std(), x.var(), x.std(0, correction=0)),
         [(V([2.0, 2.0, 2.0]),), (V([3.0]),), (V(3.0),)], FLOAT),
        ("logsumexp_edges", lambda m, x: (x.logsumexp(0), x.logsumexp(1)),
         [(V([[float("-inf"), float("-inf")], [1000.0, 1000.0]]),)], FLOAT),
        ("empty_reductions", lambda m, x: (x.sum(), x.mean(), x.prod(), x.sum(0), x.mean(1),
                                           x.cumsum(0), x.logsumexp(0), x.norm(), x.all(),
                                           x.any(1)),
         [((0, 3),)], FLOAT),
    ]],
    *[OpInfo(name, fn, cases, dtypes=dtypes, gradcheck=False, group="reduction")
      for name, fn, cases, dtypes in [
        ("mean_int_error", lambda m, x: x.mean(), [((3,),)], ("int64",)),
        ("var_int_error", lambda m, x: x.var(), [((3,),)], ("int64",)),
        ("std_int_error", lambda m, x: x.std(0), [((3,),)], ("int32",)),
        ("norm_int_error", lambda m, x: x.norm(), [((3,),)], ("int64",)),
        ("sum_dim_error", lambda m, x: x.sum(2), [((2, 3),), ((),)], FLOAT),
        ("mean_dim_error", lambda m, x: x.mean(-3), [((2, 3),)], FLOAT),
        ("max_dim_error", lambda m, x: x.max(2), [((2, 3),)], FLOAT),
        ("max_empty_error", lambda m, x: x.max(), [((0,),)], FLOAT),
        ("max_dim_empty_error", lambda m, x: x.max(0), [((0, 2),)], FLOAT),
        ("amax_empty_error", lambda m, x: x.amax(), [((0,),)], FLOAT),
        ("argmax_empty_error", lambda m, x: x.argmax(), [((0,),)], FLOAT),
        ("cumsum_dim_error", lambda m, x: x.cumsum(1), [((3,),)], FLOAT),
        ("logsumexp_dim_error", lambda m, x: x.logsumexp(1), [((3,),)], FLOAT),
    ]],
    # --- shape ---------------------------------------------------------------------
    *[OpInfo(name, fn, shapes, group="shape", dtypes=dtypes,
             gradcheck=False if name.endswith("_error") else None) for name, fn, shapes, dtypes in [
        ("reshape", lambda m, x: x.reshape(3, -1), [((3, 4),), ((2, 6),), ((3, 0),)], NUMERIC),
        ("reshape_same", lambda m, x: x.reshape(x.shape), [((3, 4),), ((),)], FLOAT),
        ("reshape_0d", lambda m, x: m.reshape(x, (1, 1)), [((),), ((1,),)], FLOAT),
        ("reshape_noncontig", lambda m, x: x.t().reshape(-1), [((3, 4),)], FLOAT),
        ("view", lambda m, x: x.view(2, 2, 3), [((3, 4),), ((12,),)], ALL_REAL),
        ("view_noncontig_error", lambda m, x: x.t().view(12), [((3, 4),)], FLOAT),
        ("view_as", lambda m, x: x.view_as(x.reshape(-1)), [((3, 4),)], FLOAT),
        ("flatten", lambda m, x: x.flatten(), [((2, 3, 2),), ((),), ((4,),), ((0, 2),)], NUMERIC),
        ("flatten_range", lambda m, x: m.flatten(x, 1, -1), [((2, 3, 2),), ((2, 3),)], FLOAT),
        ("unflatten", lambda m, x: x.unflatten(1, (2, -1)), [((3, 4),)], FLOAT),
        ("squeeze", lambda m, x: x.squeeze(), [((1, 3, 1),), ((),), ((1,),)], NUMERIC),
        ("squeeze_dim", lambda m, x: x.squeeze(-1), [((1, 3, 1),), ((2, 3),), ((),)], FLOAT),
        ("squeeze_dims", lambda m, x: m.squeeze(x, (0, 1)), [((1, 3, 1),), ((1, 1),)], FLOAT),
        ("unsqueeze", lambda m, x: x.unsqueeze(1), [((2, 3),), ((3,),)], NUMERIC),
        ("unsqueeze_neg", lambda m, x: m.unsqueeze(x, -1), [((2, 3),), ((),)], FLOAT),
        ("unsqueeze_error", lambda m, x: x.unsqueeze(3), [((2, 3),)], FLOAT),
        ("transpose", lambda m, x: x.transpose(0, -1), [((2, 3, 4),), ((2, 3),)], NUMERIC),
        ("transpose_same", lambda m, x: m.transpose(x, 1, 1), [((2, 3),)], FLOAT),
        ("t", lambda m, x: x.t(), [((2, 3),), ((3,),), ((),)], NUMERIC),
        ("t_3d_error", lambda m, x: x.t(), [((2, 3, 4),)], FLOAT),
        ("T", lambda m, x: x.T, [((2, 3),)], FLOAT),
        ("mT", lambda m, x: x.mT, [((2, 3),), ((4, 2, 3),)], FLOAT),
        ("swapaxes", lambda m, x: m.swapaxes(x, 0, 1), [((2, 3, 4),)], FLOAT),
        ("permute", lambda m, x: x.permute(2, 0, 1), [((2, 3, 4),), ((2, 0, 1),)], NUMERIC),
        ("permute_list", lambda m, x: m.permute(x, [1, 0]), [((2, 3),)], FLOAT),
        ("permute_error", lambda m, x: x.permute(1, 0), [((2, 3, 4),)], FLOAT),
        ("movedim", lambda m, x: m.movedim(x, 0, -1), [((2, 3, 4),)], FLOAT),
        ("expand", lambda m, x: x.expand(2, 3, 4), [((3, 1),), ((1, 4),), ((),), ((3, 4),)],
         NUMERIC),
        ("expand_minus1", lambda m, x: x.expand(-1, 4), [((3, 1),)], FLOAT),
        ("expand_error", lambda m, x: x.expand(2, 5), [((3, 1),), ((2, 3),)], FLOAT),
        ("expand_as", lambda m, x: x.expand_as(m.zeros(2, 3, 4, dtype=x.dtype)),
         [((3, 1),), ((3, 4),)], FLOAT),
        ("broadcast_to", lambda m, x: m.broadcast_to(x, (2, 3)), [((3,),), ((1, 3),)], FLOAT),
        ("repeat", lambda m, x: x.repeat(2, 1, 3), [((3, 2),), ((),), ((2,),)], NUMERIC),
        ("repeat_error", lambda m, x: x.repeat(2), [((3, 2),)], FLOAT),
        ("flip", lambda m, x: x.flip(0), [((3, 2),), ((4,),)], NUMERIC),
        ("flip_dims", lambda m, x: m.flip(x, (0, -1)), [((3, 2, 2),)], FLOAT),
        ("roll", lambda m, x: x.roll(1, 0), [((3, 2),), ((4,),)], NUMERIC),
        ("roll_flat", lambda m, x: m.roll(x, -2), [((3, 2),)], FLOAT),
        ("roll_dims", lambda m, x: m.roll(x, (1, 2), (0, 1)), [((3, 2),)], FLOAT),
        ("narrow", lambda m, x: x.narrow(1, 1, 2), [((3, 4),), ((2, 3, 2),)], NUMERIC),
        ("narrow_neg", lambda m, x: m.narrow(x, -1, -2, 1), [((3, 4),)], FLOAT),
        ("narrow_error", lambda m, x: x.narrow(0, 2, 5), [((3, 4),)], FLOAT),
        ("select", lambda m, x: x.select(1, -1), [((3, 4),), ((2, 3, 2),)], NUMERIC),
        ("tril", lambda m, x: x.tril(), [((3, 4),), ((2, 3, 3),)], NUMERIC),
        ("triu_k", lambda m, x: m.triu(x, 1), [((3, 4),), ((4, 3),)], NUMERIC),
        ("tril_neg", lambda m, x: m.tril(x, -1), [((3, 3),)], FLOAT),
        ("cat", lambda m, x, y: m.cat([x, y], 1), [((2, 3), (2, 1)), ((2, 0), (2, 2))], NUMERIC),
        ("cat_neg", lambda m, x, y: m.cat((x, y, x), dim=-1), [((2, 3), (2, 2))], FLOAT),
        ("cat_error", lambda m, x, y: m.cat([x, y]), [((2, 3), (2, 2)), ((), ())], FLOAT),
        ("stack", lambda m, x, y: m.stack([x, y]), [((2, 3), (2, 3)), ((), ())], NUMERIC),
        ("stack_dim", lambda m, x, y: m.stack([x, y, x], dim=-1), [((2, 3), (2, 3))], FLOAT),
        ("stack_error", lambda m, x, y: m.stack([x, y]), [((2, 3), (3, 2))], FLOAT),
        ("hstack", lambda m, x, y: m.hstack([x, y]), [((2, 3), (2, 1)), ((3,), (2,))], FLOAT),
        ("vstack", lambda m, x, y: m.vstack([x, y]), [((2, 3), (1, 3)), ((3,), (3,))], FLOAT),
        ("split", lambda m, x: x.split(2), [((5, 3),), ((4,),)], NUMERIC),
        ("split_dim", lambda m, x: m.split(x, 2, dim=1), [((2, 5),)], FLOAT),
        ("split_sizes", lambda m, x: x.split([1, 3], 1), [((2, 4),)], FLOAT),
        ("split_some", lambda m, x: x.split(2)[1], [((5, 3),)], FLOAT),
        ("chunk", lambda m, x: x.chunk(3), [((5, 2),), ((6,),)], NUMERIC),
        ("chunk_dim", lambda m, x: m.chunk(x, 2, -1), [((2, 5),)], FLOAT),
        ("split_zero_error", lambda m, x: x.split(0), [((2, 3),)], FLOAT),
        ("chunk_zero_error", lambda m, x: x.chunk(0), [((2, 3),)], FLOAT),
        ("unbind", lambda m, x: x.unbind(), [((3, 2),), ((2,),)], NUMERIC),
        ("unbind_dim", lambda m, x: m.unbind(x, 1)[1:], [((3, 4),)], FLOAT),
        ("iter_rows", lambda m, x: tuple(x), [((3, 2),)], FLOAT),
        ("clone", lambda m, x: x.clone(), [((3, 2),), ((),)], NUMERIC),
    ]],
    # --- indexing --------------------------------------------------------------------
    *[OpInfo(name, fn, shapes, group="indexing", dtypes=dtypes,
             gradcheck=False if name.endswith("_error") else None) for name, fn, shapes, dtypes in [
        ("getitem_int", lambda m, x: x[1], [((3, 4),), ((3,),)], ALL_REAL),
        ("getitem_neg_int", lambda m, x: x[-1, -2], [((3, 4),)], NUMERIC),
        ("getitem_slice", lambda m, x: x[1:], [((3, 4),), ((0,),)], ALL_REAL),
        ("getitem_full_slice", lambda m, x: x[:], [((3, 4),)], FLOAT),
        ("getitem_step", lambda m, x: x[::2, 1:4:2], [((5, 4),)], NUMERIC),
        ("getitem_slice_out_of_range", lambda m, x: x[2:10], [((3, 4),)], FLOAT),
        ("getitem_none", lambda m, x: x[None], [((3, 4),), ((),)], FLOAT),
        ("getitem_none_mid", lambda m, x: x[:, None, 1:], [((3, 4),)], FLOAT),
        ("getitem_ellipsis", lambda m, x: x[..., 1], [((2, 3, 4),)], NUMERIC),
        ("getitem_ellipsis_only", lambda m, x: x[...], [((2, 3),), ((),)], FLOAT),
        ("getitem_ellipsis_none", lambda m, x: x[..., None], [((2, 3),)], FLOAT),
        ("getitem_int_none", lambda m, x: x[None, 0], [((2, 3),)], FLOAT),
        ("getitem_full_tuple", lambda m, x: x[:, 0:3], [((2, 3),)], FLOAT),
        ("getitem_list", lambda m, x: x[[0, 2, 0]], [((3, 4),)], NUMERIC),
        ("getitem_tensor", lambda m, x: x[m.tensor([[1, 0], [1, 1]])], [((3, 2),)], FLOAT),
        ("getitem_two_tensors", lambda m, x: x[m.tensor([0, 2]), m.tensor([1, 1])],
         [((3, 4),)], NUMERIC),
        ("getitem_tensor_slice", lambda m, x: x[1:, m.tensor([0, 0, 3])], [((3, 4),)], FLOAT),
        ("getitem_mask", lambda m, x: x[x > 0], [((3, 4),), ((),)], NUMERIC),
        ("getitem_row_mask", lambda m, x: x[m.tensor([True, False, True])], [((3, 4),)],
         FLOAT),
        ("getitem_bool_scalar", lambda m, x: x[True], [((3,),)], FLOAT),
        ("getitem_int_list_mix", lambda m, x: x[0, [1, 2]], [((3, 4),)], FLOAT),
        # an int and an index tensor separated by slices: PyTorch selects first, so the
        # index's dimension stays in place (NumPy would move it to the front)
        ("getitem_int_slice_tensor", lambda m, x: (x[1, :, 1:5:2, [0, 1], 0:2],
                                                   x[0, [0, 1], :, [1, 2]]),
         [((2, 3, 6, 3, 4),)], FLOAT),
        ("getitem_chain", lambda m, x: (x[1, 2], x[None, 0, ..., None], x[1:, ::2], x[...],
                                        x[True], x[False], x[:, None, 1]), [((3, 4),)], FLOAT),
        ("getitem_nested_lists", lambda m, x: (x[((0, 2),)], x[(0, 1), (1, 2)]), [((3, 4),)],
         FLOAT),
        ("getitem_out_of_range_error", lambda m, x: x[3], [((3, 4),)], FLOAT),
        ("getitem_tensor_bounds_error", lambda m, x: x[m.tensor([0, 5])], [((3, 4),)], FLOAT),
        ("getitem_negative_step_error", lambda m, x: x[::-1], [((3, 4),)], FLOAT),
        ("getitem_too_many_error", lambda m, x: x[0, 0, 0], [((3, 4),)], FLOAT),
        ("getitem_mask_shape_error", lambda m, x: x[m.tensor([True, False])], [((3, 4),)],
         FLOAT),
        ("getitem_float_index_error", lambda m, x: x[m.tensor([0.0])], [((3, 4),)], FLOAT),
        ("gather", lambda m, x: x.gather(1, m.tensor([[0, 0], [1, 0], [2, 1]])),
         [((3, 4),)], NUMERIC),
        ("gather_dim0", lambda m, x: m.gather(x, 0, m.tensor([[2, 0, 1, 1]])), [((3, 4),)],
         FLOAT),
        ("gather_0d", lambda m, x: x.gather(0, m.tensor(0)), [((),), ((3,),)], FLOAT),
        ("gather_bounds_error", lambda m, x: x.gather(1, m.tensor([[5]])), [((3, 4),)], FLOAT),
        ("gather_ndim_error", lambda m, x: x.gather(1, m.tensor([1])), [((3, 4),)], FLOAT),
        ("gather_size_error", lambda m, x: x.gather(1, m.zeros(4, 1, dtype=m.long)),
         [((3, 4),)], FLOAT),
        ("scatter", lambda m, x, s: x.scatter(1, m.tensor([[0, 2], [1, 3]]), s),
         [((3, 4), (2, 2))], NUMERIC),
        ("scatter_value", lambda m, x: m.scatter(x, 0, m.tensor([[2, 0, 1]]), 1.5),
         [((3, 4),)], FLOAT),
        ("scatter_add", lambda m, x, s: x.scatter_add(0, m.tensor([[0, 1, 0], [0, 2, 0]]), s),
         [((3, 4), (2, 3))], NUMERIC),
        ("scatter_add_1d", lambda m, x, s: m.scatter_add(x, 0, m.tensor([0, 0, 2]), s),
         [((3,), (3,))], FLOAT),
        ("index_select", lambda m, x: x.index_select(0, m.tensor([2, 0, 2])),
         [((3, 4),), ((3,),)], NUMERIC),
        ("index_select_dim1", lambda m, x: m.index_select(x, -1, m.tensor([1])), [((3, 4),)],
         FLOAT),
        ("index_select_error", lambda m, x: x.index_select(0, m.tensor([[0]])), [((3, 4),)],
         FLOAT),
        ("masked_fill", lambda m, x: x.masked_fill(x > 0.5, -1.0), [((3, 4),), ((),)],
         NUMERIC),
        ("masked_fill_broadcast", lambda m, x: x.masked_fill(m.tensor([True, False, True]), 0),
         [((2, 3),), ((3,),)], FLOAT),
        ("masked_fill_tensor", lambda m, x, v: m.masked_fill(x, x < 0, v), [((3, 4), ())],
         FLOAT),
        ("masked_fill_error", lambda m, x: x.masked_fill(m.ones(3, dtype=m.long), 1.0),
         [((3,),)], FLOAT),
    ]],
    # --- linear algebra -----------------------------------------------------------------
    *[OpInfo(name, fn, shapes, group="linalg", dtypes=dtypes, rtol=1e-4, atol=1e-5,
             gradcheck=False if name.endswith("_error") else None,
             grad_fn_name=not name.startswith(("einsum", "bilinear")))
      for name, fn, shapes, dtypes in [
        ("dot", lambda m, x, y: m.dot(x, y), [((3,), (3,)), ((0,), (0,))], NUMERIC),
        ("dot_error", lambda m, x, y: x.dot(y), [((3,), (2,)), ((2, 3), (3,))], FLOAT),
        ("mv", lambda m, x, y: m.mv(x, y), [((2, 3), (3,))], NUMERIC),
        ("mm", lambda m, x, y: x.mm(y), [((2, 3), (3, 4)), ((0, 3), (3, 2)), ((2, 0), (0, 3))],
         NUMERIC),
        ("mm_error", lambda m, x, y: m.mm(x, y), [((2, 3), (2, 3)), ((3,), (3, 2))], FLOAT),
        ("addmm", lambda m, b, x, y: (m.addmm(b, x, y), m.addmm(b, x, y, beta=0.5, alpha=2)),
         [((4,), (2, 3), (3, 4)), ((2, 4), (2, 3), (3, 4)), ((), (2, 3), (3, 4))], FLOAT),
        ("addmm_error", lambda m, b, x, y: m.addmm(b, x, y),
         [((3,), (2, 3), (3, 4)), ((4,), (3,), (3, 4)), ((4,), (2, 3), (2, 4))], FLOAT),
        ("linear", lambda m, x, w, b: (m.nn.functional.linear(x, w, b),
                                       m.nn.functional.linear(x, w)),
         [((2, 3), (4, 3), (4,)), ((3,), (4, 3), (4,)), ((2, 5, 3), (4, 3), (4,))], FLOAT),
        ("bilinear_unbatched", lambda m, x, y, w, b: (m.bilinear(x, y, w, b),
                                                      m.nn.functional.bilinear(x, y, w)),
         [((2, 3), (2, 4), (5, 3, 4), (5,)), ((3,), (4,), (2, 3, 4), (2,)),
          ((2, 1, 3), (2, 1, 4), (2, 3, 4), (2,))], FLOAT),
        ("bilinear_shapes_error", lambda m, x, y, w: m.bilinear(x, y, w),
         [((2, 3), (2, 1, 4), (5, 3, 4)), ((2, 3), (3, 4), (5, 3, 4)),
          ((2, 2), (2, 4), (5, 3, 4)), ((2, 3), (2, 5), (5, 3, 4))], FLOAT),
        ("bmm", lambda m, x, y: m.bmm(x, y), [((2, 3, 4), (2, 4, 5))], NUMERIC),
        ("bmm_error", lambda m, x, y: m.bmm(x, y), [((2, 3, 4), (3, 4, 5))], FLOAT),
        ("matmul_2d", lambda m, x, y: x @ y, [((2, 3), (3, 4))], NUMERIC),
        ("matmul_1d_1d", lambda m, x, y: x @ y, [((3,), (3,))], FLOAT),
        ("matmul_2d_1d", lambda m, x, y: m.matmul(x, y), [((2, 3), (3,))], FLOAT),
        ("matmul_batched", lambda m, x, y: x @ y,
         [((2, 3, 4), (2, 4, 5)), ((2, 1, 3, 4), (5, 4, 2)), ((3, 4), (2, 4, 5)),
          ((2, 3, 4), (4, 5)), ((2, 3, 4), (4,)), ((4,), (2, 4, 5)), ((1, 3, 4), (4, 2)),
          ((4,), (4, 5))], FLOAT),
        ("matmul_error", lambda m, x, y: x @ y, [((2, 3), (4, 5)), ((), (3,)),
                                                 ((2, 3, 4), (3, 4, 5))], FLOAT),
        ("outer", lambda m, x, y: m.outer(x, y), [((3,), (2,))], NUMERIC),
        ("einsum_mm", lambda m, x, y: m.einsum("ij,jk->ik", x, y), [((2, 3), (3, 4))], FLOAT),
        ("einsum_batch", lambda m, x, y: m.einsum("bij,bjk->bik", x, y),
         [((2, 2, 3), (2, 3, 4))], FLOAT),
        ("einsum_outer", lambda m, x, y: m.einsum("i,j->ij", x, y), [((3,), (2,))], FLOAT),
        ("einsum_dot", lambda m, x, y: m.einsum("i,i->", x, y), [((3,), (3,))], FLOAT),
        ("einsum_sum", lambda m, x: m.einsum("ij->j", x), [((3, 4),)], FLOAT),
        ("einsum_transpose", lambda m, x: m.einsum("ij->ji", x), [((3, 4),)], FLOAT),
        ("einsum_implicit", lambda m, x, y: m.einsum("ij,jk", x, y), [((2, 3), (3, 4))],
         FLOAT),
        ("einsum_diag", lambda m, x: m.einsum("ii->i", x), [((3, 3),)], FLOAT),
        ("einsum_trace", lambda m, x: m.einsum("ii", x), [((3, 3),)], FLOAT),
        ("einsum_ellipsis", lambda m, x, y: m.einsum("...ij,jk->...ik", x, y),
         [((2, 2, 3), (3, 4)), ((2, 3), (3, 4))], FLOAT),
        ("einsum_three", lambda m, x, y, z: m.einsum("ij,jk,kl->il", x, y, z),
         [((2, 3), (3, 4), (4, 2))], FLOAT),
        ("einsum_list", lambda m, x, y: m.einsum("bi,bi->b", [x, y]), [((2, 3), (2, 3))],
         FLOAT),
        ("einsum_broadcast", lambda m, x, y: m.einsum("...i,...i->...", x, y),
         [((2, 3), (1, 3)), ((2, 1, 3), (4, 3))], FLOAT),
        ("einsum_error", lambda m, x, y: m.einsum("ij,jk->ik", x, y), [((2, 3), (4, 4))],
         FLOAT),
    ]],
    # --- special functions (torch.special and torch.i0/polygamma/mvlgamma/igamma) -------
    *[OpInfo(name, fn, shapes, domain, FLOAT, group="special", **kw)
      for name, fn, shapes, domain, kw in [
        ("special_entr", lambda m, x: m.special.entr(x), UNARY_SHAPES, POS, {}),
        ("special_erfcx", lambda m, x: m.special.erfcx(x), UNARY_SHAPES, (-3.0, 5.0), {}),
        ("special_ndtri", lambda m, x: m.special.ndtri(x), UNARY_SHAPES, (0.05, 0.95), {}),
        ("special_log_ndtr", lambda m, x: m.special.log_ndtr(x), UNARY_SHAPES, (-6.0, 3.0), {}),
        ("special_ndtr", lambda m, x: m.special.ndtr(x), UNARY_SHAPES, (-3.0, 3.0), {}),
        ("special_i0e", lambda m, x: m.special.i0e(x), UNARY_SHAPES, (-4.0, 4.0), {}),
        ("special_i1", lambda m, x: m.special.i1(x), UNARY_SHAPES, (-4.0, 4.0), {}),
        ("special_i1e", lambda m, x: m.special.i1e(x), UNARY_SHAPES, (-4.0, 4.0), {}),
        ("i0", lambda m, x: m.i0(x), UNARY_SHAPES, (-4.0, 4.0), {}),
        ("polygamma_0", lambda m, x: m.polygamma(0, x), UNARY_SHAPES, POS, {}),
        ("polygamma_1", lambda m, x: m.polygamma(1, x), UNARY_SHAPES, POS, {}),
        ("polygamma_3", lambda m, x: m.special.polygamma(3, x), UNARY_SHAPES, POS, {}),
        ("mvlgamma", lambda m, x: m.mvlgamma(x, 3), UNARY_SHAPES, (1.5, 4.0), {}),
        ("special_xlog1py", lambda m, x, y: m.special.xlog1py(x, y), BINARY_SHAPES,
         [(-2.0, 2.0), (-0.5, 3.0)], {"gradgrad": False}),
        ("special_xlog1py_zero", lambda m, x, y: m.special.xlog1py(x * 0, y), [((3,), (3,))],
         [(-2.0, 2.0), (-0.5, 3.0)], {}),
        # PyTorch has no derivative in the first argument of these: only the second varies.
        # (gradcheck would vary the first argument too: the comparison with PyTorch's
        # gradients checks these.)
        ("igamma", lambda m, a, x: m.igamma(a.detach(), x), BINARY_SHAPES, [POS, POS],
         {"gradcheck": False}),
        ("igammac", lambda m, a, x: m.special.gammaincc(a.detach(), x), BINARY_SHAPES,
         [POS, POS], {"gradcheck": False}),
        ("special_zeta", lambda m, s, q: m.special.zeta(s.detach(), q), BINARY_SHAPES,
         [(1.5, 4.0), POS], {"gradcheck": False}),
    ]],
    # --- the Tensor API: rsub, adjoint, in-place matrix products, legacy norms ------------
    _b("rsub_fn", lambda m, x, y: (m.rsub(x, y), m.rsub(x, y, alpha=2))),
    _u("rsub_fn_scalar", lambda m, x: (m.rsub(x, 2.5), m.rsub(x, 3, alpha=2), m.rsub(x, 3, 2))),
    OpInfo("rsub_fn_error", lambda m, x, y: m.rsub(x, y, alpha=1.5), [((2,), (2,))],
           dtypes=("int64",), gradcheck=False),
    OpInfo("adjoint", lambda m, x: (m.adjoint(x), x.adjoint()),
           [((2, 3),), ((2, 3, 4),), ((0, 3),)], dtypes=ALL_REAL, group="shape"),
    OpInfo("adjoint_error", lambda m, x: m.adjoint(x), [((3,),)], gradcheck=False,
           group="shape"),
    *[OpInfo(name, fn, shapes, group="linalg", rtol=1e-4, atol=1e-5,
             gradcheck=False if name.endswith("_error") else None)
      for name, fn, shapes in [
        ("addmv", lambda m, b, x, y: (m.addmv(b, x, y), x.new_ones(2).addmv(x, y, beta=0)),
         [((2,), (2, 3), (3,)), ((), (2, 3), (3,)), ((1,), (2, 3), (3,))]),
        ("addmv_error", lambda m, b, x, y: m.addmv(b, x, y), [((3,), (2, 3), (3,))]),
        ("addr", lambda m, b, x, y: (m.addr(b, x, y), m.addr(b, x, y, beta=2, alpha=0.5)),
         [((2, 3), (2,), (3,)), ((3,), (2,), (3,)), ((), (2,), (3,))]),
        ("addr_error", lambda m, b, x, y: m.addr(b, x, y), [((2, 3), (2, 1), (3,))]),
        ("addbmm", lambda m, b, x, y: (m.addbmm(b, x, y), m.addbmm(b, x, y, alpha=-1)),
         [((2, 4), (3, 2, 3), (3, 3, 4)), ((4,), (3, 2, 3), (3, 3, 4))]),
        ("addbmm_error", lambda m, b, x, y: m.addbmm(b, x, y), [((2, 4), (3, 2, 3), (2, 3, 4))]),
        ("baddbmm", lambda m, b, x, y: (m.baddbmm(b, x, y), m.baddbmm(b, x, y, beta=0.5)),
         [((3, 2, 4), (3, 2, 3), (3, 3, 4)), ((4,), (3, 2, 3), (3, 3, 4))]),
        ("baddbmm_error", lambda m, b, x, y: m.baddbmm(b, x, y),
         [((3, 2, 4), (3, 2, 3), (3, 2, 4))]),
        ("addmm_inplace", lambda m, b, x, y: b.clone().addmm_(x, y, beta=0.5, alpha=2),
         [((2, 4), (2, 3), (3, 4))]),
        ("addmm_inplace_error", lambda m, b, x, y: b.clone().addmm_(x, y),
         [((4,), (2, 3), (3, 4))]),
        ("addmv_inplace", lambda m, b, x, y: b.clone().addmv_(x, y, beta=2),
         [((2,), (2, 3), (3,))]),
        ("addr_inplace", lambda m, b, x, y: b.clone().addr_(x, y, alpha=-1),
         [((2, 3), (2,), (3,))]),
        ("addr_inplace_error", lambda m, b, x, y: b.clone().addr_(x, y), [((2, 1), (2,), (3,))]),
        ("addbmm_inplace", lambda m, b, x, y: b.clone().addbmm_(x, y, beta=0.5),
         [((2, 4), (3, 2, 3), (3, 3, 4))]),
        ("baddbmm_inplace", lambda m, b, x, y: b.clone().baddbmm_(x, y, alpha=3),
         [((3, 2, 4), (3, 2, 3), (3, 3, 4))]),
        ("baddbmm_inplace_error", lambda m, b, x, y: b.clone().baddbmm_(x, y),
         [((1, 2, 4), (3, 2, 3), (3, 3, 4))]),
        ("chain_matmul", lambda m, x, y, z: (m.chain_matmul(x, y, z), m.chain_matmul(x, y),
                                             m.chain_matmul(x)),
         [((2, 3), (3, 4), (4, 2))]),
        ("chain_matmul_error", lambda m, x, y: m.chain_matmul(x, y), [((2, 3), (2, 3))]),
    ]],
    _r("frobenius_norm", lambda m, x: (m.frobenius_norm(x, (0, 1)),
                                       m.frobenius_norm(x, -1, keepdim=True),
                                       m.frobenius_norm(x, ())),
       shapes=[((3, 4),), ((2, 3, 2),)]),
    _r("frobenius_norm_at_0", lambda m, x: (m.frobenius_norm(x, (0, 1)),
                                            m.frobenius_norm(x, 1)),
       shapes=[(V([[0.0, 0.0], [3.0, -4.0]]),)], gradcheck=False),
    _r("frobenius_norm_error", lambda m, x: m.frobenius_norm(x, (0, 1, 1)), shapes=[((2, 2),)],
       gradcheck=False),
    _r("norm_except_dim", lambda m, x: (m.norm_except_dim(x), m.norm_except_dim(x, 3, -1),
                                        m.norm_except_dim(x, 2, x.ndim - 1),
                                        m.norm_except_dim(x, 1, 1)),
       shapes=[((3, 4),), ((2, 3, 2),)], gradgrad=False),
    _r("norm_except_dim_2", lambda m, x: (m.norm_except_dim(x), m.norm_except_dim(x, 2, 1)),
       shapes=[((2, 3, 2),)]),
    _r("norm_except_dim_at_0", lambda m, x: (m.norm_except_dim(x), m.norm_except_dim(x, 2, 1)),
       shapes=[(V([[0.0, 0.0], [3.0, -4.0]]),)], gradcheck=False),
    # --- nn layers: shuffles, padding, sampling grids, bilinear -----------------------------
    *[OpInfo(name, fn, shapes, group="nnlayers", rtol=1e-4, atol=1e-5)
      for name, fn, shapes in [
        ("grid_sample", lambda m, x, g: m.nn.functional.grid_sample(x, g, align_corners=False),
         [((2, 2, 3, 4), (2, 3, 2, 2)), ((1, 2, 2, 3, 2), (1, 2, 1, 2, 3))]),
        ("grid_sample_reflection", lambda m, x, g: m.nn.functional.grid_sample(
            x, g, "bilinear", "reflection", True), [((1, 2, 3, 4), (1, 2, 3, 2))]),
        ("grid_sample_bicubic_border", lambda m, x, g: m.nn.functional.grid_sample(
            x, g, "bicubic", "border", False), [((1, 2, 3, 4), (1, 2, 2, 2))]),
    ]],
    *[OpInfo(name, fn, shapes, group="nnlayers", dtypes=dtypes,
             gradcheck=False if name.endswith("_error") else None)
      for name, fn, shapes, dtypes in [
        ("pixel_shuffle", lambda m, x: m.pixel_shuffle(x, 2),
         [((1, 8, 2, 3),), ((4, 1, 2),), ((2, 1, 4, 3, 2),)], NUMERIC),
        ("pixel_shuffle_one", lambda m, x: m.nn.functional.pixel_shuffle(x, 1), [((2, 3, 2),)],
         FLOAT),
        ("pixel_shuffle_error", lambda m, x: m.pixel_shuffle(x, 2),
         [((3, 2, 2),), ((4, 2),)], FLOAT),
        ("pixel_unshuffle", lambda m, x: m.pixel_unshuffle(x, 2),
         [((1, 2, 4, 6),), ((1, 2, 2),), ((2, 1, 1, 4, 2),)], NUMERIC),
        ("pixel_unshuffle_error", lambda m, x: m.pixel_unshuffle(x, 2),
         [((1, 3, 3),), ((4, 4),)], FLOAT),
        ("channel_shuffle", lambda m, x: m.channel_shuffle(x, 3),
         [((2, 6, 2),), ((1, 3, 2, 2),), ((1, 6, 1, 2, 1),)], NUMERIC),
        ("channel_shuffle_f", lambda m, x: m.nn.functional.channel_shuffle(x, 2),
         [((2, 4, 3),)], FLOAT),
        ("channel_shuffle_error", lambda m, x: m.channel_shuffle(x, 4),
         [((2, 6, 2),), ((2, 4),)], FLOAT),
        ("constant_pad_nd", lambda m, x: m.constant_pad_nd(x, (1, -1, 2, 0), 1.5),
         [((2, 3),), ((2, 3, 2),)], NUMERIC),
        ("pad_reflect", lambda m, x: m.nn.functional.pad(x, (2, 1, 1, -1), "reflect"),
         [((1, 2, 3, 4),), ((2, 3, 4),)], FLOAT),
        ("pad_replicate", lambda m, x: m.nn.functional.pad(x, (1, 2), "replicate"),
         [((2, 3, 4),), ((3, 4),)], FLOAT),
        ("pad_reflect_3d", lambda m, x: m.nn.functional.pad(x, (1, 1, 0, 1, 1, 0), "reflect"),
         [((1, 1, 2, 3, 3),)], FLOAT),
        ("pad_replicate_3d", lambda m, x: m.nn.functional.pad(
            x, (1, 0, 2, 1, 0, 1), "replicate"), [((1, 2, 2, 3),)], FLOAT),
        ("bilinear", lambda m, x, y, w, b: m.bilinear(x, y, w, b),
         [((2, 3), (2, 4), (5, 3, 4), (5,)), ((3, 2, 3), (3, 2, 1), (2, 3, 1), (2,))], FLOAT),
        ("bilinear_nobias", lambda m, x, y, w: m.nn.functional.bilinear(x, y, w),
         [((2, 3), (2, 4), (5, 3, 4)), ((3,), (4,), (2, 3, 4))], FLOAT),
        ("affine_grid", lambda m, t: m.nn.functional.affine_grid(t, (2, 1, 3, 2), False),
         [((2, 2, 3),)], FLOAT),
        ("affine_grid_3d", lambda m, t: m.nn.functional.affine_grid(t, (1, 2, 2, 3, 2), True),
         [((1, 3, 4),)], FLOAT),
        ("affine_grid_error", lambda m, t: m.nn.functional.affine_grid(t, (2, 1, 3, 2), False),
         [((2, 3, 3),), ((1, 2, 3),), ((2, 2, 3, 1),)], FLOAT),
        ("interpolate_bilinear", lambda m, x: m.nn.functional.interpolate(
            x, size=(3, 5), mode="bilinear", align_corners=False), [((1, 2, 2, 3),)], FLOAT),
        ("interpolate_bicubic", lambda m, x: m.nn.functional.interpolate(
            x, scale_factor=1.5, mode="bicubic", align_corners=True), [((2, 1, 3, 2),)], FLOAT),
        ("interpolate_nearest", lambda m, x: m.nn.functional.interpolate(x, scale_factor=2),
         [((1, 2, 3),), ((1, 1, 2, 3),), ((1, 1, 2, 1, 2),)], FLOAT),
        ("interpolate_trilinear", lambda m, x: m.nn.functional.interpolate(
            x, size=(3, 2, 3), mode="trilinear"), [((1, 1, 2, 3, 2),)], FLOAT),
        ("bilinear_error", lambda m, x, y, w: m.bilinear(x, y, w),
         [((2, 3), (3, 4), (5, 3, 4)), ((2, 3), (2, 4), (5, 3, 3)), ((3,), (2, 4), (5, 3, 4)),
          ((2, 2), (2, 4), (5, 3, 4)), ((2, 3), (2, 4), (5, 3, 4, 1))], FLOAT),
    ]],
    *LINALG_OPS,
]

# --- scatter with reductions, writes at computed places (issue 12) --------------------------
_SR_INDEX = [[0, 1, 0], [2, 2, 2]]  # row 1 sends three values to one place; row 0 repeats 0


def _sliced_back(m, base, dim, start, end, step):
    piece = base[(slice(None),) * dim + (slice(start, end, step),)]
    return piece.slice_inverse(base, dim, start, end, step)


def _scatter_reduce_rows():
    rows = []
    for reduce in ("sum", "prod", "mean", "amax", "amin"):
        for include_self in (True, False):
            tag = f"{reduce}{'' if include_self else '_exclusive'}"
            rows.append(OpInfo(
                f"scatter_reduce_{tag}",
                lambda m, x, s, r=reduce, i=include_self:
                    x.scatter_reduce(1, m.tensor(_SR_INDEX), s, r, include_self=i),
                [((3, 4), (2, 3)), ((2, 5), (2, 3))], dtypes=NUMERIC, group="scatter"))
            # ties (amax/amin share the gradient) and zeros (prod): PyTorch's gradient, not
            # finite differences, which mean nothing at a tie
            rows.append(OpInfo(
                f"scatter_reduce_{tag}_ties",
                lambda m, x, s, r=reduce, i=include_self:
                    x.scatter_reduce(0, m.tensor([0, 0, 1, 2, 2]), s, r, include_self=i),
                [(V([2.0, 0.0, 1.0]), V([2.0, 2.0, 0.0, 1.0, 0.0]))], dtypes=NUMERIC,
                group="scatter", gradcheck=reduce == "prod", gradgrad=False))
    return rows


def _fixed_self(m, like, *shape):
    """A constant ``self`` (no gradient, no tangent) of ``like``'s dtype."""
    size = 1
    for n in shape:
        size *= n
    return m.arange(size).to(like.dtype).reshape(shape)


OPS += [
    *_scatter_reduce_rows(),
    *[OpInfo(name, fn, shapes, group="scatter", dtypes=dtypes,
             # at ties and NaN, PyTorch's gradient is not a derivative; as_strided_scatter's
             # rows take a constant self (gradcheck in tests/test_tensor_misc.py)
             gradcheck=False if name.endswith(("_error", "_ties", "_nan"))
             or name.startswith("as_strided_scatter") else None) for name, fn, shapes, dtypes in [
        ("scatter_reduce_0d", lambda m, x, s: m.scatter_reduce(x, 0, m.tensor(0), s, "prod"),
         [((), ())], FLOAT),
        ("scatter_reduce_inplace", lambda m, x, s:
            (x * 1).scatter_reduce_(-1, m.tensor([[0, 0], [1, 0]]), s, reduce="amin"),
         [((2, 3), (2, 2))], FLOAT),
        ("scatter_reduce_nan", lambda m, x, s: x.scatter_reduce(0, m.tensor([0, 0]), s, "amax"),
         [(V([1.0, 2.0]), V([float("nan"), 3.0]))], FLOAT),
        ("scatter_reduce_reduce_error", lambda m, x, s:
            x.scatter_reduce(0, m.tensor([0]), s, "add"), [((3,), (1,))], FLOAT),
        ("scatter_reduce_dtype_error", lambda m, x, s:
            x.scatter_reduce(0, m.tensor([0]), s.double(), "sum"), [((3,), (1,))], ("float32",)),
        ("scatter_reduce_bounds_error", lambda m, x, s:
            x.scatter_reduce(0, m.tensor([3]), s, "sum"), [((3,), (1,))], FLOAT),
        ("scatter_reduce_ndim_error", lambda m, x, s:
            x.scatter_reduce(0, m.tensor([0]), s, "sum"), [((3, 2), (1,))], FLOAT),
        ("index_reduce_prod", lambda m, x, s:
            x.index_reduce(0, m.tensor([2, 0, 2]), s, "prod"), [((3, 2), (3, 2))], NUMERIC),
        ("index_reduce_mean", lambda m, x, s:
            x.index_reduce(1, m.tensor([0, 0, 1]), s, "mean", include_self=False),
         [((2, 3), (2, 3))], NUMERIC),
        ("index_reduce_amax", lambda m, x, s:
            m.index_reduce(x, -1, m.tensor([1, 1, 1]), s, "amax"), [((2, 3), (2, 3))], NUMERIC),
        ("index_reduce_amin", lambda m, x, s:
            (x * 1).index_reduce_(0, m.tensor([0, 0]), s, "amin", include_self=False),
         [((2, 3), (2, 3)), ((2,), (2,))], FLOAT),
        ("index_reduce_ties", lambda m, x, s:
            x.index_reduce(0, m.tensor([0, 0, 1]), s, "amax"),
         [(V([1.0, 0.0]), V([1.0, 1.0, -1.0]))], FLOAT),
        ("index_reduce_reduce_error", lambda m, x, s:
            x.index_reduce(0, m.tensor([0]), s, "sum"), [((3,), (1,))], FLOAT),
        ("index_reduce_count_error", lambda m, x, s:
            x.index_reduce(0, m.tensor([0, 1]), s, "prod"), [((3,), (1,))], FLOAT),
        ("index_reduce_shape_error", lambda m, x, s:
            x.index_reduce(0, m.tensor([0]), s, "prod"), [((3, 2), (1, 3))], FLOAT),
        ("index_reduce_range_error", lambda m, x, s:
            x.index_reduce(0, m.tensor([3]), s, "prod"), [((3,), (1,))], FLOAT),
        ("index_put", lambda m, x, v: m.index_put(x, (m.tensor([0, 2, 1]), m.tensor([1, 1, 3])),
                                                  v), [((3, 4), (3,)), ((3, 4), ())], NUMERIC),
        ("index_put_accumulate", lambda m, x, v:
            x.index_put((m.tensor([0, 2, 0]),), v, accumulate=True),
         [((3, 4), (3, 4)), ((3, 4), (4,)), ((3, 4), ())], NUMERIC),
        ("index_put_mask", lambda m, x, v: x.index_put((x > 0,), v), [((3, 4), ())], FLOAT),
        ("index_put_inplace", lambda m, x, v:
            (x * 1).index_put_((m.tensor([1]), m.tensor([0])), v, True), [((2, 2), (1,))],
         FLOAT),
        ("index_put_shape_error", lambda m, x, v: m.index_put(x, (m.tensor([0]),), v),
         [((3, 4), (2,))], FLOAT),
        ("index_put_dtype_error", lambda m, x, v: m.index_put(x, (m.tensor([0]),), v.double()),
         [((3, 4), (4,))], ("float32",)),
        ("put", lambda m, x, s: x.put(m.tensor([[0, 5], [11, -2]]), s),
         [((3, 4), (2, 2)), ((3, 4), (4,))], NUMERIC),
        ("put_accumulate", lambda m, x, s: m.put(x, m.tensor([1, 1, 0]), s, accumulate=True),
         [((2, 2), (3,))], NUMERIC),
        ("put_0d", lambda m, x, s: m.put(x, m.tensor([0, -1]), s, accumulate=True),
         [((), (2,))], FLOAT),
        ("put_inplace", lambda m, x, s: (x * 1).put_(m.tensor([0]), s), [((3,), (1,))], FLOAT),
        ("put_count_error", lambda m, x, s: x.put(m.tensor([0]), s), [((3,), (2,))], FLOAT),
        ("put_range_error", lambda m, x, s: x.put(m.tensor([3]), s), [((3,), (1,))], FLOAT),
        ("masked_scatter", lambda m, x, s: x.masked_scatter(x > 0, s),
         [((3, 4), (12,)), ((3, 4), (4, 5)), ((), (2,))], NUMERIC),
        ("masked_scatter_broadcast", lambda m, x, s:
            m.masked_scatter(x, m.tensor([[True], [False]]), s), [((2, 3), (2, 3)), ((3,), (7,))],
         FLOAT),
        ("masked_scatter_inplace", lambda m, x, s: (x * 1).masked_scatter_(x < 0, s),
         [((2, 3), (6,))], FLOAT),
        ("masked_scatter_count_error", lambda m, x, s:
            x.masked_scatter(m.ones(3, dtype=m.bool), s), [((3,), (2,))], FLOAT),
        ("masked_scatter_mask_error", lambda m, x, s:
            x.masked_scatter(m.ones(3, dtype=m.long), s), [((3,), (3,))], FLOAT),
        ("diagonal_scatter", lambda m, x, s: m.diagonal_scatter(x, s),
         [((3, 4), (3,)), ((4, 3), (3,))], NUMERIC),
        ("diagonal_scatter_offset", lambda m, x, s: x.diagonal_scatter(s, -1, 2, 0),
         [((3, 2, 4), (2, 3))], FLOAT),
        ("diagonal_scatter_size_error", lambda m, x, s: m.diagonal_scatter(x, s, 1),
         [((3, 4), (4,))], FLOAT),
        ("select_scatter", lambda m, x, s: m.select_scatter(x, s, 1, -1),
         [((3, 4), (3,)), ((3, 4, 2), (3, 2))], NUMERIC),
        ("select_scatter_dtype", lambda m, x, s: x.select_scatter(s.double(), 0, 0),
         [((3, 4), (4,))], FLOAT),
        ("select_scatter_index_error", lambda m, x, s: m.select_scatter(x, s, 0, 3),
         [((3, 4), (4,))], FLOAT),
        ("slice_scatter", lambda m, x, s: m.slice_scatter(x, s, 1, 1, None, 2),
         [((3, 5), (3, 2))], NUMERIC),
        ("slice_scatter_default", lambda m, x, s: x.slice_scatter(s, start=-2),
         [((4, 3), (2, 3)), ((3,), (2,))], FLOAT),
        ("slice_scatter_size_error", lambda m, x, s: m.slice_scatter(x, s, 0, 1),
         [((4, 3), (2, 3))], FLOAT),
        ("slice_scatter_step_error", lambda m, x, s: m.slice_scatter(x, s, 0, 0, 4, 0),
         [((4, 3), (2, 3))], FLOAT),
        # self a constant: PyTorch 2.13's gradient for self is wrong (it keeps the gradient
        # where src was written and drops it elsewhere, failing its own gradcheck); ours is
        # checked by gradcheck in tests/test_tensor_misc.py
        ("as_strided_scatter", lambda m, s:
            m.as_strided_scatter(_fixed_self(m, s, 3, 4), s, (2, 2), (1, 2), 1), [((2, 2),)],
         NUMERIC),
        ("as_strided_scatter_method", lambda m, s:
            _fixed_self(m, s, 2, 3).as_strided_scatter(s, (3,), (2,)), [((3,),)], FLOAT),
        ("as_strided_scatter_0d", lambda m, s:
            m.as_strided_scatter(_fixed_self(m, s, 3), s, (), (), 2), [((),)], FLOAT),
        # overlapping positions: every source element gets the gradient at its position
        ("as_strided_scatter_overlap_ties", lambda m, s:
            m.as_strided_scatter(_fixed_self(m, s, 3, 4), s, (2, 2), (1, 1)), [((2, 2),)],
         FLOAT),
        # self is a slice of src, as functionalization uses it
        ("slice_inverse", lambda m, x: _sliced_back(m, x * 1, 0, 1, None, 1),
         [((3, 4),), ((2, 3, 2),)], FLOAT),
        ("slice_inverse_step", lambda m, x: _sliced_back(m, x * 1, 1, 1, None, 2),
         [((3, 5),)], FLOAT),
        ("slice_inverse_bounds_error", lambda m, x: m.slice_inverse(x[:1].clone(), x),
         [((2, 6),)], FLOAT),
        ("as_strided_scatter_size_error", lambda m, x, s:
            m.as_strided_scatter(x, s, (2, 3), (1, 1)), [((3, 4), (2, 2))], FLOAT),
        ("as_strided_scatter_bounds_error", lambda m, x, s:
            m.as_strided_scatter(x, s, (2, 2), (6, 6)), [((3, 4), (2, 2))], FLOAT),
        ("as_strided_scatter_stride_error", lambda m, x, s:
            m.as_strided_scatter(x, s, (2, 2), (-1, 1), 5), [((3, 4), (2, 2))], FLOAT),
        ("as_strided_scatter_contiguous_error", lambda m, x, s:
            m.as_strided_scatter(x.t(), s, (2, 2), (1, 2)), [((3, 4), (2, 2))], FLOAT),
    ]],
]


# stft: composed of indexing, products and matmul, so the node names are its blocks'
OPS += [OpInfo(name, fn, shapes, group="spectral", dtypes=FLOAT, rtol=1e-4, atol=1e-5,
               gradcheck=False if name.endswith("_error") else None, grad_fn_name=False)
        for name, fn, shapes in [
    ("stft", lambda m, x: m.stft(x, 8, return_complex=False), [((20,),), ((2, 16),)]),
    ("stft_window", lambda m, x, w: x.stft(8, 3, 6, w, pad_mode="constant", normalized=True,
                                           return_complex=False), [((20,), (6,))]),
    ("stft_two_sided", lambda m, x, w: m.stft(x, 6, hop_length=2, window=w, center=False,
                                              onesided=False, return_complex=False),
     [((2, 15), (6,))]),
    ("stft_replicate", lambda m, x: m.stft(x, 4, 2, window=m.hann_window(4, dtype=x.dtype),
                                           pad_mode="replicate", return_complex=False),
     [((9,),)]),
    ("stft_circular", lambda m, x: m.stft(x, 4, pad_mode="circular", return_complex=False),
     [((9,),)]),
    ("stft_return_complex_error", lambda m, x: m.stft(x, 4), [((9,),)]),
    ("stft_hop_error", lambda m, x: m.stft(x, 4, 0, return_complex=False), [((9,),)]),
    ("stft_win_length_error", lambda m, x: m.stft(x, 4, win_length=5, return_complex=False),
     [((9,),)]),
    ("stft_window_error", lambda m, x, w: m.stft(x, 4, window=w, return_complex=False),
     [((9,), (3,))]),
    ("stft_ndim_error", lambda m, x: m.stft(x, 2, return_complex=False), [((2, 2, 3),)]),
    ("stft_reflect_error", lambda m, x: m.stft(x, 8, return_complex=False), [((3,),)]),
]]

# issue 12's other differentiable names
_NAN_ROW = V([[1.0, float("nan"), 3.0, 2.0], [float("nan"), float("nan"), 0.5, -1.0]])
# (fill_diagonal_'s node is CopySlices: its name() carries the C++ namespace; compared in
# tests/test_tensor_misc.py)
OPS += [OpInfo(name, fn, shapes, group=group, dtypes=dtypes,
               gradcheck=False if name.endswith(("_error", "_nan")) else None,
               grad_fn_name=not name.startswith("fill_diagonal"))
        for group, name, fn, shapes, dtypes in [
    ("selection", "nanmedian", lambda m, x: m.nanmedian(x), [((3, 4),), ((5,),), ((),)],
     NUMERIC),
    ("selection", "nanmedian_dim", lambda m, x: x.nanmedian(1, keepdim=True),
     [((3, 4),), ((2, 5),)], NUMERIC),
    ("selection", "nanmedian_nan", lambda m, x: (x.nanmedian(), *m.nanmedian(x, -1)),
     [(_NAN_ROW,)], FLOAT),
    ("selection", "nanmedian_all_nan", lambda m, x: m.nanmedian(x * float("nan")),
     [((3,),)], FLOAT),
    ("selection", "nanmedian_empty_error", lambda m, x: x.nanmedian(1), [((2, 0),)], FLOAT),
    ("reduction", "renorm", lambda m, x: x.renorm(2, 0, 1.5), [((3, 4),), ((2, 3, 2),)],
     FLOAT),
    ("reduction", "renorm_p", lambda m, x: (m.renorm(x, 1, 1, 2.0), m.renorm(x, 3, -1, 1.0)),
     [((3, 4),)], FLOAT),
    ("reduction", "renorm_inf", lambda m, x: m.renorm(x, float("inf"), 1, 1.0),
     [((3, 4),)], FLOAT),
    ("reduction", "renorm_inplace", lambda m, x: (x * 1).renorm_(2, 1, 1.0), [((3, 4),)],
     FLOAT),
    ("reduction", "renorm_p_error", lambda m, x: m.renorm(x, 0, 0, 1.0), [((3, 4),)], FLOAT),
    ("reduction", "renorm_ndim_error", lambda m, x: m.renorm(x, 2, 0, 1.0), [((4,),)], FLOAT),
    ("reduction", "renorm_maxnorm_error", lambda m, x: m.renorm(x, 2, 0, -1.0), [((2, 2),)],
     FLOAT),
    ("reduction", "sum_to_size", lambda m, x: (x.sum_to_size(3), x.sum_to_size(1, 3),
                                               x.sum_to_size((2, 1)), x.sum_to_size(2, 3)),
     [((2, 3),)], NUMERIC),
    ("reduction", "sum_to_size_error", lambda m, x: x.sum_to_size(2), [((2, 3),)], FLOAT),
    ("reduction", "cumsum_inplace", lambda m, x: (x * 1).cumsum_(-1), [((3, 4),), ((),)],
     FLOAT),
    ("reduction", "cumprod_inplace", lambda m, x: (x * 1).cumprod_(0), [((3, 4),)], FLOAT),
    ("joining", "gradient", lambda m, x: m.gradient(x), [((3, 4),), ((5,),)], NUMERIC),
    ("joining", "gradient_spacing", lambda m, x: m.gradient(x, spacing=[0.5, 2.0],
                                                          edge_order=2), [((3, 4),)], FLOAT),
    ("joining", "gradient_dim", lambda m, x: m.gradient(x, spacing=3, dim=-1),
     [((2, 3, 4),)], FLOAT),
    ("joining", "gradient_size_error", lambda m, x: m.gradient(x, edge_order=2), [((2, 4),)],
     FLOAT),
    ("joining", "gradient_spacing_error", lambda m, x: m.gradient(x, spacing=[1.0, 2.0],
                                                                dim=0), [((2, 4),)], FLOAT),
    ("joining", "dsplit", lambda m, x: m.dsplit(x, 2), [((2, 1, 4),)], NUMERIC),
    ("joining", "dsplit_indices", lambda m, x: x.dsplit([1, 3]), [((1, 2, 5, 2),)], FLOAT),
    ("joining", "dsplit_error", lambda m, x: m.dsplit(x, 2), [((2, 4),)], FLOAT),
    ("joining", "unsafe_split", lambda m, x: m.unsafe_split(x, 2, 1), [((3, 5),)], NUMERIC),
    ("joining", "unsafe_split_inplace", lambda m, x: x.unsafe_split(2)[0].mul_(2),
     [((3, 2),)], FLOAT),
    ("joining", "unsafe_chunk", lambda m, x: x.unsafe_chunk(3), [((5, 2),), ((6,),)], FLOAT),
    ("joining", "unsafe_split_error", lambda m, x: m.unsafe_split(x, 0), [((3, 2),)], FLOAT),
    ("joining", "unsafe_split_with_sizes", lambda m, x: m.unsafe_split_with_sizes(x, [1, 0, 3], 1),
     [((2, 4),)], NUMERIC),
    ("joining", "unsafe_split_with_sizes_method", lambda m, x: x.unsafe_split_with_sizes([2, 1]),
     [((3, 2),)], FLOAT),
    ("joining", "unsafe_split_with_sizes_sum_error", lambda m, x:
        m.unsafe_split_with_sizes(x, [2, 2]), [((5,),)], FLOAT),
    ("joining", "unsafe_split_with_sizes_negative_error", lambda m, x:
        m.unsafe_split_with_sizes(x, [6, -1]), [((5,),)], FLOAT),
    ("indexing", "fill", lambda m, x: m.fill(x, 2.5), [((2, 3),), ((),)], ALL_REAL),
    ("indexing", "fill_tensor", lambda m, x, v: m.fill(x, v), [((2, 3), ())], FLOAT),
    ("indexing", "fill_error", lambda m, x, v: m.fill(x, v), [((2, 3), (2,))], FLOAT),
    ("indexing", "fill_diagonal", lambda m, x: (x * 1).fill_diagonal_(-1.0),
     [((3, 4),), ((4, 3),), ((2, 2, 2),)], NUMERIC),
    ("indexing", "fill_diagonal_wrap", lambda m, x: (x * 1).fill_diagonal_(0.5, wrap=True),
     [((7, 3),)], FLOAT),
    ("indexing", "fill_diagonal_error", lambda m, x: x.fill_diagonal_(0), [((2, 3, 2),), ((3,),)],
     FLOAT),
    ("matrix", "diagflat", lambda m, x: (m.diagflat(x), x.diagflat(-1), x.diagflat(2)),
     [((2, 2),), ((3,),), ((),)], NUMERIC),
    ("shape", "as_subclass", lambda m, x: x.as_subclass(m.Tensor) * 2, [((2, 3),)], FLOAT),
    ("shape", "unfold", lambda m, x: x.unfold(1, 2, 1), [((3, 4),), ((2, 5, 2),)], NUMERIC),
    ("shape", "unfold_step", lambda m, x: (x.unfold(0, 3, 2), x.unfold(-1, 1, 3),
                                           x.unfold(0, 0, 1)), [((7,),)], FLOAT),
    ("shape", "unfold_0d", lambda m, x: x.unfold(0, 1, 1) * 2, [((),)], FLOAT),
    ("shape", "unfold_size_error", lambda m, x: x.unfold(0, 8, 1), [((7,),)], FLOAT),
    ("shape", "unfold_step_error", lambda m, x: x.unfold(0, 2, 0), [((7,),)], FLOAT),
    ("shape", "unfold_negative_error", lambda m, x: x.unfold(0, -1, 1), [((7,),)], FLOAT),
]]
# coordinates: cumulative sums of positive steps, so they increase
OPS.append(OpInfo("gradient_coordinates", lambda m, x, c: m.gradient(
    x, spacing=(m.cumsum(c, 0),), dim=1, edge_order=2), [((2, 5), (5,))],
    [(-2.0, 2.0), (0.5, 1.5)], FLOAT, group="joining"))

# floating-point representation (issue 12): frexp's mantissa, ldexp, nextafter
_POWERS = V([8.0, -0.375, 0.0, 1.0, 3.0, -1e-3])  # exact powers of two and in between
OPS += [OpInfo(name, fn, shapes, group="floating", dtypes=dtypes,
               gradcheck=False if name.endswith(("_error", "_at")) else None)
        for name, fn, shapes, dtypes in [
    ("frexp", lambda m, x: m.frexp(x), [((2, 3),), ((),)], FLOAT),
    ("frexp_at", lambda m, x: m.frexp(x), [(_POWERS,)], FLOAT),  # the mantissa jumps there
    ("frexp_method", lambda m, x: x.frexp().mantissa * 2, [((4,),)], FLOAT),
    ("frexp_integer_error", lambda m, x: m.frexp(x), [((3,),)], ("int64",)),
    ("ldexp", lambda m, x: m.ldexp(x, m.tensor([3, 1, 0])), [((2, 3),), ((3,),)],
     NUMERIC),
    # PyTorch's gradient takes 2**other in integers: 0 for a negative integer exponent
    ("ldexp_negative_at", lambda m, x: m.ldexp(x, m.tensor([-1, 2, -3], dtype=m.int32)),
     [((3,),)], FLOAT),
    ("ldexp_float_exponent", lambda m, x, e: m.ldexp(x, e), BINARY_SHAPES[:3], FLOAT),
    ("ldexp_inplace", lambda m, x: (x * 1).ldexp_(m.tensor(2)), [((2, 3),)], FLOAT),
    ("ldexp_number_error", lambda m, x: m.ldexp(x, 2), [((3,),)], FLOAT),
    ("nextafter", lambda m, x, y: m.nextafter(x, y), BINARY_SHAPES[:3], FLOAT),
    ("nextafter_at", lambda m, x, y: x.nextafter(y), [(V([1.0, 0.0, -2.0]),
                                                      V([1.0, 0.0, 3.0]))], FLOAT),
    ("nextafter_inplace", lambda m, x, y: (x * 1).nextafter_(y), [((2, 3), (3,))], FLOAT),
    ("nextafter_integer_error", lambda m, x, y: m.nextafter(x, y), [((3,), (3,))],
     ("int64",)),
]]

# Issue 12's exactness problems: the values, gradients and errors where chainrule differed
# from PyTorch (a logcumsumexp that lost the small term, no gradient for copysign's other,
# cumprod's backward over an empty dimension, ops PyTorch has no bool kernel for).
# Rows ending in _at sit on a jump (copysign where other is 0) or at infinities: compared
# with PyTorch, not with finite differences.
OPS += [OpInfo(name, fn, shapes, group=group, dtypes=dtypes,
               gradcheck=False if name.endswith(("_error", "_at")) else None)
        for group, name, fn, shapes, dtypes in [
    ("reduction", "logcumsumexp", lambda m, x: m.logcumsumexp(x, -1),
     [((3, 4),), ((5,),), ((),), ((2, 0),)], NUMERIC),
    ("reduction", "logcumsumexp_far_apart", lambda m, x: (x.logcumsumexp(0), x.logcumsumexp(-1)),
     [(V([0.0, 100.0]),), (V([[-1e4, 5.0], [0.0, 3.0]]),)], FLOAT),
    ("reduction", "logcumsumexp_infinite_at", lambda m, x: x.logcumsumexp(0),
     [(V([float("-inf"), float("-inf"), 1.0, float("inf")]),)], FLOAT),
    ("reduction", "cumprod_empty_dim", lambda m, x: (m.cumprod(x, 1), x.cumprod(0)),
     [((2, 0),), ((0, 3),)], FLOAT),
    ("pointwise", "copysign", lambda m, x, y: m.copysign(x, y), BINARY_SHAPES, FLOAT),
    ("pointwise", "copysign_number", lambda m, x: m.copysign(x, -1.5), [((2, 3),), ((),)],
     NUMERIC),
    ("pointwise", "copysign_at", lambda m, x, y: x.copysign(y),
     [(V([0.0, -0.0, 2.0, -1.0]), V([-1.0, 1.0, -0.0, 0.0]))], FLOAT),
    ("reduction", "cumsum_0d_dim_error", lambda m, x: m.cumsum(x, 1), [((),)], FLOAT),
    ("reduction", "cumprod_0d_dim_error", lambda m, x: m.cumprod(x, 1), [((),)], FLOAT),
    ("reduction", "logcumsumexp_0d_dim_error", lambda m, x: x.logcumsumexp(-2), [((),)],
     FLOAT),
    ("pointwise", "floor_divide_bool_error", lambda m, x, y: x // y, [((3,), (3,))], ("bool",)),
    ("pointwise", "remainder_bool_error", lambda m, x, y: x % y, [((3,), (3,))], ("bool",)),
    ("pointwise", "fmod_bool_error", lambda m, x: m.fmod(x, True), [((3,),)], ("bool",)),
    ("pointwise", "pow_bool_error", lambda m, x, y: x ** y, [((3,), ())], ("bool",)),
    ("pointwise", "pow_bool_number", lambda m, x: (x ** True, x ** False, x ** 2),
     [((3,),)], ("bool",)),
    ("pointwise", "div_rounding_mode_error",
     lambda m, x: m.div(x, 2, rounding_mode="typo"), [((3,),)], FLOAT),
]]

BY_NAME = {op.name: op for op in OPS}
assert len(BY_NAME) == len(OPS), "op names in the table must be unique"


def ops_in(group: str) -> list:
    return [op for op in OPS if op.group == group]


# --- running one row against PyTorch ---------------------------------------------------

def _as_tuple(out) -> tuple:
    return out if isinstance(out, tuple) else (out,)


def _tolerances(op: OpInfo, dtype: str) -> tuple:
    if dtype == "float64":
        return op.rtol * 1e-4, op.atol * 1e-5
    return op.rtol, op.atol


def compare_with_torch(op: OpInfo, dtype: str) -> None:
    """Every input case of ``op`` in ``dtype``: same values, dtype, shape, grad_fn name,
    gradients and exception type as PyTorch."""
    import torch

    import chainrule as cr
    from helpers import assert_same

    rtol, atol = _tolerances(op, dtype)
    for case, shapes in enumerate(op.shapes):
        where = f"{op.name} {dtype} shapes={shapes}"
        arrays = make_inputs(op, shapes, dtype, seed=case)
        grad = op.differentiable and dtype in FLOAT
        theirs_in = [torch.from_numpy(a.copy()).requires_grad_(grad) for a in arrays]
        ours_in = [cr.from_numpy(a.copy()).requires_grad_(grad) for a in arrays]
        try:
            theirs = _as_tuple(op.fn(torch, *theirs_in))
        except Exception as e:  # the same call must fail the same way
            try:
                op.fn(cr, *ours_in)
            except Exception as ours_e:
                assert isinstance(ours_e, type(e)), (where, repr(e), repr(ours_e))
                continue
            raise AssertionError(f"{where}: torch raised {e!r}, chainrule did not") from None
        assert not op.name.endswith("_error"), f"{where}: PyTorch raised nothing"
        ours = _as_tuple(op.fn(cr, *ours_in))
        assert len(ours) == len(theirs), where
        for o, t in zip(ours, theirs):
            try:
                assert_same(o, t, rtol=rtol, atol=atol)
            except AssertionError as e:
                raise AssertionError(f"{where}: {e}") from None
            assert o.requires_grad == t.requires_grad, (where, o.requires_grad)
            if t.grad_fn is not None and op.grad_fn_name:
                assert o.grad_fn.name() == type(t.grad_fn).__name__, (where, o.grad_fn.name(),
                                                                 type(t.grad_fn).__name__)
                assert _edges(o.grad_fn, ours_in) == _edges(t.grad_fn, theirs_in), where
        if not grad:
            continue
        pairs = [(o, t) for o, t in zip(ours, theirs) if t.requires_grad]
        if not pairs:
            continue
        rng = np.random.default_rng(100 + case)
        seeds = [rng.standard_normal(t.shape).astype(dtype) for _, t in pairs]
        t_grads = torch.autograd.grad([t for _, t in pairs], theirs_in,
                                      [torch.from_numpy(s) for s in seeds], allow_unused=True)
        o_grads = cr.autograd.grad([o for o, _ in pairs], ours_in,
                                   [cr.from_numpy(s.copy()) for s in seeds], allow_unused=True)
        for i, (og, tg) in enumerate(zip(o_grads, t_grads)):
            try:
                assert_same(og, tg, rtol=rtol, atol=atol)
            except AssertionError as e:
                raise AssertionError(f"{where}: gradient of input {i}: {e}") from None
        if dtype == "float64" and any(isinstance(s, V) for s in shapes):
            _compare_second_derivatives(op, pairs, seeds, ours_in, theirs_in, where)


def _edges(node, inputs) -> list:
    """A node's next_functions as comparable names: the input's position for a leaf's
    AccumulateGrad, the node's name otherwise (PyTorch's edge order is part of the graph)."""
    names = []
    for fn, _ in node.next_functions:
        variable = getattr(fn, "variable", None)
        if variable is not None:
            names.append(next((i for i, x in enumerate(inputs) if x is variable), "leaf"))
        else:
            names.append(None if fn is None else fn.name())
    return names


def _compare_second_derivatives(op, pairs, seeds, ours_in, theirs_in, where) -> None:
    """At explicit points (kinks, ties, branch points), second derivatives as PyTorch's:
    gradgradcheck's random points cannot see a rule whose branch is flat in second order."""
    import torch

    import chainrule as cr
    from helpers import assert_same

    # The outputs again: the first comparison's backward has freed their graphs.
    pairs = [(o, t) for o, t in zip(_as_tuple(op.fn(cr, *ours_in)),
                                    _as_tuple(op.fn(torch, *theirs_in))) if t.requires_grad]
    t_first = torch.autograd.grad([t for _, t in pairs], theirs_in,
                                  [torch.from_numpy(s) for s in seeds], create_graph=True,
                                  allow_unused=True)
    o_first = cr.autograd.grad([o for o, _ in pairs], ours_in,
                               [cr.from_numpy(s.copy()) for s in seeds], create_graph=True,
                               allow_unused=True)
    for i, (og, tg) in enumerate(zip(o_first, t_first)):
        if tg is None or not tg.requires_grad:
            continue
        t_second = torch.autograd.grad(tg.sum(), theirs_in, allow_unused=True,
                                       retain_graph=True)
        o_second = cr.autograd.grad(og.sum(), ours_in, allow_unused=True, retain_graph=True)
        for j, (o2, t2) in enumerate(zip(o_second, t_second)):
            if t2 is None:  # PyTorch's first derivative does not depend on input j
                continue
            if t2._is_zerotensor():  # PyTorch's symbolic zero
                t2 = torch.zeros_like(t2)
            try:
                assert_same(o2, t2, rtol=1e-7, atol=1e-10)
            except AssertionError as e:
                raise AssertionError(f"{where}: d/d(input {j}) of gradient {i}: {e}") from None


def check_gradients(op: OpInfo) -> None:
    """gradcheck and gradgradcheck in float64 against finite differences, every case."""
    import chainrule as cr
    from chainrule.autograd import gradcheck, gradgradcheck

    for case, shapes in enumerate(op.shapes):
        arrays = make_inputs(op, shapes, "float64", seed=case)
        inputs = tuple(cr.from_numpy(a.copy()).requires_grad_(True) for a in arrays)

        def f(*xs):
            return tuple(o for o in _as_tuple(op.fn(cr, *xs)) if o.dtype.is_floating_point)

        assert gradcheck(f, inputs, eps=1e-6, atol=1e-5, rtol=1e-3), (op.name, shapes)
        if op.gradgrad:
            assert gradgradcheck(f, inputs, eps=1e-6, atol=1e-5, rtol=1e-3), (op.name, shapes)
