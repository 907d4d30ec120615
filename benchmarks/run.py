"""Benchmark chainrule against PyTorch (CPU), HIPS autograd and hand-written NumPy.

Run with ``make bench`` or ``.venv/bin/python benchmarks/run.py [--quick] [--only NAME]
[--markdown]``. See ``benchmarks/README.md`` for what each row means.

Method, in one place:

* everything runs in this one process on one thread (``threadpool_limits(1)`` for
  NumPy's BLAS, ``torch.set_num_threads(1)``), except the rows that need a fresh
  interpreter (``import``, ``deep_chain_1m``), which run in subprocesses with the
  same limits;
* libraries are timed round-robin within each repeat (the starting library rotates),
  so drift in machine load hits all columns alike;
* each library is warmed up first, then every sample runs the workload enough times
  to last at least a few milliseconds (timer noise), and the table shows the median
  sample; ratios are chainrule / peer;
* before timing, each library's result is checked against PyTorch's, so a fast but
  wrong answer is flagged rather than celebrated.

No assertion here is about time: targets are reported, never enforced.
"""

from __future__ import annotations

import argparse
import contextlib
import gc
import json
import math
import os
import platform
import statistics
import subprocess
import sys
import time
import tracemalloc
from dataclasses import dataclass, field
from pathlib import Path
from types import ModuleType
from typing import Any, Callable

BENCH_DIR = Path(__file__).resolve().parent
REPO_SRC = BENCH_DIR.parent / "src"

# One thread everywhere, also for BLAS pools created before threadpoolctl acts and
# for the subprocesses (they inherit the environment).
for _var in ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS"):
    os.environ.setdefault(_var, "1")

import numpy as np  # noqa: E402  (after the thread environment variables on purpose)
import numpy_front  # noqa: E402  (numpy_logreg_grad: chainrule.numpy vs HIPS autograd)
import numpy_mlp  # noqa: E402
import training  # noqa: E402  (nn/optim/data workloads: train_digits_mlp, conv2d_step)
import workloads as wl  # noqa: E402

LIBS = ("chainrule", "torch", "autograd", "numpy")
MB = 1024 * 1024


# --------------------------------------------------------------------------- libraries


def _usable(mod: ModuleType, note: str) -> tuple[ModuleType | None, str]:
    # A src/chainrule folder without __init__.py imports as an empty namespace package.
    if getattr(mod, "__file__", None) is None:
        return None, "src/chainrule has no __init__.py yet (empty namespace package)"
    return mod, note


def import_chainrule() -> tuple[ModuleType | None, str]:
    """Import chainrule, falling back to ``<repo>/src`` when it is not pip-installed."""
    try:
        import chainrule

        return _usable(chainrule, "")
    except ModuleNotFoundError as exc:
        if exc.name != "chainrule" or not (REPO_SRC / "chainrule").is_dir():
            return None, f"{type(exc).__name__}: {exc}"
    except Exception as exc:  # the library is under construction: any failure is n/a
        return None, f"{type(exc).__name__}: {exc}"
    sys.path.insert(0, str(REPO_SRC))
    try:
        import chainrule

        return _usable(chainrule, "(imported from src/, not installed)")
    except Exception as exc:
        return None, f"{type(exc).__name__}: {exc}"


def load_libraries() -> tuple[dict[str, Any], dict[str, str]]:
    """Import every library that is available; return modules and a note per library."""
    mods: dict[str, Any] = {}
    notes: dict[str, str] = {}
    mod, note = import_chainrule()
    if mod is not None:
        mods["chainrule"] = mod
    notes["chainrule"] = note
    try:
        import torch

        torch.set_num_threads(1)
        try:
            torch.set_num_interop_threads(1)
        except RuntimeError:  # only allowed before any parallel work; harmless if late
            pass
        mods["torch"] = torch
        notes["torch"] = ""
    except ImportError as exc:
        notes["torch"] = f"not importable: {exc}"
    try:
        import autograd

        mods["autograd"] = autograd
        notes["autograd"] = ""
    except ImportError as exc:
        notes["autograd"] = f"not importable: {exc}"
    mods["numpy"] = np
    notes["numpy"] = ""
    return mods, notes


