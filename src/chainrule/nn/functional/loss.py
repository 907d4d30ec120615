"""Loss functions of ``torch.nn.functional``: ``mse_loss``, ``cross_entropy``, ``nll_loss``, ...

The losses with a rule of their own (``mse_loss``, ``huber_loss``,
``smooth_l1_loss``, ``nll_loss``, the binary cross-entropies) check their
arguments here and call their rows in ``chainrule.ops.loss``; the others are
compositions.  Where a direct formula would overflow (``soft_margin_loss``,
``multilabel_soft_margin_loss``) the stable form via ``softplus`` is used.
"""
from __future__ import annotations

import math
import warnings

from ... import _dtypes
from ..._backend import xp
from ...engine import grad_mode
from ...functions.arguments import require_tensor
from ...functions.pointwise import where
from ...functions.reduction import log_softmax
from ...ops import loss as loss_ops
from ...tensor import Tensor
from .activation import logsigmoid, softplus
from .distance import pairwise_distance

__all__ = [
    "mse_loss", "l1_loss", "huber_loss", "smooth_l1_loss", "nll_loss", "cross_entropy",
    "binary_cross_entropy", "binary_cross_entropy_with_logits", "kl_div",
    "margin_ranking_loss", "hinge_embedding_loss", "cosine_embedding_loss", "soft_margin_loss",
    "multilabel_soft_margin_loss", "poisson_nll_loss", "gaussian_nll_loss",
    "triplet_margin_loss",
]


def _check_same_size(input, target, name):
    require_tensor(input, name, "input", 1)
    require_tensor(target, name, "target", 2)
    if input.shape != target.shape:
        warnings.warn(
            f"Using a target size ({target.shape}) that is different to the input size "
            f"({input.shape}). This will likely lead to incorrect results due to broadcasting. "
            "Please ensure they have the same size.", UserWarning, stacklevel=3)


def _loss_inputs(*tensors):
    """The loss's tensors in their common dtype (PyTorch's promotion), Nones left as they are."""
    present = [t for t in tensors if t is not None]
    dtype = _dtypes.result_type(present, [])
    return [t if t is None or t.dtype is dtype else t.to(dtype) for t in tensors]


def _check_reduction(reduction: str) -> None:
    if reduction not in ("mean", "sum", "none"):
        raise ValueError(f"{reduction} is not a valid value for reduction")


def _not_differentiable(name: str, **tensors) -> None:
    for arg, t in tensors.items():
        if t is not None and t.requires_grad and grad_mode.state.enabled:
            raise RuntimeError(f"The function '{name}' is not differentiable with respect to "
                               f"argument '{arg}'. This input cannot have requires_grad True. "
                               f"Fix: pass {arg}.detach().")


def _legacy_reduction(size_average, reduce) -> str:
    size_average = True if size_average is None else size_average
    reduce = True if reduce is None else reduce
    if not reduce:
        return "none"
    return "mean" if size_average else "sum"


def _reduction(size_average, reduce, reduction: str) -> str:
    if size_average is not None or reduce is not None:
        return _legacy_reduction(size_average, reduce)
    return reduction


def mse_loss(input: Tensor, target: Tensor, size_average=None, reduce=None,
             reduction: str = "mean", weight=None) -> Tensor:
    """Mean squared error.

    >>> import chainrule as torch
    >>> torch.nn.functional.mse_loss(torch.tensor([1., 2.]), torch.tensor([1., 4.]))
    tensor(2.)
    """
    _check_same_size(input, target, "mse_loss")
    _check_reduction(reduction)
    if weight is not None:  # PyTorch composes the weighted form: a weighted mean over weight
        d = input - target
        loss = d * d * weight
        if reduction == "mean":
            return loss.sum() / weight.sum()
        return loss_ops.reduced(loss, reduction)
    input, target = _loss_inputs(input, target)
    return loss_ops.mse_loss(input, target, None, None, reduction)


