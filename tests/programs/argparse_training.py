"""A training script driven by its command line (argparse), as example repositories write
them: hyperparameters from sys.argv, a main() guarded by __name__, logging to stdout,
and an exit status."""
import argparse
import sys

import numpy as np
import torch
import torch.nn as nn
from torch.utils.data import DataLoader, TensorDataset


def parse_args(argv=None):
    parser = argparse.ArgumentParser(description="Train a small regressor")
    parser.add_argument("--epochs", type=int, default=5)
    parser.add_argument("--lr", type=float, default=0.01)
    parser.add_argument("--batch-size", type=int, default=16)
    return parser.parse_args(argv)


def main():
    args = parse_args()
    print(f"argv: {sys.argv[1:]}")
    print(f"epochs={args.epochs} lr={args.lr} batch_size={args.batch_size}")
    rng = np.random.default_rng(8)
    X = torch.tensor(rng.uniform(-1, 1, (64, 2)), dtype=torch.float32)
    y = (X[:, :1] * 3 - X[:, 1:] + 0.5).clone()
    loader = DataLoader(TensorDataset(X, y), batch_size=args.batch_size)
    model = nn.Linear(2, 1)
    nn.init.zeros_(model.weight)
    nn.init.zeros_(model.bias)
    optimizer = torch.optim.SGD(model.parameters(), lr=args.lr, momentum=0.9)
    for epoch in range(1, args.epochs + 1):
        for xb, yb in loader:
            optimizer.zero_grad()
            loss = nn.functional.mse_loss(model(xb), yb)
            loss.backward()
            optimizer.step()
        print(f"epoch {epoch}/{args.epochs} loss={loss.item():.5f}")
    print("weights:", model.weight.data.flatten().tolist(), "bias:", model.bias.item())
    return 0


if __name__ == "__main__":
    sys.exit(main())
