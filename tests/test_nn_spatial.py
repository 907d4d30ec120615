"""Pooling, sampling, transposed convolution, padding, channel dropout, group and instance
normalisation of ``nn`` and ``nn.functional`` against PyTorch: values, dtypes, shapes,
gradients, errors, reprs."""
from __future__ import annotations

import itertools
import warnings

import numpy as np
import pytest

import chainrule as cr
from chainrule import nn
from chainrule.nn import functional
from helpers import assert_same, from_torch, to_torch
from nn_oracle import check_forward_mode

torch = pytest.importorskip("torch")
TF = torch.nn.functional


def _pair_of(shape, seed, dtype=np.float32):
    """The same random input in chainrule and PyTorch, both requiring grad."""
    a = np.random.default_rng(seed).standard_normal(shape).astype(dtype)
    ours = cr.tensor(a.copy()).requires_grad_()
    theirs = torch.from_numpy(a.copy()).requires_grad_()
    return ours, theirs


def _check(our_fn, their_fn, shape, seed=0, dtype=np.float32, rtol=1e-5, atol=1e-6):
    """Same output and same input gradient (for a seeded random upstream gradient)."""
    x, tx = _pair_of(shape, seed, dtype)
    out, tout = our_fn(x), their_fn(tx)
    if isinstance(tout, tuple):
        for o, t in zip(out, tout):
            assert_same(o, t, rtol, atol)
        out, tout = out[0], tout[0]
    assert_same(out, tout, rtol, atol)
    g = np.random.default_rng(seed + 1).standard_normal(tuple(tout.shape)).astype(dtype)
    out.backward(cr.tensor(g))
    tout.backward(torch.from_numpy(g))
    assert_same(x.grad, tx.grad, rtol, atol)


def _same_error(our_fn, their_fn):
    with pytest.raises(Exception) as theirs:
        their_fn()
    with pytest.raises(type(theirs.value)):
        our_fn()


# ----------------------------------------------------------------------------------------
# pooling
# ----------------------------------------------------------------------------------------
@pytest.mark.parametrize("k,s,p,d,ceil", [
    (2, None, 0, 1, False), (3, 2, 1, 1, False), (3, 2, 1, 2, True), (2, 3, 0, 1, True),
    (4, 1, 2, 1, False)])
def test_max_pool1d(k, s, p, d, ceil):
    for shape, ri in (((2, 3, 9), False), ((3, 8), True)):
        _check(lambda x, ri=ri: functional.max_pool1d(x, k, s, p, d, ceil, ri),
               lambda x, ri=ri: TF.max_pool1d(x, k, s, p, d, ceil, ri), shape)
        m, tm = nn.MaxPool1d(k, s, p, d, ri, ceil), torch.nn.MaxPool1d(k, s, p, d, ri, ceil)
        assert repr(m) == repr(tm)


@pytest.mark.parametrize("k,s,p,ceil,cip", [
    (2, None, 0, False, True), (3, 2, 1, False, False), (3, 2, 1, True, True),
    (2, 3, 1, True, False)])
def test_avg_pool1d(k, s, p, ceil, cip):
    for shape in ((2, 3, 9), (3, 8)):
        _check(lambda x: functional.avg_pool1d(x, k, s, p, ceil, cip),
               lambda x: TF.avg_pool1d(x, k, s, p, ceil, cip), shape)
    assert repr(nn.AvgPool1d(k, s, p, ceil, cip)) == repr(torch.nn.AvgPool1d(k, s, p, ceil, cip))


@pytest.mark.parametrize("size", [1, 3, 4, 7])
def test_adaptive_1d(size):
    for shape in ((2, 3, 7), (3, 12)):
        _check(lambda x: functional.adaptive_avg_pool1d(x, size),
               lambda x: TF.adaptive_avg_pool1d(x, size), shape)
        _check(lambda x: functional.adaptive_max_pool1d(x, size, True),
               lambda x: TF.adaptive_max_pool1d(x, size, True), shape)
    assert repr(nn.AdaptiveAvgPool1d(size)) == repr(torch.nn.AdaptiveAvgPool1d(size))
    assert repr(nn.AdaptiveMaxPool1d(size)) == repr(torch.nn.AdaptiveMaxPool1d(size))


