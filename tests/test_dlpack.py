"""DLPack: zero-copy exchange with NumPy (2 or newer) and PyTorch, as PyTorch exchanges."""
import numpy as np
import pytest

import chainrule as cr
from helpers import torch_or_skip

DTYPES = ["float16", "float32", "float64", "int8", "int16", "int32", "int64", "uint8", "bool"]


def _sample(dtype: str) -> np.ndarray:
    return (np.arange(6).reshape(2, 3) % 2).astype(dtype)


@pytest.mark.parametrize("dtype", DTYPES)
def test_numpy_round_trip_shares_memory_and_keeps_dtype(dtype):
    a = _sample(dtype)
    t = cr.from_dlpack(a)
    assert t.dtype.name == dtype and tuple(t.shape) == a.shape
    back = np.from_dlpack(t)
    assert back.dtype == a.dtype and np.shares_memory(back, a)
    t[0, 0] = 1  # a write through chainrule is seen by NumPy, and the other way round
    assert a[0, 0] == 1
    a[1, 2] = 0
    assert t[1, 2].item() == 0


@pytest.mark.parametrize("dtype", DTYPES)
def test_torch_round_trip_shares_memory_and_keeps_dtype(dtype):
    torch = torch_or_skip()
    ours = cr.from_numpy(_sample(dtype))
    theirs = torch.from_dlpack(ours)
    assert str(theirs.dtype) == f"torch.{dtype}" and tuple(theirs.shape) == (2, 3)
    theirs[0, 1] = 1
    assert ours[0, 1].item() == 1
    ours[1, 0] = 1
    assert theirs[1, 0].item() == 1
    again = cr.from_dlpack(theirs)  # and from PyTorch back to chainrule
    assert again.dtype.name == dtype
    again[1, 1] = 0
    assert theirs[1, 1].item() == 0 and ours[1, 1].item() == 0


def test_layouts_survive_the_exchange():
    torch = torch_or_skip()
    ours = cr.arange(6.0).reshape(2, 3).t()  # a transposed view: strides, not a copy
    theirs = torch.from_dlpack(ours)
    assert theirs.tolist() == ours.tolist() and theirs.stride() == (1, 3)
    column = cr.from_dlpack(torch.arange(6.0).reshape(2, 3)[:, 1])
    assert column.tolist() == [1.0, 4.0]


def test_export_of_a_tensor_that_requires_grad_refuses_as_pytorch():
    torch = torch_or_skip()
    for lib in (cr, torch):
        t = lib.ones(2, requires_grad=True)
        with pytest.raises(BufferError, match="require gradient") as ours_or_theirs:
            t.__dlpack__()
        with pytest.raises(BufferError, match="require gradient"):
            np.from_dlpack(t)
        assert "detach" in str(ours_or_theirs.value)
    with pytest.raises(BufferError, match="require gradient"):
        cr.from_dlpack(torch.ones(2, requires_grad=True))
    detached = np.from_dlpack(cr.ones(2, requires_grad=True).detach())
    assert detached.tolist() == [1.0, 1.0]


def test_device_is_the_cpu_as_pytorch_reports_it():
    torch = torch_or_skip()
    assert tuple(cr.zeros(1).__dlpack_device__()) == tuple(torch.zeros(1).__dlpack_device__())


def test_version_counters_as_in_pytorch():
    """Each side keeps its own version counter, as two PyTorch tensors sharing memory through
    DLPack do: an in-place change through the imported tensor is caught when autograd saved
    that tensor, and the exporting tensor's counter does not move."""
    torch = torch_or_skip()
    outcomes = []
    for lib, source in ((cr, cr.ones(3)), (torch, torch.ones(3))):
        shared = lib.from_dlpack(source)
        w = lib.ones(3, requires_grad=True)
        loss = (w * shared).sum()  # saves `shared` for w's gradient
        shared.mul_(2)
        caught = False
        try:
            loss.backward()
        except RuntimeError as e:
            caught = "modified by an inplace operation" in str(e)
        outcomes.append((caught, shared._version, source._version, source.tolist()))
    assert outcomes[0] == outcomes[1] == [(True, 1, 0, [2.0, 2.0, 2.0])][0]


def test_a_write_on_the_other_side_is_seen_but_not_counted_as_in_pytorch():
    torch = torch_or_skip()
    results = []
    for lib in (cr, torch):
        a = np.ones(3)
        t = lib.from_dlpack(a)
        w = lib.ones(3, dtype=lib.float64, requires_grad=True)
        (w * t).sum().backward()  # no error: NumPy's write is invisible to the counter
        a[0] = 5.0
        results.append((t._version, t.tolist()))
    assert results[0] == results[1] == (0, [5.0, 1.0, 1.0])


def test_from_dlpack_of_an_unsupported_dtype_says_how_to_fix_it():
    torch = torch_or_skip()
    with pytest.raises(RuntimeError, match="Fix: convert"):
        cr.from_dlpack(torch.ones(2, dtype=torch.bfloat16))
    for lib in (cr, torch):  # a list has no __dlpack__
        with pytest.raises(RuntimeError, match="invalid capsule"):
            lib.from_dlpack([1.0, 2.0])


def test_utils_dlpack_capsules_as_in_pytorch():
    torch = torch_or_skip()
    ours = cr.arange(4.0)
    theirs = torch.utils.dlpack.from_dlpack(cr.utils.dlpack.to_dlpack(ours))
    theirs[0] = 9.0
    assert ours[0].item() == 9.0
    back = cr.utils.dlpack.from_dlpack(torch.utils.dlpack.to_dlpack(theirs))
    theirs[1] = 7.0
    assert back[1].item() == 7.0
    # NumPy reads a bare (unversioned) capsule as read-only memory: chainrule says so.
    with pytest.raises(RuntimeError, match="read-only"):
        back[1] = 5.0
    for lib in (cr, torch):  # to_dlpack exports a tensor that requires grad: its values
        capsule = lib.utils.dlpack.to_dlpack(lib.ones(1, requires_grad=True))
        assert type(capsule).__name__ == "PyCapsule"
