"""A multilayer perceptron on two interleaved spirals: nn.Module subclass, ReLU, Adam,
DataLoader, tqdm over epochs, a loss curve and a decision map drawn with matplotlib."""
import os
import tempfile

import matplotlib.pyplot as plt
import numpy as np
import torch
import torch.nn as nn
import torch.optim as optim
from torch.utils.data import DataLoader, TensorDataset
from tqdm import trange


def spirals(n, noise, rng):
    t = np.linspace(0.25, 3 * np.pi, n)
    arm = np.stack([t * np.cos(t), t * np.sin(t)], 1) / 5
    X = np.concatenate([arm, -arm]) + rng.normal(0, noise, (2 * n, 2))
    y = np.concatenate([np.zeros(n), np.ones(n)])
    return X.astype(np.float32), y.astype(np.int64)


X, y = spirals(100, 0.05, np.random.default_rng(0))
dataset = TensorDataset(torch.from_numpy(X), torch.from_numpy(y))
loader = DataLoader(dataset, batch_size=40, shuffle=False)


class MLP(nn.Module):
    def __init__(self, hidden=16):
        super().__init__()
        self.layers = nn.Sequential(
            nn.Linear(2, hidden), nn.ReLU(),
            nn.Linear(hidden, hidden), nn.ReLU(),
            nn.Linear(hidden, 2))

    def forward(self, x):
        return self.layers(x)


model = MLP()
rng = np.random.default_rng(1)
with torch.no_grad():  # the same starting weights in any library
    for p in model.parameters():
        p.copy_(torch.tensor(rng.uniform(-0.7, 0.7, tuple(p.shape)), dtype=torch.float32))
print(model)
print(sum(p.numel() for p in model.parameters() if p.requires_grad), "parameters")

criterion = nn.CrossEntropyLoss()
optimizer = optim.Adam(model.parameters(), lr=0.02)
history = []
for epoch in trange(40, desc="training"):
    epoch_loss = 0.0
    for xb, yb in loader:
        optimizer.zero_grad()
        loss = criterion(model(xb), yb)
        loss.backward()
        optimizer.step()
        epoch_loss += loss.item() * xb.size(0)
    history.append(epoch_loss / len(dataset))
    if (epoch + 1) % 10 == 0:
        print(f"epoch {epoch + 1:3d}  loss {history[-1]:.4f}")

model.eval()
with torch.inference_mode():
    logits = model(torch.from_numpy(X))
    predicted = logits.argmax(dim=1)
accuracy = (predicted == torch.from_numpy(y)).float().mean().item()
print(f"training accuracy: {accuracy:.3f}")

grid = torch.stack(torch.meshgrid(torch.linspace(-2, 2, 30), torch.linspace(-2, 2, 30),
                                  indexing="xy"), dim=-1).reshape(-1, 2)
with torch.no_grad():
    region = model(grid).argmax(1).reshape(30, 30)
print("class-1 share of the plane:", region.float().mean().item())
folder = tempfile.mkdtemp()
fig, (left, right) = plt.subplots(1, 2, figsize=(8, 3))
left.plot(history)
left.set_xlabel("epoch")
left.set_ylabel("loss")
right.contourf(np.linspace(-2, 2, 30), np.linspace(-2, 2, 30), region, alpha=0.3)
right.scatter(X[:, 0], X[:, 1], c=y, s=4)
fig.savefig(os.path.join(folder, "mlp.png"))
print("figure saved:", os.path.exists(os.path.join(folder, "mlp.png")))
