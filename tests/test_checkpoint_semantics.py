"""utils.checkpoint against PyTorch's: warnings, structures, hooks, recomputation counts,
determinism checks and GraphExecGroup.

Every scenario runs with chainrule and with PyTorch (both_libraries.same_verdict).
"""
from __future__ import annotations

import warnings

import numpy as np
import pytest

import chainrule as cr
from both_libraries import same_verdict

X = np.array([0.3, -1.2, 0.8])


def ckpt(lib):
    return lib.utils.checkpoint


def leaf(lib, values=X):
    return lib.tensor(np.asarray(values, dtype=np.float64), requires_grad=True)


def grads_of(*tensors):
    return [None if t.grad is None else np.round(t.grad.numpy(), 12).tolist() for t in tensors]


# ------------------------------------------------------------------ use_reentrant warnings
def caught_warnings(lib, call):
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        call(lib)
    return [(w.category.__name__, str(w.message)) for w in caught
            if "use_reentrant" in str(w.message)]


CALLS = {
    "checkpoint": lambda lib, **kw: ckpt(lib).checkpoint(lambda t: t.sin(), leaf(lib), **kw),
    "checkpoint_sequential": lambda lib, **kw: ckpt(lib).checkpoint_sequential(
        [lib.sin, lib.cos, lib.exp], 3, leaf(lib), **kw),
}


@pytest.mark.parametrize("name", list(CALLS))
@pytest.mark.parametrize("explicit", [None, False, True])
def test_use_reentrant_must_be_passed_explicitly(name, explicit):
    kwargs = {} if explicit is None else {"use_reentrant": explicit}
    found = same_verdict(lambda lib: caught_warnings(lib, lambda m: CALLS[name](m, **kwargs)))
    assert bool(found[1]) == (explicit is None)


# ------------------------------------------------------------------ structures
def dict_in_dict_out(lib):
    w = leaf(lib, [[0.5, -0.25, 1.0]] * 3)

    def f(d):
        return {"result": d["x"] @ w, "count": d["n"] + 1}

    x = leaf(lib)
    out = ckpt(lib).checkpoint(f, {"x": x, "n": 2}, use_reentrant=False)
    out["result"].sum().backward()
    return out["count"], np.round(out["result"].detach().numpy(), 12).tolist(), grads_of(x, w)


def test_any_structure_in_and_out():
    same_verdict(dict_in_dict_out)


@pytest.mark.parametrize("use_reentrant", [True, False])
def test_outputs_that_need_no_gradient(use_reentrant):
    def scenario(lib):
        a = leaf(lib)

        def f(x):
            with lib.no_grad():
                return x * 2
        out = ckpt(lib).checkpoint(f, a, use_reentrant=use_reentrant)
        (out + a).sum().backward()
        return grads_of(a)
    kind, _ = same_verdict(scenario)
    assert (kind == "RuntimeError") == use_reentrant


def test_saved_tensors_come_back_as_the_same_objects():
    def scenario(lib):
        seen = []

        class Keep(lib.autograd.Function):
            @staticmethod
            def forward(ctx, x, y):
                ctx.save_for_backward(y)
                return x * 1

            @staticmethod
            def backward(ctx, grad):
                seen.append(ctx.saved_tensors[0])
                return grad, None
        a, b = leaf(lib), lib.ones(3, dtype=lib.float64)
        ckpt(lib).checkpoint(Keep.apply, a, b, use_reentrant=False).sum().backward()
        return seen[0] is b
    assert same_verdict(scenario) == ("returned", True)


@pytest.mark.parametrize("use_reentrant", [True, False])
def test_hook_of_a_tensor_used_inside_and_outside_runs(use_reentrant):
    def scenario(lib):
        w, x = leaf(lib), leaf(lib, [1.0, 2.0, 3.0])
        calls = []
        w.register_hook(lambda g: calls.append(1))
        h = w * x
        ckpt(lib).checkpoint(lambda t: w * t, h, use_reentrant=use_reentrant).sum().backward()
        return len(calls), grads_of(w, x)
    same_verdict(scenario)


def test_autograd_grad_through_a_non_reentrant_checkpoint():
    def scenario(lib):
        a = leaf(lib)
        out = ckpt(lib).checkpoint(lambda t: (t.exp() * t).sum(), a, use_reentrant=False)
        return np.round(lib.autograd.grad(out, a)[0].numpy(), 12).tolist(), a.grad is None
    same_verdict(scenario)


