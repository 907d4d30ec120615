"""The lecture's examples as one interactive page (``chainrule.viz.page``).

    python -m chainrule.demo.lecture --html out/lecture.html

Three computations of the lecture, each stepped forward and then backward
through the chain rule: f(x) = 3x² − 4x at x = 1, y = 2·dot(x, x) at
x = [0, 1, 2, 3], and the house-price loss with respect to w; then the
tangent plots, each slope computed by autodiff.
"""
from __future__ import annotations

import io

import chainrule as torch
from chainrule import viz

from .figures import figures


def examples() -> list:
    """(title, note, output, names) for each computation on the page, freshly recorded."""
    x = torch.tensor(1.0, requires_grad=True)
    y = 3 * x ** 2 - 4 * x
    first = ("5.1  f(x) = 3x² − 4x at x = 1",
             "y = 3 * x ** 2 - 4 * x, then y.backward(): x.grad is f'(1) = 6·1 − 4 = 2. "
             "x is used twice (in x ** 2 and in 4 * x), so two gradients reach it and are "
             "summed.", y, {"x": x, "y": y})

    x = torch.arange(4.0)
    x.requires_grad_(True)
    y = 2 * torch.dot(x, x)
    second = ("5.2  y = 2·dot(x, x) at x = [0, 1, 2, 3]",
              "The gradient of 2xᵀx is 4x: dot's rule sends grad * other to one input and "
              "grad * self to the other, and both are x.", y, {"x": x, "y": y})

    X = torch.tensor([[2, 1, 0.5, 0], [4, 2, 2.0, 1], [3, 1, 1.0, 0]])
    prices = torch.tensor([1550, 3100, 2200])
    w = torch.tensor([500., 200., -100., 100.], requires_grad=True)
    loss = ((torch.mv(X, w) - prices) ** 2).mean()
    third = ("5.5  House prices: the mean squared error with respect to w",
             "loss = ((X @ w − y) ** 2).mean() at w = [500, 200, -100, 100]. Every entry of "
             "w.grad is negative: increasing each weight a little lowers the loss.",
             loss, {"X": X, "y": prices, "w": w, "loss": loss})
    return [first, second, third]


def lecture_page() -> viz.Page:
    """The page: the three computations, then the tangent plots (when matplotlib is there)."""
    page = viz.Page("Automatic differentiation, step by step",
                    "The examples of the lecture 'Automatic Differentiation', computed by "
                    "chainrule: step forward through each computation, then backward through "
                    "the chain rule, one node at a time.")
    for title, note, output, names in examples():
        page.add(output, names, title=title, note=note)
    captions = {
        "function": ("f(x) = 3x² − 4x", "The function of the first example."),
        "tangent": ("The tangent of f at x = 2",
                    "Its slope f'(2) = 8 is x.grad after y.backward() at x = 2."),
        "sine_tangent": ("The tangent of sin at x = π/4",
                         "Its slope cos(π/4) ≈ 0.7071 is computed the same way."),
    }
    for name, fig in figures():  # none without matplotlib
        from matplotlib import pyplot as plt
        buffer = io.BytesIO()
        # Text as text, not as outlines of each glyph: a third of the size.
        with plt.rc_context({"svg.fonttype": "none"}):
            fig.savefig(buffer, format="svg")
        plt.close(fig)
        title, caption = captions[name]
        page.add_figure(title, buffer.getvalue(), caption)
    return page
