"""``out=`` on every function PyTorch gives it, against PyTorch: values, dtype rules, resizing
(and its warning), the returned object, and the refusal when autograd would be needed."""
from __future__ import annotations

import math
import warnings

import numpy as np
import pytest

import chainrule as cr
from both_libraries import same_verdict
from helpers import torch_or_skip


def A(L, *shape, dtype=None):
    """Deterministic values in (0.1, 0.9) of the given shape."""
    t = (L.arange(math.prod(shape), dtype=L.float64) * 0.37 % 0.8 + 0.1).reshape(shape)
    return t.to(dtype or L.float32)


def I(L, *shape):  # noqa: E743 - integer values in 0..4
    return (L.arange(math.prod(shape)) * 7 % 5).reshape(shape)


def named(call, names: str) -> dict:
    return {n: call(n) for n in names.split()}


def unary(name):
    return lambda L, o: getattr(L, name)(A(L, 2, 3), out=o)


def compared(name):
    return lambda L, o: getattr(L, name)(A(L, 2, 3), 0.5, out=o)


def signed(name):
    return lambda L, o: getattr(L, name)(A(L, 2, 3) - 0.5, out=o)


def logical(name):
    return lambda L, o: getattr(L, name)(A(L, 2, 3) > 0.5, A(L, 3) > 0.3, out=o)


