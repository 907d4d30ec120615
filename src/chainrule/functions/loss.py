"""The losses PyTorch also exposes as ``torch.*``: ``kl_div``, ``ctc_loss``,
``binary_cross_entropy_with_logits``, ``cosine_embedding_loss``,
``hinge_embedding_loss``, ``margin_ranking_loss``, ``poisson_nll_loss``,
``triplet_margin_loss``.

At this level ``reduction`` is PyTorch's enum: 0 none, 1 mean, 2 sum (any other
number: none); ``nn.functional``'s losses take the names and call these.  As
in PyTorch's Python binding, leaving ``reduction`` out means 0: no reduction.
``binary_cross_entropy_with_logits`` and ``ctc_loss`` call their rows in
``chainrule.ops``; the others are compositions whose gradients come from the
core rules.
"""
from __future__ import annotations

import math

from .. import _dtypes
from .._backend import xp
from ..engine import grad_mode
from ..ops import ctc as ctc_ops
from ..ops import loss as loss_ops
from ..tensor import Tensor
from .distance import pairwise_distance
from .pointwise import where

__all__ = ["binary_cross_entropy_with_logits", "cosine_embedding_loss", "ctc_loss",
           "hinge_embedding_loss", "kl_div", "margin_ranking_loss", "poisson_nll_loss",
           "triplet_margin_loss"]

# PyTorch's reduction enum: the position of each name.
REDUCTIONS = ("none", "mean", "sum")


def reduced(loss: Tensor, reduction: int) -> Tensor:
    """``loss`` reduced as PyTorch's enum says (1 mean, 2 sum, anything else none)."""
    if reduction == 1:
        return loss.mean()
    if reduction == 2:
        return loss.sum()
    return loss


def _name(reduction: int) -> str:
    return REDUCTIONS[reduction] if reduction in (1, 2) else "none"


def loss_inputs(*tensors):
    """The loss's tensors in their common dtype (PyTorch's promotion), Nones left as they are."""
    present = [t for t in tensors if t is not None]
    dtype = _dtypes.result_type(present, [])
    return [t if t is None or t.dtype is dtype else t.to(dtype) for t in tensors]


def not_differentiable(name: str, **tensors) -> None:
    """PyTorch's error for an argument that its loss does not differentiate."""
    for arg, t in tensors.items():
        if t is not None and t.requires_grad and grad_mode.state.enabled:
            raise RuntimeError(f"The function '{name}' is not differentiable with respect to "
                               f"argument '{arg}'. This input cannot have requires_grad True. "
                               f"Fix: pass {arg}.detach().")


def binary_cross_entropy_with_logits(input: Tensor, target: Tensor, weight=None,
                                     pos_weight=None, reduction: int = 0) -> Tensor:
    """Binary cross-entropy of ``sigmoid(input)``, computed from the logits without overflow.

    >>> torch.binary_cross_entropy_with_logits(torch.tensor([-200.]), torch.tensor([1.]))
    tensor([200.])
    """
    not_differentiable("binary_cross_entropy_with_logits", weight=weight, pos_weight=pos_weight)
    input, target, weight, pos_weight = loss_inputs(input, target, weight, pos_weight)
    return loss_ops.binary_cross_entropy_with_logits(input, target, weight, pos_weight,
                                                     _name(reduction))


def kl_div(input: Tensor, target: Tensor, reduction: int = 0, *,
           log_target: bool = False) -> Tensor:
    """Kullback-Leibler divergence of ``target`` from ``input`` (a log-probability),
    pointwise: ``target * (log(target) - input)`` (``0`` where the target is 0).

    >>> torch.kl_div(torch.tensor([-1., -1.]), torch.tensor([0.5, 0.5]), 2)
    tensor(0.3069)
    """
    if log_target:
        loss = target.exp() * (target - input)
    else:
        # xlogy: 0 log 0 = 0; the log is taken of a target kept positive so that its
        # gradient stays finite (and unused) where the target is 0
        safe = where(target > 0, target, 1.0)
        loss = where(target > 0, target * safe.log(), 0.0) - target * input
    return reduced(loss, reduction)


def margin_ranking_loss(input1: Tensor, input2: Tensor, target: Tensor, margin: float = 0.0,
                        reduction: int = 0) -> Tensor:
    """``max(0, -target * (input1 - input2) + margin)``.

    >>> torch.margin_ranking_loss(torch.tensor([1., 2.]), torch.tensor([2., 1.]),
    ...                           torch.tensor([1., 1.]), 0.0, 1)
    tensor(0.5000)
    """
    if not input1.ndim == input2.ndim == target.ndim:
        raise RuntimeError(
            f"margin_ranking_loss : All input tensors should have same dimension but got sizes: "
            f"input1: {input1.shape}, input2: {input2.shape}, target: {target.shape} . Fix: "
            f"give the three tensors the same number of dimensions.")
    return reduced((-target * (input1 - input2) + margin).clamp(min=0), reduction)


