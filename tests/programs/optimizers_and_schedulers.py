"""Optimizers and learning-rate schedules: SGD, momentum, Adam, AdamW, RMSprop and Adagrad
on the Rosenbrock function; StepLR, ExponentialLR, CosineAnnealingLR, LambdaLR and
ReduceLROnPlateau; parameter groups with their own learning rates."""
import torch
import torch.optim as optim
from torch.optim.lr_scheduler import (
    CosineAnnealingLR,
    ExponentialLR,
    LambdaLR,
    ReduceLROnPlateau,
    StepLR,
)


def rosenbrock(p):
    x, y = p
    return (1 - x) ** 2 + 100 * (y - x ** 2) ** 2


settings = {
    "SGD": (optim.SGD, dict(lr=1e-3)),
    "SGD+momentum": (optim.SGD, dict(lr=1e-3, momentum=0.9)),
    "Adam": (optim.Adam, dict(lr=0.05)),
    "AdamW": (optim.AdamW, dict(lr=0.05, weight_decay=0.01)),
    "RMSprop": (optim.RMSprop, dict(lr=0.01)),
    "Adagrad": (optim.Adagrad, dict(lr=0.5)),
}
for name, (cls, kwargs) in settings.items():
    p = torch.tensor([-1.5, 2.0], requires_grad=True)
    opt = cls([p], **kwargs)
    for _ in range(100):
        opt.zero_grad()
        loss = rosenbrock(p)
        loss.backward()
        opt.step()
    print(f"{name:13s} loss {rosenbrock(p).item():.4f} at {p.detach()}")

model = torch.nn.Linear(3, 1)
opt = optim.SGD([{"params": [model.weight], "lr": 0.1},
                 {"params": [model.bias]}], lr=0.01, momentum=0.5)
print([g["lr"] for g in opt.param_groups], opt.defaults["momentum"])

for make in (lambda o: StepLR(o, step_size=2, gamma=0.5),
             lambda o: ExponentialLR(o, gamma=0.9),
             lambda o: CosineAnnealingLR(o, T_max=4),
             lambda o: LambdaLR(o, lambda n: 1 / (n + 1))):
    w = torch.zeros(2, requires_grad=True)
    o = optim.SGD([w], lr=1.0)
    scheduler = make(o)
    lrs = []
    for _ in range(5):
        o.zero_grad()
        (w - 1).pow(2).sum().backward()
        o.step()
        scheduler.step()
        lrs.append(round(scheduler.get_last_lr()[0], 6))
    print(type(scheduler).__name__, lrs, w.detach())

w = torch.zeros(1, requires_grad=True)
o = optim.SGD([w], lr=0.5)
plateau = ReduceLROnPlateau(o, mode="min", factor=0.5, patience=1)
for epoch, val_loss in enumerate([1.0, 0.9, 0.95, 0.97, 0.99, 0.8, 0.85, 0.9]):
    plateau.step(val_loss)
    print(epoch, o.param_groups[0]["lr"])