# name -> a call of it with out=o; several spellings where the rule depends on the overload.
CALLS = {
  # pointwise
  "add": lambda L, o: L.add(A(L, 2, 3), A(L, 3), alpha=2, out=o),
  "sub": lambda L, o: L.sub(A(L, 2, 3), 1.5, out=o),
  "mul": lambda L, o: L.mul(A(L, 2, 3), A(L, 2, 3), out=o),
  "mul_int": lambda L, o: L.mul(I(L, 2, 3), 3, out=o),
  "div": lambda L, o: L.div(A(L, 2, 3), 0.3, out=o),
  "div_int": lambda L, o: L.div(I(L, 2, 3), 2, out=o),
  "div_floor": lambda L, o: L.div(I(L, 2, 3), 2, rounding_mode="floor", out=o),
  "true_divide": lambda L, o: L.true_divide(A(L, 2, 3), 2, out=o),
  "floor_divide": lambda L, o: L.floor_divide(A(L, 2, 3), 0.3, out=o),
  "remainder": lambda L, o: L.remainder(A(L, 2, 3), 0.3, out=o),
  "fmod": lambda L, o: L.fmod(A(L, 2, 3), 0.3, out=o),
  "pow": lambda L, o: L.pow(A(L, 2, 3), 2, out=o),
  "pow_tensor": lambda L, o: L.pow(A(L, 2, 3), A(L, 2, 3), out=o),
  "pow_base": lambda L, o: L.pow(2, A(L, 2, 3), out=o),
  "square": lambda L, o: L.square(A(L, 2, 3), out=o),
  "float_power": lambda L, o: L.float_power(A(L, 2, 3), 2, out=o),
  "addcmul": lambda L, o: L.addcmul(A(L, 2, 3), A(L, 2, 3), A(L, 2, 3), value=0.5, out=o),
  "addcdiv": lambda L, o: L.addcdiv(A(L, 2, 3), A(L, 2, 3), A(L, 2, 3), out=o),
  **named(unary, "exp exp2 expm1 log log2 log10 log1p sqrt rsqrt sin cos tan asin arcsin acos "
                 "arccos atan arctan sinh cosh tanh sigmoid erf reciprocal asinh arcsinh atanh "
                 "arctanh erfc erfinv lgamma digamma neg negative abs absolute sign sgn floor "
                 "ceil trunc fix frac round deg2rad rad2deg logit sinc nan_to_num"),
  "exp_int": lambda L, o: L.exp(I(L, 2, 3), out=o),
  "abs_int": lambda L, o: L.abs(I(L, 2, 3) - 2, out=o),
  "acosh": lambda L, o: L.acosh(A(L, 2, 3) + 1, out=o),
  "round_decimals": lambda L, o: L.round(A(L, 2, 3), decimals=1, out=o),
  "atan2": lambda L, o: L.atan2(A(L, 2, 3), A(L, 3), out=o),
  "arctan2": lambda L, o: L.arctan2(A(L, 2, 3), A(L, 3), out=o),
  "clamp": lambda L, o: L.clamp(A(L, 2, 3), 0.2, 0.6, out=o),
  "clip": lambda L, o: L.clip(A(L, 2, 3), max=0.6, out=o),
  "clamp_min": lambda L, o: L.clamp_min(A(L, 2, 3), 0.3, out=o),
  "clamp_max": lambda L, o: L.clamp_max(A(L, 2, 3), 0.3, out=o),
  "maximum": lambda L, o: L.maximum(A(L, 2, 3), A(L, 3), out=o),
  "minimum": lambda L, o: L.minimum(A(L, 2, 3), A(L, 3), out=o),
  "fmax": lambda L, o: L.fmax(A(L, 2, 3), A(L, 3), out=o),
  "fmin": lambda L, o: L.fmin(A(L, 2, 3), A(L, 3), out=o),
  "lerp": lambda L, o: L.lerp(A(L, 2, 3), A(L, 3), 0.3, out=o),
  "where": lambda L, o: L.where(A(L, 2, 3) > 0.5, A(L, 2, 3), A(L, 3), out=o),
  "hypot": lambda L, o: L.hypot(A(L, 2, 3), A(L, 3), out=o),
  "logaddexp": lambda L, o: L.logaddexp(A(L, 2, 3), A(L, 3), out=o),
  "logaddexp2": lambda L, o: L.logaddexp2(A(L, 2, 3), A(L, 3), out=o),
  "xlogy": lambda L, o: L.xlogy(A(L, 2, 3), A(L, 3), out=o),
  "copysign": lambda L, o: L.copysign(A(L, 2, 3), -1.0, out=o),
  "heaviside": lambda L, o: L.heaviside(A(L, 2, 3) - 0.5, A(L, 3), out=o),
  # comparison
  **named(compared, "eq ne lt le gt ge greater greater_equal less less_equal not_equal"),
  **named(signed, "isposinf isneginf logical_not signbit"),
  **named(logical, "logical_and logical_or logical_xor"),
  "isin": lambda L, o: L.isin(I(L, 2, 3), L.tensor([1, 3]), out=o),
  # reduction
  "sum": lambda L, o: L.sum(A(L, 2, 3), 1, out=o),
  "sum_keepdim": lambda L, o: L.sum(A(L, 2, 3), (0, 1), keepdim=True, out=o),
  "sum_int": lambda L, o: L.sum(I(L, 2, 3), 0, out=o),
  "prod": lambda L, o: L.prod(A(L, 2, 3) * 3, 1, out=o),
  "nansum": lambda L, o: L.nansum(A(L, 2, 3), 1, out=o),
  "mean": lambda L, o: L.mean(A(L, 2, 3), 1, out=o),
  "nanmean": lambda L, o: L.nanmean(A(L, 2, 3), 1, out=o),
  "amax": lambda L, o: L.amax(A(L, 2, 3), 1, out=o),
  "amin": lambda L, o: L.amin(A(L, 2, 3), 0, out=o),
  "max_all": lambda L, o: L.max(A(L, 2, 3), out=o),
  "max_dim": lambda L, o: L.max(A(L, 2, 3), 1, out=o),
  "min_dim": lambda L, o: L.min(A(L, 2, 3), 0, keepdim=True, out=o),
  "argmax": lambda L, o: L.argmax(A(L, 2, 3), 1, out=o),
  "argmin": lambda L, o: L.argmin(A(L, 2, 3), out=o),
  "var": lambda L, o: L.var(A(L, 2, 3), 1, out=o),
  "std": lambda L, o: L.std(A(L, 2, 3), 1, correction=0, out=o),
  "norm": lambda L, o: L.norm(A(L, 2, 3), dim=1, out=o),
  "logsumexp": lambda L, o: L.logsumexp(A(L, 2, 3), 1, out=o),
  "cumsum": lambda L, o: L.cumsum(A(L, 2, 3) * 3, 1, out=o),
  "cumprod": lambda L, o: L.cumprod(A(L, 2, 3) * 3, 1, out=o),
  "all": lambda L, o: L.all(A(L, 2, 3) > 0.2, 1, out=o),
  "any": lambda L, o: L.any(A(L, 2, 3) > 0.5, 1, out=o),
  "softmax": lambda L, o: L.softmax(A(L, 2, 3), 1, out=o),
  "log_softmax": lambda L, o: L.log_softmax(A(L, 2, 3), 1, out=o),
  "logcumsumexp": lambda L, o: L.logcumsumexp(A(L, 2, 3), 1, out=o),
  "aminmax": lambda L, o: L.aminmax(A(L, 2, 3), dim=1, out=o),
  # matrix
  "dot": lambda L, o: L.dot(A(L, 3), A(L, 3), out=o),
  "vdot": lambda L, o: L.vdot(A(L, 3), A(L, 3), out=o),
  "inner": lambda L, o: L.inner(A(L, 2, 3), A(L, 3), out=o),
  "mv": lambda L, o: L.mv(A(L, 2, 3), A(L, 3), out=o),
  "mm": lambda L, o: L.mm(A(L, 2, 3), A(L, 3, 4), out=o),
  "mm_int": lambda L, o: L.mm(I(L, 2, 3), I(L, 3, 4), out=o),
  "bmm": lambda L, o: L.bmm(A(L, 2, 2, 3), A(L, 2, 3, 4), out=o),
  "matmul": lambda L, o: L.matmul(A(L, 2, 3), A(L, 3, 4), out=o),
  "matmul_1d": lambda L, o: L.matmul(A(L, 3), A(L, 3), out=o),
  "matmul_batched": lambda L, o: L.matmul(A(L, 2, 2, 3), A(L, 3), out=o),
  "outer": lambda L, o: L.outer(A(L, 2), A(L, 3), out=o),
  "ger": lambda L, o: L.ger(A(L, 2), A(L, 3), out=o),
  "addmm": lambda L, o: L.addmm(A(L, 4), A(L, 2, 3), A(L, 3, 4), beta=0.5, out=o),
  "baddbmm": lambda L, o: L.baddbmm(A(L, 2, 2, 4), A(L, 2, 2, 3), A(L, 2, 3, 4), out=o),
  "addmv": lambda L, o: L.addmv(A(L, 2), A(L, 2, 3), A(L, 3), out=o),
  "addbmm": lambda L, o: L.addbmm(A(L, 2, 4), A(L, 2, 2, 3), A(L, 2, 3, 4), out=o),
  "addr": lambda L, o: L.addr(A(L, 2, 3), A(L, 2), A(L, 3), out=o),
  "kron": lambda L, o: L.kron(A(L, 2, 2), A(L, 2, 3), out=o),
  "cross": lambda L, o: L.cross(A(L, 2, 3), A(L, 2, 3) + 1, dim=1, out=o),
  "diag": lambda L, o: L.diag(A(L, 3), out=o),
  "inverse": lambda L, o: L.inverse(A(L, 3, 3) + 3 * L.eye(3), out=o),
  "tensordot": lambda L, o: L.tensordot(A(L, 2, 3), A(L, 3, 4), dims=1, out=o),
  # shape
  "tril": lambda L, o: L.tril(A(L, 3, 3), out=o),
  "triu": lambda L, o: L.triu(A(L, 3, 3), 1, out=o),
  # joining
  "cat": lambda L, o: L.cat([A(L, 2, 3), A(L, 1, 3)], out=o),
  "cat_int": lambda L, o: L.cat([I(L, 2, 3), I(L, 1, 3)], out=o),
  "concat": lambda L, o: L.concat([A(L, 2, 3), A(L, 2, 3)], 1, out=o),
  "concatenate": lambda L, o: L.concatenate([A(L, 2, 3), A(L, 2, 3)], 1, out=o),
  "stack": lambda L, o: L.stack([A(L, 2, 3), A(L, 2, 3)], out=o),
  "hstack": lambda L, o: L.hstack([A(L, 2, 3), A(L, 2, 3)], out=o),
  "vstack": lambda L, o: L.vstack([A(L, 3), A(L, 3)], out=o),
  "column_stack": lambda L, o: L.column_stack([A(L, 3), A(L, 3)], out=o),
  "dstack": lambda L, o: L.dstack([A(L, 3), A(L, 3)], out=o),
  "diff": lambda L, o: L.diff(A(L, 2, 3), out=o),
  # indexing
  "gather": lambda L, o: L.gather(A(L, 2, 3), 1, L.tensor([[0, 2], [1, 1]]), out=o),
  "index_select": lambda L, o: L.index_select(A(L, 2, 3), 1, L.tensor([2, 0]), out=o),
  "take_along_dim": lambda L, o: L.take_along_dim(A(L, 2, 3), L.tensor([[0], [2]]), 1, out=o),
  "masked_select": lambda L, o: L.masked_select(A(L, 2, 3), A(L, 2, 3) > 0.5, out=o),
  "take": lambda L, o: L.take(A(L, 2, 3), L.tensor([0, 5]), out=o),
  "scatter": lambda L, o: L.scatter(A(L, 2, 3), 1, L.tensor([[0], [2]]), A(L, 2, 1), out=o),
  "scatter_add": lambda L, o: L.scatter_add(A(L, 2, 3), 1, L.tensor([[0], [2]]), A(L, 2, 1), out=o),
  "index_add": lambda L, o: L.index_add(A(L, 2, 3), 1, L.tensor([0, 2]), A(L, 2, 2), out=o),
  "index_copy": lambda L, o: L.index_copy(A(L, 2, 3), 1, L.tensor([0, 2]), A(L, 2, 2), out=o),
  # selection
  "sort": lambda L, o: L.sort(A(L, 2, 3), 1, out=o),
  "msort": lambda L, o: L.msort(A(L, 2, 3), out=o),
  "topk": lambda L, o: L.topk(A(L, 2, 3), 2, out=o),
  "kthvalue": lambda L, o: L.kthvalue(A(L, 2, 3), 2, 1, out=o),
  "median_dim": lambda L, o: L.median(A(L, 2, 3), 1, out=o),
  "mode": lambda L, o: L.mode(I(L, 2, 3), 1, out=o),
  "cummax": lambda L, o: L.cummax(A(L, 2, 3), 1, out=o),
  "cummin": lambda L, o: L.cummin(A(L, 2, 3), 1, out=o),
  "nonzero": lambda L, o: L.nonzero(A(L, 2, 3) > 0.5, out=o),
  "searchsorted": lambda L, o: L.searchsorted(L.tensor([0.1, 0.5, 0.9]), A(L, 2, 3), out=o),
  "bucketize": lambda L, o: L.bucketize(A(L, 2, 3), L.tensor([0.1, 0.5, 0.9]), out=o),
  "quantile": lambda L, o: L.quantile(A(L, 2, 3), 0.3, dim=1, out=o),
  "nanquantile": lambda L, o: L.nanquantile(A(L, 2, 3), 0.3, dim=1, out=o),
  # creation
  "zeros": lambda L, o: L.zeros(2, 3, out=o),
  "ones": lambda L, o: L.ones((2, 3), out=o),
  "full": lambda L, o: L.full((2, 3), 1.5, out=o),
  "arange": lambda L, o: L.arange(6, out=o),
  "arange_float": lambda L, o: L.arange(0, 1, 0.25, out=o),
  "linspace": lambda L, o: L.linspace(0, 1, 6, out=o),
  "logspace": lambda L, o: L.logspace(0, 1, 6, out=o),
  "eye": lambda L, o: L.eye(2, 3, out=o),
}
# Random numbers: compared by shape and dtype only.
RANDOM = {
  "rand": lambda L, o: L.rand(2, 3, out=o),
  "randn": lambda L, o: L.randn(2, 3, out=o),
  "randint": lambda L, o: L.randint(0, 5, (2, 3), out=o),
  "randperm": lambda L, o: L.randperm(6, out=o),
}

