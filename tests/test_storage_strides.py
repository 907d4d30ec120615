"""The memory under a tensor (stride, storage_offset, data_ptr, storages) and as_strided,
against PyTorch."""
from __future__ import annotations

import warnings

import numpy as np
import pytest

import chainrule as cr
from both_libraries import same_verdict
from helpers import assert_same, torch_or_skip

# Tensors made by the ways that decide a layout: creation, views of every kind, results.
MADE = {
    "zeros": lambda L: L.zeros(2, 3),
    "row": lambda L: L.zeros(1, 3),
    "column": lambda L: L.zeros(3, 1),
    "t": lambda L: L.zeros(2, 3).t(),
    "None first": lambda L: L.zeros(3)[None],
    "None last": lambda L: L.zeros(3)[:, None],
    "unsqueeze": lambda L: L.zeros(2, 3).unsqueeze(1),
    "view": lambda L: L.zeros(4).view(4, 1),
    "expand": lambda L: L.zeros(3, 1).expand(3, 4),
    "expand new dim": lambda L: L.zeros(3).expand(2, 3),
    "step slice": lambda L: L.zeros(6, 4)[::2, 1:],
    "select": lambda L: L.zeros(2, 3, 4)[:, 1],
    "permute": lambda L: L.zeros(2, 3, 4).permute(2, 0, 1),
    "empty": lambda L: L.zeros(0, 3),
    "scalar": lambda L: L.tensor(1.0),
    "row slice": lambda L: L.zeros(4, 3)[1:2],
    "squeeze": lambda L: L.zeros(1, 3, 1).squeeze(),
    "keepdim sum": lambda L: L.ones(2, 3).sum(1, keepdim=True),
    "matmul": lambda L: L.ones(2, 3) @ L.ones(3, 4),
    "broadcast add": lambda L: L.ones(3, 1) + L.ones(1, 4),
    "exp of t": lambda L: L.ones(2, 3).t().exp(),
    "unbind": lambda L: L.ones(2, 3).unbind(1)[1],
    "split": lambda L: L.ones(4, 3).split(2)[1],
    "chunk": lambda L: L.ones(4, 3).chunk(2, 1)[1],
    "narrow": lambda L: L.ones(4, 3).narrow(1, 1, 2),
    "mT": lambda L: L.ones(2, 3, 4).mT,
    "contiguous of t": lambda L: L.ones(2, 3).t().contiguous(),
    "movedim": lambda L: L.ones(2, 3, 4).movedim(0, 2),
    "double of t": lambda L: L.ones(2, 3).t().double(),
    "as_strided": lambda L: L.arange(12.).as_strided((3, 2), (2, 3), 1),
    "detach of slice": lambda L: L.randn(5)[:4].detach(),
}


@pytest.mark.parametrize("name", MADE)
def test_layout_matches(name):
    def scenario(lib):
        x = MADE[name](lib)
        base = x.untyped_storage()
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            typed = x.storage()
        return (x.stride(), [x.stride(d) for d in range(-x.ndim, x.ndim)], x.storage_offset(),
                x.is_contiguous(), base.nbytes(), len(base), base.size(), len(typed),
                typed.size(), typed.nbytes(), typed.element_size(), str(typed.dtype),
                x.data_ptr() - base.data_ptr() if x.numel() else x.data_ptr())
    same_verdict(scenario)


def test_storage_is_shared_by_views_and_reads_the_memory():
    def scenario(lib):
        x = lib.arange(6.)
        y = x.view(2, 3)[1:]
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            typed = y.storage()
        return (y.untyped_storage() is x.untyped_storage(),
                lib.zeros(6).untyped_storage() is x.untyped_storage(),
                typed.tolist(), typed[4], x.untyped_storage().tolist()[4:8],
                x.untyped_storage()[7], repr(typed),
                y.untyped_storage().data_ptr() == x.data_ptr(),
                lib.zeros(0).untyped_storage().nbytes(), lib.zeros(0).data_ptr(),
                str(typed.device))
    same_verdict(scenario)


def test_typed_storage_warns_once():
    def scenario(lib):
        with warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always")
            lib.zeros(2).storage()
            lib.zeros(2).storage()
        return [str(w.message) for w in caught][:1]
    torch = torch_or_skip()
    torch.zeros(1).storage()  # PyTorch warns once per process: let both have warned already
    cr.zeros(1).storage()
    same_verdict(scenario)


