"""chainrule: reverse-mode automatic differentiation on NumPy, spelled like PyTorch.

    >>> x = torch.tensor(1.0, requires_grad=True)
    >>> y = 3 * x ** 2 - 4 * x
    >>> y.backward()
    >>> x.grad
    tensor(2.)

The package is a stack of layers, each importing only those below it (the import
contracts in ``pyproject.toml`` check this), from the top:

- ``__main__``, ``_alias``, ``demo``, ``viz``: the runner, ``install_as_torch``, the
  lecture demo, the graph and backward pass drawn.
- ``numpy``, ``distributions``, ``serialization``; then ``func``, ``nn``, ``optim``,
  ``utils``, ``linalg``, ``random``, ``cuda``, ``backends``, ``accelerator``: built from
  the public functions.
- ``autograd``: the public face of the engine (``grad``, ``Function``, ``forward_ad``,
  ``functional``, ``gradcheck``).
- ``tensor_methods``: binds operators and methods to ``Tensor``.
- ``functions``: the ``torch.*`` functions, one module per family, calling the rows of ...
- ``ops``: the rule tables, one ``Op`` row per primitive (forward on arrays, one
  derivative formula per input, a forward-mode rule).
- ``engine``: how an op is recorded and how the chain rule runs backwards (its
  docstring gives the reading order).
- ``tensor``: the Tensor class, an array plus what autograd needs to know.
- ``_printing``, ``_shapes``, ``_threads``, ``_dtypes``, ``_backend``: PyTorch's repr,
  shape rules, dtypes and promotion, and the one module that names NumPy.

A new op is one row in ``ops/<family>.py``, one function in ``functions/<family>.py`` and
one row in ``tests/op_table.py``.
"""
from __future__ import annotations

import builtins as _builtins
import importlib as _importlib
import math as _math

from . import _dtypes
from ._dtypes import (
    bool, double, dtype, float, float16, float32, float64, get_default_dtype, half, int, int8,
    int16, int32, int64, long, promote_types, set_default_dtype, short, uint8,
)
from ._printing import get_printoptions, printoptions, set_printoptions
from .tensor import Size, Tensor, device
from . import tensor_methods  # noqa: F401  (gives Tensor its operators and methods)
from .functions.creation import *  # noqa: F401,F403  (torch.tensor, torch.zeros, ...)
from .functions.random import *  # noqa: F401,F403
from .functions.random import Generator, default_generator
from .functions.pointwise import *  # noqa: F401,F403  (torch.exp, torch.add, ...)
from .functions.comparison import *  # noqa: F401,F403
from .functions.reduction import *  # noqa: F401,F403
from .functions.matrix import *  # noqa: F401,F403
from .functions.shape import *  # noqa: F401,F403
from .functions.joining import *  # noqa: F401,F403
from .functions.indexing import *  # noqa: F401,F403
from .functions.selection import *  # noqa: F401,F403
from .functions.special import *  # noqa: F401,F403  (torch.i0, torch.polygamma, ...)
from .functions.activation import *  # noqa: F401,F403  (torch.celu, torch.prelu, ...)
from .functions.scatter import *  # noqa: F401,F403  (issue 12: tensormisc's families)
from .functions.histogram import *  # noqa: F401,F403
from .functions.spectral import *  # noqa: F401,F403
from .functions.properties import *  # noqa: F401,F403
from .functions.bitwise import *  # noqa: F401,F403
from .functions.floating import *  # noqa: F401,F403
from .functions.decompositions import *  # noqa: F401,F403  (torch.qr, torch.svd, ...)
from .functions.solvers import *  # noqa: F401,F403
from .functions.conversion import clone
from .functions.legacy import *  # noqa: F401,F403  (torch.FloatTensor, torch.LongTensor, ...)
from .functions.storage import *  # noqa: F401,F403  (torch.empty_strided, torch.UntypedStorage)
from .functions.complex_api import *  # noqa: F401,F403  (torch.real, torch.adjoint, ...)
from .functions.matrix_more import *  # noqa: F401,F403  (torch.chain_matmul, ...)
from .functions.dlpack import from_dlpack
from . import autograd
from .engine.grad_mode import (
    enable_grad, inference_mode, is_grad_enabled, is_inference_mode_enabled, no_grad,
    set_grad_enabled,
)

pi = _math.pi
e = _math.e
inf = _math.inf
nan = _math.nan
newaxis = None
__version__ = "0.1.0"

