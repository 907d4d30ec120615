"""Loss functions of ``torch.nn.functional``: ``mse_loss``, ``cross_entropy``, ``nll_loss``, ...

The losses with a rule of their own (``mse_loss``, ``huber_loss``,
``smooth_l1_loss``, ``nll_loss``, the binary cross-entropies) check their
arguments here and call their rows in ``chainrule.ops.loss``; those PyTorch
also has as ``torch.*`` (``kl_div``, ``ctc_loss``, ``margin_ranking_loss``,
...) read the reduction's name and call ``chainrule.functions.loss`` with its
enum; the others are compositions.  Where a direct formula would overflow
(``soft_margin_loss``, ``multilabel_soft_margin_loss``) the stable form via
``softplus`` is used.  Every loss takes PyTorch's older ``size_average`` and
``reduce`` too (with PyTorch's warning).
"""
from __future__ import annotations

import math
import warnings

from ..._backend import xp
from ...functions import loss as torch_loss
from ...functions.arguments import require_tensor
from ...functions.distance import pairwise_distance
from ...functions.loss import REDUCTIONS, check_triplet, loss_inputs, not_differentiable
from ...functions.pointwise import where
from ...functions.reduction import log_softmax
from ...ops import loss as loss_ops
from ...tensor import Tensor
from .activation import logsigmoid, softplus

__all__ = [
    "mse_loss", "l1_loss", "huber_loss", "smooth_l1_loss", "nll_loss", "cross_entropy",
    "binary_cross_entropy", "binary_cross_entropy_with_logits", "kl_div",
    "margin_ranking_loss", "hinge_embedding_loss", "cosine_embedding_loss", "soft_margin_loss",
    "multilabel_soft_margin_loss", "poisson_nll_loss", "gaussian_nll_loss",
    "triplet_margin_loss", "ctc_loss", "multi_margin_loss", "multilabel_margin_loss",
    "triplet_margin_with_distance_loss",
]


def _check_same_size(input, target, name):
    require_tensor(input, name, "input", 1)
    require_tensor(target, name, "target", 2)
    if input.shape != target.shape:
        warnings.warn(
            f"Using a target size ({target.shape}) that is different to the input size "
            f"({input.shape}). This will likely lead to incorrect results due to broadcasting. "
            "Please ensure they have the same size.", UserWarning, stacklevel=3)


def legacy_reduction(size_average, reduce) -> str:
    """The reduction PyTorch's older arguments ask for, with PyTorch's warning."""
    size_average = True if size_average is None else size_average
    reduce = True if reduce is None else reduce
    name = "none" if not reduce else "mean" if size_average else "sum"
    warnings.warn(f"size_average and reduce args will be deprecated, please use "
                  f"reduction='{name}' instead.", UserWarning, stacklevel=3)
    return name


def _reduction(size_average, reduce, reduction: str) -> str:
    """The reduction a loss is asked for (``size_average``/``reduce`` where given), checked."""
    if size_average is not None or reduce is not None:
        reduction = legacy_reduction(size_average, reduce)
    if reduction not in REDUCTIONS:
        raise ValueError(f"{reduction} is not a valid value for reduction")
    return reduction


def _enum(size_average, reduce, reduction: str) -> int:
    """The reduction as ``torch.*``'s losses take it: 0 none, 1 mean, 2 sum."""
    return REDUCTIONS.index(_reduction(size_average, reduce, reduction))


def mse_loss(input: Tensor, target: Tensor, size_average=None, reduce=None,
             reduction: str = "mean", weight=None) -> Tensor:
    """Mean squared error.

    >>> torch.nn.functional.mse_loss(torch.tensor([1., 2.]), torch.tensor([1., 4.]))
    tensor(2.)
    """
    _check_same_size(input, target, "mse_loss")
    reduction = _reduction(size_average, reduce, reduction)
    if weight is not None:
        d = input - target
        return _weighted(d * d, input.shape, weight, reduction, over_weight=True)
    input, target = loss_inputs(input, target)
    return loss_ops.mse_loss(input, target, None, None, reduction)


