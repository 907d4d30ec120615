"""nn.AdaptiveLogSoftmaxWithLoss against PyTorch with copied weights: outputs, loss,
log_prob, predict, gradients, errors, and gradcheck in float64."""
from __future__ import annotations

import numpy as np
import pytest

import chainrule as cr
from helpers import assert_same, from_torch, to_torch

torch = pytest.importorskip("torch")

TOL = dict(rtol=1e-5, atol=1e-6)


def _pair(*args, **kwargs):
    theirs = torch.nn.AdaptiveLogSoftmaxWithLoss(*args, **kwargs)
    ours = cr.nn.AdaptiveLogSoftmaxWithLoss(*args, **kwargs)
    ours.load_state_dict({k: from_torch(v) for k, v in theirs.state_dict().items()})
    return ours, theirs


@pytest.mark.parametrize("cutoffs,div_value,head_bias,targets", [
    ([4, 8], 4.0, False, [0, 5, 9, 3, 8]),
    ([2], 2.0, True, [0, 1, 6, 7, 2]),
    ([3, 5, 9], 1.5, True, [9, 9, 4]),  # no row in the shortlist
    ([4, 8], 4.0, False, 6),  # one unbatched row
])
def test_forward_and_gradients_match_torch(cutoffs, div_value, head_bias, targets):
    torch.manual_seed(len(cutoffs))
    ours, theirs = _pair(8, 10, cutoffs, div_value=div_value, head_bias=head_bias)
    target = cr.tensor(targets)
    rows = () if target.ndim == 0 else (target.shape[0],)
    rng = np.random.default_rng(len(cutoffs))
    x = cr.tensor(rng.standard_normal((*rows, 8)).astype(np.float32), requires_grad=True)
    tx = to_torch(x, requires_grad=True)
    output, loss = ours(x, target)
    their_output, their_loss = theirs(tx, to_torch(target))
    assert type(ours(x, target)).__name__ == "_ASMoutput"
    assert_same(output, their_output, **TOL)
    assert_same(loss, their_loss, **TOL)
    (loss + output.sum()).backward()
    (their_loss + their_output.sum()).backward()
    assert_same(x.grad, tx.grad, **TOL)
    their_params = dict(theirs.named_parameters())
    for name, p in ours.named_parameters():
        assert_same(p.grad, their_params[name].grad, **TOL)


def test_log_prob_predict_and_repr_match_torch():
    torch.manual_seed(0)
    ours, theirs = _pair(6, 12, [3, 7], div_value=2.0, head_bias=True)
    # a head bias that sends some rows (not all) to the clusters, so that predict's three
    # paths are all taken over the calls below
    with torch.no_grad():
        theirs.head.bias.copy_(torch.tensor([0.0, 0.0, 0.0, 1.5, 0.5]))
    ours.load_state_dict({k: from_torch(v) for k, v in theirs.state_dict().items()})
    assert repr(ours) == repr(theirs)
    x = np.random.default_rng(0).standard_normal((16, 6)).astype(np.float32)
    assert_same(ours.log_prob(cr.tensor(x)), theirs.log_prob(torch.from_numpy(x)), **TOL)
    for rows in (slice(None), slice(1, 2), slice(2, 3)):  # mixed, shortlist, clusters
        assert (ours.predict(cr.tensor(x[rows])).tolist()
                == theirs.predict(torch.from_numpy(x[rows])).tolist())


def test_gradcheck_in_float64():
    torch.manual_seed(2)
    ours, _ = _pair(4, 7, [2, 4], div_value=2.0, head_bias=True)
    ours.to(cr.float64)
    x = cr.tensor(np.random.default_rng(2).standard_normal((3, 4)), requires_grad=True)
    target = cr.tensor([0, 3, 6])
    assert cr.autograd.gradcheck(lambda x: ours(x, target), (x,))
    assert cr.autograd.gradgradcheck(lambda x: ours(x, target).loss, (x,))
    assert cr.autograd.gradcheck(ours.log_prob, (x,))


@pytest.mark.parametrize("make,call", [
    (lambda lib: lib.nn.AdaptiveLogSoftmaxWithLoss(4, 10, []), None),
    (lambda lib: lib.nn.AdaptiveLogSoftmaxWithLoss(4, 10, [5, 3]), None),
    (lambda lib: lib.nn.AdaptiveLogSoftmaxWithLoss(4, 10, [3, 10]), None),
    (lambda lib: lib.nn.AdaptiveLogSoftmaxWithLoss(4, 10, [3, 3]), None),
    (lambda lib: lib.nn.AdaptiveLogSoftmaxWithLoss(4, 10, [2.5]), None),
    (None, lambda lib, m: m(lib.ones(3, 4), lib.tensor([0, 1]))),
    (None, lambda lib, m: m(lib.ones(2, 2, 4), lib.tensor([0, 1]))),
    (None, lambda lib, m: m(lib.ones(2, 4), lib.tensor(1))),
    (None, lambda lib, m: m(lib.ones(2, 4), lib.tensor([[1]]))),
    (None, lambda lib, m: m(lib.ones(2, 4), lib.tensor([1, 12]))),
])
def test_errors_match_torch(make, call):
    def run(lib):
        if make is not None:
            return make(lib)
        return call(lib, lib.nn.AdaptiveLogSoftmaxWithLoss(4, 10, [3, 6]))

    with pytest.raises((ValueError, RuntimeError)) as theirs:
        run(torch)
    with pytest.raises(theirs.type) as ours:
        run(cr)
    assert str(ours.value) == str(theirs.value)
