"""Convolution, pooling and normalisation layers over 1, 2 and 3 dimensions, their lazy forms,
and the torch.* functions beneath them, against PyTorch.

A layer is built in both libraries with the same arguments and PyTorch's parameters and
buffers copied into ours; then the repr, the output (values, dtype, grad_fn name), the input
and parameter gradients for one random upstream gradient, and the buffers after the call must
agree.  Small float64 cases also pass gradcheck and gradgradcheck.
"""
from __future__ import annotations

import itertools

import numpy as np
import pytest

import chainrule as cr
from chainrule import nn
from helpers import assert_same, from_torch, to_torch

torch = pytest.importorskip("torch")


def _copy_state(ours, theirs) -> None:
    ours.load_state_dict({k: from_torch(v) for k, v in theirs.state_dict().items()})


def _check_layer(name, args, kwargs, shape, seed=0, train=True, call=None, rtol=1e-5):
    """``nn.<name>(*args, **kwargs)`` in both libraries, weights copied from PyTorch."""
    torch.manual_seed(seed)
    tm = getattr(torch.nn, name)(*args, **kwargs).double()
    m = getattr(nn, name)(*args, **kwargs).double()
    if not name.startswith("Lazy"):
        _copy_state(m, tm)
        assert repr(m) == repr(tm)
    m.train(train)
    tm.train(train)
    a = np.random.default_rng(seed).standard_normal(shape)
    x = cr.tensor(a).requires_grad_()
    tx = torch.from_numpy(a.copy()).requires_grad_()
    call = call or (lambda module, t: module(t))
    tout = call(tm, tx)
    if name.startswith("Lazy"):  # materialised by the first call: now copy and call again
        call(m, x)
        _copy_state(m, tm)
        assert type(m).__name__ == type(tm).__name__
        assert repr(m) == repr(tm)
        tout = call(tm, tx)
    out = call(m, x)
    if isinstance(tout, tuple):
        out, tout = out[0], tout[0]
    assert_same(out, tout, rtol, 1e-9)
    assert out.grad_fn.name() == tout.grad_fn.name()
    seed_grad = np.random.default_rng(seed + 1).standard_normal(tuple(tout.shape))
    out.backward(cr.tensor(seed_grad))
    tout.backward(torch.from_numpy(seed_grad))
    assert_same(x.grad, tx.grad, rtol, 1e-9)
    params = dict(m.named_parameters())
    for k, tp in tm.named_parameters():
        assert_same(params[k].grad, tp.grad, rtol, 1e-9)
    buffers = dict(m.named_buffers())
    for k, tb in tm.named_buffers():
        assert_same(buffers[k], tb, rtol, 1e-9)


def _gradchecks(fn, *shapes, seed=0):
    rng = np.random.default_rng(seed)
    inputs = [cr.tensor(rng.standard_normal(s)).requires_grad_() for s in shapes]
    assert cr.autograd.gradcheck(fn, inputs)
    assert cr.autograd.gradgradcheck(fn, inputs)


def _same_error(our_fn, their_fn):
    with pytest.raises(Exception) as theirs:
        their_fn()
    with pytest.raises(type(theirs.value)):
        our_fn()


# ----------------------------------------------------------------------------------------
# convolution
# ----------------------------------------------------------------------------------------
@pytest.mark.parametrize("name,args,kwargs,shape", [
    ("Conv3d", (2, 4, 3), dict(padding=1), (2, 2, 4, 3, 5)),
    ("Conv3d", (4, 2, (1, 2, 3)), dict(stride=(2, 1, 1), dilation=(1, 2, 1), groups=2),
     (1, 4, 3, 5, 6)),
    ("Conv3d", (2, 2, 2), dict(padding="same", padding_mode="circular", bias=False),
     (2, 3, 4, 3)),
    ("Conv1d", (2, 3, 3), dict(padding=2, padding_mode="reflect"), (2, 2, 6)),
    ("Conv2d", (2, 3, 3), dict(padding=(1, 2), padding_mode="replicate"), (1, 2, 4, 5)),
    ("Conv2d", (2, 3, 4), dict(padding="same", dilation=2), (1, 2, 7, 6)),
    ("ConvTranspose1d", (2, 4, 3), dict(stride=2, padding=1, output_padding=1), (2, 2, 5)),
    ("ConvTranspose1d", (4, 2, 2), dict(groups=2, dilation=2, bias=False), (4, 3)),
    ("ConvTranspose3d", (2, 3, 2), dict(stride=(2, 1, 2), padding=(0, 1, 1)), (1, 2, 3, 3, 2)),
    ("LazyConv1d", (3, 2), {}, (2, 2, 5)),
    ("LazyConv2d", (3, 2), dict(stride=2), (2, 2, 5, 4)),
    ("LazyConv3d", (2, 2), {}, (1, 1, 3, 3, 3)),
    ("LazyConvTranspose1d", (3, 2), {}, (2, 2, 5)),
    ("LazyConvTranspose2d", (3, 2), dict(stride=2), (1, 2, 3, 2)),
    ("LazyConvTranspose3d", (2, 2), {}, (1, 1, 2, 2, 2)),
    ("LazyLinear", (3,), {}, (2, 4)),
])
def test_conv_layers(name, args, kwargs, shape):
    _check_layer(name, args, kwargs, shape)


