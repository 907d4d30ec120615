"""State that outlives a call is what PyTorch keeps, and no more: dual levels are numbered
from 0 whatever ran before, and leaving a saved_tensors_hooks block restores the blocks
active when it was entered, even where a block inside was entered and never left."""
from __future__ import annotations

import pytest

import chainrule as cr
import chainrule.autograd.forward_ad as fwAD
from chainrule.engine import backward as engine_backward
from chainrule.engine import saved as saved_state
from helpers import torch_or_skip


def test_dual_levels_are_numbered_as_in_pytorch():
    torch = torch_or_skip()
    numbers = []
    for lib in (cr, torch):
        seen = []
        for _ in range(3):
            with lib.autograd.forward_ad.dual_level() as level:
                seen.append(level)
        numbers.append(seen)
    assert numbers[0] == numbers[1] == [0, 0, 0]


def test_leaving_a_hooks_block_drops_the_blocks_entered_inside_it():
    before = list(saved_state.SAVED_TENSORS_HOOKS)
    inner = cr.autograd.graph.saved_tensors_hooks(lambda t: t, lambda t: t)
    with pytest.raises(ValueError):
        with cr.autograd.graph.saved_tensors_hooks(lambda t: t, lambda t: t):
            inner.__enter__()
            raise ValueError
    assert saved_state.SAVED_TENSORS_HOOKS == before
    with fwAD.dual_level():  # and the state after is usable
        x = fwAD.make_dual(cr.ones(2), cr.ones(2))
        assert fwAD.unpack_dual(x * x).tangent.tolist() == [2.0, 2.0]


def test_a_final_callback_that_raises_leaves_none_for_the_next_pass():
    ran = []
    x = cr.ones(2, requires_grad=True)

    def hook(grad):
        cr.autograd.graph.queue_callback(lambda: 1 / 0)
        cr.autograd.graph.queue_callback(lambda: ran.append("second"))
    y = x * 2
    y.register_hook(hook)
    with pytest.raises(ZeroDivisionError):
        y.sum().backward()
    assert engine_backward._CALLBACKS == []
    (x * 3).sum().backward()
    assert ran == []  # the second callback belonged to the failed pass
