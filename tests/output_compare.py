"""Comparing what two runs of a program print, line by line, with one stated tolerance.

Two lines match when their text is identical once the numbers in them are set aside, and
their numbers pair up:
- a number written with a decimal point or an exponent (``0.1234``, ``1e-05``) matches one
  within ``RTOL`` of it, relatively, or within one unit of its last printed digit (float32
  arithmetic done in another order can move a printed ``4.959174`` to ``4.959175``);
- an integer (``3``, ``epoch 12``) must be equal;
- digits inside a word (``Conv2d``, ``float32``, ``layer1``) are text.
Everything else (words, punctuation, spacing, the number of lines) must be identical.

    >>> differences("loss 4.959174\\nepoch 2", "loss 4.959175\\nepoch 2")
    []
    >>> differences("epoch 2", "epoch 3")
    ['line 1: expected: epoch 2\\n        got:      epoch 3']
"""
from __future__ import annotations

import math
import re

RTOL = 1e-4
_NUMBER = re.compile(r"(?<![\w.])[-+]?(?:\d+\.\d*|\.\d+|\d+)(?:[eE][-+]?\d+)?(?![\w.])|"
                     r"(?<![\w.])[-+]?(?:nan|inf)(?!\w)")


def _split(line: str) -> tuple[list[str], list[str]]:
    """The line's text with its numbers taken out, and the numbers."""
    return _NUMBER.split(line), _NUMBER.findall(line)


def _unit(token: str) -> float:
    """One unit in the last printed digit of a number written with a point or an exponent."""
    mantissa, _, exponent = token.lower().partition("e")
    decimals = len(mantissa.partition(".")[2])
    return 10.0 ** (-decimals + (int(exponent) if exponent else 0))


def _is_float(token: str) -> bool:
    return any(c in token.lower() for c in ".ena")  # a point, an exponent, nan or inf


def numbers_match(a: str, b: str, rtol: float = RTOL) -> bool:
    """Whether two printed numbers match under the rules above."""
    if not (_is_float(a) and _is_float(b)):
        return a == b
    x, y = float(a), float(b)
    if math.isnan(x) or math.isnan(y) or math.isinf(x) or math.isinf(y):
        return a.lstrip("+") == b.lstrip("+")
    return abs(x - y) <= rtol * max(abs(x), abs(y)) + max(_unit(a), _unit(b)) * 1.000001


def lines_match(expected: str, got: str, rtol: float = RTOL) -> bool:
    """Whether two printed lines match under the rules above."""
    if expected == got:
        return True
    text_a, numbers_a = _split(expected)
    text_b, numbers_b = _split(got)
    return text_a == text_b and len(numbers_a) == len(numbers_b) and all(
        numbers_match(a, b, rtol) for a, b in zip(numbers_a, numbers_b))


def differences(expected: str, got: str, rtol: float = RTOL) -> list[str]:
    """The lines that do not match, each as 'line N: expected: ... got: ...' (empty: same)."""
    a, b = expected.splitlines(), got.splitlines()
    out = [f"line {i + 1}: expected: {x}\n        got:      {y}"
           for i, (x, y) in enumerate(zip(a, b)) if not lines_match(x, y, rtol)]
    if len(a) != len(b):
        out.append(f"{len(a)} lines expected, {len(b)} printed; the first extra: "
                   f"{(a[len(b):] or b[len(a):])[0]!r}")
    return out


def assert_same_output(expected: str, got: str, rtol: float = RTOL) -> None:
    """Fail with the differing lines unless the two outputs match."""
    diff = differences(expected, got, rtol)
    assert not diff, "printed output differs:\n" + "\n".join(diff[:20])