def test_conv_functions():
    rng = np.random.default_rng(2)
    for fn, xs, ws, kw in (("conv1d", (2, 4, 7), (6, 2, 3), dict(stride=2, groups=2)),
                           ("conv2d", (1, 2, 5, 4), (3, 2, 2, 3), dict(padding=1, dilation=2)),
                           ("conv3d", (1, 2, 3, 4, 3), (2, 2, 2, 2, 2), dict(padding="same")),
                           ("conv_transpose1d", (2, 2, 4), (2, 3, 3), dict(stride=3)),
                           ("conv_transpose2d", (1, 4, 3, 3), (4, 1, 2, 2),
                            dict(stride=2, output_padding=1, groups=2)),
                           ("conv_transpose3d", (1, 2, 2, 2, 2), (2, 1, 2, 2, 2),
                            dict(padding=1))):
        x, w = rng.standard_normal(xs), rng.standard_normal(ws)
        b = rng.standard_normal(ws[0] if "transpose" not in fn else ws[1] * kw.get("groups", 1))
        ours = [cr.tensor(v).requires_grad_() for v in (x, w, b)]
        theirs = [to_torch(t, requires_grad=True) for t in ours]
        out = getattr(cr, fn)(*ours, **kw)
        tout = getattr(torch, fn)(*theirs, **kw)
        assert_same(out, tout, 1e-10, 1e-10)
        assert out.grad_fn.name() == tout.grad_fn.name()
        g = rng.standard_normal(tuple(tout.shape))
        for ours_g, theirs_g in zip(cr.autograd.grad(out, ours, cr.tensor(g)),
                                    torch.autograd.grad(tout, theirs, torch.from_numpy(g))):
            assert_same(ours_g, theirs_g, 1e-10, 1e-10)
    x, w = rng.standard_normal((1, 2, 4, 4)), rng.standard_normal((2, 3, 2, 2))
    out = cr.convolution(cr.tensor(x), cr.tensor(w), None, [2, 2], [0, 0], [1, 1], True, [1, 0], 1)
    tout = torch.convolution(torch.from_numpy(x), torch.from_numpy(w), None, [2, 2], [0, 0],
                             [1, 1], True, [1, 0], 1)
    assert_same(out, tout, 1e-10, 1e-10)
    _same_error(lambda: cr.conv2d(cr.zeros(1, 3, 4, 4), cr.zeros(2, 2, 3, 3)),
                lambda: torch.conv2d(torch.zeros(1, 3, 4, 4), torch.zeros(2, 2, 3, 3)))
    _same_error(lambda: cr.conv3d(cr.zeros(1, 1, 2, 2, 2), cr.zeros(1, 1, 3, 3, 3)),
                lambda: torch.conv3d(torch.zeros(1, 1, 2, 2, 2), torch.zeros(1, 1, 3, 3, 3)))
    _gradchecks(lambda x, w: cr.conv3d(x, w, stride=2, padding=1), (1, 2, 3, 3, 2), (2, 2, 2, 2, 1))
    _gradchecks(lambda x, w, b: cr.conv_transpose1d(x, w, b, stride=2, dilation=2), (1, 2, 3),
                (2, 2, 2), (2,))


