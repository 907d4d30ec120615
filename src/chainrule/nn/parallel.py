"""``torch.nn.parallel`` as PyTorch without a GPU runs it: ``DataParallel`` calls its module.

PyTorch's ``DataParallel`` splits a batch across GPUs, runs a copy of the module on
each and gathers the results.  With no GPU (chainrule computes on the CPU) PyTorch
keeps only the wrapped ``module`` and an empty ``device_ids`` list, and its forward
is the module's forward: code written for several GPUs runs unchanged, and its
state dict keys keep their ``module.`` prefix.  ``data_parallel``, the functional
form, needs a device and refuses, as PyTorch does.

>>> net = torch.nn.DataParallel(torch.nn.Linear(2, 1))
>>> net.device_ids, list(net.state_dict())
([], ['module.weight', 'module.bias'])
"""
from __future__ import annotations

from .module import Module

__all__ = ["DataParallel", "data_parallel"]


class DataParallel(Module):
    """Wraps ``module`` for data parallelism; without a GPU, calling it calls ``module``.

    ``device_ids``, ``output_device`` and ``dim`` are accepted and, as in PyTorch without
    a GPU, not used (``device_ids`` reads ``[]``).

    >>> net = torch.nn.DataParallel(torch.nn.Identity(), device_ids=[0, 1])
    >>> net(torch.ones(2)), net.device_ids
    (tensor([1., 1.]), [])
    >>> net
    DataParallel(
      (module): Identity()
    )
    """

    def __init__(self, module: Module, device_ids=None, output_device=None,
                 dim: int = 0) -> None:
        super().__init__()
        # PyTorch's branch for "no accelerator": only these two attributes are set.
        self.module = module
        self.device_ids: list = []

    def forward(self, *inputs, **kwargs):
        return self.module(*inputs, **kwargs)


def data_parallel(module: Module, inputs, device_ids=None, output_device=None, dim: int = 0,
                  module_kwargs=None):
    """The functional form of ``DataParallel``; it needs a GPU, and so raises in chainrule
    (as in PyTorch without one).

    >>> torch.nn.parallel.data_parallel(torch.nn.Identity(), torch.ones(1))
    Traceback (most recent call last):
    RuntimeError: device type could not be determined. Fix: call the module itself ...
    """
    raise RuntimeError("device type could not be determined. Fix: call the module itself "
                       "(module(inputs)); chainrule computes on the CPU, with no GPUs to "
                       "spread the batch over.")
