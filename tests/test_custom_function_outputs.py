"""What ``Function.apply`` makes of forward's outputs, checked against PyTorch running the same
classes: inputs returned as they are, inputs changed in place (``mark_dirty``, also through
views), views that may not be changed in place afterwards, the tangents ``jvp`` must give in
forward mode, ``setup_context`` with defaults, ``once_differentiable``'s graph."""
from __future__ import annotations

import gc
import re
import warnings
import weakref

import pytest

import chainrule as cr
from helpers import assert_same, torch_or_skip


def error_of(fn):
    """The exception ``fn()`` raises (its type and message), or None."""
    try:
        fn()
    except Exception as e:  # noqa: BLE001 - any error is compared with PyTorch's
        return type(e), re.sub(r" \(Triggered internally at .*\)", "", str(e))
    return None


def assert_same_error(case):
    """``case(lib)`` raises the same exception type with either library, and chainrule's says
    what PyTorch's says (plus, maybe, a Fix)."""
    torch = torch_or_skip()
    got, expected = error_of(lambda: case(cr)), error_of(lambda: case(torch))
    assert expected is not None, "PyTorch raises nothing here"
    assert got is not None, f"chainrule raises nothing; PyTorch raises {expected}"
    assert got[0] is expected[0], (got, expected)
    assert got[1].startswith(expected[1]), (got[1], expected[1])


def libs():
    torch = torch_or_skip()
    return cr, torch


def graph_desc(fn) -> str:
    """A node and what it leads to, as PyTorch's own tests print graphs."""
    if fn is None:
        return "None"
    inner = ", ".join(graph_desc(next_fn) for next_fn, _ in fn.next_functions)
    return f"{type(fn).__name__}({inner})"


def make(lib):
    """The same custom Functions, defined against either library."""
    Function = lib.autograd.Function

    class Identity(Function):  # returns its input as it is
        @staticmethod
        def forward(ctx, x):
            return x

        @staticmethod
        def backward(ctx, grad):
            return grad

    class ViewOf(Function):  # returns a view of its input
        @staticmethod
        def forward(ctx, x):
            return x[:]

        @staticmethod
        def backward(ctx, grad):
            return grad

    class AddInPlace(Function):  # a += b, marked dirty; counts its backward calls
        calls = 0

        @staticmethod
        def forward(ctx, a, b):
            a.add_(b)
            ctx.mark_dirty(a)
            return a

        @staticmethod
        def backward(ctx, grad):
            AddInPlace.calls += 1
            return grad, 2 * grad

    class AddInPlaceTwoOutputs(Function):
        @staticmethod
        def forward(ctx, a, b):
            a.add_(b)
            ctx.mark_dirty(a)
            return a, a + b

        @staticmethod
        def backward(ctx, ga, gab):
            return ga + gab, ga + gab

    class DirtyNotReturned(Function):
        @staticmethod
        def forward(ctx, a):
            a.add_(1)
            ctx.mark_dirty(a)
            return a.clone()

        @staticmethod
        def backward(ctx, grad):
            return grad

    class DirtyNotInput(Function):
        @staticmethod
        def forward(ctx, a):
            c = 3 * a
            ctx.mark_dirty(c)
            return c

        @staticmethod
        def backward(ctx, grad):
            return 3 * grad

    class DirtyViewNotInput(Function):
        @staticmethod
        def forward(ctx, a):
            c = a.clone().view_as(a)
            ctx.mark_dirty(c)
            return c

        @staticmethod
        def backward(ctx, grad):
            return grad

    class SaveDirty(Function):
        @staticmethod
        def forward(ctx, x):
            ctx.mark_dirty(x)
            ctx.save_for_backward(x)
            return x

        @staticmethod
        def backward(ctx, grad):
            (x,) = ctx.saved_tensors
            return grad * x

    return dict(Identity=Identity, ViewOf=ViewOf, AddInPlace=AddInPlace,
                AddInPlaceTwoOutputs=AddInPlaceTwoOutputs, DirtyNotReturned=DirtyNotReturned,
                DirtyNotInput=DirtyNotInput, DirtyViewNotInput=DirtyViewNotInput,
                SaveDirty=SaveDirty)


# --- backward mode ------------------------------------------------------------------------

def test_input_returned_as_is_is_a_new_view_with_the_node_as_history():
    for lib in libs():
        f = make(lib)["Identity"]
        x = lib.ones(2, requires_grad=True).clone()
        y = f.apply(x)
        assert y is not x and y._base is x
        assert x.grad_fn.name() == "CloneBackward0" and y.grad_fn.name() == "IdentityBackward"
        z = f.apply(lib.ones(2))  # not recorded: still a view, out of the graph
        assert z._base is not None and not z.requires_grad

    assert_same_error(lambda lib: make(lib)["Identity"].apply(
        lib.ones(2, requires_grad=True).clone()).add_(1))


