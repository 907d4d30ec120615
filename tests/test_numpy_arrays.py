"""chainrule.numpy's front door: when results are NumPy's and when tensors, ArrayTensor's
NumPy methods and operators, and NumPy's dispatch protocols (opt-in for plain tensors)."""
import threading

import numpy
import pytest

import chainrule
import chainrule.numpy as np
from chainrule.numpy import ArrayTensor
from helpers import torch_or_skip


def leaf(values, dtype=chainrule.float64):
    return chainrule.tensor(values, dtype=dtype, requires_grad=True)


# --- plain values in, NumPy out ----------------------------------------------------------

def test_plain_values_give_numpys_own_results():
    a = numpy.array([[0.5, -1.0], [2.0, 3.0]])
    for name, args in [("sin", (a,)), ("sum", (a,)), ("dot", (a, a)), ("concatenate", ([a, a],)),
                       ("where", (a > 0, a, 0.0)), ("exp", (0.5,))]:
        ours, theirs = getattr(np, name)(*args), getattr(numpy, name)(*args)
        assert type(ours) is type(theirs)
        numpy.testing.assert_array_equal(ours, theirs)
    assert np.linalg.det(a) == numpy.linalg.det(a)


def test_tensors_that_need_no_graph_are_read_as_values():
    t = chainrule.tensor([0.0, 1.0], dtype=chainrule.float64)
    assert isinstance(np.sin(t), numpy.ndarray)
    with chainrule.no_grad():
        assert isinstance(np.sin(leaf([0.0, 1.0])), numpy.ndarray)
    y = np.sin(leaf([0.0, 1.0]))
    assert isinstance(y, ArrayTensor) and y.requires_grad


def test_a_result_without_gradient_is_numpys_value():
    x = leaf([3.0, 1.0, 2.0])
    assert isinstance(np.argmax(x), numpy.integer)
    assert np.argsort(x).tolist() == [1, 2, 0]
    assert isinstance(np.floor(x), numpy.ndarray)  # zero derivative: values


def test_nested_lists_of_tensors_make_one_array_in_the_graph():
    x = leaf(2.0)
    m = np.array([[x, 1.0], [0.0, x ** 2]])
    assert isinstance(m, ArrayTensor) and m.shape == (2, 2) and m.dtype is chainrule.float64
    np.linalg.det(m).backward()
    assert x.grad.item() == pytest.approx(3 * 2.0 ** 2)


def test_a_function_that_would_drop_the_gradient_refuses_instead():
    x = leaf([1.0, 2.0])
    with pytest.raises(TypeError, match="numpy.convolve has no derivative"):
        np.convolve(x, x)
    assert np.convolve([1.0, 2.0], [1.0]).tolist() == [1.0, 2.0]  # on values it is NumPy's
    with pytest.raises(TypeError, match="out="):
        np.exp(x, out=numpy.empty(2))
    with pytest.raises(TypeError, match="in place"):
        np.add.at(x, [0], 1.0)


# --- ArrayTensor: NumPy's methods and operators ---------------------------------------------

