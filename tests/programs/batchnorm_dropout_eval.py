"""What train() and eval() change: BatchNorm's batch statistics and running averages,
Dropout switched off in evaluation (and scaling by 1/(1-p) in training, checked by its
mean), and a model evaluated with torch.no_grad."""
import torch
import torch.nn as nn

bn = nn.BatchNorm1d(3, momentum=0.1)
x = torch.tensor([[1.0, 2.0, 3.0], [3.0, 6.0, 9.0], [5.0, 4.0, 0.0], [7.0, 0.0, 4.0]])
print(bn.running_mean, bn.running_var, bn.num_batches_tracked)
y = bn(x)
print(y)
print(bn.running_mean, bn.running_var, bn.num_batches_tracked)
bn.eval()
print(bn(x))
bn2d = nn.BatchNorm2d(2)
images = torch.arange(32.0).reshape(2, 2, 2, 4)
print(bn2d(images).mean(dim=(0, 2, 3)), bn2d.running_mean)

drop = nn.Dropout(p=0.5)
ones = torch.ones(1000)
kept = drop(ones)
print(set(kept.unique().tolist()) <= {0.0, 2.0}, 300 < int((kept > 0).sum()) < 700)
drop.eval()
print(torch.equal(drop(ones), ones))

model = nn.Sequential(nn.Linear(3, 4), nn.BatchNorm1d(4), nn.ReLU(), nn.Dropout(0.2),
                      nn.Linear(4, 1))
with torch.no_grad():
    for i, p in enumerate(model.parameters()):
        p.copy_(torch.linspace(-0.5, 0.5, p.numel()).reshape(p.shape) + i * 0.1)
model.eval()
with torch.no_grad():
    print(model(x))
model.train()
print(model.training, [m.training for m in model])
print(model[1].state_dict())
ln = nn.LayerNorm(3)
gn = nn.GroupNorm(1, 3)
print(ln(x), gn(x.unsqueeze(-1)).squeeze(-1))
