"""The pages in docs/: every example on them runs and prints what it shows."""
from __future__ import annotations

import doctest
import pathlib

import pytest

DOCS = pathlib.Path(__file__).resolve().parent.parent / "docs"
PAGE = DOCS / "autograd-conventions.md"


def test_conventions_page_examples():
    result = doctest.testfile(str(PAGE), module_relative=False, optionflags=doctest.ELLIPSIS)
    assert result.attempted > 10 and result.failed == 0


def test_engine_in_20_lines_page_examples():
    result = doctest.testfile(str(DOCS / "engine-in-20-lines.md"), module_relative=False)
    assert result.attempted >= 10 and result.failed == 0


def test_page_agrees_with_torch():
    torch = pytest.importorskip("torch")
    import chainrule as cr
    cases = [(lambda lib: lib.relu, [-1.0, 0.0, 1.0]), (lambda lib: lib.abs, [-1.0, 0.0, 1.0]),
             (lambda lib: (lambda x: x.clamp(0.0, 1.0)), [0.0, 0.5, 1.0]),
             (lambda lib: (lambda x: x.max()), [1.0, 3.0, 3.0]),
             (lambda lib: (lambda x: x.max(dim=0).values), [1.0, 3.0, 3.0]),
             (lambda lib: lib.sqrt, [0.0, 4.0]), (lambda lib: (lambda x: x.norm()), [0.0, 0.0])]
    for make, values in cases:
        grads = []
        for lib in (cr, torch):
            x = lib.tensor(values, requires_grad=True)
            make(lib)(x).sum().backward()
            grads.append(x.grad.tolist())
        assert grads[0] == grads[1], (values, grads)


def _readme_programs() -> list[str]:
    """The README's Python blocks that are whole programs (they start with an import)."""
    text = (DOCS.parent / "README.md").read_text()
    blocks = text.split("```python\n")[1:]
    return [b.split("```")[0] for b in blocks if b.startswith("import ")]


def test_readme_programs_run_and_print_what_they_say(tmp_path, monkeypatch, capsys):
    programs = _readme_programs()
    assert len(programs) >= 2
    monkeypatch.chdir(tmp_path)  # they write their pictures and pages here
    for program in programs:
        exec(compile(program, "README.md", "exec"), {})
        printed = capsys.readouterr().out.splitlines()
        # A print whose line ends in a comment shows what it prints.
        said = [line.split("# ", 1)[1].strip() for line in program.splitlines()
                if line.startswith("print(") and "# " in line]
        assert printed[:len(said)] == said
