"""Activations, distances and losses that are compositions of chainrule's tensor operations.

Each is a ``torch.nn.functional`` function and a ``torch.nn`` class wrapping it.  Their
gradients come from the core rule table: piecewise functions are written with ``where``
over PyTorch's own pieces, so the gradient at a threshold is the one PyTorch picks.
Where a direct formula would overflow (``logsigmoid``, ``soft_margin_loss``) the stable
form via ``softplus`` is used instead.
"""
from __future__ import annotations

import math
import warnings

import numpy as np

from ..functions.creation import empty
from ..functions.pointwise import where
from ..tensor import Tensor
from . import functional as F
from . import init
from .loss import _legacy_reduction, _Loss, _WeightedLoss
from .module import Module
from .parameter import Parameter

__all__ = [
    "PReLU", "SELU", "CELU", "Mish", "Hardswish", "Hardsigmoid", "Softsign", "Softmin",
    "LogSigmoid", "Threshold", "GLU", "Tanhshrink", "Softshrink", "Hardshrink",
    "CosineSimilarity", "PairwiseDistance",
    "KLDivLoss", "MarginRankingLoss", "HingeEmbeddingLoss", "CosineEmbeddingLoss",
    "SoftMarginLoss", "MultiLabelSoftMarginLoss", "PoissonNLLLoss", "GaussianNLLLoss",
    "TripletMarginLoss",
]

FUNCTIONS = (
    "prelu", "selu", "celu", "mish", "hardswish", "hardsigmoid", "softsign", "softmin",
    "threshold", "glu", "tanhshrink", "softshrink", "hardshrink",
    "cosine_similarity", "pairwise_distance",
    "kl_div", "margin_ranking_loss", "hinge_embedding_loss", "cosine_embedding_loss",
    "soft_margin_loss", "multilabel_soft_margin_loss", "poisson_nll_loss", "gaussian_nll_loss",
    "triplet_margin_loss",
)

# SELU's constants (Klambauer et al. 2017), as PyTorch uses them.
_SELU_ALPHA = 1.6732632423543772848170429916717
_SELU_SCALE = 1.0507009873554804934193349852946


def _inplace_repr(inplace: bool) -> str:
    return "inplace=True" if inplace else ""


# ----------------------------------------------------------------------------------------
# activations
# ----------------------------------------------------------------------------------------
def prelu(input: Tensor, weight: Tensor) -> Tensor:
    """``x`` where positive, ``weight * x`` elsewhere; ``weight`` is one slope per channel.

    >>> import chainrule as torch
    >>> torch.nn.functional.prelu(torch.tensor([-2., 3.]), torch.tensor([0.25]))
    tensor([-0.5000,  3.0000])
    """
    channels = input.shape[1] if input.ndim >= 2 else 1
    n = weight.numel()
    if n != 1 and n != channels:
        raise RuntimeError(
            f"Mismatch of parameter numbers and input channel size. Found parameter numbers = "
            f"{n} and channel size = {channels}. Fix: use num_parameters=1 or the input's "
            f"dimension 1 size.")
    if n != 1:
        # one slope per channel: dimension 1, broadcast over the dimensions after it
        weight = weight.reshape((n,) + (1,) * (input.ndim - 2))
    else:
        weight = weight.reshape(())
    return where(input > 0, input, weight * input)


def selu(input: Tensor, inplace: bool = False) -> Tensor:
    """``scale * elu(x, alpha)`` with the self-normalising constants.

    >>> import chainrule as torch
    >>> torch.nn.functional.selu(torch.tensor([-1., 1.]))
    tensor([-1.1113,  1.0507])
    """
    return F.elu(input, _SELU_ALPHA) * _SELU_SCALE


def celu(input: Tensor, alpha: float = 1.0, inplace: bool = False) -> Tensor:
    """``max(0, x) + min(0, alpha * (exp(x / alpha) - 1))``.

    >>> import chainrule as torch
    >>> torch.nn.functional.celu(torch.tensor([-1., 1.]), alpha=2.)
    tensor([-0.7869,  1.0000])
    """
    if alpha == 0:
        raise RuntimeError("ZeroDivisionError: alpha cannot be 0 for CELU. Fix: pass a nonzero "
                           "alpha.")
    return F.elu(input * (1 / alpha), 1.0) * alpha


