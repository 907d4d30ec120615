"""Shared by the digits examples: the data, the training loop and the plot.

scikit-learn's handwritten digits (1797 8x8 images, bundled with the package,
no download) are split 80/20 with a fixed seed; pixels are scaled to [0, 1].
"""
from __future__ import annotations

import os

import numpy as np

import chainrule as torch
from chainrule.utils.data import DataLoader, TensorDataset


def load(image_shape: tuple, seed: int = 0):
    """(train, test) TensorDatasets of (float32 images of ``image_shape``, int64 labels)."""
    from sklearn.datasets import load_digits
    digits = load_digits()
    x = (digits.data / 16.0).astype(np.float32).reshape(-1, *image_shape)
    y = digits.target.astype(np.int64)
    order = np.random.default_rng(seed).permutation(len(y))
    split = int(0.8 * len(y))
    train, test = order[:split], order[split:]
    return (TensorDataset(torch.tensor(x[train]), torch.tensor(y[train])),
            TensorDataset(torch.tensor(x[test]), torch.tensor(y[test])))


def accuracy(model, dataset) -> float:
    model.eval()
    with torch.no_grad():
        x, y = dataset.tensors
        correct = (model(x).argmax(1) == y).sum().item()
    model.train()
    return correct / len(y)


def train(model, optimizer, train_set, test_set, epochs: int, batch_size: int = 64,
          seed: int = 0, desc: str = "training"):
    """Train with a tqdm bar; returns per-epoch (mean train loss, test accuracy)."""
    from tqdm import tqdm
    loader = DataLoader(train_set, batch_size=batch_size, shuffle=True,
                        generator=torch.Generator().manual_seed(seed))
    loss_fn = torch.nn.CrossEntropyLoss()
    history = []
    bar = tqdm(range(epochs), desc=desc, unit="epoch")
    for _ in bar:
        total, count = 0.0, 0
        for x, y in loader:
            optimizer.zero_grad()
            loss = loss_fn(model(x), y)
            loss.backward()
            optimizer.step()
            total += loss.item() * len(y)
            count += len(y)
        acc = accuracy(model, test_set)
        history.append((total / count, acc))
        bar.set_postfix(loss=f"{total / count:.4f}", test_acc=f"{acc:.2%}")
    return history


def plot(history, path: str, title: str) -> None:
    import matplotlib
    matplotlib.use("Agg")
    from matplotlib import pyplot as plt
    os.makedirs(os.path.dirname(path) or ".", exist_ok=True)
    epochs = np.arange(1, len(history) + 1)
    loss, acc = zip(*history)
    fig, ax1 = plt.subplots(figsize=(6, 4))
    ax1.plot(epochs, loss, color="tab:blue", marker="o")
    ax1.set_xlabel("epoch")
    ax1.set_ylabel("train loss", color="tab:blue")
    ax2 = ax1.twinx()
    ax2.plot(epochs, acc, color="tab:orange", marker="s")
    ax2.set_ylabel("test accuracy", color="tab:orange")
    ax1.set_title(title)
    fig.tight_layout()
    fig.savefig(path, dpi=100)
    plt.close(fig)
