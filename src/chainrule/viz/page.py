"""``page(y)``: one HTML file in which a student steps through the chain rule.

The page shows the graph of a computation and a panel of steps: first forward,
one operation at a time, each value appearing in its box; then backward, one
node at a time in the engine's order, with the gradient that reached the node,
the rule applied to each input, and the gradient sent along each edge; last,
the gradients as PyTorch prints them.  Everything is in the one file (inline
SVG, a small script, no network), so it opens anywhere, offline.
"""
from __future__ import annotations

import base64
import html
import json
import os

from . import model as _model
from .format import as_array, show
from .graph import Graph
from .trace import Trace


class Section:
    """One computation on the page: its graph and its steps."""

    def __init__(self, number: int, title: str, note: str, graph: Graph, steps: list) -> None:
        self.number = number
        self.title = title
        self.note = note
        self.graph = graph
        self.steps = steps


class Page:
    """A page of computations to step through; ``save(path)`` writes the HTML file.

    >>> x = torch.tensor(1.0, requires_grad=True)
    >>> p = torch.viz.page(3 * x ** 2 - 4 * x, {"x": x}, title="f(x) = 3x² − 4x")
    >>> [s["phase"] for s in p.sections[0].steps][-1], p.sections[0].steps[-1]["final"]
    ('result', ['x.grad = tensor(2.)'])
    >>> x.grad is None  # making the page leaves .grad alone
    True
    """

    def __init__(self, title: str = "See the chain rule", intro: str = "") -> None:
        self.title = title
        self.intro = intro
        self.sections: list = []
        self.figures: list = []  # (title, caption, image bytes, MIME type)

    def add(self, output, params=None, *, title: str | None = None, note: str = "",
            trace: Trace | None = None, gradient=None) -> Page:
        """Add the computation of ``output`` (see ``chainrule.viz.page``); returns the page."""
        number = len(self.sections) + 1
        graph, steps = _steps(output, params, trace, gradient, f"s{number}-")
        self.sections.append(Section(number, title or f"Computation {number}", note, graph,
                                     steps))
        return self

    def add_figure(self, title: str, image: bytes, caption: str = "",
                   mime: str = "image/svg+xml") -> Page:
        """Add a picture (an SVG or PNG file's bytes, such as a matplotlib plot)."""
        self.figures.append((title, caption, image, mime))
        return self

    def to_html(self) -> str:
        """The whole page as one self-contained HTML document."""
        parts = [
            "<!DOCTYPE html>", '<html lang="en"><head><meta charset="utf-8">',
            '<meta name="viewport" content="width=device-width, initial-scale=1">',
            f"<title>{html.escape(self.title)}</title><style>{_CSS}</style></head><body>",
            f"<h1>{html.escape(self.title)}</h1>",
        ]
        if self.intro:
            parts.append(f'<p class="cr-intro">{html.escape(self.intro)}</p>')
        parts.append(f"<p class=\"cr-help\">{_HELP}</p>")
        for section in self.sections:
            parts.append(_section_html(section))
        if self.figures:
            parts.append('<div class="cr-figures">')
        for k, (title, caption, image, mime) in enumerate(self.figures):
            data = base64.b64encode(image).decode("ascii")
            parts.append(
                f'<figure class="cr-figure" id="figure{k + 1}"><h2>{html.escape(title)}</h2>'
                f'<img alt="{html.escape(title, quote=True)}" src="data:{mime};base64,{data}">'
                f"<figcaption>{html.escape(caption)}</figcaption></figure>")
        if self.figures:
            parts.append("</div>")
        parts.append(f"<script>{_SCRIPT}</script></body></html>")
        return "\n".join(parts)

    def save(self, path: str) -> str:
        """Write the page to ``path`` (folders are made as needed); returns the path."""
        folder = os.path.dirname(path)
        if folder:
            os.makedirs(folder, exist_ok=True)
        with open(path, "w", encoding="utf-8") as fh:
            fh.write(self.to_html())
        return path

    def _repr_html_(self) -> str:
        # In a notebook: in a frame of its own, so its script and styles stay inside it.
        return (f'<iframe srcdoc="{html.escape(self.to_html(), quote=True)}" '
                'style="width:100%;height:720px;border:1px solid #ccc"></iframe>')


