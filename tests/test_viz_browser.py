"""The lecture's page in a real browser: Debian's chromium, driven by Playwright.

The test clicks through every step of every computation, forward then backward,
reads the gradients the page displays, and compares them with x.grad computed
by chainrule and by PyTorch.  It writes screenshots of the first and the last
step to out/lecture_first.png and out/lecture_last.png.

Where Playwright or chromium is missing the tests skip, saying so; with
CHAINRULE_REQUIRE_BROWSER=1 (as .ci/run sets) they fail instead.
"""
import os
import pathlib
import re

import numpy as np
import pytest

import chainrule as cr
from helpers import torch_or_skip

CHROMIUM = "/usr/bin/chromium"
ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
        "--disable-component-update", "--no-first-run"]
OUT = pathlib.Path(__file__).resolve().parents[1] / "out"


def unavailable(reason: str):
    if os.environ.get("CHAINRULE_REQUIRE_BROWSER"):
        pytest.fail(f"the browser tests must run here (CHAINRULE_REQUIRE_BROWSER): {reason}")
    pytest.skip(f"browser tests skipped: {reason} (apt-get install chromium; "
                "pip install -e '.[browser]')")


@pytest.fixture(scope="module")
def browser():
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        unavailable("the Python package playwright is not installed")
    if not os.path.exists(CHROMIUM):
        unavailable(f"{CHROMIUM} is missing")
    with sync_playwright() as p:
        try:
            chromium = p.chromium.launch(executable_path=CHROMIUM, args=ARGS)
        except Exception as e:  # a browser that will not start is as good as none
            unavailable(f"chromium did not start: {str(e).splitlines()[0]}")
        yield chromium
        chromium.close()


@pytest.fixture(scope="module")
def lecture(tmp_path_factory):
    from chainrule.demo.lecture_page import lecture_page
    return lecture_page().save(str(tmp_path_factory.mktemp("page") / "lecture.html"))


def open_page(browser, path):
    page = browser.new_page(viewport={"width": 1280, "height": 900})
    problems = []
    page.on("pageerror", lambda e: problems.append(f"error: {e}"))
    page.on("console", lambda m: problems.append(m.text) if m.type == "error" else None)

    def only_files(route):
        if route.request.url.startswith(("file:", "data:")):
            route.continue_()
        else:
            problems.append(f"network request: {route.request.url}")
            route.abort()
    page.route("**/*", only_files)
    page.goto(pathlib.Path(path).as_uri())
    return page, problems


def expected_gradients():
    """name, x.grad by chainrule, x.grad by PyTorch for each computation of the page."""
    torch = torch_or_skip()
    from chainrule.demo.lecture_page import examples
    found = []
    for lib in (cr, torch):
        x = lib.tensor(1.0, requires_grad=True)
        (3 * x ** 2 - 4 * x).backward()
        v = lib.arange(4.0).requires_grad_(True)
        (2 * lib.dot(v, v)).backward()
        X = lib.tensor([[2, 1, 0.5, 0], [4, 2, 2.0, 1], [3, 1, 1.0, 0]])
        w = lib.tensor([500., 200., -100., 100.], requires_grad=True)
        ((lib.mv(X, w) - lib.tensor([1550, 3100, 2200])) ** 2).mean().backward()
        found.append([x.grad, v.grad, w.grad])
    names = [next(n for n, t in e[3].items() if t.requires_grad and t.grad_fn is None)
             for e in examples()]
    return list(zip(names, *found))


# What one step of a section shows (one round trip to the browser).
STATE = """s => ({
    counter: s.querySelector('.cr-counter').textContent,
    phase: s.querySelector('.cr-phase').textContent,
    text: s.querySelector('.cr-text').textContent,
    grads: [...s.querySelectorAll('svg text.grad')]
        .filter(t => getComputedStyle(t).visibility === 'visible').length,
    current: s.querySelectorAll('g.node.current').length,
})"""


def numbers(text: str) -> np.ndarray:
    return np.array([float(n) for n in re.findall(r"-?\d+\.\d*(?:e[-+]?\d+)?", text)])


def test_click_through_every_step_and_read_the_gradients(browser, lecture):
    page, problems = open_page(browser, lecture)
    expected = expected_gradients()
    sections = page.locator("section.cr-section")
    assert sections.count() == 3
    for k, (name, ours, theirs) in enumerate(expected):
        section = sections.nth(k)
        total = int(re.search(r"of (\d+)", section.locator(".cr-counter").inner_text())[1])
        phases = []
        for step in range(total):
            shown = section.evaluate(STATE)
            phases.append(shown["phase"])
            assert shown["counter"] == f"step {step + 1} of {total}"
            if shown["phase"] == "forward":
                assert shown["grads"] == 0  # no gradient before the backward pass
            if shown["phase"] == "backward":
                assert "receives grad = " in shown["text"] and shown["current"] == 1
            if step < total - 1:
                section.locator("[data-go=next]").click()
        assert section.locator("[data-go=next]").is_disabled()
        first_back = phases.index("backward")
        assert set(phases[:first_back]) == {"forward"} and phases[-1] == "result"
        assert set(phases[first_back:-1]) == {"backward"}
        # The gradient as displayed: the result line, printed as PyTorch prints it ...
        final = section.locator(".cr-final").inner_text()
        assert final == f"{name}.grad = {ours!r}"
        assert repr(ours) == repr(theirs).replace("torch.", "")
        # ... and in the leaf's box of the graph.
        leaf = section.locator("g.node-leaf", has_text=name).first
        shown = leaf.locator("text.grad").evaluate_all("ts => ts.map(t => t.textContent)")
        assert shown and leaf.locator("text.grad").first.is_visible()
        np.testing.assert_allclose(numbers(" ".join(shown)).reshape(ours.shape),
                                   theirs.numpy(), rtol=1e-4)
        np.testing.assert_allclose(numbers(final), ours.numpy().ravel(), rtol=1e-4)
    assert problems == []


def test_back_and_keyboard(browser, lecture):
    page, problems = open_page(browser, lecture)
    section = page.locator("#s1")
    section.locator("[data-go=last]").click()
    last = section.locator(".cr-counter").inner_text()
    section.locator("[data-go=prev]").click()
    assert section.locator(".cr-final").inner_text() == ""
    section.focus()
    page.keyboard.press("ArrowRight")
    assert section.locator(".cr-counter").inner_text() == last
    section.locator("[data-go=first]").click()
    assert section.locator(".cr-counter").inner_text().startswith("step 1 of")
    assert section.locator("svg text.grad").evaluate_all(
        "ts => ts.every(t => getComputedStyle(t).visibility === 'hidden')")
    assert problems == []


def test_every_button_label_stays_on_one_line(browser, lecture):
    """Beside a wide graph (the house prices) the panel is narrow: the buttons wrap as whole
    buttons, never inside their labels ("Back" once fell below its arrow)."""
    page, problems = open_page(browser, lecture)
    heights = page.locator(".cr-controls button").evaluate_all(
        "bs => bs.map(b => b.getBoundingClientRect().height)")
    assert heights and max(heights) - min(heights) < 1, heights
    assert problems == []


def test_screenshots_of_the_first_and_last_step(browser, lecture):
    page, problems = open_page(browser, lecture)
    OUT.mkdir(exist_ok=True)
    first = OUT / "lecture_first.png"
    last = OUT / "lecture_last.png"
    page.screenshot(path=str(first), full_page=True)
    for button in page.locator("[data-go=last]").all():
        button.click()
    page.screenshot(path=str(last), full_page=True)
    assert first.stat().st_size > 10_000 and last.stat().st_size > 10_000
    assert problems == []
