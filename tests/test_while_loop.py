"""torch.while_loop against PyTorch's eager run: results, gradients through the iterations,
and the errors for a body or condition that breaks the loop's contract."""
from __future__ import annotations

import pytest

import chainrule as cr
from helpers import assert_same, torch_or_skip


def _run(m, start):
    return m.while_loop(lambda i, x: i < 3, lambda i, x: (i + 1, x * 2 + i), start)


def test_loop_results_and_gradients_match_pytorch():
    torch = torch_or_skip()
    results, grads = [], []
    for m in (cr, torch):
        x = m.tensor([1.0, -2.0], dtype=m.float64, requires_grad=True)
        i, y = _run(m, (m.tensor(0), x))
        results.append((i, y))
        grads.append(m.autograd.grad(y.sum(), x)[0])
    for ours, theirs in zip(*results):
        assert_same(ours, theirs)
    assert_same(*grads)
    # a list of carried values, and a Python number as the only one
    assert_same(_run(cr, [cr.tensor(1), cr.ones(2)])[1],
                _run(torch, [torch.tensor(1), torch.ones(2)])[1])
    for m in (cr, torch):
        assert m.while_loop(lambda n: n < 5, lambda n: (n + 2,), (0,)) == (6,)


@pytest.mark.parametrize("cond_fn, body_fn, carried, error", [
    (lambda i: i < 3, lambda i: (i + 1,), (0,), None),
    (lambda i: i < 3, lambda i: (i + 1.0,), (0.0,), AssertionError),  # floats are refused
    (lambda i: i < 3, lambda i: (i + 0.5,), "tensor", RuntimeError),  # dtype changes
    (lambda i: (i < 3).expand(2), lambda i: (i + 1,), "tensor", RuntimeError),
    (lambda i: i.sum(), lambda i: (i - 1,), "tensor", RuntimeError),  # not a bool
])
def test_contract_errors_match_pytorch(cond_fn, body_fn, carried, error):
    torch = torch_or_skip()
    for m in (cr, torch):
        args = (m.tensor(0),) if carried == "tensor" else carried
        if error is None:
            assert m.while_loop(cond_fn, body_fn, args) == (3,)
            continue
        with pytest.raises(error):
            m.while_loop(cond_fn, body_fn, args)


def test_carried_inputs_not_in_a_tuple_are_refused():
    with pytest.raises(RuntimeError, match="must be a tuple or list"):
        cr.while_loop(lambda i: i < 3, lambda i: (i + 1,), cr.tensor(0))
    with pytest.raises(RuntimeError, match="should return a tuple of 1 values"):
        cr.while_loop(lambda i: i < 3, lambda i: [i, i], (cr.tensor(0),))