def one_blas_thread() -> Any:
    """``threadpool_limits(1)``, or a no-op (relying on *_NUM_THREADS=1) without threadpoolctl."""
    try:
        from threadpoolctl import threadpool_limits
    except ImportError:
        print("threadpoolctl not installed: relying on OMP/OPENBLAS/MKL_NUM_THREADS=1")
        return contextlib.nullcontext()
    return threadpool_limits(1)


def cpu_name() -> str:
    """CPU model for the table header (Linux /proc/cpuinfo, else whatever platform knows)."""
    try:
        with open("/proc/cpuinfo") as fh:
            for line in fh:
                if line.startswith("model name"):
                    return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or "unknown CPU"


def version_of(mod: Any) -> str:
    """Best-effort version string of a module (HIPS autograd has no ``__version__``)."""
    version = getattr(mod, "__version__", None)
    if version:
        return str(version)
    try:
        from importlib.metadata import version as dist_version

        return dist_version(mod.__name__)
    except Exception:
        return "?"


# --------------------------------------------------------------------------- results


def to_numpy(obj: Any) -> Any:
    """Convert a tensor (or a nested tuple/list of them) to NumPy for comparison."""
    if isinstance(obj, (list, tuple)):
        return [to_numpy(o) for o in obj]
    if obj is None or isinstance(obj, (np.ndarray, np.generic, float, int)):
        return obj if obj is None else np.asarray(obj)
    for conv in (
        lambda t: t.detach().cpu().numpy(),
        lambda t: t.detach().numpy(),
        lambda t: t.numpy(),
        lambda t: np.asarray(t.data),
        np.asarray,
    ):
        try:
            return np.asarray(conv(obj))
        except Exception:
            continue
    raise TypeError(f"cannot convert {type(obj).__name__} to NumPy")


def compare(got: Any, ref: Any, rtol: float = 2e-3) -> str:
    """Return "" when ``got`` matches ``ref`` (tolerance relative to ref's scale), else why."""
    got, ref = to_numpy(got), to_numpy(ref)
    if isinstance(ref, list):
        if not isinstance(got, list) or len(got) != len(ref):
            return "different number of results"
        for i, (g, r) in enumerate(zip(got, ref)):
            why = compare(g, r, rtol)
            if why:
                return f"result {i}: {why}"
        return ""
    if got is None:
        return "got None (no gradient?)"
    if got.shape != ref.shape and got.size != ref.size:
        return f"shape {got.shape} != {ref.shape}"
    g = got.astype(np.float64).reshape(ref.shape)
    r = ref.astype(np.float64)
    scale = float(np.max(np.abs(r))) if r.size else 0.0
    if not np.allclose(g, r, rtol=rtol, atol=1e-4 * scale + 1e-7):
        err = float(np.max(np.abs(g - r)))
        return f"max abs error {err:.3g} (ref scale {scale:.3g})"
    return ""


def dtype_note(got: Any, ref: Any) -> str:
    """Mention a dtype mismatch (e.g. chainrule computing in float64 where torch uses float32)."""
    got, ref = to_numpy(got), to_numpy(ref)
    if isinstance(ref, list):
        notes = {dtype_note(g, r) for g, r in zip(got, ref)} - {""}
        return ", ".join(sorted(notes))
    if got is None or ref is None or got.dtype == ref.dtype:
        return ""
    return f"dtype {got.dtype} vs torch {ref.dtype}"


# --------------------------------------------------------------------------- table rows


@dataclass
class Target:
    """A goal for the chainrule column: absolute (``peer=None``) or a ratio to a peer."""

    limit: float
    peer: str | None = None
    unit: str = ""

    def describe(self) -> str:
        if self.peer:
            return f"<= {self.limit:g}x {self.peer}"
        return f"<= {self.limit:g} {self.unit}".rstrip()


