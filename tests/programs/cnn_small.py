"""A small convolutional network (LeNet-like) telling horizontal from vertical bars in 8x8
images: Conv2d, MaxPool2d, Flatten, a training loop and the feature-map shapes."""
import numpy as np
import torch
import torch.nn as nn
import torch.nn.functional as F
from torch.utils.data import DataLoader, TensorDataset


def bars(n, rng):
    images = rng.normal(0, 0.3, (n, 1, 8, 8)).astype(np.float32)
    labels = np.arange(n) % 2
    for i, label in enumerate(labels):
        k = i % 6 + 1
        if label:
            images[i, 0, :, k] += 2.0
        else:
            images[i, 0, k, :] += 2.0
    return torch.from_numpy(images), torch.from_numpy(labels)


class LeNet(nn.Module):
    def __init__(self):
        super().__init__()
        self.conv1 = nn.Conv2d(1, 4, kernel_size=3, padding=1)
        self.pool = nn.MaxPool2d(2, 2)
        self.conv2 = nn.Conv2d(4, 8, 3)
        self.fc1 = nn.Linear(8 * 2 * 2, 16)
        self.fc2 = nn.Linear(16, 2)

    def forward(self, x):
        x = self.pool(F.relu(self.conv1(x)))
        x = F.relu(self.conv2(x))
        x = F.max_pool2d(x, 1)
        x = torch.flatten(x, 1)
        x = F.relu(self.fc1(x))
        return self.fc2(x)


net = LeNet()
rng = np.random.default_rng(4)
with torch.no_grad():
    for p in net.parameters():
        p.copy_(torch.from_numpy(rng.uniform(-0.4, 0.4, tuple(p.shape)).astype(np.float32)))
print(net)
X = torch.zeros(1, 1, 8, 8)
for layer in (net.conv1, net.pool, net.conv2):
    X = layer(X)
    print(layer.__class__.__name__, "output shape:\t", X.shape)

train_X, train_y = bars(64, np.random.default_rng(0))
test_X, test_y = bars(32, np.random.default_rng(1))
loader = DataLoader(TensorDataset(train_X, train_y), batch_size=16)
criterion = nn.CrossEntropyLoss()
optimizer = torch.optim.SGD(net.parameters(), lr=0.1, momentum=0.9)
for epoch in range(6):
    running_loss = 0.0
    for inputs, labels in loader:
        optimizer.zero_grad()
        outputs = net(inputs)
        loss = criterion(outputs, labels)
        loss.backward()
        optimizer.step()
        running_loss += loss.item()
    print(f"[{epoch + 1}] loss: {running_loss / len(loader):.3f}")

correct = 0
total = 0
with torch.no_grad():
    outputs = net(test_X)
    _, predicted = torch.max(outputs.data, 1)
    total += test_y.size(0)
    correct += (predicted == test_y).sum().item()
print(f"Accuracy of the network on the {total} test images: {100 * correct // total} %")
