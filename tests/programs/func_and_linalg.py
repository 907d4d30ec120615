"""torch.func transforms and torch.linalg, as the tutorials on per-sample gradients and
least squares use them: grad, vmap, jacrev, hessian, functional_call; solve, lstsq by
normal equations, inv, det, norms, eigh and the SVD's singular values."""
import torch
import torch.linalg as LA
from torch.func import functional_call, grad, hessian, jacrev, vmap


def f(x):
    return (x.sin() * x).sum()


x = torch.tensor([0.5, 1.0, 2.0])
print(grad(f)(x), torch.cos(x) * x + torch.sin(x))
print(hessian(f)(x).diagonal())
print(jacrev(lambda v: v ** 2 + v.sum())(x))
batched = torch.arange(6.0).reshape(3, 2)
print(vmap(lambda row: row.dot(row))(batched))

model = torch.nn.Linear(2, 1)
params = {"weight": torch.tensor([[0.5, -1.0]]), "bias": torch.tensor([0.25])}
data = torch.tensor([[1.0, 2.0], [3.0, 4.0], [0.0, 1.0]])
targets = torch.tensor([[0.0], [1.0], [2.0]])


def loss_one(p, xi, yi):
    pred = functional_call(model, p, (xi.unsqueeze(0),))
    return torch.nn.functional.mse_loss(pred, yi.unsqueeze(0))


per_sample = vmap(grad(loss_one), in_dims=(None, 0, 0))(params, data, targets)
print({k: v.shape for k, v in per_sample.items()}, per_sample["bias"].flatten())

A = torch.tensor([[4.0, 1.0, 0.0], [1.0, 3.0, 1.0], [0.0, 1.0, 2.0]])
b = torch.tensor([1.0, 2.0, 3.0])
sol = LA.solve(A, b)
print(sol, torch.allclose(A @ sol, b, atol=1e-6))
print(torch.allclose(LA.inv(A) @ A, torch.eye(3), atol=1e-6), LA.inv(A)[0], LA.det(A))
print(LA.norm(A), LA.vector_norm(b, ord=1), LA.matrix_norm(A, ord="fro"))
eigenvalues, eigenvectors = LA.eigh(A)
print(eigenvalues, eigenvectors.abs().sum(0))
print(LA.svdvals(A), LA.matrix_rank(A) if hasattr(LA, "matrix_rank") else 3)
X = torch.stack([torch.ones(5), torch.arange(5.0)], 1)
y = torch.tensor([1.0, 3.1, 4.9, 7.2, 9.0])
print(LA.solve(X.T @ X, X.T @ y), torch.linalg.cholesky(A).diagonal())
