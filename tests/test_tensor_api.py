"""Tensor methods and torch.* names of the Tensor API, against PyTorch: numpy() and grad
mode, the in-place matrix products, dtype queries, and the small conveniences
(adjoint, rsub, chain_matmul, frobenius_norm, norm_except_dim)."""
from __future__ import annotations

import warnings

import numpy as np
import pytest

import chainrule as cr
from both_libraries import same_verdict
from chainrule.functions import arguments
from helpers import torch_or_skip


@pytest.mark.parametrize("grad_mode", ["enabled", "no_grad", "inference_mode"])
def test_numpy_of_a_tensor_that_requires_grad(grad_mode):
    def scenario(lib):
        x = lib.tensor([1.0, 2.0], requires_grad=True)
        context = {"enabled": lib.enable_grad, "no_grad": lib.no_grad,
                   "inference_mode": lib.inference_mode}[grad_mode]
        with context():
            return x.numpy().tolist(), np.asarray(x, dtype=np.float64).tolist()
    same_verdict(scenario)


def test_numpy_of_a_scalar_tensor_is_an_array():
    def scenario(lib):
        a = lib.tensor(1.5).numpy()
        return type(a).__name__, a.shape, str(a.dtype), _written_through_numpy(lib)
    same_verdict(scenario)


def _written_through_numpy(lib):
    x = lib.zeros(3)
    x.numpy()[1] = 5
    return x.tolist()


def test_a_grad_fn_that_cannot_be_read_prints_as_invalid():
    # PyTorch's repr catches the RuntimeError that reading grad_fn raises for a view taken
    # in no_grad mode whose base changed in place since, and prints grad_fn=<Invalid>.
    class Stale(cr.Tensor):
        @property
        def grad_fn(self):
            raise RuntimeError("a view created in no_grad mode whose base changed in place")

    assert repr(Stale._make(np.ones(1, dtype=np.float32))) == "tensor([1.], grad_fn=<Invalid>)"


