"""See the chain rule: draw the graph, trace the backward pass, step through it in a page.

- ``graph(y)``: the graph ``y.backward()`` walks, as SVG (``.save("g.svg")``,
  inline in Jupyter) or Graphviz DOT text (``.to_dot()``), laid out in Python.
- ``trace()``: ``with trace() as t: y.backward()`` records each node the
  engine runs, the gradient that reached it, the rule applied to each input
  and the gradient it sent; ``print(t)`` shows the table.
- ``page(y)``: one self-contained HTML file in which a student steps forward
  through the computation and then backward through the chain rule.

A tool layer: nothing else in chainrule imports it (``import chainrule``
loads it on first use of ``chainrule.viz``).

>>> x = torch.tensor(1.0, requires_grad=True)
>>> y = 3 * x ** 2 - 4 * x
>>> with torch.viz.trace({"x": x}) as t:
...     y.backward()
>>> print(str(t).splitlines()[-1])
x.grad = tensor(2.)
"""
from .graph import Graph, graph
from .page import Page, page
from .trace import Trace, trace

__all__ = ["Graph", "Page", "Trace", "graph", "page", "trace"]
