"""Learning-rate schedules (``torch.optim.lr_scheduler``): each ``step()`` sets the lr of
every parameter group.

The schedules are PyTorch's *chainable* forms: most compute the next lr from the
group's current lr (``lr * gamma``), not from a closed form, so that two
schedulers stepping the same optimiser (``ChainedScheduler``) compose their
factors, and ``SequentialLR`` can hand over from one to the next.  Passing
``epoch=`` to ``step`` uses the closed form where PyTorch has one (deprecated
there too).  By kind: ``base`` (LRScheduler), ``fixed`` (formulas of the step
count), ``composite``, ``plateau``, ``cyclic``.
"""
from .base import LRScheduler
from .composite import ChainedScheduler, SequentialLR
from .cyclic import CosineAnnealingWarmRestarts, CyclicLR, OneCycleLR
from .fixed import (
    ConstantLR,
    CosineAnnealingLR,
    ExponentialLR,
    LambdaLR,
    LinearLR,
    MultiplicativeLR,
    MultiStepLR,
    PolynomialLR,
    StepLR,
)
from .plateau import ReduceLROnPlateau

__all__ = ["LambdaLR", "MultiplicativeLR", "StepLR", "MultiStepLR", "ConstantLR", "LinearLR",
           "ExponentialLR", "SequentialLR", "CosineAnnealingLR", "ChainedScheduler",
           "ReduceLROnPlateau", "CyclicLR", "CosineAnnealingWarmRestarts", "OneCycleLR",
           "PolynomialLR", "LRScheduler"]

_LRScheduler = LRScheduler  # PyTorch's old name
