"""Views changed in place: what PyTorch allows, records and refuses, compared with PyTorch.

A view remembers why changing it in place would make its history wrong (taken
under no_grad or inference_mode, a piece of split/unbind, returned by a custom
Function), a view requires grad when its base does, and a view whose base (or
another view of it) was changed in place is re-derived from the base when used.
"""
from __future__ import annotations

import itertools

import pytest

from both_libraries import same_verdict


def _view(lib, kind, base):
    """A view of ``base`` made the way ``kind`` says."""
    if kind == "slice":
        return base[1:]
    if kind == "piece":
        return base.unbind()[0]
    if kind == "split":
        return base.split(1)[0]
    if kind == "custom":
        class Alias(lib.autograd.Function):
            @staticmethod
            def forward(ctx, x):
                return x.view_as(x)

            @staticmethod
            def backward(ctx, grad):
                return grad
        return Alias.apply(base)
    raise AssertionError(kind)


def _summary(t, overload: bool = True):
    node = t.grad_fn
    name = None if node is None else node.name()
    if name is not None and not overload:
        # PyTorch numbers the in-place view ops' nodes apart (t_: TBackward1, squeeze_(0):
        # SqueezeBackward4); chainrule records the op's usual node (TBackward0): a known
        # difference in the name only.
        name = name.rstrip("0123456789")
    return t.requires_grad, t.is_leaf, name, t.tolist()


CHANGES = {
    "add_": lambda lib, v: v.add_(1),
    "mul_tensor": lambda lib, v: v.mul_(lib.full(v.shape, 2.0, requires_grad=True)),
    "copy_": lambda lib, v: v.copy_(lib.ones(v.shape)),
    "fill_": lambda lib, v: v.fill_(3),
    "zero_": lambda lib, v: v.zero_(),
    "setitem": lambda lib, v: v.__setitem__(0, 5.0),
    "t_": lambda lib, v: v.t_(),
    "transpose_": lambda lib, v: v.transpose_(0, -1),
    "squeeze_": lambda lib, v: v.squeeze_(0),
    "unsqueeze_": lambda lib, v: v.unsqueeze_(0),
    "swapdims_": lambda lib, v: v.swapdims_(0, -1),
}


VIEW_CHANGES = ("t_", "transpose_", "squeeze_", "unsqueeze_", "swapdims_")


@pytest.mark.parametrize("kind", ["slice", "piece", "split", "custom"])
@pytest.mark.parametrize("mode", ["grad", "no_grad", "inference_mode"])
@pytest.mark.parametrize("base_kind", ["leaf", "nonleaf", "plain"])
def test_changing_a_view_in_place_as_torch(kind, mode, base_kind):
    """Each way of making a view, in each mode, of each kind of base, then each in-place
    change with grad enabled: the same result (values, history) or the same error."""
    for change in CHANGES:
        def scenario(lib, change=change):
            base = lib.arange(1.0, 7.0).reshape(2, 3)
            if base_kind != "plain":
                base.requires_grad_()
            if base_kind == "nonleaf":
                base = base * 1
            context = {"grad": lib.enable_grad, "no_grad": lib.no_grad,
                       "inference_mode": lib.inference_mode}[mode]
            with context():
                view = _view(lib, kind, base)
            CHANGES[change](lib, view)
            return _summary(view, change not in VIEW_CHANGES), _summary(base)
        same_verdict(scenario)


@pytest.mark.parametrize("kind", ["slice", "piece", "custom"])
@pytest.mark.parametrize("view_grad, change_grad", list(itertools.product([True, False],
                                                                          repeat=2)))
def test_inplace_view_op_then_inplace_change_as_torch(kind, view_grad, change_grad):
    """t_() on a view made with or without grad mode, itself with or without grad mode,
    then add_ with grad mode: each step as PyTorch allows or refuses it."""
    def scenario(lib):
        base = lib.rand(2, 3, requires_grad=True).clone()
        with lib.set_grad_enabled(view_grad):
            view = _view(lib, kind, base)
        with lib.set_grad_enabled(change_grad):
            view.t_()
        view.add_(1)
        return view.requires_grad, view.shape == base.t().shape
    same_verdict(scenario)


def test_a_view_of_a_view_keeps_the_reason():
    def scenario(lib, context):
        x = lib.zeros(2)
        with context(lib)():
            y = x.view(2)
        y.requires_grad_(True)
        z = y.view(2)
        z /= 2
    same_verdict(lambda lib: scenario(lib, lambda lib: lib.no_grad))
    same_verdict(lambda lib: scenario(lib, lambda lib: lib.inference_mode))


def test_a_view_requires_grad_when_its_base_does():
    def scenario(lib):
        a = lib.randn(2, 3)
        b = a[:]
        a.requires_grad = True
        return b.requires_grad, b.is_leaf, b.grad_fn, repr(b)[-20:]
    same_verdict(scenario)