def l1_loss(input: Tensor, target: Tensor, size_average=None, reduce=None,
            reduction: str = "mean") -> Tensor:
    """Mean absolute error.

    >>> import chainrule as torch
    >>> torch.nn.functional.l1_loss(torch.tensor([1., 2.]), torch.tensor([1., 4.]))
    tensor(1.)
    """
    _check_same_size(input, target, "l1_loss")
    return loss_ops.reduced((input - target).abs(), reduction)


def huber_loss(input: Tensor, target: Tensor, reduction: str = "mean", delta: float = 1.0):
    """Squared error for small differences, absolute error (times ``delta``) for large ones.

    >>> import chainrule as torch
    >>> torch.nn.functional.huber_loss(torch.tensor([0., 0.]), torch.tensor([0.5, 3.]))
    tensor(1.3125)
    """
    _check_same_size(input, target, "huber_loss")
    _check_reduction(reduction)
    input, target = _loss_inputs(input, target)
    return loss_ops.huber_loss(input, target, None, delta, reduction)


def smooth_l1_loss(input: Tensor, target: Tensor, size_average=None, reduce=None,
                   reduction: str = "mean", beta: float = 1.0) -> Tensor:
    """Huber loss divided by ``beta``.

    >>> import chainrule as torch
    >>> torch.nn.functional.smooth_l1_loss(torch.tensor([0.]), torch.tensor([3.]))
    tensor(2.5000)
    """
    if beta == 0:  # PyTorch computes the L1 loss then (and names its nodes so)
        return l1_loss(input, target, reduction=reduction)
    _check_same_size(input, target, "smooth_l1_loss")
    _check_reduction(reduction)
    input, target = _loss_inputs(input, target)
    return loss_ops.smooth_l1_loss(input, target, None, beta, reduction)


def _classes_last(input):
    """``(N, C, d1, ...)`` as ``(N*d1*..., C)`` rows; PyTorch's K-dimensional losses."""
    return input.movedim(1, -1).reshape(-1, input.shape[1])


def nll_loss(input: Tensor, target: Tensor, weight=None, size_average=None,
             ignore_index: int = -100, reduce=None, reduction: str = "mean") -> Tensor:
    """Negative log-likelihood of the target classes, given log-probabilities.

    >>> import chainrule as torch
    >>> torch.nn.functional.nll_loss(torch.tensor([[-1., -2.]]), torch.tensor([1]))
    tensor(2.)
    """
    require_tensor(input, "nll_loss_nd", "input", 1)
    require_tensor(target, "nll_loss_nd", "target", 2)
    if target.dtype.is_floating_point:
        raise RuntimeError("expected scalar type Long but found Float. Fix: class-index targets "
                           "must be integers, e.g. target.long().")
    if reduction not in ("mean", "sum", "none"):
        raise ValueError(f"{reduction} is not a valid value for reduction")
    if input.ndim == 1:
        input, target = input.unsqueeze(0), target.unsqueeze(0)
        out = loss_ops.nll_loss(input, target, _array(weight), ignore_index, reduction)
        return out.squeeze(0) if reduction == "none" else out
    if input.shape[0] != target.shape[0]:
        raise ValueError(f"Expected input batch_size ({input.shape[0]}) to match target "
                         f"batch_size ({target.shape[0]}).")
    if input.ndim > 2:
        rows = _classes_last(input)
        out = loss_ops.nll_loss(rows, target.reshape(-1), _array(weight), ignore_index, reduction)
        return out.reshape(target.shape) if reduction == "none" else out
    return loss_ops.nll_loss(input, target, _array(weight), ignore_index, reduction)


def _array(t):
    return None if t is None else t._data


