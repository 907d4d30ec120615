"""The connectionist temporal classification loss (Graves et al. 2006) as one row.

``log_probs`` is ``(T, N, C)``: for each time step and sequence, the log
probabilities of the ``C`` classes (class ``blank`` is "no label").  A target
``l`` of length ``S`` is stretched to ``l' = (blank, l1, blank, l2, ..., blank)``
of length ``2S + 1``; a path reads one symbol of ``l'`` per step, staying or
moving on by one (by two when that skips a blank between different labels).
The forward variables ``alpha[t, s]`` (log probability of the paths through
``l'[s]`` at ``t``) run left to right, the backward variables ``beta`` right to
left; the loss is ``-log p(l | x)``, read off ``alpha`` at each sequence's own
last step.

The gradient is PyTorch's: ``exp(log_probs) - posterior`` per class (zero after
a sequence's end), which is the gradient with respect to the logits when
``log_probs = log_softmax(logits)``, as the loss expects.  As in PyTorch, that
gradient has no derivative of its own.
"""
from __future__ import annotations

from .._backend import quiet, xp
from ..engine.op import Op

_NEG_INF = -xp.inf


def _extended(targets, target_lengths, blank):
    """``l'`` per sequence, ``(N, 2 S + 1)``; positions past a target's end hold blanks."""
    n, s = targets.shape
    ext = xp.full((n, 2 * s + 1), blank, dtype=xp.int64)
    labels = xp.where(xp.arange(s) < target_lengths[:, None], targets, blank)
    ext[:, 1::2] = labels
    # a label may be reached from two places back when it differs from the label there
    skip = xp.zeros(ext.shape, dtype=bool)
    skip[:, 3::2] = labels[:, 1:] != labels[:, :-1]
    return ext, skip


def _logsumexp(*terms):
    top = terms[0]
    for t in terms[1:]:
        top = xp.maximum(top, t)
    safe = xp.where(xp.isfinite(top), top, 0)
    total = sum(quiet(xp.exp, t - safe) for t in terms)
    return quiet(xp.log, total) + safe


def _shifted(a, by, keep=None):
    """``a`` moved ``by`` places along the last axis (right: positive), -inf filled in
    (and wherever ``keep`` is False)."""
    out = xp.full(a.shape, _NEG_INF, dtype=a.dtype)
    if by > 0:
        out[..., by:] = a[..., :-by]
    else:
        out[..., :by] = a[..., -by:]
    return out if keep is None else xp.where(keep, out, _NEG_INF)


def _forward_variables(emit, skip, target_lengths):
    """``alpha``: (T, N, 2S + 1), log space."""
    alpha = xp.full(emit.shape, _NEG_INF, dtype=emit.dtype)
    alpha[0, :, 0] = emit[0, :, 0]
    if emit.shape[2] > 1:
        alpha[0, :, 1] = xp.where(target_lengths > 0, emit[0, :, 1], _NEG_INF)
    for t in range(1, emit.shape[0]):
        prev = alpha[t - 1]
        alpha[t] = _logsumexp(prev, _shifted(prev, 1), _shifted(prev, 2, skip)) + emit[t]
    return alpha


def _backward_variables(emit, skip, input_lengths, target_lengths):
    """``beta``: (T, N, 2S + 1), log space; like ``alpha`` it includes the step's own
    emission, and it starts at each sequence's own last step."""
    steps, _, width = emit.shape
    beta = xp.full(emit.shape, _NEG_INF, dtype=emit.dtype)
    ends = xp.arange(width) >= 2 * target_lengths[:, None] - 1  # the last two states of l'
    ends &= xp.arange(width) <= 2 * target_lengths[:, None]
    skip_from = xp.zeros(skip.shape, dtype=bool)  # s + 2 may be reached from s
    skip_from[:, :-2] = skip[:, 2:]
    following = xp.full(emit.shape[1:], _NEG_INF, dtype=emit.dtype)
    for t in reversed(range(steps)):
        reached = _logsumexp(following, _shifted(following, -1),
                             _shifted(following, -2, skip_from))
        last = (input_lengths - 1 == t)[:, None]
        beta[t] = xp.where(last, xp.where(ends, 0.0, _NEG_INF), reached) + emit[t]
        beta[t] = xp.where((t < input_lengths)[:, None], beta[t], _NEG_INF)
        following = beta[t]
    return beta


def _emissions(log_probs, ext):
    return xp.take_along_axis(log_probs, xp.broadcast_to(ext[None], (log_probs.shape[0],)
                                                         + ext.shape), axis=2)


def _nll(log_probs, targets, input_lengths, target_lengths, blank):
    ext, skip = _extended(targets, target_lengths, blank)
    alpha = _forward_variables(_emissions(log_probs, ext), skip, target_lengths)
    rows = xp.arange(len(input_lengths))
    last = alpha[input_lengths - 1, rows]
    final = last[rows, 2 * target_lengths]
    before = xp.where(target_lengths > 0, last[rows, xp.maximum(2 * target_lengths - 1, 0)],
                      _NEG_INF)
    return -_logsumexp(final, before)


def _ctc_grad(grad, log_probs, targets, input_lengths, target_lengths, blank, nll,
              zero_infinity):
    """``grad * (exp(log_probs) - posterior)`` per step, class and sequence."""
    ext, skip = _extended(targets, target_lengths, blank)
    emit = _emissions(log_probs, ext)
    alpha = _forward_variables(emit, skip, target_lengths)
    beta = _backward_variables(emit, skip, input_lengths, target_lengths)
    # posterior of state s at t: alpha * beta / (emission * p(l|x)); gathered per class
    joint = alpha + beta
    top = joint.max(axis=2, keepdims=True)
    top = xp.where(xp.isfinite(top), top, 0)
    summed = xp.zeros(log_probs.shape, dtype=log_probs.dtype)
    steps, batch, width = joint.shape
    t_index, n_index, _ = xp.indices(joint.shape)
    xp.add.at(summed, (t_index, n_index, xp.broadcast_to(ext[None], joint.shape)),
              quiet(xp.exp, joint - top))
    log_joint = quiet(xp.log, summed) + top
    posterior = quiet(xp.exp, log_joint + nll[None, :, None] - log_probs)
    out = quiet(xp.exp, log_probs) - posterior
    running = xp.arange(steps)[:, None] < input_lengths[None, :]
    if zero_infinity:
        running = running & xp.isfinite(nll)[None, :]
    out = xp.where(running[:, :, None], out, 0)
    return (out * grad[None, :, None]).astype(log_probs.dtype, copy=False)


def _no_second_derivative(grad, *args):
    raise RuntimeError("derivative for aten::_ctc_loss_backward is not implemented")


# PyTorch has no derivative for the gradient: its node is named NotImplemented.
ctc_loss_backward = Op("NotImplemented", _ctc_grad, grad=_no_second_derivative,
                       log_probs=_no_second_derivative)
ctc_loss = Op("CtcLossBackward0",
              lambda log_probs, targets, input_lengths, target_lengths, blank, zero_infinity:
                  _nll(log_probs, targets, input_lengths, target_lengths, blank)
                  .astype(log_probs.dtype, copy=False),
              log_probs=lambda grad, log_probs, targets, input_lengths, target_lengths, blank,
              zero_infinity, result:
                  ctc_loss_backward(grad, log_probs, targets, input_lengths, target_lengths,
                                    blank, result, zero_infinity))
