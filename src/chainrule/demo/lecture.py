"""The lecture "Automatic Differentiation", computed with chainrule and explained.

    python -m chainrule.demo.lecture --out out --html out/lecture.html

Every example of the lecture runs here with ``import chainrule as torch``;
each result is printed with a sentence saying what it shows; the backward
pass of the first example is traced node by node; the plots (f, its tangent,
sin with its tangent, each slope computed by autodiff) and the graph of the
first example are written to ``--out``, and the interactive page of the
lecture to ``--html`` (``OUT/lecture.html`` by default).
"""
from __future__ import annotations

import argparse
import os
import textwrap

import chainrule as torch

from .figures import figures
from .lecture_page import lecture_page


def say(text: str) -> None:
    print("\n" + text)


def regression_data() -> None:
    say("1. Optimisation. Three houses, four features each, and their monthly rents:")
    X = [[2, 1, 0.5, 0], [4, 2, 2.0, 1], [3, 1, 1.0, 0]]
    Y = [[1550], [3100], [2200]]

    def f(x, w):
        return w[0] * x[0] + w[1] * x[1] + w[2] * x[2] + w[3] * x[3]

    w = [500, 200, -100, 100]
    print("   predictions of the guess w = [500, 200, -100, 100]:", [f(x, w) for x in X])

    def loss(X, Y, w):
        total = 0
        for i in range(len(X)):
            total += (f(X[i], w) - Y[i][0]) ** 2
        return total / len(X)

    say("   The mean squared error of three guesses (the second fits exactly):")
    for guess in ([500, 150, -50, 200], [700, 200, -100, 100], [600, 100, -50, 150]):
        print(f"   loss({guess}) = {loss(X, Y, guess)}")


def finite_differences() -> None:
    say("4.1 The derivative as a limit: (f(1+h) - f(1)) / h for f(x) = 3x^2 - 4x approaches 2.")

    def f(x):
        return 3 * (x ** 2) - 4 * x

    h = 0.1
    for _ in range(5):
        print(f"   h={h:.5f}, approximation:{(f(1 + h) - f(1)) / h:.5f}")
        h = h / 10


def plots(out: str) -> list[str]:
    figs = figures()
    if not figs:
        say("(matplotlib is not installed: skipping the plots; pip install chainrule[plot])")
        return []
    from matplotlib import pyplot as plt
    os.makedirs(out, exist_ok=True)
    written = []
    for name, fig in figs:
        written.append(os.path.join(out, f"{name}.png"))
        fig.savefig(written[-1])
        plt.close(fig)
    say("Plots of f, its tangent at a=2, and sin with its tangent at pi/4 written to:")
    for path in written:
        print("  ", path)
    return written


def autodiff_examples(out: str | None = None) -> None:
    say("5.1 f'(1) by automatic differentiation: record y = 3x^2 - 4x, then y.backward().")
    x = torch.tensor(1.0, requires_grad=True)
    y = 3 * x ** 2 - 4 * x
    print("   x =", x, "  y =", y)
    if out is not None:
        os.makedirs(out, exist_ok=True)
        path = torch.viz.graph(y, {"x": x, "y": y}, values=True).save(
            os.path.join(out, "graph.svg"))
        print("   The graph y.backward() walks is drawn in", path)
    say("    The backward pass, node by node (chainrule.viz.trace): each node receives the "
        "gradient\n    of y with respect to its output and applies its rule to each input.")
    with torch.viz.trace({"x": x}) as trace:
        y.backward()
    print(textwrap.indent(str(trace), "   "))
    print("   x.grad =", x.grad, " (6x - 4 at x = 1)")

    say("5.2 The gradient of y = 2 x.x at x = [0, 1, 2, 3] is 4x:")
    x = torch.arange(4.0)
    x.requires_grad_(True)
    y = 2 * torch.dot(x, x)
    y.backward()
    print("   y =", y, "  x.grad =", x.grad)

    say("    Gradients accumulate: reset with x.grad.zero_() before the gradient of sum(x):")
    x.grad.zero_()
    torch.sum(x).backward()
    print("   x.grad =", x.grad)

    say("5.3 detach(): u = (x*x).detach() is a constant, so d(u*x)/dx = u = 1 at x = 1:")
    x = torch.tensor(1.0, requires_grad=True)
    u = (x * x).detach()
    (u * x).backward()
    print("   x.grad =", x.grad)

    say("5.4 no_grad(): nothing is recorded, so y has no grad_fn and cannot be backpropagated:")
    x = torch.arange(4.0, requires_grad=True)
    with torch.no_grad():
        y = 2 * torch.dot(x, x)
    z = 2 * torch.dot(x, x)
    print("   y =", y, "  z =", z)
    try:
        y.backward()
    except RuntimeError as e:
        print("   y.backward() raised RuntimeError:", str(e).split(". ")[0])

    say("5.5 House prices: the gradient of the mean squared error at w = [500, 200, -100, 100]:")
    X = torch.tensor([[2, 1, 0.5, 0], [4, 2, 2.0, 1], [3, 1, 1.0, 0]])
    y = torch.tensor([1550, 3100, 2200])
    w = torch.tensor([500., 200., -100., 100.], requires_grad=True)
    loss = ((torch.mv(X, w) - y) ** 2).mean()
    loss.backward()
    print("   loss =", loss)
    print("   w.grad =", w.grad)
    print("   Each entry says how the loss changes as that weight grows: all are negative,")
    print("   so increasing every weight a little lowers the loss.")


def main(argv=None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", default="out", help="folder for the plots and the graph")
    parser.add_argument("--html", default=None,
                        help="where to write the interactive page (default: OUT/lecture.html)")
    args = parser.parse_args(argv)
    print("The lecture 'Automatic Differentiation', computed with chainrule.")
    regression_data()
    finite_differences()
    plots(args.out)
    autodiff_examples(args.out)
    path = lecture_page().save(args.html or os.path.join(args.out, "lecture.html"))
    say(f"The interactive page (forward, then backward one node at a time) is {path}:\n"
        "open it in a browser; it needs no network.")


if __name__ == "__main__":
    main()