@pytest.mark.parametrize("size", [1, 2, (3, None), (5, 2), (None, 4), 6])
def test_adaptive_max_pool2d(size):
    for shape in ((2, 3, 5, 7), (2, 6, 4)):
        _check(lambda x: functional.adaptive_max_pool2d(x, size, True),
               lambda x: TF.adaptive_max_pool2d(x, size, True), shape)
        _check(lambda x: nn.AdaptiveMaxPool2d(size)(x),
               lambda x: torch.nn.AdaptiveMaxPool2d(size)(x), shape, seed=3)
    assert repr(nn.AdaptiveMaxPool2d(size)) == repr(torch.nn.AdaptiveMaxPool2d(size))


def test_adaptive_max_pool2d_ties_and_nan():
    # ties: the first maximum takes the gradient; NaN wins its bin
    a = np.array([[[[1., 1., 0.], [1., np.nan, 2.], [2., 2., 2.]]]], dtype=np.float32)
    for size in (2, 1, (3, 2)):
        x, tx = cr.tensor(a).requires_grad_(), torch.tensor(a, requires_grad=True)
        out = functional.adaptive_max_pool2d(x, size, True)
        tout = TF.adaptive_max_pool2d(tx, size, True)
        assert_same(out[0], tout[0])
        assert_same(out[1], tout[1])
        out[0].sum().backward()
        tout[0].sum().backward()
        assert_same(x.grad, tx.grad)


def test_pooling_errors():
    x, tx = cr.zeros(1, 2, 3, 3), torch.zeros(1, 2, 3, 3)
    _same_error(lambda: functional.max_pool1d(x, 2), lambda: TF.max_pool1d(tx, 2))
    _same_error(lambda: functional.max_pool1d(cr.zeros(3), 2),
                lambda: TF.max_pool1d(torch.zeros(3), 2))
    _same_error(lambda: functional.avg_pool1d(cr.zeros(3), 2),
                lambda: TF.avg_pool1d(torch.zeros(3), 2))
    _same_error(lambda: functional.adaptive_avg_pool1d(cr.zeros(3), 2),
                lambda: TF.adaptive_avg_pool1d(torch.zeros(3), 2))
    _same_error(lambda: functional.adaptive_max_pool2d(cr.zeros(2, 3), 2),
                lambda: TF.adaptive_max_pool2d(torch.zeros(2, 3), 2))
    _same_error(lambda: functional.max_pool1d(cr.zeros(1, 2, 5), 2, padding=2),
                lambda: TF.max_pool1d(torch.zeros(1, 2, 5), 2, padding=2))


# ----------------------------------------------------------------------------------------
# interpolation
# ----------------------------------------------------------------------------------------
_INTERP_CASES = [
    dict(size=8), dict(size=(3, 7)), dict(size=(5, 2)), dict(scale_factor=2),
    dict(scale_factor=0.5), dict(scale_factor=(1.7, 2.3)), dict(scale_factor=1.5),
    dict(scale_factor=(1.7, 0.6), recompute_scale_factor=True), dict(size=(4, 5)),
    dict(size=1)]


@pytest.mark.parametrize("case", _INTERP_CASES)
@pytest.mark.parametrize("mode,ac", [("nearest", None), ("nearest-exact", None),
                                     ("bilinear", False), ("bilinear", True)])
def test_interpolate_2d(case, mode, ac):
    _check(lambda x: functional.interpolate(x, mode=mode, align_corners=ac, **case),
           lambda x: TF.interpolate(x, mode=mode, align_corners=ac, **case), (2, 3, 4, 5))


@pytest.mark.parametrize("case", [dict(size=9), dict(size=3), dict(scale_factor=2.5),
                                  dict(scale_factor=0.7)])