def _weighted(loss: Tensor, shape: tuple, weight: Tensor, reduction: str,
              over_weight: bool) -> Tensor:
    """``loss * weight`` reduced, as PyTorch composes the weighted regression losses: the
    mean of mse_loss and l1_loss is over the weights' sum (``over_weight``), huber_loss's
    over the elements."""
    if tuple(weight.shape) != tuple(shape):  # the input's shape, before broadcasting
        raise ValueError("Weights and input must have the same size.")
    loss = loss * weight
    if reduction == "mean" and over_weight:
        return loss.sum() / weight.sum()
    return loss_ops.reduced(loss, reduction)


def l1_loss(input: Tensor, target: Tensor, size_average=None, reduce=None,
            reduction: str = "mean", weight: Tensor | None = None) -> Tensor:
    """Mean absolute error; with ``weight`` (the input's shape) each error is weighted and
    the mean is over the weights' sum.

    >>> torch.nn.functional.l1_loss(torch.tensor([1., 2.]), torch.tensor([1., 4.]))
    tensor(1.)
    """
    _check_same_size(input, target, "l1_loss")
    reduction = _reduction(size_average, reduce, reduction)
    if weight is not None:
        return _weighted((input - target).abs(), input.shape, weight, reduction,
                         over_weight=True)
    return loss_ops.reduced((input - target).abs(), reduction)


def huber_loss(input: Tensor, target: Tensor, reduction: str = "mean", delta: float = 1.0,
               weight: Tensor | None = None) -> Tensor:
    """Squared error for small differences, absolute error (times ``delta``) for large ones;
    with ``weight`` (the input's shape) each element's loss is weighted.

    >>> torch.nn.functional.huber_loss(torch.tensor([0., 0.]), torch.tensor([0.5, 3.]))
    tensor(1.3125)
    """
    _check_same_size(input, target, "huber_loss")
    reduction = _reduction(None, None, reduction)
    shape = input.shape
    input, target = loss_inputs(input, target)
    if weight is not None:
        unweighted = loss_ops.huber_loss(input, target, None, delta, "none")
        return _weighted(unweighted, shape, weight, reduction, over_weight=False)
    return loss_ops.huber_loss(input, target, None, delta, reduction)


def smooth_l1_loss(input: Tensor, target: Tensor, size_average=None, reduce=None,
                   reduction: str = "mean", beta: float = 1.0) -> Tensor:
    """Huber loss divided by ``beta``.

    >>> torch.nn.functional.smooth_l1_loss(torch.tensor([0.]), torch.tensor([3.]))
    tensor(2.5000)
    """
    reduction = _reduction(size_average, reduce, reduction)
    if beta == 0:  # PyTorch computes the L1 loss then (and names its nodes so)
        return l1_loss(input, target, reduction=reduction)
    _check_same_size(input, target, "smooth_l1_loss")
    input, target = loss_inputs(input, target)
    return loss_ops.smooth_l1_loss(input, target, None, beta, reduction)


def _classes_last(input):
    """``(N, C, d1, ...)`` as ``(N*d1*..., C)`` rows; PyTorch's K-dimensional losses."""
    return input.movedim(1, -1).reshape(-1, input.shape[1])