DTYPES = ["float64", "float16", "int64", "int32", "bool", "uint8"]

# Where chainrule words an error otherwise than PyTorch does (matmul names the kernel it
# dispatches to, diag and median quirks), the exception's type is compared; where PyTorch's
# warning names the shape of an intermediate (kthvalue, mode) or it gives none (addbmm),
# the warnings are not compared.
MESSAGE_DIFFERS = {"matmul_1d", "matmul_batched", "diag", "median_dim"}
WARNING_DIFFERS = {"addbmm", "kthvalue", "mode"}


def outcome(lib, name, out_dtype=None, shape=(0,)):
    """What ``CALLS[name]`` does with an out of this dtype (None: the result's) and shape:
    (verdict, values) where the verdict is the exception (type, message) or what came back."""
    call = CALLS.get(name) or RANDOM[name]
    plain = call(lib, None)
    results = plain if isinstance(plain, tuple) else (plain,)
    outs = tuple(lib.zeros(shape, dtype=getattr(lib, out_dtype) if out_dtype and k == 0
                           else r.dtype) for k, r in enumerate(results))
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        try:
            got = call(lib, outs if isinstance(plain, tuple) else outs[0])
        except Exception as e:  # the exception is the outcome compared
            return (type(e).__name__, str(e).split(" Fix:")[0].splitlines()[0]), None
    got_all = got if isinstance(got, tuple) else (got,)
    kind = type(got).__name__ if isinstance(got, tuple) else "Tensor"
    if hasattr(got, "_name") or type(got).__module__.startswith("torch.return_types"):
        kind = repr(got).splitlines()[0]
    said = [str(w.message).split(" (Triggered internally")[0] for w in caught]
    verdict = ("returned", kind, [g is o for g, o in zip(got_all, outs)],
               [str(g.dtype) for g in got_all], [tuple(g.shape) for g in got_all],
               said)
    values = None if name in RANDOM else [g.numpy().astype(np.float64) for g in got_all]
    return verdict, values


