"""The lecture's house-price example, carried through to the end: gradient descent.

The lecture guesses the weights ``[500, 200, -100, 100]`` for a linear model
of three houses' prices and asks how to improve them.  Here ``SGD`` with
momentum follows the gradient until the mean squared error stays below 1e-3
(three equations and four unknowns: a perfect fit exists).  The loss is
printed as it falls and its curve saved to ``OUT/house_prices_loss.png``.

    python examples/house_prices.py [--out DIR] [--fast]
"""
from __future__ import annotations

import argparse
import os
import sys

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "src"))

import chainrule as torch  # noqa: E402  (the code below is plain PyTorch)

# Momentum matters here: the problem's curvature differs 400-fold between directions,
# so plain gradient descent needs ~4000 steps; heavy-ball momentum needs ~150.
LR, MOMENTUM, TARGET = 0.05, 0.9, 1e-3
SETTLED = 10  # stop once the loss has stayed below TARGET this many steps


def main(argv=None) -> float:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--out", default="out", help="folder for the loss-curve PNG")
    parser.add_argument("--fast", action="store_true", help="same run (it is fast already)")
    parser.add_argument("--max-steps", type=int, default=2000)
    args = parser.parse_args(argv)

    X = torch.tensor([[2, 1, 0.5, 0],
                      [4, 2, 2.0, 1],
                      [3, 1, 1.0, 0]])
    y = torch.tensor([1550., 3100., 2200.])
    w = torch.tensor([500., 200., -100., 100.], requires_grad=True)  # the lecture's guess
    optimizer = torch.optim.SGD([w], lr=LR, momentum=MOMENTUM)

    losses = []
    below = 0  # steps in a row under the target: momentum can dip below it and bounce back
    for step in range(args.max_steps):
        optimizer.zero_grad()
        loss = ((torch.mv(X, w) - y) ** 2).mean()
        losses.append(loss.item())
        below = below + 1 if loss.item() < TARGET else 0
        if step % 10 == 0 or below == SETTLED:
            print(f"step {step:4d}  loss {loss.item():14.6f}")
        if below == SETTLED:
            break
        loss.backward()
        optimizer.step()
    print(f"final weights {w.detach().tolist()}")
    print(f"predictions   {torch.mv(X, w).detach().tolist()} (targets {y.tolist()})")

    os.makedirs(args.out, exist_ok=True)
    import matplotlib
    matplotlib.use("Agg")
    from matplotlib import pyplot as plt
    fig, ax = plt.subplots(figsize=(6, 4))
    ax.semilogy(losses)
    ax.axhline(TARGET, color="grey", linestyle="--", label=f"target {TARGET:g}")
    ax.set_xlabel("step")
    ax.set_ylabel("mean squared error")
    ax.set_title("House prices: gradient descent from [500, 200, -100, 100]")
    ax.legend()
    fig.tight_layout()
    path = os.path.join(args.out, "house_prices_loss.png")
    fig.savefig(path, dpi=100)
    plt.close(fig)
    print(f"loss curve saved to {path}")
    return losses[-1]


if __name__ == "__main__":
    final = main()
    sys.exit(0 if final < TARGET else 1)
