"""Sequence models on a sine wave: predict the next value with nn.LSTM (batch_first) and
nn.GRU, sliding windows as a dataset, hidden-state shapes, and a multi-step forecast."""
import numpy as np
import torch
from torch import nn
from torch.utils.data import DataLoader, TensorDataset

series = np.sin(np.linspace(0, 8 * np.pi, 200)).astype(np.float32)
window = 12
inputs = np.stack([series[i:i + window] for i in range(len(series) - window)])
targets = series[window:]
dataset = TensorDataset(torch.from_numpy(inputs).unsqueeze(-1),
                        torch.from_numpy(targets).unsqueeze(-1))
loader = DataLoader(dataset, batch_size=47)
print(len(dataset), dataset[0][0].shape, dataset[0][1])


class Forecaster(nn.Module):
    def __init__(self, cell, hidden=8):
        super().__init__()
        self.rnn = cell(input_size=1, hidden_size=hidden, batch_first=True)
        self.head = nn.Linear(hidden, 1)

    def forward(self, x):
        out, _ = self.rnn(x)
        return self.head(out[:, -1])


for cell in (nn.LSTM, nn.GRU):
    model = Forecaster(cell)
    with torch.no_grad():
        for i, p in enumerate(model.parameters()):
            p.copy_(torch.cos(torch.arange(p.numel(), dtype=torch.float32) * (1.3 + i))
                    .reshape(p.shape) * 0.3)
    out, state = model.rnn(torch.zeros(2, window, 1))
    shapes = [tuple(s.shape) for s in state] if isinstance(state, tuple) else tuple(state.shape)
    print(cell.__name__, tuple(out.shape), shapes)
    optimizer = torch.optim.Adam(model.parameters(), lr=0.02)
    loss_fn = nn.MSELoss()
    for epoch in range(8):
        for x, y in loader:
            optimizer.zero_grad()
            loss = loss_fn(model(x), y)
            loss.backward()
            optimizer.step()
        if epoch % 4 == 3:
            print(f"{cell.__name__} epoch {epoch + 1}: loss {loss.item():.5f}")
    model.eval()
    history = torch.from_numpy(series[-window:]).reshape(1, window, 1)
    forecast = []
    with torch.no_grad():
        for _ in range(5):
            nxt = model(history)
            forecast.append(round(nxt.item(), 3))
            history = torch.cat([history[:, 1:], nxt.reshape(1, 1, 1)], dim=1)
    print(cell.__name__, "forecast:", forecast)
