"""Fitting y = sin(x) with a third-order polynomial three ways: NumPy by hand, tensors with
autograd, and nn.Sequential with nn.Flatten and torch.optim.RMSprop."""
import math

import numpy as np
import torch

x = np.linspace(-math.pi, math.pi, 2000)
y = np.sin(x)
a, b, c, d = 0.1, -0.2, 0.3, 0.05
learning_rate = 1e-6
for _ in range(500):
    y_pred = a + b * x + c * x ** 2 + d * x ** 3
    loss = np.square(y_pred - y).sum()
    grad_y_pred = 2.0 * (y_pred - y)
    a -= learning_rate * grad_y_pred.sum()
    b -= learning_rate * (grad_y_pred * x).sum()
    c -= learning_rate * (grad_y_pred * x ** 2).sum()
    d -= learning_rate * (grad_y_pred * x ** 3).sum()
print(f"numpy: y = {a:.4f} + {b:.4f} x + {c:.4f} x^2 + {d:.4f} x^3 (loss {loss:.2f})")

dtype = torch.float
xt = torch.linspace(-math.pi, math.pi, 2000, dtype=dtype)
yt = torch.sin(xt)
a, b, c, d = (torch.tensor(v, dtype=dtype, requires_grad=True) for v in (0.1, -0.2, 0.3, 0.05))
for t in range(500):
    y_pred = a + b * xt + c * xt ** 2 + d * xt ** 3
    loss = (y_pred - yt).pow(2).sum()
    if t % 100 == 99:
        print(t, round(loss.item(), 2))
    loss.backward()
    with torch.no_grad():
        for param in (a, b, c, d):
            param -= learning_rate * param.grad
            param.grad = None
print(f"autograd: y = {a.item():.4f} + {b.item():.4f} x + {c.item():.4f} x^2 + {d.item():.4f} x^3")

p = torch.tensor([1, 2, 3])
xx = xt.unsqueeze(-1).pow(p)
print(xx.shape)
model = torch.nn.Sequential(torch.nn.Linear(3, 1), torch.nn.Flatten(0, 1))
with torch.no_grad():
    model[0].weight.copy_(torch.tensor([[-0.2, 0.3, 0.05]]))
    model[0].bias.fill_(0.1)
loss_fn = torch.nn.MSELoss(reduction="sum")
optimizer = torch.optim.RMSprop(model.parameters(), lr=1e-3)
for t in range(100):  # (after about 120 steps, RMSprop's path on this problem depends on
    # the last bit of float32 sums, which differ between CPUs' vector units)
    loss = loss_fn(model(xx), yt)
    if t % 50 == 49:
        print(t, round(loss.item(), 2))
    optimizer.zero_grad()
    loss.backward()
    optimizer.step()
linear_layer = model[0]
w = [linear_layer.weight[:, i].item() for i in range(3)]
print(f"nn: y = {linear_layer.bias.item():.4f} + {w[0]:.4f} x + {w[1]:.4f} x^2 + {w[2]:.4f} x^3")