def hinge_embedding_loss(input: Tensor, target: Tensor, margin: float = 1.0,
                         reduction: int = 0) -> Tensor:
    """``x`` where ``target`` is 1, ``max(0, margin - x)`` where it is -1.

    >>> torch.hinge_embedding_loss(torch.tensor([0.3, 0.3]), torch.tensor([1., -1.]))
    tensor([0.3000, 0.7000])
    """
    loss = (where(target != 1, (margin - input).clamp(min=0), 0.0)
            + where(target != -1, input, 0.0))
    return reduced(loss, reduction)


def cosine_embedding_loss(input1: Tensor, input2: Tensor, target: Tensor, margin: float = 0.0,
                          reduction: int = 0) -> Tensor:
    """``1 - cos(x1, x2)`` where ``target`` is 1, ``max(0, cos(x1, x2) - margin)`` where -1.

    >>> torch.cosine_embedding_loss(torch.tensor([[1., 0.]]), torch.tensor([[0., 1.]]),
    ...                             torch.tensor([1.]))
    tensor([1.])
    """
    if target.ndim > 1:
        raise RuntimeError(f"0D or 1D target tensor expected, multi-target not supported. Fix: "
                           f"pass a target of shape (N,) or (), not {tuple(target.shape)}.")
    if target.ndim == 1 and not (input1.ndim == input2.ndim == 2):
        raise RuntimeError(f"1D target tensor expects 2D input tensors, but found inputs with "
                           f"sizes {list(input1.shape)} and {list(input2.shape)}.")
    if target.ndim == 0 and not (input1.ndim == input2.ndim == 1):
        raise RuntimeError(f"0D target tensor expects 1D input tensors, but found inputs with "
                           f"sizes {list(input1.shape)} and {list(input2.shape)}.")
    eps = 1e-12  # keeps a zero vector's squared norm away from 0 (PyTorch's constant)
    prod = (input1 * input2).sum(-1)
    mag = ((input1 * input1).sum(-1) + eps) * ((input2 * input2).sum(-1) + eps)
    cos = prod / mag.sqrt()
    loss = (where(target == 1, 1 - cos, 0.0)
            + where(target == -1, (cos - margin).clamp(min=0), 0.0))
    return reduced(loss, reduction)


def poisson_nll_loss(input: Tensor, target: Tensor, log_input: bool, full: bool, eps: float,
                     reduction: int) -> Tensor:
    """Negative log-likelihood of ``target`` under a Poisson of rate ``input`` (of
    ``exp(input)`` with ``log_input``), with Stirling's term for ``log(target!)`` if ``full``.

    >>> torch.poisson_nll_loss(torch.tensor([0.]), torch.tensor([1.]), True, False, 1e-8, 1)
    tensor(1.)
    """
    if log_input:
        loss = input.exp() - target * input
    else:
        loss = input - target * (input + eps).log()
    if full:
        # Stirling's approximation of log(target!), used only where target > 1
        safe = where(target > 1, target, 1.0)
        stirling = safe * safe.log() - safe + 0.5 * (2 * math.pi * safe).log()
        loss = loss + where(target > 1, stirling, 0.0)
    return reduced(loss, reduction)


def check_triplet(anchor: Tensor, positive: Tensor, negative: Tensor) -> None:
    """PyTorch's error for triplets of different numbers of dimensions."""
    dims = (anchor.ndim, positive.ndim, negative.ndim)
    if not dims[0] == dims[1] == dims[2]:
        raise RuntimeError(
            f"The anchor, positive, and negative tensors are expected to have the same number of "
            f"dimensions, but got: anchor {dims[0]}D, positive {dims[1]}D, and negative "
            f"{dims[2]}D inputs")


def triplet_margin_loss(anchor: Tensor, positive: Tensor, negative: Tensor, margin: float = 1.0,
                        p: float = 2, eps: float = 1e-6, swap: bool = False,
                        reduction: int = 0) -> Tensor:
    """``max(0, margin + d(anchor, positive) - d(anchor, negative))`` with ``p``-norm ``d``;
    ``swap`` uses ``d(positive, negative)`` where it is smaller.

    >>> torch.triplet_margin_loss(torch.tensor([[0., 0.]]), torch.tensor([[0., 0.]]),
    ...                           torch.tensor([[3., 4.]]))
    tensor([0.])
    """
    check_triplet(anchor, positive, negative)
    d_pos = pairwise_distance(anchor, positive, p, eps)
    d_neg = pairwise_distance(anchor, negative, p, eps)
    if swap:
        d_swap = pairwise_distance(positive, negative, p, eps)
        d_neg = d_neg.minimum(d_swap)  # ties share the gradient, as in PyTorch
    return reduced((margin + d_pos - d_neg).clamp(min=0), reduction)


