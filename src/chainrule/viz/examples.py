"""The pictures of the README's "See the chain rule", written by one command.

    python -m chainrule.viz.examples docs

writes into the given folder:

- ``viz-graph-poly.svg``: y = 3x² − 4x at x = 1, with values and gradients;
- ``viz-graph-house.svg``: the lecture's house-price loss with respect to w;
- ``viz-graph-mlp.svg`` and ``viz-graph-mlp-collapsed.svg``: a small network,
  its every operation, then each ``Linear`` drawn as one box;
- ``viz-trace-poly.txt``: the trace of y.backward() for y = 3x² − 4x.
"""
from __future__ import annotations

import argparse
import os

import chainrule as torch
from chainrule import nn

from . import graph, trace


def poly():
    """y = 3x² − 4x at x = 1, traced; returns (graph, trace)."""
    x = torch.tensor(1.0, requires_grad=True)
    y = 3 * x ** 2 - 4 * x
    with trace({"x": x}) as t:
        y.backward()
    return graph(y, {"x": x, "y": y}, values=True, trace=t), t


def house():
    """The house-price loss of the lecture with respect to w, traced; returns (graph, trace)."""
    X = torch.tensor([[2, 1, 0.5, 0], [4, 2, 2.0, 1], [3, 1, 1.0, 0]])
    prices = torch.tensor([1550, 3100, 2200])
    w = torch.tensor([500., 200., -100., 100.], requires_grad=True)
    loss = ((torch.mv(X, w) - prices) ** 2).mean()
    names = {"X": X, "y": prices, "w": w, "loss": loss}
    with trace(names) as t:
        loss.backward()
    return graph(loss, names, values=True, trace=t), t


def mlp(collapse: bool):
    """A 3-4-1 network's squared error on two samples (seeded: the same picture every time)."""
    torch.manual_seed(0)
    net = nn.Sequential(nn.Linear(3, 4), nn.ReLU(), nn.Linear(4, 1))
    loss = ((net(torch.randn(2, 3)) - 1) ** 2).mean()
    return graph(loss, net, collapse=collapse)


def write(folder: str) -> list:
    """Write the pictures and the trace into ``folder``; returns the paths."""
    os.makedirs(folder, exist_ok=True)
    poly_graph, poly_trace = poly()
    written = [
        poly_graph.save(os.path.join(folder, "viz-graph-poly.svg")),
        house()[0].save(os.path.join(folder, "viz-graph-house.svg")),
        mlp(False).save(os.path.join(folder, "viz-graph-mlp.svg")),
        mlp(True).save(os.path.join(folder, "viz-graph-mlp-collapsed.svg")),
    ]
    path = os.path.join(folder, "viz-trace-poly.txt")
    with open(path, "w", encoding="utf-8") as fh:
        fh.write(str(poly_trace) + "\n")
    written.append(path)
    return written


def main(argv=None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("folder", nargs="?", default="docs", help="where to write them")
    for path in write(parser.parse_args(argv).folder):
        print(path)


if __name__ == "__main__":
    main()