def test_fold_unfold():
    F, TF = nn.functional, torch.nn.functional
    rng = np.random.default_rng(3)
    a = rng.standard_normal((2, 3, 5, 4))
    for kw in (dict(kernel_size=2), dict(kernel_size=(2, 3), stride=(1, 2), padding=1, dilation=2)):
        x, tx = cr.tensor(a).requires_grad_(), torch.from_numpy(a.copy()).requires_grad_()
        cols, tcols = F.unfold(x, **kw), TF.unfold(tx, **kw)
        assert_same(cols, tcols, 1e-12, 1e-12)
        assert cols.grad_fn.name() == tcols.grad_fn.name()
        back, tback = F.fold(cols, (5, 4), **kw), TF.fold(tcols, (5, 4), **kw)
        assert_same(back, tback, 1e-12, 1e-12)
        assert back.grad_fn.name() == tback.grad_fn.name()
        back.sum().backward()
        tback.sum().backward()
        assert_same(x.grad, tx.grad, 1e-12, 1e-12)
    _gradchecks(lambda x: F.unfold(x, 2, padding=1, stride=2), (1, 2, 3, 3))
    _gradchecks(lambda x: F.unfold(x, (1, 2), dilation=2), (2, 3, 3))  # unbatched
    _gradchecks(lambda c: F.fold(c, (3, 4), 2, dilation=(1, 2)), (1, 4, 4))
    _gradchecks(lambda c: F.fold(c, (3, 3), 2), (8, 4))  # unbatched


# ----------------------------------------------------------------------------------------
# pooling
# ----------------------------------------------------------------------------------------
@pytest.mark.parametrize("name,args,kwargs,shape", [
    ("MaxPool3d", (2,), {}, (2, 2, 4, 5, 4)),
    ("MaxPool3d", ((2, 3, 2),), dict(stride=1, padding=1, dilation=(1, 1, 2), ceil_mode=True),
     (2, 3, 4, 5)),
    ("AvgPool3d", (3,), dict(stride=2, padding=1, count_include_pad=False), (1, 2, 5, 4, 5)),
    ("AvgPool3d", (2,), dict(ceil_mode=True, divisor_override=3), (2, 3, 3, 5)),
    ("AdaptiveAvgPool3d", ((2, 3, None),), {}, (1, 2, 5, 4, 3)),
    ("AdaptiveMaxPool3d", (2,), {}, (2, 3, 5, 3)),
    ("LPPool1d", (2, 3), dict(stride=2), (2, 3, 7)),
    ("LPPool2d", (3, (2, 3)), {}, (1, 2, 4, 6)),
    ("LPPool3d", (1.5, 2), {}, (1, 2, 4, 4, 2)),
])
def test_pool_layers(name, args, kwargs, shape):
    _check_layer(name, args, kwargs, shape)


def test_max_pool_functions():
    rng = np.random.default_rng(4)
    for fn, shape, args in (("max_pool1d", (2, 3, 7), (3, 2, 1)),
                            ("max_pool2d", (1, 2, 5, 4), (2, 1, 0, 2, True)),
                            ("max_pool3d", (1, 1, 4, 4, 3), (2,)),
                            ("avg_pool1d", (2, 3, 7), (3, 2, 1, False, False)),
                            ("adaptive_avg_pool1d", (2, 3, 7), (3,)),
                            ("adaptive_max_pool1d", (2, 3, 7), (3,))):
        a = rng.standard_normal(shape)
        x, tx = cr.tensor(a).requires_grad_(), torch.from_numpy(a.copy()).requires_grad_()
        out, tout = getattr(cr, fn)(x, *args), getattr(torch, fn)(tx, *args)
        if isinstance(tout, tuple):
            for o, t in zip(out, tout):
                assert_same(o, t, 1e-12, 1e-12)
            out, tout = out[0], tout[0]
        assert_same(out, tout, 1e-12, 1e-12)
        assert out.grad_fn.name() == tout.grad_fn.name()
        out.sum().backward()
        tout.sum().backward()
        assert_same(x.grad, tx.grad, 1e-12, 1e-12)
    _same_error(lambda: cr.max_pool2d(cr.zeros(1, 1, 3, 3), 2, padding=2),
                lambda: torch.max_pool2d(torch.zeros(1, 1, 3, 3), 2, padding=2))


