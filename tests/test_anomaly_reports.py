"""What anomaly mode reports when a node's backward fails, compared with PyTorch: a warning
naming the node and where it was made (or that it was made with anomaly mode off), one more
per node whose backward induced it (create_graph=True), and stderr where warnings are
errors; and the reference-cycle warning of backward(create_graph=True)."""
from __future__ import annotations

import contextlib
import io
import warnings

import pytest

import chainrule as cr
from helpers import torch_or_skip


def libraries():
    return (cr, torch_or_skip())


def nan_function(lib):
    class Nan(lib.autograd.Function):
        @staticmethod
        def forward(ctx, x):
            return x * 2

        @staticmethod
        def backward(ctx, grad):
            g = grad.clone()
            g[0] = g[0] / 0 * 0  # a NaN in the first element
            return g
    return Nan


def outer_function(lib):
    Nan = nan_function(lib)

    class Outer(lib.autograd.Function):
        @staticmethod
        def forward(ctx, x):
            ctx.save_for_backward(x)
            return x * 1

        @staticmethod
        def backward(ctx, grad):
            (x,) = ctx.saved_tensors
            return Nan.apply(grad * x)  # made while Outer's backward runs: induced by it
    return Outer


def reports(run, lib):
    """The messages of the warnings ``run(lib)`` gives, after the enabling one, and its
    error."""
    with warnings.catch_warnings(record=True) as seen:
        warnings.simplefilter("always")
        with pytest.raises(RuntimeError) as error:
            run(lib)
    messages = [str(w.message) for w in seen if w.category is UserWarning]
    return [m for m in messages if not m.startswith("Anomaly Detection")], str(error.value)


def backward_of_a_node_made_without_anomaly(lib):
    y = nan_function(lib).apply(lib.ones(3, requires_grad=True)).sum()
    with lib.autograd.detect_anomaly():
        y.backward()


def backward_of_a_node_induced_by_another(lib):
    with lib.autograd.detect_anomaly():
        x = lib.ones(3, requires_grad=True)
        y = outer_function(lib).apply(x)  # OUTER FORWARD LINE
        (g,) = lib.autograd.grad(y.sum(), x, create_graph=True)
        g.sum().backward()


def test_node_made_with_anomaly_mode_off():
    for lib in libraries():
        messages, error = reports(backward_of_a_node_made_without_anomaly, lib)
        assert error.startswith("Function 'NanBackward' returned nan values in its 0th output.")
        assert len(messages) == 1
        assert messages[0].startswith("Error detected in NanBackward. No forward pass "
                                      "information available. Enable detect anomaly during "
                                      "forward pass for more information.")


def test_node_made_with_anomaly_mode_on_and_the_node_that_induced_it():
    for lib in libraries():
        messages, error = reports(backward_of_a_node_induced_by_another, lib)
        assert error.startswith("Function 'NanBackward' returned nan values in its 0th output.")
        assert len(messages) == 2, messages
        assert messages[0].startswith("Error detected in NanBackward. Traceback of forward call "
                                      "that caused the error:")
        assert "Nan.apply(grad * x)" in messages[0]
        assert messages[1].strip().startswith(
            "Previous calculation was induced by OuterBackward. Traceback of forward call "
            "that induced the previous calculation:")
        assert "OUTER FORWARD LINE" in messages[1]


def test_warnings_that_are_errors_go_to_stderr():
    for lib in libraries():
        stderr = io.StringIO()
        with pytest.raises(RuntimeError, match="modified by an inplace operation"):
            with warnings.catch_warnings():
                with lib.autograd.detect_anomaly():
                    warnings.simplefilter("error")
                    with contextlib.redirect_stderr(stderr):
                        a = lib.ones(3, requires_grad=True)
                        b = a + 1
                        c = b ** 2
                        b += 1
                        lib.autograd.grad(c.sum(), a)
        assert "Error detected in PowBackward0" in stderr.getvalue()


def test_backward_with_create_graph_warns_of_the_reference_cycle():
    for lib in libraries():
        if hasattr(lib, "set_warn_always"):
            lib.set_warn_always(True)  # PyTorch warns once per process otherwise
        b = lib.ones(3, dtype=lib.float64, requires_grad=True)
        c = b * b
        with warnings.catch_warnings(record=True) as seen:
            warnings.simplefilter("always")
            c.backward(lib.ones_like(c), create_graph=True)
            lib.autograd.grad(c, b, lib.ones_like(c), create_graph=True)
        if hasattr(lib, "set_warn_always"):
            lib.set_warn_always(False)
        cycle = [w for w in seen if "Using backward() with create_graph=True" in str(w.message)]
        assert len(cycle) == 1  # backward warns; grad does not