@dataclass
class Row:
    """One line of the table: a value (seconds, bytes or a plain ratio) per library."""

    name: str
    kind: str  # "time" | "mem" | "ratio"
    values: dict[str, float] = field(default_factory=dict)
    errors: dict[str, str] = field(default_factory=dict)  # lib -> footnote text
    target: Target | None = None
    peer: str = "torch"  # denominator of the ratio column when the target has none
    also: Target | None = None  # a second ratio target (numpy_logreg_grad: autograd and torch)

    def ratio(self) -> tuple[float | None, str]:
        peer = self.target.peer if self.target and self.target.peer else self.peer
        a, b = self.values.get("chainrule"), self.values.get(peer)
        if a is None or b is None or b == 0:
            return None, peer
        return a / b, peer

    def also_ratio(self) -> float | None:
        a, b = self.values.get("chainrule"), self.values.get(self.also.peer)
        return None if a is None or not b else a / b

    def met(self) -> str:
        if self.target is None:
            return ""
        if self.also is not None:
            first, second = self.ratio()[0], self.also_ratio()
            if first is None or second is None:
                return "n/a"
            return "yes" if first <= self.target.limit and second <= self.also.limit else "NO"
        if self.target.peer:
            value, _ = self.ratio()
        else:
            value = self.values.get("chainrule")
            if value is not None and self.kind == "mem":
                value /= MB
        if value is None:
            return "n/a"
        return "yes" if value <= self.target.limit else "NO"


def fmt_value(value: float, kind: str) -> str:
    """Human units: µs / ms / s for time, MB for memory, plain for ratios."""
    if kind == "time":
        if value < 1e-3:
            return f"{value * 1e6:.1f} µs"
        if value < 1.0:
            return f"{value * 1e3:.2f} ms"
        return f"{value:.2f} s"
    if kind == "mem":
        return f"{value / MB:.1f} MB"
    return f"{value:.2f}"


def fmt_ratio(ratio: float) -> str:
    """Two decimals, but keep two significant digits for tiny ratios (0.0021, not 0.00)."""
    return f"{ratio:.2f}" if ratio >= 0.1 else f"{ratio:.2g}"


def render(rows: list[Row], libs: list[str], markdown: bool, missing: set[str]) -> str:
    """Render rows as an aligned text table or a GitHub markdown table, with footnotes.

    Libraries in ``missing`` (not importable) show "n/a" instead of blanks.
    """
    header = ["workload", *libs, "chainrule/peer", "target", "met"]
    footnotes: list[str] = []
    body: list[list[str]] = []
    for row in rows:
        cells = [row.name]
        for lib in libs:
            text = fmt_value(row.values[lib], row.kind) if lib in row.values else ""
            if lib in missing:
                text = "n/a"
            if lib in row.errors:
                footnotes.append(f"{row.name} / {lib}: {row.errors[lib]}")
                text = text + " " if text else ("error " if lib not in row.values else "")
                text += f"[{len(footnotes)}]"
            cells.append(text)
        ratio, peer = row.ratio()
        ratio_text = f"{fmt_ratio(ratio)}x {peer}" if ratio is not None else ""
        target_text = row.target.describe() if row.target else ""
        if row.also is not None:
            second = row.also_ratio()
            if second is not None:
                ratio_text += f", {fmt_ratio(second)}x {row.also.peer}"
            target_text += f", {row.also.describe()}"
        cells.append(ratio_text)
        cells.append(target_text)
        cells.append(row.met())
        body.append(cells)

    lines: list[str] = []
    if markdown:
        lines.append("| " + " | ".join(header) + " |")
        lines.append("|" + "|".join(["---"] + ["---:"] * (len(header) - 1)) + "|")
        lines += ["| " + " | ".join(c.replace("|", "/") for c in cells) + " |" for cells in body]
    else:
        widths = [max(len(r[i]) for r in [header, *body]) for i in range(len(header))]

        def line(cells: list[str]) -> str:
            first = cells[0].ljust(widths[0])
            rest = [c.rjust(w) for c, w in zip(cells[1:], widths[1:])]
            return "  ".join([first, *rest]).rstrip()

        lines.append(line(header))
        lines.append("  ".join("-" * w for w in widths))
        lines += [line(cells) for cells in body]
    if footnotes:
        lines.append("")
        bullet = "- " if markdown else ""
        lines += [f"{bullet}[{i}] {text}" for i, text in enumerate(footnotes, 1)]
    return "\n".join(lines)