@pytest.mark.parametrize("mode,ac", [("nearest", None), ("linear", False), ("linear", True)])
def test_interpolate_1d(case, mode, ac):
    _check(lambda x: functional.interpolate(x, mode=mode, align_corners=ac, **case),
           lambda x: TF.interpolate(x, mode=mode, align_corners=ac, **case), (2, 3, 5))


def test_interpolate_float64_and_layers():
    _check(lambda x: functional.interpolate(x, scale_factor=1.3, mode="bilinear"),
           lambda x: TF.interpolate(x, scale_factor=1.3, mode="bilinear"), (1, 2, 5, 4),
           dtype=np.float64, rtol=1e-12, atol=1e-12)
    layers = [
        ((), dict(scale_factor=2)), ((), dict(size=(3, 4), mode="bilinear", align_corners=True)),
        ((), dict(scale_factor=(2, 3), mode="bilinear")), ((), dict(size=5))]
    for args, kwargs in layers:
        m, tm = nn.Upsample(*args, **kwargs), torch.nn.Upsample(*args, **kwargs)
        assert repr(m) == repr(tm)
        _check(m, tm, (1, 2, 3, 4))
    for cls, tcls in ((nn.UpsamplingNearest2d, torch.nn.UpsamplingNearest2d),
                      (nn.UpsamplingBilinear2d, torch.nn.UpsamplingBilinear2d)):
        for kwargs in (dict(scale_factor=2), dict(size=(5, 3))):
            m, tm = cls(**kwargs), tcls(**kwargs)
            assert repr(m) == repr(tm)
            _check(m, tm, (1, 2, 3, 4), seed=5)


def test_interpolate_errors():
    x, tx = cr.zeros(1, 1, 3, 3), torch.zeros(1, 1, 3, 3)
    for kwargs in (dict(), dict(size=3, scale_factor=2), dict(size=(2, 2, 2)),
                   dict(size=2, align_corners=True), dict(size=2, mode="linear"),
                   dict(scale_factor=(2, 2, 2))):
        _same_error(lambda kw=kwargs: functional.interpolate(x, **kw),
                    lambda kw=kwargs: TF.interpolate(tx, **kw))
    _same_error(lambda: functional.interpolate(cr.zeros(1, 1, 3), size=2, mode="bilinear"),
                lambda: TF.interpolate(torch.zeros(1, 1, 3), size=2, mode="bilinear"))
    _same_error(lambda: functional.interpolate(cr.zeros(3, 3), size=2),
                lambda: TF.interpolate(torch.zeros(3, 3), size=2))
    _same_error(lambda: functional.interpolate(cr.zeros(1, 1, 3, 3, dtype=cr.int64), size=2),
                lambda: TF.interpolate(torch.zeros(1, 1, 3, 3, dtype=torch.int64), size=2))


# ----------------------------------------------------------------------------------------
# transposed convolution
# ----------------------------------------------------------------------------------------
_CT_CASES = [  # (in, out, k, stride, padding, output_padding, groups, dilation, bias, hw)
    (2, 3, 3, 1, 0, 0, 1, 1, True, (4, 5)),
    (2, 3, (2, 3), 2, 1, 1, 1, 1, True, (4, 3)),
    (4, 6, 3, (2, 3), (1, 2), (1, 2), 2, 1, False, (3, 4)),
    (4, 4, 3, 2, 2, 1, 4, 2, True, (5, 4)),
    (3, 2, 1, 3, 0, 2, 1, 1, True, (3, 3)),
    (2, 2, 3, 1, 3, 0, 1, 2, False, (6, 6)),
    (1, 2, 4, 3, 1, 0, 1, 1, True, (1, 2)),
]


