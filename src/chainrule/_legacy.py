"""Deprecated PyTorch functions older course material still calls, with PyTorch's warning.

>>> import chainrule as torch, warnings
>>> with warnings.catch_warnings():
...     warnings.simplefilter("ignore")
...     torch.range(0, 3)
tensor([0., 1., 2., 3.])
"""
from __future__ import annotations

import warnings


def range(start, end, step=1, *, dtype=None, device=None,  # noqa: A001 - PyTorch's name
          requires_grad: bool = False):
    """Values from ``start`` to ``end`` inclusive (deprecated in PyTorch: use ``arange``).

    The default dtype is the default float dtype, whatever the arguments.

    >>> import chainrule as torch, warnings
    >>> with warnings.catch_warnings(record=True) as caught:
    ...     warnings.simplefilter("always")
    ...     torch.range(1, 2, 0.5), caught[0].category.__name__
    (tensor([1.0000, 1.5000, 2.0000]), 'UserWarning')
    """
    import chainrule
    warnings.warn("torch.range is deprecated and will be removed in a future release because "
                  "its behavior is inconsistent with Python's range builtin. Instead, use "
                  "torch.arange, which produces values in [start, end).", UserWarning,
                  stacklevel=2)
    if step == 0:
        raise RuntimeError("step must be nonzero")
    count = max(int((end - start) // step) + 1, 0)
    values = chainrule.arange(count, dtype=chainrule.float64) * step + start
    out = values.to(dtype or chainrule.get_default_dtype())
    return out.requires_grad_() if requires_grad else out