@pytest.mark.parametrize("dims", [2, 3])
def test_fractional_max_pool(dims):
    shape = (2, 3) + (7, 6, 5)[:dims]
    samples = np.random.default_rng(5).uniform(size=(2, 3, dims))
    for kwargs in (dict(kernel_size=2, output_size=3),
                   dict(kernel_size=3, output_ratio=(0.5,) * dims)):
        name = f"FractionalMaxPool{dims}d"
        fn = f"fractional_max_pool{dims}d"
        a = np.random.default_rng(6).standard_normal(shape)
        x, tx = cr.tensor(a).requires_grad_(), torch.from_numpy(a.copy()).requires_grad_()
        out, idx = getattr(nn.functional, fn)(x, return_indices=True,
                                              _random_samples=cr.tensor(samples), **kwargs)
        tout, tidx = getattr(torch.nn.functional, fn)(tx, return_indices=True,
                                                      _random_samples=torch.from_numpy(samples),
                                                      **kwargs)
        assert_same(out, tout, 1e-12, 1e-12)
        assert_same(idx, tidx)
        assert out.grad_fn.name() == tout.grad_fn.name()
        g = np.random.default_rng(7).standard_normal(tuple(tout.shape))
        out.backward(cr.tensor(g))
        tout.backward(torch.from_numpy(g))
        assert_same(x.grad, tx.grad, 1e-12, 1e-12)
        m, tm = getattr(nn, name)(**kwargs), getattr(torch.nn, name)(**kwargs)
        assert repr(m) == repr(tm)
        assert tuple(m(cr.tensor(a)).shape) == tuple(tm(torch.from_numpy(a)).shape)


@pytest.mark.parametrize("dims", [1, 2, 3])
def test_max_unpool(dims):
    shape = (2, 2) + (6, 4, 4)[:dims]
    a = np.random.default_rng(8).standard_normal(shape)
    pool = getattr(torch.nn, f"MaxPool{dims}d")(2, return_indices=True)
    tpooled, tidx = pool(torch.from_numpy(a))
    m, tm = getattr(nn, f"MaxUnpool{dims}d")(2), getattr(torch.nn, f"MaxUnpool{dims}d")(2)
    assert repr(m) == repr(tm)
    x, tx = from_torch(tpooled).requires_grad_(), tpooled.clone().requires_grad_()
    for size in (None, tuple(shape[2:])):
        out, tout = m(x, from_torch(tidx), size), tm(tx, tidx, size)
        assert_same(out, tout, 1e-12, 1e-12)
        assert out.grad_fn.name() == tout.grad_fn.name()
    g = np.random.default_rng(9).standard_normal(tuple(tout.shape))
    out.backward(cr.tensor(g))
    tout.backward(torch.from_numpy(g))
    assert_same(x.grad, tx.grad, 1e-12, 1e-12)
    _gradchecks(lambda v: getattr(nn.functional, f"max_unpool{dims}d")(v, from_torch(tidx), 2),
                tuple(tpooled.shape))


def test_pool_gradchecks():
    F = nn.functional
    _gradchecks(lambda x: F.max_pool3d(x, 2, 1), (1, 1, 3, 3, 3))
    _gradchecks(lambda x: F.avg_pool3d(x, 2, 1, 1), (1, 1, 3, 2, 3))
    _gradchecks(lambda x: F.lp_pool2d(x * x + 0.5, 3, 2), (1, 2, 4, 4))
    _gradchecks(lambda x: F.adaptive_max_pool3d(x, 2), (1, 1, 3, 3, 3))
    _gradchecks(lambda x: F.adaptive_avg_pool3d(x, (2, 1, 2)), (1, 1, 3, 3, 3))


