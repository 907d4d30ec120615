"""Every example of the lecture, computed with chainrule (without ../shared).

Expected values are those the lecture prints (PyTorch's output), checked
here as printed strings, since printing exactly like PyTorch is the promise.
"""
import matplotlib
import pytest

import chainrule as torch

matplotlib.use("Agg")


def test_first_example_f_prime_at_1():
    x = torch.tensor(1.0, requires_grad=True)
    assert repr(x) == "tensor(1., requires_grad=True)"
    assert x.grad is None
    y = 3 * x ** 2 - 4 * x
    assert repr(y) == "tensor(-1., grad_fn=<SubBackward0>)"
    y.backward()
    assert repr(x.grad) == "tensor(2.)"


def test_second_example_gradient_of_2_xtx():
    x = torch.arange(4.0)
    x.requires_grad_(True)
    assert repr(x) == "tensor([0., 1., 2., 3.], requires_grad=True)"
    y = 2 * torch.dot(x, x)
    assert repr(y) == "tensor(28., grad_fn=<MulBackward0>)"
    y.backward()
    assert repr(x.grad) == "tensor([ 0.,  4.,  8., 12.])"
    # accumulation, then reset with zero_()
    z = torch.sum(x)
    grad_before = x.grad
    x.grad.zero_()
    assert repr(x.grad) == "tensor([0., 0., 0., 0.])"
    z.backward()
    assert repr(x.grad) == "tensor([1., 1., 1., 1.])"
    assert x.grad is grad_before  # accumulated in place, as PyTorch does


def test_gradients_accumulate_without_zero():
    x = torch.arange(4.0, requires_grad=True)
    (2 * torch.dot(x, x)).backward()
    torch.sum(x).backward()
    assert x.grad.tolist() == [1.0, 5.0, 9.0, 13.0]


def test_detach_treats_y_as_constant():
    x = torch.tensor(1.0, requires_grad=True)
    y = x * x
    u = y.detach()
    z = u * x
    z.backward()
    assert repr(x.grad) == "tensor(1.)"
    assert not u.requires_grad and u.grad_fn is None


def test_no_grad_disables_recording():
    x = torch.arange(4.0)
    x.requires_grad_(True)
    with torch.no_grad():
        y = 2 * torch.dot(x, x)
    z = 2 * torch.dot(x, x)
    assert repr(y) == "tensor(28.)"
    assert repr(z) == "tensor(28., grad_fn=<MulBackward0>)"
    with pytest.raises(RuntimeError, match="does not require grad"):
        y.backward()
    z.backward()
    assert repr(x.grad) == "tensor([ 0.,  4.,  8., 12.])"


def test_house_prices_predictions_losses_and_gradient():
    X = torch.tensor([[2, 1, 0.5, 0], [4, 2, 2.0, 1], [3, 1, 1.0, 0]])
    y = torch.tensor([1550, 3100, 2200])
    assert X.dtype == torch.float32 and y.dtype == torch.int64

    def loss(X, y, w):
        return ((torch.mv(X, w) - y) ** 2).mean()

    assert repr(torch.mv(X, torch.tensor([500., 200., -100., 100.]))) == \
        "tensor([1150., 2300., 1600.])"
    assert repr(loss(X, y, torch.tensor([500., 150., -50., 200.]))) == "tensor(343541.6562)"
    assert repr(loss(X, y, torch.tensor([700., 200., -100., 100.]))) == "tensor(0.)"
    assert repr(loss(X, y, torch.tensor([600., 100., -50., 150.]))) == "tensor(133541.6719)"
    w = torch.tensor([500., 200., -100., 100.], requires_grad=True)
    assert repr(w) == "tensor([ 500.,  200., -100.,  100.], requires_grad=True)"
    loss(X, y, w).backward()
    assert repr(w.grad) == "tensor([-3866.6670, -1733.3335, -1600.0001,  -533.3334])"


def test_gradient_step_under_no_grad():
    X = torch.tensor([[2, 1, 0.5, 0], [4, 2, 2.0, 1], [3, 1, 1.0, 0]])
    y = torch.tensor([1550, 3100, 2200])
    w = torch.tensor([500., 200., -100., 100.], requires_grad=True)
    losses = []
    for _ in range(50):
        loss = ((torch.mv(X, w) - y) ** 2).mean()
        losses.append(loss.item())
        loss.backward()
        with torch.no_grad():
            w -= 1e-2 * w.grad
        w.grad.zero_()
    assert w.is_leaf and w.requires_grad
    assert losses[-1] < losses[0] / 100


def test_finite_difference_table_and_tangent_functions():
    def f(x):
        return 3 * (x ** 2) - 4 * x

    h, lines = 0.1, []
    for _ in range(5):
        lines.append(f"h={h:.5f}, approximation:{(f(1 + h) - f(1)) / h:.5f}")
        h = h / 10
    assert lines[0] == "h=0.10000, approximation:2.30000"
    assert lines[-1] == "h=0.00001, approximation:2.00003"
    x = torch.arange(-5, 5, 0.1)
    assert x.shape == (100,) and x.dtype == torch.float32
    a = torch.tensor(torch.pi / 4)
    assert f"{a}" == f"{a.item()}"
    assert torch.allclose(torch.cos(x), torch.sin(x + torch.pi / 2), atol=1e-6)


def test_plots_accept_tensors(tmp_path):
    from chainrule.demo import lecture
    written = lecture.plots(str(tmp_path))
    assert len(written) == 3
    for path in written:
        assert (tmp_path / path.split("/")[-1]).stat().st_size > 1000


def test_demo_walkthrough_runs(tmp_path, capsys):
    import xml.etree.ElementTree as ET

    from chainrule.demo import lecture
    lecture.main(["--out", str(tmp_path), "--html", str(tmp_path / "page" / "lecture.html")])
    out = capsys.readouterr().out
    assert "x.grad = tensor(2.)" in out
    assert "tensor([-3866.6670, -1733.3335, -1600.0001,  -533.3334])" in out
    # The trace of 3x^2 - 4x, the graph and the page, and where they are.
    assert "backward pass 1: 5 nodes, in the order the engine ran them" in out
    assert "pow_backward(grad, self, exponent)" in out and "= sum of 2 paths:" in out
    for path in (tmp_path / "graph.svg", tmp_path / "page" / "lecture.html"):
        assert str(path) in out and path.stat().st_size > 1000
    ET.parse(tmp_path / "graph.svg")


def test_plots_are_titled_and_show_the_slope_found_by_autodiff():
    from matplotlib import pyplot as plt

    from chainrule.demo import lecture
    figures = dict(lecture.figures())
    try:
        assert set(figures) == {"function", "tangent", "sine_tangent"}
        for fig in figures.values():
            ax = fig.axes[0]
            assert ax.get_title() and ax.get_xlabel() == "x" and ax.get_ylabel()
        texts = {name: " ".join(t.get_text() for t in fig.axes[0].texts)
                 for name, fig in figures.items()}
        assert "slope at a = 2: 8" in texts["tangent"]
        slope = torch.cos(torch.tensor(torch.pi / 4)).item()
        assert f"slope at a = π/4: {slope:.4g}" in texts["sine_tangent"]
        legend = [t.get_text() for t in figures["sine_tangent"].axes[0].get_legend().texts]
        assert legend == ["sin(x)", "tangent at a = π/4"]  # not a=0.7853981852531433
    finally:
        for fig in figures.values():
            plt.close(fig)
