"""Benchmark workloads written once against the PyTorch API.

Every workload is a plain function whose first argument is the module to run it
with, so the *same source* is timed for ``chainrule`` and for ``torch``::

    lecture_poly(chainrule)
    lecture_poly(torch)

Only the public PyTorch API is used, and where PyTorch offers several spellings
we pick the one a PyTorch-mimicking library is most likely to have (``torch.relu``,
``x.sum(dim=1, keepdim=True)``, ``h.max(dim=1, keepdim=True)[0]``, ...).

Each workload returns the gradients it computed, so ``run.py`` can check once,
outside the timed region, that chainrule and PyTorch agree before comparing speed.

Workloads that need prepared inputs (``mlp_*``) are split into a ``make_*``
set-up function, which is not timed, and the returned closure, which is.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Callable

import numpy as np

# --------------------------------------------------------------------------- lecture


def lecture_poly(torch: Any) -> Any:
    """The first lecture example: d/dx (3x^2 - 4x) at x = 1."""
    x = torch.tensor(1.0, requires_grad=True)
    y = 3 * x**2 - 4 * x
    y.backward()
    return x.grad


def lecture_dot(torch: Any) -> Any:
    """Gradient of 2 x.x for x = [0, 1, 2, 3]."""
    x = torch.arange(4.0).requires_grad_()
    (2 * torch.dot(x, x)).backward()
    return x.grad


def _house_data(torch: Any) -> tuple[Any, Any, Any]:
    """The lecture's tiny house-price regression (features, prices, weights)."""
    X = torch.tensor([[2, 1, 0.5, 0], [4, 2, 2.0, 1], [3, 1, 1.0, 0]])
    y = torch.tensor([1550, 3100, 2200])
    w = torch.tensor([500.0, 200.0, -100.0, 100.0], requires_grad=True)
    return X, y, w


def lecture_house(torch: Any) -> Any:
    """Mean squared error of a linear model and its gradient w.r.t. the weights."""
    X, y, w = _house_data(torch)
    loss = ((torch.mv(X, w) - y) ** 2).mean()
    loss.backward()
    return w.grad


GD_STEPS = 200
# The Hessian of the house loss has largest eigenvalue ~27, so plain gradient
# descent is stable for lr < ~0.07; 1e-3 is comfortably inside.
GD_LR = 1e-3


def gd_house(torch: Any) -> Any:
    """200 steps of hand-rolled gradient descent on the house loss."""
    X, y, w = _house_data(torch)
    for _ in range(GD_STEPS):
        loss = ((torch.mv(X, w) - y) ** 2).mean()
        loss.backward()
        with torch.no_grad():
            w -= GD_LR * w.grad
        w.grad.zero_()
    return w.detach()


def _gd_step(torch: Any, X: Any, y: Any, w: Any) -> None:
    loss = ((torch.mv(X, w) - y) ** 2).mean()
    loss.backward()
    with torch.no_grad():
        w -= GD_LR * w.grad
    w.grad.zero_()


_COMPILED: dict = {}


def gd_house_compiled(torch: Any) -> Any:
    """``gd_house`` with its step compiled by ``chainrule.compile``; PyTorch runs the eager
    loop (``gd_house``), the yardstick the compiled loop is measured against.

    The step function is compiled once (as a training script does), so the timed loop
    replays it: traced on its first two calls ever (w.grad unset, then set), replayed after.
    """
    if torch.__name__ != "chainrule":
        return gd_house(torch)
    step = _COMPILED.get("gd_house")
    if step is None:
        step = _COMPILED["gd_house"] = torch.compile(lambda X, y, w: _gd_step(torch, X, y, w))
    X, y, w = _house_data(torch)
    for _ in range(GD_STEPS):
        step(X, y, w)
    return w.detach()


# --------------------------------------------------------------------------- small ops

_rng = np.random.default_rng(1234)
# Fixed 4x4 inputs (float32, PyTorch's default dtype) plus broadcasting partners.
_SMALL_A = _rng.standard_normal((4, 4)).astype(np.float32)
_SMALL_B = _rng.standard_normal((4, 4)).astype(np.float32)
_SMALL_C = _rng.standard_normal((4, 1)).astype(np.float32)
_SMALL_R = _rng.standard_normal((1, 4)).astype(np.float32)


