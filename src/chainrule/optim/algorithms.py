"""The update rules: SGD, Adam, AdamW, RMSprop, Adagrad — PyTorch's algorithms, step for step.

Each step works on the parameters' NumPy arrays in place (see
``optimizer.py`` for what that buys); the order of the floating-point
operations follows PyTorch's so that 20 steps land on the same float32 weights.
"""
from __future__ import annotations

import numpy as np

from ..engine.grad_mode import no_grad
from ..tensor import Tensor
from .optimizer import Optimizer, _next_step, _state_array, required


def _check(name: str, value, low: float = 0.0) -> None:
    if not value >= low:
        raise ValueError(f"Invalid {name}: {value}")


class SGD(Optimizer):
    """Stochastic gradient descent, with momentum, dampening, Nesterov and weight decay.

    >>> import chainrule as torch
    >>> torch.optim.SGD([torch.nn.Parameter(torch.ones(1))], lr=0.1, momentum=0.9)
    SGD (
    Parameter Group 0
        dampening: 0
        differentiable: False
        foreach: None
        fused: None
        lr: 0.1
        maximize: False
        momentum: 0.9
        nesterov: False
        weight_decay: 0
    )
    """

    def __init__(self, params, lr: float = 1e-3, momentum: float = 0, dampening: float = 0,
                 weight_decay: float = 0, nesterov: bool = False, *, maximize: bool = False,
                 foreach=None, differentiable: bool = False, fused=None) -> None:
        if lr is not required:
            _check("learning rate", lr)
        _check("momentum value", momentum)
        _check("weight_decay value", weight_decay)
        if nesterov and (momentum <= 0 or dampening != 0):
            raise ValueError("Nesterov momentum requires a momentum and zero dampening")
        super().__init__(params, dict(lr=lr, momentum=momentum, dampening=dampening,
                                      weight_decay=weight_decay, nesterov=nesterov,
                                      maximize=maximize, foreach=foreach,
                                      differentiable=differentiable, fused=fused))

    @no_grad()
    def step(self, closure=None):
        loss = self._closure_loss(closure)
        for group in self.param_groups:
            lr, momentum, dampening = group["lr"], group["momentum"], group["dampening"]
            wd, nesterov, maximize = group["weight_decay"], group["nesterov"], group["maximize"]
            for p, g in self._params_with_grad(group):
                if maximize:
                    g = -g
                if wd:
                    g = g + wd * p._data
                if momentum:
                    state = self.state[p]
                    buf = state.get("momentum_buffer")
                    if buf is None:
                        buf = state["momentum_buffer"] = _tensor(g.copy())
                    else:
                        b = buf._data
                        b *= momentum
                        b += (1 - dampening) * g
                    g = g + momentum * buf._data if nesterov else buf._data
                p._data -= lr * g
                p._bump_version()
        return loss


def _tensor(a):
    return Tensor._make(a)


class Adam(Optimizer):
    """Adam (Kingma & Ba), optionally AMSGrad; ``weight_decay`` is added to the gradient.

    >>> import chainrule as torch
    >>> opt = torch.optim.Adam([torch.nn.Parameter(torch.ones(1))], lr=0.01)
    >>> opt.param_groups[0]["betas"]
    (0.9, 0.999)
    """

    def __init__(self, params, lr: float = 1e-3, betas=(0.9, 0.999), eps: float = 1e-8,
                 weight_decay: float = 0, amsgrad: bool = False, *, foreach=None,
                 maximize: bool = False, capturable: bool = False, differentiable: bool = False,
                 fused=None, decoupled_weight_decay: bool = False) -> None:
        _check("learning rate", lr)
        _check("epsilon value", eps)
        if not 0.0 <= betas[0] < 1.0:
            raise ValueError(f"Invalid beta parameter at index 0: {betas[0]}")
        if not 0.0 <= betas[1] < 1.0:
            raise ValueError(f"Invalid beta parameter at index 1: {betas[1]}")
        _check("weight_decay value", weight_decay)
        super().__init__(params, dict(lr=lr, betas=tuple(betas), eps=eps,
                                      weight_decay=weight_decay, amsgrad=amsgrad,
                                      maximize=maximize, foreach=foreach, capturable=capturable,
                                      differentiable=differentiable, fused=fused,
                                      decoupled_weight_decay=decoupled_weight_decay))

    @no_grad()
    def step(self, closure=None):
        loss = self._closure_loss(closure)
        for group in self.param_groups:
            lr, (beta1, beta2), eps = group["lr"], group["betas"], group["eps"]
            decoupled = group.get("decoupled_weight_decay", False)
            wd, amsgrad, maximize = group["weight_decay"], group["amsgrad"], group["maximize"]
            for p, g in self._params_with_grad(group):
                state = self.state[p]
                step = _next_step(state)
                if maximize:
                    g = -g
                if wd:
                    if decoupled:
                        p._data *= 1 - lr * wd
                    else:
                        g = g + wd * p._data
                m = _state_array(state, "exp_avg", p._data)
                v = _state_array(state, "exp_avg_sq", p._data)
                m += (1 - beta1) * (g - m)  # lerp toward g, as PyTorch writes it
                v *= beta2
                v += (1 - beta2) * g * g
                bias_correction1 = 1 - beta1 ** step
                bias_correction2_sqrt = (1 - beta2 ** step) ** 0.5
                if amsgrad:
                    vmax = _state_array(state, "max_exp_avg_sq", p._data)
                    np.maximum(vmax, v, out=vmax)
                    v_used = vmax
                else:
                    v_used = v
                denom = np.sqrt(v_used) / bias_correction2_sqrt + eps
                p._data -= (lr / bias_correction1) * (m / denom)
                p._bump_version()
        return loss