def test_stride_of_a_missing_dimension():
    same_verdict(lambda lib: lib.tensor(1.0).stride(0))
    same_verdict(lambda lib: lib.zeros(2, 3).stride(2))


# --- as_strided --------------------------------------------------------------------------

STRIDED = [
    ((2, 2), (1, 2), 1),
    ((3, 3), (1, 1), 0),      # overlapping windows
    ((2, 3), (0, 1), 2),      # a repeated row
    ((6,), (1,), 0),          # reaches past a slice, into the rest of the storage
    ((0,), (1,), 100),        # nothing read: any offset
    ((2,), (2,), None),       # the offset of the input
    ((), (), 3),
]


@pytest.mark.parametrize("size,stride,offset", STRIDED)
def test_as_strided_values_and_gradient(size, stride, offset):
    torch = torch_or_skip()
    for lib in (cr, torch):
        base = lib.arange(1., 9., dtype=lib.float64, requires_grad=True)
        x = (base * 1)[2:5]
        y = x.as_strided(size, stride) if offset is None else x.as_strided(size, stride, offset)
        weight = lib.arange(float(y.numel()), dtype=lib.float64).reshape(y.shape)
        (y * weight).sum().backward()
        if lib is cr:
            ours = (y, base.grad, type(y.grad_fn).__name__, y._base is not None)
        else:
            theirs = (y, base.grad, type(y.grad_fn).__name__, y._base is not None)
    assert_same(ours[0], theirs[0])
    assert_same(ours[1], theirs[1])
    assert ours[2:] == theirs[2:]


def test_as_strided_gradcheck_to_second_order():
    x = cr.randn(6, dtype=cr.float64, requires_grad=True)
    def fn(t):
        return (t * 1)[1:].as_strided((3, 3), (1, 1), 1) ** 2
    assert cr.autograd.gradcheck(fn, (x,))
    assert cr.autograd.gradgradcheck(fn, (x,))


def test_as_strided_forward_mode():
    torch = torch_or_skip()
    results = []
    for lib in (cr, torch):
        fwAD = lib.autograd.forward_ad
        with fwAD.dual_level():
            primal = lib.arange(6.)
            dual = fwAD.make_dual(primal, lib.arange(10., 16.))
            y = dual[1:4].as_strided((2, 3), (1, 1), 0)
            results.append(fwAD.unpack_dual(y).tangent)
    assert_same(*results)


def test_as_strided_is_a_view():
    def scenario(lib):
        x = lib.zeros(6)
        y = x.as_strided((2, 2), (1, 2), 1)
        y.add_(1)
        z = lib.ones(2, 3).as_strided_((3, 2), (1, 3))
        return x.tolist(), x._version, y._version, z.shape, z.stride()
    same_verdict(scenario)


def test_in_place_through_an_as_strided_view_is_recorded():
    torch = torch_or_skip()
    out = []
    for lib in (cr, torch):
        leaf = lib.arange(6., requires_grad=True)
        y = leaf * 1
        z = y.as_strided((2,), (2,), 1)
        z.mul_(10)
        (y * y).sum().backward()
        out.append((y, leaf.grad, type(y.grad_fn).__name__, type(z.grad_fn).__name__))
    assert_same(out[0][0], out[1][0])
    assert_same(out[0][1], out[1][1])
    assert out[0][2:] == out[1][2:]


@pytest.mark.parametrize("call", [
    "x.as_strided((7,), (1,), 0)", "x.as_strided((2,), (1,), 5)", "x.as_strided((1,), (1,), -1)",
    "x.as_strided((2,), (-1,), 3)", "x.as_strided((2, 3), (1,), 0)",
    "x.as_strided((-1,), (1,), 0)", "x.as_strided(2, 1)", "x.expand(2, 6).as_strided((3,), (0,))",
    "x.as_strided((3,), (0,)).add_(1)", "torch.as_strided(x, [2, 2], [2, 1])",
])
def test_as_strided_errors(call):
    same_verdict(lambda lib: eval(call, {"x": lib.arange(6.), "torch": lib}).tolist())


def test_split_with_sizes():
    same_verdict(lambda lib: [p.tolist() for p in lib.arange(5.).split_with_sizes([2, 3])])
    same_verdict(lambda lib: [p.tolist() for p in lib.split_with_sizes(lib.zeros(2, 5), [4, 1],
                                                                        dim=1)])
    same_verdict(lambda lib: lib.arange(5.).split_with_sizes([2, 2]))
    same_verdict(lambda lib: type(lib.ones(2, requires_grad=True).split_with_sizes(
        [1, 1])[0].grad_fn).__name__)