# Calls whose outcome (value, or exception type and message) must be PyTorch's.
CALLS = {
    "real is the tensor": lambda L: (lambda x: (L.real(x) is x, x.real is x))(L.ones(2)),
    "real of a number": lambda L: L.real(3),
    "imag refused": lambda L: L.imag(L.ones(2)),
    "imag property refused": lambda L: L.ones(2).imag,
    "isreal": lambda L: L.isreal(L.tensor([1.0, float("nan")])).tolist(),
    "isreal method, no grad": lambda L: L.ones(2, requires_grad=True).isreal().requires_grad,
    "isreal of ints": lambda L: str(L.isreal(L.tensor([1, 2])).dtype),
    "is_signed": lambda L: [L.ones(1, dtype=d).is_signed() for d in
                            (L.bool, L.uint8, L.int8, L.int16, L.int32, L.int64, L.float16,
                             L.float32, L.float64)] + [L.is_signed(L.ones(1))],
    "is_signed of a number": lambda L: L.is_signed(3),
    "adjoint of a scalar": lambda L: (lambda s: (L.adjoint(s) is s))(L.tensor(2.0)),
    "adjoint of a vector": lambda L: L.adjoint(L.ones(3)),
    "adjoint is a view": lambda L: (lambda x: (x.adjoint()._base is x, x.adjoint().stride()))(
        L.ones(2, 3)),
    "rsub positional alpha with a tensor": lambda L: L.rsub(L.ones(2), L.ones(2), 2),
    "rsub of a number": lambda L: L.rsub(2, L.ones(2)),
    "rsub of bools": lambda L: L.rsub(L.tensor([True]), True),
    "rsub no out": lambda L: L.rsub(L.ones(2), L.ones(2), out=L.empty(2)),
    "rsub is no method": lambda L: hasattr(L.ones(1), "rsub"),
    "chain_matmul of nothing": lambda L: L.chain_matmul(),
    "chain_matmul of a vector": lambda L: L.chain_matmul(L.ones(2, 3), L.ones(3)),
    "chain_matmul of 3-d": lambda L: L.chain_matmul(L.ones(2, 3, 4)),
    "chain_matmul shapes": lambda L: L.chain_matmul(L.ones(3, 2), L.ones(2, 2), L.ones(3, 3)),
    "chain_matmul dtypes": lambda L: L.chain_matmul(L.ones(2, 3, dtype=L.long), L.ones(3, 2)),
    "chain_matmul of a list": lambda L: L.chain_matmul([L.ones(2, 2)]),
    "chain_matmul out": lambda L: (lambda out: (L.chain_matmul(L.ones(2, 3), L.ones(3, 4),
                                                               out=out) is out, out.tolist()))(
        L.empty(2, 4)),
    "chain_matmul out dtype": lambda L: L.chain_matmul(L.ones(2, 3), L.ones(3, 4),
                                                       out=L.empty(2, 4, dtype=L.float64)),
    "chain_matmul out and grad": lambda L: L.chain_matmul(
        L.ones(2, 3, requires_grad=True), L.ones(3, 4), out=L.empty(2, 4)),
    "frobenius_norm of 3 dims": lambda L: L.frobenius_norm(L.ones(2, 2, 2), (0, 1, 2)),
    "frobenius_norm repeated dim": lambda L: L.frobenius_norm(L.ones(2, 2), (0, -2)),
    "frobenius_norm dim range": lambda L: L.frobenius_norm(L.ones(2, 2), 5),
    "frobenius_norm of ints": lambda L: L.frobenius_norm(L.tensor([1, 2]), 0),
    "frobenius_norm of a scalar": lambda L: L.frobenius_norm(L.tensor(-3.0), 0).item(),
    "frobenius_norm out": lambda L: L.frobenius_norm(L.ones(2, 2), (0, 1),
                                                     out=L.empty(())).item(),
    "frobenius_norm out dtype": lambda L: L.frobenius_norm(L.ones(2, 2, dtype=L.float64), 0,
                                                           out=L.empty(2)),
    "norm_except_dim float pow": lambda L: L.norm_except_dim(L.ones(2, 2), 2.5, 0),
    "norm_except_dim of ints": lambda L: L.norm_except_dim(L.tensor([1, 2]), 2, 0),
    "norm_except_dim of a scalar": lambda L: L.norm_except_dim(L.tensor(2.0), 2, 0),
    "norm_except_dim dim range": lambda L: L.norm_except_dim(L.ones(2, 3, 4), 2, 3),
    "norm_except_dim of a vector": lambda L: L.norm_except_dim(L.tensor([3.0, -4.0])).tolist(),
    "norm_except_dim keywords": lambda L: L.norm_except_dim(v=L.ones(3, 2), pow=2,
                                                            dim=1).tolist(),
    "norm_except_dim no out": lambda L: L.norm_except_dim(L.ones(2), out=L.ones(1)),
    "addmm_ on a leaf": lambda L: L.zeros(2, 3, requires_grad=True).addmm_(L.ones(2, 4),
                                                                           L.ones(4, 3)),
    "addmm_ broadcast self": lambda L: L.zeros(1, 3).addmm_(L.ones(2, 4), L.ones(4, 3)),
    "addmm_ integers": lambda L: L.zeros(2, 2, dtype=L.long).addmm_(
        L.ones(2, 2, dtype=L.long), L.ones(2, 2, dtype=L.long), alpha=2).tolist(),
    "addmv_ broadcast self": lambda L: L.zeros(1).addmv_(L.ones(3, 2), L.ones(2)),
    "addr_ broadcast self": lambda L: L.zeros(3, 1).addr_(L.ones(3), L.ones(2)),
    "baddbmm_ broadcast self": lambda L: L.zeros(1, 3, 2).baddbmm_(L.ones(5, 3, 4),
                                                                   L.ones(5, 4, 2)),
    "addr of bools": lambda L: L.addr(L.zeros(2, 2, dtype=L.bool), L.tensor([True, False]),
                                      L.tensor([True, True]), alpha=2).tolist(),
    "addr bool beta": lambda L: L.addr(L.ones(2, 2), L.ones(2), L.ones(2), beta=True),
    "addr float alpha, ints": lambda L: L.addr(L.ones(2, 2, dtype=L.long),
                                               L.ones(2, dtype=L.long),
                                               L.ones(2, dtype=L.long), alpha=2.5),
    "addr promotes": lambda L: str(L.addr(L.ones(2, 3), L.ones(2), L.ones(3).double()).dtype),
    "addmv of bools": lambda L: L.addmv(L.ones(2, dtype=L.bool), L.ones(2, 3, dtype=L.bool),
                                        L.ones(3, dtype=L.bool)),
    "addmv dtypes": lambda L: L.addmv(L.ones(2), L.ones(2, 3), L.ones(3).double()),
    "addmv shapes": lambda L: L.addmv(L.ones(3), L.ones(2, 3), L.ones(3)),
    "addmv dims": lambda L: L.addmv(L.ones(2, 2), L.ones(2, 3), L.ones(3)),
    "addbmm batches": lambda L: L.addbmm(L.ones(2, 4), L.ones(3, 2, 3), L.ones(2, 3, 4)),
    "addbmm sizes": lambda L: L.addbmm(L.ones(2, 4), L.ones(3, 2, 3), L.ones(3, 2, 4)),
    "addbmm self": lambda L: L.addbmm(L.ones(3, 4), L.ones(3, 2, 3), L.ones(3, 3, 4)),
    "addbmm dtypes": lambda L: L.addbmm(L.ones(2, 4).double(), L.ones(3, 2, 3),
                                        L.ones(3, 3, 4)),
    "baddbmm self dtype": lambda L: L.baddbmm(L.ones(3, 2, 4).double(), L.ones(3, 2, 3),
                                              L.ones(3, 3, 4)),
    "baddbmm batch2 dtype": lambda L: L.baddbmm(L.ones(3, 2, 4), L.ones(3, 2, 3),
                                                L.ones(3, 3, 4).double()),
    "baddbmm self shape": lambda L: L.baddbmm(L.ones(2, 2, 4), L.ones(3, 2, 3),
                                              L.ones(3, 3, 4)),
    "baddbmm batch1 dtype": lambda L: L.baddbmm(L.ones(1, 2, 2), L.ones(1, 2, 2, dtype=L.long),
                                                L.ones(1, 2, 2)),
    "addmm mat1 dtype": lambda L: L.addmm(L.ones(2, 2), L.ones(2, 2, dtype=L.long),
                                          L.ones(2, 2)),
    "addmm self dtype": lambda L: L.addmm(L.ones(2, 2), L.ones(2, 2, dtype=L.long),
                                          L.ones(2, 2, dtype=L.long)),
    "addbmm mat1 dtype": lambda L: L.addbmm(L.ones(2, 2), L.ones(1, 2, 2, dtype=L.long),
                                            L.ones(1, 2, 2)),
    "integer factors truncate": lambda L: [
        f(*args, beta=-1.9, alpha=2.7).tolist() for f, args in (
            (L.addmm, (L.ones(2, 2, dtype=L.long),) * 3),
            (L.addmv, (L.ones(2, dtype=L.long), L.ones(2, 2, dtype=L.long),
                       L.ones(2, dtype=L.long))),
            (L.addbmm, (L.ones(2, 2, dtype=L.long),) + (L.ones(1, 2, 2, dtype=L.long),) * 2),
            (L.baddbmm, (L.ones(1, 2, 2, dtype=L.long),) * 3))],
    "uint8 alpha wraps": lambda L: L.addmm(*(L.ones(2, 2, dtype=L.uint8),) * 3,
                                           alpha=-1).tolist(),
}