def page(output, params=None, *, title: str | None = None, note: str = "",
         trace: Trace | None = None, gradient=None) -> Page:
    """An interactive page that steps through ``output``'s computation and its backward pass.

    ``params`` names the leaves (``{"x": x}``, pairs, or a module).  Without
    ``trace`` the page runs the backward pass itself through
    ``autograd.grad(..., retain_graph=True)``, so ``.grad`` is left untouched and
    the page shows what ``output.backward()`` would put there (``gradient`` as
    for ``backward``); with ``trace`` (a trace of ``output.backward()``), it
    shows that pass.  ``Page.add`` puts more computations on the same page.

    >>> x = torch.arange(4.0, requires_grad=True)
    >>> p = torch.viz.page(2 * torch.dot(x, x), {"x": x})
    >>> p.sections[0].steps[-1]["final"]
    ['x.grad = tensor([ 0.,  4.,  8., 12.])']
    """
    return Page(title or "See the chain rule").add(output, params, title=title, note=note,
                                                   trace=trace, gradient=gradient)


def _steps(output, params, trace: Trace | None, gradient, prefix: str):
    import chainrule
    outputs = list(output) if isinstance(output, (list, tuple)) else [output]
    model = _model.build(outputs, params,
                         known=trace.values() if trace is not None else None,
                         arguments=trace.arguments() if trace is not None else None)
    leaves = [box.tensor for box in model.boxes if box.kind == "leaf"]
    if trace is None:
        recorder = Trace(params)
        try:
            with recorder:
                found = chainrule.autograd.grad(outputs, leaves, grad_outputs=gradient,
                                                retain_graph=True, allow_unused=True)
        except RuntimeError as e:
            if "second time" not in str(e):
                raise
            raise RuntimeError(
                "backward() has already freed what this graph saved, so the page cannot run "
                "the backward pass again. Fix: make the page before calling backward(), or "
                "trace the backward pass and pass the trace: with chainrule.viz.trace() as t: "
                "y.backward(); then chainrule.viz.page(y, trace=t).") from None
        record = recorder.passes[-1]
        final = {id(leaf): g for leaf, g in zip(leaves, found)}
    else:
        roots = {t.grad_fn for t in outputs}
        passes = [p for p in trace.passes if p.steps and p.steps[0].node in roots]
        if not passes:
            raise ValueError("the trace has no backward pass of this output: trace "
                             "output.backward() (with chainrule.viz.trace() as t: ...)")
        record = passes[-1]
        final = {id(leaf): leaf.grad for leaf in leaves}

    shown = {}
    for step in record.steps:
        box = model.box_of(step.node)
        if box is not None and step.grads and step.grads[0] is not None:
            shown[box] = step.grads[0]
    for box in model.boxes:
        if box.kind == "leaf" and final.get(id(box.tensor)) is not None:
            shown[box] = as_array(final[id(box.tensor)])
    for arrow in model.arrows:
        if arrow.kind == "output" and arrow.source in shown:
            shown[arrow.target] = shown[arrow.source]
    graph = Graph(model, True, shown, prefix)

    arrow_ids = {id(a): f"{prefix}e{k}" for k, a in enumerate(model.arrows)}
    steps = _forward_steps(model, outputs, arrow_ids, prefix)
    steps += _backward_steps(model, record, arrow_ids, prefix)
    names = {id(box.tensor): box.title for box in model.boxes if box.kind == "leaf"}
    results = [f"{names[id(leaf)]}.grad = {_printed(final[id(leaf)])}" for leaf in leaves]
    every = [[f"{prefix}{b.id}", kind] for b in model.boxes for kind in ("val", "grad")]
    steps.append({
        "phase": "result", "node": None, "edges": [], "reveal": every,
        "text": ["The backward pass is done. The gradients, as PyTorch prints them:"],
        "final": results,
    })
    return graph, steps


