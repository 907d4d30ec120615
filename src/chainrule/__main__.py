"""``python -m chainrule``: run a program written for PyTorch with chainrule as ``torch``.

    python -m chainrule run train.py --epochs 3     # a script, with its arguments
    python -m chainrule run -m package.module ARGS  # a module, as python -m runs it
    python -m chainrule run -c "import torch; print(torch.ones(2))"
    python -m chainrule --version

The program runs as ``__main__`` with ``sys.argv`` and ``sys.path[0]`` set as
Python sets them, and with every ``import torch...`` answered by chainrule
(see ``chainrule.install_as_torch``).
"""
from __future__ import annotations

import os
import runpy
import sys
import types

USAGE = """\
usage: python -m chainrule run SCRIPT [ARGS...]
       python -m chainrule run -m MODULE [ARGS...]
       python -m chainrule run -c CODE [ARGS...]
       python -m chainrule --version | --help

Runs a program written for PyTorch with chainrule answering `import torch` and
every `import torch.<sub>` (torch.nn, torch.optim, torch.utils.data, ...): the
program runs unchanged, as `python SCRIPT` would run it (as __main__, with the
same sys.argv and sys.path[0]).  A torch submodule chainrule does not have is
reported at its import.

In a notebook or an interpreter, call chainrule.install_as_torch() before
`import torch` instead.
"""


def main(argv: list[str] | None = None) -> int:
    """The command line; returns the exit status (the program's own, when it runs one)."""
    argv = sys.argv[1:] if argv is None else argv
    if not argv or argv[0] in ("-h", "--help", "help"):
        print(USAGE, end="")
        return 0 if argv else 2
    if argv[0] in ("-V", "--version"):
        import numpy

        import chainrule
        print(f"chainrule {chainrule.__version__} (NumPy {numpy.__version__}, Python "
              f"{sys.version.split()[0]})")
        return 0
    if argv[0] != "run":
        print(f"python -m chainrule: unknown command {argv[0]!r}\n\n{USAGE}", end="",
              file=sys.stderr)
        return 2
    rest = argv[1:]
    if not rest or rest[0] in ("-h", "--help"):
        print(USAGE, end="")
        return 0 if rest else 2
    if rest[0] in ("-m", "-c") and len(rest) < 2:
        print(f"python -m chainrule run: {rest[0]} needs an argument\n\n{USAGE}", end="",
              file=sys.stderr)
        return 2
    import chainrule
    chainrule.install_as_torch()
    if rest[0] == "-m":
        return _run(lambda: _run_module(rest[1], rest[2:]))
    if rest[0] == "-c":
        return _run(lambda: _run_code(rest[1], rest[2:]))
    if not os.path.exists(rest[0]):
        print(f"python -m chainrule run: can't open file {os.path.abspath(rest[0])!r}: "
              "No such file or directory", file=sys.stderr)
        return 2
    return _run(lambda: _run_script(rest[0], rest[1:]))


def _run_script(path: str, args: list[str]) -> None:
    sys.argv = [path, *args]
    # As `python path` does: the script's folder (links resolved) first on the path.
    sys.path[0] = os.path.dirname(os.path.realpath(path))
    if os.path.isdir(path) or not path.endswith((".py", ".pyw")) and _is_zip(path):
        runpy.run_path(path, run_name="__main__")
        return
    with open(path, "rb") as fh:
        source = fh.read()
    filename = os.path.abspath(path)
    code = compile(source, filename, "exec")  # bytes: compile honours a coding: line
    main_module = types.ModuleType("__main__")
    main_module.__file__ = filename
    main_module.__builtins__ = __builtins__
    main_module.__spec__ = None
    main_module.__loader__ = None
    main_module.__cached__ = None
    # The program is __main__ for pickle too (torch.save of a model whose class it defines).
    sys.modules["__main__"] = main_module
    exec(code, main_module.__dict__)


def _run_module(name: str, args: list[str]) -> None:
    sys.argv = [name, *args]  # run_module replaces argv[0] with the module's file
    # sys.path[0] is already the working folder, as `python -m` sets it.
    runpy.run_module(name, run_name="__main__", alter_sys=True)


def _run_code(code: str, args: list[str]) -> None:
    sys.argv = ["-c", *args]
    sys.path[0] = ""
    main_module = types.ModuleType("__main__")
    main_module.__builtins__ = __builtins__
    sys.modules["__main__"] = main_module
    exec(compile(code, "<string>", "exec"), main_module.__dict__)


def _is_zip(path: str) -> bool:
    import zipfile
    return zipfile.is_zipfile(path)


def _run(program) -> int:
    """Run ``program``; an uncaught exception prints as Python prints it, without our frames."""
    try:
        program()
    except SystemExit as e:
        code = e.code
        if code is None or isinstance(code, int):
            return code or 0
        print(code, file=sys.stderr)
        return 1
    except BaseException as e:  # noqa: BLE001 - the program's error, reported as python would
        tb = e.__traceback__
        ours = {os.path.abspath(__file__), os.path.abspath(runpy.__file__)}
        while tb is not None and (os.path.abspath(tb.tb_frame.f_code.co_filename) in ours
                                  or tb.tb_frame.f_code.co_filename.startswith("<frozen")):
            tb = tb.tb_next
        sys.excepthook(type(e), e.with_traceback(tb), tb)  # the hook prints e's own
        return 130 if isinstance(e, KeyboardInterrupt) else 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