# --------------------------------------------------------------------------- timing


@dataclass
class Settings:
    repeats: int  # samples per library per workload (the median is reported)
    min_sample_s: float  # each sample loops the workload at least this long
    import_runs: int  # fresh interpreters per library for the import rows
    chain_runs: int  # fresh interpreters per library for deep_chain_1m
    child_timeout_s: float
    # Wall clock by default; process CPU time (``--cpu-time``) ignores the time this
    # process spends descheduled, which helps on a busy machine. Valid because every
    # library runs on one thread here.
    timer: Callable[[], float] = time.perf_counter


def short_error(exc: BaseException) -> str:
    text = f"{type(exc).__name__}: {exc}".splitlines()[0]
    return text if len(text) <= 160 else text[:157] + "..."


def time_round_robin(
    fns: dict[str, Callable[[], Any]], settings: Settings, errors: dict[str, str]
) -> dict[str, float]:
    """Median seconds per call of each callable, sampled round-robin across libraries.

    A callable that raises during warm-up is dropped and its error recorded in ``errors``.
    """
    numbers: dict[str, int] = {}
    for lib, fn in list(fns.items()):
        try:
            fn()  # warm-up: caches, lazy imports, allocator
            t0 = settings.timer()
            fn()
            once = settings.timer() - t0
        except Exception as exc:
            errors[lib] = short_error(exc)
            del fns[lib]
            continue
        numbers[lib] = max(1, math.ceil(settings.min_sample_s / max(once, 1e-9)))

    order = list(fns)
    samples: dict[str, list[float]] = {lib: [] for lib in order}
    gc.collect()
    for rep in range(settings.repeats):
        # Rotate who goes first so no library always runs right after another's garbage.
        for lib in order[rep % len(order) :] + order[: rep % len(order)] if order else []:
            fn, number = fns[lib], numbers[lib]
            t0 = settings.timer()
            for _ in range(number):
                fn()
            samples[lib].append((settings.timer() - t0) / number)
    return {lib: statistics.median(s) for lib, s in samples.items()}


def check_results(
    fns: dict[str, Callable[[], Any]], errors: dict[str, str], rtol: float = 2e-3
) -> None:
    """Run each callable once and compare with torch's result; record mismatches as errors."""
    if "torch" not in fns:
        return
    try:
        ref = fns["torch"]()
    except Exception as exc:
        errors["torch"] = short_error(exc)
        return
    for lib, fn in fns.items():
        if lib == "torch":
            continue
        try:
            got = fn()
            why = compare(got, ref, rtol)
            if why:
                errors[lib] = f"result differs from torch: {why}"
            elif lib == "chainrule" and dtype_note(got, ref):
                errors[lib] = dtype_note(got, ref)
        except Exception as exc:
            errors[lib] = short_error(exc)


def peak_traced(fn: Callable[[], Any]) -> float:
    """Peak bytes NumPy (and Python) allocate during one call, via tracemalloc.

    NumPy reports its data buffers to tracemalloc, so this sees NumPy-based
    libraries fully; PyTorch's allocator is invisible to it, hence no torch value.
    """
    fn()  # warm-up so the measured call starts from the steady state
    gc.collect()
    tracemalloc.start()
    try:
        tracemalloc.reset_peak()
        fn()
        return float(tracemalloc.get_traced_memory()[1])
    finally:
        tracemalloc.stop()


