"""A multilayer perceptron on scikit-learn's handwritten digits (offline), >= 97% test accuracy.

Shows a tqdm progress bar and saves the loss and accuracy per epoch to
``OUT/digits_mlp.png``.

    python examples/digits_mlp.py [--out DIR] [--fast] [--epochs N]
"""
from __future__ import annotations

import argparse
import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
sys.path.insert(1, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "src"))

import _digits  # noqa: E402

import chainrule as torch  # noqa: E402
from chainrule import nn  # noqa: E402


def make_model() -> nn.Module:
    return nn.Sequential(nn.Linear(64, 128), nn.ReLU(), nn.Dropout(0.1),
                         nn.Linear(128, 64), nn.ReLU(), nn.Linear(64, 10))


def main(argv=None) -> float:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--out", default="out")
    parser.add_argument("--fast", action="store_true", help="3 epochs (for the tests)")
    parser.add_argument("--epochs", type=int, default=40)
    args = parser.parse_args(argv)
    epochs = 3 if args.fast else args.epochs

    torch.manual_seed(0)
    train_set, test_set = _digits.load((64,))
    model = make_model()
    print(model)
    optimizer = torch.optim.Adam(model.parameters(), lr=1e-3)
    history = _digits.train(model, optimizer, train_set, test_set, epochs, desc="digits MLP")
    acc = history[-1][1]
    print(f"test accuracy after {epochs} epochs: {acc:.2%}")
    path = os.path.join(args.out, "digits_mlp.png")
    _digits.plot(history, path, "MLP on sklearn digits")
    print(f"loss and accuracy curves saved to {path}")
    return acc


if __name__ == "__main__":
    main()
