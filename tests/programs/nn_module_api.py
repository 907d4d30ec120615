"""The nn.Module API: building blocks, named parameters and buffers, children and
modules, state_dict keys, apply() with nn.init, freezing parameters, ModuleList and
ModuleDict, hooks, train/eval and zero_grad."""
import torch
from torch import nn


class Block(nn.Module):
    def __init__(self, n_in, n_out):
        super().__init__()
        self.linear = nn.Linear(n_in, n_out)
        self.norm = nn.BatchNorm1d(n_out)
        self.register_buffer("calls", torch.zeros(1))

    def forward(self, x):
        self.calls += 1
        return torch.relu(self.norm(self.linear(x)))


class Net(nn.Module):
    def __init__(self):
        super().__init__()
        self.blocks = nn.ModuleList([Block(4, 6), Block(6, 6)])
        self.heads = nn.ModuleDict({"a": nn.Linear(6, 2), "b": nn.Linear(6, 1)})
        self.scale = nn.Parameter(torch.ones(1))

    def forward(self, x):
        for block in self.blocks:
            x = block(x)
        return self.heads["a"](x) * self.scale, self.heads["b"](x)


net = Net()
print(net)
for name, p in net.named_parameters():
    print(name, tuple(p.shape), p.requires_grad)
print([name for name, _ in net.named_buffers()])
print([type(m).__name__ for m in net.children()])
print(len(list(net.modules())), list(net.state_dict().keys())[:6])


def init_weights(m):
    if isinstance(m, nn.Linear):
        nn.init.constant_(m.weight, 0.05)
        nn.init.zeros_(m.bias)
    elif isinstance(m, nn.BatchNorm1d):
        nn.init.ones_(m.weight)
        nn.init.constant_(m.bias, 0.1)


net.apply(init_weights)
for p in net.blocks[0].parameters():
    p.requires_grad_(False)
print(sum(p.numel() for p in net.parameters() if p.requires_grad), "trainable of",
      sum(p.numel() for p in net.parameters()))

seen = []
handle = net.heads["a"].register_forward_hook(lambda m, i, o: seen.append(tuple(o.shape)))
x = torch.linspace(-1, 1, 20).reshape(5, 4)
a, b = net(x)
print(a, b.shape, seen)
handle.remove()
(a.sum() + b.sum()).backward()
print(net.blocks[0].linear.weight.grad, net.heads["b"].weight.grad)
print(net.blocks[1].norm.running_mean, net.blocks[0].calls)
net.eval()
print(net.training, net.blocks[0].training, net(x)[1].flatten())
net.zero_grad()
print(net.heads["b"].weight.grad)