def mish(input: Tensor, inplace: bool = False) -> Tensor:
    """``x * tanh(softplus(x))``.

    >>> import chainrule as torch
    >>> torch.nn.functional.mish(torch.tensor([-1., 0., 1.]))
    tensor([-0.3034,  0.0000,  0.8651])
    """
    return input * F.softplus(input).tanh()


def hardswish(input: Tensor, inplace: bool = False) -> Tensor:
    """``x * relu6(x + 3) / 6``.

    >>> import chainrule as torch
    >>> torch.nn.functional.hardswish(torch.tensor([-4., 1., 4.]))
    tensor([-0.0000, 0.6667, 4.0000])
    """
    # PyTorch's pieces (and so its slopes at the ends: 0 at -3, 1 at 3); -0 for negative x
    return where(input <= -3, input * 0, where(input < 3, input * (input + 3) / 6, input))


def hardsigmoid(input: Tensor, inplace: bool = False) -> Tensor:
    """``relu6(x + 3) / 6``.

    >>> import chainrule as torch
    >>> torch.nn.functional.hardsigmoid(torch.tensor([-4., 0., 4.]))
    tensor([0.0000, 0.5000, 1.0000])
    """
    # the slope is 1/6 strictly inside (-3, 3) and 0 at the ends, as in PyTorch
    return where(input <= -3, 0.0, where(input >= 3, 1.0, (input + 3) / 6))


def softsign(input: Tensor) -> Tensor:
    """``x / (1 + |x|)``.

    >>> import chainrule as torch
    >>> torch.nn.functional.softsign(torch.tensor([-1., 3.]))
    tensor([-0.5000,  0.7500])
    """
    return input / (input.abs() + 1)


def softmin(input: Tensor, dim: int | None = None, _stacklevel: int = 3, dtype=None) -> Tensor:
    """``softmax(-x, dim)``.

    >>> import chainrule as torch
    >>> torch.nn.functional.softmin(torch.tensor([0., 1.]), dim=0)
    tensor([0.7311, 0.2689])
    """
    if dim is None:
        dim = F._legacy_softmax_dim(input.ndim, "softmin")
    if dtype is not None:
        input = input.to(dtype)
    return F.softmax(-input, dim)


logsigmoid = F.logsigmoid  # already stable in nn.functional: -softplus(-x)


def threshold(input: Tensor, threshold: float, value: float, inplace: bool = False) -> Tensor:
    """``x`` where ``x > threshold``, else ``value``.

    >>> import chainrule as torch
    >>> torch.nn.functional.threshold(torch.tensor([0.5, 2.]), 1.0, -1.0)
    tensor([-1.,  2.])
    """
    out = where(input > threshold, input, value)
    return out if out.dtype is input.dtype else out.to(input.dtype)  # integer inputs stay so


def glu(input: Tensor, dim: int = -1) -> Tensor:
    """Gated linear unit: the first half of ``dim`` times the sigmoid of the second half.

    >>> import chainrule as torch
    >>> torch.nn.functional.glu(torch.tensor([2., 0.]))
    tensor([1.])
    """
    if input.ndim == 0:
        raise RuntimeError("glu does not support scalars because halving size must be even. "
                           "Fix: pass a tensor with at least one dimension.")
    d = dim % input.ndim if -input.ndim <= dim < input.ndim else dim
    if not 0 <= d < input.ndim:
        raise IndexError(f"Dimension out of range (expected to be in range of "
                         f"[{-input.ndim}, {input.ndim - 1}], but got {dim})")
    size = input.shape[d]
    if size % 2:
        raise RuntimeError(f"Halving dimension must be even, but dimension {d} is size {size}. "
                           f"Fix: give dimension {d} an even size.")
    a, b = input.chunk(2, d)
    return a * b.sigmoid()


def tanhshrink(input: Tensor) -> Tensor:
    """``x - tanh(x)``.

    >>> import chainrule as torch
    >>> torch.nn.functional.tanhshrink(torch.tensor([0., 1.]))
    tensor([0.0000, 0.2384])
    """
    return input - input.tanh()


def _check_lambd(input, lambd):
    if lambd < 0:
        kind = input.dtype.scalar_name
        raise RuntimeError(f"lambda must be in range [0, 3.40282e+38] for input dtype {kind}, "
                           f"but found {lambd}. Fix: pass a lambd >= 0.")


