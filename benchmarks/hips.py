"""HIPS ``autograd`` versions of the workloads it can express naturally.

HIPS autograd differentiates plain functions of ``autograd.numpy`` arrays with
``grad`` / ``value_and_grad`` instead of recording on tensors, so it cannot run
the PyTorch-API code in ``workloads.py``. These are the idiomatic equivalents,
returning the same gradients so ``run.py`` can check them against PyTorch.

Only the rows where the comparison is meaningful have a version here; the rest
of the autograd column stays blank.
"""

from __future__ import annotations

from typing import Any, Callable

from workloads import DEEP_CHAIN_N, MLPData


def make_workloads() -> dict[str, Callable[[], Any]]:
    """Return ``{workload name: zero-argument callable}``; raises ImportError if absent."""
    import autograd.numpy as anp
    from autograd import grad

    def poly(x: Any) -> Any:
        return 3 * x**2 - 4 * x

    poly_grad = grad(poly)

    def lecture_poly() -> Any:
        return poly_grad(1.0)

    dot_grad = grad(lambda x: 2 * anp.dot(x, x))

    def lecture_dot() -> Any:
        return dot_grad(anp.arange(4.0))

    def house_loss(w: Any, X: Any, y: Any) -> Any:
        return anp.mean((anp.dot(X, w) - y) ** 2)

    house_grad = grad(house_loss)

    def lecture_house() -> Any:
        # Built inside the timed call, as the PyTorch version builds its tensors.
        X = anp.array([[2, 1, 0.5, 0], [4, 2, 2.0, 1], [3, 1, 1.0, 0]], dtype=anp.float32)
        y = anp.array([1550, 3100, 2200])
        w = anp.array([500.0, 200.0, -100.0, 100.0], dtype=anp.float32)
        return house_grad(w, X, y)

    def chain(x: Any) -> Any:
        h = x
        for _ in range(DEEP_CHAIN_N):
            h = h * 0.9999 + 0.0001
        return h

    chain_grad = grad(chain)

    def deep_chain() -> Any:
        return chain_grad(1.0)

    return {
        "lecture_poly": lecture_poly,
        "lecture_dot": lecture_dot,
        "lecture_house": lecture_house,
        "deep_chain": deep_chain,
    }


def make_mlp(data: MLPData) -> tuple[Callable[[], Any], Callable[[], Any]]:
    """``(step, forward)`` for the benchmark MLP written with ``autograd.numpy``."""
    import autograd.numpy as anp
    from autograd import value_and_grad

    x, labels = data.x, data.labels
    rows = anp.arange(len(labels))

    def loss(params: list[Any]) -> Any:
        w1, b1, w2, b2 = params
        h = anp.maximum(anp.dot(x, w1) + b1, 0)
        logits = anp.dot(h, w2) + b2
        z = logits - anp.max(logits, axis=1, keepdims=True)
        logp = z - anp.log(anp.sum(anp.exp(z), axis=1, keepdims=True))
        return -anp.mean(logp[rows, labels])

    loss_and_grad = value_and_grad(loss)

    def step() -> Any:
        return loss_and_grad(data.params)[1]

    def forward() -> Any:
        return loss(data.params)

    return step, forward