@pytest.mark.parametrize("case", _CT_CASES)
def test_conv_transpose2d(case):
    cin, cout, k, s, p, op, g, d, bias, hw = case
    torch.manual_seed(0)
    tm = torch.nn.ConvTranspose2d(cin, cout, k, s, p, op, g, bias, d)
    m = nn.ConvTranspose2d(cin, cout, k, s, p, op, g, bias, d)
    assert repr(m) == repr(tm)
    assert m.weight.shape == tuple(tm.weight.shape)
    m.weight = cr.nn.Parameter(from_torch(tm.weight.detach()))
    if bias:
        m.bias = cr.nn.Parameter(from_torch(tm.bias.detach()))
    for shape in ((2, cin) + hw, (cin,) + hw):
        _check(m, tm, shape, rtol=1e-4, atol=1e-5)
    assert_same(m.weight.grad, tm.weight.grad, 1e-4, 1e-4)
    if bias:
        assert_same(m.bias.grad, tm.bias.grad, 1e-4, 1e-4)


def test_conv_transpose2d_output_size_and_init():
    torch.manual_seed(1)
    tm = torch.nn.ConvTranspose2d(2, 3, 3, stride=2, padding=1)
    m = nn.ConvTranspose2d(2, 3, 3, stride=2, padding=1)
    m.weight, m.bias = (cr.nn.Parameter(from_torch(t.detach())) for t in (tm.weight, tm.bias))
    x = np.random.default_rng(0).standard_normal((1, 2, 4, 4)).astype(np.float32)
    for size in ((7, 7), (8, 7), [1, 3, 8, 8]):
        assert_same(m(cr.tensor(x), output_size=size),
                    tm(torch.from_numpy(x), output_size=size), 1e-5, 1e-5)
    _same_error(lambda: m(cr.tensor(x), output_size=(9, 9)),
                lambda: tm(torch.from_numpy(x), output_size=(9, 9)))
    # PyTorch's init: U(-1/sqrt(fan_in), ...), fan_in = (out/groups)*kh*kw
    big = nn.ConvTranspose2d(8, 6, 3, groups=2)
    bound = 1 / np.sqrt(3 * 9)
    assert np.abs(big.weight.detach().numpy()).max() <= bound
    assert np.abs(big.weight.detach().numpy()).max() > 0.8 * bound
    assert np.abs(big.bias.detach().numpy()).max() <= bound


def test_conv_transpose2d_errors():
    x, tx = cr.zeros(1, 3, 4, 4), torch.zeros(1, 3, 4, 4)
    w, tw = cr.zeros(4, 2, 3, 3), torch.zeros(4, 2, 3, 3)
    _same_error(lambda: functional.conv_transpose2d(x, w), lambda: TF.conv_transpose2d(tx, tw))
    x, tx = cr.zeros(1, 4, 4, 4), torch.zeros(1, 4, 4, 4)
    _same_error(lambda: functional.conv_transpose2d(x, w, stride=2, output_padding=2),
                lambda: TF.conv_transpose2d(tx, tw, stride=2, output_padding=2))
    _same_error(lambda: functional.conv_transpose2d(x, w, groups=3),
                lambda: TF.conv_transpose2d(tx, tw, groups=3))
    _same_error(lambda: nn.ConvTranspose2d(3, 4, 3, groups=2),
                lambda: torch.nn.ConvTranspose2d(3, 4, 3, groups=2))


# ----------------------------------------------------------------------------------------
# padding
# ----------------------------------------------------------------------------------------
_PAD_LAYERS = [f"{kind}Pad{d}d" for kind in ("Zero", "Constant", "Reflection", "Replication",
                                             "Circular") for d in (1, 2, 3)]
_PADDINGS = {1: [1, 2, (0, 2), (2, 1), (-1, 2)],
             2: [1, 2, (0, 2, 1, 1), (2, 1, 0, 2), (-1, 2, 1, -1)],
             3: [1, (0, 2, 1, 1, 1, 0), (-1, 1, 1, -1, 0, 1)]}
_PAD_SHAPES = {1: ((2, 3, 4), (3, 4)), 2: ((2, 3, 4, 5), (3, 4, 5)),
               3: ((1, 2, 3, 4, 3), (2, 3, 4, 3))}


