"""The package's model, imported relatively by train.py."""
import torch
from torch import nn


def make_model(hidden: int) -> nn.Module:
    model = nn.Sequential(nn.Linear(1, hidden), nn.SiLU(), nn.Linear(hidden, 1))
    with torch.no_grad():
        for i, p in enumerate(model.parameters()):
            p.copy_(torch.linspace(-1, 1, p.numel()).reshape(p.shape) * (0.8 - i / 10))
    return model
