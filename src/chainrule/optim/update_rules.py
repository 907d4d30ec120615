"""More first-order update rules: NAdam, RAdam, Adamax, Adadelta, Rprop and ASGD.

As in ``algorithms.py``, each step works on the parameters' NumPy arrays in
place, and the floating-point operations follow PyTorch's single-tensor
implementations in order and precision (state scalars such as NAdam's
``mu_product`` or ASGD's ``eta`` are float32 tensors, as PyTorch keeps them),
so a trajectory lands on PyTorch's weights.  ``foreach``, ``capturable`` and
``differentiable`` are accepted and stored, as PyTorch's CPU path ignores them
for the result.
"""
from __future__ import annotations

from .._backend import xp
from ._rule import _check, _check_adam_arguments, _Rule, _scalar_dtype, _with_weight_decay


class NAdam(_Rule):
    """Adam with Nesterov momentum (Dozat), with PyTorch's momentum-decay schedule.

    >>> w = torch.nn.Parameter(torch.tensor([1.0, -2.0]))
    >>> opt = torch.optim.NAdam([w], lr=0.1)
    >>> (w ** 2).sum().backward(); _ = opt.step()
    >>> w
    Parameter containing:
    tensor([ 0.8944, -1.8944], requires_grad=True)
    """

    def __init__(self, params, lr: float = 2e-3, betas=(0.9, 0.999), eps: float = 1e-8,
                 weight_decay: float = 0, momentum_decay: float = 4e-3,
                 decoupled_weight_decay: bool = False, *, foreach=None, maximize: bool = False,
                 capturable: bool = False, differentiable: bool = False) -> None:
        _check_adam_arguments(lr, eps, betas, weight_decay)
        _check("momentum_decay value", momentum_decay)
        super().__init__(params, dict(lr=lr, betas=betas, eps=eps, weight_decay=weight_decay,
                                      momentum_decay=momentum_decay,
                                      decoupled_weight_decay=decoupled_weight_decay,
                                      maximize=maximize, foreach=foreach,
                                      capturable=capturable, differentiable=differentiable))

    def _init_state(self, state, p, group):
        state["step"] = self._scalar(0.0)
        state["mu_product"] = self._scalar(1.0)
        state["exp_avg"] = self._zeros_like(p)
        state["exp_avg_sq"] = self._zeros_like(p)

    def _update(self, p, g, state, group):
        lr, (beta1, beta2) = self._lr(group), group["betas"]
        step = float(state["step"]._data)
        bias_correction2 = 1 - beta2 ** step
        g = _with_weight_decay(p, g, group)
        decay = group["momentum_decay"]
        mu = beta1 * (1.0 - 0.5 * 0.96 ** (step * decay))
        mu_next = beta1 * (1.0 - 0.5 * 0.96 ** ((step + 1) * decay))
        mu_product = state["mu_product"]._data
        mu_product *= mu
        m, v = self._adam_moments(state, g, beta1, beta2)
        denom = xp.sqrt(v / bias_correction2)
        denom += group["eps"]
        mu_product = float(mu_product)
        mu_product_next = mu_product * mu_next
        p._data += (-lr * (1.0 - mu) / (1.0 - mu_product)) * g / denom
        p._data += ((-lr * mu_next) / (1.0 - mu_product_next)) * m / denom


class RAdam(_Rule):
    """Rectified Adam (Liu et al.): plain momentum SGD until the variance estimate is reliable.

    >>> w = torch.nn.Parameter(torch.tensor([1.0, -2.0]))
    >>> opt = torch.optim.RAdam([w], lr=0.1)
    >>> for _ in range(3):  # too early for the variance estimate: momentum SGD steps
    ...     opt.zero_grad(); (w ** 2).sum().backward(); _ = opt.step()
    >>> w
    Parameter containing:
    tensor([ 0.4623, -0.9246], requires_grad=True)
    """

    _zero_buffers = ("exp_avg", "exp_avg_sq")

    def __init__(self, params, lr: float = 1e-3, betas=(0.9, 0.999), eps: float = 1e-8,
                 weight_decay: float = 0, decoupled_weight_decay: bool = False, *,
                 foreach=None, maximize: bool = False, capturable: bool = False,
                 differentiable: bool = False) -> None:
        _check_adam_arguments(lr, eps, betas, weight_decay)
        super().__init__(params, dict(lr=lr, betas=betas, eps=eps, weight_decay=weight_decay,
                                      maximize=maximize, foreach=foreach, capturable=capturable,
                                      decoupled_weight_decay=decoupled_weight_decay,
                                      differentiable=differentiable))

    def _update(self, p, g, state, group):
        lr, (beta1, beta2) = self._lr(group), group["betas"]
        step = float(state["step"]._data)
        g = _with_weight_decay(p, g, group)
        m, v = self._adam_moments(state, g, beta1, beta2)
        bias_correction1 = 1 - beta1 ** step
        bias_correction2 = 1 - beta2 ** step
        corrected = m / bias_correction1
        rho_inf = 2 / (1 - beta2) - 1
        rho_t = rho_inf - 2 * step * (beta2 ** step) / bias_correction2
        if rho_t > 5.0:
            rect = ((rho_t - 4) * (rho_t - 2) * rho_inf
                    / ((rho_inf - 4) * (rho_inf - 2) * rho_t)) ** 0.5
            # PyTorch divides a number by a tensor as reciprocal-then-multiply
            adaptive = (1 / (xp.sqrt(v) + group["eps"])) * bias_correction2 ** 0.5
            p._data -= corrected * lr * adaptive * rect
        else:
            p._data -= corrected * lr