def same_outcome(name, **kwargs):
    torch = torch_or_skip()
    ours, our_values = outcome(cr, name, **kwargs)
    theirs, their_values = outcome(torch, name, **kwargs)
    if name in WARNING_DIFFERS:  # the warnings come last in what returned
        ours, theirs = (v[:-1] if v[0] == "returned" else v for v in (ours, theirs))
    if ours[0] == "returned" or theirs[0] == "returned":
        assert ours == theirs, (ours, theirs)
    else:
        assert ours[0] == theirs[0], (ours, theirs)
        assert name in MESSAGE_DIFFERS or ours[1].startswith(theirs[1]), (ours, theirs)
    if our_values is not None and their_values is not None:
        for a, b in zip(our_values, their_values):
            np.testing.assert_allclose(a, b, rtol=2e-3, atol=1e-3)


@pytest.mark.parametrize("name", list(CALLS) + list(RANDOM))
def test_out_of_the_result_dtype(name):
    same_outcome(name)  # an empty out: resized without a warning
    same_outcome(name, shape=(7,))  # an out with elements: resized, with PyTorch's warning


@pytest.mark.parametrize("name", list(CALLS) + list(RANDOM))
def test_out_dtype_rules(name):
    for dtype in DTYPES:
        same_outcome(name, out_dtype=dtype)