def test_methods_mean_what_they_mean_in_numpy():
    values = numpy.array([[1.0, 5.0, 2.0], [4.0, 3.0, 6.0]])
    x = np.sin(leaf(values)) + 0  # an ArrayTensor
    plain = numpy.sin(values)
    assert x.shape == plain.shape and isinstance(x.shape, tuple)
    assert x.size == plain.size and x.ndim == 2
    checks = {
        "sum(axis=0)": (x.sum(axis=0), plain.sum(axis=0)),
        "mean(1, keepdims)": (x.mean(1, keepdims=True), plain.mean(1, keepdims=True)),
        "std()": (x.std(), plain.std()),
        "var(ddof=1)": (x.var(ddof=1), plain.var(ddof=1)),
        "max(axis=1)": (x.max(axis=1), plain.max(axis=1)),
        "min()": (x.min(), plain.min()),
        "prod(-1)": (x.prod(-1), plain.prod(-1)),
        "cumsum()": (x.cumsum(), plain.cumsum()),
        "T": (x.T, plain.T),
        "transpose()": (x.transpose(), plain.transpose()),
        "transpose(1, 0)": (x.transpose(1, 0), plain.transpose(1, 0)),
        "reshape(3, 2)": (x.reshape(3, 2), plain.reshape(3, 2)),
        "reshape((-1,))": (x.reshape((-1,)), plain.reshape((-1,))),
        "flatten()": (x.flatten(), plain.flatten()),
        "ravel('F')": (x.ravel("F"), plain.ravel("F")),
        "repeat(2)": (x.repeat(2), plain.repeat(2)),
        "dot": (x.dot(x.T), plain.dot(plain.T)),
        "clip": (x.clip(0, 0.5), plain.clip(0, 0.5)),
        "take": (x.take([0, 4]), plain.take([0, 4])),
        "trace": (x.trace(), plain.trace()),
        "astype(float32)": (x.astype(numpy.float32), plain.astype(numpy.float32)),
        "x[:, 1]": (x[:, 1], plain[:, 1]),
        "x[x > 0]": (x[x > 0], plain[plain > 0]),
        "-x ** 2 @ x.T": (-x ** 2 @ x.T, -plain ** 2 @ plain.T),
        "abs": (abs(x - 0.5), abs(plain - 0.5)),
    }
    for label, (ours, theirs) in checks.items():
        assert isinstance(ours, chainrule.Tensor), label
        got = ours.detach().numpy()
        assert got.shape == theirs.shape and got.dtype == theirs.dtype, label
        numpy.testing.assert_allclose(got, theirs, rtol=1e-6, err_msg=label)
    assert [row.shape for row in x] == [(3,), (3,)]


def test_comparisons_give_masks():
    x = np.sin(leaf([1.0, -1.0]))
    mask = x > 0
    assert mask.dtype is chainrule.bool and mask.tolist() == [True, False]
    assert (mask.astype(float) * x).dtype is chainrule.float64
    assert ((x > 0) & (x < 1)).tolist() == [True, False] and (~mask).tolist() == [False, True]


def test_promotion_is_numpys():
    x32 = np.sin(leaf([1.0, 2.0], chainrule.float32))
    assert (x32 * 2.0).dtype is chainrule.float32  # a Python number takes the array's dtype
    assert (x32 * numpy.float64(2.0)).dtype is chainrule.float64  # a NumPy scalar does not
    assert (x32 + numpy.arange(2)).dtype is chainrule.float64  # float32 + int64 is float64
    assert (numpy.ones(2, numpy.float32) + x32).dtype is chainrule.float32


def test_in_place_operators_rebind_as_in_hips_autograd():
    x = leaf([1.0, 2.0])
    y = np.exp(x)
    before = y
    y += 1.0
    y *= x
    assert y is not before and before.tolist() == pytest.approx(numpy.exp([1.0, 2.0]).tolist())
    y.sum().backward()
    e, v = numpy.exp([1.0, 2.0]), numpy.array([1.0, 2.0])
    numpy.testing.assert_allclose(x.grad.numpy(), e * v + e + 1)  # d/dx of (e^x + 1) x


def test_in_place_sort_refuses_and_says_what_to_do():
    with pytest.raises(TypeError, match="np.sort"):
        np.exp(leaf([2.0, 1.0])).sort()


def test_pytorch_style_calls_reach_tensors_methods():
    """chainrule's own rules call methods PyTorch-style on the tensors they saved."""
    x = np.exp(leaf([[1.0, 2.0], [3.0, 4.0]]))
    assert tuple(x.sum(0, keepdim=True).shape) == (1, 2)
    assert x.max(dim=1).indices.tolist() == [1, 1]
    assert x.std(dim=0, unbiased=True).shape == (2,)
    assert x.size(0) == 2 and tuple(x.size()) == (2, 2)
    assert x.transpose(0, 1).shape == (2, 2) and x.flatten(0).shape == (4,)