def is_tensor(obj) -> bool:
    """True for chainrule tensors.

    >>> torch.is_tensor(torch.zeros(1)), torch.is_tensor([0])
    (True, False)
    """
    return isinstance(obj, Tensor)


def is_floating_point(input: Tensor) -> bool:
    """True if ``input``'s dtype is a floating-point type.

    >>> torch.is_floating_point(torch.tensor([1.])), torch.is_floating_point(torch.tensor([1]))
    (True, False)
    """
    return input.dtype.is_floating_point


def numel(input: Tensor) -> int:
    """The number of elements of ``input``.

    >>> torch.numel(torch.zeros(2, 3))
    6
    """
    return input.numel()


def cond(pred, true_fn, false_fn, operands=()):
    """``true_fn(*operands)`` if ``pred`` holds, else ``false_fn(*operands)``.

    PyTorch's structured if-statement for ``torch.compile``; run eagerly, as here, it is
    that if-statement (gradients flow through the branch taken; PyTorch records that
    branch under one ``CondAutogradOpBackward`` node).

    >>> x = torch.tensor([1., 2.])
    >>> torch.cond(x.sum() > 0, lambda a: a * 2, lambda a: -a, (x,))
    tensor([2., 4.])
    """
    if isinstance(pred, Tensor):
        if pred.numel() != 1:
            raise RuntimeError(f"Expected pred to be bool or single-element tensor, but got "
                               f"{pred!r}. Fix: reduce it first (e.g. .all() or .any()).")
        pred = pred.item()  # (bool is torch.bool in this module)
    elif not isinstance(pred, (_builtins.bool, _builtins.int)):
        raise RuntimeError(f"Expected pred to be bool or tensor, but got {pred!r}.")
    if not isinstance(operands, (tuple, list)):
        raise RuntimeError(f"Expected operands to be a tuple or a list of tensors, but got "
                           f"{type(operands).__name__}. Fix: wrap it, e.g. (x,).")
    return true_fn(*operands) if pred else false_fn(*operands)


# Names loaded on first use (keeps `import chainrule` fast): name -> the module defining it.
_LAZY = {
    "save": "serialization", "load": "serialization",
    "install_as_torch": "_alias",
    "set_default_device": "_default_device", "get_default_device": "_default_device",
    "get_num_threads": "_threads", "set_num_threads": "_threads",
    "get_num_interop_threads": "_threads", "set_num_interop_threads": "_threads",
    "vmap": "func", "to_dlpack": "utils.dlpack",
    "compile": "compiler",
}


# The torch.* functions of the families that Tensor's methods, the lecture and plain
# tensor code never call (convolution, pooling, losses, ...): their modules, and the rule
# tables only they use, load on the first use of any of their names (module __getattr__
# below), which keeps `import chainrule` fast.
_LAZY_FAMILIES = ("dropout", "distance", "loss", "embedding", "recurrent", "windows", "calculus",
                  "memory", "flags", "control_flow", "quadrature", "lowrank", "lobpcg",
                  "convolution", "pooling", "normalization", "padding", "shuffle")


def __dir__() -> list:
    names = set(globals())
    for family in _LAZY_FAMILIES:
        names.update(_importlib.import_module(f"chainrule.functions.{family}").__all__)
    return sorted(names)


def __getattr__(name: str):
    # The larger subpackages load on first use, which keeps `import chainrule` fast.
    if name in ("nn", "optim", "utils", "func", "linalg", "testing", "cuda", "distributions",
                "numpy", "viz", "backends", "accelerator", "random", "special", "compiler"):
        try:
            return _importlib.import_module(f"chainrule.{name}")
        except ModuleNotFoundError as e:
            if e.name != f"chainrule.{name}":
                raise
            raise AttributeError(f"module 'chainrule' has no attribute '{name}' (torch.{name} "
                                 "is not in chainrule)") from None
    if name in _LAZY:
        return getattr(_importlib.import_module(f"chainrule.{_LAZY[name]}"), name)
    if name.startswith("__"):
        raise AttributeError(f"module 'chainrule' has no attribute '{name}'")
    for family in _LAZY_FAMILIES:
        module = _importlib.import_module(f"chainrule.functions.{family}")
        if name in module.__all__:
            # Bind the whole family, as `from .functions.<family> import *` would have.
            namespace = globals()
            for public in module.__all__:
                namespace.setdefault(public, getattr(module, public))
            return namespace[name]
    raise AttributeError(f"module 'chainrule' has no attribute '{name}' (torch.{name} is not "
                         "in chainrule)")