def test_writes_into_the_memory_of_out():
    def scenario(lib):
        base = lib.zeros(3, 2, 2)
        x = lib.ones(2, 2)
        version = base._version
        y = lib.mul(x, 3, out=base[0])
        again = lib.mul(y, 2, out=y)  # an input may be the out
        bigger = lib.zeros(6)
        view = bigger.view(2, 3)
        lib.add(lib.ones(4), 1, out=bigger)  # resized within its own memory
        return (base.tolist(), base._version > version, again is y, view.tolist(),
                bigger.tolist())
    same_verdict(scenario)


def test_expanded_out_is_refused():
    same_verdict(lambda lib: lib.exp(lib.ones(2, 2), out=lib.zeros(2).expand(2, 2)))


@pytest.mark.parametrize("call", [
    "torch.mul(a, b, out=x)", "torch.mul(a.detach(), 2, out=x.requires_grad_())",
    "torch.cat([a, b], out=x)", "torch.matmul(a, b, out=x)", "torch.sum(a, 0, out=x)",
    "torch.max(a, 0, out=(x, torch.zeros(2, dtype=torch.long)))",
    "torch.zeros(2, out=x.requires_grad_())", "torch.neg(a, out=x)",
])
def test_refused_where_autograd_would_be_needed(call):
    def scenario(lib):
        env = {"torch": lib, "a": lib.ones(2, 2, requires_grad=True),
               "b": lib.ones(2, 2, requires_grad=True), "x": lib.zeros(2, 2)}
        return eval(call, env)
    same_verdict(scenario)

    def no_grad(lib):  # allowed under no_grad, where nothing is recorded
        env = {"torch": lib, "a": lib.ones(2, 2, requires_grad=True),
               "b": lib.ones(2, 2, requires_grad=True), "x": lib.zeros(2, 2)}
        with lib.no_grad():
            r = eval(call, env)
        r = r if isinstance(r, tuple) else (r,)
        return [(t.tolist(), t.requires_grad, t.grad_fn is None) for t in r]
    same_verdict(no_grad)