@pytest.mark.parametrize("name", _PAD_LAYERS)
def test_padding_layers(name):
    dims = int(name[-2])
    extra = (1.5,) if name.startswith("Constant") else ()
    for padding in _PADDINGS[dims]:
        m, tm = getattr(nn, name)(padding, *extra), getattr(torch.nn, name)(padding, *extra)
        assert repr(m) == repr(tm)
        for shape in _PAD_SHAPES[dims]:
            _check(m, tm, shape)
    if name.startswith("Circular"):  # only batched or unbatched inputs
        _same_error(lambda: getattr(nn, name)(1)(cr.zeros(*(2,) * dims)),
                    lambda: getattr(torch.nn, name)(1)(torch.zeros(*(2,) * dims)))


def test_constant_pad_nd():
    for shape, pad in (((2, 3), (1, 2)), ((2, 3), (1, -1, 0, 2)), ((2, 3, 4), (-2, -2, 1, 0)),
                       ((3,), ()), ((2, 3), (-3, 0))):
        _check(lambda x, pad=pad: cr.constant_pad_nd(x, pad, 2.5),
               lambda x, pad=pad: torch.constant_pad_nd(x, pad, 2.5), shape)
    x = cr.ones(2, 3, requires_grad=True)
    y, ty = cr.constant_pad_nd(x, (1, -1)), torch.constant_pad_nd(to_torch(x), (1, -1))
    assert repr(y) == repr(ty)
    for shape, pad in (((2, 3), (1,)), ((2, 3), (1,) * 6), ((2, 3), (-2, -2))):
        _same_error(lambda a=(shape, pad): cr.constant_pad_nd(cr.zeros(*a[0]), a[1]),
                    lambda a=(shape, pad): torch.constant_pad_nd(torch.zeros(*a[0]), a[1]))
    _gradcheck(lambda x: cr.constant_pad_nd(x, (1, -2, 2, 0), 3.0), (2, 3, 4))
    assert cr.autograd.gradgradcheck(lambda x: cr.constant_pad_nd(x, (1, -1)),
                                     [cr.ones(2, 3, dtype=cr.float64, requires_grad=True)])
    rng = np.random.default_rng(3)
    check_forward_mode(lambda F, lib, x: lib.constant_pad_nd(x, (1, -1, 0, 2), 2.0),
                       [rng.standard_normal((2, 3))], [rng.standard_normal((2, 3))])


@pytest.mark.parametrize("mode", ["reflect", "replicate", "circular", "constant"])
def test_pad_modes(mode):
    for shape, pad in (((2, 4), (1, 3)), ((2, 3, 4), (3, 2)), ((2, 3, 4), (1, 2, 2, 0)),
                       ((2, 3, 4, 5), (0, 4, 1, 2)), ((1, 2, 3, 4, 5), (1, 1, 2, 0, 2, 2)),
                       ((1, 2, 4, 5), (-1, 2, 1, -2))):
        _check(lambda x, pad=pad: functional.pad(x, pad, mode),
               lambda x, pad=pad: TF.pad(x, pad, mode), shape)


def test_pad_errors():
    for shape, pad, mode in (((1, 2, 3), (3, 0), "reflect"), ((3,), (1, 1), "reflect"),
                             ((2, 3, 4, 5), (1, 1), "replicate"), ((2, 3), (1, 1, 1), "reflect"),
                             ((2, 0, 4), (1, 1), "replicate"), ((3,), (1, 1, 1, 1), "constant"),
                             ((2, 3), (1, 1), "wrap")):
        _same_error(lambda a=(shape, pad, mode): functional.pad(cr.zeros(*a[0]), *a[1:]),
                    lambda a=(shape, pad, mode): TF.pad(torch.zeros(*a[0]), *a[1:]))
    _same_error(lambda: nn.ReflectionPad2d(1)(cr.zeros(3, 3)),
                lambda: torch.nn.ReflectionPad2d(1)(torch.zeros(3, 3)))


