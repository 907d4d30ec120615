"""Transforms: invertible maps with a log-Jacobian, for ``TransformedDistribution``.

A transform maps ``x`` in its ``domain`` to ``y = t(x)`` in its ``codomain``; ``t.inv(y)``
maps back and ``t.log_abs_det_jacobian(x, y)`` is ``log |dy/dx|``, summed over the event.

>>> from chainrule.distributions import transforms as T
>>> t = T.ComposeTransform([T.AffineTransform(1.0, 2.0), T.ExpTransform()])
>>> x = torch.tensor([0.0, 1.0])
>>> y = t(x); y, [round(v, 6) for v in t.inv(y).tolist()]
(tensor([ 2.7183, 20.0855]), [0.0, 1.0])
>>> t.log_abs_det_jacobian(x, y)
tensor([1.6931, 3.6931])
"""
from __future__ import annotations

from ._elementwise_transforms import (
    AbsTransform,
    AffineTransform,
    CorrCholeskyTransform,
    ExpTransform,
    LowerCholeskyTransform,
    PositiveDefiniteTransform,
    PowerTransform,
    SigmoidTransform,
    SoftmaxTransform,
    SoftplusTransform,
    StickBreakingTransform,
    TanhTransform,
)
from ._shape_transforms import (
    CatTransform,
    CumulativeDistributionTransform,
    IndependentTransform,
    ReshapeTransform,
    StackTransform,
)
from ._transform_base import ComposeTransform, Transform, identity_transform

__all__ = ["AbsTransform", "AffineTransform", "CatTransform", "ComposeTransform",
           "CorrCholeskyTransform", "CumulativeDistributionTransform", "ExpTransform",
           "IndependentTransform", "LowerCholeskyTransform", "PositiveDefiniteTransform",
           "PowerTransform", "ReshapeTransform", "SigmoidTransform", "SoftplusTransform",
           "TanhTransform", "SoftmaxTransform", "StackTransform", "StickBreakingTransform",
           "Transform", "identity_transform"]