class AdamW(Adam):
    """Adam with decoupled weight decay (Loshchilov & Hutter): ``p *= 1 - lr * wd`` each step.

    >>> import chainrule as torch
    >>> torch.optim.AdamW([torch.nn.Parameter(torch.ones(1))]).param_groups[0]["weight_decay"]
    0.01
    """

    def __init__(self, params, lr: float = 1e-3, betas=(0.9, 0.999), eps: float = 1e-8,
                 weight_decay: float = 1e-2, amsgrad: bool = False, **kwargs) -> None:
        super().__init__(params, lr, betas, eps, weight_decay, amsgrad,
                         decoupled_weight_decay=True, **kwargs)


class RMSprop(Optimizer):
    """RMSprop (Hinton), optionally centred and with momentum.

    >>> import chainrule as torch
    >>> torch.optim.RMSprop([torch.nn.Parameter(torch.ones(1))]).param_groups[0]["alpha"]
    0.99
    """

    def __init__(self, params, lr: float = 1e-2, alpha: float = 0.99, eps: float = 1e-8,
                 weight_decay: float = 0, momentum: float = 0, centered: bool = False,
                 capturable: bool = False, foreach=None, maximize: bool = False,
                 differentiable: bool = False) -> None:
        _check("learning rate", lr)
        _check("epsilon value", eps)
        _check("momentum value", momentum)
        _check("weight_decay value", weight_decay)
        _check("alpha value", alpha)
        super().__init__(params, dict(lr=lr, alpha=alpha, eps=eps, weight_decay=weight_decay,
                                      momentum=momentum, centered=centered,
                                      capturable=capturable, foreach=foreach, maximize=maximize,
                                      differentiable=differentiable))

    @no_grad()
    def step(self, closure=None):
        loss = self._closure_loss(closure)
        for group in self.param_groups:
            lr, alpha, eps = group["lr"], group["alpha"], group["eps"]
            wd, momentum, centered = group["weight_decay"], group["momentum"], group["centered"]
            for p, g in self._params_with_grad(group):
                state = self.state[p]
                _next_step(state)
                if group["maximize"]:
                    g = -g
                if wd:
                    g = g + wd * p._data
                sq = _state_array(state, "square_avg", p._data)
                sq *= alpha
                sq += (1 - alpha) * g * g
                if momentum > 0:
                    buf = _state_array(state, "momentum_buffer", p._data)
                if centered:
                    ga = _state_array(state, "grad_avg", p._data)
                    ga += (1 - alpha) * (g - ga)
                    avg = np.sqrt(sq - ga * ga) + eps
                else:
                    avg = np.sqrt(sq) + eps
                if momentum > 0:
                    buf *= momentum
                    buf += g / avg
                    p._data -= lr * buf
                else:
                    p._data -= lr * (g / avg)
                p._bump_version()
        return loss


class Adagrad(Optimizer):
    """Adagrad (Duchi et al.): steps shrink with the running sum of squared gradients.

    >>> import chainrule as torch
    >>> torch.optim.Adagrad([torch.nn.Parameter(torch.ones(1))]).param_groups[0]["lr"]
    0.01
    """

    def __init__(self, params, lr: float = 1e-2, lr_decay: float = 0, weight_decay: float = 0,
                 initial_accumulator_value: float = 0, eps: float = 1e-10, foreach=None, *,
                 maximize: bool = False, differentiable: bool = False, fused=None) -> None:
        _check("learning rate", lr)
        _check("lr_decay value", lr_decay)
        _check("weight_decay value", weight_decay)
        _check("initial_accumulator_value value", initial_accumulator_value)
        _check("epsilon value", eps)
        super().__init__(params, dict(lr=lr, lr_decay=lr_decay, eps=eps,
                                      weight_decay=weight_decay,
                                      initial_accumulator_value=initial_accumulator_value,
                                      foreach=foreach, maximize=maximize,
                                      differentiable=differentiable, fused=fused))
        for group in self.param_groups:  # PyTorch creates Adagrad's state up front
            for p in group["params"]:
                state = self.state[p]
                state["step"] = _tensor(np.zeros((), dtype=np.float32))
                state["sum"] = _tensor(np.full_like(p._data, initial_accumulator_value))

    @no_grad()
    def step(self, closure=None):
        loss = self._closure_loss(closure)
        for group in self.param_groups:
            lr, lr_decay, eps, wd = group["lr"], group["lr_decay"], group["eps"], \
                group["weight_decay"]
            for p, g in self._params_with_grad(group):
                state = self.state[p]
                step = _next_step(state)
                if group["maximize"]:
                    g = -g
                if wd:
                    g = g + wd * p._data
                clr = lr / (1 + (step - 1) * lr_decay)
                s = _state_array(state, "sum", p._data)
                s += g * g
                p._data -= clr * (g / (np.sqrt(s) + eps))
                p._bump_version()
        return loss
