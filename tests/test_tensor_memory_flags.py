"""Issue 12's memory and switch names against PyTorch: ``empty_permuted``, ``frombuffer``,
``asarray``, ``to_dlpack``, anomaly and determinism switches, ``binomial`` (in
distribution), ``func.rearrange``, ``vmap`` and ``autograd.is_tensor_like``."""
from __future__ import annotations

import array
import functools
import warnings

import numpy as np
import pytest

import chainrule as cr
from helpers import assert_same, torch_or_skip

# --- memory layouts ---------------------------------------------------------------------


def _element_strides(t):
    return tuple(s // t.numpy().itemsize for s in t.numpy().strides)


@pytest.mark.parametrize("size, layout", [((2, 3, 4), (0, 2, 1)), ((2, 3, 4), (2, 0, 1)),
                                          ((2, 3), (1, 0)), ((5,), (0,))])
def test_empty_permuted_lays_memory_out_as_pytorch(size, layout):
    torch = torch_or_skip()
    ours, theirs = cr.empty_permuted(size, layout), torch.empty_permuted(size, layout)
    assert tuple(ours.shape) == tuple(theirs.shape)
    assert _element_strides(ours) == tuple(theirs.stride())


@pytest.mark.parametrize("call", [
    lambda m: m.empty_permuted((2, 3), (0, 0)),
    lambda m: m.empty_permuted((2, 3), (0,)),
    lambda m: m.empty_permuted((-2, 3), (0, 1)),
])
def test_layout_errors_match_pytorch(call):
    torch = torch_or_skip()
    with pytest.raises(Exception) as theirs:
        call(torch)
    with pytest.raises(type(theirs.value)):
        call(cr)


# --- frombuffer, asarray, to_dlpack -------------------------------------------------------

_FLOATS = bytes(np.array([1.0, 2.0, 3.5], dtype=np.float32).tobytes())


@pytest.mark.parametrize("kwargs", [{}, {"count": 2}, {"offset": 4}, {"count": 1, "offset": 8}])
def test_frombuffer_reads_and_shares_memory_as_pytorch(kwargs):
    torch = torch_or_skip()
    ours_buffer, theirs_buffer = bytearray(_FLOATS), bytearray(_FLOATS)
    ours = cr.frombuffer(ours_buffer, dtype=cr.float32, **kwargs)
    theirs = torch.frombuffer(theirs_buffer, dtype=torch.float32, **kwargs)
    assert_same(ours, theirs)
    ours.add_(1)
    theirs.add_(1)
    assert ours_buffer == theirs_buffer


def test_frombuffer_of_other_buffers_matches_pytorch():
    torch = torch_or_skip()
    for make in (lambda: array.array("i", [1, 2, 3]), lambda: memoryview(bytearray(8))):
        assert_same(cr.frombuffer(make(), dtype=cr.int32),
                    torch.frombuffer(make(), dtype=torch.int32))
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # both warn that bytes are not writable
        assert_same(cr.frombuffer(_FLOATS, dtype=cr.float32),
                    torch.frombuffer(_FLOATS, dtype=torch.float32))
    assert cr.frombuffer(bytearray(8), dtype=cr.float32, requires_grad=True).requires_grad


@pytest.mark.parametrize("kwargs", [{"count": 0}, {"offset": 12}, {"count": 3, "offset": 4},
                                    {"offset": 1}])
def test_frombuffer_errors_match_pytorch(kwargs):
    torch = torch_or_skip()
    with pytest.raises(ValueError):
        torch.frombuffer(bytearray(_FLOATS), dtype=torch.float32, **kwargs)
    with pytest.raises(ValueError):
        cr.frombuffer(bytearray(_FLOATS), dtype=cr.float32, **kwargs)
    with pytest.raises(ValueError):
        cr.frombuffer(bytearray(0), dtype=cr.float32)


_ARRAY = np.arange(3.0)


@pytest.mark.parametrize("obj, kwargs", [
    (_ARRAY, {}), (_ARRAY, {"dtype": "float32"}), (_ARRAY, {"copy": True}),
    ([1, 2.5], {}), ([1, 2], {"dtype": "float64"}), (3, {}), (2.5, {}), (True, {}),
    (np.float32(2), {}), (bytearray(b"\x01\x02"), {"dtype": "uint8"}),
    (memoryview(bytearray(8)).cast("f"), {}), (np.arange(4, dtype=np.int32), {}),
])
def test_asarray_values_and_memory_match_pytorch(obj, kwargs):
    torch = torch_or_skip()
    ours = cr.asarray(obj, **{k: getattr(cr, v) if k == "dtype" else v
                              for k, v in kwargs.items()})
    theirs = torch.asarray(obj, **{k: getattr(torch, v) if k == "dtype" else v
                                   for k, v in kwargs.items()})
    assert_same(ours, theirs)
    if isinstance(obj, np.ndarray):
        assert np.shares_memory(ours.numpy(), obj) == np.shares_memory(theirs.numpy(), obj)


def test_asarray_of_tensors_matches_pytorch():
    torch = torch_or_skip()
    for m in (cr, torch):
        t = m.ones(2)
        assert m.asarray(t) is t
        assert m.asarray(t, dtype=m.int64).dtype is m.int64
        assert m.asarray(t, copy=True) is not t
        with pytest.warns(UserWarning, match="unspecified requires_grad"):
            product = m.ones(2, requires_grad=True) * 2
            assert m.asarray(product) is product
        assert m.asarray(m.ones(2), requires_grad=True).requires_grad
        with pytest.raises(ValueError, match="can't alias"):
            m.asarray(t, dtype=m.float64, copy=False)
        with pytest.raises(ValueError, match="can't alias arbitrary sequence"):
            m.asarray([1, 2], copy=False)


def test_to_dlpack_round_trip_and_vmap_is_func_vmap():
    torch = torch_or_skip()
    for m in (cr, torch):
        capsule = m.to_dlpack(m.arange(3.0))
        assert type(capsule).__name__ == "PyCapsule"
        assert m.from_dlpack(capsule).tolist() == [0.0, 1.0, 2.0]
        assert m.vmap is m.func.vmap
    assert cr.vmap(cr.dot)(cr.ones(3, 2), cr.ones(3, 2)).tolist() == [2.0, 2.0, 2.0]


# --- switches -------------------------------------------------------------------------------

def test_anomaly_switches_match_pytorch():
    torch = torch_or_skip()
    for m in (cr, torch):
        try:
            assert (m.is_anomaly_enabled(), m.is_anomaly_check_nan_enabled()) == (False, True)
            m.set_anomaly_enabled(True, False)
            assert (m.is_anomaly_enabled(), m.is_anomaly_check_nan_enabled()) == (True, False)
            m.set_anomaly_enabled(False)
            assert (m.is_anomaly_enabled(), m.is_anomaly_check_nan_enabled()) == (False, True)
            for args in [(1,), (True, 1)]:
                with pytest.raises(TypeError):
                    m.set_anomaly_enabled(*args)
        finally:
            m.set_anomaly_enabled(False)


def test_anomaly_enabled_globally_catches_nan_gradients():
    x = cr.tensor(0.0, requires_grad=True)
    cr.set_anomaly_enabled(True)
    try:
        with pytest.raises(RuntimeError, match="SqrtBackward0"), warnings.catch_warnings():
            warnings.simplefilter("ignore")
            (cr.sqrt(x) * 0).backward()
    finally:
        cr.set_anomaly_enabled(False)


def _deterministic_state(m):
    return (m.are_deterministic_algorithms_enabled(),
            m.is_deterministic_algorithms_warn_only_enabled(), m.get_deterministic_debug_mode())


def test_deterministic_switches_match_pytorch():
    torch = torch_or_skip()
    for m in (cr, torch):
        try:
            state = functools.partial(_deterministic_state, m)
            assert state() == (False, False, 0)
            m.use_deterministic_algorithms(True, warn_only=True)
            assert state() == (True, True, 1)
            m.set_deterministic_debug_mode("error")
            assert state() == (True, False, 2)
            m.set_deterministic_debug_mode(0)
            assert state() == (False, False, 0)
            with pytest.raises(TypeError):
                m.use_deterministic_algorithms(1)
            for bad in ("foo", 3):
                with pytest.raises(RuntimeError):
                    m.set_deterministic_debug_mode(bad)
            assert m.init_num_threads() is None
        finally:
            m.use_deterministic_algorithms(False)


def test_is_tensor_like_matches_pytorch():
    torch = torch_or_skip()
    for m in (cr, torch):
        class Sub(m.Tensor):
            pass
        assert m.autograd.is_tensor_like(m.ones(1))
        assert m.autograd.is_tensor_like(m.ones(1).as_subclass(Sub))
        for other in (1, [1.0], np.ones(1)):
            assert not m.autograd.is_tensor_like(other)


# --- binomial -----------------------------------------------------------------------------

def test_binomial_samples_have_pytorch_statistics():
    """Mean n p and variance n p (1 - p) over 100,000 draws, within 4 standard errors."""
    torch = torch_or_skip()
    n, p, draws = 20.0, 0.3, 100_000
    cr.manual_seed(0)
    ours = cr.binomial(cr.full((draws,), n), cr.full((draws,), p)).numpy()
    theirs = torch.binomial(torch.full((draws,), n), torch.full((draws,), p)).numpy()
    mean, var = n * p, n * p * (1 - p)
    for sample in (ours, theirs):
        assert abs(sample.mean() - mean) < 4 * np.sqrt(var / draws)
        assert abs(sample.var() - var) < 4 * var * np.sqrt(2 / draws)
        assert sample.min() >= 0 and sample.max() <= n and (sample == np.round(sample)).all()


def test_binomial_edges_and_errors_match_pytorch():
    torch = torch_or_skip()
    for m in (cr, torch):
        out = m.binomial(m.tensor([0.0, 5.0, 3.0, -1.0, 4.0]),
                         m.tensor([0.3, 1.0, 0.0, 0.5, float("nan")]))
        assert out.tolist()[:4] == [0.0, 5.0, 0.0, 0.0] and np.isnan(out.tolist()[4])
        assert m.binomial(m.tensor([4.0, 6.0]), m.tensor(0.5)).shape == (2,)
        assert m.binomial(m.ones(2, dtype=m.float64), m.ones(2, dtype=m.float64)).dtype \
            is m.float64
        y = m.binomial(m.ones(2, requires_grad=True), m.full((2,), 0.5))
        assert y.grad_fn.name() == "torch::autograd::NotImplemented"
        with pytest.raises(RuntimeError, match="derivative for aten::binomial"):
            y.sum().backward()
        with pytest.raises(ValueError):
            m.binomial(m.tensor([1, 2]), m.tensor([0.5, 0.5]))
        with pytest.raises(RuntimeError):
            m.binomial(m.ones(2), m.ones(2, dtype=m.float64))


# --- func.rearrange ---------------------------------------------------------------------------

@pytest.mark.parametrize("pattern, lengths", [
    ("b h w -> b w h", {}), ("b h w -> b (h w)", {}), ("b h (w c) -> b c h w", {"c": 2}),
    ("b ... -> ... b", {}), ("... w -> w ...", {}), ("b h w -> (b h) w 1", {}),
    ("b h w -> b () h w", {}), ("(b1 b2) h w -> b1 b2 h w", {"b1": 2}), ("... -> (...)", {}),
    ("b h w -> b h w", {}), ("b ... -> b (...)", {}), ("b h w -> (w b) h", {}),
])
def test_rearrange_matches_pytorch(pattern, lengths):
    torch = torch_or_skip()
    x = np.arange(24.0).reshape(2, 3, 4)
    ours_in = cr.from_numpy(x.copy()).requires_grad_()
    theirs_in = torch.from_numpy(x.copy()).requires_grad_()
    ours = cr.func.rearrange(ours_in, pattern, **lengths)
    theirs = torch.func.rearrange(theirs_in, pattern, **lengths)
    assert_same(ours, theirs)
    seed = np.random.default_rng(0).standard_normal(tuple(theirs.shape))
    ours.backward(cr.from_numpy(seed.copy()))
    theirs.backward(torch.from_numpy(seed))
    assert_same(ours_in.grad, theirs_in.grad)


def test_rearrange_stacks_a_list_as_pytorch():
    torch = torch_or_skip()
    x = np.arange(12.0).reshape(3, 4)
    for seq in (list, tuple):
        assert_same(cr.func.rearrange(seq([cr.from_numpy(x), cr.from_numpy(x + 1)]),
                                      "n h w -> h (n w)"),
                    torch.func.rearrange(seq([torch.from_numpy(x), torch.from_numpy(x + 1)]),
                                         "n h w -> h (n w)"))


@pytest.mark.parametrize("pattern, lengths", [
    ("b h w -> b h", {}), ("b h -> b h", {}), ("b h (w c) -> b c h w", {}),
    ("b h (w c) -> b c h w", {"c": 3}), ("b b w -> b w", {}), ("b h w -> b h w z", {}),
    ("b h w", {}), ("b h w -> b (h w) ...", {}), ("b ... ... -> b", {}),
    ("b (h ...) w -> b h w", {}), ("b h w -> b h w", {"q": 3}), ("b h w -> b h w", {"b": 3}),
    ("b h w -> b (h", {}), ("b h w -> b h-w", {}),
])
def test_rearrange_errors_match_pytorch(pattern, lengths):
    torch = torch_or_skip()
    with pytest.raises(Exception) as theirs:
        torch.func.rearrange(torch.ones(2, 3, 4), pattern, **lengths)
    with pytest.raises(Exception) as ours:
        cr.func.rearrange(cr.ones(2, 3, 4), pattern, **lengths)
    assert type(ours.value).__name__ == type(theirs.value).__name__
