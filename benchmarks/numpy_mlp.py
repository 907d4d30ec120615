"""Hand-written NumPy forward and backward pass of the benchmark MLP.

This is the "no autodiff at all" baseline for ``mlp_step``: the same network as
``workloads.mlp_loss`` (784 -> 1024 ReLU -> 10, mean softmax cross-entropy,
float32), with the backward pass derived by hand. An autodiff library built on
NumPy cannot do the matrix products any faster than this, so the ratio
chainrule / hand-written NumPy measures pure autodiff overhead.

The code is what a careful person would write: it works in place where that is
natural (``+=``, ``*=``, ReLU into its own input) and drops activations as soon as
backward is done with them, so both its time and its peak memory are a fair floor.
"""

from __future__ import annotations

from typing import Callable

import numpy as np
from workloads import MLPData


def forward(params: list[np.ndarray], x: np.ndarray, labels: np.ndarray) -> np.floating:
    """Mean cross-entropy loss of the MLP, forward only."""
    w1, b1, w2, b2 = params
    h = x @ w1
    h += b1
    np.maximum(h, 0, out=h)
    logits = h @ w2
    logits += b2
    z = logits - logits.max(axis=1, keepdims=True)
    logp = z - np.log(np.exp(z).sum(axis=1, keepdims=True))
    return -logp[np.arange(len(labels)), labels].mean()


def forward_backward(
    params: list[np.ndarray], x: np.ndarray, labels: np.ndarray
) -> tuple[np.floating, list[np.ndarray]]:
    """Loss and gradients ``[dW1, db1, dW2, db2]`` of the MLP, by hand."""
    w1, b1, w2, b2 = params
    n = len(labels)
    rows = np.arange(n)

    # Forward, keeping only what backward needs: the ReLU output (its sign doubles as
    # the ReLU mask, so the pre-activation is overwritten in place) and the softmax.
    act = x @ w1
    act += b1
    np.maximum(act, 0, out=act)
    logits = act @ w2
    logits += b2
    z = logits - logits.max(axis=1, keepdims=True)  # shift for a stable softmax
    e = np.exp(z)
    s = e.sum(axis=1, keepdims=True)
    loss = -(z[rows, labels] - np.log(s[:, 0])).mean()
    del logits, z

    # d loss / d logits of mean softmax cross-entropy: (softmax - onehot) / n.
    dlogits = e
    dlogits /= s
    dlogits[rows, labels] -= 1
    dlogits /= n

    dw2 = act.T @ dlogits
    db2 = dlogits.sum(axis=0)
    dact = dlogits @ w2.T
    dact *= act > 0  # ReLU passes gradient only where its output (= input) was positive
    del act  # free the activations before the largest gradient is allocated
    dw1 = x.T @ dact
    db1 = dact.sum(axis=0)
    return loss, [dw1, db1, dw2, db2]


def make_numpy_mlp(
    data: MLPData,
) -> tuple[Callable[[], list[np.ndarray]], Callable[[], np.floating]]:
    """``(step, forward)`` closures over the shared data, like ``workloads.make_mlp``."""
    params, x, labels = data.params, data.x, data.labels

    def step() -> list[np.ndarray]:
        return forward_backward(params, x, labels)[1]

    def fwd() -> np.floating:
        return forward(params, x, labels)

    return step, fwd