def test_views_a_function_returned_cannot_be_changed_in_place():
    cases = [
        # the view with its history, then with grad mode off when it was made
        lambda lib: make(lib)["ViewOf"].apply(lib.rand(2, requires_grad=True)).mul_(2),
        lambda lib: _no_grad_view(lib).zero_(),
        lambda lib: _no_grad_view(lib).fill_(3.0),
        # no recording (the input needs no grad), then an in-place op with one that does
        lambda lib: make(lib)["Identity"].apply(lib.ones(2)).add_(lib.ones(2, requires_grad=True)),
    ]
    for case in cases:
        assert_same_error(case)


def test_a_view_changed_inside_forward_takes_the_node_as_history():
    """forward changes its own view of a clone in place, then returns it: the output's
    history is the Function's node (the change happened before the node was attached)."""
    def run(lib):
        class Shift(lib.autograd.Function):
            @staticmethod
            def forward(ctx, x):
                view = x.clone()[:2]
                view += 2
                return view

            @staticmethod
            def backward(ctx, grad):
                return lib.nn.functional.pad(grad, (0, 1)) * 3

        x = lib.tensor([1.0, 2.0, 3.0], requires_grad=True)
        y = Shift.apply(x)
        name = y.grad_fn.name()
        (y * lib.tensor([1.0, 10.0])).sum().backward()
        return name, y.tolist(), x.grad.tolist(), y._version
    ours, theirs = (run(lib) for lib in libs())
    assert ours == theirs


def _no_grad_view(lib):
    x = lib.rand(2, requires_grad=True)
    with lib.no_grad():
        return make(lib)["ViewOf"].apply(x)


def test_mark_dirty_gradients_and_versions_match_torch():
    results = []
    for lib in libs():
        fns = make(lib)
        a = lib.tensor([1.0, 2.0], requires_grad=True)
        b = lib.tensor([3.0, -1.0], requires_grad=True)
        fns["AddInPlace"].calls = 0
        source = a.clone()
        c = fns["AddInPlace"].apply(source, b)
        assert c is source and c.grad_fn.name() == "AddInPlaceBackward"
        (c * c).sum().backward()
        # the input a view: its base takes the change into its history (CopySlices)
        base = lib.cat([a, a]).clone()
        view = base[1:3]
        d = fns["AddInPlace"].apply(view, b)
        assert d is view
        (base * base).sum().backward()
        results.append((a.grad, b.grad, c._version, base._version, fns["AddInPlace"].calls))
    ours, theirs = results
    for x, y in zip(ours[:2], theirs[:2]):
        assert_same(x, y)
    assert ours[2:] == theirs[2:]


def test_mark_dirty_errors_match_torch():
    def leaf(lib):
        return make(lib)["AddInPlace"].apply(lib.ones(2, requires_grad=True), lib.ones(2))

    def view_of_leaf(lib):
        a = lib.ones(2, requires_grad=True)
        return make(lib)["AddInPlace"].apply(a.view_as(a), lib.ones(2))

    def piece_of_split(lib):
        a = lib.ones(2, requires_grad=True)
        return make(lib)["AddInPlace"].apply(a.split_with_sizes([1, 1])[0], lib.ones(1))

    def view_and_two_outputs(lib):
        b = lib.ones(2, requires_grad=True)
        return make(lib)["AddInPlaceTwoOutputs"].apply(lib.ones(2).view_as(b), b)

    def not_returned(lib):
        return make(lib)["DirtyNotReturned"].apply(lib.ones(2))

    def view_not_an_input(lib):
        return make(lib)["DirtyViewNotInput"].apply(lib.ones(2, requires_grad=True).clone())

    for case in (leaf, view_of_leaf, piece_of_split, view_and_two_outputs, not_returned,
                 view_not_an_input):
        assert_same_error(case)


def test_mark_dirty_of_a_non_input_warns_as_torch():
    messages = []
    for lib in libs():
        with warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always")
            out = make(lib)["DirtyNotInput"].apply(lib.ones(2, requires_grad=True).clone())
        messages.append([re.sub(r" \(Triggered internally at .*\)", "", str(w.message))
                         for w in caught])
        assert out.grad_fn.name() == "DirtyNotInputBackward"
    assert messages[0] == messages[1] and len(messages[0]) == 1


def test_saving_a_view_changed_in_place_leaves_no_reference_cycle():
    f = make(cr)["SaveDirty"]

    def scope():
        x = cr.tensor([2.0], requires_grad=True).clone().view_as(cr.ones(1))
        f.apply(x)
        return weakref.ref(x)

    gc.disable()  # the tensor must go when its last reference does, not when gc runs
    try:
        assert scope()() is None
    finally:
        gc.enable()


