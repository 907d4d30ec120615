"""chainrule: reverse-mode automatic differentiation on NumPy, spelled like PyTorch.

    >>> import chainrule as torch
    >>> x = torch.tensor(1.0, requires_grad=True)
    >>> y = 3 * x ** 2 - 4 * x
    >>> y.backward()
    >>> x.grad
    tensor(2.)
"""
from __future__ import annotations

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
from .functions.conversion import clone
from .functions.legacy import *  # noqa: F401,F403  (torch.FloatTensor, torch.LongTensor, ...)
from .functions.storage import *  # noqa: F401,F403  (torch.empty_strided, torch.UntypedStorage)
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

    >>> import chainrule as torch
    >>> torch.is_tensor(torch.zeros(1)), torch.is_tensor([0])
    (True, False)
    """
    return isinstance(obj, Tensor)


def is_floating_point(input: Tensor) -> bool:
    """True if ``input``'s dtype is a floating-point type.

    >>> import chainrule as torch
    >>> torch.is_floating_point(torch.tensor([1.])), torch.is_floating_point(torch.tensor([1]))
    (True, False)
    """
    return input.dtype.is_floating_point


def numel(input: Tensor) -> int:
    """The number of elements of ``input``.

    >>> import chainrule as torch
    >>> torch.numel(torch.zeros(2, 3))
    6
    """
    return input.numel()


def set_num_threads(n: int) -> None:
    """Accepted for compatibility; NumPy's BLAS decides its own threads.

    >>> import chainrule as torch
    >>> torch.set_num_threads(1)
    """


def get_num_threads() -> int:
    """The number of threads used for intra-op parallelism (always 1 here: NumPy decides).

    >>> import chainrule as torch
    >>> torch.get_num_threads() >= 1
    True
    """
    return 1


def compile(model=None, **kwargs):  # noqa: A001 - PyTorch's name
    """Returns the model unchanged: there is nothing to compile on NumPy.

    >>> import chainrule as torch
    >>> double = torch.compile(lambda x: x * 2)
    >>> double(torch.tensor([1., 2.]))
    tensor([2., 4.])
    """
    return model if model is not None else (lambda m: m)


def __getattr__(name: str):
    # The larger subpackages load on first use, which keeps `import chainrule` fast.
    import importlib
    if name in ("nn", "optim", "utils", "func", "linalg", "testing", "cuda", "distributions",
                "numpy", "viz"):
        try:
            return importlib.import_module(f"chainrule.{name}")
        except ModuleNotFoundError as e:
            if e.name != f"chainrule.{name}":
                raise
            raise AttributeError(f"module 'chainrule' has no attribute '{name}'") from None
    if name in ("save", "load"):
        from . import serialization
        return getattr(serialization, name)
    raise AttributeError(f"module 'chainrule' has no attribute '{name}'")
