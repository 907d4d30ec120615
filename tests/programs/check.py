"""Run the program corpus with chainrule and compare what it prints with PyTorch's output.

The programs beside this file are written as PyTorch course material and tutorials write
them (every import style, DataLoader, tqdm, matplotlib, checkpoints saved and resumed),
on synthetic data.  ``expected/<name>.txt`` is what real PyTorch printed running them:
made by ``--regenerate``, never typed in.  Outputs are compared line by line under the rules
of ``tests/output_compare.py`` (numbers within a relative 1e-4 or one unit of their last
printed digit; all else identical).

    python tests/programs/check.py                  # each program: python -m chainrule run
    python tests/programs/check.py lecture_autodiff # some of them
    python tests/programs/check.py --regenerate     # expected/ from real PyTorch (installed)
"""
from __future__ import annotations

import argparse
import os
import subprocess
import sys
import tempfile
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent))
from output_compare import differences  # noqa: E402  (tests/ is not a package)

# Programs with command-line arguments, and the one run as a module (-m) from this folder.
ARGUMENTS = {"argparse_training": ["--epochs", "3", "--lr", "0.1"]}
MODULES = {"trainer_package": ["-m", "trainer_package.train", "--hidden", "6"]}
PROGRAMS = sorted([p.stem for p in HERE.glob("*.py") if p.stem not in ("check", "conftest")]
                  + list(MODULES))


def command(name: str, torch: bool, python: str = sys.executable) -> list[str]:
    """How the program ``name`` is run: by ``python`` itself (PyTorch) or through chainrule."""
    runner = [python] if torch else [python, "-m", "chainrule", "run"]
    if name in MODULES:
        return runner + MODULES[name]
    return runner + [str(HERE / f"{name}.py")] + ARGUMENTS.get(name, [])


# Matplotlib draws to files; PyTorch computes on one thread (its worker threads only wait on
# each other for operations this small, and on a busy machine that waiting dominates).
ENVIRONMENT = {"MPLBACKEND": "Agg", "OMP_NUM_THREADS": "1"}


def run(name: str, torch: bool = False, python: str = sys.executable,
        timeout: float = 300) -> subprocess.CompletedProcess:
    """Run one program in a fresh process and a fresh working folder.  Module programs run
    from this folder, as ``python -m`` expects."""
    env = dict(os.environ, **ENVIRONMENT)
    with tempfile.TemporaryDirectory() as work:
        return subprocess.run(command(name, torch, python), capture_output=True, text=True,
                              env=env, cwd=HERE if name in MODULES else work, timeout=timeout)


def torch_outputs_in_one_process(names: list[str]) -> dict:
    """What each program prints with real PyTorch, all run in this process (PyTorch imported
    once, which is what makes checking the whole corpus against it quick); the state the
    programs change (folder, argv, default device, figures) is put back after each."""
    import contextlib
    import io
    import runpy

    import matplotlib
    matplotlib.use("Agg")
    import matplotlib.pyplot as plt
    import torch
    outputs = {}
    start, argv, path = os.getcwd(), sys.argv[:], sys.path[:]
    for name in names:
        buffer = io.StringIO()
        with tempfile.TemporaryDirectory() as work, contextlib.redirect_stdout(buffer):
            try:
                if name in MODULES:
                    os.chdir(HERE)
                    sys.argv = [MODULES[name][1], *MODULES[name][2:]]
                    sys.path.insert(0, str(HERE))
                    runpy.run_module(MODULES[name][1], run_name="__main__", alter_sys=True)
                else:
                    os.chdir(work)
                    sys.argv = [str(HERE / f"{name}.py"), *ARGUMENTS.get(name, [])]
                    sys.path.insert(0, str(HERE))
                    runpy.run_path(str(HERE / f"{name}.py"), run_name="__main__")
            except SystemExit:
                pass
            finally:
                os.chdir(start)
                sys.argv, sys.path[:] = argv[:], path
                torch.set_default_device(None)
                plt.close("all")
        outputs[name] = buffer.getvalue()
    return outputs


def expected(name: str) -> str:
    return (HERE / "expected" / f"{name}.txt").read_text()


def regenerate(names: list[str], python: str) -> None:
    for name in names:
        done = run(name, torch=True, python=python)
        if done.returncode != 0:
            sys.exit(f"{name} failed with PyTorch:\n{done.stderr[-2000:]}")
        (HERE / "expected" / f"{name}.txt").write_text(done.stdout)
        print(f"{name}: {len(done.stdout.splitlines())} lines from PyTorch")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("names", nargs="*", help="programs to run (default: all)")
    parser.add_argument("--regenerate", action="store_true",
                        help="write expected/ by running the programs with PyTorch")
    parser.add_argument("--python", default=sys.executable, help="the interpreter to use")
    parser.add_argument("--torch-outputs", action="store_true",
                        help="print, as JSON, what each program prints with PyTorch, all run "
                             "in one process")
    args = parser.parse_args()
    names = args.names or PROGRAMS
    if args.torch_outputs:
        import json
        outputs = torch_outputs_in_one_process(names)
        print(json.dumps(outputs))
        return
    if args.regenerate:
        regenerate(names, args.python)
        return
    same = 0
    for name in names:
        done = run(name, python=args.python)
        diff = differences(expected(name), done.stdout)
        if done.returncode == 0 and not diff:
            same += 1
            print(f"{name}: same output as PyTorch ({len(done.stdout.splitlines())} lines)")
        else:
            print(f"{name}: DIFFERS")
            print("\n".join(["  " + d for d in diff[:10]] +
                            ["  " + line for line in done.stderr.splitlines()[-8:]]))
    print(f"{same} of {len(names)} programs print what PyTorch prints")
    sys.exit(0 if same == len(names) else 1)


if __name__ == "__main__":
    main()