def small_ops(torch: Any) -> Any:
    """About 30 differentiable ops on 4x4 tensors: measures per-op overhead."""
    a = torch.tensor(_SMALL_A, requires_grad=True)
    b = torch.tensor(_SMALL_B, requires_grad=True)
    c = torch.tensor(_SMALL_C)  # (4, 1): broadcasts along columns
    r = torch.tensor(_SMALL_R)  # (1, 4): broadcasts along rows

    h = torch.tanh(a @ b)  # matmul, tanh
    h = (h + c) * r  # broadcasting add and mul
    e = torch.exp(-h)  # neg, exp
    s = h.sum(dim=1, keepdim=True)  # keepdim reductions
    m = h.mean(dim=0, keepdim=True)
    mx = h.max(dim=1, keepdim=True)[0]
    z = (h - mx) / (s.abs() + 1)  # sub, abs, add, div
    g = torch.sigmoid(z)
    k = torch.relu(a - b)
    u = g * e + k
    v = u @ b.T  # transpose, matmul
    v = v / (1 + v**2)  # pow, add, div
    q = torch.log(1 + torch.exp(v)) + m  # softplus by hand, broadcasting add
    q = torch.sqrt(q * q + 1)
    loss = q.sum()
    loss.backward()
    return a.grad, b.grad


# --------------------------------------------------------------------------- deep chain

DEEP_CHAIN_N = 20_000
DEEP_CHAIN_1M_N = 1_000_000


def deep_chain(torch: Any, n: int = DEEP_CHAIN_N) -> Any:
    """A long chain of scalar ops: stresses graph bookkeeping, not arithmetic."""
    x = torch.tensor(1.0, requires_grad=True)
    h = x
    for _ in range(n):
        h = h * 0.9999 + 0.0001
    h.backward()
    return x.grad


# --------------------------------------------------------------------------- MLP

MLP_BATCH, MLP_IN, MLP_HIDDEN, MLP_OUT = 256, 784, 1024, 10


@dataclass
class MLPData:
    """NumPy float32 inputs and initial parameters shared by every MLP implementation."""

    x: np.ndarray  # (batch, in)
    labels: np.ndarray  # (batch,) int64
    params: list[np.ndarray]  # [W1 (in, hidden), b1 (hidden,), W2 (hidden, out), b2 (out,)]


def mlp_data(seed: int = 0) -> MLPData:
    """Random MNIST-shaped batch and He-style initial weights (float32)."""
    rng = np.random.default_rng(seed)
    x = rng.standard_normal((MLP_BATCH, MLP_IN)).astype(np.float32)
    labels = rng.integers(0, MLP_OUT, size=MLP_BATCH).astype(np.int64)
    w1 = (rng.standard_normal((MLP_IN, MLP_HIDDEN)) * np.sqrt(2 / MLP_IN)).astype(np.float32)
    b1 = np.zeros(MLP_HIDDEN, dtype=np.float32)
    w2 = (rng.standard_normal((MLP_HIDDEN, MLP_OUT)) * np.sqrt(2 / MLP_HIDDEN)).astype(np.float32)
    b2 = np.zeros(MLP_OUT, dtype=np.float32)
    return MLPData(x, labels, [w1, b1, w2, b2])


def cross_entropy_path(torch: Any) -> str:
    """Which cross-entropy spelling ``mlp_loss`` will use for this module."""
    functional = getattr(getattr(torch, "nn", None), "functional", None)
    if getattr(functional, "cross_entropy", None) is not None:
        return "nn.functional.cross_entropy"
    return "logsumexp + indexing"


def mlp_loss(torch: Any, params: list[Any], x: Any, labels: Any) -> Any:
    """Forward pass: ``relu(x W1 + b1) W2 + b2`` followed by mean cross-entropy."""
    w1, b1, w2, b2 = params
    h = torch.relu(x @ w1 + b1)
    logits = h @ w2 + b2
    if cross_entropy_path(torch) == "nn.functional.cross_entropy":
        return torch.nn.functional.cross_entropy(logits, labels)
    # Fallback for modules without nn.functional: log-softmax by hand.
    logp = logits - logits.logsumexp(dim=1, keepdim=True)
    return -logp[torch.arange(logits.shape[0]), labels].mean()


def make_mlp(torch: Any, data: MLPData) -> tuple[Callable[[], Any], Callable[[], Any]]:
    """Set up (untimed) and return ``(step, forward)`` closures for ``torch``.

    ``step`` clears the gradients, runs forward and backward and returns the
    gradients; ``forward`` runs only the forward pass (with graph recording on,
    as in training) so that backward time = step - forward.
    """
    params = [torch.tensor(p, requires_grad=True) for p in data.params]
    x = torch.tensor(data.x)
    labels = torch.tensor(data.labels)

    def step() -> list[Any]:
        for p in params:
            p.grad = None
        loss = mlp_loss(torch, params, x, labels)
        loss.backward()
        return [p.grad for p in params]

    def forward() -> Any:
        return mlp_loss(torch, params, x, labels)

    return step, forward
