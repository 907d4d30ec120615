"""What the update rules share: the per-parameter step loop (``_Rule``), their state
scalars, the argument checks, weight decay and Adam's moment averages.

Each rule works on the parameters' NumPy arrays in place (see ``optimizer.py`` for what
that buys), with the floating-point operations in PyTorch's order, so that a trajectory
lands on PyTorch's weights.
"""
from __future__ import annotations

from .. import _dtypes
from .._backend import xp
from ..autograd.grad_mode import no_grad
from ..tensor import Tensor
from .optimizer import Optimizer


def _check(name: str, value, low: float = 0.0) -> None:
    if not value >= low:
        raise ValueError(f"Invalid {name}: {value}")


def _check_betas(betas) -> None:
    for i in (0, 1):
        if not 0.0 <= betas[i] < 1.0:
            raise ValueError(f"Invalid beta parameter at index {i}: {betas[i]}")


def _check_adam_arguments(lr: float, eps: float, betas, weight_decay: float) -> None:
    """The checks of the Adam family's common arguments, in PyTorch's order."""
    _check("learning rate", lr)
    _check("epsilon value", eps)
    _check_betas(betas)
    _check("weight_decay value", weight_decay)


def _tensor(a) -> Tensor:
    return Tensor._make(a)


def _scalar_dtype():
    # PyTorch keeps step counts and other per-parameter scalars in float32, or in float64
    # when that is the default dtype
    return xp.float64 if _dtypes.get_default_dtype() is _dtypes.float64 else xp.float32


def _with_weight_decay(p, g, group):
    """The gradient with L2 weight decay (``weight_decay`` times the parameter) added; with
    ``decoupled_weight_decay`` (AdamW's), the parameter shrinks in place instead."""
    wd = group["weight_decay"]
    if wd == 0:
        return g
    if group.get("decoupled_weight_decay", False):
        p._data *= 1 - float(group["lr"]) * wd
        return g
    return g + wd * p._data


class _Rule(Optimizer):
    """An optimiser whose per-parameter state is created, in PyTorch's key order, by
    ``_init_state`` on the parameter's first step, and whose update is ``_update``."""

    _zero_buffers: tuple[str, ...] = ()  # the state's arrays that start at 0, in that order

    def _init_state(self, state: dict, p, group) -> None:
        """A step count, then ``_zero_buffers``; a rule with other state defines its own."""
        state["step"] = self._scalar(0.0)
        for name in self._zero_buffers:
            state[name] = self._zeros_like(p)

    def _update(self, p, g, state: dict, group) -> None:
        raise NotImplementedError

    @no_grad()
    def step(self, closure=None):
        """One update of every parameter that has a gradient; returns ``closure()``'s loss."""
        loss = self._closure_loss(closure)
        for group in self.param_groups:
            for p, g in self._params_with_grad(group):
                state = self.state[p]
                if not state:
                    self._init_state(state, p, group)
                state["step"]._data += 1
                self._update(p, -g if group["maximize"] else g, state, group)
                p._bump_version()
        return loss

    # --- what the rules' _init_state and _update use ----------------------------------------
    @staticmethod
    def _scalar(value: float) -> Tensor:
        """A per-parameter scalar of the state (a step count, NAdam's ``mu_product``)."""
        return _tensor(xp.array(value, dtype=_scalar_dtype()))

    @staticmethod
    def _zeros_like(p) -> Tensor:
        return _tensor(xp.zeros_like(p._data))

    @staticmethod
    def _full_like(p, value: float) -> Tensor:
        return _tensor(xp.full_like(p._data, value))

    @staticmethod
    def _lr(group) -> float:
        return float(group["lr"])

    @staticmethod
    def _adam_moments(state, g, beta1: float, beta2: float):
        """Update and return the first and second moment averages, as Adam does."""
        m, v = state["exp_avg"]._data, state["exp_avg_sq"]._data
        m += (1 - beta1) * (g - m)  # lerp toward g, as PyTorch writes it
        v *= beta2
        v += (1 - beta2) * g * g
        return m, v