# ----------------------------------------------------------------------------------------
# normalisation
# ----------------------------------------------------------------------------------------
@pytest.mark.parametrize("name,args,kwargs,shape,train", [
    ("BatchNorm3d", (3,), dict(momentum=0.3), (2, 3, 2, 3, 2), True),
    ("BatchNorm3d", (3,), dict(affine=False), (2, 3, 2, 3, 2), False),
    ("InstanceNorm3d", (2,), dict(affine=True), (2, 2, 3, 2, 3), True),
    ("InstanceNorm3d", (2,), dict(track_running_stats=True), (2, 3, 2, 2), True),
    ("RMSNorm", ((3, 4),), {}, (2, 3, 4), True),
    ("RMSNorm", (4,), dict(eps=1e-3, elementwise_affine=False), (2, 4), True),
    ("LocalResponseNorm", (3,), dict(alpha=0.1, beta=0.5, k=2.0), (2, 5, 3, 2), True),
    ("LocalResponseNorm", (2,), {}, (2, 4, 3), True),
    ("CrossMapLRN2d", (3,), dict(alpha=0.2, beta=0.6, k=1.5), (2, 5, 3, 3), True),
    ("LazyBatchNorm1d", (), {}, (4, 3), True),
    ("LazyBatchNorm2d", (), dict(momentum=None), (2, 3, 2, 2), True),
    ("LazyBatchNorm3d", (), {}, (2, 2, 2, 2, 2), False),
    ("LazyInstanceNorm1d", (), dict(affine=True), (2, 3, 4), True),
    ("LazyInstanceNorm2d", (), {}, (2, 3, 3, 2), True),
    ("LazyInstanceNorm3d", (), dict(track_running_stats=True), (2, 2, 2, 2, 3), True),
])
def test_norm_layers(name, args, kwargs, shape, train):
    _check_layer(name, args, kwargs, shape, train=train)


def test_norm_functions():
    rng = np.random.default_rng(10)
    a, w, b = rng.standard_normal((2, 3, 4)), rng.standard_normal(3), rng.standard_normal(3)
    rm, rv = rng.standard_normal(3), rng.uniform(0.5, 2, 3)
    calls = [
        ("layer_norm", lambda lib, x, w, b: lib.layer_norm(x, (4,), None, None, 1e-4)),
        ("batch_norm", lambda lib, x, w, b: lib.batch_norm(
            x, w, b, lib.tensor(rm), lib.tensor(rv), True, 0.1, 1e-5, False)),
        ("group_norm", lambda lib, x, w, b: lib.group_norm(x, 3, w, b, 1e-5, False)),
        ("instance_norm", lambda lib, x, w, b: lib.instance_norm(
            x, w, b, None, None, True, 0.1, 1e-5, False)),
        ("rms_norm", lambda lib, x, w, b: lib.rms_norm(x, (3, 4), None, 1e-6)),
        ("local_response_norm", lambda lib, x, w, b: lib.nn.functional.local_response_norm(
            x, 2, 0.5, 0.75, 1.5)),
        ("rms_norm_f", lambda lib, x, w, b: lib.nn.functional.rms_norm(x, (4,))),
    ]
    for name, call in calls:
        ours = [cr.tensor(v).requires_grad_() for v in (a, w, b)]
        theirs = [to_torch(t, requires_grad=True) for t in ours]
        out, tout = call(cr, *ours), call(torch, *theirs)
        assert_same(out, tout, 1e-10, 1e-10)
        assert out.grad_fn.name() == tout.grad_fn.name(), name
        g = rng.standard_normal(tuple(tout.shape))
        grads = cr.autograd.grad(out, ours, cr.tensor(g), allow_unused=True)
        tgrads = torch.autograd.grad(tout, theirs, torch.from_numpy(g), allow_unused=True)
        for og, tg in zip(grads, tgrads):
            assert_same(og, tg, 1e-9, 1e-10)
    x32 = np.ones((2, 4), np.float32)
    assert_same(cr.rms_norm(cr.tensor(x32), (4,)), torch.rms_norm(torch.from_numpy(x32), (4,)))
    _same_error(lambda: cr.group_norm(cr.zeros(2, 3, 4), 2),
                lambda: torch.group_norm(torch.zeros(2, 3, 4), 2))
    _same_error(lambda: cr.layer_norm(cr.zeros(2, 3), (4,)),
                lambda: torch.layer_norm(torch.zeros(2, 3), (4,)))


def test_norm_gradchecks():
    F = nn.functional
    _gradchecks(lambda x, w: F.group_norm(x, 2, w), (2, 4, 3), (4,))
    _gradchecks(lambda x, w, b: F.instance_norm(x, weight=w, bias=b), (2, 2, 3, 2), (2,), (2,))
    _gradchecks(lambda x, w: F.rms_norm(x, (3,), w), (2, 3), (3,))
    _gradchecks(lambda x: F.local_response_norm(x, 3, k=2.0), (1, 4, 2, 2))
    # CrossMapLRN2d keeps PyTorch's legacy backward, which drops the cross-channel terms
    # (PyTorch's own fails gradcheck): its gradient is compared with PyTorch's above instead.


