"""NumPy and matplotlib at the edges of a program: tensors into NumPy and back (shared
memory or copies), elements of an iterated tensor, 0-d tensors, histograms and plots of
tensors, and the error for an ndarray where a tensor is needed."""
import os
import tempfile

import matplotlib.pyplot as plt
import numpy as np
import torch

t = torch.arange(6.0)
print(np.array(list(t)), np.stack(list(t[:3])).dtype)
print(np.asarray(torch.tensor(2.5)), np.array(torch.tensor(3)).shape)
print([float(v) for v in t[:3]], [v.item() for v in torch.tensor([1, 2])])
print(np.mean([torch.tensor(1.0), torch.tensor(2.0)]), max(torch.tensor([3, 9, 4])))

a = np.arange(4, dtype=np.float32)
shared = torch.from_numpy(a)
copied = torch.tensor(a)
as_t = torch.as_tensor(a)
a[0] = 100
print(shared, copied, as_t)
back = shared.numpy()
back[1] = -1
print(shared[:2], type(back).__name__, back.dtype)
print(torch.from_numpy(np.ones((2, 2), dtype=np.int32)).dtype, torch.tensor(np.float64(1.5)))
print(np.exp(torch.tensor([0.0, 1.0]).numpy()), np.sum(torch.ones(3).numpy()))

w = torch.tensor([1.0, 2.0], requires_grad=True)
print(w.detach().numpy(), w.tolist())
try:
    w.numpy()
except RuntimeError as error:
    print("RuntimeError:", str(error)[:48])
try:
    torch.mm(np.ones((2, 2), dtype=np.float32), torch.ones(2, 2))
except TypeError as error:
    print("TypeError:", str(error)[:66])

samples = torch.from_numpy(np.random.default_rng(9).normal(size=500).astype(np.float32))
counts, edges, _ = plt.hist(samples, bins=5)
print(counts, np.round(edges, 3))
plt.close()
x = torch.linspace(-3, 3, 50)
fig, ax = plt.subplots()
ax.plot(x, torch.tanh(x), label="tanh")
ax.plot(x.numpy(), torch.sigmoid(x).numpy(), label="sigmoid")
ax.scatter(x[::10], torch.relu(x)[::10])
ax.legend()
path = os.path.join(tempfile.mkdtemp(), "activations.png")
fig.savefig(path)
print("saved:", os.path.getsize(path) > 0)
