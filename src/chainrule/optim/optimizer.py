"""``Optimizer``: parameter groups, per-parameter state, ``zero_grad`` and state dicts.

Every update runs on the NumPy arrays directly (``p._data``), in place and
outside the graph.  That is what ``torch.no_grad()`` plus in-place tensor ops
would compute, minus the per-operation cost of building tensors: a step of
Adam is about ten array operations per parameter instead of ten tensor ops,
each with dtype promotion, grad-mode checks and version bookkeeping.
"""
from __future__ import annotations

import copy
from collections import defaultdict

import numpy as np

from .._tracing import replayed_whole
from ..autograd._leaf_grads import reset_grads
from ..engine.grad_mode import enable_grad
from ..tensor import Tensor


class _Required:
    def __repr__(self) -> str:
        return "<required parameter>"


required = _Required()


class Optimizer:
    """Base class: holds ``param_groups`` (lists of parameters with their options) and ``state``.

    >>> w = torch.nn.Parameter(torch.ones(2))
    >>> opt = torch.optim.SGD([w], lr=0.1)
    >>> (w * w).sum().backward(); opt.step(); w
    Parameter containing:
    tensor([0.8000, 0.8000], requires_grad=True)
    """

    def __init__(self, params, defaults: dict) -> None:
        self.defaults = defaults
        self.state: dict = defaultdict(dict)
        self.param_groups: list[dict] = []
        if isinstance(params, Tensor):
            raise TypeError("params argument given to the optimizer should be an iterable of "
                            f"Tensors or dicts, but got {type(params).__name__}. Fix: pass "
                            "model.parameters() or [tensor].")
        groups = list(params)
        if not groups:
            raise ValueError("optimizer got an empty parameter list")
        if not isinstance(groups[0], dict):
            groups = [{"params": groups}]
        for g in groups:
            self.add_param_group(g)

    def add_param_group(self, param_group: dict) -> None:
        group = dict(param_group)
        params = group["params"]
        params = [params] if isinstance(params, Tensor) else list(params)
        if params and isinstance(params[0], tuple):  # named parameters, as PyTorch 2.6+ takes
            group["param_names"] = [name for name, _ in params]
            params = [p for _, p in params]
        group["params"] = params
        for p in group["params"]:
            if not isinstance(p, Tensor):
                raise TypeError(f"optimizer can only optimize Tensors, but one of the params is "
                                f"{type(p).__name__}")
            if not p.is_leaf:
                raise ValueError("can't optimize a non-leaf Tensor. Fix: optimise the leaf "
                                 "(e.g. a Parameter), not a result computed from it.")
        for name, default in self.defaults.items():
            if default is required and name not in group:
                raise ValueError(f"parameter group didn't specify a value of required "
                                 f"optimization parameter {name}")
            group.setdefault(name, default)
        seen = {id(p) for g in self.param_groups for p in g["params"]}
        if any(id(p) in seen for p in group["params"]):
            raise ValueError("some parameters appear in more than one parameter group")
        self.param_groups.append(group)

    @replayed_whole  # (chainrule.compile replays the call: it works on arrays directly)
    def zero_grad(self, set_to_none: bool = True) -> None:
        """Reset the gradients: to ``None`` (default, as PyTorch 2) or to zeros."""
        for group in self.param_groups:
            reset_grads(group["params"], set_to_none)

    def _params_with_grad(self, group):
        for p in group["params"]:
            if p._grad is not None:
                yield p, p._grad._data

    @staticmethod
    def _write(p, new) -> None:
        """Store a step's result in ``p`` (in place, so views and references see it)."""
        if new is not p._data:
            np.copyto(p._data, new, casting="unsafe")
        p._bump_version()

    def step(self, closure=None):
        raise NotImplementedError

    def __init_subclass__(cls, **kwargs) -> None:
        # Every optimizer's step works on the arrays directly, out of the engine's sight:
        # chainrule.compile records and replays the call itself.
        super().__init_subclass__(**kwargs)
        if "step" in cls.__dict__:
            cls.step = replayed_whole(cls.__dict__["step"])

    def _closure_loss(self, closure):
        if closure is None:
            return None
        with enable_grad():
            return closure()

    # --- state dicts ------------------------------------------------------------------
    def state_dict(self) -> dict:
        """``{'state': {index: {...}}, 'param_groups': [{..., 'params': [indices]}]}``."""
        index = {}
        groups = []
        for group in self.param_groups:
            packed = {k: v for k, v in group.items() if k != "params"}
            ids = []
            for p in group["params"]:
                index.setdefault(id(p), len(index))
                ids.append(index[id(p)])
            packed["params"] = ids
            groups.append(packed)
        state = {}
        for group in self.param_groups:
            for p in group["params"]:
                if p in self.state and self.state[p]:
                    state[index[id(p)]] = {k: _clone(v) for k, v in self.state[p].items()}
        return {"state": state, "param_groups": groups}

    def load_state_dict(self, state_dict: dict) -> None:
        """Restore state saved by ``state_dict`` (checked first; nothing changes on error)."""
        groups = state_dict["param_groups"]
        if len(groups) != len(self.param_groups):
            raise ValueError("loaded state dict has a different number of parameter groups")
        for mine, theirs in zip(self.param_groups, groups):
            if len(mine["params"]) != len(theirs["params"]):
                raise ValueError("loaded state dict contains a parameter group that doesn't "
                                 "match the size of optimizer's group")
        lookup = {}
        for mine, theirs in zip(self.param_groups, groups):
            for p, i in zip(mine["params"], theirs["params"]):
                lookup[i] = p
        new_state = defaultdict(dict)
        for key, values in state_dict["state"].items():
            p = lookup.get(int(key))
            if p is None:
                continue
            new_state[p] = {k: _cast_like(v, p, k) for k, v in values.items()}
        self.state = new_state
        self.param_groups = [dict(copy.deepcopy({k: v for k, v in theirs.items()
                                                 if k != "params"}), params=mine["params"])
                             for mine, theirs in zip(self.param_groups, groups)]

    def __repr__(self) -> str:
        text = type(self).__name__ + " ("
        for i, group in enumerate(self.param_groups):
            text += f"\nParameter Group {i}"
            for key in sorted(group):
                if key != "params":
                    text += f"\n    {key}: {group[key]}"
        return text + "\n)"

    def __getstate__(self):
        return {"defaults": self.defaults, "state": self.state,
                "param_groups": self.param_groups}

    def __setstate__(self, state):
        self.__dict__.update(state)


def _clone(v):
    if isinstance(v, Tensor):
        return Tensor._make(v._data.copy())
    return copy.deepcopy(v)


def _cast_like(value, param, key):
    if isinstance(value, Tensor):
        data = value._data
        if key != "step" and data.dtype.kind == "f":
            data = data.astype(param._data.dtype)
        return Tensor._make(data.copy())
    return copy.deepcopy(value)