def test_second_derivatives_run_the_rules_on_array_tensors():
    # var, amax and prod keep their input for backward; create_graph runs their rules with
    # those (ArrayTensor) inputs, where PyTorch-style method calls must mean PyTorch's.
    from chainrule.autograd import gradgradcheck
    for fn in (lambda t: np.var(np.sin(t), axis=0), lambda t: np.max(np.sin(t), axis=1),
               lambda t: np.prod(np.sin(t), axis=0), lambda t: np.sort(np.sin(t), axis=1)):
        assert gradgradcheck(fn, (leaf([[0.3, 1.1], [0.7, -0.4]]),))


# --- NumPy's protocols ---------------------------------------------------------------------

def test_numpy_itself_on_plain_tensors_behaves_as_with_pytorch():
    torch = torch_or_skip()
    for lib in (chainrule, torch):
        t = lib.tensor([0.0, 1.0], requires_grad=True)
        with pytest.raises(RuntimeError, match="Can't call numpy\\(\\) on Tensor that requires"):
            numpy.sin(t)
        with pytest.raises(RuntimeError, match="detach"):
            numpy.concatenate([t, t])
    ours = numpy.sin(chainrule.tensor([0.0, 1.0]))
    numpy.testing.assert_allclose(numpy.asarray(ours), numpy.asarray(numpy.sin(
        torch.tensor([0.0, 1.0]))))
    y = numpy.ones(2) * chainrule.tensor([1.0, 2.0], requires_grad=True)  # as before the hooks
    assert type(y) is chainrule.Tensor and y.grad_fn is not None


def test_enable_protocol_makes_numpy_differentiate_plain_tensors():
    t = chainrule.tensor([0.5, 1.0], dtype=chainrule.float64, requires_grad=True)
    with np.enable_protocol():
        y = numpy.sum(numpy.exp(t) * numpy.linalg.norm(t)) + numpy.add.reduce(t)
        z = numpy.concatenate([t, t]).mean()
    assert isinstance(y, ArrayTensor) and isinstance(z, ArrayTensor)
    (y + z).backward()
    expected = chainrule.tensor([0.5, 1.0], dtype=chainrule.float64, requires_grad=True)
    (np.sum(np.exp(expected) * np.linalg.norm(expected)) + np.sum(expected)
     + np.mean(np.concatenate([expected, expected]))).backward()
    numpy.testing.assert_allclose(t.grad.numpy(), expected.grad.numpy())
    with pytest.raises(RuntimeError, match="requires grad"):
        numpy.sin(t)  # off again after the block


def test_enable_protocol_is_per_thread():
    t = chainrule.tensor([0.5], dtype=chainrule.float64, requires_grad=True)
    seen = {}

    def other_thread():
        try:
            numpy.sin(t)
            seen["other"] = "dispatched"
        except RuntimeError:
            seen["other"] = "refused"
    with np.enable_protocol():
        worker = threading.Thread(target=other_thread)
        worker.start()
        worker.join()
        seen["here"] = type(numpy.sin(t)).__name__
    assert seen == {"other": "refused", "here": "ArrayTensor"}


def test_array_tensors_always_dispatch():
    x = np.exp(leaf([1.0, 2.0]))
    y = numpy.mean(numpy.tanh(x), axis=0) + numpy.linalg.norm(x)
    assert isinstance(y, ArrayTensor)
    with pytest.raises(TypeError, match="numpy.interp has no derivative"):
        numpy.interp(1.5, [1.0, 2.0], x)


def test_chainrule_numpy_loads_lazily():
    import subprocess
    import sys
    code = "import chainrule, sys; print('chainrule.numpy' in sys.modules)"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert out.stdout.strip() == "False"
    assert chainrule.numpy is np