# ----------------------------------------------------------------------------------------
# pixel shuffle, channel dropout
# ----------------------------------------------------------------------------------------
@pytest.mark.parametrize("r", [1, 2, 3])
def test_pixel_shuffle(r):
    for shape in ((2, 2 * r * r, 3, 2), (r * r, 2, 3), (2, 1, 3 * r * r, 1, 2)):
        _check(lambda x: functional.pixel_shuffle(x, r), lambda x: TF.pixel_shuffle(x, r), shape)
    for shape in ((2, 3, 2 * r, 3 * r), (2, r, r), (2, 2, 1, r, 2 * r)):
        _check(lambda x: functional.pixel_unshuffle(x, r), lambda x: TF.pixel_unshuffle(x, r),
               shape)
    assert repr(nn.PixelShuffle(r)) == repr(torch.nn.PixelShuffle(r))
    assert repr(nn.PixelUnshuffle(r)) == repr(torch.nn.PixelUnshuffle(r))


def test_pixel_shuffle_errors():
    for f, tf, shape in ((functional.pixel_shuffle, TF.pixel_shuffle, (1, 3, 2, 2)),
                         (functional.pixel_unshuffle, TF.pixel_unshuffle, (1, 3, 3, 2)),
                         (functional.pixel_shuffle, TF.pixel_shuffle, (4, 2))):
        _same_error(lambda f=f, shape=shape: f(cr.zeros(*shape), 2),
                    lambda tf=tf, shape=shape: tf(torch.zeros(*shape), 2))


@pytest.mark.parametrize("fn,shape,channel_dims", [
    (functional.dropout1d, (4, 16, 5), 2), (functional.dropout1d, (16, 5), 1),
    (functional.dropout2d, (4, 16, 3, 2), 2), (functional.dropout2d, (4, 16, 5), 2)])
def test_channel_dropout(fn, shape, channel_dims):
    cr.manual_seed(0)
    x = cr.rand(*shape) + 1  # no zeros of its own
    x.requires_grad_()
    with warnings.catch_warnings():  # dropout2d warns on 3-D inputs (tested below)
        warnings.simplefilter("ignore")
        out = fn(x, 0.5)
        eval_out, all_dropped = fn(x, 0.5, training=False), fn(x.detach(), 1.0)
    a = out.detach().numpy().reshape(int(np.prod(shape[:channel_dims])), -1)
    kept = (a != 0).all(1)
    dropped = (a == 0).all(1)
    assert (kept | dropped).all() and kept.any() and dropped.any()  # whole channels
    ratio = a[kept] / x.detach().numpy().reshape(a.shape)[kept]
    np.testing.assert_allclose(ratio, 2.0, rtol=1e-6)
    out.sum().backward()
    np.testing.assert_allclose(x.grad.numpy().reshape(a.shape), np.where(kept, 2., 0.)[:, None]
                               * np.ones_like(a), rtol=1e-6)
    # in evaluation the input itself comes back, but for an unbatched dropout1d input, which
    # PyTorch unsqueezes and squeezes again (a new view, SqueezeBackward1)
    unbatched_1d = fn is functional.dropout1d and len(shape) == 2
    assert (eval_out is x) != unbatched_1d
    if unbatched_1d:
        assert eval_out.grad_fn.name() == "SqueezeBackward1"
        assert_same(eval_out, to_torch(x))
    assert_same(all_dropped, torch.zeros(shape))


def test_dropout_layers_and_errors():
    for cls, tcls in ((nn.Dropout1d, torch.nn.Dropout1d), (nn.Dropout2d, torch.nn.Dropout2d)):
        assert repr(cls()) == repr(tcls())
        assert repr(cls(0.3, True)) == repr(tcls(0.3, True))
        m = cls(0.9).eval()
        x = cr.ones(2, 3, 4) if cls is nn.Dropout1d else cr.ones(2, 3, 4, 1)
        assert m(x) is x
        _same_error(lambda cls=cls: cls(1.5), lambda tcls=tcls: tcls(1.5))
    _same_error(lambda: functional.dropout1d(cr.ones(3, 4, 5, 5)),
                lambda: TF.dropout1d(torch.ones(3, 4, 5, 5)))
    with pytest.warns(UserWarning):
        functional.dropout2d(cr.ones(3, 4, 5))