def _printed(grad) -> str:
    import chainrule
    if grad is None:
        return "None"
    return repr(chainrule.from_numpy(as_array(grad).copy()))


def _into(model, box) -> list:
    return [a for a in model.arrows if a.target is box]


def _forward_steps(model, outputs: list, arrow_ids: dict, prefix: str) -> list:
    starts = [b for b in model.boxes if b.kind in ("leaf", "const")]
    described = []
    for b in starts:
        if b.kind == "leaf":
            described.append(f"{b.title} = {show(b.value)}  (a leaf: requires_grad=True)")
        elif b.shape is not None:
            known = show(b.value) if b.value is not None else "(value not kept)"
            described.append(f"{b.title} = {known}  (data: needs no gradient)")
    steps = [{
        "phase": "forward", "node": None, "edges": [],
        "reveal": [[f"{prefix}{b.id}", "val"] for b in starts],
        "text": ["Forward: the computation starts from its inputs."] + described
        + ["Press Next to run it one operation at a time."],
    }]
    for box in model.boxes:
        if box.kind not in ("op", "module"):
            continue
        into = _into(model, box)
        lines = [f"{box.title} ({box.name}) computes its output from:"]
        for a in into:
            source = a.source
            if source.kind == "accumulate":  # the leaf behind it
                source = next(b.source for b in _into(model, source))
            value = show(source.value) if source.value is not None else "?"
            label = f"{a.arg} = " if a.arg else ""
            lines.append(f"  {label}{value}   ({source.title})")
        lines.extend(f"  {d}" for d in box.details)
        lines.append(f"output: {show(box.value) if box.value is not None else '(not kept)'}")
        steps.append({"phase": "forward", "node": f"{prefix}{box.id}",
                      "edges": [arrow_ids[id(a)] for a in into],
                      "reveal": [[f"{prefix}{box.id}", "val"]], "text": lines})
    for out_box, t in zip(model.outputs, outputs):
        steps.append({
            "phase": "forward", "node": f"{prefix}{out_box.id}",
            "edges": [arrow_ids[id(a)] for a in _into(model, out_box)],
            "reveal": [[f"{prefix}{out_box.id}", "val"]],
            "text": ["The result, as PyTorch prints it:", f"{out_box.title} = {t!r}",
                     "Now backward: the chain rule, from the result back to the leaves."]})
    return steps


def _backward_steps(model, record, arrow_ids: dict, prefix: str) -> list:
    steps = []
    for step in record.steps:
        box = model.box_of(step.node)
        if box is None:
            continue
        into = [a for a in _into(model, box) if a.kind in ("grad", "leaf")]
        reveal = [[f"{prefix}{box.id}", "grad"]]
        grad = step.grads[0] if step.grads else None
        title = box.title if step.leaf is None else step.title
        lines = [f"{step.name if step.leaf is None else 'AccumulateGrad'} "
                 f"({title}) receives grad = {show(grad)}"]
        sources = step.sources[0] if step.sources else []
        if not sources:
            lines.append("  where backward starts: d(result)/d(result) = 1")
            reveal += [[f"{prefix}{o.id}", "grad"] for o in model.outputs]
        elif len(sources) > 1:
            parts = " + ".join(f"{show(a)} (from {_title(model, s.node)})" for s, a in sources)
            lines.append(f"  the sum of {len(sources)} paths: {parts}")
        if step.leaf is not None:
            leaf_box = next((a.source for a in into if a.kind == "leaf"), None)
            if leaf_box is not None:
                reveal.append([f"{prefix}{leaf_box.id}", "grad"])
            if step.accumulated and step.grad_before is not None:
                lines.append(f"{step.title}.grad += grad: {show(step.grad_before)} + "
                             f"{show(grad)} = {show(step.grad_after)}")
            else:
                lines.append(f"{step.title}.grad = grad = {show(grad)}  "
                             "(added to .grad, which was None)")
        for inp in step.inputs:
            if inp.rule is None:
                lines.append(f"{inp.arg}: needs no gradient")
                continue
            used = ", ".join(f"{n} = {show(v)}" for n, v in inp.values)
            lines.append(f"{inp.arg}: {inp.rule}" + (f"   with {used}" if used else ""))
            lines.extend(f"    where {note}" for note in inp.notes)
            if inp.sent is not None:
                lines.append(f"    = {show(inp.sent)}   sent to {_title(model, inp.target)}")
        steps.append({"phase": "backward", "node": f"{prefix}{box.id}",
                      "edges": [arrow_ids[id(a)] for a in into], "reveal": reveal,
                      "text": lines})
    return steps


