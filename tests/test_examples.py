"""The examples run on their own, in fast mode, and do what they say."""
from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

EXAMPLES = Path(__file__).resolve().parent.parent / "examples"


def _run(name, tmp_path, *extra):
    pytest.importorskip("matplotlib")
    env = dict(os.environ, MPLBACKEND="Agg",
               # the suite runs one worker per core; BLAS threads on top would oversubscribe
               OPENBLAS_NUM_THREADS="1", OMP_NUM_THREADS="1", MKL_NUM_THREADS="1")
    done = subprocess.run([sys.executable, str(EXAMPLES / name), "--out", str(tmp_path), *extra],
                          capture_output=True, text=True, timeout=120, env=env)
    assert done.returncode == 0, done.stdout + done.stderr
    return done.stdout


def test_house_prices_reaches_the_target(tmp_path):
    out = _run("house_prices.py", tmp_path, "--fast")
    losses = [float(line.split()[-1]) for line in out.splitlines() if line.startswith("step")]
    assert losses[0] > 1e5 and losses[-1] < 1e-3  # it stops once the loss stays below 1e-3
    assert "final weights" in out
    assert (tmp_path / "house_prices_loss.png").stat().st_size > 1000


@pytest.mark.parametrize("name", ["digits_mlp.py", "digits_lenet.py"])
def test_digits_examples_train(name, tmp_path):
    pytest.importorskip("sklearn")
    pytest.importorskip("tqdm")
    out = _run(name, tmp_path, "--fast")
    acc = float(out.split("test accuracy after")[1].split(":")[1].split("%")[0])
    assert acc > 50  # a few epochs already learn; the full runs reach 97% / 98%
    assert (tmp_path / name.replace(".py", ".png")).stat().st_size > 1000