def nll_loss(input: Tensor, target: Tensor, weight=None, size_average=None,
             ignore_index: int = -100, reduce=None, reduction: str = "mean") -> Tensor:
    """Negative log-likelihood of the target classes, given log-probabilities.

    >>> torch.nn.functional.nll_loss(torch.tensor([[-1., -2.]]), torch.tensor([1]))
    tensor(2.)
    """
    require_tensor(input, "nll_loss_nd", "input", 1)
    require_tensor(target, "nll_loss_nd", "target", 2)
    if target.dtype.is_floating_point:
        raise RuntimeError("expected scalar type Long but found Float. Fix: class-index targets "
                           "must be integers, e.g. target.long().")
    reduction = _reduction(size_average, reduce, reduction)
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

    >>> torch.nn.functional.cross_entropy(torch.tensor([[0., 0.]]), torch.tensor([1]))
    tensor(0.6931)
    """
    require_tensor(input, "cross_entropy_loss", "input", 1)
    require_tensor(target, "cross_entropy_loss", "target", 2)
    reduction = _reduction(size_average, reduce, reduction)
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
    reduction = _reduction(size_average, reduce, reduction)
    not_differentiable("binary_cross_entropy", weight=weight)
    input, target, weight = loss_inputs(input, target, weight)
    return loss_ops.binary_cross_entropy(input, target, weight, None, reduction)


def binary_cross_entropy_with_logits(input: Tensor, target: Tensor, weight=None,
                                     size_average=None, reduce=None, reduction: str = "mean",
                                     pos_weight=None) -> Tensor:
    """Binary cross-entropy of ``sigmoid(input)``, computed from the logits without overflow.

    >>> F = torch.nn.functional
    >>> F.binary_cross_entropy_with_logits(torch.tensor([-200.]), torch.tensor([1.]))
    tensor(200.)
    """
    if target.shape != input.shape:
        raise ValueError(f"Target size ({target.shape}) must be the same as input size "
                         f"({input.shape})")
    return torch_loss.binary_cross_entropy_with_logits(
        input, target, weight, pos_weight, _enum(size_average, reduce, reduction))


def kl_div(input: Tensor, target: Tensor, size_average=None, reduce=None,
           reduction: str = "mean", log_target: bool = False) -> Tensor:
    """Kullback-Leibler divergence of ``target`` from ``input`` (a log-probability);
    ``reduction='batchmean'`` divides the sum by the batch size (the true KL divergence).

    >>> torch.nn.functional.kl_div(torch.tensor([-1., -1.]), torch.tensor([0.5, 0.5]),
    ...                            reduction='batchmean')
    tensor(0.1534)
    """
    legacy = size_average is not None or reduce is not None
    if reduction == "mean" and not legacy:
        warnings.warn(
            "reduction: 'mean' divides the total loss by both the batch size and the support "
            "size.'batchmean' divides only by the batch size, and aligns with the KL div math "
            "definition.'mean' will be changed to behave the same as 'batchmean' in the next "
            "major release.", UserWarning, stacklevel=2)
    if reduction == "batchmean" and not legacy:
        total = torch_loss.kl_div(input, target, 2, log_target=log_target)
        return total / input.shape[0] if input.ndim else total
    return torch_loss.kl_div(input, target, _enum(size_average, reduce, reduction),
                             log_target=log_target)


def margin_ranking_loss(input1: Tensor, input2: Tensor, target: Tensor, margin: float = 0.0,
                        size_average=None, reduce=None, reduction: str = "mean") -> Tensor:
    """``max(0, -target * (input1 - input2) + margin)``.

    >>> torch.nn.functional.margin_ranking_loss(torch.tensor([1., 2.]), torch.tensor([2., 1.]),
    ...                                         torch.tensor([1., 1.]))
    tensor(0.5000)
    """
    return torch_loss.margin_ranking_loss(input1, input2, target, margin,
                                          _enum(size_average, reduce, reduction))


def hinge_embedding_loss(input: Tensor, target: Tensor, margin: float = 1.0, size_average=None,
                         reduce=None, reduction: str = "mean") -> Tensor:
    """``x`` where ``target`` is 1, ``max(0, margin - x)`` where it is -1.

    >>> torch.nn.functional.hinge_embedding_loss(torch.tensor([0.3, 0.3]),
    ...                                          torch.tensor([1., -1.]))
    tensor(0.5000)
    """
    return torch_loss.hinge_embedding_loss(input, target, margin,
                                           _enum(size_average, reduce, reduction))


def cosine_embedding_loss(input1: Tensor, input2: Tensor, target: Tensor, margin: float = 0.0,
                          size_average=None, reduce=None, reduction: str = "mean") -> Tensor:
    """``1 - cos(x1, x2)`` where ``target`` is 1, ``max(0, cos(x1, x2) - margin)`` where -1.

    >>> torch.nn.functional.cosine_embedding_loss(torch.tensor([[1., 0.]]),
    ...                                           torch.tensor([[0., 1.]]), torch.tensor([1.]))
    tensor(1.)
    """
    return torch_loss.cosine_embedding_loss(input1, input2, target, margin,
                                            _enum(size_average, reduce, reduction))


def soft_margin_loss(input: Tensor, target: Tensor, size_average=None, reduce=None,
                     reduction: str = "mean") -> Tensor:
    """``log(1 + exp(-target * input))``.

    >>> torch.nn.functional.soft_margin_loss(torch.tensor([0.]), torch.tensor([1.]))
    tensor(0.6931)
    """
    reduction = _reduction(size_average, reduce, reduction)
    not_differentiable("soft_margin_loss", target=target)
    # softplus instead of log1p(exp(.)): the same value, but finite where exp would overflow
    return loss_ops.reduced(softplus(-target * input), reduction)


def multilabel_soft_margin_loss(input: Tensor, target: Tensor, weight: Tensor | None = None,
                                size_average=None, reduce=None,
                                reduction: str = "mean") -> Tensor:
    """Binary cross-entropy of logits per class, averaged over the classes.

    >>> torch.nn.functional.multilabel_soft_margin_loss(torch.tensor([[0., 0.]]),
    ...                                                 torch.tensor([[1., 0.]]))
    tensor(0.6931)
    """
    reduction = _reduction(size_average, reduce, reduction)
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

    >>> torch.nn.functional.poisson_nll_loss(torch.tensor([0.]), torch.tensor([1.]))
    tensor(1.)
    """
    return torch_loss.poisson_nll_loss(input, target, log_input, full, eps,
                                       _enum(size_average, reduce, reduction))