# ----------------------------------------------------------------------------------------
# group and instance normalisation
# ----------------------------------------------------------------------------------------
@pytest.mark.parametrize("groups,shape", [(1, (2, 4, 3)), (2, (2, 4, 3, 2)), (4, (3, 4, 2)),
                                          (3, (2, 6, 5))])
def test_group_norm(groups, shape):
    c = shape[1]
    rng = np.random.default_rng(1)
    w, b = rng.standard_normal(c).astype(np.float32), rng.standard_normal(c).astype(np.float32)
    _check(lambda x: functional.group_norm(x, groups, cr.tensor(w), cr.tensor(b), 1e-3),
           lambda x: TF.group_norm(x, groups, torch.tensor(w), torch.tensor(b), 1e-3), shape,
           rtol=1e-4, atol=1e-5)
    torch.manual_seed(0)
    m, tm = nn.GroupNorm(groups, c), torch.nn.GroupNorm(groups, c)
    assert repr(m) == repr(tm)
    _check(m, tm, shape, seed=2, rtol=1e-4, atol=1e-5)
    assert_same(m.weight.grad, tm.weight.grad, 1e-4, 1e-5)
    assert_same(m.bias.grad, tm.bias.grad, 1e-4, 1e-5)
    for kwargs in (dict(affine=False), dict(bias=False), dict(eps=0.1)):
        assert repr(nn.GroupNorm(groups, c, **kwargs)) == repr(torch.nn.GroupNorm(groups, c,
                                                                                 **kwargs))


def test_group_norm_errors():
    _same_error(lambda: functional.group_norm(cr.zeros(2, 3, 4), 2),
                lambda: TF.group_norm(torch.zeros(2, 3, 4), 2))
    _same_error(lambda: nn.GroupNorm(2, 3), lambda: torch.nn.GroupNorm(2, 3))


@pytest.mark.parametrize("cls,shape", [("InstanceNorm1d", (2, 3, 5)), ("InstanceNorm1d", (3, 4)),
                                       ("InstanceNorm2d", (2, 3, 4, 5)),
                                       ("InstanceNorm2d", (3, 2, 4))])
@pytest.mark.parametrize("affine,track", list(itertools.product([False, True], repeat=2)))
def test_instance_norm_layers(cls, shape, affine, track):
    m, tm = getattr(nn, cls)(3, affine=affine, track_running_stats=track), \
        getattr(torch.nn, cls)(3, affine=affine, track_running_stats=track)
    assert repr(m) == repr(tm)
    _check(m, tm, shape, rtol=1e-4, atol=1e-5)
    if affine:
        assert_same(m.weight.grad, tm.weight.grad, 1e-4, 1e-5)
        assert_same(m.bias.grad, tm.bias.grad, 1e-4, 1e-5)
    if track:
        assert_same(m.running_mean, tm.running_mean)
        assert_same(m.running_var, tm.running_var)
        m.eval()
        tm.eval()
        _check(m, tm, shape, seed=4, rtol=1e-4, atol=1e-5)


def test_instance_norm_function_and_errors():
    rm, rv = np.zeros(3, np.float32), np.ones(3, np.float32)
    ours = (cr.tensor(rm.copy()), cr.tensor(rv.copy()))
    theirs = (torch.tensor(rm.copy()), torch.tensor(rv.copy()))
    _check(lambda x: functional.instance_norm(x, *ours, momentum=0.3, eps=1e-3),
           lambda x: TF.instance_norm(x, *theirs, momentum=0.3, eps=1e-3), (2, 3, 6),
           rtol=1e-4, atol=1e-5)
    for o, t in zip(ours, theirs):
        assert_same(o, t)
    _check(lambda x: functional.instance_norm(x, *ours, use_input_stats=False),
           lambda x: TF.instance_norm(x, *theirs, use_input_stats=False), (2, 3, 6))
    _same_error(lambda: functional.instance_norm(cr.zeros(2, 3)), lambda: TF.instance_norm(
        torch.zeros(2, 3)))
    _same_error(lambda: functional.instance_norm(cr.zeros(1, 3, 1)), lambda: TF.instance_norm(
        torch.zeros(1, 3, 1)))
    _same_error(lambda: nn.InstanceNorm1d(3)(cr.zeros(3)),
                lambda: torch.nn.InstanceNorm1d(3)(torch.zeros(3)))