# ------------------------------------------------------------------ recomputation
def counting(calls):
    def f(x):
        calls.append(1)
        y = x.sin().cos()
        return y, y.sin().cos()
    return f


@pytest.mark.parametrize("group", [False, True])
def test_recomputation_once_per_backward_or_per_group(group):
    def scenario(lib):
        calls = []
        x = leaf(lib, np.linspace(-1, 1, 4))
        y, z = ckpt(lib).checkpoint(counting(calls), x, use_reentrant=False)
        with ckpt(lib).GraphExecGroup() if group else warnings.catch_warnings():
            (gy,) = lib.autograd.grad(z, y, lib.ones(4, dtype=lib.float64))
            (gx,) = lib.autograd.grad(y, x, gy)
        return len(calls), np.round(gx.numpy(), 12).tolist()
    same_verdict(scenario)


def test_overlapping_backward_calls_in_a_group():
    def scenario(lib):
        x = leaf(lib)
        out = ckpt(lib).checkpoint(lambda t: t.sin().cos(), x, use_reentrant=False)
        with ckpt(lib).GraphExecGroup():
            out.sum().backward(retain_graph=True)
            out.sum().backward()
    assert same_verdict(scenario)[0] == "CheckpointError"


def test_groups_do_not_nest():
    def scenario(lib):
        try:
            with ckpt(lib).GraphExecGroup(), ckpt(lib).GraphExecGroup():
                pass
        except RuntimeError as e:
            return str(e).split(" group ")[0]
    assert same_verdict(scenario)[1] == "GraphExecGroup contexts cannot be nested. Already inside"


def test_each_retained_backward_recomputes():
    def scenario(lib):
        calls = []
        x = leaf(lib)
        y, _ = ckpt(lib).checkpoint(counting(calls), x, use_reentrant=False)
        y.sum().backward(retain_graph=True)
        y.sum().backward()
        return len(calls), grads_of(x)
    same_verdict(scenario)


def test_random_numbers_are_replayed():
    def scenario(lib):
        x = leaf(lib, np.ones(6))
        out = ckpt(lib).checkpoint(lambda t: lib.nn.functional.dropout(t.sin(), 0.5), x,
                                   use_reentrant=False)
        out.sum().backward()
        kept = out.detach().numpy() != 0
        return bool(np.all((x.grad.numpy() != 0) == kept))
    assert same_verdict(scenario) == ("returned", True)


def test_changing_an_input_in_place_before_backward():
    def scenario(lib):
        x = leaf(lib)
        h = x * 1
        out = ckpt(lib).checkpoint(lambda t: t.sin(), h, use_reentrant=False)
        with lib.no_grad():
            h.mul_(2)
        try:
            out.sum().backward()
        except RuntimeError as e:
            return str(e).split(":")[0]
    assert same_verdict(scenario)[1] == ("one of the variables needed for gradient computation "
                                         "has been modified by an inplace operation")


# ------------------------------------------------------------------ determinism checks
# Functions that save only their inputs (sin, cos, mul by a constant): chainrule and
# PyTorch save the same tensors for them.
def two_saved(lib):
    return lambda x: x.sin().cos()


def one_saved(lib):
    return lambda x: x.sin()


def two_saved_other_shape(lib):
    return lambda x: x.sin() * lib.tensor([1.0, 2.0], dtype=lib.float64)


def first_then(first, then):
    def make(lib):
        calls = []

        def f(x):
            calls.append(1)
            return (first if len(calls) == 1 else then)(lib)(x)
        return f
    return make


@pytest.mark.parametrize("early_stop", [True, False])
@pytest.mark.parametrize("debug", [None, False])
@pytest.mark.parametrize("change", ["fewer", "more", "other shape", "same"])
def test_recomputation_must_save_what_the_forward_saved(change, debug, early_stop):
    then = {"fewer": one_saved, "more": lambda lib: lambda x: x.sin().cos().exp().sin(),
            "other shape": two_saved_other_shape, "same": two_saved}[change]

    def scenario(lib):
        x = leaf(lib, [0.4])
        c = ckpt(lib)
        kwargs = {} if debug is None else {"debug": debug}
        with c.set_checkpoint_early_stop(early_stop):
            out = c.checkpoint(first_then(two_saved, then)(lib), x, use_reentrant=False,
                               **kwargs)
        out.sum().backward()
        return grads_of(x) if change == "same" else None
    kind, message = same_verdict(scenario)
    expect_error = change in ("fewer", "other shape") or (change == "more" and not early_stop)
    assert (kind == "CheckpointError") == expect_error


