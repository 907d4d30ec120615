"""NumPy at the edges of a program, as PyTorch behaves there: tensors (iterated, 0-d) turn
into arrays for np.array/np.stack/matplotlib; an ndarray where a tensor is required raises
PyTorch's TypeError naming the argument (plus how to convert it); torch.tensor(tensor)
warns."""
from __future__ import annotations

import re
import warnings

import matplotlib
import numpy as np
import pytest

import chainrule as cr
from helpers import torch_or_skip

matplotlib.use("Agg")

CONVERSIONS = {
    "np.array of an iterated tensor": lambda lib: np.array(list(lib.arange(4.0))),
    "np.stack of an iterated tensor": lambda lib: np.stack(list(lib.arange(4.0) * 2)),
    "np.asarray of a 0-d tensor": lambda lib: np.asarray(lib.tensor(2.5)),
    "np.array of a 0-d int tensor": lambda lib: np.array(lib.tensor(3)),
    "np.array of 0-d tensors": lambda lib: np.array([lib.tensor(1.0), lib.tensor(2.0)]),
    "np.asarray with a dtype": lambda lib: np.asarray(lib.tensor(1.5), dtype=np.float64),
    "np.mean of iterated rows": lambda lib: np.mean([r for r in lib.ones(3, 2)], axis=0),
    "plt.hist counts": lambda lib: __import__("matplotlib.pyplot").pyplot.hist(
        lib.arange(10.0) % 4)[0],
}


@pytest.mark.parametrize("name", list(CONVERSIONS))
def test_tensors_convert_to_arrays_as_in_pytorch(name):
    torch = torch_or_skip()
    import matplotlib.pyplot as plt
    ours, theirs = CONVERSIONS[name](cr), CONVERSIONS[name](torch)
    plt.close("all")
    assert type(ours) is type(theirs) and ours.dtype == theirs.dtype
    np.testing.assert_array_equal(ours, theirs)


def _call(lib, name, array):
    t = lib.ones(2, 2)
    calls = {
        "mm input": lambda: lib.mm(array, t), "mm mat2": lambda: lib.mm(t, array),
        "matmul": lambda: lib.matmul(array, t),
        "bmm": lambda: lib.bmm(array.reshape(1, 2, 2), t.reshape(1, 2, 2)),
        "dot": lambda: lib.dot(t[0], array[0]), "mv": lambda: lib.mv(t, array[0]),
        "sum": lambda: lib.sum(array), "mean": lambda: lib.mean(array),
        "cat": lambda: lib.cat([t, array]), "stack": lambda: lib.stack([array]),
        "nn.Linear": lambda: lib.nn.Linear(2, 2)(array),
        "F.linear": lambda: lib.nn.functional.linear(array, t),
        "nn.Conv2d": lambda: lib.nn.Conv2d(1, 1, 1)(array.reshape(1, 1, 2, 2)),
        "F.conv1d": lambda: lib.nn.functional.conv1d(array.reshape(1, 1, 4), lib.ones(1, 1, 1)),
        "mse_loss": lambda: lib.nn.functional.mse_loss(array, t),
        "nn.L1Loss": lambda: lib.nn.L1Loss()(t, array),
        "cross_entropy": lambda: lib.nn.functional.cross_entropy(t, np.array([0, 1])),
        "nll_loss": lambda: lib.nn.functional.nll_loss(t, np.array([0, 1])),
    }
    return calls[name]()


NAMES = ["mm input", "mm mat2", "matmul", "bmm", "dot", "mv", "sum", "mean", "cat", "stack",
         "nn.Linear", "F.linear", "nn.Conv2d", "F.conv1d", "mse_loss", "nn.L1Loss",
         "cross_entropy", "nll_loss"]


@pytest.mark.parametrize("name", NAMES)
def test_an_ndarray_for_a_tensor_raises_pytorchs_type_error(name):
    torch = torch_or_skip()
    array = np.ones((2, 2), dtype=np.float32)
    with pytest.raises(TypeError) as ours:
        _call(cr, name, array)
    message = str(ours.value)
    assert "torch.as_tensor(x)" in message and "numpy.ndarray" in message
    try:
        _call(torch, name, array)
    except TypeError as e:
        # PyTorch's message, where it has the usual form (its losses' is "'int' object is
        # not callable", and conv's a list of signatures: ours says what PyTorch means)
        if re.match(r"\w+\(\): argument|expected Tensor as element", str(e)):
            assert message.startswith(str(e)), (message, str(e))
    else:
        pytest.fail(f"PyTorch accepted an ndarray in {name}")


def test_torch_tensor_of_a_tensor_warns_as_pytorch_does():
    torch = torch_or_skip()
    for lib in (cr, torch):
        with warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always")
            lib.tensor(lib.ones(2))
            lib.tensor([1.0, 2.0])  # no warning for data
        assert len(caught) == 1 and caught[0].category is UserWarning
        assert caught[0].filename == __file__  # points at the caller's line
        if lib is cr:
            ours = str(caught[0].message)
        else:
            assert str(caught[0].message) == ours
