"""``torch.random``: the random-number functions under their module name, as notebooks call
them (``torch.random.manual_seed(42)``), and ``fork_rng``.

Numbers come from NumPy's PCG64: a seed repeats chainrule's numbers, not PyTorch's.

>>> _ = torch.random.manual_seed(42); a = torch.rand(2)
>>> _ = torch.random.manual_seed(42); torch.equal(a, torch.rand(2))
True
"""
from __future__ import annotations

import contextlib

from .functions.random import (  # noqa: F401  (this module's names)
    Generator,
    default_generator,
    get_rng_state,
    initial_seed,
    manual_seed,
    seed,
    set_rng_state,
)


@contextlib.contextmanager
def fork_rng(devices=None, enabled: bool = True, device_type: str = "cuda"):
    """Inside the block, random numbers may be drawn and seeds set; after it, the generator
    is back where it was.

    >>> _ = torch.manual_seed(0); first = torch.rand(1)
    >>> _ = torch.manual_seed(0)
    >>> with torch.random.fork_rng():
    ...     _ = torch.manual_seed(123); _ = torch.rand(5)
    >>> torch.equal(torch.rand(1), first)
    True
    """
    if not enabled:
        yield
        return
    state = get_rng_state()
    try:
        yield
    finally:
        set_rng_state(state)
