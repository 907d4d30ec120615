"""Saving and resuming training from a checkpoint, as the PyTorch recipe does it: the model's
and the optimizer's state dicts, the epoch and the loss in one file, loaded into a fresh
model and optimizer that continue where training stopped."""
import os
import tempfile

import numpy as np
import torch
import torch.nn as nn
import torch.optim as optim
from torch.utils.data import DataLoader, TensorDataset


class Net(nn.Module):
    def __init__(self):
        super().__init__()
        self.fc1 = nn.Linear(4, 8)
        self.fc2 = nn.Linear(8, 3)

    def forward(self, x):
        return self.fc2(torch.tanh(self.fc1(x)))


def fresh_model():
    net = Net()
    rng = np.random.default_rng(5)
    with torch.no_grad():
        for p in net.parameters():
            p.copy_(torch.from_numpy(rng.normal(0, 0.5, tuple(p.shape)).astype(np.float32)))
    return net


rng = np.random.default_rng(11)
X = torch.from_numpy(rng.normal(size=(90, 4)).astype(np.float32))
y = torch.from_numpy((X[:, 0] > X[:, 1]).numpy().astype(np.int64) + (X[:, 2] > 1).numpy())
loader = DataLoader(TensorDataset(X, y), batch_size=30)
criterion = nn.CrossEntropyLoss()


def train_epoch(net, optimizer):
    total = 0.0
    for inputs, labels in loader:
        optimizer.zero_grad()
        loss = criterion(net(inputs), labels)
        loss.backward()
        optimizer.step()
        total += loss.item()
    return total / len(loader)


net = fresh_model()
optimizer = optim.SGD(net.parameters(), lr=0.05, momentum=0.9)
for epoch in range(3):
    loss = train_epoch(net, optimizer)
    print(f"epoch {epoch}: loss {loss:.5f}")

PATH = os.path.join(tempfile.mkdtemp(), "model.pt")
torch.save({
    "epoch": epoch,
    "model_state_dict": net.state_dict(),
    "optimizer_state_dict": optimizer.state_dict(),
    "loss": loss,
}, PATH)
print("checkpoint keys:", sorted(torch.load(PATH).keys()))

model = Net()
optimizer = optim.SGD(model.parameters(), lr=0.05, momentum=0.9)
checkpoint = torch.load(PATH, weights_only=True)
model.load_state_dict(checkpoint["model_state_dict"])
optimizer.load_state_dict(checkpoint["optimizer_state_dict"])
start_epoch = checkpoint["epoch"] + 1
loss = checkpoint["loss"]
print(f"resuming at epoch {start_epoch} (loss {loss:.5f})")
print(optimizer.state_dict()["param_groups"][0]["momentum"],
      len(optimizer.state_dict()["state"]))
model.train()
for epoch in range(start_epoch, start_epoch + 3):
    print(f"epoch {epoch}: loss {train_epoch(model, optimizer):.5f}")
model.eval()
with torch.no_grad():
    print(model(X[:2]))