def softshrink(input: Tensor, lambd: float = 0.5) -> Tensor:
    """``x - lambd`` above ``lambd``, ``x + lambd`` below ``-lambd``, 0 between.

    >>> import chainrule as torch
    >>> torch.nn.functional.softshrink(torch.tensor([-2., 0.2, 2.]))
    tensor([-1.5000,  0.0000,  1.5000])
    """
    _check_lambd(input, lambd)
    return where(input > lambd, input - lambd,
                 where(input < -lambd, input + lambd, input * 0))  # PyTorch's -0


def hardshrink(input: Tensor, lambd: float = 0.5) -> Tensor:
    """``x`` where ``|x| > lambd``, else 0.

    >>> import chainrule as torch
    >>> torch.nn.functional.hardshrink(torch.tensor([-2., 0.2, 2.]))
    tensor([-2.,  0.,  2.])
    """
    return where((input >= -lambd) & (input <= lambd), 0.0, input)


class PReLU(Module):
    """Leaky ReLU with a learnable slope (one, or one per channel).

    >>> import chainrule as torch
    >>> torch.nn.PReLU(num_parameters=3)
    PReLU(num_parameters=3)
    """

    def __init__(self, num_parameters: int = 1, init: float = 0.25, device=None,
                 dtype=None) -> None:
        super().__init__()
        self.num_parameters = num_parameters
        self.init = init
        self.weight = Parameter(empty(num_parameters, dtype=dtype))
        self.reset_parameters()

    def reset_parameters(self) -> None:
        init_module.constant_(self.weight, self.init)

    def forward(self, input: Tensor) -> Tensor:
        return prelu(input, self.weight)

    def extra_repr(self) -> str:
        return f"num_parameters={self.num_parameters}"


init_module = init  # PReLU's ``init`` argument shadows the module name inside the class


class SELU(Module):
    """Scaled ELU with the self-normalising constants.

    >>> import chainrule as torch
    >>> torch.nn.SELU()
    SELU()
    """

    def __init__(self, inplace: bool = False) -> None:
        super().__init__()
        self.inplace = inplace

    def forward(self, input: Tensor) -> Tensor:
        return selu(input)

    def extra_repr(self) -> str:
        return _inplace_repr(self.inplace)


class CELU(Module):
    """Continuously differentiable ELU.

    >>> import chainrule as torch
    >>> torch.nn.CELU(alpha=2.)
    CELU(alpha=2.0)
    """

    def __init__(self, alpha: float = 1.0, inplace: bool = False) -> None:
        super().__init__()
        self.alpha, self.inplace = alpha, inplace

    def forward(self, input: Tensor) -> Tensor:
        return celu(input, self.alpha)

    def extra_repr(self) -> str:
        return f"alpha={self.alpha}" + (", inplace=True" if self.inplace else "")


class Mish(Module):
    """``x * tanh(softplus(x))``.

    >>> import chainrule as torch
    >>> torch.nn.Mish()
    Mish()
    """

    def __init__(self, inplace: bool = False) -> None:
        super().__init__()
        self.inplace = inplace

    def forward(self, input: Tensor) -> Tensor:
        return mish(input)

    def extra_repr(self) -> str:
        return _inplace_repr(self.inplace)


class Hardswish(Module):
    """``x * relu6(x + 3) / 6``.

    >>> import chainrule as torch
    >>> torch.nn.Hardswish()
    Hardswish()
    """

    def __init__(self, inplace: bool = False) -> None:
        super().__init__()
        self.inplace = inplace  # PyTorch's repr does not show it

    def forward(self, input: Tensor) -> Tensor:
        return hardswish(input)


class Hardsigmoid(Module):
    """``relu6(x + 3) / 6``.

    >>> import chainrule as torch
    >>> torch.nn.Hardsigmoid()
    Hardsigmoid()
    """

    def __init__(self, inplace: bool = False) -> None:
        super().__init__()
        self.inplace = inplace  # PyTorch's repr does not show it

    def forward(self, input: Tensor) -> Tensor:
        return hardsigmoid(input)


class Softsign(Module):
    """``x / (1 + |x|)``.

    >>> import chainrule as torch
    >>> torch.nn.Softsign()
    Softsign()
    """

    def forward(self, input: Tensor) -> Tensor:
        return softsign(input)


