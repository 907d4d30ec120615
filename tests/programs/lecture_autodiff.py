"""The lecture "Automatic Differentiation": every example it runs, in order.

House prices as lists, a hand-written loss, numerical derivatives, tangent plots, then
PyTorch's autograd: backward, gradient accumulation, detach, no_grad and the gradient of
the house-price loss.  Plots go to a temporary folder.
"""
import os
import tempfile

import torch
from matplotlib import pyplot as plt

plots = tempfile.mkdtemp()

# 1. Optimization: a tiny "neural network" and its loss, on plain lists
X = [[2, 1, 0.5, 0], [4, 2, 2.0, 1], [3, 1, 1.0, 0]]
Y = [[1550], [3100], [2200]]


def f(x, w):
    return w[0] * x[0] + w[1] * x[1] + w[2] * x[2] + w[3] * x[3]


w = [500, 200, -100, 100]
for i in range(len(X)):
    print(f(X[i], w))


def loss(X, Y, w):
    total = 0
    for i in range(len(X)):
        total += (f(X[i], w) - Y[i][0]) ** 2
    return total / len(X)


for guess in ([500, 150, -50, 200], [700, 200, -100, 100], [600, 100, -50, 150]):
    print(loss(X, Y, guess))


# 2. Functions and derivatives: f(x) = 3x^2 - 4x
def f(x):
    return 3 * (x ** 2) - 4 * x


x = torch.arange(-5, 5, 0.1)
plt.plot(x, f(x))
plt.xlabel("x")
plt.ylabel("f(x)")
plt.savefig(os.path.join(plots, "function.png"))
plt.close()


def numerical_derivative(f, x, h):
    return (f(x + h) - f(x)) / h


h = 0.1
for _ in range(5):
    print(f"h={h:.5f}, approximation:{numerical_derivative(f, 1, h):.5f}")
    h = h / 10


def f_prime(x):
    return 6 * x - 4


def tangent(x, a):
    b = f(a) - f_prime(a) * a
    return f_prime(a) * x + b


a = 2
plt.plot(x, f(x), label="f")
plt.plot(x, tangent(x, a), label=f"tangent at a={a}")
plt.legend(loc="best")
plt.savefig(os.path.join(plots, "tangent.png"))
plt.close()

a = torch.tensor(torch.pi / 4)
plt.plot(x, torch.sin(x), label="sin")
plt.plot(x, torch.cos(a) * x + torch.sin(a) - torch.cos(a) * a, label="tangent")
plt.savefig(os.path.join(plots, "sine.png"))
plt.close()

# 5.1 First example: f'(1) by backpropagation
x = torch.tensor(1.0, requires_grad=True)
print(x)
print(x.grad)
y = 3 * x ** 2 - 4 * x
print(y)
y.backward()
print(x.grad)

# 5.2 Second example: the gradient of 2 x^T x, then of sum(x)
x = torch.arange(4.0)
x.requires_grad_(True)
print(x)
print(x.grad)
y = 2 * torch.dot(x, x)
print(y)
y.backward()
print(x.grad)
z = torch.sum(x)
print(x.grad)
x.grad.zero_()
print(x.grad)
z.backward()
print(x.grad)

# 5.3 Detaching: u is y treated as a constant
x = torch.tensor(1.0, requires_grad=True)
print(x)
print(x.grad)
y = x * x
u = y.detach()
z = u * x
z.backward()
print(x.grad)

# 5.4 Disabling automatic differentiation
x = torch.arange(4.0)
x.requires_grad_(True)
print(x)
with torch.no_grad():
    y = 2 * torch.dot(x, x)
z = 2 * torch.dot(x, x)
print(y)
print(z)
try:
    y.backward()
except RuntimeError:
    print("y.backward(): RuntimeError")
z.backward()
print(x.grad)

# 5.5 House prices with tensors, and the gradient of the loss
X = torch.tensor([[2, 1, 0.5, 0], [4, 2, 2.0, 1], [3, 1, 1.0, 0]])
y = torch.tensor([1550, 3100, 2200])


def f(X, w):
    return torch.mv(X, w)


w = torch.tensor([500.0, 200.0, -100.0, 100.0])
print(f(X, w))


def loss(X, y, w):
    return ((f(X, w) - y) ** 2).mean()


for guess in ([500.0, 150.0, -50.0, 200.0], [700.0, 200.0, -100.0, 100.0],
              [600.0, 100.0, -50.0, 150.0]):
    print(loss(X, y, torch.tensor(guess)))
w.requires_grad_(True)
loss(X, y, w).backward()
print(w, w.grad)