def test_saved_variables_warns_as_deprecated():
    for lib in libs():
        class Add(lib.autograd.Function):
            @staticmethod
            def forward(ctx, x, y):
                ctx.save_for_backward(x, y)
                return x + y

            @staticmethod
            def backward(ctx, grad):
                ctx.saved_variables  # noqa: B018 - reading it is what warns
                return grad, grad

        x = lib.ones(2, requires_grad=True)
        with pytest.warns(DeprecationWarning, match="'saved_variables' is deprecated"):
            Add.apply(x, x).sum().backward()


def test_backward_or_vjp_but_not_both():
    for lib in libs():
        class Both(lib.autograd.Function):
            @staticmethod
            def forward(ctx, x):
                return x.clone()

            @staticmethod
            def backward(ctx, grad):
                return grad

            @staticmethod
            def vjp(ctx, grad):
                return grad

        class VjpOnly(lib.autograd.Function):
            @staticmethod
            def forward(ctx, x):
                return x * 3

            @staticmethod
            def vjp(ctx, grad):
                return grad * 3

        x = lib.ones(2, requires_grad=True)
        with pytest.raises(RuntimeError, match="Implementing both 'backward' and 'vjp'"):
            Both.apply(x).sum().backward()
        VjpOnly.apply(x).sum().backward()
        assert x.grad.tolist() == [3.0, 3.0]


def test_setup_context_gets_forward_defaults_also_with_classmethods():
    grads = []
    for lib in libs():
        class Pow(lib.autograd.Function):
            @staticmethod
            def forward(x, y=3):
                return x ** y

            @staticmethod
            def setup_context(ctx, inputs, output):
                x, y = inputs
                ctx.save_for_backward(x)
                ctx.y = y

            @staticmethod
            def backward(ctx, grad):
                (x,) = ctx.saved_tensors
                return grad * ctx.y * x ** (ctx.y - 1), None

        class PowClassmethods(lib.autograd.Function):
            @classmethod
            def forward(cls, x, y=3):
                return x ** y

            @classmethod
            def setup_context(cls, ctx, inputs, output):
                x, y = inputs
                ctx.save_for_backward(x)
                ctx.y = y

            @classmethod
            def backward(cls, ctx, grad):
                (x,) = ctx.saved_tensors
                return grad * ctx.y * x ** (ctx.y - 1), None

        x = lib.tensor(2.0, dtype=lib.float64, requires_grad=True)
        grads.append([lib.autograd.grad(f.apply(*args, **kwargs), x)[0]
                      for f in (Pow, PowClassmethods)
                      for args, kwargs in (((x,), {}), ((x, 2), {}), ((x,), {"y": 4}))])
    for ours, theirs in zip(*grads):
        assert_same(ours, theirs)


def test_once_differentiable_graph_reads_as_torch():
    descriptions = []
    for lib in libs():
        from importlib import import_module
        once_differentiable = import_module(f"{lib.__name__}.autograd.function") \
            .once_differentiable

        class Mul(lib.autograd.Function):
            @staticmethod
            def forward(ctx, a, k, b):
                ctx.k = k
                ctx.save_for_backward(a, b)
                return a * b * k

            @staticmethod
            @once_differentiable
            def backward(ctx, grad):
                a, b = ctx.saved_tensors
                return grad * b * ctx.k, None, grad * a * ctx.k

        x = lib.ones(2, requires_grad=True)
        y = lib.ones(2, requires_grad=True)
        Mul.apply(x, 2, y).sum().backward(lib.ones((), requires_grad=True), create_graph=True)
        descriptions.append((graph_desc(x.grad.grad_fn), x.grad.grad_fn.name(),
                             x.grad.grad_fn.next_functions[1][0].name(),
                             error_of(x.grad.sum().backward)[0]))
        # a plain op: the first gradient of a leaf is recorded as a copy as well
        z = lib.ones(2, requires_grad=True)
        (z * 3).sum().backward(lib.ones((), requires_grad=True), create_graph=True)
        descriptions.append(graph_desc(z.grad.grad_fn))
        x.grad = y.grad = z.grad = None  # the cycle leaf -> grad -> graph -> leaf
    assert descriptions[:2] == descriptions[2:]


# --- forward mode ---------------------------------------------------------------------------