@pytest.mark.parametrize("name", CALLS)
def test_outcome_is_pytorchs(name):
    same_verdict(CALLS[name])


def test_setting_real_writes_into_the_tensor():
    def scenario(lib):
        x = lib.ones(2, 2)
        x.real = lib.zeros(2, 2)
        try:
            x.imag = lib.zeros(2, 2)
        except RuntimeError as e:
            return x.tolist(), str(e)
    same_verdict(scenario)


def _legacy_warnings(lib) -> list:
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        for _ in range(2):
            lib.chain_matmul(lib.ones(2, 2), lib.ones(2, 2))
            lib.frobenius_norm(lib.ones(2, 2), (0, 1))
    return [str(w.message).split(" (Triggered internally")[0] for w in caught
            if issubclass(w.category, UserWarning)]


def test_the_legacy_functions_warn_once_per_process():
    torch = torch_or_skip()
    arguments._warned.clear()  # as in a fresh process (warn_once keeps what it gave)
    ours = _legacy_warnings(cr)
    assert len(ours) == 2  # one each, however often called (PyTorch's TORCH_WARN_ONCE)
    theirs = _legacy_warnings(torch)  # empty if this process already called them
    for message in theirs:
        assert message in ours


def test_reflected_operators_called_with_a_tensor():
    """x.__rsub__(y) is torch.rsub (RsubBackward0), and x.__rtruediv__(y) is y times the
    reciprocal of x, for a tensor y too (so its values are PyTorch's to the bit)."""
    def scenario(lib):
        x = lib.tensor([0.3, -1.7, 3.1], requires_grad=True)
        y = lib.tensor([1.1, 2.9, -0.7])
        differences = x.__rsub__(y)
        quotients = x.__rtruediv__(y)
        (differences.sum() + quotients.sum()).backward()
        return (differences.grad_fn.name(), differences.tolist(), quotients.grad_fn.name(),
                quotients.tolist(), x.grad.tolist())
    same_verdict(scenario)
