"""Shared test helpers: moving values between chainrule and PyTorch, and comparing them."""
from __future__ import annotations

import numpy as np

import chainrule as cr


def torch_or_skip():
    """The PyTorch module (the oracle), or skip the calling test when it is not installed."""
    import pytest
    return pytest.importorskip("torch")


def to_torch(t, requires_grad: bool | None = None):
    """A PyTorch tensor with the same values and dtype as chainrule tensor ``t``."""
    torch = torch_or_skip()
    out = torch.from_numpy(np.array(t.detach().numpy(), copy=True))
    if requires_grad if requires_grad is not None else t.requires_grad:
        out.requires_grad_(True)
    return out


def from_torch(t, requires_grad: bool | None = None):
    """A chainrule tensor with the same values and dtype as PyTorch tensor ``t``."""
    out = cr.tensor(t.detach().numpy().copy())
    if requires_grad if requires_grad is not None else t.requires_grad:
        out.requires_grad_(True)
    return out


def assert_same(ours, theirs, rtol: float = 1e-5, atol: float = 1e-6) -> None:
    """Same shape, same dtype (by name) and close values; ``None`` must match ``None``."""
    if theirs is None or ours is None:
        assert ours is None and theirs is None, (ours, theirs)
        return
    assert tuple(ours.shape) == tuple(theirs.shape), (ours.shape, theirs.shape)
    assert ours.dtype.name == str(theirs.dtype).replace("torch.", ""), (ours.dtype, theirs.dtype)
    a = ours.detach().numpy()
    b = theirs.detach().numpy()
    if a.dtype == np.bool_ or np.issubdtype(a.dtype, np.integer):
        np.testing.assert_array_equal(a, b)
    else:
        np.testing.assert_allclose(a, b, rtol=rtol, atol=atol, equal_nan=True)
