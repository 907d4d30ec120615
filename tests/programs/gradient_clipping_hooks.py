"""Gradient tools used in training loops: clip_grad_norm_ and clip_grad_value_, tensor hooks
that log or rescale gradients, retain_grad on an intermediate value, parameters_to_vector,
and anomaly detection pointing at the forward line that made a NaN."""
import warnings

import torch
import torch.nn as nn
from torch.nn.utils import clip_grad_norm_, clip_grad_value_, parameters_to_vector

model = nn.Sequential(nn.Linear(3, 3), nn.Tanh(), nn.Linear(3, 1))
with torch.no_grad():
    for p in model.parameters():
        p.copy_(torch.arange(p.numel(), dtype=torch.float32).reshape(p.shape) / 4 - 0.5)
x = torch.tensor([[10.0, -20.0, 30.0], [1.0, 2.0, 3.0]])
loss = model(x).pow(2).sum()
loss.backward()
total_norm = clip_grad_norm_(model.parameters(), max_norm=1.0)
print("norm before clipping:", round(total_norm.item(), 4))
norms = torch.stack([p.grad.norm() for p in model.parameters()])
print("norm after:", round(torch.norm(norms).item(), 4))
clip_grad_value_(model.parameters(), clip_value=0.1)
print(model[0].weight.grad)
print(parameters_to_vector(model.parameters()).shape)

seen = []
a = torch.tensor([1.0, 2.0, 3.0], requires_grad=True)
a.register_hook(lambda g: seen.append(g.clone()))
h = a * 2
h.register_hook(lambda g: g * 10)
k = h + 1
k.retain_grad()
(k ** 2).sum().backward()
print(k.grad, a.grad, seen, h.grad_fn.name())

warnings.simplefilter("ignore")
w = torch.tensor([0.0, 1.0], requires_grad=True)
with torch.autograd.detect_anomaly():
    out = torch.sqrt(w) * 0
    try:
        out.sum().backward()
    except RuntimeError as error:
        print(str(error).splitlines()[0])
print(torch.autograd.set_detect_anomaly(False) is not None)