def cross_entropy(input: Tensor, target: Tensor, weight=None, size_average=None,
                  ignore_index: int = -100, reduce=None, reduction: str = "mean",
                  label_smoothing: float = 0.0) -> Tensor:
    """Cross-entropy of logits against class indices or class probabilities.

    >>> import chainrule as torch
    >>> torch.nn.functional.cross_entropy(torch.tensor([[0., 0.]]), torch.tensor([1]))
    tensor(0.6931)
    """
    require_tensor(input, "cross_entropy_loss", "input", 1)
    require_tensor(target, "cross_entropy_loss", "target", 2)
    if not 0.0 <= label_smoothing <= 1.0:
        raise RuntimeError(f"label_smoothing must be between 0.0 and 1.0. Got: "
                           f"{label_smoothing}")
    class_dim = 0 if input.ndim == 1 else 1
    logp = log_softmax(input, class_dim)
    n_classes = input.shape[class_dim]
    if target.dtype.is_floating_point:  # class probabilities
        if target.shape != input.shape:
            raise RuntimeError(f"Expected target size {list(input.shape)}, got "
                               f"{list(target.shape)} (probability targets must have the "
                               "input's shape)")
        if label_smoothing:
            target = target * (1 - label_smoothing) + label_smoothing / n_classes
        terms = logp * target
        if weight is not None:
            terms = terms * weight.reshape((-1,) + (1,) * (input.ndim - 2))
        losses = -terms.sum(class_dim)
        if reduction == "mean":
            return losses.sum() / (input.numel() // n_classes)
        return loss_ops.reduced(losses, reduction)
    nll = nll_loss(logp, target, weight, ignore_index=ignore_index, reduction=reduction)
    if not label_smoothing:
        return nll
    # smoothing spreads epsilon of the target's mass evenly over all classes
    terms = logp if weight is None else logp * weight.reshape(
        (-1,) + (1,) * (input.ndim - 2 if input.ndim > 1 else 0))
    valid = Tensor._make((target._data != ignore_index).astype(logp._data.dtype))
    smooth = -terms.sum(class_dim) * valid
    if reduction == "none":
        pass
    elif reduction == "sum":
        smooth = smooth.sum()
    elif weight is None:
        smooth = smooth.sum() / valid.sum()
    else:
        safe = xp.where(target._data != ignore_index, target._data, 0)
        total = (weight._data[safe] * valid._data).sum()
        smooth = smooth.sum() / float(total)
    return nll * (1 - label_smoothing) + smooth * (label_smoothing / n_classes)


def binary_cross_entropy(input: Tensor, target: Tensor, weight=None, size_average=None,
                         reduce=None, reduction: str = "mean") -> Tensor:
    """``-(y log p + (1 - y) log(1 - p))``, each log clamped at -100 as PyTorch does.

    >>> import chainrule as torch
    >>> torch.nn.functional.binary_cross_entropy(torch.tensor([0.5]), torch.tensor([1.]))
    tensor(0.6931)
    """
    if target.shape != input.shape:
        raise ValueError(f"Using a target size ({target.shape}) that is different to the input "
                         f"size ({input.shape}) is deprecated. Please ensure they have the same "
                         "size.")
    data = input._data
    if data.size and (data.min() < 0 or data.max() > 1):
        raise RuntimeError("all elements of input should be between 0 and 1. Fix: apply "
                           "sigmoid first, or use binary_cross_entropy_with_logits on logits.")
    _check_reduction(reduction)
    _not_differentiable("binary_cross_entropy", weight=weight)
    input, target, weight = _loss_inputs(input, target, weight)
    return loss_ops.binary_cross_entropy(input, target, weight, None, reduction)


def binary_cross_entropy_with_logits(input: Tensor, target: Tensor, weight=None,
                                     size_average=None, reduce=None, reduction: str = "mean",
                                     pos_weight=None) -> Tensor:
    """Binary cross-entropy of ``sigmoid(input)``, computed from the logits without overflow.

    >>> import chainrule as torch
    >>> F = torch.nn.functional
    >>> F.binary_cross_entropy_with_logits(torch.tensor([-200.]), torch.tensor([1.]))
    tensor(200.)
    """
    if target.shape != input.shape:
        raise ValueError(f"Target size ({target.shape}) must be the same as input size "
                         f"({input.shape})")
    _check_reduction(reduction)
    _not_differentiable("binary_cross_entropy_with_logits", weight=weight, pos_weight=pos_weight)
    input, target, weight, pos_weight = _loss_inputs(input, target, weight, pos_weight)
    return loss_ops.binary_cross_entropy_with_logits(input, target, weight, pos_weight, reduction)


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
    return loss_ops.reduced(loss, reduction)


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
    _check_reduction(reduction)
    return loss_ops.reduced((-target * (input1 - input2) + margin).clamp(min=0), reduction)


def hinge_embedding_loss(input: Tensor, target: Tensor, margin: float = 1.0, size_average=None,
                         reduce=None, reduction: str = "mean") -> Tensor:
    """``x`` where ``target`` is 1, ``max(0, margin - x)`` where it is -1.

    >>> import chainrule as torch
    >>> torch.nn.functional.hinge_embedding_loss(torch.tensor([0.3, 0.3]),
    ...                                          torch.tensor([1., -1.]))
    tensor(0.5000)
    """
    reduction = _reduction(size_average, reduce, reduction)
    _check_reduction(reduction)
    loss = (where(target != 1, (margin - input).clamp(min=0), 0.0)
            + where(target != -1, input, 0.0))
    return loss_ops.reduced(loss, reduction)


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
    _check_reduction(reduction)
    eps = 1e-12  # keeps a zero vector's squared norm away from 0 (PyTorch's constant)
    prod = (input1 * input2).sum(-1)
    mag = ((input1 * input1).sum(-1) + eps) * ((input2 * input2).sum(-1) + eps)
    cos = prod / mag.sqrt()
    loss = (where(target == 1, 1 - cos, 0.0)
            + where(target == -1, (cos - margin).clamp(min=0), 0.0))
    return loss_ops.reduced(loss, reduction)


def soft_margin_loss(input: Tensor, target: Tensor, size_average=None, reduce=None,
                     reduction: str = "mean") -> Tensor:
    """``log(1 + exp(-target * input))``.

    >>> import chainrule as torch
    >>> torch.nn.functional.soft_margin_loss(torch.tensor([0.]), torch.tensor([1.]))
    tensor(0.6931)
    """
    reduction = _reduction(size_average, reduce, reduction)
    _check_reduction(reduction)
    _not_differentiable("soft_margin_loss", target=target)
    # softplus instead of log1p(exp(.)): the same value, but finite where exp would overflow
    return loss_ops.reduced(softplus(-target * input), reduction)


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
    _check_reduction(reduction)
    loss = -(target * logsigmoid(input) + (1 - target) * logsigmoid(-input))
    if weight is not None:
        loss = loss * weight
    classes = input.ndim - 1
    loss = loss.sum(classes) / input.shape[classes]
    return loss_ops.reduced(loss, reduction)


def poisson_nll_loss(input: Tensor, target: Tensor, log_input: bool = True, full: bool = False,
                     size_average=None, eps: float = 1e-8, reduce=None,
                     reduction: str = "mean") -> Tensor:
    """Negative log-likelihood of ``target`` under a Poisson of rate ``input``.

    >>> import chainrule as torch
    >>> torch.nn.functional.poisson_nll_loss(torch.tensor([0.]), torch.tensor([1.]))
    tensor(1.)
    """
    reduction = _reduction(size_average, reduce, reduction)
    _check_reduction(reduction)
    if log_input:
        loss = input.exp() - target * input
    else:
        loss = input - target * (input + eps).log()
    if full:
        # Stirling's approximation of log(target!), used only where target > 1
        safe = where(target > 1, target, 1.0)
        stirling = safe * safe.log() - safe + 0.5 * (2 * math.pi * safe).log()
        loss = loss + where(target > 1, stirling, 0.0)
    return loss_ops.reduced(loss, reduction)


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
    return loss_ops.reduced(loss, reduction)


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
    _check_reduction(reduction)
    d_pos = pairwise_distance(anchor, positive, p, eps)
    d_neg = pairwise_distance(anchor, negative, p, eps)
    if swap:
        d_swap = pairwise_distance(positive, negative, p, eps)
        d_neg = d_neg.minimum(d_swap)  # ties share the gradient, as in PyTorch
    return loss_ops.reduced((margin + d_pos - d_neg).clamp(min=0), reduction)
