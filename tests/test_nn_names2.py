"""Normalisation, more activations, conv1d and adaptive pooling are one node each, named as
PyTorch names them.

For each: the printed grad_fn name, values, gradients, gradcheck and gradgradcheck (float64),
and forward mode, all against PyTorch.
"""
from __future__ import annotations

import numpy as np
import pytest

import chainrule as cr
from helpers import assert_same, to_torch, torch_or_skip
from nn_oracle import (
    GRAD_TOLERANCE,
    arrays_away_from_kinks,
    check_forward_mode,
    check_gradcheck_and_gradgradcheck,
    check_name_values_gradients,
)

_rng = np.random.default_rng(11)
RUN_MEAN = _rng.standard_normal(3)
RUN_VAR = _rng.uniform(0.5, 2.0, 3)


def _running(lib, like):
    dtype = np.float64 if like.dtype == lib.float64 else np.float32
    return lib.tensor(RUN_MEAN.astype(dtype)), lib.tensor(RUN_VAR.astype(dtype))


def _bn(training):
    def fn(F, lib, x, *wb):
        rm, rv = _running(lib, x)
        return F.batch_norm(x, rm, rv, *wb, training=training, momentum=0.2, eps=1e-3)
    return fn


CASES = []
for shape in ((4, 3), (2, 3, 4), (2, 3, 2, 2)):
    for training in (True, False):
        mode = "train" if training else "eval"
        CASES += [
            pytest.param(_bn(training), [shape, (3,), (3,)],
                         id=f"batch_norm_{len(shape)}d_{mode}"),
            pytest.param(_bn(training), [shape], id=f"batch_norm_{len(shape)}d_{mode}_plain"),
        ]
CASES += [
    pytest.param(lambda F, lib, x: F.batch_norm(x, None, None, training=True),
                 [(4, 3)], id="batch_norm_no_stats"),
    pytest.param(lambda F, lib, x, w, b: F.layer_norm(x, (4,), w, b), [(3, 4), (4,), (4,)],
                 id="layer_norm"),
    pytest.param(lambda F, lib, x, w, b: F.layer_norm(x, (3, 4), w, b, eps=1e-3),
                 [(2, 3, 4), (3, 4), (3, 4)], id="layer_norm_2d"),
    pytest.param(lambda F, lib, x: F.layer_norm(x, (4,)), [(2, 3, 4)], id="layer_norm_plain"),
    pytest.param(lambda F, lib, x: F.silu(x), [(3, 4)], id="silu"),
    pytest.param(lambda F, lib, x: lib.nn.SiLU()(x), [(3, 4)], id="SiLU"),
    pytest.param(lambda F, lib, x: F.elu(x), [(3, 4)], id="elu"),
    pytest.param(lambda F, lib, x: lib.nn.ELU(0.5)(x), [(3, 4)], id="ELU_0.5"),
    pytest.param(lambda F, lib, x: F.hardtanh(x), [(3, 4)], id="hardtanh"),
    pytest.param(lambda F, lib, x: lib.nn.Hardtanh(-0.5, 2.0)(x), [(3, 4)], id="Hardtanh"),
    pytest.param(lambda F, lib, x: F.relu6(x * 4), [(3, 4)], id="relu6"),
    pytest.param(lambda F, lib, x: lib.nn.ReLU6()(x * 4), [(3, 4)], id="ReLU6"),
    pytest.param(lambda F, lib, x, w, b: F.conv1d(x, w, b), [(2, 3, 6), (4, 3, 2), (4,)],
                 id="conv1d"),
    pytest.param(lambda F, lib, x, w: F.conv1d(x, w, stride=2, padding=1, dilation=2),
                 [(2, 3, 7), (4, 3, 2)], id="conv1d_options"),
    pytest.param(lambda F, lib, x, w, b: F.conv1d(x, w, b, padding="same", groups=2),
                 [(2, 4, 5), (6, 2, 3), (6,)], id="conv1d_groups_same"),
    pytest.param(lambda F, lib, x, w: F.conv1d(x, w), [(3, 6), (4, 3, 2)], id="conv1d_unbatched"),
    pytest.param(lambda F, lib, x: F.adaptive_avg_pool2d(x, 1), [(2, 3, 4, 5)],
                 id="adaptive_avg_pool2d_1"),
    pytest.param(lambda F, lib, x: lib.nn.AdaptiveAvgPool2d((1, 1))(x), [(3, 4, 5)],
                 id="AdaptiveAvgPool2d_1_unbatched"),
]


