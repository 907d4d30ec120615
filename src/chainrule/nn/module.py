"""``Module``: the base class of layers, holding parameters, buffers and sub-modules."""
from __future__ import annotations

import types
from collections import OrderedDict
from typing import Iterator, NamedTuple

from .. import _dtypes
from .._tracing import replayed_whole
from ..autograd._leaf_grads import reset_grads
from ..engine.grad_mode import no_grad
from ..tensor import Tensor, _on_cpu, _to_arguments
from .backward_hooks import BackwardHook
from .parameter import Parameter, UninitializedTensorMixin


class _IncompatibleKeys(NamedTuple):
    missing_keys: list
    unexpected_keys: list

    def __repr__(self) -> str:
        if not self.missing_keys and not self.unexpected_keys:
            return "<All keys matched successfully>"
        return (f"_IncompatibleKeys(missing_keys={self.missing_keys}, "
                f"unexpected_keys={self.unexpected_keys})")


def _reassign(table: dict, name: str, value, kind: type, what: str, expected: str) -> None:
    """Set the registered ``name`` in ``table`` (a module's parameters, children or buffers)
    to ``value``, which must be None or a ``kind``, as PyTorch requires."""
    if value is not None and not isinstance(value, kind):
        raise TypeError(f"cannot assign '{type(value).__name__}' as {what} '{name}' "
                        f"({expected} or None expected)")
    table[name] = value


def _named_copy(init, cls: type):
    """``init`` (an inherited ``__init__``) as ``cls``'s own: the same code, closure and
    defaults, under the name ``cls.__init__``, which Python's TypeError for a call that does
    not fit gives (from 3.11: it reads the code's ``co_qualname``)."""
    code = init.__code__
    if hasattr(code, "co_qualname"):
        code = code.replace(co_qualname=f"{cls.__qualname__}.__init__")
    copy = types.FunctionType(code, init.__globals__, init.__name__, init.__defaults__,
                              init.__closure__)
    copy.__kwdefaults__, copy.__annotations__ = init.__kwdefaults__, init.__annotations__
    copy.__doc__, copy.__module__ = init.__doc__, init.__module__
    copy.__qualname__ = f"{cls.__qualname__}.__init__"
    copy.original = getattr(init, "original", init)
    return copy


def original_init(cls: type):
    """The ``__init__`` that ``cls`` runs, as written: through the copies that
    ``Module.__init_subclass__`` makes to name a layer in constructor errors.

    >>> torch.nn.ReLU.__init__.__qualname__, original_init(torch.nn.ReLU).__qualname__
    ('ReLU.__init__', '_Activation.__init__')
    """
    init = cls.__init__
    return getattr(init, "original", init)


def _addindent(text: str, spaces: int) -> str:
    lines = text.split("\n")
    if len(lines) == 1:
        return text
    return lines[0] + "\n" + "\n".join(" " * spaces + line for line in lines[1:])