# ----------------------------------------------------------------------------------------
# shuffles, fold and unfold as layers
# ----------------------------------------------------------------------------------------
@pytest.mark.parametrize("name,args,kwargs,shape", [
    ("ChannelShuffle", (2,), {}, (2, 4, 3)),
    ("ChannelShuffle", (3,), {}, (1, 6, 2, 2)),
    ("PixelShuffle", (2,), {}, (1, 8, 2, 3)),
    ("PixelUnshuffle", (2,), {}, (2, 4, 2)),
    ("Fold", ((3, 4), 2), {}, (2, 12, 6)),
    ("Fold", ((4, 5), (2, 3)), dict(dilation=(2, 1), padding=1, stride=2), (1, 6, 6)),
    ("Fold", ((3, 3), 2), {}, (8, 4)),
    ("Unfold", (2,), dict(padding=1), (2, 3, 3, 4)),
    ("Unfold", ((2, 3),), dict(stride=(1, 2), dilation=2), (3, 5, 6)),
])
def test_shuffle_and_fold_layers(name, args, kwargs, shape):
    _check_layer(name, args, kwargs, shape)


# ----------------------------------------------------------------------------------------
# nn.init
# ----------------------------------------------------------------------------------------
def test_init_dirac():
    for shape, groups in (((4, 2, 3), 1), ((6, 4, 3, 2), 2), ((2, 3, 3, 3, 3), 1),
                          ((4, 6, 5, 4), 2), ((3, 1, 2), 3)):
        w = cr.empty(*shape)
        assert cr.nn.init.dirac_(w, groups) is w
        assert_same(w, torch.nn.init.dirac_(torch.empty(*shape), groups))
    for shape, groups in (((2, 3), 1), ((3, 2, 2), 2)):
        _same_error(lambda a=(shape, groups): cr.nn.init.dirac_(cr.empty(*a[0]), a[1]),
                    lambda a=(shape, groups): torch.nn.init.dirac_(torch.empty(*a[0]), a[1]))
    # the identity it promises: a same-padded convolution by it copies the channels
    x = cr.randn(1, 3, 5, 4)
    out = nn.functional.conv2d(x, cr.nn.init.dirac_(cr.empty(3, 3, 3, 3)), padding=1)
    assert_same(out, to_torch(x))


def test_init_orthogonal():
    cr.manual_seed(0)
    for shape, gain in (((5, 2, 3), 2.0), ((4, 3), 1.0), ((3, 3), 0.5)):
        w = cr.empty(*shape, dtype=cr.float64)
        assert cr.nn.init.orthogonal_(w, gain) is w
        m = w.reshape(shape[0], -1).numpy() / gain
        small = min(m.shape)
        gram = m @ m.T if m.shape[0] == small else m.T @ m
        np.testing.assert_allclose(gram, np.eye(small), atol=1e-12)
    assert cr.nn.init.orthogonal_(cr.empty(0, 3)).shape == (0, 3)
    # Q's column signs follow R's diagonal, so repeated draws are not all alike
    draws = np.array([cr.nn.init.orthogonal_(cr.empty(2, 2))[0, 0].item() for _ in range(20)])
    assert (draws > 0).any() and (draws < 0).any()
    _same_error(lambda: cr.nn.init.orthogonal_(cr.empty(3)),
                lambda: torch.nn.init.orthogonal_(torch.empty(3)))


# ----------------------------------------------------------------------------------------
# affine_grid and grid_sample
# ----------------------------------------------------------------------------------------
@pytest.mark.parametrize("dims,mode", [(2, "bilinear"), (2, "nearest"), (2, "bicubic"),
                                       (3, "bilinear"), (3, "nearest")])