# --------------------------------------------------------------------------- workloads


SIMPLE = {
    "lecture_poly": (wl.lecture_poly, Target(0.15, "torch")),
    "lecture_dot": (wl.lecture_dot, Target(0.2, "torch")),
    "lecture_house": (wl.lecture_house, Target(0.35, "torch")),
    "gd_house": (wl.gd_house, Target(0.4, "torch")),
    "gd_house_compiled": (wl.gd_house_compiled, Target(0.1, "torch")),
    "small_ops": (wl.small_ops, Target(0.4, "torch")),
    "deep_chain": (wl.deep_chain, Target(0.35, "torch")),
}
SIMPLE.update(training.workloads(Target))
ALL_NAMES = [*SIMPLE, "numpy_logreg_grad", "deep_chain_1m", "mlp_step", "import"]


def bench_simple(name: str, mods: dict[str, Any], hips: dict[str, Any], s: Settings) -> Row:
    """A torch-API workload (plus HIPS autograd's own version, if there is one)."""
    fn, target = SIMPLE[name]
    fns: dict[str, Callable[[], Any]] = {}
    for lib in ("chainrule", "torch"):
        if lib in mods:
            fns[lib] = (lambda f, m: lambda: f(m))(fn, mods[lib])
    if name in hips:
        fns["autograd"] = hips[name]
    row = Row(name, "time", target=target)
    check_results(fns, row.errors)
    row.values = time_round_robin(fns, s, row.errors)
    return row


def bench_numpy_logreg(mods: dict[str, Any], s: Settings) -> Row:
    """The gradient of a NumPy logistic-regression loss: chainrule.numpy vs HIPS autograd
    (the same program) and PyTorch (translated)."""
    fns = numpy_front.make_workloads(mods)
    row = Row("numpy_logreg_grad", "time", target=Target(0.7, "autograd"),
              also=Target(1.0, "torch"))
    check_results(fns, row.errors)
    row.values = time_round_robin(fns, s, row.errors)
    return row


def bench_mlp(mods: dict[str, Any], s: Settings) -> list[Row]:
    """mlp_step timing (+ forward alone), backward/forward ratio and peak memory."""
    data = wl.mlp_data()
    steps: dict[str, Callable[[], Any]] = {}
    fwds: dict[str, Callable[[], Any]] = {}
    setup_errors: dict[str, str] = {}
    for lib in ("chainrule", "torch"):
        if lib in mods:
            try:
                steps[lib], fwds[lib] = wl.make_mlp(mods[lib], data)
            except Exception as exc:
                setup_errors[lib] = short_error(exc)
    if "autograd" in mods:
        import hips

        steps["autograd"], fwds["autograd"] = hips.make_mlp(data)
    steps["numpy"], fwds["numpy"] = numpy_mlp.make_numpy_mlp(data)

    step_row = Row("mlp_step", "time", errors=dict(setup_errors), target=Target(1.05, "numpy"))
    fwd_row = Row("mlp_forward", "time", errors=dict(setup_errors))
    check_results(steps, step_row.errors)

    # Steps and forwards go into ONE round-robin, so the backward/forward ratio compares
    # samples taken under the same machine load.
    fns = {f"{lib}:{part}": d[lib] for lib in steps for part, d in (("step", steps), ("fwd", fwds))}
    timing_errors: dict[str, str] = {}
    medians = time_round_robin(fns, s, timing_errors)
    for key, why in timing_errors.items():
        lib, part = key.split(":")
        (step_row if part == "step" else fwd_row).errors.setdefault(lib, why)
    for key, seconds in medians.items():
        lib, part = key.split(":")
        (step_row if part == "step" else fwd_row).values[lib] = seconds

    # backward = (forward + backward) - forward; only the autodiff libraries in a
    # PyTorch-like style are asked for this (autograd's "forward" is untraced NumPy).
    ratio_row = Row("mlp_step bwd/fwd", "ratio", target=Target(2.2, unit=""))
    for lib in ("chainrule", "torch", "numpy"):
        if lib in step_row.values and lib in fwd_row.values:
            fwd = fwd_row.values[lib]
            ratio_row.values[lib] = (step_row.values[lib] - fwd) / fwd

    mem_row = Row("mlp_step peak mem", "mem", target=Target(1.2, "numpy"))
    for lib in ("chainrule", "autograd", "numpy"):
        if lib in step_row.values:
            mem_row.values[lib] = peak_traced(steps[lib])
    return [step_row, fwd_row, ratio_row, mem_row]


