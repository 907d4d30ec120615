"""`python -m chainrule run` and `chainrule.install_as_torch()`: PyTorch programs import
chainrule however they spell `import torch`, with one copy of every module and class; the
runner sets sys.argv and sys.path as Python does; what chainrule lacks is named at once."""
from __future__ import annotations

import importlib
import os
import subprocess
import sys
import textwrap

import pytest

import chainrule

SUBMODULES = ["nn", "nn.functional", "nn.init", "nn.utils", "nn.utils.rnn", "optim",
              "optim.lr_scheduler", "utils", "utils.data", "autograd", "autograd.functional",
              "func", "linalg", "cuda", "backends", "backends.cudnn", "backends.mps",
              "backends.cuda", "accelerator"]


def _run(*args, cwd=None, input=None):
    return subprocess.run([sys.executable, "-m", "chainrule", *args], capture_output=True,
                          text=True, cwd=cwd, timeout=120, input=input,
                          env=dict(os.environ, MPLBACKEND="Agg"))


def test_help_and_version():
    done = _run("--help")
    assert done.returncode == 0 and "python -m chainrule run SCRIPT" in done.stdout
    assert _run("run", "--help").stdout == done.stdout
    done = _run("--version")
    assert done.returncode == 0 and done.stdout.startswith(f"chainrule {chainrule.__version__}")
    assert _run().returncode == 2
    done = _run("train.py")
    assert done.returncode == 2 and "unknown command 'train.py'" in done.stderr
    done = _run("run", "no_such_file.py")
    assert done.returncode == 2 and "can't open file" in done.stderr


def test_script_runs_as_python_would_run_it(tmp_path):
    folder = tmp_path / "project"
    folder.mkdir()
    (folder / "helper.py").write_text("VALUE = 41\n")
    (folder / "main.py").write_text(textwrap.dedent("""\
        import os, pickle, sys
        import torch
        import torch.nn as nn
        from helper import VALUE  # found on sys.path[0], the script's folder
        class Net(nn.Module):
            pass
        print(__name__, sys.argv, VALUE + 1)
        print(sys.path[0] == os.path.dirname(os.path.abspath(__file__)))
        print(torch.__name__, type(pickle.loads(pickle.dumps(Net()))).__name__)
        sys.exit(int(sys.argv[-1]))
        """))
    done = _run("run", str(folder / "main.py"), "--flag", "3", cwd=tmp_path)
    assert done.returncode == 3, done.stderr
    assert done.stdout.splitlines() == [
        f"__main__ ['{folder / 'main.py'}', '--flag', '3'] 42", "True", "chainrule Net"]


def test_module_and_code_run_as_python_dash_m_and_dash_c(tmp_path):
    package = tmp_path / "pkg"
    package.mkdir()
    (package / "__init__.py").write_text("")
    (package / "shared.py").write_text("import torch\nLAYER = torch.nn.Linear\n")
    (package / "app.py").write_text(textwrap.dedent("""\
        import sys
        from torch import nn
        from .shared import LAYER
        print(__name__, sys.argv[1:], LAYER is nn.Linear, sys.argv[0].endswith("app.py"))
        """))
    done = _run("run", "-m", "pkg.app", "a", "b", cwd=tmp_path)
    assert done.returncode == 0, done.stderr
    assert done.stdout == "__main__ ['a', 'b'] True True\n"
    done = _run("run", "-c", "import sys, torch; print(torch.ones(2), sys.argv)", "x")
    assert done.stdout == "tensor([1., 1.]) ['-c', 'x']\n"
    assert _run("run", "-m").returncode == 2


def test_an_error_prints_the_programs_traceback_only(tmp_path):
    script = tmp_path / "broken.py"
    script.write_text("import torch\n\ndef f():\n    return torch.ones(2) @ torch.ones(3)\n\nf()\n")
    done = _run("run", str(script))
    assert done.returncode == 1
    lines = done.stderr.splitlines()
    assert lines[0] == "Traceback (most recent call last):"
    assert lines[1].startswith(f'  File "{script}", line 6')  # the program's frame first
    assert "runpy" not in done.stderr and "__main__.py" not in done.stderr
    assert lines[-1].startswith("RuntimeError")


@pytest.fixture
def alias():
    handle = chainrule.install_as_torch()
    yield handle
    handle.uninstall()


def test_every_import_style_gives_the_same_module_objects(alias):
    import torch
    assert torch is chainrule
    for name in SUBMODULES:
        assert importlib.import_module(f"torch.{name}") is importlib.import_module(
            f"chainrule.{name}"), name
    import torch.nn as nn
    import torch.nn.functional as F
    from torch import nn as nn2
    from torch import optim
    from torch.optim.lr_scheduler import StepLR
    from torch.utils.data import DataLoader
    assert nn is nn2 is chainrule.nn and F is chainrule.nn.functional
    assert optim.SGD is chainrule.optim.SGD and StepLR is chainrule.optim.lr_scheduler.StepLR
    assert DataLoader is chainrule.utils.data.DataLoader
    assert sys.modules["torch.nn"].__spec__.name == "chainrule.nn"  # its own spec, kept
    # the failure two copies made: "optimizer can only optimize Tensors, but ... Parameter"
    model = nn.Linear(2, 1)
    optim.SGD(model.parameters(), lr=0.1).step()
    assert isinstance(model.weight, torch.nn.Parameter)