def _title(model, node) -> str:
    """What the graph calls ``node``: ``mul_1``, or the leaf's name for its AccumulateGrad."""
    box = model.box_of(node)
    if box is None:
        return node.name()
    if box.kind == "accumulate":
        return next(a.source.title for a in model.arrows if a.target is box)
    return box.title


def _section_html(section: Section) -> str:
    data = json.dumps({"steps": section.steps}).replace("</", "<\\/")
    note = f"<p>{html.escape(section.note)}</p>" if section.note else ""
    return (
        f'<section class="cr-section" id="s{section.number}" tabindex="0">'
        f"<h2>{html.escape(section.title)}</h2>{note}"
        '<div class="cr-row"><div class="cr-graph">' + section.graph.to_svg() + "</div>"
        '<div class="cr-panel"><div class="cr-controls">'
        '<button type="button" data-go="first" title="first step">First</button>'
        '<button type="button" data-go="prev">&#x25C0; Back</button>'
        '<span class="cr-counter"></span>'
        '<button type="button" data-go="next">Next &#x25B6;</button>'
        '<button type="button" data-go="last" title="last step">Last</button></div>'
        '<div class="cr-phase"></div><div class="cr-text"></div>'
        '<pre class="cr-final"></pre></div></div>'
        f'<script type="application/json" class="cr-steps">{data}</script></section>')


_HELP = ("Each computation below runs forward, one operation at a time, then backward "
         "through the chain rule, one node at a time in the order chainrule's engine runs "
         "them. Use the buttons, or the arrow keys after clicking a computation. Values are "
         "blue, gradients red.")

_CSS = """
body{font:15px/1.45 system-ui,-apple-system,Segoe UI,Roboto,sans-serif;margin:24px;color:#222;
max-width:1400px}
h1{font-size:1.6em;margin:0 0 .3em}h2{font-size:1.25em;margin:1.2em 0 .4em}
.cr-help{color:#555}
.cr-section{border:1px solid #d0d7de;border-radius:8px;padding:4px 16px 16px;margin:18px 0}
.cr-section:focus{outline:2px solid #7aa7e0}
.cr-row{display:flex;gap:18px;align-items:flex-start;flex-wrap:wrap}
.cr-graph{flex:0 1 auto;overflow:auto;max-width:100%}
.cr-panel{flex:1 1 380px;min-width:320px}
.cr-controls{display:flex;flex-wrap:wrap;gap:6px;align-items:center;margin-bottom:8px}
.cr-controls button{font-size:14px;padding:4px 10px;cursor:pointer;white-space:nowrap}
.cr-counter{min-width:8em;text-align:center;color:#444}
.cr-phase{font-weight:600;text-transform:uppercase;letter-spacing:.05em;font-size:12px}
.cr-phase.forward{color:#1f5fa8}.cr-phase.backward{color:#b3261e}.cr-phase.result{color:#2f7d32}
.cr-text{font:13px/1.5 ui-monospace,DejaVu Sans Mono,Menlo,Consolas,monospace;
white-space:pre-wrap;background:#f6f8fa;border-radius:6px;padding:8px 10px;margin-top:4px}
.cr-final{font:15px/1.5 ui-monospace,DejaVu Sans Mono,Menlo,Consolas,monospace;color:#2f7d32;
font-weight:600;margin:8px 0 0;white-space:pre-wrap}
.cr-final:empty{display:none}
.cr-graph .node.current rect{stroke:#e8590c;stroke-width:3}
.cr-graph .node.done rect{stroke-width:1.6}
.cr-graph .edge.fwd{stroke:#1f5fa8;stroke-width:2.6}
.cr-graph .edge.back{stroke:#b3261e;stroke-width:2.6}
.cr-figures{display:flex;flex-wrap:wrap;gap:16px}
.cr-figure{flex:1 1 380px;margin:0;max-width:640px}.cr-figure h2{font-size:1.1em}
.cr-figure img{width:100%;border:1px solid #eee}
"""

