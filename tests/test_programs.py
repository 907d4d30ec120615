"""The program corpus (tests/programs/): programs written as PyTorch course material and
tutorials write them, each run by `python -m chainrule run`, must print what real PyTorch
printed (tests/programs/expected/, made by check.py --regenerate), line by line under the
tolerance rules of output_compare.  A clone without PyTorch checks itself against those
files; with PyTorch installed, the files are checked against PyTorch as well."""
from __future__ import annotations

import json
import os
import subprocess
import sys

import pytest

from output_compare import assert_same_output
from programs import check


@pytest.mark.parametrize("name", check.PROGRAMS)
def test_program_prints_what_pytorch_prints(name):
    done = check.run(name)
    assert done.returncode == 0, done.stderr[-3000:]
    assert "Traceback" not in done.stderr, done.stderr[-3000:]
    assert_same_output(check.expected(name), done.stdout)


def test_the_corpus_covers_the_idioms_of_course_material():
    sources = "\n".join((check.HERE / f"{n}.py").read_text() for n in check.PROGRAMS
                        if n not in check.MODULES)
    sources += (check.HERE / "trainer_package" / "train.py").read_text()
    assert len(check.PROGRAMS) >= 20
    for idiom in ("import torch.nn as nn", "from torch import nn, optim",
                  "import torch.nn.functional as F", "from torch.utils.data import DataLoader",
                  "import torch.optim as optim", "from tqdm import", "import matplotlib",
                  "torch.save(", "torch.load(", "load_state_dict(", "from .model import"):
        assert idiom in sources, idiom


def test_expected_outputs_are_what_pytorch_prints():
    """The stored outputs against PyTorch itself, all programs in one process."""
    pytest.importorskip("torch")
    done = subprocess.run([sys.executable, str(check.HERE / "check.py"), "--torch-outputs"],
                          capture_output=True, text=True, timeout=600,
                          env={**os.environ, **check.ENVIRONMENT})
    assert done.returncode == 0, done.stderr[-3000:]
    outputs = json.loads(done.stdout.splitlines()[-1])
    for name in check.PROGRAMS:
        assert_same_output(check.expected(name), outputs[name])
