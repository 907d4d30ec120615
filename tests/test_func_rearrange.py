"""torch.func.rearrange against PyTorch's: the same patterns give the same values and
gradients, the same bad patterns the same errors."""
from __future__ import annotations

import numpy as np
import pytest

import chainrule as cr
from helpers import assert_same, to_torch

torch = pytest.importorskip("torch")

CASES = [
    ((2, 3, 4, 5), "b h w c -> b h w c", {}),
    ((2, 3, 4, 5), "b h w c -> (b h) w c", {}),
    ((2, 3, 4, 5), "b h w c -> h (b w) c", {}),
    ((2, 3, 4, 5), "b h w c -> b c h w", {}),
    ((2, 3, 4, 5), "b h w c -> b (c h w)", {}),
    ((2, 4, 6, 3), "b (h1 h) (w1 w) c -> (b h1 w1) h w c", {"h1": 2, "w1": 2}),
    ((2, 4, 6, 3), "b (h h1) (w w1) c -> b h w (c h1 w1)", {"h1": 2, "w1": 3}),
    ((2, 3, 4), "b ... -> b (...)", {}),
    ((2, 3, 4), "... c -> c ...", {}),
    ((2, 3, 4), "a ... -> ... a", {}),
    ((2, 3), "... -> (...)", {}),
    ((1, 6), "1 h -> h", {}),
    ((2, 1, 3), "a () c -> c a", {}),
    ((2, 6), "b h -> 1 b () h 1", {}),
    ((2, 6), "b h -> (b 1) h", {}),
    ((2, 12), "b (h w c) -> c w b h", {"h": 2, "c": 3}),
    ((), " -> ", {}),
]


@pytest.mark.parametrize("shape,pattern,lengths", CASES)
def test_matches_torch(shape, pattern, lengths):
    rng = np.random.default_rng(CASES.index((shape, pattern, lengths)))
    x = cr.tensor(rng.standard_normal(shape), requires_grad=True)
    tx = to_torch(x, requires_grad=True)
    ours = cr.func.rearrange(x, pattern, **lengths)
    theirs = torch.func.rearrange(tx, pattern, **lengths)
    assert_same(ours, theirs)
    cotangent = rng.standard_normal(tuple(theirs.shape))
    ours.backward(cr.tensor(cotangent))
    theirs.backward(torch.from_numpy(cotangent))
    assert_same(x.grad, tx.grad)


def test_a_list_of_tensors_is_stacked_and_gradcheck():
    rows = [cr.tensor([1.0, 2.0]), cr.tensor([3.0, 4.0]), cr.tensor([5.0, 6.0])]
    theirs = torch.func.rearrange([to_torch(r) for r in rows], "n d -> d n")
    assert_same(cr.func.rearrange(rows, "n d -> d n"), theirs)
    x = cr.tensor(np.random.default_rng(0).standard_normal((2, 6)), requires_grad=True)
    assert cr.autograd.gradcheck(lambda x: cr.func.rearrange(x, "b (h w) -> w b h", h=3), (x,))


ERRORS = [
    ((2, 6), "b (h w) -> b h w", {"h": 4}),
    ((2, 6), "b (h w) -> b h w", {}),
    ((2, 6), "b h -> b", {}),
    ((2, 6), "b h c -> b h c", {}),
    ((2, 6), "b h -> b h", {"h": 5}),
    ((2, 6), "b (h w) -> b h w", {"h": 2, "w": 2}),
    ((2, 6), "b 2 -> b", {}),
    ((2, 6), "b b -> b", {}),
    ((2, 6), "b h -> b (h", {}),
    ((2, 6), "b h", {}),
    ((2, 6), "(b ...) -> b", {}),
    ((2, 6), "b h -> b h ...", {}),
    ((2, 6), "b h -> b h", {"h": "2"}),
    ((2, 6), "b h -> b h", {"x": 2}),
    ((2, 6), "b h -> b (h ())", {}),
    ((2, 6), "b .h -> b h", {}),
    ((2, 6), "b h- -> b h", {}),
    ((2,), "a b c ... -> a b c", {}),
]


@pytest.mark.parametrize("shape,pattern,lengths", ERRORS)
def test_errors_match_torch(shape, pattern, lengths):
    with pytest.raises(Exception) as theirs:
        torch.func.rearrange(torch.zeros(shape), pattern, **lengths)
    with pytest.raises(Exception) as ours:
        cr.func.rearrange(cr.zeros(*shape), pattern, **lengths)
    assert type(ours.value).__name__ == type(theirs.value).__name__
    ours_text, theirs_text = str(ours.value), str(theirs.value)
    if type(theirs.value).__name__ == "DimensionBindError":
        # PyTorch names its internal dimensions (d1, d2), chainrule the pattern's axes
        ours_text, theirs_text = ours_text.split(" pack ")[0], theirs_text.split(" pack ")[0]
        ours_text, theirs_text = ours_text.split(" once ")[0], theirs_text.split(" once ")[0]
    if "{" in theirs_text:  # a set printed: its order is not fixed
        ours_text, theirs_text = sorted(ours_text), sorted(theirs_text)
    assert ours_text == theirs_text
