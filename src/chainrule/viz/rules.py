"""The derivative rules as the rule table writes them, recovered from their source.

A row of chainrule's rule table gives, per input, a formula such as
``lambda grad, other: grad * other``.  ``formula_text`` finds that lambda in
its source file and returns its body, ``grad * other``, which is what a
trace shows next to the numbers.  A few formulas call a *backward
primitive* (one fused operation for a formula that would take several);
``glosses`` says in one line what each computes.
"""
from __future__ import annotations

import ast
import inspect
import linecache
import re

_trees: dict = {}  # file name -> (source, lambdas by line, functions by name), or None
_texts: dict = {}  # code object -> formula text

# What the backward primitives compute (their rows live in chainrule/ops), as definitions.
_GLOSSES = {
    "pow_backward": "pow_backward(grad, self, exponent) = grad * exponent * self ** (exponent - 1)",
    "div_other_backward": "div_other_backward(grad, self, other) = -grad * self / other ** 2",
    "sqrt_backward": "sqrt_backward(grad, output) = grad / (2 * output)",
    "tanh_backward": "tanh_backward(grad, output) = grad * (1 - output ** 2)",
    "sigmoid_backward": "sigmoid_backward(grad, output) = grad * output * (1 - output)",
    "threshold_backward": ("threshold_backward(grad, output, threshold) = grad where "
                           "output > threshold, else 0"),
    "spread": "spread(grad, shape) = grad copied to every element of a tensor of that shape",
}


def formula_text(fn) -> str | None:
    """The body of a rule formula as written in its source, on one line.

    >>> formula_text(lambda grad, other: grad * other)
    'grad * other'
    """
    code = getattr(fn, "__code__", None)
    if code is None:
        return None
    if code in _texts:
        return _texts[code]
    text = _find(fn, code)
    _texts[code] = text
    return text


def glosses(text: str | None) -> list[str]:
    """What the backward primitives that ``text`` calls compute, one definition each.

    >>> glosses("pow_backward(grad, self, exponent)")
    ['pow_backward(grad, self, exponent) = grad * exponent * self ** (exponent - 1)']
    >>> glosses("grad * other")
    []
    """
    if not text:
        return []
    called = re.findall(r"\b(\w+)\(", text)
    return [_GLOSSES[name] for name in dict.fromkeys(called) if name in _GLOSSES]


def _find(fn, code) -> str | None:
    parsed = _parse(code.co_filename)
    if parsed is None:
        return None
    source, lambdas, functions = parsed
    params = code.co_varnames[:code.co_argcount]
    if fn.__name__ == "<lambda>":
        found = [node for node in lambdas.get(code.co_firstlineno, ())
                 if tuple(a.arg for a in node.args.args) == params]
        if len(found) > 1:  # several lambdas with the same parameters on one line
            found = [node for node in found if _covers(node.body, code)] or found
        if not found:
            return None
        return _one_line(ast.get_source_segment(source, found[0].body))
    for node in functions.get(fn.__name__, ()):
        if node.lineno <= code.co_firstlineno:
            body = [s for s in node.body
                    if not (isinstance(s, ast.Expr) and isinstance(s.value, ast.Constant))]
            if len(body) == 1 and isinstance(body[0], ast.Return) and body[0].value is not None:
                return _one_line(ast.get_source_segment(source, body[0].value))
            return f"{fn.__name__}({', '.join(params)})"
    return None


def _covers(body: ast.AST, code) -> bool:
    """Whether the positions of ``code``'s instructions lie inside ``body``'s text."""
    start = (body.lineno, body.col_offset)
    end = (body.end_lineno, body.end_col_offset)
    positions = [(line, col) for line, _, col, _ in code.co_positions()
                 if line is not None and col is not None and line >= code.co_firstlineno]
    return bool(positions) and all(start <= p <= end for p in positions[1:])


def _parse(filename: str):
    """(source, lambdas by line, functions by name) of a file, parsed once."""
    if filename not in _trees:
        source = "".join(linecache.getlines(filename))
        try:
            tree = ast.parse(source) if source else None
        except SyntaxError:
            tree = None
        if tree is None:
            _trees[filename] = None
        else:
            lambdas: dict = {}
            functions: dict = {}
            for node in ast.walk(tree):
                if isinstance(node, ast.Lambda):
                    lambdas.setdefault(node.lineno, []).append(node)
                elif isinstance(node, ast.FunctionDef):
                    functions.setdefault(node.name, []).append(node)
            _trees[filename] = (source, lambdas, functions)
    return _trees[filename]


def _one_line(text: str | None) -> str | None:
    return None if text is None else " ".join(text.split())


def function_source(fn) -> str | None:
    """The source of a function (a custom Function's backward), or None where unavailable."""
    try:
        return inspect.getsource(fn)
    except (OSError, TypeError):
        return None