@pytest.mark.parametrize("globally", [None, True, False])
def test_debug_report_on_a_mismatch(globally):
    """chainrule's own report (PyTorch's debug mode logs through LoggingTensorMode, which
    fails when it runs repeatedly in one pytest process): both runs' saved tensors, each
    with the line that saved it, and the sentence PyTorch's report ends with."""
    c = cr.utils.checkpoint
    x = leaf(cr, [0.4])
    with c.set_checkpoint_debug_enabled(globally):
        out = c.checkpoint(first_then(two_saved, two_saved_other_shape)(cr), x,
                           use_reentrant=False, debug=True)
        with pytest.raises(c.CheckpointError) as info:
            out.sum().backward()
    message = str(info.value)
    assert "different metadata" in message
    shown = "You are seeing this error because you passed `debug=True` to checkpoint" in message
    assert shown == (globally is not False)
    if shown:
        assert message.count("saved at") == 4 and "test_checkpoint_semantics.py" in message


def test_determinism_check_can_be_turned_off_and_must_be_known():
    def scenario(lib, check):
        x = leaf(lib, [0.4])
        out = ckpt(lib).checkpoint(first_then(two_saved, two_saved_other_shape)(lib), x,
                                   use_reentrant=False, determinism_check=check)
        out.sum().backward()
        return "ran"
    assert same_verdict(lambda lib: scenario(lib, "none")) == ("returned", "ran")
    assert same_verdict(lambda lib: scenario(lib, "shapes"))[0] == "ValueError"


@pytest.mark.parametrize("kwargs", [{"debug": True}, {"context_fn": lambda: (None, None)},
                                    {"extra": 1}])
def test_reentrant_variant_refuses_options_it_cannot_honour(kwargs):
    def scenario(lib):
        ckpt(lib).checkpoint(lambda t, **kw: t.sin(), leaf(lib), use_reentrant=True, **kwargs)
    assert same_verdict(scenario)[0] == "ValueError"


def test_recomputed_tensors_are_freed_with_their_node():
    """A recomputed tensor lives only as long as the node that saved it keeps its values."""
    import weakref
    seen = []

    class Keep(cr.autograd.Function):
        @staticmethod
        def forward(ctx, x):
            ctx.save_for_backward(x)
            return x * 2

        @staticmethod
        def backward(ctx, grad):
            (x,) = ctx.saved_tensors
            seen.append(weakref.ref(x))
            return grad * 2

    x = leaf(cr)
    out = cr.utils.checkpoint.checkpoint(lambda t: Keep.apply(t.sin()), x, use_reentrant=False)
    out.sum().backward()
    assert len(seen) == 1 and seen[0]() is None


def test_a_recomputed_tensor_is_handed_out_once():
    """A custom Function's backward that reads ctx.saved_tensors twice under a non-reentrant
    checkpoint: the second read raises, as in PyTorch (the first read let go of them)."""
    def scenario(lib):
        class Twice(lib.autograd.Function):
            @staticmethod
            def forward(ctx, x, y):
                ctx.save_for_backward(x, y, x * y)
                return x * y

            @staticmethod
            def backward(ctx, grad):
                x, y, _ = ctx.saved_tensors
                try:
                    again = f"returned {len(ctx.saved_tensors)} again"
                except RuntimeError as e:
                    again = (type(e).__name__, str(e).split(" If you")[0])
                events.append(again)
                return grad * y, grad * x

        events = []
        x, y = leaf(lib), leaf(lib, [2.0, 3.0, 4.0])
        out = ckpt(lib).checkpoint(lambda a, b: Twice.apply(a.exp(), b), x, y,
                                   use_reentrant=False)
        out.sum().backward()
        return events, grads_of(x, y)
    verdict = same_verdict(scenario)
    assert verdict[1][0][0][0] == "CheckpointError"