def _lengths(lengths):
    """Sequence lengths (a list, a tuple, a number or a tensor) as an int64 array."""
    data = lengths._data if isinstance(lengths, Tensor) else lengths
    return xp.atleast_1d(xp.asarray(data, dtype=xp.int64))


def _padded_targets(targets: Tensor, target_lengths, batch: int):
    """Targets as ``(N, S)`` labels: padded ones as they are, concatenated ones split."""
    labels = targets._data.astype(xp.int64)
    longest = int(target_lengths.max()) if target_lengths.size else 0
    if labels.ndim == 2:
        if labels.shape[0] != batch:
            raise RuntimeError(f"Expected tensor to have size {batch} at dimension 0, but got "
                               f"size {labels.shape[0]} for argument #2 'targets' (while "
                               "checking arguments for ctc_loss_allocate_outputs)")
        if labels.shape[1] < longest:
            raise RuntimeError(f"Expected tensor to have size at least {longest} at dimension "
                               f"1, but got size {labels.shape[1]} for argument #2 'targets' "
                               "(while checking arguments for ctc_loss_allocate_outputs)")
        return labels
    if target_lengths.sum() > labels.size:
        raise RuntimeError(f"Expected tensor to have size at least {int(target_lengths.sum())} "
                           f"at dimension 0, but got size {labels.size} for argument #2 "
                           "'targets' (while checking arguments for "
                           "ctc_loss_allocate_outputs)")
    padded = xp.zeros((batch, longest), dtype=xp.int64)
    starts = xp.concatenate([[0], xp.cumsum(target_lengths)[:-1]])
    for n, (start, length) in enumerate(zip(starts, target_lengths)):
        padded[n, :length] = labels[start:start + length]
    return padded


def ctc_loss(log_probs: Tensor, targets: Tensor, input_lengths, target_lengths, blank: int = 0,
             reduction: int = 0, zero_infinity: bool = False) -> Tensor:
    """The connectionist temporal classification loss: ``-log p(target | log_probs)``, summed
    over every alignment of the target with the ``T`` steps (blanks between and around its
    labels), per sequence.

    ``log_probs`` is ``(T, N, C)`` log-probabilities (``log_softmax`` output) or ``(T, C)``
    for one sequence; ``targets`` ``(N, S)`` padded labels or all targets concatenated;
    the lengths are lists or tensors.  Mean reduction divides each loss by its target's
    length before averaging; ``zero_infinity`` turns impossible alignments' infinite loss
    (and its gradient) into 0.

    >>> log_probs = torch.full((2, 1, 2), 0.5).log()  # two steps, two equally likely classes
    >>> torch.ctc_loss(log_probs, torch.tensor([[1]]), [2], [1])  # paths 11, b1, 1b: 3/4
    tensor([0.2877])
    """
    if not log_probs.dtype.is_floating_point:
        raise NotImplementedError(f"\"ctc_loss_cpu\" not implemented for "
                                  f"'{log_probs.dtype.scalar_name}'. Fix: pass log_softmax "
                                  "output (floating).")
    batched = log_probs.ndim == 3
    if not batched:
        log_probs, targets = log_probs.unsqueeze(1), targets.unsqueeze(0)
    steps, batch, classes = log_probs.shape
    input_lengths = _lengths(input_lengths)
    target_lengths = _lengths(target_lengths)
    for name, lengths in (("input_lengths", input_lengths), ("target_lengths", target_lengths)):
        if lengths.shape != (batch,):
            raise RuntimeError(f"{name} must be of size batch_size")
    if input_lengths.max() > steps:
        raise RuntimeError(f"Expected input_lengths to have value at most {steps}, but got "
                           f"value {int(input_lengths.max())} (while checking arguments for "
                           "ctc_loss_allocate_outputs)")
    if not 0 <= blank < classes:
        raise RuntimeError("blank must be in label range")
    labels = _padded_targets(targets, target_lengths, batch)
    used = xp.arange(labels.shape[1]) < target_lengths[:, None]
    if used.any() and (labels[used].min() < 0 or labels[used].max() >= classes):
        raise RuntimeError(f"ctc_loss: target labels must lie in [0, {classes}). Fix: number "
                           "the classes from 0, the blank included.")
    losses = ctc_ops.ctc_loss(log_probs, labels, input_lengths, target_lengths, blank,
                              zero_infinity)
    if zero_infinity:
        losses = where(losses == math.inf, 0.0, losses)
    if reduction == 1:
        lengths = Tensor._make(xp.maximum(target_lengths, 1).astype(log_probs._data.dtype))
        return (losses / lengths).mean()
    if reduction == 2:
        return losses.sum()
    return losses if batched else losses.squeeze(0)
