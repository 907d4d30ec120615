"""Training workloads (nn + optim + utils.data), written once against the PyTorch API.

- ``train_digits_mlp``: one epoch of the digits MLP (64-128-64-10, ReLU, Adam,
  batches of 64 from a ``DataLoader`` over a ``TensorDataset``), as in
  ``examples/digits_mlp.py`` minus dropout (whose random streams differ).
- ``conv2d_step``: forward and backward of the LeNet-style CNN of
  ``examples/digits_lenet.py`` (minus dropout) on one batch of 64 8x8 digits.

Both libraries start from the same weights and see the same batches in the
same order, so their results are compared before they are timed.  Set-up
(data, weights) is done once per library and not timed; each timed call
restores the initial weights, which costs a few array copies.

How chainrule computes a convolution (``ops/convolution.py``): the input's
sliding windows are copied once into an im2col matrix of shape
(N*Ho*Wo, C*kh*kw) and multiplied by the (C*kh*kw, O) weight matrix in one
matmul; backward is two matmuls of the same size plus a col2im of kh*kw
strided additions.  The copy moves 1/O as many numbers as the matmul does
multiply-adds, but it is memory-bound, so for LeNet's narrow layers (16 and 32
output channels) it costs about as much as the matmul itself.
"""
from __future__ import annotations

from typing import Any

import numpy as np

BATCH = 64
_CACHE: dict = {}


def _digits():
    if "digits" not in _CACHE:
        from sklearn.datasets import load_digits
        d = load_digits()
        x = (d.data / 16.0).astype(np.float32)
        order = np.random.default_rng(0).permutation(len(x))[: int(0.8 * len(x))]
        _CACHE["digits"] = (x[order], d.target[order].astype(np.int64))
    return _CACHE["digits"]


def _mlp(nn):
    return nn.Sequential(nn.Linear(64, 128), nn.ReLU(), nn.Linear(128, 64), nn.ReLU(),
                         nn.Linear(64, 10))


def _lenet(nn):
    return nn.Sequential(
        nn.Conv2d(1, 16, 3, padding=1), nn.ReLU(), nn.MaxPool2d(2),
        nn.Conv2d(16, 32, 3, padding=1), nn.ReLU(), nn.MaxPool2d(2),
        nn.Flatten(), nn.Linear(128, 64), nn.ReLU(), nn.Linear(64, 10))


def _same_weights(torch: Any, model: Any, seed: int) -> dict:
    """Weights drawn by NumPy, identical for every library."""
    rng = np.random.default_rng(seed)
    state = {}
    for name, p in model.state_dict().items():
        bound = 1 / np.sqrt(p.shape[1] * int(np.prod(p.shape[2:]))) if p.ndim > 1 else 0.05
        state[name] = torch.tensor(rng.uniform(-bound, bound, tuple(p.shape)).astype(np.float32))
    model.load_state_dict(state)
    return state


def _setup(torch: Any, kind: str):
    key = (kind, torch.__name__)
    if key not in _CACHE:
        x, y = _digits()
        if kind == "mlp":
            model = _mlp(torch.nn)
            data = torch.utils.data.TensorDataset(torch.tensor(x), torch.tensor(y))
            loader = torch.utils.data.DataLoader(data, batch_size=BATCH, shuffle=False)
            _CACHE[key] = (model, _same_weights(torch, model, 1), loader)
        else:
            model = _lenet(torch.nn)
            batch = (torch.tensor(x[:BATCH].reshape(-1, 1, 8, 8)), torch.tensor(y[:BATCH]))
            _CACHE[key] = (model, _same_weights(torch, model, 2), batch)
    return _CACHE[key]


def train_digits_mlp(torch: Any) -> Any:
    """One epoch (23 batches of 64) of Adam on the digits MLP; returns the final weights."""
    model, initial, loader = _setup(torch, "mlp")
    model.load_state_dict(initial)
    optimizer = torch.optim.Adam(model.parameters(), lr=1e-3)
    loss_fn = torch.nn.CrossEntropyLoss()
    for xb, yb in loader:
        optimizer.zero_grad()
        loss = loss_fn(model(xb), yb)
        loss.backward()
        optimizer.step()
    return [p.detach() for p in model.parameters()]


def train_digits_mlp_compiled(torch: Any) -> Any:
    """``train_digits_mlp`` with the training step compiled by ``chainrule.compile``;
    PyTorch runs the eager epoch (``train_digits_mlp``), the yardstick.

    Model, optimizer and compiled step are made once (as a training script does); each
    timed epoch restores the initial weights and an empty Adam state, so every epoch
    computes the same trajectory.  The step is traced three times in all (.grad unset,
    .grad set, the smaller last batch) and replayed after.
    """
    if torch.__name__ != "chainrule":
        return train_digits_mlp(torch)
    key = ("mlp_compiled", torch.__name__)
    if key not in _CACHE:
        model, initial, loader = _setup(torch, "mlp")
        optimizer = torch.optim.Adam(model.parameters(), lr=1e-3)
        loss_fn = torch.nn.CrossEntropyLoss()

        def step(xb, yb):
            optimizer.zero_grad()
            loss = loss_fn(model(xb), yb)
            loss.backward()
            optimizer.step()

        _CACHE[key] = (model, initial, loader, optimizer, optimizer.state_dict(),
                       torch.compile(step))
    model, initial, loader, optimizer, empty_state, step = _CACHE[key]
    model.load_state_dict(initial)
    optimizer.load_state_dict(empty_state)
    for xb, yb in loader:
        step(xb, yb)
    return [p.detach() for p in model.parameters()]


def conv2d_step(torch: Any) -> Any:
    """LeNet forward + backward on a batch of 64; returns the parameter gradients."""
    model, initial, (xb, yb) = _setup(torch, "lenet")
    model.zero_grad()
    loss = torch.nn.functional.cross_entropy(model(xb), yb)
    loss.backward()
    return [p.grad for p in model.parameters()]


def workloads(target_cls) -> dict:
    """``name -> (workload, target)`` in the form ``run.py``'s SIMPLE table uses."""
    return {
        "train_digits_mlp": (train_digits_mlp, target_cls(1.0, "torch")),
        "train_digits_mlp_compiled": (train_digits_mlp_compiled, target_cls(0.6, "torch")),
        "conv2d_step": (conv2d_step, target_cls(2.0, "torch")),
    }
