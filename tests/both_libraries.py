"""Run one scenario with chainrule and with PyTorch and compare what happened.

A scenario is a function of the library module (``chainrule`` or ``torch``):
it returns a value, or raises.  ``verdict`` turns either into a comparable
pair; ``same_verdict`` runs both libraries and asserts they agree.
"""
from __future__ import annotations

import warnings

import chainrule as cr
from helpers import torch_or_skip


def verdict(lib, scenario, first_line: bool = True):
    """("returned", value) or (exception type name, message (its first line))."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        try:
            return "returned", scenario(lib)
        except Exception as e:  # the exception is the outcome being compared
            message = str(e)
            return type(e).__name__, message.splitlines()[0] if first_line and message else message


def same_verdict(scenario, first_line: bool = True):
    """Both libraries return equal values, or raise the same type with the same message.

    chainrule may end PyTorch's message with a "Fix: ..." sentence of its own.
    Returns chainrule's verdict.
    """
    torch = torch_or_skip()
    ours = verdict(cr, scenario, first_line)
    theirs = verdict(torch, scenario, first_line)
    assert ours[0] == theirs[0], (ours, theirs)
    if ours[0] == "returned":
        assert ours[1] == theirs[1], (ours, theirs)
    else:
        assert str(ours[1]).startswith(str(theirs[1]).split(" Fix:")[0]), (ours, theirs)
    return ours
