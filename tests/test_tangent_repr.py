"""Printing a dual tensor shows its tangent, as PyTorch prints it."""
from __future__ import annotations

from both_libraries import same_verdict


def test_dual_tensors_print_their_tangent():
    def scenario(lib):
        fwAD = lib.autograd.forward_ad
        with fwAD.dual_level():
            a = lib.tensor([1.0, 2.0])
            b = fwAD.make_dual(a, lib.tensor([3.0, 4.0]))
            x = lib.tensor([1.0, 2.0], requires_grad=True)
            scalar = fwAD.make_dual(lib.tensor(1.0, requires_grad=True), lib.tensor(2.0))
            primal, tangent = fwAD.unpack_dual(b)
            inside = [repr(a), repr(b), repr(b * 2), repr(scalar), str(primal), str(tangent),
                      repr(fwAD.make_dual(x * 1, lib.tensor([3.0, 4.0])))]
        return inside, repr(b)  # the tangent is gone once the level exits
    same_verdict(scenario)