# --------------------------------------------------------------------------- subprocesses


CHILD_PRELUDE = f"""
import json, os, sys, time
sys.path.insert(0, {str(BENCH_DIR)!r})

def rss_bytes(field="VmRSS"):
    try:
        with open("/proc/self/status") as fh:
            for line in fh:
                if line.startswith(field + ":"):
                    return int(line.split()[1]) * 1024
    except OSError:
        pass
    import resource  # no /proc (macOS): only the peak is available
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    return peak if sys.platform == "darwin" else peak * 1024
"""

IMPORT_CHILD = (
    CHILD_PRELUDE
    + """
t0 = time.{clock}()
import {module}
seconds = time.{clock}() - t0
print(json.dumps({{"seconds": seconds, "rss": rss_bytes()}}))
"""
)

CHAIN_CHILD = (
    CHILD_PRELUDE
    + """
try:
    from threadpoolctl import threadpool_limits
    threadpool_limits(1)
except ImportError:  # the environment variables set by the parent still apply
    pass
import {module} as lib
if {module!r} == "torch":
    lib.set_num_threads(1)
from workloads import deep_chain
import gc
deep_chain(lib, 1000)  # warm-up
gc.collect()
try:  # reset the kernel's peak-RSS counter (Linux); otherwise the peak includes the import
    with open("/proc/self/clear_refs", "w") as fh:
        fh.write("5")
except OSError:
    pass
before = rss_bytes()
t0 = time.{clock}()
deep_chain(lib, {n})  # builds the graph, runs backward, frees the graph on return
seconds = time.{clock}() - t0
print(json.dumps({{"seconds": seconds, "peak_growth": rss_bytes("VmHWM") - before}}))
"""
)


def run_child(code: str, extra_path: bool, timeout: float) -> dict[str, float]:
    """Run ``code`` in a fresh interpreter and parse the JSON on its last stdout line."""
    env = dict(os.environ)
    # Let the warm-up run cache bytecode, as any first import does on a user's machine
    # (pip already compiled torch's and numpy's); without it every import recompiles.
    env.pop("PYTHONDONTWRITEBYTECODE", None)
    if extra_path:  # chainrule only importable from src/ (not installed)
        env["PYTHONPATH"] = os.pathsep.join(filter(None, [str(REPO_SRC), env.get("PYTHONPATH")]))
    try:
        proc = subprocess.run(
            [sys.executable, "-c", code],
            capture_output=True,
            text=True,
            timeout=timeout,
            env=env,
        )
    except subprocess.TimeoutExpired:
        raise RuntimeError(f"timed out after {timeout:.0f} s") from None
    if proc.returncode != 0:
        last = (proc.stderr.strip().splitlines() or ["?"])[-1]
        raise RuntimeError(f"exit {proc.returncode}: {last[:160]}")
    return json.loads(proc.stdout.strip().splitlines()[-1])