@pytest.mark.parametrize("change", ["add_", "copy_", "fill_", "setitem"])
def test_view_taken_before_the_base_required_grad_is_refused(change):
    def scenario(lib):
        a = lib.randn(2, 3)
        b = a[:]
        a.requires_grad = True
        CHANGES[change](lib, b)
    assert same_verdict(scenario)[0] == "RuntimeError"


def test_view_taken_before_the_base_had_history_follows_it():
    def scenario(lib):
        w = lib.tensor([1.0, 2.0, 3.0], requires_grad=True)
        a = lib.ones(3)
        v = a[:2]
        a.mul_(w)
        first = _summary(v)
        v.mul_(lib.tensor([5.0, 7.0]))
        (a * lib.tensor([1.0, 10.0, 100.0])).sum().backward()
        return first, _summary(v), w.grad.tolist()
    same_verdict(scenario)


def test_changing_the_base_makes_views_re_derive():
    def scenario(lib):
        x = lib.tensor([1.0, 2.0, 3.0], requires_grad=True)
        y = x * 1
        v = y[1:]
        with lib.no_grad():
            y.mul_(2)  # not recorded, but v must be re-derived all the same
        first = v.grad_fn.name()
        y.mul_(x)
        (v * lib.tensor([3.0, 5.0])).sum().backward()
        return first, v.grad_fn.name(), x.grad.tolist()
    same_verdict(scenario)


@pytest.mark.parametrize("when", ["grad", "no_grad"])
def test_pieces_of_split_refuse_a_changed_base(when):
    def scenario(lib):
        x = lib.rand(2, requires_grad=True).clone()
        first, _ = x.split(1)
        with lib.set_grad_enabled(when == "grad"):
            x.mul_(2)
        return first.grad_fn
    assert same_verdict(scenario)[0] == "RuntimeError"


def test_view_made_under_no_grad_and_changed_under_no_grad_prints_invalid():
    def scenario(lib):
        a = lib.ones(1, requires_grad=True)
        with lib.no_grad():
            b = a[:]
            b *= 2
        return repr(b)
    same_verdict(scenario)


@pytest.mark.parametrize("what", ["view_of_leaf", "view_of_plain", "nonleaf", "leaf"])
def test_detach_in_place(what):
    def scenario(lib):
        x = lib.randn(4, 3, requires_grad=what != "view_of_plain")
        t = {"view_of_leaf": lambda: x.narrow(0, 1, 2), "view_of_plain": lambda: x[:],
             "nonleaf": lambda: x * 2, "leaf": lambda: x}[what]()
        t.detach_()
        return t.requires_grad, t.grad_fn
    same_verdict(scenario)


def test_custom_function_view_of_an_input_that_needs_no_grad():
    def scenario(lib, change):
        a = lib.tensor([[0.5, 2.0]])
        b = lib.tensor([3.0], requires_grad=True)
        view = _view(lib, "custom", a)
        return change(view, b).tolist()
    same_verdict(lambda lib: scenario(lib, lambda v, b: v.add_(b)))
    same_verdict(lambda lib: scenario(lib, lambda v, b: v.copy_(b)))
    same_verdict(lambda lib: scenario(lib, lambda v, b: v.mul_(2)))


@pytest.mark.parametrize("saved_as", ["input", "output", "input_of_a_product"])
def test_a_saved_tensor_detached_in_place_is_refused(saved_as):
    """A node that saved a non-leaf input needs its history (for create_graph); once it is
    cut by detach_(), backward refuses it.  A saved output is not affected."""
    def scenario(lib):
        x = lib.tensor(0.5, requires_grad=True)
        a = x.clone()
        y = {"input": lambda: a.sin(), "output": lambda: a.exp(),
             "input_of_a_product": lambda: a * x}[saved_as]()
        a.detach_()
        y.backward()
        return x.grad.item(), a._version
    same_verdict(scenario)


def test_hooks_on_a_view_changed_in_place_as_torch():
    """A hook registered on a view before an in-place change of it (or of another view
    of its base) stays with the node the view had then, which backward no longer visits;
    one registered after the view's grad_fn was re-derived runs."""
    def scenario(lib):
        fired = []
        base = lib.tensor([1.0, 2.0], requires_grad=True).clone()
        view, other = base[:], base[1:]
        view.register_hook(lambda g: fired.append(("before", g.tolist())))
        other.register_hook(lambda g: fired.append(("other before", g.tolist())))
        view.mul_(lib.tensor([3.0, 4.0]))
        refreshed = other.grad_fn.name()  # re-derived from the changed base
        other.register_hook(lambda g: fired.append(("other after", g.tolist())))
        view.register_hook(lambda g: fired.append(("after", g.tolist())))
        (view * 5 + other.sum() * 7).sum().backward()
        return refreshed, fired
    same_verdict(scenario)
