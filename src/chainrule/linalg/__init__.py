"""``torch.linalg``: norms, inverses, solvers and decompositions of (batches of) matrices.

Real floating-point inputs only (chainrule has no complex dtypes, so ``eig`` and
``eigvals``, whose results are complex, are not here: ``eigh`` serves symmetric matrices).
One module per topic: ``norms``, ``solvers`` (inverses, determinants, solves),
``decompositions`` and ``products``; the derivative rules are rows in
``chainrule.ops.decompositions``, ``ops.solvers`` and ``ops.matrix_functions``.

    >>> A = torch.tensor([[2., 1.], [1., 3.]])
    >>> torch.linalg.solve(A, torch.tensor([3., 5.]))
    tensor([0.8000, 1.4000])
"""
from __future__ import annotations

from ..ops.solvers import LinAlgError
from .decompositions import *  # noqa: F403
from .decompositions import __all__ as _decompositions
from .norms import *  # noqa: F403
from .norms import __all__ as _norms
from .products import *  # noqa: F403
from .products import __all__ as _products
from .solvers import *  # noqa: F403
from .solvers import __all__ as _solvers

__all__ = ["LinAlgError", *_norms, *_solvers, *_decompositions, *_products]
