"""Anomaly detection names the backward node and shows the forward line that made it."""
from __future__ import annotations

import warnings

import pytest

import chainrule as cr


def test_nan_in_backward_names_node_and_forward_line():
    x = cr.tensor([0.0, 1.0], requires_grad=True)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        with cr.autograd.detect_anomaly():
            y = cr.sqrt(x) * 0  # THE LINE THAT CREATES THE NAN
            with pytest.raises(RuntimeError) as info:
                y.sum().backward()
    message = str(info.value)
    assert message.startswith("Function 'SqrtBackward0' returned nan values in its 0th output.")
    assert "THE LINE THAT CREATES THE NAN" in message
    assert not cr.engine.grad_mode.flags.anomaly


def test_same_node_name_as_torch():
    torch = pytest.importorskip("torch")
    t = torch.tensor([0.0, 1.0], requires_grad=True)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        with torch.autograd.detect_anomaly():
            with pytest.raises(RuntimeError, match="Function 'SqrtBackward0' returned nan"):
                (torch.sqrt(t) * 0).sum().backward()


def test_off_by_default_and_set_detect_anomaly():
    x = cr.tensor([0.0], requires_grad=True)
    (cr.sqrt(x) * 0).sum().backward()  # no check: nan quietly
    assert x.grad.isnan().all()
    cr.autograd.set_detect_anomaly(True)
    try:
        x = cr.tensor([0.0], requires_grad=True)
        with pytest.raises(RuntimeError, match="SqrtBackward0"):
            (cr.sqrt(x) * 0).sum().backward()
    finally:
        cr.autograd.set_detect_anomaly(False)
    with pytest.warns(UserWarning, match="Anomaly Detection has been enabled"):
        cr.autograd.detect_anomaly()


def test_forward_line_shown_from_a_folder_named_chainrule(tmp_path):
    """The filter knows chainrule's files by the package's folder, not by a folder name in
    the path: a user's program in a folder called chainrule keeps its line."""
    import subprocess
    import sys
    folder = tmp_path / "chainrule"
    folder.mkdir()
    script = folder / "user_program.py"
    script.write_text(
        "import warnings\nimport chainrule as cr\nwarnings.simplefilter('ignore')\n"
        "x = cr.tensor([0.0], requires_grad=True)\n"
        "with cr.autograd.detect_anomaly():\n"
        "    y = cr.sqrt(x) * 0  # USER LINE\n"
        "    try:\n        y.sum().backward()\n"
        "    except RuntimeError as e:\n        print(e)\n")
    out = subprocess.run([sys.executable, str(script)], capture_output=True, text=True,
                         cwd=tmp_path, timeout=60)
    assert "USER LINE" in out.stdout, out.stdout + out.stderr
    assert "user_program.py" in out.stdout
    assert "autograd/function.py" not in out.stdout.replace("\\", "/")