def test_what_chainrule_lacks_is_named_at_once(alias):
    with pytest.raises(ModuleNotFoundError, match="torch.distributed is not in chainrule") as e:
        import torch.distributed  # noqa: F401
    assert e.value.name == "torch.distributed"
    with pytest.raises(ModuleNotFoundError, match="torch.nn.no_such_thing is not in chainrule"):
        importlib.import_module("torch.nn.no_such_thing")
    import torch
    with pytest.raises(AttributeError, match=r"torch.fft is not in chainrule"):
        torch.fft  # noqa: B018
    with pytest.raises(ImportError, match="no_such_name"):
        from torch import no_such_name  # noqa: F401


def test_install_is_explicit_reversible_and_nests():
    torch = pytest.importorskip("torch")  # the real one, imported before
    assert torch is not chainrule
    with chainrule.install_as_torch() as outer:
        assert sys.modules["torch"] is chainrule
        inner = chainrule.install_as_torch()
        import torch.nn as nn
        inner.uninstall()  # nested: the outer alias stays
        assert sys.modules["torch"] is chainrule and nn is chainrule.nn
        assert "installed" in repr(outer)
    import torch as again
    import torch.nn as real_nn
    assert again is torch and real_nn is torch.nn and sys.modules["torch.nn"] is torch.nn
    assert not any(isinstance(f, type(outer._finder)) for f in sys.meta_path)


def test_device_and_thread_lines_answer_as_pytorch_for_the_cpu():
    torch = pytest.importorskip("torch")
    for lib in (torch, chainrule):
        lib.set_default_device("cpu")
    probes = [
        lambda t: t.cuda.is_available(), lambda t: t.backends.mps.is_available(),
        lambda t: t.backends.mps.is_built(), lambda t: t.backends.cudnn.is_available(),
        lambda t: t.backends.cudnn.enabled, lambda t: t.backends.cudnn.benchmark,
        lambda t: t.backends.cudnn.deterministic, lambda t: t.backends.cudnn.version(),
        lambda t: t.backends.cuda.is_built(), lambda t: t.backends.cuda.matmul.allow_tf32,
        lambda t: t.backends.cuda.flash_sdp_enabled(), lambda t: t.accelerator.is_available(),
        lambda t: t.accelerator.current_accelerator(), lambda t: t.accelerator.device_count(),
        lambda t: str(t.get_default_device()), lambda t: t.get_num_threads(),
        lambda t: t.get_num_interop_threads(),
    ]
    for probe in probes:
        assert probe(chainrule) == probe(torch)
    for lib in (torch, chainrule):
        with pytest.raises(RuntimeError, match="Cannot access accelerator device"):
            lib.accelerator.current_device_index()
        with pytest.raises(RuntimeError, match="positive integer"):
            lib.set_num_threads(0)
        lib.set_default_device(None)
    before = chainrule.get_num_threads()
    chainrule.set_num_threads(1)
    assert chainrule.get_num_threads() == 1
    chainrule.set_num_threads(before)
    with pytest.raises(AssertionError, match="not compiled with CUDA"):
        chainrule.set_default_device("cuda")


def test_docs_page_examples():
    """docs/pytorch-programs.md: its examples run and print what the page shows."""
    import doctest
    import pathlib
    page = pathlib.Path(__file__).resolve().parent.parent / "docs" / "pytorch-programs.md"
    result = doctest.testfile(str(page), module_relative=False)
    assert result.attempted >= 5 and result.failed == 0


def test_torch_random_and_the_deprecated_range_as_course_notebooks_call_them():
    torch = pytest.importorskip("torch")
    import warnings
    for args in [(0, 10), (1, 4, 0.5), (5, 1, -1), (0, 1, 0.3)]:
        with warnings.catch_warnings(record=True) as ours:
            warnings.simplefilter("always")
            got, expected = chainrule.range(*args), torch.range(*args)
        assert got.tolist() == expected.tolist() and got.dtype is chainrule.float32
        assert "torch.range is deprecated" in str(ours[0].message)
    for name in ("manual_seed", "seed", "initial_seed", "get_rng_state", "set_rng_state",
                 "fork_rng", "default_generator"):
        assert hasattr(chainrule.random, name) and hasattr(torch.random, name)
    chainrule.random.manual_seed(42)
    first = chainrule.rand(3)
    chainrule.random.manual_seed(42)
    assert chainrule.equal(first, chainrule.rand(3))
