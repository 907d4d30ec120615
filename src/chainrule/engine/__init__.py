"""The autograd engine: how operations are recorded and how the chain rule runs backwards.

Read it in this order (each module imports only the ones before it):

- ``grad_mode``: whether operations are recorded (``no_grad`` and friends).
- ``graph``: ``Node``, one recorded operation, and ``AccumulateGrad``, the node at a leaf.
- ``saved``: values kept for backward, checked against in-place changes.
- ``array_rules``: the derivative formulas rebuilt to run on plain NumPy arrays.
- ``anomaly``, ``forward_ad``: anomaly detection; forward-mode tangents.
- ``op``: ``Op``, a primitive with its derivative rules, and how calling it records a node.
- ``inplace``: in-place changes, also through views (CopySlices).
- ``hooks``: hooks on tensors.
- ``function``: ``torch.autograd.Function``, user-defined operations on the same nodes.
- ``backward``: the backward pass itself (``docs/engine-in-20-lines.md`` is its core
  in twenty lines), and ``torch.autograd.backward``/``grad``.

Two cores run it (``core``): the pure-Python one is the reference; a compiled one (the C
extension ``_core``, C twins of the hottest functions of ``op``) runs where it was built,
unless ``CHAINRULE_PURE=1``.  ``core_name()`` says which one runs.

The public API is ``chainrule.autograd``; this package is what it is built on.
"""
from .core import core_name

__all__ = ["core_name"]