# ----------------------------------------------------------------------------------------
# float64 gradchecks through the composites
# ----------------------------------------------------------------------------------------
def _gradcheck(fn, *shapes):
    rng = np.random.default_rng(7)
    inputs = [cr.tensor(rng.standard_normal(s)).requires_grad_() for s in shapes]
    assert cr.autograd.gradcheck(fn, inputs)


def test_gradchecks():
    _gradcheck(lambda x: functional.interpolate(x, size=(3, 5), mode="bilinear"), (1, 2, 4, 3))
    _gradcheck(lambda x, w, b: functional.conv_transpose2d(x, w, b, 2, 1, 1, 2, 1), (1, 4, 3, 3),
               (4, 1, 3, 2), (2,))
    _gradcheck(lambda x, w: functional.group_norm(x, 2, w), (2, 4, 3), (4,))
    _gradcheck(lambda x: functional.pad(x, (2, 1, 1, 2), "reflect"), (1, 2, 3, 4))
    _gradcheck(lambda x: functional.adaptive_max_pool2d(x, (2, 3)), (1, 2, 4, 5))


def test_exports_are_pytorchs_names():
    for name in nn.__all__:
        if isinstance(getattr(nn, name), type):
            assert hasattr(torch.nn, name), name
    for name in functional.__all__:
        assert callable(getattr(functional, name)) and hasattr(TF, name), name
    assert to_torch(cr.ones(1)).shape == (1,)


def test_dtype_rules_and_edge_errors():
    ints = cr.zeros(1, 2, 4, 4, dtype=cr.int64), torch.zeros(1, 2, 4, 4, dtype=torch.int64)
    for ours, theirs in (
            (lambda x: functional.max_pool1d(x[0], 2), lambda x: TF.max_pool1d(x[0], 2)),
            (lambda x: functional.adaptive_max_pool2d(x, 2),
             lambda x: TF.adaptive_max_pool2d(x, 2)),
            (lambda x: functional.group_norm(x, 2), lambda x: TF.group_norm(x, 2)),
            (lambda x: functional.interpolate(x, size=3), lambda x: TF.interpolate(x, size=3))):
        _same_error(lambda f=ours: f(ints[0]), lambda f=theirs: f(ints[1]))
    # uint8 resamples by nearest neighbour (integers are copied, not rounded)
    a = np.arange(32, dtype=np.uint8).reshape(1, 2, 4, 4)
    for kwargs in (dict(size=(3, 6)), dict(scale_factor=1.5, mode="nearest-exact")):
        assert_same(functional.interpolate(cr.tensor(a), **kwargs),
                    TF.interpolate(torch.from_numpy(a), **kwargs))
    x, tx = cr.zeros(1, 1, 2, 2), torch.zeros(1, 1, 2, 2)
    for kwargs in (dict(size=0), dict(scale_factor=0.1)):
        _same_error(lambda kw=kwargs: functional.interpolate(x, **kw),
                    lambda kw=kwargs: TF.interpolate(tx, **kw))
    _same_error(lambda: functional.pad(cr.zeros(1, 2, 4), (1, 1), "reflect", 2.0),
                lambda: TF.pad(torch.zeros(1, 2, 4), (1, 1), "reflect", 2.0))
    _same_error(lambda: functional.pad(cr.zeros(1, 2, 4), (-2, -3)),
                lambda: TF.pad(torch.zeros(1, 2, 4), (-2, -3)))
    assert_same(functional.pad(cr.zeros(1, 2, 4), (-2, -2)), TF.pad(torch.zeros(1, 2, 4), (-2, -2)))
