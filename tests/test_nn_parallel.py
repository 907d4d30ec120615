"""``nn.DataParallel`` and ``nn.parallel.data_parallel`` without a GPU, compared with PyTorch."""
from __future__ import annotations

import pytest

from both_libraries import same_verdict


def _wrapped_module(lib):
    lib.manual_seed(0)
    inner = lib.nn.Linear(3, 2)
    net = lib.nn.DataParallel(inner, device_ids=[0], output_device=0, dim=1)
    x = lib.ones(4, 3, requires_grad=True)
    out = net(x)
    out.sum().backward()
    same = [lib.equal(out, inner(x))]
    return (net.device_ids, net.module is inner, list(net.state_dict()), repr(net),
            [name for name, _ in net.named_parameters()], same,
            x.grad.shape, hasattr(net, "dim"), hasattr(net, "output_device"))


def _keyword_inputs(lib):
    class Scale(lib.nn.Module):
        def forward(self, x, *, factor=1.0):
            return x * factor

    return lib.nn.DataParallel(Scale())(lib.ones(2), factor=3.0).tolist()


@pytest.mark.parametrize("scenario", [
    _wrapped_module,
    _keyword_inputs,
    lambda lib: lib.nn.parallel.data_parallel(lib.nn.Identity(), lib.ones(1)),
])
def test_data_parallel_without_gpus(scenario):
    same_verdict(scenario)


def _under_checkpoint(lib):
    lib.manual_seed(0)
    a = lib.randn(2, 2, requires_grad=True)
    model = lib.nn.Linear(2, 2, bias=False)
    model(a).sum().backward()
    plain, a.grad = a.grad, None
    out = lib.utils.checkpoint.checkpoint(lib.nn.DataParallel(model), a, use_reentrant=False)
    out.sum().backward()
    return lib.allclose(plain, a.grad)


def test_data_parallel_under_checkpoint():
    assert same_verdict(_under_checkpoint) == ("returned", True)
