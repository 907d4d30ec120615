"""Tensors, as a first tutorial shows them: creating, shaping, indexing, joining, math,
broadcasting, in-place operations, dtypes and the NumPy bridge."""
import numpy as np
import torch

data = [[1, 2], [3, 4]]
x_data = torch.tensor(data)
print(x_data, x_data.dtype)
np_array = np.array(data)
x_np = torch.from_numpy(np_array)
print(x_np)
x_ones = torch.ones_like(x_data)
print(f"Ones Tensor: \n {x_ones} \n")
x_float = torch.zeros_like(x_data, dtype=torch.float)
print(f"Zeros Tensor: \n {x_float} \n")

shape = (2, 3)
print(torch.ones(shape), torch.zeros(shape), torch.full(shape, 7.5), torch.eye(3))
tensor = torch.arange(12, dtype=torch.float32).reshape(3, 4)
print(f"Shape of tensor: {tensor.shape}")
print(f"Datatype of tensor: {tensor.dtype}")
print(f"Device tensor is stored on: {tensor.device}")

print(f"First row: {tensor[0]}")
print(f"First column: {tensor[:, 0]}")
print(f"Last column: {tensor[..., -1]}")
tensor[:, 1] = 0
print(tensor)
print(tensor[tensor > 5], tensor[[0, 2]], tensor[1:, ::2])

t1 = torch.cat([tensor, tensor, tensor], dim=1)
print(t1.shape, torch.stack([tensor, tensor]).shape)

y1 = tensor @ tensor.T
y2 = tensor.matmul(tensor.T)
y3 = torch.mm(tensor, tensor.t())
print(y1, torch.equal(y1, y2), torch.allclose(y1, y3))
z1 = tensor * tensor
z2 = tensor.mul(tensor)
print(z1, torch.equal(z1, z2))

agg = tensor.sum()
agg_item = agg.item()
print(agg_item, type(agg_item))
print(tensor.mean(dim=0), tensor.max(dim=1), tensor.argmax(), tensor.std())

print(f"{tensor} \n")
tensor.add_(5)
print(tensor)

a = torch.arange(3).reshape(3, 1)
b = torch.arange(2).reshape(1, 2)
print(a + b, (a * b).shape)

x = torch.tensor([1.5, -2.5, 3.0])
print(x.int(), x.long().dtype, x.to(torch.float64), x.bool(), x.round(), x.abs().sqrt())
print(torch.linspace(0, 1, 5), torch.logspace(0, 2, 3))
print(x.view(3, 1).squeeze(), x.unsqueeze(0).shape, x.flip(0), x.clamp(-1, 1))

t = torch.ones(5)
print(f"t: {t}")
n = t.numpy()
print(f"n: {n}")
t.add_(1)
print(f"t: {t}")
print(f"n: {n}")
n = np.ones(5)
t = torch.from_numpy(n)
np.add(n, 1, out=n)
print(f"t: {t}")
print(f"n: {n}")
print(t.tolist(), torch.tensor(3.25).item())
