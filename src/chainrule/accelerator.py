"""``torch.accelerator`` as PyTorch built for the CPU answers it: there is no accelerator.

Today's tutorials choose their device with
``torch.accelerator.current_accelerator().type if torch.accelerator.is_available() else "cpu"``;
here that is ``"cpu"``.  Asking about the (absent) accelerator device raises PyTorch's error.

>>> torch.accelerator.current_accelerator().type if torch.accelerator.is_available() else "cpu"
'cpu'
"""
from __future__ import annotations


def is_available() -> bool:
    """False: chainrule computes on the CPU.

    >>> torch.accelerator.is_available()
    False
    """
    return False


def current_accelerator(check_available: bool = False):
    """None: there is no accelerator.

    >>> torch.accelerator.current_accelerator() is None
    True
    """
    return None


def device_count() -> int:
    """0 accelerator devices.

    >>> torch.accelerator.device_count()
    0
    """
    return 0


def _no_device(name: str, what: str):
    """A function that raises, as PyTorch's does where there is no accelerator."""
    def fn(*args, **kwargs):
        raise RuntimeError("Cannot access accelerator device when none is available. Fix: "
                           "chainrule computes on the CPU; check torch.accelerator.is_available()"
                           " first.")
    fn.__name__ = fn.__qualname__ = name
    fn.__doc__ = (f"Raises: there is no accelerator {what}.\n\n"
                  f"    >>> import chainrule as torch\n"
                  f"    >>> torch.accelerator.{name}()  # doctest: +ELLIPSIS\n"
                  f"    Traceback (most recent call last):\n        ...\n"
                  f"    RuntimeError: Cannot access accelerator device when none is available. "
                  f"...\n")
    return fn


current_device_index = current_device_idx = _no_device("current_device_index", "device")
set_device_index = set_device_idx = _no_device("set_device_index", "device to choose")
synchronize = _no_device("synchronize", "to wait for")
empty_cache = _no_device("empty_cache", "memory to release")
