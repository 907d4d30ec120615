"""Global switches of ``torch.*``: anomaly mode (``set_anomaly_enabled`` and its queries),
deterministic algorithms, and ``init_num_threads``.

Every chainrule operation is deterministic (NumPy on one CPU: the same inputs give
the same bits), so ``use_deterministic_algorithms`` has nothing to forbid; the
setting is kept and reported as PyTorch reports it.
"""
from __future__ import annotations

from ..engine import grad_mode
from ..engine.anomaly import is_anomaly_check_nan_enabled, is_anomaly_enabled

__all__ = [
    "is_anomaly_enabled", "is_anomaly_check_nan_enabled", "set_anomaly_enabled",
    "use_deterministic_algorithms", "are_deterministic_algorithms_enabled",
    "is_deterministic_algorithms_warn_only_enabled", "get_deterministic_debug_mode",
    "set_deterministic_debug_mode", "init_num_threads",
]


def _check_bool(value, function: str, name: str, position: int | None) -> None:
    if not isinstance(value, bool):
        where = f" (position {position})" if position else ""
        raise TypeError(f"{function}(): argument '{name}'{where} must be bool, not "
                        f"{type(value).__name__}")


def set_anomaly_enabled(enabled: bool, check_nan: bool = True) -> None:
    """Turn anomaly mode on or off for the whole program (what ``detect_anomaly`` does for a
    block); ``check_nan`` also checks every gradient for NaN.

    >>> import chainrule as torch
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

    >>> import chainrule as torch
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

    >>> import chainrule as torch
    >>> torch.are_deterministic_algorithms_enabled()
    False
    """
    return _deterministic["mode"] != 0


def is_deterministic_algorithms_warn_only_enabled() -> bool:
    """Whether deterministic mode only warns (``warn_only=True``).

    >>> import chainrule as torch
    >>> torch.is_deterministic_algorithms_warn_only_enabled()
    False
    """
    return _deterministic["mode"] == 1


def get_deterministic_debug_mode() -> int:
    """0 (deterministic mode off), 1 (warn) or 2 (error).

    >>> import chainrule as torch
    >>> torch.get_deterministic_debug_mode()
    0
    """
    return _deterministic["mode"]


def set_deterministic_debug_mode(debug_mode) -> None:
    """Deterministic mode by number or name: ``"default"``/0, ``"warn"``/1, ``"error"``/2.

    >>> import chainrule as torch
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

    >>> import chainrule as torch
    >>> torch.init_num_threads()
    """
