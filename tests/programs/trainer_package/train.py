"""python -m trainer_package.train --hidden N: fit x -> |x| with the package's model."""
import argparse
import sys

import torch

from .model import make_model


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--hidden", type=int, default=4)
    args = parser.parse_args()
    print(__name__, __package__, sys.argv[0].endswith("train.py"), sys.argv[1:])
    model = make_model(args.hidden)
    print(model)
    x = torch.linspace(-2, 2, 41).unsqueeze(1)
    y = x.abs()
    optimizer = torch.optim.Adam(model.parameters(), lr=0.05)
    for step in range(60):
        optimizer.zero_grad()
        loss = torch.nn.functional.smooth_l1_loss(model(x), y)
        loss.backward()
        optimizer.step()
        if step % 20 == 19:
            print(f"step {step + 1}: loss {loss.item():.5f}")


if __name__ == "__main__":
    main()