def test_grid_sample(dims, mode):
    F, TF = nn.functional, torch.nn.functional
    rng = np.random.default_rng(dims)
    shape = (2, 3, 4, 5) if dims == 2 else (2, 2, 3, 4, 3)
    grid_shape = (2, 3, 2, 2) if dims == 2 else (2, 2, 3, 2, 3)
    for padding_mode in ("zeros", "border", "reflection"):
        for align_corners in (False, True):
            a, g = rng.standard_normal(shape), rng.uniform(-1.6, 1.6, grid_shape)
            x, grid = cr.tensor(a).requires_grad_(), cr.tensor(g).requires_grad_()
            tx, tgrid = to_torch(x, True), to_torch(grid, True)
            out = F.grid_sample(x, grid, mode, padding_mode, align_corners)
            tout = TF.grid_sample(tx, tgrid, mode, padding_mode, align_corners)
            assert_same(out, tout, 1e-10, 1e-12)
            seed = rng.standard_normal(tuple(tout.shape))
            out.backward(cr.tensor(seed))
            tout.backward(torch.from_numpy(seed))
            assert_same(x.grad, tx.grad, 1e-10, 1e-12)
            assert_same(grid.grad, tgrid.grad, 1e-10, 1e-12)
    if mode != "nearest":  # nearest is piecewise constant in the grid
        _gradchecks(lambda x, g: F.grid_sample(x, g, mode, "reflection", False),
                    (1, 2) + (3,) * dims, (1, 2) + (2,) * (dims - 1) + (dims,), seed=1)


def test_grid_sample_edges_and_errors():
    F, TF = nn.functional, torch.nn.functional
    # NaN, infinities, huge values and exact edges go where PyTorch's 2-D and 3-D kernels
    # (which differ) send them; not huge values reflected, whose remainder PyTorch's
    # vectorised kernel computes otherwise (both are meaningless at 1e30)
    for dims, padding_mode in itertools.product((2, 3), ("zeros", "border", "reflection")):
        odd = [np.nan, np.inf, -np.inf, -1.0, 1.0, 0.3]
        odd += [1e30] if padding_mode != "reflection" else []
        a = np.arange(24.0).reshape((1, 1, 6, 4) if dims == 2 else (1, 1, 2, 3, 4))
        g = np.array(list(itertools.product(odd, repeat=dims)))
        g = g.reshape((1, 1, -1, dims) if dims == 2 else (1, 1, 1, -1, dims))
        modes = ("bilinear", "nearest", "bicubic")[:5 - dims]
        for mode, align_corners in itertools.product(modes, (False, True)):
            assert_same(F.grid_sample(cr.tensor(a), cr.tensor(g), mode, padding_mode,
                                      align_corners),
                        TF.grid_sample(torch.from_numpy(a), torch.from_numpy(g), mode,
                                       padding_mode, align_corners))
    x, grid = cr.zeros(1, 1, 3, 4), cr.zeros(1, 2, 2, 2)
    for args in ((x, grid, "linear"), (x, grid, "bilinear", "wrap"),
                 (x, grid.double()), (cr.zeros(2, 1, 3, 4), grid), (x, cr.zeros(1, 2, 2, 3)),
                 (cr.zeros(1, 1, 2, 2, 2), cr.zeros(1, 1, 1, 1, 3), "bicubic"),
                 (x.long(), grid.long()), (x, cr.zeros(1, 2, 2)), (cr.zeros(1, 1, 0, 4), grid)):
        targs = [to_torch(a) if isinstance(a, cr.Tensor) else a for a in args]
        _same_error(lambda a=args: F.grid_sample(*a, align_corners=False),
                    lambda a=targs: TF.grid_sample(*a, align_corners=False))
    with pytest.warns(UserWarning, match="align_corners=False since 1.3.0"):
        F.grid_sample(x, grid)
    with pytest.warns(UserWarning, match="align_corners=False since 1.3.0"):
        F.affine_grid(cr.zeros(1, 2, 3), (1, 1, 2, 2))
    for theta, size in ((cr.zeros(1, 2, 3, dtype=cr.int64), (1, 1, 2, 2)),
                        (cr.zeros(1, 2, 3), (1, 1, 2)), (cr.zeros(1, 2, 3), (1, 1, 0, 2)),
                        (cr.zeros(1, 3, 4), (1, 1, 2, 2)), (cr.zeros(1, 2, 3), (1, 1, 2, 2, 2))):
        _same_error(lambda a=(theta, size): F.affine_grid(*a, align_corners=False),
                    lambda a=(to_torch(theta), size): TF.affine_grid(*a, align_corners=False))


