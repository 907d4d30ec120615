"""chainrule.viz.page and the lecture's page: self-contained, complete, and correct.

(The page's behaviour in a real browser is tested in test_viz_browser.py.)
"""
import json
import re
import xml.etree.ElementTree as ET

import pytest

import chainrule as cr
from chainrule import viz
from helpers import torch_or_skip


def steps_of(html: str) -> list:
    found = re.findall(r'<script type="application/json" class="cr-steps">(.*?)</script>',
                       html, re.S)
    return [json.loads(text.replace("<\\/", "</"))["steps"] for text in found]


def test_page_is_self_contained():
    from chainrule.demo.lecture_page import lecture_page
    html = lecture_page().to_html()
    # Nothing is fetched: no links, no scripts or images from elsewhere.
    assert "<link" not in html and "@import" not in html
    for url in re.findall(r"""(?:src|href)\s*=\s*["']([^"']*)""", html):
        assert url.startswith("data:"), url
    for url in re.findall(r"https?://[^\s\"'<>)]+", html):
        assert url == "http://www.w3.org/2000/svg", url  # the SVG namespace, not a download
    for svg in re.findall(r"<svg .*?</svg>", html, re.S):
        ET.fromstring(svg)
    assert len(steps_of(html)) == 3


def test_steps_forward_then_backward_then_result():
    torch = torch_or_skip()
    x = cr.tensor(1.0, requires_grad=True)
    y = 3 * x ** 2 - 4 * x
    page = viz.page(y, {"x": x, "y": y})
    steps = page.sections[0].steps
    phases = [s["phase"] for s in steps]
    ops = [b for b in page.sections[0].graph.boxes if b.kind == "op"]
    # the inputs, one step per operation, the result; one step per node backward; the end
    assert phases == ["forward"] * (len(ops) + 2) + ["backward"] * 5 + ["result"]
    assert x.grad is None  # the page ran autograd.grad, not backward
    y.backward()
    tx = torch.tensor(1.0, requires_grad=True)
    (3 * tx ** 2 - 4 * tx).backward()
    assert steps[-1]["final"] == [f"x.grad = {x.grad!r}"]
    assert repr(x.grad) == repr(tx.grad)
    assert "y = tensor(-1., grad_fn=<SubBackward0>)" in steps[len(ops) + 1]["text"]
    # Each step highlights boxes and arrows that exist in the picture.
    svg = page.sections[0].graph.to_svg()
    for step in steps:
        if step["node"]:
            assert f'id="{step["node"]}"' in svg
        for edge in step["edges"]:
            assert f'id="{edge}"' in svg


def test_backward_step_texts_carry_rules_and_sums():
    x = cr.tensor(1.0, requires_grad=True)
    steps = viz.page(3 * x ** 2 - 4 * x, {"x": x}).sections[0].steps
    backward = ["\n".join(s["text"]) for s in steps if s["phase"] == "backward"]
    assert backward[0].startswith("SubBackward0 (sub) receives grad = 1.")
    assert any("pow_backward(grad, self, exponent)   with self = 1., exponent = 2" in t
               and "= 6.   sent to x" in t for t in backward)
    assert "the sum of 2 paths: -4. (from mul_1) + 6. (from pow)" in backward[-1]


def test_page_from_a_trace_after_backward():
    x = cr.arange(4.0, requires_grad=True)
    y = 2 * cr.dot(x, x)
    with pytest.raises(RuntimeError, match="make the page before calling backward"):
        y2 = 2 * cr.dot(x, x)
        y2.backward()
        viz.page(y2, {"x": x})
    x.grad = None
    with viz.trace({"x": x}) as t:
        y.backward()
    steps = viz.page(y, {"x": x}, trace=t).sections[0].steps
    assert steps[-1]["final"] == [f"x.grad = {x.grad!r}"]
    # The values of the forward pass come back from what the trace saw saved.
    assert any("output: 14." in "\n".join(s["text"]) for s in steps)


def test_save_and_notebook_display(tmp_path):
    x = cr.tensor(2.0, requires_grad=True)
    page = viz.page(x * x, {"x": x}, title="x squared")
    path = page.save(str(tmp_path / "p" / "page.html"))
    html = open(path, encoding="utf-8").read()
    assert html.startswith("<!DOCTYPE html>") and "<title>x squared</title>" in html
    assert page._repr_html_().startswith("<iframe srcdoc=")
