"""Anomaly detection names the backward node and shows the forward line that made it."""
from __future__ import annotations

import warnings

import pytest

import chainrule as cr


def test_nan_in_backward_names_node_and_forward_line():
    x = cr.tensor([0.0, 1.0], requires_grad=True)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        with cr.autograd.detect_anomaly():
            y = cr.sqrt(x) * 0  # THE LINE THAT CREATES THE NAN
            with pytest.raises(RuntimeError) as info:
                y.sum().backward()
    message = str(info.value)
    assert message.startswith("Function 'SqrtBackward0' returned nan values in its 0th output.")
    assert "THE LINE THAT CREATES THE NAN" in message
    assert not cr.engine.grad_mode.flags.anomaly


def test_same_node_name_as_torch():
    torch = pytest.importorskip("torch")
    t = torch.tensor([0.0, 1.0], requires_grad=True)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        with torch.autograd.detect_anomaly():
            with pytest.raises(RuntimeError, match="Function 'SqrtBackward0' returned nan"):
                (torch.sqrt(t) * 0).sum().backward()


def test_off_by_default_and_set_detect_anomaly():
    x = cr.tensor([0.0], requires_grad=True)
    (cr.sqrt(x) * 0).sum().backward()  # no check: nan quietly
    assert x.grad.isnan().all()
    cr.autograd.set_detect_anomaly(True)
    try:
        x = cr.tensor([0.0], requires_grad=True)
        with pytest.raises(RuntimeError, match="SqrtBackward0"):
            (cr.sqrt(x) * 0).sum().backward()
    finally:
        cr.autograd.set_detect_anomaly(False)
    with pytest.warns(UserWarning, match="Anomaly Detection has been enabled"):
        cr.autograd.detect_anomaly()
