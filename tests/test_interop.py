"""NumPy, matplotlib and Python protocols, as PyTorch behaves."""
import matplotlib
import numpy as np
import pytest

import chainrule as cr
from helpers import torch_or_skip

matplotlib.use("Agg")


def test_asarray_without_copy_for_tensors_without_grad():
    t = cr.arange(4.0)
    a = np.asarray(t)
    assert np.shares_memory(a, t.numpy())


def test_asarray_of_tensor_requiring_grad_raises_like_pytorch():
    torch = torch_or_skip()
    for lib in (cr, torch):
        t = lib.ones(2, requires_grad=True)
        with pytest.raises(RuntimeError, match="detach"):
            np.asarray(t)


@pytest.mark.parametrize("scalar", [np.float64(2.0), np.float32(2.0), np.int64(2), np.bool_(True)])
def test_numpy_scalars_on_either_side(scalar):
    torch = torch_or_skip()
    for expr in (lambda s, t: s * t, lambda s, t: t * s, lambda s, t: t + s, lambda s, t: s - t):
        ours = expr(scalar, cr.ones(2))
        theirs = expr(scalar, torch.ones(2))
        assert isinstance(ours, cr.Tensor)
        assert ours.dtype.name == str(theirs.dtype).replace("torch.", "")
        assert ours.tolist() == theirs.tolist()


def test_numpy_array_with_tensor():
    torch = torch_or_skip()
    a = np.array([1.0, 2.0])
    ours = cr.ones(2) * a
    theirs = torch.ones(2) * torch.from_numpy(a)
    assert isinstance(ours, cr.Tensor)
    assert ours.dtype.name == str(theirs.dtype).replace("torch.", "")


def test_matplotlib_plots_tensors(tmp_path):
    from matplotlib import pyplot as plt
    x = cr.arange(-5, 5, 0.1)
    plt.plot(x, x.sin(), label=f"a={cr.tensor(0.5)}")
    plt.savefig(tmp_path / "p.png")
    plt.close()
    assert (tmp_path / "p.png").stat().st_size > 1000


def test_python_protocols():
    t = cr.tensor([3.0])
    assert float(t) == 3.0 and int(t) == 3 and bool(t)
    assert [x.item() for x in cr.tensor([1, 2, 3])] == [1, 2, 3]
    assert len(cr.zeros(5)) == 5
    assert range(10)[cr.tensor(4)] == 4
    assert f"{cr.tensor(2.0):.5f}" == "2.00000"
    with pytest.raises(TypeError):
        len(cr.tensor(1.0))
    assert hash(t) == hash(t) and {t: 1}[t] == 1


def test_tensor_in_numpy_ufunc_returns_array_like_pytorch():
    torch = torch_or_skip()
    ours = np.sin(cr.tensor([0.0, 1.0]))
    theirs = np.sin(torch.tensor([0.0, 1.0]))
    np.testing.assert_allclose(np.asarray(ours), np.asarray(theirs))