def test_contiguous_copies_only_when_needed():
    def scenario(lib):
        x = lib.ones(2, 3, requires_grad=True)
        y = x.t().contiguous()
        return (x.contiguous() is x, y.is_contiguous(), y.stride(), repr(y),
                y.data_ptr() == x.data_ptr())
    same_verdict(scenario)


def test_make_dual_lays_the_tangent_out_as_the_primal():
    def scenario(lib):
        fwAD = lib.autograd.forward_ad
        with fwAD.dual_level():
            tangent = lib.arange(4.)
            primal = lib.randn(5)[:4].detach()
            dual = fwAD.make_dual(primal, tangent)
            unpacked = fwAD.unpack_dual(dual).tangent
            unpacked *= 2
            same = lib.arange(2.).as_strided((0,), (1,), 1)
            dual2 = fwAD.make_dual(lib.tensor([1.]).as_strided((0,), (1,), 1), same)
            t = lib.ones(2, 3).t()
            dual3 = fwAD.make_dual(t, lib.arange(6.).view(3, 2))
            return (tangent.tolist(), unpacked.tolist(), unpacked is tangent,
                    fwAD.unpack_dual(dual2).tangent is same,
                    fwAD.unpack_dual(dual3).tangent.stride(),
                    fwAD.unpack_dual(dual.as_strided((5,), (1,), 0)).tangent.tolist())
    same_verdict(scenario)

    def expanded(lib):  # no layout for the tangent: its elements would share memory
        with lib.autograd.forward_ad.dual_level():
            return lib.autograd.forward_ad.make_dual(lib.ones(1).expand(3), lib.arange(3.))
    same_verdict(expanded)


def test_strides_of_numpy_arrays():
    a = np.zeros((2, 3), order="F")
    assert cr.from_numpy(a).stride() == (1, 2)


@pytest.mark.parametrize("call", [
    "torch.empty_strided((2, 3), (1, 2))",
    "torch.empty_strided((2, 3), (0, 1), dtype=torch.float64)",
    "torch.empty_strided((0,), (1,))", "torch.empty_strided((2, 0), (5, 1))",
    "torch.empty_strided((2,), (-1,))", "torch.empty_strided((2, 3), (1,))",
    "torch.zeros(2, dtype=torch.int32).new_empty_strided((2, 2), (2, 1))",
])
def test_empty_strided(call):
    def scenario(lib):
        t = eval(call, {"torch": lib})
        return (t.shape, t.stride(), str(t.dtype), t.untyped_storage().nbytes(),
                t.is_contiguous(), t.requires_grad)
    same_verdict(scenario)


def test_is_set_to_and_get_device():
    def scenario(lib):
        a = lib.zeros(4)
        return ([a.is_set_to(b) for b in (a, a.view(4), a[:], a.view(2, 2), lib.zeros(4), a[1:])],
                a.get_device(), lib.get_device(a))
    same_verdict(scenario)


def test_a_leaf_keeps_a_gradient_buffer_no_one_else_holds():
    # A Function handing one gradient to two leaves: one leaf keeps the buffer, the other
    # copies it; an expanded (non-contiguous) gradient is copied for both.
    def scenario(lib):
        seen = []

        class Both(lib.autograd.Function):
            @staticmethod
            def forward(ctx, x, y):
                return x + y

            @staticmethod
            def backward(ctx, grad):
                seen.append(grad.data_ptr())
                return grad, grad

        class Expanded(lib.autograd.Function):
            @staticmethod
            def forward(ctx, x):
                ctx.size = x.size()
                return lib.tensor([1.0])

            @staticmethod
            def backward(ctx, grad):
                return lib.ones(1).expand(ctx.size)

        a = lib.randn(3, 2, requires_grad=True)
        b = lib.randn(3, 2, requires_grad=True)
        Expanded.apply(Both.apply(a, b)).backward()
        copied = (a.grad.data_ptr() != seen[0], b.grad.data_ptr() != seen[0],
                  a.grad.is_contiguous())
        a.grad = b.grad = None
        Both.apply(a, b)[1][0].backward()
        kept = sorted([a.grad.data_ptr() == seen[1], b.grad.data_ptr() == seen[1]])
        return copied, kept
    same_verdict(scenario)