def test_spatial_transformer():
    """affine_grid + grid_sample: the identity map gives the input back, a shift moves it;
    both with gradients for theta as PyTorch's."""
    F, TF = nn.functional, torch.nn.functional
    image = cr.randn(2, 3, 4, 5, dtype=cr.float64)
    identity = cr.tensor([[[1.0, 0, 0], [0, 1, 0]]] * 2, dtype=cr.float64)
    same = F.grid_sample(image, F.affine_grid(identity, image.shape, False), align_corners=False)
    assert_same(same, to_torch(image))
    theta = cr.tensor([[[0.9, 0.2, 0.1], [-0.1, 1.1, 0.3]]] * 2, dtype=cr.float64,
                      requires_grad=True)
    ttheta = to_torch(theta, True)
    out = F.grid_sample(image, F.affine_grid(theta, (2, 3, 3, 3), True), align_corners=True)
    tout = TF.grid_sample(to_torch(image), TF.affine_grid(ttheta, (2, 3, 3, 3), True),
                          align_corners=True)
    assert_same(out, tout, 1e-10, 1e-12)
    out.square().sum().backward()
    tout.square().sum().backward()
    assert_same(theta.grad, ttheta.grad, 1e-10, 1e-12)


# ----------------------------------------------------------------------------------------
# interpolate: 5-D inputs, trilinear, bicubic and area modes
# ----------------------------------------------------------------------------------------
@pytest.mark.parametrize("shape,kwargs", [
    ((1, 2, 4, 5), dict(scale_factor=2, mode="bicubic", align_corners=False)),
    ((1, 2, 4, 5), dict(size=(3, 7), mode="bicubic", align_corners=True)),
    ((2, 1, 5, 4), dict(scale_factor=0.6, mode="bicubic", recompute_scale_factor=True)),
    ((1, 2, 3, 4, 2), dict(scale_factor=2, mode="trilinear")),
    ((1, 2, 3, 4, 2), dict(size=(2, 5, 3), mode="trilinear", align_corners=True)),
    ((1, 2, 3, 4, 2), dict(scale_factor=(2, 1.5, 1))),
    ((1, 2, 3, 4, 2), dict(size=(5, 2, 3), mode="nearest-exact")),
    ((1, 2, 6, 5), dict(size=(3, 2), mode="area")),
    ((1, 2, 6), dict(size=4, mode="area")),
    ((1, 2, 3, 4, 5), dict(scale_factor=0.5, mode="area")),
])
def test_interpolate_modes(shape, kwargs):
    F, TF = nn.functional, torch.nn.functional
    for dtype in (np.float32, np.float64):
        a = np.random.default_rng(len(shape)).standard_normal(shape).astype(dtype)
        x, tx = cr.tensor(a).requires_grad_(), torch.from_numpy(a.copy()).requires_grad_()
        out, tout = F.interpolate(x, **kwargs), TF.interpolate(tx, **kwargs)
        tol = (1e-5, 1e-6) if dtype == np.float32 else (1e-10, 1e-12)
        assert_same(out, tout, *tol)
        assert out.grad_fn.name() == tout.grad_fn.name()
        seed = np.random.default_rng(1).standard_normal(tuple(tout.shape)).astype(dtype)
        out.backward(cr.tensor(seed))
        tout.backward(torch.from_numpy(seed))
        assert_same(x.grad, tx.grad, *tol)
    _gradchecks(lambda x: F.interpolate(x, **kwargs), shape)


def test_interpolate_errors_and_upsample():
    F, TF = nn.functional, torch.nn.functional
    for shape, kwargs in (((2, 3), dict(size=2)), ((1, 1, 2, 2, 2), dict(size=2, mode="bilinear")),
                          ((1, 1, 2, 2), dict(size=2, mode="trilinear")),
                          ((1, 1, 2), dict(size=2, mode="bicubic")),
                          ((1, 1, 2, 2), dict(size=2, mode="area", align_corners=True)),
                          ((1, 1, 2, 2), dict(size=2, mode="cubic"))):
        _same_error(lambda a=(shape, kwargs): F.interpolate(cr.zeros(*a[0]), **a[1]),
                    lambda a=(shape, kwargs): TF.interpolate(torch.zeros(*a[0]), **a[1]))
    for kwargs, shape in ((dict(scale_factor=2, mode="trilinear"), (1, 2, 2, 3, 2)),
                          (dict(size=(3, 5), mode="bicubic", align_corners=True), (1, 2, 2, 3)),
                          (dict(scale_factor=(1, 2, 0.5)), (1, 1, 2, 3, 4))):
        _check_layer("Upsample", (), kwargs, shape)