class Adamax(_Rule):
    """Adam with the infinity norm in place of the second moment (Kingma & Ba, section 7).

    >>> w = torch.nn.Parameter(torch.tensor([1.0, -2.0]))
    >>> opt = torch.optim.Adamax([w], lr=0.1)
    >>> (w ** 2).sum().backward(); _ = opt.step()
    >>> opt.state[w]['exp_inf']  # the decayed maximum of |grad|
    tensor([2., 4.])
    >>> w.detach()  # so the first step moves each weight by lr
    tensor([ 0.9000, -1.9000])
    """

    _zero_buffers = ("exp_avg", "exp_inf")

    def __init__(self, params, lr: float = 2e-3, betas=(0.9, 0.999), eps: float = 1e-8,
                 weight_decay: float = 0, foreach=None, *, maximize: bool = False,
                 differentiable: bool = False, capturable: bool = False) -> None:
        _check_adam_arguments(lr, eps, betas, weight_decay)
        super().__init__(params, dict(lr=lr, betas=betas, eps=eps, weight_decay=weight_decay,
                                      foreach=foreach, maximize=maximize,
                                      differentiable=differentiable, capturable=capturable))

    def _update(self, p, g, state, group):
        lr, (beta1, beta2) = self._lr(group), group["betas"]
        g = _with_weight_decay(p, g, group)
        m, u = state["exp_avg"]._data, state["exp_inf"]._data
        m += (1 - beta1) * (g - m)
        u *= beta2
        xp.maximum(u, xp.abs(g) + group["eps"], out=u)
        clr = lr / (1 - beta1 ** float(state["step"]._data))
        p._data += -clr * m / u


class Adadelta(_Rule):
    """Adadelta (Zeiler): steps scaled by the ratio of running RMS of updates and gradients.

    >>> w = torch.nn.Parameter(torch.tensor([1.0, -2.0]))
    >>> opt = torch.optim.Adadelta([w])
    >>> (w ** 2).sum().backward(); _ = opt.step()
    >>> w, opt.state[w]['square_avg']  # the running mean of grad ** 2, from 0 with rho = 0.9
    (Parameter containing:
    tensor([ 0.9968, -1.9968], requires_grad=True), tensor([0.4000, 1.6000]))
    """

    _zero_buffers = ("square_avg", "acc_delta")

    def __init__(self, params, lr: float = 1.0, rho: float = 0.9, eps: float = 1e-6,
                 weight_decay: float = 0, foreach=None, *, capturable: bool = False,
                 maximize: bool = False, differentiable: bool = False) -> None:
        _check("learning rate", lr)
        if not 0.0 <= rho <= 1.0:
            raise ValueError(f"Invalid rho value: {rho}")
        _check("epsilon value", eps)
        _check("weight_decay value", weight_decay)
        super().__init__(params, dict(lr=lr, rho=rho, eps=eps, weight_decay=weight_decay,
                                      maximize=maximize, capturable=capturable,
                                      foreach=foreach, differentiable=differentiable))

    def _update(self, p, g, state, group):
        rho, eps = group["rho"], group["eps"]
        g = _with_weight_decay(p, g, group)
        square_avg, acc_delta = state["square_avg"]._data, state["acc_delta"]._data
        square_avg *= rho
        square_avg += (1 - rho) * g * g
        std = xp.sqrt(square_avg + eps)
        delta = xp.sqrt(acc_delta + eps)
        delta /= std
        delta *= g
        acc_delta *= rho
        acc_delta += (1 - rho) * delta * delta
        p._data += -self._lr(group) * delta


