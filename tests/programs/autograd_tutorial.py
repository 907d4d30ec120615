"""Automatic differentiation with torch.autograd: a one-layer network, grad_fn, gradients,
no_grad, detach, vector-Jacobian products, retain_graph and torch.autograd.grad."""
import torch
import torch.autograd as autograd

x = torch.ones(5)
y = torch.zeros(3)
w = torch.linspace(-1, 1, 15).reshape(5, 3).requires_grad_()
b = torch.tensor([0.1, -0.2, 0.3], requires_grad=True)
z = torch.matmul(x, w) + b
loss = torch.nn.functional.binary_cross_entropy_with_logits(z, y)
print(f"Gradient function for z = {z.grad_fn}"[:40])
print(type(loss.grad_fn).__name__, loss)
loss.backward()
print(w.grad)
print(b.grad)

z = torch.matmul(x, w) + b
print(z.requires_grad)
with torch.no_grad():
    z = torch.matmul(x, w) + b
print(z.requires_grad)
z = torch.matmul(x, w) + b
z_det = z.detach()
print(z_det.requires_grad)

inp = torch.eye(4, 5, requires_grad=True)
out = (inp + 1).pow(2).t()
out.backward(torch.ones_like(out), retain_graph=True)
print(f"First call\n{inp.grad}")
out.backward(torch.ones_like(out), retain_graph=True)
print(f"\nSecond call\n{inp.grad}")
inp.grad.zero_()
out.backward(torch.ones_like(out), retain_graph=True)
print(f"\nCall after zeroing gradients\n{inp.grad}")

a = torch.tensor([2.0, 3.0], requires_grad=True)
q = 3 * a ** 3 - a ** 2
(dq,) = autograd.grad(q.sum(), a, create_graph=True)
print(dq, dq.grad_fn is not None)
(d2q,) = autograd.grad(dq.sum(), a)
print(d2q)

x = torch.tensor(0.5, requires_grad=True)
y = torch.sin(x) * torch.exp(x)
y.backward()
print(f"{x.grad.item():.6f}", f"{(torch.cos(x) + torch.sin(x)).mul(torch.exp(x)).item():.6f}")

v = torch.tensor([1.0, 0.1, 0.01])
s = torch.tensor([1.0, 2.0, 3.0], requires_grad=True)
t = s * 2
t.retain_grad()
u = t ** 2
u.backward(v)
print(s.grad, t.grad, t.is_leaf, s.is_leaf)
print(autograd.functional.jacobian(lambda p: p ** 2, torch.tensor([1.0, 2.0])))
