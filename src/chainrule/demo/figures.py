"""The lecture's plots: f(x) = 3x² − 4x, its tangent, and sin's tangent, slopes by autodiff."""
from __future__ import annotations

import chainrule as torch


def _pyplot():
    try:
        import matplotlib
        matplotlib.use("Agg")
        from matplotlib import pyplot as plt
    except ImportError:
        return None
    return plt


def slope_by_autodiff(f, a: float) -> float:
    """f'(a), computed by chainrule: record f at a, then backward().

    >>> slope_by_autodiff(lambda x: 3 * x ** 2 - 4 * x, 2.0)
    8.0
    """
    point = torch.tensor(a, requires_grad=True)
    f(point).backward()
    return point.grad.item()


def figures() -> list:
    """The lecture's plots as (file name, matplotlib figure): f, its tangent, sin's tangent.

    Each tangent's slope is computed by automatic differentiation and written
    on the plot.  The caller saves and closes the figures.
    """
    plt = _pyplot()
    if plt is None:
        return []

    def f(x):
        return 3 * (x ** 2) - 4 * x

    def tangent_plot(name, title, f, a, a_text, f_label):
        slope = slope_by_autodiff(f, a)
        fa = f(torch.tensor(a)).item()
        fig, ax = plt.subplots(figsize=(6.4, 4.4))
        ax.plot(x, f(x), label=f_label)
        ax.plot(x, fa + slope * (x - a), label=f"tangent at a = {a_text}")
        ax.plot([a], [fa], "o", color="black")
        ax.set_title(title)
        ax.set_xlabel("x")
        ax.set_ylabel("y")
        ax.text(0.03, 0.05, f"slope at a = {a_text}: {slope:.4g}\n(by autodiff: a.grad)",
                transform=ax.transAxes, fontsize=10,
                bbox={"boxstyle": "round", "facecolor": "white", "edgecolor": "#999999"})
        ax.legend(loc="best")
        return name, fig

    x = torch.arange(-5, 5, 0.1)
    fig, ax = plt.subplots(figsize=(6.4, 4.4))
    ax.plot(x, f(x))
    ax.set_title("f(x) = 3x² − 4x")
    ax.set_xlabel("x")
    ax.set_ylabel("f(x)")
    return [
        ("function", fig),
        tangent_plot("tangent", "f(x) = 3x² − 4x and its tangent at x = 2", f, 2.0, "2",
                     "f(x) = 3x² − 4x"),
        tangent_plot("sine_tangent", "sin(x) and its tangent at x = π/4", torch.sin,
                     torch.pi / 4, "π/4", "sin(x)"),
    ]
