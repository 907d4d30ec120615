"""``torch.cuda`` as PyTorch built without CUDA answers it: there is no GPU.

Code that picks its device with ``torch.cuda.is_available()`` runs on the CPU.

>>> torch.cuda.is_available(), torch.cuda.device_count()
(False, 0)
"""


def is_available() -> bool:
    """False: chainrule computes on the CPU.

    >>> torch.cuda.is_available()
    False
    """
    return False


def device_count() -> int:
    """0: there is no CUDA device.

    >>> torch.cuda.device_count()
    0
    """
    return 0


def manual_seed(seed: int) -> None:
    """Accepted and ignored (there is no GPU generator to seed), as in PyTorch without CUDA.

    >>> torch.cuda.manual_seed(0)
    """


def manual_seed_all(seed: int) -> None:
    """Accepted and ignored, as ``manual_seed``.

    >>> torch.cuda.manual_seed_all(0)
    """


def synchronize(device=None) -> None:
    """Nothing to wait for on the CPU.

    >>> torch.cuda.synchronize()
    """