class Softmin(Module):
    """``softmax(-x)`` along ``dim``.

    >>> import chainrule as torch
    >>> torch.nn.Softmin(dim=1)
    Softmin(dim=1)
    """

    def __init__(self, dim: int | None = None) -> None:
        super().__init__()
        self.dim = dim

    def forward(self, input: Tensor) -> Tensor:
        return softmin(input, self.dim)

    def extra_repr(self) -> str:
        return f"dim={self.dim}"


class LogSigmoid(Module):
    """``log(sigmoid(x))``, without overflow.

    >>> import chainrule as torch
    >>> torch.nn.LogSigmoid()(torch.tensor([0.]))
    tensor([-0.6931])
    """

    def forward(self, input: Tensor) -> Tensor:
        return F.logsigmoid(input)


class Threshold(Module):
    """``x`` where ``x > threshold``, else ``value``.

    >>> import chainrule as torch
    >>> torch.nn.Threshold(0.1, 20)
    Threshold(threshold=0.1, value=20)
    """

    def __init__(self, threshold: float, value: float, inplace: bool = False) -> None:
        super().__init__()
        self.threshold, self.value, self.inplace = threshold, value, inplace

    def forward(self, input: Tensor) -> Tensor:
        return threshold(input, self.threshold, self.value)

    def extra_repr(self) -> str:
        return f"threshold={self.threshold}, value={self.value}" + (
            ", inplace=True" if self.inplace else "")


class GLU(Module):
    """Gated linear unit along ``dim``.

    >>> import chainrule as torch
    >>> torch.nn.GLU()
    GLU(dim=-1)
    """

    def __init__(self, dim: int = -1) -> None:
        super().__init__()
        self.dim = dim

    def forward(self, input: Tensor) -> Tensor:
        return glu(input, self.dim)

    def extra_repr(self) -> str:
        return f"dim={self.dim}"


class Tanhshrink(Module):
    """``x - tanh(x)``.

    >>> import chainrule as torch
    >>> torch.nn.Tanhshrink()
    Tanhshrink()
    """

    def forward(self, input: Tensor) -> Tensor:
        return tanhshrink(input)


class Softshrink(Module):
    """Soft thresholding by ``lambd``.

    >>> import chainrule as torch
    >>> torch.nn.Softshrink()
    Softshrink(0.5)
    """

    def __init__(self, lambd: float = 0.5) -> None:
        super().__init__()
        self.lambd = lambd

    def forward(self, input: Tensor) -> Tensor:
        return softshrink(input, self.lambd)

    def extra_repr(self) -> str:
        return str(self.lambd)


class Hardshrink(Softshrink):
    """Hard thresholding by ``lambd``.

    >>> import chainrule as torch
    >>> torch.nn.Hardshrink()
    Hardshrink(0.5)
    """

    def forward(self, input: Tensor) -> Tensor:
        return hardshrink(input, self.lambd)


# ----------------------------------------------------------------------------------------
# distances
# ----------------------------------------------------------------------------------------
def cosine_similarity(x1: Tensor, x2: Tensor, dim: int = 1, eps: float = 1e-8) -> Tensor:
    """Cosine of the angle between ``x1`` and ``x2`` along ``dim``; norms clamped at ``eps``.

    >>> import chainrule as torch
    >>> torch.nn.functional.cosine_similarity(torch.tensor([[1., 0.]]), torch.tensor([[1., 1.]]))
    tensor([0.7071])
    """
    # broadcast first: the norms are taken along ``dim`` of the broadcast shapes
    shape = np.broadcast_shapes(tuple(x1.shape), tuple(x2.shape))
    x1, x2 = x1.expand(shape), x2.expand(shape)
    # each vector divided by its own (clamped) norm first: no overflow of |x1|^2 |x2|^2
    n1 = x1.norm(2, dim, keepdim=True).clamp(min=eps)
    n2 = x2.norm(2, dim, keepdim=True).clamp(min=eps)
    return ((x1 / n1) * (x2 / n2)).sum(dim)


def pairwise_distance(x1: Tensor, x2: Tensor, p: float = 2.0, eps: float = 1e-6,
                      keepdim: bool = False) -> Tensor:
    """``||x1 - x2 + eps||_p`` along the last dimension.

    >>> import chainrule as torch
    >>> torch.nn.functional.pairwise_distance(torch.tensor([[0., 0.]]), torch.tensor([[3., 4.]]))
    tensor([5.0000])
    """
    diff = x1 - x2 + eps
    if diff.ndim == 0:
        return diff.abs() if p != 0 else (diff != 0).to(diff.dtype)
    return diff.norm(p, -1, keepdim=keepdim)


