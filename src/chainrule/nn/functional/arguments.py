"""Argument handling that several ``nn.functional`` families share, with PyTorch's errors.

The helpers live with the ``torch.*`` functions (``chainrule.functions.arguments``),
which need them too (``torch.conv2d``, ``torch.max_pool2d``, ...); they are named here
for the topics of ``nn.functional``.
"""
from __future__ import annotations

from ...functions.arguments import floating_only, pair, require_tensor, with_batch

__all__ = ["floating_only", "pair", "require_tensor", "with_batch"]
