"""A LeNet-style convolutional network on scikit-learn's digits (8x8), >= 98% test accuracy.

Two 3x3 convolutions with ReLU and 2x2 max pooling, then dropout and two linear layers;
the loss and accuracy per epoch are saved to ``OUT/digits_lenet.png``.

    python examples/digits_lenet.py [--out DIR] [--fast] [--epochs N]
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
    return nn.Sequential(
        nn.Conv2d(1, 16, 3, padding=1), nn.ReLU(), nn.MaxPool2d(2),   # 16 x 4 x 4
        nn.Conv2d(16, 32, 3, padding=1), nn.ReLU(), nn.MaxPool2d(2),  # 32 x 2 x 2
        nn.Flatten(), nn.Dropout(0.25), nn.Linear(128, 64), nn.ReLU(), nn.Linear(64, 10))


def main(argv=None) -> float:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--out", default="out")
    parser.add_argument("--fast", action="store_true", help="2 epochs (for the tests)")
    parser.add_argument("--epochs", type=int, default=40)
    args = parser.parse_args(argv)
    epochs = 2 if args.fast else args.epochs

    torch.manual_seed(0)
    train_set, test_set = _digits.load((1, 8, 8))
    model = make_model()
    print(model)
    optimizer = torch.optim.Adam(model.parameters(), lr=2e-3)
    history = _digits.train(model, optimizer, train_set, test_set, epochs, desc="digits LeNet")
    acc = history[-1][1]
    print(f"test accuracy after {epochs} epochs: {acc:.2%}")
    path = os.path.join(args.out, "digits_lenet.png")
    _digits.plot(history, path, "LeNet-style CNN on sklearn digits")
    print(f"loss and accuracy curves saved to {path}")
    return acc


if __name__ == "__main__":
    main()