class CosineSimilarity(Module):
    """Cosine similarity along ``dim``.

    >>> import chainrule as torch
    >>> torch.nn.CosineSimilarity()
    CosineSimilarity()
    """

    def __init__(self, dim: int = 1, eps: float = 1e-8) -> None:
        super().__init__()
        self.dim, self.eps = dim, eps

    def forward(self, x1: Tensor, x2: Tensor) -> Tensor:
        return cosine_similarity(x1, x2, self.dim, self.eps)


class PairwiseDistance(Module):
    """p-norm distance along the last dimension.

    >>> import chainrule as torch
    >>> torch.nn.PairwiseDistance()
    PairwiseDistance()
    """

    def __init__(self, p: float = 2.0, eps: float = 1e-6, keepdim: bool = False) -> None:
        super().__init__()
        self.norm, self.eps, self.keepdim = p, eps, keepdim

    def forward(self, x1: Tensor, x2: Tensor) -> Tensor:
        return pairwise_distance(x1, x2, self.norm, self.eps, self.keepdim)


# ----------------------------------------------------------------------------------------
# losses
# ----------------------------------------------------------------------------------------
def _reduction(size_average, reduce, reduction: str) -> str:
    if size_average is not None or reduce is not None:
        return _legacy_reduction(size_average, reduce)
    return reduction


def kl_div(input: Tensor, target: Tensor, size_average=None, reduce=None,
           reduction: str = "mean", log_target: bool = False) -> Tensor:
    """Kullback-Leibler divergence of ``target`` from ``input`` (a log-probability).

    >>> import chainrule as torch
    >>> torch.nn.functional.kl_div(torch.tensor([-1., -1.]), torch.tensor([0.5, 0.5]),
    ...                            reduction='batchmean')
    tensor(0.1534)
    """
    reduction = _reduction(size_average, reduce, reduction)
    if reduction == "mean":
        warnings.warn(
            "reduction: 'mean' divides the total loss by both the batch size and the support "
            "size.'batchmean' divides only by the batch size, and aligns with the KL div math "
            "definition.'mean' will be changed to behave the same as 'batchmean' in the next "
            "major release.", UserWarning, stacklevel=2)
    if log_target:
        loss = target.exp() * (target - input)
    else:
        # xlogy: 0 log 0 = 0; the log is taken of a target kept positive so that its
        # gradient stays finite (and unused) where the target is 0
        safe = where(target > 0, target, 1.0)
        loss = where(target > 0, target * safe.log(), 0.0) - target * input
    if reduction == "batchmean":
        return loss.sum() / input.shape[0] if input.ndim else loss.sum()
    return F._reduce(loss, reduction)


def margin_ranking_loss(input1: Tensor, input2: Tensor, target: Tensor, margin: float = 0.0,
                        size_average=None, reduce=None, reduction: str = "mean") -> Tensor:
    """``max(0, -target * (input1 - input2) + margin)``.

    >>> import chainrule as torch
    >>> torch.nn.functional.margin_ranking_loss(torch.tensor([1., 2.]), torch.tensor([2., 1.]),
    ...                                         torch.tensor([1., 1.]))
    tensor(0.5000)
    """
    reduction = _reduction(size_average, reduce, reduction)
    if not input1.ndim == input2.ndim == target.ndim:
        raise RuntimeError(
            f"margin_ranking_loss : All input tensors should have same dimension but got sizes: "
            f"input1: {input1.shape}, input2: {input2.shape}, target: {target.shape} . Fix: "
            f"give the three tensors the same number of dimensions.")
    F._check_reduction(reduction)
    return F._reduce((-target * (input1 - input2) + margin).clamp(min=0), reduction)


def hinge_embedding_loss(input: Tensor, target: Tensor, margin: float = 1.0, size_average=None,
                         reduce=None, reduction: str = "mean") -> Tensor:
    """``x`` where ``target`` is 1, ``max(0, margin - x)`` where it is -1.

    >>> import chainrule as torch
    >>> torch.nn.functional.hinge_embedding_loss(torch.tensor([0.3, 0.3]),
    ...                                          torch.tensor([1., -1.]))
    tensor(0.5000)
    """
    reduction = _reduction(size_average, reduce, reduction)
    F._check_reduction(reduction)
    loss = (where(target != 1, (margin - input).clamp(min=0), 0.0)
            + where(target != -1, input, 0.0))
    return F._reduce(loss, reduction)


