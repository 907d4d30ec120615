"""Concise linear regression (Dive into Deep Learning, 3.3 style): TensorDataset,
DataLoader, nn.Sequential, nn.MSELoss and torch.optim.SGD."""
import numpy as np
import torch
from torch import nn
from torch.utils import data

rng = np.random.default_rng(7)
true_w = torch.tensor([2, -3.4])
true_b = 4.2
features = torch.from_numpy(rng.normal(0, 1, (600, 2)).astype(np.float32))
labels = (features @ true_w + true_b).reshape(-1, 1)
labels += torch.from_numpy(rng.normal(0, 0.01, (600, 1)).astype(np.float32))


def load_array(data_arrays, batch_size, is_train=True):
    """Construct a PyTorch data iterator."""
    dataset = data.TensorDataset(*data_arrays)
    return data.DataLoader(dataset, batch_size, shuffle=False, drop_last=not is_train)


batch_size = 20
data_iter = load_array((features, labels), batch_size)
print(next(iter(data_iter))[0].shape, len(data_iter))

net = nn.Sequential(nn.Linear(2, 1))
net[0].weight.data.normal_(0, 0.01)
net[0].bias.data.fill_(0)
net[0].weight.data.copy_(torch.tensor([[0.01, -0.02]]))  # the same start in any library
loss = nn.MSELoss()
trainer = torch.optim.SGD(net.parameters(), lr=0.03)

num_epochs = 3
for epoch in range(num_epochs):
    for X, y in data_iter:
        l = loss(net(X), y)
        trainer.zero_grad()
        l.backward()
        trainer.step()
    l = loss(net(features), labels)
    print(f"epoch {epoch + 1}, loss {l:f}")

w = net[0].weight.data
print("error in estimating w:", true_w - w.reshape(true_w.shape))
b = net[0].bias.data
print("error in estimating b:", true_b - b)
print(net, net[0].weight.grad.shape)
