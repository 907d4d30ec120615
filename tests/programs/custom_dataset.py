"""A custom Dataset (with __len__, __getitem__ and a transform), DataLoader batching of
tuples and dicts, drop_last, a Subset, iterating by hand with iter/next, and a collate_fn."""
import numpy as np
import torch
from torch.utils.data import DataLoader, Dataset, Subset


class SquaresDataset(Dataset):
    """x and x**2 + noise, as a file-backed dataset would serve them."""

    def __init__(self, n, transform=None):
        rng = np.random.default_rng(2)
        self.x = np.linspace(-1, 1, n).astype(np.float32)
        self.y = (self.x ** 2 + rng.normal(0, 0.05, n)).astype(np.float32)
        self.transform = transform

    def __len__(self):
        return len(self.x)

    def __getitem__(self, idx):
        sample = torch.tensor([self.x[idx]]), torch.tensor([self.y[idx]])
        if self.transform:
            sample = self.transform(sample)
        return sample


class DictDataset(Dataset):
    def __init__(self, base):
        self.base = base

    def __len__(self):
        return len(self.base)

    def __getitem__(self, idx):
        x, y = self.base[idx]
        return {"features": x, "target": y, "index": idx}


data = SquaresDataset(23, transform=lambda s: (s[0] * 2, s[1]))
print(len(data), data[0], data[22])
loader = DataLoader(data, batch_size=5)
print(len(loader), [tuple(x.shape) for x, _ in loader])
loader = DataLoader(data, batch_size=5, drop_last=True)
print(len(loader), sum(len(x) for x, _ in loader))
batches = iter(DataLoader(DictDataset(data), batch_size=4))
first = next(batches)
print(sorted(first), first["features"].shape, first["index"])
subset = Subset(data, range(0, 23, 4))
print(len(subset), torch.cat([x for x, _ in DataLoader(subset, batch_size=3)]).flatten())


def collate_pairs(batch):
    xs, ys = zip(*batch)
    return torch.stack(xs).squeeze(1), torch.stack(ys).squeeze(1)


x, y = next(iter(DataLoader(data, batch_size=6, collate_fn=collate_pairs)))
print(x, y)

model = torch.nn.Sequential(torch.nn.Linear(1, 8), torch.nn.Tanh(), torch.nn.Linear(8, 1))
with torch.no_grad():
    for i, p in enumerate(model.parameters()):
        p.copy_(torch.linspace(-1, 1, p.numel()).reshape(p.shape) * (0.5 + i / 4))
opt = torch.optim.Adam(model.parameters(), lr=0.05)
for epoch in range(20):
    for x, y in DataLoader(data, batch_size=8):
        opt.zero_grad()
        loss = torch.nn.functional.mse_loss(model(x), y)
        loss.backward()
        opt.step()
    if epoch % 5 == 4:
        print(f"epoch {epoch + 1}: last batch loss {loss.item():.5f}")
