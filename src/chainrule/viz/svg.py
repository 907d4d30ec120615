"""Boxes and arrows written as SVG (by hand: no Graphviz) and as Graphviz DOT text.

Every box is a ``<g class="node">`` with ``data-kind`` and ``data-name``, every
arrow a ``<path class="edge">`` with ``data-source`` and ``data-target``, so a
test (or the page's script) can find them.  Colours are attributes, not a
stylesheet, so the picture looks the same in a file, in Jupyter and inside a
page that has styles of its own.
"""
from __future__ import annotations

from dataclasses import dataclass
from xml.sax.saxutils import escape

FONT = "DejaVu Sans Mono, Menlo, Consolas, monospace"
FONT_SIZE = 12.0
CHAR_WIDTH = 0.61 * FONT_SIZE  # the advance of a monospace font (DejaVu Sans Mono: 0.602 em)
LINE_HEIGHT = 15.0
PADDING = 8.0

# kind -> (fill, stroke, dash) of its box
COLOURS = {
    "op": ("#eef2f7", "#6f829b", ""),
    "accumulate": ("#f2f2f2", "#9a9a9a", ""),
    "leaf": ("#cfe6ff", "#3b7cc4", ""),
    "const": ("#ffffff", "#9a9a9a", "4 3"),
    "output": ("#d6f5d6", "#3c9a3c", ""),
    "module": ("#fff3c4", "#c29b16", ""),
}
# line class -> (colour, bold)
TEXT = {
    "title": ("#111111", True),
    "name": ("#555555", False),
    "meta": ("#666666", False),
    "detail": ("#444444", False),
    "val": ("#1f5fa8", False),
    "grad": ("#b3261e", False),
}


@dataclass
class Line:
    text: str
    kind: str  # a key of TEXT


def box_size(lines: list) -> tuple[float, float]:
    """Width and height of a box holding ``lines``."""
    longest = max((len(line.text) for line in lines), default=1)
    return longest * CHAR_WIDTH + 2 * PADDING, len(lines) * LINE_HEIGHT + PADDING


def svg(boxes: list, lines: dict, arrows: list, placed, prefix: str = "") -> str:
    """The SVG document: ``lines[box]`` are the box's lines, ``placed`` its ``Layout``."""
    out = [
        f'<svg xmlns="http://www.w3.org/2000/svg" class="chainrule-graph" '
        f'width="{placed.width:.0f}" height="{placed.height:.0f}" '
        f'viewBox="0 0 {placed.width:.1f} {placed.height:.1f}" '
        f'font-family="{FONT}" font-size="{FONT_SIZE:g}">',
        f'<defs><marker id="{prefix}arrow" viewBox="0 0 10 10" refX="9" refY="5" '
        'markerWidth="9" markerHeight="9" markerUnits="userSpaceOnUse" '
        'orient="auto-start-reverse">'
        '<path d="M0,0 L10,5 L0,10 z" fill="#555555"/></marker></defs>',
        '<g class="edges">',
    ]
    for e, (arrow, points) in enumerate(zip(arrows, placed.paths)):
        dash = ' stroke-dasharray="4 3"' if arrow.kind in ("leaf", "const") else ""
        out.append(
            f'<path class="edge edge-{arrow.kind}" id="{prefix}e{e}" '
            f'data-source="{prefix}{arrow.source.id}" data-target="{prefix}{arrow.target.id}" '
            f'data-kind="{arrow.kind}" d="{_curve(points)}" fill="none" stroke="#555555" '
            f'stroke-width="1.3"{dash} marker-end="url(#{prefix}arrow)">'
            f'<title>{escape(_arrow_title(arrow))}</title></path>')
    out.append('</g><g class="nodes">')
    for i, box in enumerate(boxes):
        fill, stroke, dash = COLOURS[box.kind]
        w, h = box_size(lines[box])
        x, y = placed.x[i] - w / 2, placed.y[i] - h / 2
        dash_attr = f' stroke-dasharray="{dash}"' if dash else ""
        out.append(
            f'<g class="node node-{box.kind}" id="{prefix}{box.id}" data-kind="{box.kind}" '
            f'data-name="{_attribute(box.name)}">'
            f'<title>{escape(box.name)}</title>'
            f'<rect x="{x:.1f}" y="{y:.1f}" width="{w:.1f}" height="{h:.1f}" rx="6" '
            f'fill="{fill}" stroke="{stroke}" stroke-width="1.2"{dash_attr}/>')
        for k, line in enumerate(lines[box]):
            colour, bold = TEXT[line.kind]
            # The title is centred; the other lines start at the left, so that the rows of
            # a matrix stay aligned.
            if line.kind == "title":
                tx, anchor = placed.x[i], "middle"
            else:
                tx, anchor = x + PADDING, "start"
            weight = ' font-weight="bold"' if bold else ""
            ty = y + PADDING / 2 + LINE_HEIGHT * (k + 0.75)
            out.append(
                f'<text class="{line.kind}" x="{tx:.1f}" y="{ty:.1f}" text-anchor="{anchor}" '
                f'fill="{colour}"{weight} style="white-space:pre">{escape(line.text)}</text>')
        out.append("</g>")
    out.append("</g></svg>")
    return "\n".join(out)


def _attribute(text: str) -> str:
    return escape(text, {'"': "&quot;"})


def _arrow_title(arrow) -> str:
    text = f"{arrow.source.title} -> {arrow.target.title}"
    return f"{text} ({arrow.arg})" if arrow.arg else text


def _curve(points: list) -> str:
    """A smooth path through ``points``: each piece leaves and arrives vertically."""
    (x0, y0) = points[0]
    parts = [f"M{x0:.1f},{y0:.1f}"]
    for x1, y1 in points[1:]:
        mid = (y0 + y1) / 2
        parts.append(f"C{x0:.1f},{mid:.1f} {x1:.1f},{mid:.1f} {x1:.1f},{y1:.1f}")
        x0, y0 = x1, y1
    return " ".join(parts)


def dot(boxes: list, lines: dict, arrows: list) -> str:
    """The same graph as Graphviz DOT text (for ``dot -Tpng``, or any DOT viewer)."""
    out = ["digraph chainrule {",
           f'  node [shape=box, style="rounded,filled", fontname="{FONT.split(",")[0]}", '
           'fontsize=10];']
    for box in boxes:
        fill, stroke, dash = COLOURS[box.kind]
        style = ', style="rounded,filled,dashed"' if dash else ""
        label = "\\n".join(_dot_escape(line.text) for line in lines[box])
        out.append(f'  {box.id} [label="{label}", fillcolor="{fill}", color="{stroke}"{style}];')
    for arrow in arrows:
        attrs = ' [style=dashed]' if arrow.kind in ("leaf", "const") else ""
        if arrow.arg:
            attrs = attrs[:-1] + f', label="{arrow.arg}"]' if attrs else f' [label="{arrow.arg}"]'
        out.append(f"  {arrow.source.id} -> {arrow.target.id}{attrs};")
    out.append("}")
    return "\n".join(out) + "\n"


def _dot_escape(text: str) -> str:
    return text.replace("\\", "\\\\").replace('"', '\\"')