def cosine_embedding_loss(input1: Tensor, input2: Tensor, target: Tensor, margin: float = 0.0,
                          size_average=None, reduce=None, reduction: str = "mean") -> Tensor:
    """``1 - cos(x1, x2)`` where ``target`` is 1, ``max(0, cos(x1, x2) - margin)`` where -1.

    >>> import chainrule as torch
    >>> torch.nn.functional.cosine_embedding_loss(torch.tensor([[1., 0.]]),
    ...                                           torch.tensor([[0., 1.]]), torch.tensor([1.]))
    tensor(1.)
    """
    reduction = _reduction(size_average, reduce, reduction)
    if target.ndim > 1:
        raise RuntimeError(f"0D or 1D target tensor expected, multi-target not supported. Fix: "
                           f"pass a target of shape (N,) or (), not {tuple(target.shape)}.")
    if target.ndim == 1 and not (input1.ndim == input2.ndim == 2):
        raise RuntimeError(f"1D target tensor expects 2D input tensors, but found inputs with "
                           f"sizes {list(input1.shape)} and {list(input2.shape)}.")
    if target.ndim == 0 and not (input1.ndim == input2.ndim == 1):
        raise RuntimeError(f"0D target tensor expects 1D input tensors, but found inputs with "
                           f"sizes {list(input1.shape)} and {list(input2.shape)}.")
    F._check_reduction(reduction)
    eps = 1e-12  # keeps a zero vector's squared norm away from 0 (PyTorch's constant)
    prod = (input1 * input2).sum(-1)
    mag = ((input1 * input1).sum(-1) + eps) * ((input2 * input2).sum(-1) + eps)
    cos = prod / mag.sqrt()
    loss = (where(target == 1, 1 - cos, 0.0)
            + where(target == -1, (cos - margin).clamp(min=0), 0.0))
    return F._reduce(loss, reduction)


def soft_margin_loss(input: Tensor, target: Tensor, size_average=None, reduce=None,
                     reduction: str = "mean") -> Tensor:
    """``log(1 + exp(-target * input))``.

    >>> import chainrule as torch
    >>> torch.nn.functional.soft_margin_loss(torch.tensor([0.]), torch.tensor([1.]))
    tensor(0.6931)
    """
    reduction = _reduction(size_average, reduce, reduction)
    F._check_reduction(reduction)
    F._not_differentiable("soft_margin_loss", target=target)
    # softplus instead of log1p(exp(.)): the same value, but finite where exp would overflow
    return F._reduce(F.softplus(-target * input), reduction)


def multilabel_soft_margin_loss(input: Tensor, target: Tensor, weight: Tensor | None = None,
                                size_average=None, reduce=None,
                                reduction: str = "mean") -> Tensor:
    """Binary cross-entropy of logits per class, averaged over the classes.

    >>> import chainrule as torch
    >>> torch.nn.functional.multilabel_soft_margin_loss(torch.tensor([[0., 0.]]),
    ...                                                 torch.tensor([[1., 0.]]))
    tensor(0.6931)
    """
    reduction = _reduction(size_average, reduce, reduction)
    F._check_reduction(reduction)
    loss = -(target * F.logsigmoid(input) + (1 - target) * F.logsigmoid(-input))
    if weight is not None:
        loss = loss * weight
    classes = input.ndim - 1
    loss = loss.sum(classes) / input.shape[classes]
    return F._reduce(loss, reduction)


def poisson_nll_loss(input: Tensor, target: Tensor, log_input: bool = True, full: bool = False,
                     size_average=None, eps: float = 1e-8, reduce=None,
                     reduction: str = "mean") -> Tensor:
    """Negative log-likelihood of ``target`` under a Poisson of rate ``input``.

    >>> import chainrule as torch
    >>> torch.nn.functional.poisson_nll_loss(torch.tensor([0.]), torch.tensor([1.]))
    tensor(1.)
    """
    reduction = _reduction(size_average, reduce, reduction)
    F._check_reduction(reduction)
    if log_input:
        loss = input.exp() - target * input
    else:
        loss = input - target * (input + eps).log()
    if full:
        # Stirling's approximation of log(target!), used only where target > 1
        safe = where(target > 1, target, 1.0)
        stirling = safe * safe.log() - safe + 0.5 * (2 * math.pi * safe).log()
        loss = loss + where(target > 1, stirling, 0.0)
    return F._reduce(loss, reduction)