_SCRIPT = """
(function () {
  document.querySelectorAll('.cr-section').forEach(function (section) {
    var steps = JSON.parse(section.querySelector('.cr-steps').textContent).steps;
    var svg = section.querySelector('svg');
    var k = 0;
    function lines(id, kind) {
      var node = svg.getElementById ? svg.getElementById(id) : document.getElementById(id);
      return node ? node.querySelectorAll('text.' + kind) : [];
    }
    function show(i) {
      k = Math.max(0, Math.min(steps.length - 1, i));
      svg.querySelectorAll('text.val, text.grad').forEach(function (t) {
        t.style.visibility = 'hidden';
      });
      svg.querySelectorAll('.node').forEach(function (n) {
        n.classList.remove('current', 'done');
      });
      svg.querySelectorAll('.edge').forEach(function (e) {
        e.classList.remove('fwd', 'back');
      });
      for (var j = 0; j <= k; j++) {
        steps[j].reveal.forEach(function (r) {
          lines(r[0], r[1]).forEach(function (t) { t.style.visibility = 'visible'; });
        });
        if (steps[j].node && j < k) {
          var done = document.getElementById(steps[j].node);
          if (done) done.classList.add('done');
        }
      }
      var step = steps[k];
      if (step.node) {
        var current = document.getElementById(step.node);
        if (current) current.classList.add('current');
      }
      step.edges.forEach(function (id) {
        var edge = document.getElementById(id);
        if (edge) edge.classList.add(step.phase === 'forward' ? 'fwd' : 'back');
      });
      var phase = section.querySelector('.cr-phase');
      phase.textContent = step.phase;
      phase.className = 'cr-phase ' + step.phase;
      section.querySelector('.cr-counter').textContent = 'step ' + (k + 1) + ' of ' +
        steps.length;
      section.querySelector('.cr-text').textContent = step.text.join('\\n');
      section.querySelector('.cr-final').textContent = (step.final || []).join('\\n');
      section.querySelector('[data-go=first]').disabled = k === 0;
      section.querySelector('[data-go=prev]').disabled = k === 0;
      section.querySelector('[data-go=next]').disabled = k === steps.length - 1;
      section.querySelector('[data-go=last]').disabled = k === steps.length - 1;
      section.dataset.step = String(k);
    }
    section.querySelectorAll('[data-go]').forEach(function (button) {
      button.addEventListener('click', function () {
        var go = button.dataset.go;
        show(go === 'first' ? 0 : go === 'last' ? steps.length - 1 :
             go === 'next' ? k + 1 : k - 1);
      });
    });
    section.addEventListener('keydown', function (event) {
      if (event.key === 'ArrowRight') { show(k + 1); event.preventDefault(); }
      if (event.key === 'ArrowLeft') { show(k - 1); event.preventDefault(); }
    });
    show(0);
  });
})();
"""