class Rprop(_Rule):
    """Resilient backpropagation: per-weight step sizes grown while the gradient's sign holds
    and shrunk when it flips; only the sign of the gradient is used.

    >>> w = torch.nn.Parameter(torch.tensor([1.0, -2.0]))
    >>> opt = torch.optim.Rprop([w], lr=0.1)
    >>> for _ in range(2):
    ...     opt.zero_grad(); (w ** 2).sum().backward(); _ = opt.step()
    >>> opt.state[w]['step_size']  # lr, then times etas[1] as the sign held
    tensor([0.1200, 0.1200])
    >>> w.detach()
    tensor([ 0.7800, -1.7800])
    """

    def __init__(self, params, lr: float = 1e-2, etas=(0.5, 1.2), step_sizes=(1e-6, 50), *,
                 capturable: bool = False, foreach=None, maximize: bool = False,
                 differentiable: bool = False) -> None:
        _check("learning rate", lr)
        if not 0.0 < etas[0] < 1.0 < etas[1]:
            raise ValueError(f"Invalid eta values: {etas[0]}, {etas[1]}")
        super().__init__(params, dict(lr=lr, etas=etas, step_sizes=step_sizes,
                                      foreach=foreach, maximize=maximize,
                                      differentiable=differentiable, capturable=capturable))

    def _init_state(self, state, p, group):
        state["step"] = self._scalar(0.0)
        state["prev"] = self._zeros_like(p)
        state["step_size"] = self._full_like(p, self._lr(group))

    def _update(self, p, g, state, group):
        etaminus, etaplus = group["etas"]
        step_size_min, step_size_max = group["step_sizes"]
        prev, step_size = state["prev"]._data, state["step_size"]._data
        sign = xp.sign(g * prev)
        sign[sign > 0] = etaplus
        sign[sign < 0] = etaminus
        sign[sign == 0] = 1
        step_size *= sign
        xp.clip(step_size, step_size_min, step_size_max, out=step_size)
        g = g.copy()
        g[sign == etaminus] = 0  # after a sign flip, this step makes no move
        p._data += -xp.sign(g) * step_size
        prev[...] = g


class ASGD(_Rule):
    """Averaged SGD (Polyak & Juditsky): SGD with a decaying step, plus a running average of
    the iterates in ``state['ax']``.

    >>> w = torch.nn.Parameter(torch.tensor([1.0, -2.0]))
    >>> opt = torch.optim.ASGD([w], lr=0.1, t0=0)  # averaging from the start
    >>> for _ in range(3):
    ...     opt.zero_grad(); (w ** 2).sum().backward(); _ = opt.step()
    >>> w.detach(), opt.state[w]['ax']  # the last two iterates' mean, as mu was 1 then 1/2
    (tensor([ 0.5120, -1.0240]), tensor([ 0.5760, -1.1520]))
    """

    def __init__(self, params, lr: float = 1e-2, lambd: float = 1e-4, alpha: float = 0.75,
                 t0: float = 1e6, weight_decay: float = 0, foreach=None, maximize: bool = False,
                 differentiable: bool = False, capturable: bool = False) -> None:
        _check("learning rate", lr)
        _check("weight_decay value", weight_decay)
        super().__init__(params, dict(lr=lr, lambd=lambd, alpha=alpha, t0=t0,
                                      weight_decay=weight_decay, foreach=foreach,
                                      maximize=maximize, differentiable=differentiable,
                                      capturable=capturable))

    def _init_state(self, state, p, group):
        state["step"] = self._scalar(0.0)
        state["eta"] = self._scalar(self._lr(group))
        state["mu"] = self._scalar(1.0)
        state["ax"] = self._zeros_like(p)

    def _update(self, p, g, state, group):
        lr, lambd = self._lr(group), group["lambd"]
        g = _with_weight_decay(p, g, group)
        eta, mu, ax = state["eta"]._data, state["mu"]._data, state["ax"]._data
        eta_value = float(eta)
        p._data *= 1 - lambd * eta_value
        p._data += -eta_value * g
        if float(mu) != 1:
            ax += (p._data - ax) * mu
        else:
            ax[...] = p._data
        step = float(state["step"]._data)
        # PyTorch makes the new values tensors of the default dtype before copying them in,
        # so they are rounded to it even when the state is float64
        rounded = _scalar_dtype()
        eta[...] = rounded(lr / ((1 + lambd * lr * step) ** group["alpha"]))
        mu[...] = rounded(1 / max(1, step - group["t0"]))
