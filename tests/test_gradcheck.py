"""gradcheck / gradgradcheck: they pass on correct rules and catch wrong ones."""
from __future__ import annotations

import numpy as np
import pytest

import chainrule as torch
from chainrule._backend import xp
from chainrule.autograd.gradcheck import GradcheckError
from chainrule.engine.op import Op


def _x(*shape, seed=0):
    rng = np.random.default_rng(seed)
    return torch.tensor(rng.uniform(0.5, 1.5, shape), dtype=torch.float64, requires_grad=True)


# sin with a wrong derivative (sin instead of cos) — a bug gradcheck must find.
bad_sin = Op("BadSinBackward", lambda self: xp.sin(self),
             self=lambda grad, self: grad * self.sin())
# sin whose rule is right but not differentiable further (it leaves the graph).
flat_sin = Op("FlatSinBackward", lambda self: xp.sin(self),
              self=lambda grad, self: grad * torch.Tensor._make(xp.cos(self._data)))


@pytest.mark.parametrize("fn", [
    torch.sin, torch.exp, lambda a: a * a, lambda a: (a @ a.T).sum(0), lambda a: a.softmax(-1)
    if hasattr(a, "softmax") else a.exp() / a.exp().sum(-1, keepdim=True),
])
def test_passes_on_correct_rules(fn):
    x = _x(2, 3)
    assert torch.autograd.gradcheck(fn, (x,))
    assert torch.autograd.gradcheck(fn, (x,), fast_mode=True)
    assert torch.autograd.gradgradcheck(fn, (x,))


def test_several_inputs_and_outputs_and_non_tensor_args():
    a, b = _x(2, 3), _x(3, seed=1)
    assert torch.autograd.gradcheck(lambda a, k, b: (a * b * k, (a - b).sum()), (a, 2.5, b))
    assert torch.autograd.gradgradcheck(lambda a, b: (a * b).exp(), (a, b))


def test_same_tensor_in_two_slots():
    a = _x(2, 2)
    assert torch.autograd.gradcheck(lambda p, q: p @ q, (a, a))
    assert torch.autograd.gradcheck(lambda p, q: p @ q, (a, a), fast_mode=True)


def test_wrong_rule_is_reported_with_both_jacobians():
    x = _x(3)
    with pytest.raises(GradcheckError) as info:
        torch.autograd.gradcheck(bad_sin, (x,))
    message = str(info.value)
    assert isinstance(info.value, RuntimeError)
    assert "Jacobian mismatch for output 0 with respect to input 0" in message
    assert "numerical:" in message and "analytical:" in message
    expected = np.diag(np.cos(x.detach().numpy()))  # the numerical Jacobian is shown
    assert f"{expected[0, 0]:.4f}" in message
    assert "largest difference" in message
    assert torch.autograd.gradcheck(bad_sin, (x,), raise_exception=False) is False
    with pytest.raises(GradcheckError, match="fast mode"):
        torch.autograd.gradcheck(bad_sin, (x,), fast_mode=True)


def test_names_the_failing_input_and_output():
    a, b = _x(2), _x(2, seed=1)
    with pytest.raises(GradcheckError, match="output 1 with respect to input 1"):
        torch.autograd.gradcheck(lambda a, b: (a * b, a + bad_sin(b)), (a, b))


def test_gradgradcheck_catches_a_rule_that_leaves_the_graph():
    x = _x(3)
    assert torch.autograd.gradcheck(flat_sin, (x,))
    with pytest.raises(GradcheckError):
        torch.autograd.gradgradcheck(flat_sin, (x,))
    assert torch.autograd.gradgradcheck(flat_sin, (x,), raise_exception=False) is False


def test_no_input_requires_grad_is_a_value_error_like_torch():
    with pytest.raises(ValueError, match="at least one input tensor to require gradient"):
        torch.autograd.gradcheck(torch.sin, (torch.ones(2, dtype=torch.float64),))


def test_float32_inputs_warn():
    x = torch.ones(2, requires_grad=True)
    with pytest.warns(UserWarning, match="double precision"):
        torch.autograd.gradcheck(lambda t: t * 2, (x,), atol=1e-2, rtol=1e-2, eps=1e-3)


def test_inputs_are_left_unchanged():
    x = _x(4)
    before = x.detach().numpy().copy()
    torch.autograd.gradcheck(torch.exp, (x,))
    torch.autograd.gradcheck(torch.exp, (x,), fast_mode=True)
    np.testing.assert_array_equal(x.detach().numpy(), before)
    assert x.grad is None


def test_nondeterministic_backward_is_caught():
    calls = []

    def noisy_rule(grad, self):
        calls.append(1)
        return grad * (self.cos() + len(calls) * 1e-9)

    noisy = Op("NoisyBackward", lambda self: xp.sin(self), self=noisy_rule)
    x = _x(2)
    with pytest.raises(GradcheckError, match="not reentrant"):
        torch.autograd.gradcheck(noisy, (x,))
    assert torch.autograd.gradcheck(noisy, (x,), nondet_tol=1e-6)


def test_agrees_with_torch_on_a_broken_function():
    torch_ = pytest.importorskip("torch")
    # Both libraries judge the same correct and incorrect functions the same way.
    t = torch_.tensor([0.3, 0.7], dtype=torch_.float64, requires_grad=True)
    ours = _x(2)
    assert torch_.autograd.gradcheck(lambda v: v.sin() * v, (t,)) == \
        torch.autograd.gradcheck(lambda v: v.sin() * v, (ours,))
    wrong_t = torch_.autograd.gradcheck(lambda v: v.detach().sin() * v, (t,),
                                        raise_exception=False)
    wrong_ours = torch.autograd.gradcheck(lambda v: v.detach().sin() * v, (ours,),
                                          raise_exception=False)
    assert wrong_t is False and wrong_ours is False