def bench_subprocess_rows(
    names: list[tuple[str, str]],
    code_for: Callable[[str], str],
    libs: list[str],
    runs: int,
    warmup: bool,
    from_src: bool,
    timeout: float,
) -> tuple[dict[str, dict[str, float]], dict[str, str]]:
    """Median of each JSON field over ``runs`` fresh interpreters per library, round-robin."""
    results: dict[str, dict[str, list[float]]] = {lib: {} for lib in libs}
    errors: dict[str, str] = {}
    live = list(libs)
    if warmup:  # first run pays for a cold disk cache; discard it
        for lib in list(live):
            try:
                run_child(code_for(lib), from_src and lib == "chainrule", timeout)
            except Exception as exc:
                errors[lib] = short_error(exc)
                live.remove(lib)
    for _ in range(runs):
        for lib in list(live):
            try:
                out = run_child(code_for(lib), from_src and lib == "chainrule", timeout)
            except Exception as exc:
                errors[lib] = short_error(exc)
                live.remove(lib)
                continue
            for key, _label in names:
                results[lib].setdefault(key, []).append(out[key])
    medians = {
        lib: {key: statistics.median(vals) for key, vals in fields.items()}
        for lib, fields in results.items()
        if lib in live
    }
    return medians, errors


def bench_import(mods: dict[str, Any], from_src: bool, s: Settings) -> list[Row]:
    """Import time and RSS after import, each in a fresh interpreter."""
    libs = [lib for lib in ("chainrule", "torch", "numpy") if lib in mods]
    medians, errors = bench_subprocess_rows(
        [("seconds", "time"), ("rss", "RSS")],
        lambda lib: IMPORT_CHILD.format(module=lib, clock=s.timer.__name__),
        libs,
        s.import_runs,
        warmup=True,
        from_src=from_src,
        timeout=s.child_timeout_s,
    )
    time_row = Row("import time", "time", errors=dict(errors), target=Target(0.15, unit="s"))
    rss_row = Row("import RSS", "mem", errors=dict(errors), target=Target(40, unit="MB"))
    for lib, fields in medians.items():
        time_row.values[lib] = fields["seconds"]
        rss_row.values[lib] = fields["rss"]
    return [time_row, rss_row]


def bench_chain_1m(mods: dict[str, Any], from_src: bool, s: Settings) -> list[Row]:
    """deep_chain with 1,000,000 steps: time and peak RSS growth, one interpreter per run."""
    libs = [lib for lib in ("chainrule", "torch") if lib in mods]
    medians, errors = bench_subprocess_rows(
        [("seconds", "time"), ("peak_growth", "peak RSS")],
        lambda lib: CHAIN_CHILD.format(module=lib, n=wl.DEEP_CHAIN_1M_N, clock=s.timer.__name__),
        libs,
        s.chain_runs,
        warmup=False,
        from_src=from_src,
        timeout=s.child_timeout_s,
    )
    time_row = Row("deep_chain_1m", "time", errors=dict(errors), target=Target(0.35, "torch"))
    mem_row = Row("deep_chain_1m peak RSS", "mem", errors=dict(errors), target=Target(0.4, "torch"))
    for lib, fields in medians.items():
        time_row.values[lib] = fields["seconds"]
        mem_row.values[lib] = fields["peak_growth"]
    return [time_row, mem_row]


# --------------------------------------------------------------------------- main


