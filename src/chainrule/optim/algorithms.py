"""The update rules: SGD, Adam, AdamW, RMSprop, Adagrad — PyTorch's algorithms, step for step.

Each step works on the parameters' NumPy arrays in place (see
``optimizer.py`` for what that buys); the order of the floating-point
operations follows PyTorch's so that 20 steps land on the same float32 weights.
"""
from __future__ import annotations

from .._backend import xp
from ..autograd.grad_mode import no_grad
from ._rule import _check, _check_adam_arguments, _Rule, _tensor, _with_weight_decay
from .optimizer import Optimizer, required


class SGD(Optimizer):
    """Stochastic gradient descent, with momentum, dampening, Nesterov and weight decay.

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
            nesterov, maximize = group["nesterov"], group["maximize"]
            for p, g in self._params_with_grad(group):
                if maximize:
                    g = -g
                g = _with_weight_decay(p, g, group)
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


class Adam(_Rule):
    """Adam (Kingma & Ba), optionally AMSGrad; ``weight_decay`` is added to the gradient.

    >>> opt = torch.optim.Adam([torch.nn.Parameter(torch.ones(1))], lr=0.01)
    >>> opt.param_groups[0]["betas"]
    (0.9, 0.999)
    """

    def __init__(self, params, lr: float = 1e-3, betas=(0.9, 0.999), eps: float = 1e-8,
                 weight_decay: float = 0, amsgrad: bool = False, *, foreach=None,
                 maximize: bool = False, capturable: bool = False, differentiable: bool = False,
                 fused=None, decoupled_weight_decay: bool = False) -> None:
        _check_adam_arguments(lr, eps, betas, weight_decay)
        super().__init__(params, dict(lr=lr, betas=tuple(betas), eps=eps,
                                      weight_decay=weight_decay, amsgrad=amsgrad,
                                      maximize=maximize, foreach=foreach, capturable=capturable,
                                      differentiable=differentiable, fused=fused,
                                      decoupled_weight_decay=decoupled_weight_decay))

    def _init_state(self, state, p, group):
        state["step"] = self._scalar(0.0)
        state["exp_avg"] = self._zeros_like(p)
        state["exp_avg_sq"] = self._zeros_like(p)
        if group["amsgrad"]:
            state["max_exp_avg_sq"] = self._zeros_like(p)

    def _update(self, p, g, state, group):
        lr, (beta1, beta2), eps = self._lr(group), group["betas"], group["eps"]
        step = float(state["step"]._data)
        g = _with_weight_decay(p, g, group)
        m, v = self._adam_moments(state, g, beta1, beta2)
        bias_correction1 = 1 - beta1 ** step
        bias_correction2_sqrt = (1 - beta2 ** step) ** 0.5
        if group["amsgrad"]:
            vmax = state["max_exp_avg_sq"]._data
            xp.maximum(vmax, v, out=vmax)
            v = vmax
        denom = xp.sqrt(v) / bias_correction2_sqrt + eps
        p._data -= (lr / bias_correction1) * (m / denom)


class AdamW(Adam):
    """Adam with decoupled weight decay (Loshchilov & Hutter): ``p *= 1 - lr * wd`` each step.

    >>> torch.optim.AdamW([torch.nn.Parameter(torch.ones(1))]).param_groups[0]["weight_decay"]
    0.01
    """

    def __init__(self, params, lr: float = 1e-3, betas=(0.9, 0.999), eps: float = 1e-8,
                 weight_decay: float = 1e-2, amsgrad: bool = False, *,
                 maximize: bool = False, foreach=None, capturable: bool = False,
                 differentiable: bool = False, fused=None) -> None:
        super().__init__(params, lr, betas, eps, weight_decay, amsgrad, foreach=foreach,
                         maximize=maximize, capturable=capturable,
                         differentiable=differentiable, fused=fused,
                         decoupled_weight_decay=True)


class RMSprop(_Rule):
    """RMSprop (Hinton), optionally centred and with momentum.

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

    def _init_state(self, state, p, group):
        state["step"] = self._scalar(0.0)
        state["square_avg"] = self._zeros_like(p)
        if group["momentum"] > 0:
            state["momentum_buffer"] = self._zeros_like(p)
        if group["centered"]:
            state["grad_avg"] = self._zeros_like(p)

    def _update(self, p, g, state, group):
        lr, alpha, eps = self._lr(group), group["alpha"], group["eps"]
        momentum = group["momentum"]
        g = _with_weight_decay(p, g, group)
        sq = state["square_avg"]._data
        sq *= alpha
        sq += (1 - alpha) * g * g
        if group["centered"]:
            ga = state["grad_avg"]._data
            ga += (1 - alpha) * (g - ga)
            avg = xp.sqrt(sq - ga * ga) + eps
        else:
            avg = xp.sqrt(sq) + eps
        if momentum > 0:
            buf = state["momentum_buffer"]._data
            buf *= momentum
            buf += g / avg
            p._data -= lr * buf
        else:
            p._data -= lr * (g / avg)


class Adagrad(_Rule):
    """Adagrad (Duchi et al.): steps shrink with the running sum of squared gradients.

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
                self._init_state(self.state[p], p, group)

    def _init_state(self, state, p, group):
        state["step"] = self._scalar(0.0)
        state["sum"] = self._full_like(p, group["initial_accumulator_value"])

    def _update(self, p, g, state, group):
        step = float(state["step"]._data)
        g = _with_weight_decay(p, g, group)
        clr = self._lr(group) / (1 + (step - 1) * group["lr_decay"])
        s = state["sum"]._data
        s += g * g
        p._data -= clr * (g / (xp.sqrt(s) + group["eps"]))