def gaussian_nll_loss(input: Tensor, target: Tensor, var, full: bool = False,
                      eps: float = 1e-6, reduction: str = "mean") -> Tensor:
    """Negative log-likelihood of ``target`` under a Gaussian of mean ``input``, variance ``var``.

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

    >>> torch.nn.functional.triplet_margin_loss(torch.tensor([[0., 0.]]),
    ...     torch.tensor([[0., 0.]]), torch.tensor([[3., 4.]]))
    tensor(0.)
    """
    return torch_loss.triplet_margin_loss(anchor, positive, negative, margin, p, eps, swap,
                                          _enum(size_average, reduce, reduction))


def ctc_loss(log_probs: Tensor, targets: Tensor, input_lengths, target_lengths, blank: int = 0,
             reduction: str = "mean", zero_infinity: bool = False) -> Tensor:
    """The connectionist temporal classification loss (see ``torch.ctc_loss``); ``'mean'``
    divides each sequence's loss by its target length, then averages.

    >>> log_probs = torch.full((2, 1, 2), 0.5).log()
    >>> torch.nn.functional.ctc_loss(log_probs, torch.tensor([[1]]), [2], [1])
    tensor(0.2877)
    """
    return torch_loss.ctc_loss(log_probs, targets, input_lengths, target_lengths, blank,
                               _enum(None, None, reduction), zero_infinity)


def _class_scores(input: Tensor, target: Tensor) -> tuple:
    """``input`` as ``(N, C)`` rows and ``target`` as its long tensor, with PyTorch's checks
    of the margin losses."""
    if input.ndim not in (1, 2) or input.shape[-1] == 0:
        raise RuntimeError(f"Expected non-empty vector or matrix with optional 0-dim batch "
                           f"size, but got: {list(input.shape)}")
    if target.dtype.is_floating_point:
        raise RuntimeError("expected scalar type Long but found Float. Fix: pass the targets "
                           "as integers, e.g. target.long().")
    return (input if input.ndim == 2 else input.reshape(1, -1)), target


def multi_margin_loss(input: Tensor, target: Tensor, p: int = 1, margin: float = 1.0,
                      weight: Tensor | None = None, size_average=None, reduce=None,
                      reduction: str = "mean") -> Tensor:
    """The multi-class hinge loss: for each sample, ``max(0, margin - x[y] + x[i]) ** p``
    summed over the classes ``i != y`` (times ``weight[y]``), divided by the number of
    classes.

    Composed from tensor operations (PyTorch records one MultiMarginLossBackward0 node).

    >>> torch.nn.functional.multi_margin_loss(torch.tensor([[0.1, 0.2, 0.4, 0.8]]),
    ...                                       torch.tensor([3]))
    tensor(0.3250)
    """
    reduction = _reduction(size_average, reduce, reduction)
    if p not in (1, 2):
        raise ValueError("only p == 1 and p == 2 supported")
    if weight is not None and weight.ndim != 1:
        raise ValueError("weight must be one-dimensional")
    rows, target = _class_scores(input, target)
    classes = rows.shape[1]
    labels = target.reshape(-1)
    if labels.shape[0] != rows.shape[0]:
        raise RuntimeError(f"multi_margin_loss: target tensor should be 1-D with size equal to "
                           f"the number of input samples (batch size). Expected target size "
                           f"[{rows.shape[0]}], but got {list(target.shape)}. Input has shape "
                           f"{list(input.shape)}.")
    if labels.numel() and (int(labels.min()) < 0 or int(labels.max()) >= classes):
        raise RuntimeError("target out of range")
    if weight is not None and weight.numel() != classes:
        raise RuntimeError(f"inconsistent weight size, expected {classes} but got "
                           f"{list(weight.shape)}")
    picked = labels.unsqueeze(1)
    # relu, not clamp: no gradient where the margin is met exactly, as in PyTorch
    hinge = (rows - rows.gather(1, picked) + margin).relu()
    if p == 2:
        hinge = hinge * hinge
    if weight is not None:
        hinge = hinge * weight.gather(0, labels).unsqueeze(1)
    is_target = Tensor._make(xp.arange(classes) == picked._data)
    losses = where(is_target, 0.0, hinge).sum(1) / classes
    if input.ndim < 2:
        losses = losses.reshape(target.shape)
    if reduction == "mean" and losses.numel() == 0:
        return losses.sum()  # PyTorch's kernel gives 0 for an empty batch
    return loss_ops.reduced(losses, reduction)