def gaussian_nll_loss(input: Tensor, target: Tensor, var, full: bool = False,
                      eps: float = 1e-6, reduction: str = "mean") -> Tensor:
    """Negative log-likelihood of ``target`` under a Gaussian of mean ``input``, variance ``var``.

    >>> import chainrule as torch
    >>> torch.nn.functional.gaussian_nll_loss(torch.tensor([0.]), torch.tensor([2.]),
    ...                                       torch.tensor([1.]))
    tensor(2.)
    """
    if not isinstance(var, Tensor):
        if var < 0:
            raise ValueError("var has negative entry/entries. Fix: pass a variance >= 0.")
        var = input.new_full(tuple(input.shape), var)
    if var.shape != input.shape:
        if tuple(input.shape[:-1]) == tuple(var.shape):
            var = var.unsqueeze(-1)  # one variance per sample, shared by its last dimension
        elif (tuple(input.shape[:-1]) == tuple(var.shape[:-1]) and var.ndim
              and var.shape[-1] == 1):
            pass  # homoscedastic: broadcasts
        else:
            raise ValueError("var is of incorrect size. Fix: give var the input's shape, or "
                             "the input's shape without (or with size 1 in) its last dimension.")
    if reduction not in ("mean", "sum", "none"):
        raise ValueError(reduction + " is not valid")
    if bool((var < 0).any()):
        raise ValueError("var has negative entry/entries. Fix: pass a variance >= 0.")
    # clamped for stability; the clamp is not differentiated (the gradient passes through)
    var = var + (var.clamp(min=eps) - var).detach()
    loss = 0.5 * (var.log() + (input - target) ** 2 / var)
    if full:
        loss = loss + 0.5 * math.log(2 * math.pi)
    return F._reduce(loss, reduction)


def triplet_margin_loss(anchor: Tensor, positive: Tensor, negative: Tensor, margin: float = 1.0,
                        p: float = 2, eps: float = 1e-6, swap: bool = False,
                        size_average=None, reduce=None, reduction: str = "mean") -> Tensor:
    """``max(0, margin + d(anchor, positive) - d(anchor, negative))`` with ``p``-norm ``d``.

    >>> import chainrule as torch
    >>> torch.nn.functional.triplet_margin_loss(torch.tensor([[0., 0.]]),
    ...     torch.tensor([[0., 0.]]), torch.tensor([[3., 4.]]))
    tensor(0.)
    """
    reduction = _reduction(size_average, reduce, reduction)
    dims = (anchor.ndim, positive.ndim, negative.ndim)
    if not dims[0] == dims[1] == dims[2]:
        raise RuntimeError(
            f"The anchor, positive, and negative tensors are expected to have the same number of "
            f"dimensions, but got: anchor {dims[0]}D, positive {dims[1]}D, and negative "
            f"{dims[2]}D inputs")
    F._check_reduction(reduction)
    d_pos = pairwise_distance(anchor, positive, p, eps)
    d_neg = pairwise_distance(anchor, negative, p, eps)
    if swap:
        d_swap = pairwise_distance(positive, negative, p, eps)
        d_neg = d_neg.minimum(d_swap)  # ties share the gradient, as in PyTorch
    return F._reduce((margin + d_pos - d_neg).clamp(min=0), reduction)


class KLDivLoss(_Loss):
    """Kullback-Leibler divergence loss.

    >>> import chainrule as torch
    >>> torch.nn.KLDivLoss(reduction='batchmean', log_target=True)
    KLDivLoss()
    """

    def __init__(self, size_average=None, reduce=None, reduction: str = "mean",
                 log_target: bool = False) -> None:
        super().__init__(size_average, reduce, reduction)
        self.log_target = log_target

    def forward(self, input: Tensor, target: Tensor) -> Tensor:
        return kl_div(input, target, reduction=self.reduction, log_target=self.log_target)


class MarginRankingLoss(_Loss):
    """``max(0, -y * (x1 - x2) + margin)``.

    >>> import chainrule as torch
    >>> torch.nn.MarginRankingLoss(margin=0.5).margin
    0.5
    """

    def __init__(self, margin: float = 0.0, size_average=None, reduce=None,
                 reduction: str = "mean") -> None:
        super().__init__(size_average, reduce, reduction)
        self.margin = margin

    def forward(self, input1: Tensor, input2: Tensor, target: Tensor) -> Tensor:
        return margin_ranking_loss(input1, input2, target, self.margin,
                                   reduction=self.reduction)


