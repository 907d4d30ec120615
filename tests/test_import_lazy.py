"""What `import chainrule` leaves for first use: the torch.* families it does not read (and
the rule tables only they need), whose names still resolve, in `dir(chainrule)` too, to the
family's own function; and each op's node class, made when the op is first recorded."""
from __future__ import annotations

import importlib
import os
import subprocess
import sys

import pytest

import chainrule
from chainrule import _LAZY_FAMILIES


def test_import_leaves_the_lazy_families_unread():
    code = ("import sys, chainrule; print(sorted(m for m in sys.modules if m in "
            f"{['chainrule.functions.' + f for f in _LAZY_FAMILIES]!r} "
            "or m in ('chainrule.ops.convolution', 'chainrule.ops.pooling')))")
    loaded = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                            check=True).stdout.strip()
    assert loaded == "[]"


def test_first_use_loads_the_family():
    code = ("import sys, chainrule; f = chainrule.conv2d; "
            "assert f is sys.modules['chainrule.functions.convolution'].conv2d; "
            "assert 'conv_transpose1d' in vars(chainrule)")  # the whole family is bound
    subprocess.run([sys.executable, "-c", code], check=True)


@pytest.mark.parametrize("family", _LAZY_FAMILIES)
def test_every_name_resolves_to_its_family(family):
    module = importlib.import_module(f"chainrule.functions.{family}")
    assert module.__all__
    for name in module.__all__:
        assert name in dir(chainrule)
        assert getattr(chainrule, name) is getattr(module, name), name


def test_unknown_names_still_raise_pytorchs_error():
    with pytest.raises(AttributeError, match="torch.no_such_function is not in chainrule"):
        chainrule.no_such_function  # noqa: B018
    assert not hasattr(chainrule, "__wrapped__")


def test_node_class_is_made_on_first_record():
    code = ("import chainrule as torch; from chainrule.ops.pointwise import atan2; "
            "assert atan2.node_class is None; "
            "y = torch.atan2(torch.ones(2, requires_grad=True), torch.ones(2)); "
            "assert type(y.grad_fn) is atan2.node_class is atan2.node_type(); "
            "assert type(y.grad_fn).__name__ == 'Atan2Backward0' and y.grad_fn.name() == "
            "'Atan2Backward0'; y.sum().backward()")
    for core in ({}, {"CHAINRULE_PURE": "1"}):
        subprocess.run([sys.executable, "-c", code], check=True, env={**os.environ, **core})