def test_refused_with_forward_ad():
    def scenario(lib, into_dual):
        fwAD = lib.autograd.forward_ad
        with fwAD.dual_level():
            dual = fwAD.make_dual(lib.ones(2), lib.ones(2))
            plain = lib.ones(2)
            return lib.add(plain, plain, out=dual) if into_dual else lib.add(dual, plain,
                                                                             out=plain)
    same_verdict(lambda lib: scenario(lib, True))
    same_verdict(lambda lib: scenario(lib, False))


def test_factory_keyword_details():
    same_verdict(lambda lib: lib.zeros(2, dtype=lib.float32, out=lib.ones(3, dtype=lib.long)))
    same_verdict(lambda lib: repr(lib.zeros(2, out=lib.ones(2), requires_grad=True)))
    same_verdict(lambda lib: lib.mul(lib.ones(2), 2, out=[1]))


def test_methods_take_no_out():
    same_verdict(lambda lib: lib.ones(2).add(1, out=lib.zeros(2)))
    same_verdict(lambda lib: lib.ones(2).sum(0, out=lib.zeros(())))


@pytest.mark.parametrize("call", [
    lambda out: cr.exp(cr.ones(3), out=out),                 # a one-argument function
    lambda out: cr.dot(cr.ones(3), cr.ones(3), out=out),     # a function taking out= itself
    lambda out: cr.add(cr.ones(3), 1, out=out),              # out_variant's wrapper
])
def test_the_resize_warning_names_the_callers_line(call):
    # As PyTorch's warning does: the line that passed out=, not one inside chainrule.
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        call(cr.zeros(2))
    assert [w.filename for w in caught] == [__file__]