def check_numpy_mlp(torch: Any) -> None:
    """Startup check: the hand-written NumPy backward must match PyTorch's gradients."""
    data = wl.mlp_data()
    torch_step, _ = wl.make_mlp(torch, data)
    ref = to_numpy(torch_step())
    loss, grads = numpy_mlp.forward_backward(data.params, data.x, data.labels)
    ref_loss = to_numpy(
        wl.mlp_loss(
            torch,
            [torch.tensor(p) for p in data.params],
            torch.tensor(data.x),
            torch.tensor(data.labels),
        )
    )
    assert abs(float(loss) - float(ref_loss)) < 1e-4, (loss, ref_loss)
    assert abs(float(numpy_mlp.forward(data.params, data.x, data.labels)) - float(loss)) < 1e-5
    for name, g, r in zip(("W1", "b1", "W2", "b2"), grads, ref):
        assert g.dtype == np.float32, f"{name}: NumPy MLP left float32 ({g.dtype})"
        why = compare(g, r, rtol=1e-3)
        assert not why, f"hand-written NumPy d{name} disagrees with torch: {why}"


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--quick", action="store_true", help="few repeats: a smoke test")
    parser.add_argument(
        "--only",
        action="append",
        metavar="NAME",
        help=f"run only these workloads (repeatable or comma-separated): {', '.join(ALL_NAMES)}",
    )
    parser.add_argument("--markdown", action="store_true", help="print a markdown table")
    parser.add_argument(
        "--cpu-time",
        action="store_true",
        help="time in-process rows with process CPU time instead of wall time (busy machines)",
    )
    args = parser.parse_args(argv)
    selected = [n for item in (args.only or []) for n in item.split(",") if n]
    unknown = sorted(set(selected) - set(ALL_NAMES))
    if unknown:
        parser.error(f"unknown workload(s) {unknown}; choose from {ALL_NAMES}")
    args.selected = selected or ALL_NAMES
    return args


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    if args.quick:
        s = Settings(
            repeats=3, min_sample_s=0.002, import_runs=3, chain_runs=1, child_timeout_s=600
        )
    else:
        s = Settings(
            repeats=11, min_sample_s=0.02, import_runs=7, chain_runs=3, child_timeout_s=600
        )

    mods, notes = load_libraries()
    from_src = notes.get("chainrule", "").startswith("(imported from src/")
    hips_fns: dict[str, Any] = {}
    if "autograd" in mods:
        import hips

        hips_fns = hips.make_workloads()

    if args.cpu_time:
        s.timer = time.process_time
    bullet = "- " if args.markdown else "  "  # markdown: a list, not one run-on paragraph
    print(
        f"{bullet}python {platform.python_version()} on {platform.machine()} "
        f"({cpu_name()}), {'quick' if args.quick else 'full'} run: "
        f"median of {s.repeats} samples (>= {s.min_sample_s * 1e3:g} ms each, "
        f"{'process CPU' if args.cpu_time else 'wall'} time), 1 thread"
    )
    for lib in LIBS:
        if lib in mods:
            print(f"{bullet}{lib}: {version_of(mods[lib])} {notes[lib]}".rstrip())
        else:
            print(f"{bullet}{lib}: n/a -- {notes[lib]}")
    if "mlp_step" in args.selected:
        for lib in ("chainrule", "torch"):
            if lib in mods:
                path = wl.cross_entropy_path(mods[lib])
                print(f"{bullet}mlp_step cross-entropy for {lib}: {path}")
    print(flush=True)

    rows: list[Row] = []
    with one_blas_thread():
        if "torch" in mods and "mlp_step" in args.selected:
            check_numpy_mlp(mods["torch"])
        for name in args.selected:
            t0 = time.perf_counter()
            if name in SIMPLE:
                rows.append(bench_simple(name, mods, hips_fns, s))
            elif name == "numpy_logreg_grad":
                rows.append(bench_numpy_logreg(mods, s))
            elif name == "mlp_step":
                rows += bench_mlp(mods, s)
            elif name == "deep_chain_1m":
                rows += bench_chain_1m(mods, from_src, s)
            elif name == "import":
                rows += bench_import(mods, from_src, s)
            print(
                f"  ... {name} done in {time.perf_counter() - t0:.1f} s",
                file=sys.stderr,
                flush=True,
            )
            gc.collect()

    shown = [lib for lib in LIBS if any(lib in r.values or lib in r.errors for r in rows)]
    if "chainrule" not in shown:
        shown.insert(0, "chainrule")  # always show the column, even if it is all n/a
    print(render(rows, shown, args.markdown, missing={lib for lib in LIBS if lib not in mods}))
    if "chainrule" not in mods:
        print("\nchainrule column empty: " + notes["chainrule"])
    return 0


if __name__ == "__main__":
    sys.exit(main())
