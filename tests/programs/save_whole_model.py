"""Saving and loading models the three ways the PyTorch docs show: the state_dict
(recommended), the whole model object (loaded back with weights_only=False, from a file you
trust), and a model's weights moved into a second architecture with strict=False."""
import tempfile
from pathlib import Path

import torch
import torch.nn as nn
import torch.nn.functional as F


class TheModelClass(nn.Module):
    def __init__(self):
        super().__init__()
        self.conv1 = nn.Conv2d(1, 2, 3)
        self.pool = nn.MaxPool2d(2, 2)
        self.fc1 = nn.Linear(2 * 2 * 2, 5)
        self.fc2 = nn.Linear(5, 3)

    def forward(self, x):
        x = self.pool(F.relu(self.conv1(x)))
        x = x.view(-1, 2 * 2 * 2)
        return self.fc2(F.relu(self.fc1(x)))


model = TheModelClass()
with torch.no_grad():
    for i, p in enumerate(model.parameters()):
        p.copy_(torch.sin(torch.arange(p.numel()) * 0.7 + i).reshape(p.shape) * 0.5)
optimizer = torch.optim.SGD(model.parameters(), lr=0.001, momentum=0.9)
print("Model's state_dict:")
for param_tensor in model.state_dict():
    print(param_tensor, "\t", model.state_dict()[param_tensor].size())
print("Optimizer's state_dict:")
for var_name in optimizer.state_dict():
    print(var_name, "\t", optimizer.state_dict()[var_name])

folder = Path(tempfile.mkdtemp())
torch.save(model.state_dict(), folder / "weights.pth")
model2 = TheModelClass()
model2.load_state_dict(torch.load(folder / "weights.pth", weights_only=True))
model2.eval()
x = torch.cos(torch.arange(36.0)).reshape(1, 1, 6, 6)
print(model2(x))

torch.save(model, folder / "whole.pt")
try:
    torch.load(folder / "whole.pt")
except Exception as error:  # weights_only=True refuses a pickled class
    print("refused:", type(error).__name__, "weights_only" in str(error))
model3 = torch.load(folder / "whole.pt", weights_only=False)
model3.eval()
print(type(model3).__name__, torch.equal(model3(x), model2(x)))


class Bigger(nn.Module):
    def __init__(self):
        super().__init__()
        self.fc1 = nn.Linear(8, 5)
        self.extra = nn.Linear(5, 5)


bigger = Bigger()
result = bigger.load_state_dict({"fc1.weight": model.fc1.weight, "fc1.bias": model.fc1.bias},
                                strict=False)
print(result.missing_keys, result.unexpected_keys)
print(torch.equal(bigger.fc1.weight, model.fc1.weight))
torch.save({"modelA": model.state_dict(), "optimizerA": optimizer.state_dict(),
            "note": "several models in one file"}, folder / "all.tar")
both = torch.load(folder / "all.tar", map_location=torch.device("cpu"))
print(sorted(both), both["note"], len(both["modelA"]))