def make_forward(lib):
    Function = lib.autograd.Function

    class MulInPlace(Function):
        @staticmethod
        def forward(ctx, x, mode):
            ctx.mode = mode
            x.mul_(2)
            ctx.mark_dirty(x)
            return x

        @staticmethod
        def vjp(ctx, grad):
            return 2 * grad, None

        @staticmethod
        def jvp(ctx, x_t, _):
            if ctx.mode == "in place":
                return x_t.mul_(2)
            if ctx.mode == "new tangent":
                return x_t * 2
            return x_t.clone().mul_(2)  # changed in place, but not the one given

    class Narrow(Function):
        @staticmethod
        def forward(ctx, x, mode):
            ctx.mode = mode
            return x.narrow(0, 0, 2)

        @staticmethod
        def jvp(ctx, x_t, _):
            t = x_t.narrow(0, 0, 2)
            if ctx.mode == "copy":
                t = t.clone()
            elif ctx.mode == "view of a copy":
                t = t.clone().view_as(t)
            return t

    class Pair(Function):
        wrong = False  # True: jvp gives a tangent to the non-differentiable output
        seen = None  # the tangent jvp received for y

        @staticmethod
        def forward(ctx, x, y):
            marked = y.clone()
            ctx.mark_non_differentiable(marked)
            return x * y, marked

        @staticmethod
        def jvp(ctx, x_t, y_t):
            Pair.seen = y_t
            return x_t * 3, (x_t if Pair.wrong else None)

    return MulInPlace, Narrow, Pair


def _forward_ad(lib):
    from importlib import import_module
    return import_module(f"{lib.__name__}.autograd.forward_ad")


def test_jvp_of_an_input_changed_in_place():
    for lib in libs():
        fw = _forward_ad(lib)
        mul = make_forward(lib)[0]
        with fw.dual_level():
            tangent = lib.ones(2)
            x = fw.make_dual(lib.ones(2, requires_grad=True).clone(), tangent)
            out = mul.apply(x, "in place")
            assert out is x and fw.unpack_dual(out).tangent is tangent
            assert tangent.tolist() == [2.0, 2.0]
    for mode in ("new tangent", "another tangent"):
        def case(lib, mode=mode):
            fw = _forward_ad(lib)
            with fw.dual_level():
                make_forward(lib)[0].apply(fw.make_dual(lib.ones(2), lib.ones(2)), mode)
        assert_same_error(case)


def test_jvp_of_a_view_must_be_a_view_of_the_input_tangent():
    for mode in ("view", "copy", "view of a copy", "view of a view input"):
        def case(lib, mode=mode):
            fw = _forward_ad(lib)
            with fw.dual_level():
                x = fw.make_dual(lib.rand(4, 3), lib.rand(4, 3))
                if mode == "view of a view input":
                    x = x.view_as(x)
                out = make_forward(lib)[1].apply(x, "view of a copy"
                                                 if mode == "view of a view input" else mode)
                return fw.unpack_dual(out).tangent._base is not None
        if mode == "view":
            assert case(cr) and case(libs()[1])
        else:
            assert_same_error(case)


def test_jvp_tangents_of_inputs_without_one_and_of_non_differentiable_outputs():
    seen = []
    for lib in libs():
        fw = _forward_ad(lib)
        pair = make_forward(lib)[2]
        row = []
        with fw.dual_level():
            x = fw.make_dual(lib.tensor(2.0), lib.tensor(1.0))
            for y in (lib.tensor(3.0), lib.tensor(3)):  # no tangent: zeros, or None (integers)
                product, marked = pair.apply(x, y)
                row.append((None if pair.seen is None else pair.seen.tolist(),
                            fw.unpack_dual(product).tangent.item(),
                            fw.unpack_dual(marked).tangent))
            pair.wrong = True
            row.append(error_of(lambda pair=pair, x=x, y=lib.tensor(3.0): pair.apply(x, y)))
        seen.append(row)
    assert seen[0] == seen[1]


def test_jvp_must_return_one_tangent_per_output():
    def case(lib):
        class Two(lib.autograd.Function):
            @staticmethod
            def forward(ctx, x):
                return x.clone(), x.clone()

            @staticmethod
            def jvp(ctx, x_t):
                return x_t

        fw = _forward_ad(lib)
        with fw.dual_level():
            Two.apply(fw.make_dual(lib.ones(1), lib.ones(1)))
    assert_same_error(case)


# --- split_with_sizes (needed to make multi-output views in the tests above) ----------------

def test_split_with_sizes_matches_torch():
    torch = torch_or_skip()
    x = cr.arange(6.0, requires_grad=True)
    tx = torch.arange(6.0, requires_grad=True)
    pieces = x.split_with_sizes([1, 2, 3])
    tpieces = tx.split_with_sizes([1, 2, 3])
    assert [p.grad_fn.name() for p in pieces] == [p.grad_fn.name() for p in tpieces]
    (pieces[0] * 2 + pieces[2].sum()).sum().backward()
    (tpieces[0] * 2 + tpieces[2].sum()).sum().backward()
    assert_same(x.grad, tx.grad)
    assert_same(cr.split_with_sizes(x.detach(), (4, 2), dim=-1)[1],
                torch.split_with_sizes(tx.detach(), (4, 2), dim=-1)[1])
    for sizes in ([2, 2], [7, -1]):
        assert_same_error(lambda lib, sizes=sizes: lib.arange(6.0).split_with_sizes(sizes))