def multilabel_margin_loss(input: Tensor, target: Tensor, size_average=None, reduce=None,
                           reduction: str = "mean") -> Tensor:
    """The multi-label hinge loss: ``target`` lists each sample's classes (ended by the first
    -1); the loss sums ``max(0, 1 - (x[j] - x[i]))`` over its classes ``j`` and the other
    classes ``i``, divided by the number of classes.

    Composed from tensor operations (PyTorch records one MultilabelMarginLossBackward0 node).

    >>> torch.nn.functional.multilabel_margin_loss(torch.tensor([[0.1, 0.2, 0.4, 0.8]]),
    ...                                            torch.tensor([[3, 0, -1, 1]]))
    tensor(0.8500)
    """
    reduction = _reduction(size_average, reduce, reduction)
    rows, target = _class_scores(input, target)
    if tuple(target.shape) != tuple(input.shape):
        raise RuntimeError(f"inconsistent target size: {list(target.shape)} for input of size: "
                           f"{list(input.shape)}")
    labels = target._data.reshape(rows.shape)
    classes = rows.shape[1]
    # the listed classes: every entry before the row's first -1
    listed = xp.cumprod(labels != -1, axis=1).astype(bool)
    if listed.any() and (labels[listed].min() < 0 or labels[listed].max() >= classes):
        raise RuntimeError("argument #2 'target' is out of range")
    safe = xp.where(listed, labels, 0)
    is_target = xp.zeros(rows.shape, dtype=bool)
    samples, slots = xp.nonzero(listed)
    is_target[samples, safe[samples, slots]] = True
    scores = rows.gather(1, Tensor._make(safe))  # (N, listed slots)
    hinge = (1 - scores.unsqueeze(2) + rows.unsqueeze(1)).relu()  # (N, slot, class)
    counted = Tensor._make(listed[:, :, None] & ~is_target[:, None, :])
    losses = where(counted, hinge, 0.0).sum((1, 2)) / classes
    if input.ndim < 2:
        losses = losses.reshape(())
    return loss_ops.reduced(losses, reduction)


def triplet_margin_with_distance_loss(anchor: Tensor, positive: Tensor, negative: Tensor, *,
                                      distance_function=None, margin: float = 1.0,
                                      swap: bool = False, reduction: str = "mean") -> Tensor:
    """``max(0, margin + d(anchor, positive) - d(anchor, negative))`` for any distance
    function ``d`` (``pairwise_distance`` by default).

    >>> F = torch.nn.functional
    >>> F.triplet_margin_with_distance_loss(torch.tensor([[0., 0.]]), torch.tensor([[0., 1.]]),
    ...     torch.tensor([[3., 4.]]), distance_function=lambda a, b: (a - b).abs().sum(-1))
    tensor(0.)
    """
    if reduction not in REDUCTIONS:
        raise ValueError(f"{reduction} is not a valid value for reduction")
    if margin <= 0:
        raise ValueError(f"margin must be greater than 0, got {margin}")
    check_triplet(anchor, positive, negative)
    distance = distance_function if distance_function is not None else pairwise_distance
    d_pos, d_neg = distance(anchor, positive), distance(anchor, negative)
    if swap:
        d_neg = d_neg.minimum(distance(positive, negative))
    return loss_ops.reduced((margin + d_pos - d_neg).clamp(min=0), reduction)
