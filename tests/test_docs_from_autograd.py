"""docs/from-autograd.md: each program runs as written for HIPS autograd and for chainrule,
and both print what the page shows."""
from __future__ import annotations

import contextlib
import io
import pathlib
import re

import pytest

PAGE = pathlib.Path(__file__).resolve().parent.parent / "docs" / "from-autograd.md"


def _examples() -> list[tuple[str, str, str]]:
    """(before, after, printed) for each pair of programs on the page."""
    blocks = re.findall(r"```(python|text)\n(.*?)```", PAGE.read_text(), re.S)
    examples = []
    for i in range(0, len(blocks) - 2, 3):
        (k1, before), (k2, after), (k3, printed) = blocks[i:i + 3]
        assert (k1, k2, k3) == ("python", "python", "text"), blocks[i:i + 3]
        assert before.startswith("import autograd.numpy as np")
        assert after.startswith("import chainrule.numpy as np")
        examples.append((before, after, printed))
    return examples


def _printed(program: str) -> str:
    out = io.StringIO()
    with contextlib.redirect_stdout(out):
        exec(compile(program, str(PAGE), "exec"), {"__name__": "example"})
    return out.getvalue()


EXAMPLES = _examples()


def test_the_page_has_its_examples():
    assert len(EXAMPLES) >= 4


@pytest.mark.parametrize("index", range(len(EXAMPLES)))
def test_chainrule_prints_what_the_page_shows(index):
    _, after, printed = EXAMPLES[index]
    assert _printed(after) == printed


@pytest.mark.parametrize("index", range(len(EXAMPLES)))
def test_hips_autograd_prints_the_same(index):
    pytest.importorskip("autograd")
    before, _, printed = EXAMPLES[index]
    assert _printed(before) == printed


def test_the_programs_differ_only_in_their_imports():
    for before, after, _ in EXAMPLES:
        strip = [line for line in before.splitlines() if "import" not in line]
        assert strip == [line for line in after.splitlines() if "import" not in line]
