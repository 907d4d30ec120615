"""``numpy_logreg_grad``: the gradient of a NumPy program, chainrule.numpy against HIPS autograd.

One logistic-regression loss over 1,000 x 20 float64 data, written once as NumPy code
(``make_loss(np)``) and differentiated two ways with the same HIPS-style call,
``grad(loss)(w, X, y)``: with ``chainrule.numpy`` / ``chainrule.numpy.autograd`` and with
``autograd.numpy`` / ``autograd``.  PyTorch runs the same loss translated to its API
(``loss.backward()``, its fastest spelling).  Each returns the gradient, so ``run.py``
checks that all three agree before timing them.
"""

from __future__ import annotations

from typing import Any, Callable

import numpy as np

ROWS, FEATURES = 1000, 20


def data() -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """``(w, X, y)``: weights, features and 0/1 labels (float64, fixed seed)."""
    rng = np.random.default_rng(0)
    X = rng.standard_normal((ROWS, FEATURES))
    y = (X @ rng.standard_normal(FEATURES) + rng.standard_normal(ROWS) > 0).astype(float)
    return 0.1 * rng.standard_normal(FEATURES), X, y


def make_loss(np: Any) -> Callable:
    """The program, for a NumPy-like module ``np``."""

    def loss(w, X, y):
        p = 1 / (1 + np.exp(-np.dot(X, w)))
        return -np.mean(y * np.log(p) + (1 - y) * np.log(1 - p))

    return loss


def make_workloads(mods: dict[str, Any]) -> dict[str, Callable[[], Any]]:
    """``{library: zero-argument callable returning the gradient}`` for those installed."""
    w, X, y = data()
    fns: dict[str, Callable[[], Any]] = {}
    if "chainrule" in mods:
        import chainrule.numpy as cnp
        from chainrule.numpy.autograd import grad

        chainrule_grad = grad(make_loss(cnp))
        fns["chainrule"] = lambda: chainrule_grad(w, X, y)
    if "autograd" in mods:
        import autograd.numpy as anp
        from autograd import grad as hips_grad

        hips_loss_grad = hips_grad(make_loss(anp))
        fns["autograd"] = lambda: hips_loss_grad(w, X, y)
    if "torch" in mods:
        torch = mods["torch"]
        X_t, y_t = torch.from_numpy(X), torch.from_numpy(y)

        def torch_grad() -> Any:
            w_t = torch.tensor(w, requires_grad=True)
            p = 1 / (1 + torch.exp(-(X_t @ w_t)))
            loss = -torch.mean(y_t * torch.log(p) + (1 - y_t) * torch.log(1 - p))
            loss.backward()
            return w_t.grad

        fns["torch"] = torch_grad
    return fns