_arrays = arrays_away_from_kinks  # away from the kinks of hardtanh, relu6 and elu


@pytest.mark.parametrize("dtype", ["float32", "float64"])
@pytest.mark.parametrize("fn, shapes", CASES)
def test_name_values_and_gradients_match_pytorch(fn, shapes, dtype):
    check_name_values_gradients(fn, _arrays(shapes), dtype, GRAD_TOLERANCE)


@pytest.mark.parametrize("fn, shapes", CASES)
def test_gradcheck_and_gradgradcheck(fn, shapes):
    check_gradcheck_and_gradgradcheck(fn, _arrays(shapes, seed=2))


@pytest.mark.parametrize("fn, shapes", CASES)
def test_forward_mode_matches_torch_func_jvp(fn, shapes):
    check_forward_mode(fn, _arrays(shapes, seed=3), _arrays(shapes, seed=4))


@pytest.mark.parametrize("shape", [(4, 3), (2, 3, 5)])
def test_batch_norm_running_statistics_match_pytorch(shape):
    torch = torch_or_skip()
    x = _arrays([shape], seed=5)[0].astype("float32")
    ours = cr.nn.BatchNorm1d(3, momentum=0.3)
    theirs = torch.nn.BatchNorm1d(3, momentum=0.3)
    for _ in range(2):
        out, tout = ours(cr.tensor(x)), theirs(torch.from_numpy(x))
        assert out.grad_fn.name() == tout.grad_fn.name()
        assert_same(out, tout, rtol=1e-4, atol=1e-6)
    assert_same(ours.running_mean, theirs.running_mean, rtol=1e-5, atol=1e-7)
    assert_same(ours.running_var, theirs.running_var, rtol=1e-5, atol=1e-7)
    ours.eval()
    theirs.eval()
    assert_same(ours(cr.tensor(x)), theirs(torch.from_numpy(x)), rtol=1e-4, atol=1e-6)


def test_batch_norm_errors_match_pytorch():
    torch = torch_or_skip()
    for lib in (cr, torch):
        F = lib.nn.functional
        with pytest.raises(RuntimeError, match="running_mean must be defined"):
            F.batch_norm(lib.ones(2, 3), None, None, training=False)
        with pytest.raises(ValueError, match="Expected more than 1 value per channel"):
            F.batch_norm(lib.ones(1, 3), None, None, training=True)


def test_hardtanh_passes_no_gradient_at_its_bounds_as_pytorch():
    torch = torch_or_skip()
    values = np.array([-1.0, 0.0, 1.0, 6.0, np.nan])
    for f in ("hardtanh", "relu6"):
        x = cr.tensor(values).requires_grad_()
        tx = to_torch(x, requires_grad=True)
        getattr(cr.nn.functional, f)(x).sum().backward()
        getattr(torch.nn.functional, f)(tx).sum().backward()
        assert_same(x.grad, tx.grad)


def test_conv1d_errors_match_pytorch():
    torch = torch_or_skip()
    for lib in (cr, torch):
        F = lib.nn.functional
        with pytest.raises(RuntimeError, match="Expected 2D \\(unbatched\\) or 3D"):
            F.conv1d(lib.ones(1, 2, 3, 4), lib.ones(3, 2, 2))
        with pytest.raises(RuntimeError, match="expected input"):
            F.conv1d(lib.ones(1, 3, 4), lib.ones(3, 2, 2))
