"""pytest set-up for the whole tree: the namespace the docstring examples run in.

Every example in ``src/chainrule`` is written as PyTorch's and NumPy's are, for a reader
who has done ``import chainrule as torch`` and ``import numpy as np`` (PyTorch's own
examples assume ``import torch``, NumPy's ``import numpy as np``), so those lines are not
repeated in a thousand docstrings.  The examples of ``chainrule.numpy``, whose point is to
stand in for NumPy, are written for a reader who has done ``import chainrule`` and
``import chainrule.numpy as np``.
"""
import numpy
import pytest

import chainrule
import chainrule.numpy


def _names(module: str) -> dict:
    """The names the examples of ``module`` assume imported."""
    if module == "chainrule.numpy" or module.startswith("chainrule.numpy."):
        return {"torch": chainrule, "chainrule": chainrule, "np": chainrule.numpy}
    return {"torch": chainrule, "np": numpy}


@pytest.fixture(autouse=True)
def _names_in_doctests(request: pytest.FixtureRequest, doctest_namespace: dict) -> None:
    # one dict serves every doctest of the session: set it afresh for each example's module
    dtest = getattr(request.node, "dtest", None)
    doctest_namespace.clear()
    doctest_namespace.update(_names(dtest.globs["__name__"] if dtest is not None else ""))
