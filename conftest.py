"""pytest set-up for the whole tree: the namespace the docstring examples run in.

Every example in ``src/chainrule`` is written as PyTorch's are, for a reader who has
done ``import chainrule as torch`` (PyTorch's own examples assume ``import torch``), so
the line is not repeated in a thousand docstrings.
"""
import pytest

import chainrule


@pytest.fixture(autouse=True)
def _torch_in_doctests(doctest_namespace: dict) -> None:
    doctest_namespace["torch"] = chainrule