class HingeEmbeddingLoss(_Loss):
    """``x`` for similar pairs, ``max(0, margin - x)`` for dissimilar ones.

    >>> import chainrule as torch
    >>> torch.nn.HingeEmbeddingLoss()
    HingeEmbeddingLoss()
    """

    def __init__(self, margin: float = 1.0, size_average=None, reduce=None,
                 reduction: str = "mean") -> None:
        super().__init__(size_average, reduce, reduction)
        self.margin = margin

    def forward(self, input: Tensor, target: Tensor) -> Tensor:
        return hinge_embedding_loss(input, target, self.margin, reduction=self.reduction)


class CosineEmbeddingLoss(_Loss):
    """``1 - cos`` for similar pairs, ``max(0, cos - margin)`` for dissimilar ones.

    >>> import chainrule as torch
    >>> torch.nn.CosineEmbeddingLoss()
    CosineEmbeddingLoss()
    """

    def __init__(self, margin: float = 0.0, size_average=None, reduce=None,
                 reduction: str = "mean") -> None:
        super().__init__(size_average, reduce, reduction)
        self.margin = margin

    def forward(self, input1: Tensor, input2: Tensor, target: Tensor) -> Tensor:
        return cosine_embedding_loss(input1, input2, target, self.margin,
                                     reduction=self.reduction)


class SoftMarginLoss(_Loss):
    """``log(1 + exp(-y * x))``.

    >>> import chainrule as torch
    >>> torch.nn.SoftMarginLoss()
    SoftMarginLoss()
    """

    def forward(self, input: Tensor, target: Tensor) -> Tensor:
        return soft_margin_loss(input, target, reduction=self.reduction)


class MultiLabelSoftMarginLoss(_WeightedLoss):
    """Per-class binary cross-entropy of logits, averaged over the classes.

    >>> import chainrule as torch
    >>> torch.nn.MultiLabelSoftMarginLoss()
    MultiLabelSoftMarginLoss()
    """

    def forward(self, input: Tensor, target: Tensor) -> Tensor:
        return multilabel_soft_margin_loss(input, target, self.weight, reduction=self.reduction)


class PoissonNLLLoss(_Loss):
    """Poisson negative log-likelihood.

    >>> import chainrule as torch
    >>> torch.nn.PoissonNLLLoss()
    PoissonNLLLoss()
    """

    def __init__(self, log_input: bool = True, full: bool = False, size_average=None,
                 eps: float = 1e-8, reduce=None, reduction: str = "mean") -> None:
        super().__init__(size_average, reduce, reduction)
        self.log_input, self.full, self.eps = log_input, full, eps

    def forward(self, log_input: Tensor, target: Tensor) -> Tensor:
        return poisson_nll_loss(log_input, target, self.log_input, self.full, eps=self.eps,
                                reduction=self.reduction)


class GaussianNLLLoss(_Loss):
    """Gaussian negative log-likelihood with a predicted variance.

    >>> import chainrule as torch
    >>> torch.nn.GaussianNLLLoss()
    GaussianNLLLoss()
    """

    def __init__(self, *, full: bool = False, eps: float = 1e-6,
                 reduction: str = "mean") -> None:
        super().__init__(None, None, reduction)
        self.full, self.eps = full, eps

    def forward(self, input: Tensor, target: Tensor, var) -> Tensor:
        return gaussian_nll_loss(input, target, var, full=self.full, eps=self.eps,
                                 reduction=self.reduction)


class TripletMarginLoss(_Loss):
    """Triplet loss with a ``p``-norm distance.

    >>> import chainrule as torch
    >>> torch.nn.TripletMarginLoss()
    TripletMarginLoss()
    """

    def __init__(self, margin: float = 1.0, p: float = 2.0, eps: float = 1e-6,
                 swap: bool = False, size_average=None, reduce=None,
                 reduction: str = "mean") -> None:
        super().__init__(size_average, reduce, reduction)
        self.margin, self.p, self.eps, self.swap = margin, p, eps, swap

    def forward(self, anchor: Tensor, positive: Tensor, negative: Tensor) -> Tensor:
        return triplet_margin_loss(anchor, positive, negative, self.margin, self.p, self.eps,
                                   self.swap, reduction=self.reduction)