class Module:
    """Base class of all layers: holds parameters, buffers and sub-modules by attribute name.

    >>> class Net(torch.nn.Module):
    ...     def __init__(self):
    ...         super().__init__()
    ...         self.fc = torch.nn.Linear(2, 1)
    ...     def forward(self, x):
    ...         return self.fc(x)
    >>> Net()
    Net(
      (fc): Linear(in_features=2, out_features=1, bias=True)
    )
    """

    training: bool
    # Whose name a constructor call that does not fit gives in its TypeError.  PyTorch's
    # layers mostly write out their own __init__ ("ReLU.__init__() takes ..."), where ours
    # often inherit one: Module.__init_subclass__ gives each of chainrule's layers a copy
    # under its own name, except below a family base that sets ``_shared_init`` in its own
    # body, whose name PyTorch's family shows ("_Loss.__init__() takes ...").
    _shared_init = False

    def __init_subclass__(cls, **kwargs) -> None:
        super().__init_subclass__(**kwargs)
        if "__init__" in cls.__dict__ or not cls.__module__.startswith("chainrule."):
            return
        owner = next(base for base in cls.__mro__ if "__init__" in base.__dict__)
        if not owner.__dict__.get("_shared_init", False):
            cls.__init__ = _named_copy(cls.__init__, cls)

    def __init__(self, *args, **kwargs) -> None:
        # PyTorch's words for arguments Module.__init__ does not take
        if kwargs:
            raise TypeError(f"{type(self).__name__}.__init__() got an unexpected keyword "
                            f"argument '{next(iter(kwargs))}'")
        if args:
            raise TypeError(f"{type(self).__name__}.__init__() takes 1 positional argument "
                            f"but {len(args) + 1} were given")
        d = self.__dict__
        d["training"] = True
        d["_parameters"] = OrderedDict()
        d["_buffers"] = OrderedDict()
        d["_non_persistent_buffers_set"] = set()
        d["_modules"] = OrderedDict()
        d["_forward_hooks"] = OrderedDict()
        d["_forward_pre_hooks"] = OrderedDict()

    def forward(self, *args, **kwargs):
        raise NotImplementedError(f'Module [{type(self).__name__}] is missing the required '
                                  '"forward" function')

    def __call__(self, *args, **kwargs):
        hooks = self.__dict__.get("_forward_pre_hooks")
        if hooks:
            for hook in list(hooks.values()):
                new = hook(self, args)
                if new is not None:
                    args = new if isinstance(new, tuple) else (new,)
        d = self.__dict__
        backward_hook = None
        if d.get("_backward_hooks") or d.get("_backward_pre_hooks"):
            backward_hook = BackwardHook(self, d.get("_backward_hooks"),
                                         d.get("_backward_pre_hooks"))
            args = backward_hook.setup_input_hook(args)
        result = self.forward(*args, **kwargs)
        hooks = d.get("_forward_hooks")
        if hooks:
            for hook in list(hooks.values()):
                new = hook(self, args, result)
                if new is not None:
                    result = new
        if backward_hook is not None:
            result = backward_hook.setup_output_hook(result)
        return result

    def register_forward_hook(self, hook):
        key = object()
        self._forward_hooks[key] = hook
        return _DictHandle(self._forward_hooks, key)

    def register_full_backward_hook(self, hook, prepend: bool = False):
        """Call ``hook(module, grad_input, grad_output)`` when the gradients of this module's
        inputs are computed; it may return new ``grad_input``.

        >>> layer = torch.nn.Linear(2, 1); seen = []
        >>> h = layer.register_full_backward_hook(
        ...     lambda m, g_in, g_out: seen.append((g_in[0].shape, g_out[0].shape)))
        >>> layer(torch.ones(3, 2, requires_grad=True)).sum().backward(); seen
        [(torch.Size([3, 2]), torch.Size([3, 1]))]
        """
        return self._add_hook("_backward_hooks", hook, prepend)

    def register_full_backward_pre_hook(self, hook, prepend: bool = False):
        """Call ``hook(module, grad_output)`` when the gradients of this module's outputs are
        known, before those of its inputs; it may return new ``grad_output``.

        >>> layer = torch.nn.Linear(2, 1)
        >>> h = layer.register_full_backward_pre_hook(lambda m, g_out: (g_out[0] * 0,))
        >>> x = torch.ones(3, 2, requires_grad=True)
        >>> layer(x).sum().backward(); x.grad.abs().sum().item()
        0.0
        """
        return self._add_hook("_backward_pre_hooks", hook, prepend)

    def _add_hook(self, table: str, hook, prepend: bool):
        # Made on first use: a module without backward hooks pays one dict lookup per call.
        hooks = self.__dict__.setdefault(table, OrderedDict())
        key = object()
        hooks[key] = hook
        if prepend:
            hooks.move_to_end(key, last=False)
        return _DictHandle(hooks, key)

    def register_forward_pre_hook(self, hook):
        key = object()
        self._forward_pre_hooks[key] = hook
        return _DictHandle(self._forward_pre_hooks, key)

    # --- attribute registration --------------------------------------------------------
    def __setattr__(self, name: str, value) -> None:
        d = self.__dict__
        if "_parameters" not in d:
            raise AttributeError("cannot assign before Module.__init__() call. Fix: call "
                                 "super().__init__() first in your __init__.")
        params, modules, buffers = d["_parameters"], d["_modules"], d["_buffers"]
        if isinstance(value, Parameter):
            self._forget(name)
            params[name] = value
        elif name in params:
            _reassign(params, name, value, Parameter, "parameter", "torch.nn.Parameter")
        elif isinstance(value, Module):
            self._forget(name)
            modules[name] = value
        elif name in modules:
            _reassign(modules, name, value, Module, "child module", "torch.nn.Module")
        elif name in buffers:
            _reassign(buffers, name, value, Tensor, "buffer", "torch.nn.Buffer, torch.Tensor")
        else:
            object.__setattr__(self, name, value)

    def _forget(self, name: str) -> None:
        d = self.__dict__
        d.pop(name, None)
        for table in ("_parameters", "_modules", "_buffers"):
            d[table].pop(name, None)

    def __getattr__(self, name: str):
        d = self.__dict__
        for table in ("_parameters", "_buffers", "_modules"):
            if table in d and name in d[table]:
                return d[table][name]
        raise AttributeError(f"'{type(self).__name__}' object has no attribute '{name}'")

    def __delattr__(self, name: str) -> None:
        d = self.__dict__
        for table in ("_parameters", "_buffers", "_modules"):
            if name in d[table]:
                del d[table][name]
                d["_non_persistent_buffers_set"].discard(name)
                return
        object.__delattr__(self, name)

    def __dir__(self):
        return sorted(set(super().__dir__()) | set(self._parameters) | set(self._buffers)
                      | set(self._modules))

    def register_parameter(self, name: str, param: Parameter | None) -> None:
        if "." in name or name == "":
            raise KeyError(f'parameter name can\'t contain "." or be empty, got {name!r}')
        if param is not None and not isinstance(param, Parameter):
            raise TypeError(f"cannot assign '{type(param).__name__}' object to parameter "
                            f"'{name}' (torch.nn.Parameter or None required)")
        self._forget(name)
        self._parameters[name] = param

    def register_buffer(self, name: str, tensor: Tensor | None, persistent: bool = True) -> None:
        """Keep a tensor that is state but not a parameter (saved in ``state_dict``).

        >>> m = torch.nn.Module(); m.register_buffer("count", torch.zeros(1))
        >>> list(m.state_dict())
        ['count']
        """
        if "." in name or name == "":
            raise KeyError(f'buffer name can\'t contain "." or be empty, got {name!r}')
        if tensor is not None and not isinstance(tensor, Tensor):
            raise TypeError(f"cannot assign '{type(tensor).__name__}' object to buffer '{name}' "
                            "(torch Tensor or None required)")
        self._forget(name)
        self._buffers[name] = tensor
        if persistent:
            self._non_persistent_buffers_set.discard(name)
        else:
            self._non_persistent_buffers_set.add(name)

    def add_module(self, name: str, module: "Module | None") -> None:
        if module is not None and not isinstance(module, Module):
            raise TypeError(f"{type(module).__name__} is not a Module subclass")
        self._forget(name)
        self._modules[name] = module

    register_module = add_module

    def get_submodule(self, target: str) -> "Module":
        mod = self
        for part in target.split(".") if target else []:
            if part not in mod._modules:
                raise AttributeError(f"{type(mod).__name__} has no attribute `{part}`")
            mod = mod._modules[part]
        return mod

    def get_parameter(self, target: str) -> Parameter:
        path, _, name = target.rpartition(".")
        return getattr(self.get_submodule(path), name)

    # --- traversal ----------------------------------------------------------------
    def named_modules(self, memo=None, prefix: str = "", remove_duplicate: bool = True):
        """Every module in the tree (this one first), with its dotted name."""
        if memo is None:
            memo = set()
        stack = [(prefix, self)]
        while stack:  # iterative pre-order: deep models must not hit the recursion limit
            name, module = stack.pop()
            if remove_duplicate:
                if module in memo:
                    continue
                memo.add(module)
            yield name, module
            children = [(name + ("." if name else "") + k, m)
                        for k, m in module._modules.items() if m is not None]
            stack.extend(reversed(children))

    def modules(self) -> Iterator["Module"]:
        for _, m in self.named_modules():
            yield m

    def named_children(self):
        seen = set()
        for name, m in self._modules.items():
            if m is not None and m not in seen:
                seen.add(m)
                yield name, m

    def children(self) -> Iterator["Module"]:
        for _, m in self.named_children():
            yield m

    def _named_members(self, table: str, prefix: str, recurse: bool, remove_duplicate=True):
        seen = set()
        mods = self.named_modules(prefix=prefix, remove_duplicate=remove_duplicate) \
            if recurse else [(prefix, self)]
        for mod_name, mod in mods:
            for name, value in getattr(mod, table).items():
                if value is None or (remove_duplicate and value in seen):
                    continue
                seen.add(value)
                yield (mod_name + "." if mod_name else "") + name, value

    def named_parameters(self, prefix: str = "", recurse: bool = True,
                         remove_duplicate: bool = True):
        """``(name, parameter)`` pairs, each shared parameter once.

        >>> [n for n, _ in torch.nn.Linear(2, 1).named_parameters()]
        ['weight', 'bias']
        """
        return self._named_members("_parameters", prefix, recurse, remove_duplicate)

    def parameters(self, recurse: bool = True) -> Iterator[Parameter]:
        for _, p in self.named_parameters(recurse=recurse):
            yield p

    def named_buffers(self, prefix: str = "", recurse: bool = True,
                      remove_duplicate: bool = True):
        return self._named_members("_buffers", prefix, recurse, remove_duplicate)

    def buffers(self, recurse: bool = True) -> Iterator[Tensor]:
        for _, b in self.named_buffers(recurse=recurse):
            yield b

    # --- modes and bulk changes -------------------------------------------------------
    def train(self, mode: bool = True) -> "Module":
        if not isinstance(mode, bool):
            raise ValueError("training mode is expected to be boolean")
        for m in self.modules():
            m.__dict__["training"] = mode
        return self

    def eval(self) -> "Module":
        return self.train(False)

    def requires_grad_(self, requires_grad: bool = True) -> "Module":
        for p in self.parameters():
            p.requires_grad_(requires_grad)
        return self

    @replayed_whole  # (chainrule.compile replays the call: it sets .grad outside the engine)
    def zero_grad(self, set_to_none: bool = True) -> None:
        """Reset the gradients of all parameters (to ``None`` by default, as PyTorch 2)."""
        reset_grads(self.parameters(), set_to_none)

    def apply(self, fn) -> "Module":
        """Call ``fn`` on every sub-module (children first) and on this module.

        >>> names = []
        >>> _ = torch.nn.Sequential(torch.nn.ReLU()).apply(lambda m: names.append(type(m).__name__))
        >>> names
        ['ReLU', 'Sequential']
        """
        order, stack = [], [self]
        while stack:  # post-order without recursion: reverse of a children-reversed pre-order
            m = stack.pop()
            order.append(m)
            stack.extend(m.children())
        for m in reversed(order):
            fn(m)
        return self

    def _apply(self, convert) -> "Module":
        for m in self.modules():
            for table in (m._parameters, m._buffers):
                for t in table.values():
                    if t is None:
                        continue
                    # a lazy layer's stand-in has no values: only its dtype converts
                    source = t.stand_in() if isinstance(t, UninitializedTensorMixin) else t
                    new = convert(source)
                    if new is not source._data:
                        t._data = new
                        t._bump_version()
                        if t._grad is not None:
                            t._grad = Tensor._make(convert(t._grad))
        return self

    def to(self, *args, **kwargs) -> "Module":
        """Convert floating-point parameters and buffers to a dtype, in place (CPU only).

        >>> torch.nn.Linear(2, 1).to(torch.float64).weight.dtype
        torch.float64
        """
        target = _to_arguments(args, kwargs)
        if target is None:
            return self
        if not target.is_floating_point:
            raise TypeError(f"nn.Module.to only accepts floating point dtypes, but got desired "
                            f"dtype={target}")
        return self._apply(lambda t: t._data.astype(target.np) if t.dtype.is_floating_point
                           and t.dtype is not target else t._data)

    def float(self) -> "Module":
        return self.to(_dtypes.float32)

    def double(self) -> "Module":
        return self.to(_dtypes.float64)

    def half(self) -> "Module":
        return self.to(_dtypes.float16)

    def cpu(self) -> "Module":
        return self

    def cuda(self, device=None) -> "Module":
        """Move to a CUDA GPU: chainrule has none, so this raises as PyTorch without CUDA does."""
        _on_cpu("cuda")

    def type(self, dst_type) -> "Module":
        return self.to(dst_type)

    # --- state ----------------------------------------------------------------------
    def state_dict(self, *args, destination=None, prefix: str = "",
                   keep_vars: bool = False) -> "OrderedDict[str, Tensor]":
        """Parameters and persistent buffers by dotted name (detached unless ``keep_vars``).

        >>> list(torch.nn.Linear(2, 1).state_dict())
        ['weight', 'bias']
        """
        out = OrderedDict() if destination is None else destination
        # shared sub-modules appear under every name, as in PyTorch (no de-duplication)
        for mod_name, mod in self.named_modules(prefix=prefix.rstrip("."),
                                                remove_duplicate=False):
            lead = mod_name + "." if mod_name else ""
            for name, p in mod._parameters.items():
                if p is not None:
                    out[lead + name] = p if keep_vars else p.detach()
            for name, b in mod._buffers.items():
                if b is not None and name not in mod._non_persistent_buffers_set:
                    out[lead + name] = b if keep_vars else b.detach()
        return out

    def load_state_dict(self, state_dict, strict: bool = True, assign: bool = False):
        """Copy values from ``state_dict`` into the parameters and buffers.

        Everything is checked before anything is copied, so a mismatched
        state dict leaves the module untouched.

        >>> a, b = torch.nn.Linear(2, 1), torch.nn.Linear(2, 1)
        >>> b.load_state_dict(a.state_dict())
        <All keys matched successfully>
        """
        if not hasattr(state_dict, "keys"):
            raise TypeError(f"Expected state_dict to be dict-like, got {type(state_dict)}.")
        for name, module in self.named_modules():  # lazy layers take the checkpoint's shapes
            if hasattr(module, "materialize_from_state_dict"):
                module.materialize_from_state_dict(state_dict, name + "." if name else "")
        own = self.state_dict(keep_vars=True)
        missing = [k for k in own if k not in state_dict]
        unexpected = [k for k in state_dict if k not in own]
        errors = []
        if strict:
            if unexpected:
                errors.append("Unexpected key(s) in state_dict: "
                              + ", ".join(f'"{k}"' for k in unexpected) + ". ")
            if missing:
                errors.append("Missing key(s) in state_dict: "
                              + ", ".join(f'"{k}"' for k in missing) + ". ")
        for k, target in own.items():
            if k not in state_dict:
                continue
            value = state_dict[k]
            if not isinstance(value, Tensor):
                errors.append(f'While copying the parameter named "{k}", expected torch.Tensor '
                              f"or Tensor-like object from checkpoint but received "
                              f"{type(value)}")
            elif value.shape != target.shape:
                errors.append(f"size mismatch for {k}: copying a param with shape {value.shape} "
                              f"from checkpoint, the shape in current model is {target.shape}.")
        if errors:
            raise RuntimeError(f"Error(s) in loading state_dict for {type(self).__name__}:\n\t"
                               + "\n\t".join(errors))
        with no_grad():
            for k, target in own.items():
                if k in state_dict:
                    src = state_dict[k]._data
                    target._data[...] = src.astype(target._data.dtype, copy=False)
                    target._bump_version()
        return _IncompatibleKeys(missing, unexpected)

    # --- printing -----------------------------------------------------------------
    def extra_repr(self) -> str:
        return ""

    def _get_name(self) -> str:
        return type(self).__name__

    def __repr__(self) -> str:
        extra = self.extra_repr()
        lines = extra.split("\n") if extra else []
        children = [f"({name}): " + _addindent(repr(m), 2) for name, m in self._modules.items()]
        lines += children
        text = self._get_name() + "("
        if lines:
            if len(lines) == 1 and not children:
                text += lines[0]
            else:
                text += "\n  " + "\n  ".join(lines) + "\n"
        return text + ")"

    def __setstate__(self, state) -> None:
        self.__dict__.update(state)


class _DictHandle:
    def __init__(self, table, key) -> None:
        self.table, self.key = table, key

    def remove(self) -> None:
        self.table.pop(self.key, None)

    def __enter__(self):
        return self

    def __exit__(self, *exc) -> None:
        self.remove()


