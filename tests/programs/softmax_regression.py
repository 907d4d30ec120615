"""Softmax regression on three Gaussian blobs: a Dataset of NumPy data, DataLoader,
nn.Flatten + nn.Linear, F.cross_entropy, accuracy, and tqdm progress bars (on stderr)."""
import numpy as np
import torch
import torch.nn.functional as F
from torch import nn
from torch.utils.data import DataLoader, TensorDataset
from tqdm import tqdm

rng = np.random.default_rng(3)
centers = np.array([[0.0, 2.0], [2.0, -1.0], [-2.0, -1.0]])
labels = np.repeat(np.arange(3), 100)
points = centers[labels] + rng.normal(0, 0.8, (300, 2))
X = torch.tensor(points, dtype=torch.float32)
y = torch.tensor(labels)
train_iter = DataLoader(TensorDataset(X[::2], y[::2]), batch_size=25)
test_iter = DataLoader(TensorDataset(X[1::2], y[1::2]), batch_size=50)
print(len(train_iter.dataset), len(test_iter.dataset), y.dtype)


def softmax(X):
    X_exp = torch.exp(X)
    partition = X_exp.sum(1, keepdim=True)
    return X_exp / partition


X_prob = softmax(torch.tensor([[0.1, 0.2, 0.3], [1.0, -1.0, 0.5]]))
print(X_prob, X_prob.sum(1))

net = nn.Sequential(nn.Flatten(), nn.Linear(2, 3))
with torch.no_grad():
    net[1].weight.copy_(torch.tensor([[0.1, -0.1], [0.0, 0.2], [-0.2, 0.1]]))
    net[1].bias.zero_()


def accuracy(y_hat, y):
    """Compute the number of correct predictions."""
    if len(y_hat.shape) > 1 and y_hat.shape[1] > 1:
        y_hat = y_hat.argmax(axis=1)
    cmp = y_hat.type(y.dtype) == y
    return float(cmp.type(y.dtype).sum())


def evaluate_accuracy(net, data_iter):
    net.eval()
    correct, total = 0.0, 0
    with torch.no_grad():
        for X, y in data_iter:
            correct += accuracy(net(X), y)
            total += y.numel()
    return correct / total


optimizer = torch.optim.SGD(net.parameters(), lr=0.1)
for epoch in range(5):
    net.train()
    total_loss, n = 0.0, 0
    for X_batch, y_batch in tqdm(train_iter, desc=f"epoch {epoch + 1}", leave=False):
        loss = F.cross_entropy(net(X_batch), y_batch)
        optimizer.zero_grad()
        loss.backward()
        optimizer.step()
        total_loss += loss.item() * len(y_batch)
        n += len(y_batch)
    print(f"epoch {epoch + 1}: loss {total_loss / n:.4f}, "
          f"test acc {evaluate_accuracy(net, test_iter):.3f}")
print(F.softmax(net(X[:3]), dim=1))
print(F.log_softmax(net(X[:2]), dim=-1), F.nll_loss(F.log_softmax(net(X), 1), y))
