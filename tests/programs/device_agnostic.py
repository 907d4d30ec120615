"""Device-agnostic code as today's tutorials begin: choose the device from what is
available (CUDA, MPS, an accelerator), set it as the default, move models and data there,
set the cuDNN flags and seeds for reproducibility."""
import torch
import torch.backends.cudnn as cudnn
from torch import nn

device = "cuda" if torch.cuda.is_available() else "mps" if torch.backends.mps.is_available() \
    else "cpu"
print(f"Using {device} device")
device = (torch.accelerator.current_accelerator().type
          if torch.accelerator.is_available() else "cpu")
print(f"Using {device} device")
print(torch.cuda.is_available(), torch.cuda.device_count(), torch.backends.mps.is_built(),
      torch.backends.cudnn.is_available(), torch.accelerator.device_count())

torch.manual_seed(0)
torch.cuda.manual_seed_all(0)
cudnn.benchmark = False
cudnn.deterministic = True
torch.backends.cuda.matmul.allow_tf32 = False
print(cudnn.benchmark, cudnn.deterministic, torch.backends.cuda.matmul.allow_tf32)
print(torch.get_num_threads() >= 1, torch.get_default_device())

torch.set_default_device(device)
model = nn.Sequential(nn.Linear(3, 2), nn.Softplus()).to(device)
with torch.no_grad():
    model[0].weight.copy_(torch.tensor([[0.5, -0.5, 0.25], [0.1, 0.2, 0.3]]))
    model[0].bias.copy_(torch.tensor([0.0, -0.1]))
x = torch.tensor([[1.0, 2.0, 3.0]], device=device)
print(x.device, next(model.parameters()).device, x.to(device).is_cuda)
y = model(x.to(device))
print(y.cpu(), y.detach().cpu().numpy().round(4))
try:
    torch.ones(1).cuda()
except (AssertionError, RuntimeError) as error:
    print("no CUDA:", type(error).__name__)
