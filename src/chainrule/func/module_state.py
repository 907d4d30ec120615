"""What ``torch.func`` offers for whole modules: ``stack_module_state`` (the parameters and
buffers of several same-shaped models stacked along a new first dimension, ready for
``vmap(functional_call)`` over an ensemble) and ``replace_all_batch_norm_modules_`` (batch
norm layers without running statistics, as ``vmap`` over a model wants them)."""
from __future__ import annotations

from collections.abc import Sequence

from ..functions.joining import stack
from ..nn.module import Module
from ..nn.normalization import _BatchNorm, _InstanceNorm
from ..tensor import Tensor

__all__ = ["stack_module_state", "replace_all_batch_norm_modules_"]


def _stacked_leaf(tensors: tuple, name: str) -> Tensor:
    """The tensors stacked; a fresh leaf that requires grad when they all do."""
    requiring = [t.requires_grad for t in tensors]
    if any(requiring) and not all(requiring):
        raise RuntimeError(f"Expected {name} from each model to have the same .requires_grad")
    result = stack(tensors)
    return result.detach().requires_grad_() if all(requiring) else result


def stack_module_state(models: Sequence[Module]) -> tuple[dict, dict]:
    """``(params, buffers)``: dicts from each parameter's (buffer's) name to the models'
    tensors of that name stacked along a new dimension 0.  Stacked parameters are new
    leaves (an optimiser can train them), unrelated to the models' own.

    >>> from chainrule.func import functional_call, stack_module_state, vmap
    >>> models = [torch.nn.Linear(3, 2) for _ in range(4)]
    >>> params, buffers = stack_module_state(models)
    >>> params["weight"].shape
    torch.Size([4, 2, 3])
    >>> def one(params, buffers, x):
    ...     return functional_call(models[0], (params, buffers), (x,))
    >>> vmap(one, in_dims=(0, 0, None))(params, buffers, torch.ones(5, 3)).shape
    torch.Size([4, 5, 2])
    """
    if len(models) == 0:
        raise RuntimeError("stack_module_state: Expected at least one model, got 0.")
    if len({m.training for m in models}) != 1:
        raise RuntimeError("stack_module_state: Expected all models to have the same "
                           "training/eval mode.")
    if any(type(m) is not type(models[0]) for m in models):
        raise RuntimeError("stack_module_state: Expected all models to be of the same class.")
    stacked = []
    for getter in ("named_parameters", "named_buffers"):
        tables = [dict(getattr(model, getter)()) for model in models]
        stacked.append({name: _stacked_leaf(tuple(table[name] for table in tables), name)
                        for name in tables[0]})
    return stacked[0], stacked[1]


def _without_running_stats(module: Module) -> None:
    # PyTorch's instance norms are not batch norms (they are in chainrule's class tree)
    if (isinstance(module, _BatchNorm) and not isinstance(module, _InstanceNorm)
            and module.track_running_stats):
        module.running_mean = None
        module.running_var = None
        module.num_batches_tracked = None
        module.track_running_stats = False


def replace_all_batch_norm_modules_(root: Module) -> Module:
    """Every batch norm layer in ``root`` (``root`` included) set, in place, to keep no
    running statistics (``running_mean``/``running_var``/``num_batches_tracked`` None,
    ``track_running_stats`` False), so it normalises with the batch's own statistics in
    training and evaluation alike; returns ``root``.

    >>> from chainrule.func import replace_all_batch_norm_modules_
    >>> net = torch.nn.Sequential(torch.nn.Linear(2, 3), torch.nn.BatchNorm1d(3))
    >>> norm = replace_all_batch_norm_modules_(net)[1]
    >>> norm.track_running_stats, norm.running_mean
    (False, None)
    """
    for module in root.modules():  # root first
        _without_running_stats(module)
    return root
