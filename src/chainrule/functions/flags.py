"""Global switches of ``torch.*``: anomaly mode (``set_anomaly_enabled`` and its queries),
deterministic algorithms, ``init_num_threads``, and the legacy ``set_default_tensor_type``.

Every chainrule operation is deterministic (NumPy on one CPU: the same inputs give
the same bits), so ``use_deterministic_algorithms`` has nothing to forbid; the
setting is kept and reported as PyTorch reports it.
"""
from __future__ import annotations

from .. import _dtypes
from ..engine import grad_mode
from ..engine.anomaly import is_anomaly_check_nan_enabled, is_anomaly_enabled
from .arguments import warn_once
from .legacy import BY_NAME, tensortype

__all__ = [
    "is_anomaly_enabled", "is_anomaly_check_nan_enabled", "set_anomaly_enabled",
    "use_deterministic_algorithms", "are_deterministic_algorithms_enabled",
    "is_deterministic_algorithms_warn_only_enabled", "get_deterministic_debug_mode",
    "set_deterministic_debug_mode", "init_num_threads", "set_default_tensor_type",
]


def _check_bool(value, function: str, name: str, position: int | None) -> None:
    if not isinstance(value, bool):
        where = f" (position {position})" if position else ""
        raise TypeError(f"{function}(): argument '{name}'{where} must be bool, not "
                        f"{type(value).__name__}")


def set_anomaly_enabled(enabled: bool, check_nan: bool = True) -> None:
    """Turn anomaly mode on or off for the whole program (what ``detect_anomaly`` does for a
    block); ``check_nan`` also checks every gradient for NaN.

    >>> torch.set_anomaly_enabled(True); torch.is_anomaly_enabled()
    True
    >>> torch.set_anomaly_enabled(False); torch.is_anomaly_enabled()
    False
    """
    _check_bool(enabled, "set_anomaly_enabled", "enabled", 1)
    _check_bool(check_nan, "set_anomaly_enabled", "check_nan", 2)
    grad_mode.flags.anomaly = enabled
    grad_mode.flags.anomaly_check_nan = check_nan


# 0: off, 1: warn when a nondeterministic algorithm runs, 2: raise (PyTorch's debug modes)
_deterministic = {"mode": 0}


def use_deterministic_algorithms(mode: bool, *, warn_only: bool = False) -> None:
    """Ask for deterministic algorithms only (``warn_only``: warn instead of raising where
    there is none).  chainrule's are all deterministic, so this only records the choice.

    >>> torch.use_deterministic_algorithms(True)
    >>> torch.are_deterministic_algorithms_enabled()
    True
    >>> torch.use_deterministic_algorithms(False)
    """
    _check_bool(mode, "_set_deterministic_algorithms", "mode", 1)
    _check_bool(warn_only, "_set_deterministic_algorithms", "warn_only", None)
    _deterministic["mode"] = (1 if warn_only else 2) if mode else 0


def are_deterministic_algorithms_enabled() -> bool:
    """Whether ``use_deterministic_algorithms(True)`` is in force.

    >>> torch.are_deterministic_algorithms_enabled()
    False
    """
    return _deterministic["mode"] != 0


def is_deterministic_algorithms_warn_only_enabled() -> bool:
    """Whether deterministic mode only warns (``warn_only=True``).

    >>> torch.is_deterministic_algorithms_warn_only_enabled()
    False
    """
    return _deterministic["mode"] == 1


def get_deterministic_debug_mode() -> int:
    """0 (deterministic mode off), 1 (warn) or 2 (error).

    >>> torch.get_deterministic_debug_mode()
    0
    """
    return _deterministic["mode"]


def set_deterministic_debug_mode(debug_mode) -> None:
    """Deterministic mode by number or name: ``"default"``/0, ``"warn"``/1, ``"error"``/2.

    >>> torch.set_deterministic_debug_mode("warn"); torch.get_deterministic_debug_mode()
    1
    >>> torch.set_deterministic_debug_mode(0)
    """
    if isinstance(debug_mode, str):
        names = {"default": 0, "warn": 1, "error": 2}
        if debug_mode not in names:
            raise RuntimeError("invalid value of debug_mode, expected one of `default`, `warn`, "
                               f"`error`, but got {debug_mode}")
        debug_mode = names[debug_mode]
    if debug_mode not in (0, 1, 2):
        raise RuntimeError(f"invalid value of debug_mode, expected 0, 1, or 2, but got "
                           f"{debug_mode}")
    _deterministic["mode"] = int(debug_mode)


def init_num_threads() -> None:
    """Start the intra-op thread pool: PyTorch's OpenMP pool; NumPy's BLAS starts its own
    threads when it needs them, so there is nothing to do here.

    >>> torch.init_num_threads()
    """


def set_default_tensor_type(t) -> None:
    """Deprecated in PyTorch (use ``set_default_dtype``): make the dtype of ``t``, a floating
    legacy tensor type (``torch.DoubleTensor``) or its name, the default.

    >>> import warnings; warnings.simplefilter("ignore")  # PyTorch's deprecation warning
    >>> torch.set_default_tensor_type("torch.DoubleTensor")
    >>> torch.tensor([1.5]).dtype
    torch.float64
    >>> torch.set_default_tensor_type("torch.FloatTensor")
    """
    if isinstance(t, str):
        if t.startswith("torch.cuda."):
            raise TypeError(f"type {t} not available. Torch not compiled with CUDA enabled. "
                            "Fix: chainrule runs on the CPU: name the CPU type, "
                            f"'torch.{t[len('torch.cuda.'):]}'.")
        if t not in BY_NAME:
            module, _, name = t.rpartition(".")
            if module != "torch":
                module = module or t
                raise ModuleNotFoundError(f"No module named '{module}'", name=module)
            raise AttributeError(f"module 'torch' has no attribute '{name}'")
        dtype = BY_NAME[t]
    else:
        if not isinstance(t, tensortype):  # not a legacy type class (torch.DoubleTensor)
            raise TypeError("invalid type object: only floating-point types are supported as "
                            "the default type. Fix: pass torch.FloatTensor or "
                            "torch.DoubleTensor, or use torch.set_default_dtype(dtype).")
        dtype = t.dtype
    warn_once("torch.set_default_tensor_type() is deprecated as of PyTorch 2.1, please use "
              "torch.set_default_dtype() and torch.set_default_device() as alternatives.")
    if not dtype.is_floating_point:
        raise TypeError("only floating-point types are supported as the default type")
    _dtypes.set_default_dtype(dtype)
