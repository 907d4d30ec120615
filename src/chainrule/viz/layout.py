"""A layered layout of a directed acyclic graph, in plain Python (no Graphviz needed).

The classic recipe (Sugiyama's), kept small:

1. rank: each node sits one row above the nearest-but-longest path to an output
   (the longest path to a node without successors), so leaves sit right above
   the operation that uses them and the outputs form the bottom row;
2. an arrow that spans several rows is cut into pieces by invisible points, one
   per row it crosses, so every piece joins neighbouring rows;
3. order each row to reduce crossings: sweep up and down, placing each node at
   the mean position of its neighbours in the row before (barycentre), and keep
   the order with the fewest crossings;
4. horizontal positions: each row, in its order, as close as possible to its
   neighbours in the row above (sweeping down) or below (sweeping up): the
   least-squares placement that keeps boxes apart, found by pooling adjacent
   violators; the last sweep goes down, so every result sits under its inputs.

``layout(sizes, edges)`` takes the width and height of each node and the edges
``(source, target)`` and returns a ``Layout`` with centres and edge polylines.
"""
from __future__ import annotations

from dataclasses import dataclass

ROW_GAP = 46.0  # vertical space between rows, for the arrows
NODE_GAP = 22.0  # horizontal space between neighbouring boxes
DUMMY_WIDTH = 8.0  # room an arrow passing through a row takes
MARGIN = 12.0
SWEEPS = 8  # crossing-reduction sweeps (each one up or down)
PLACEMENT_SWEEPS = 5  # odd: the last sweep goes down, so results sit under their inputs


@dataclass
class Layout:
    """Where everything goes: centres of nodes, points of each edge, the canvas size."""

    x: list  # centre of node i
    y: list
    width: float
    height: float
    paths: list  # one list of (x, y) points per edge, source bottom to target top
    rows: list  # the nodes of each row, left to right (dummies left out)


def layout(sizes: list, edges: list, weights: list | None = None,
           importance: list | None = None) -> Layout:
    """Lay out nodes of the given (width, height) with edges (source, target) pointing down.

    ``weights`` (one per edge, default 1) say how strongly an edge's source pulls
    its target sideways (the target always pulls its source fully): a constant
    feeding an operation, with weight 0, sits beside it without bending the
    chain of operations.  ``importance`` (one per node, default 1) says whose wish
    counts more where boxes of a row compete for a place: an important box keeps
    its place and the others make room around it.

    >>> result = layout([(40, 20), (40, 20), (40, 20)], [(0, 2), (1, 2)])
    >>> result.y[0] == result.y[1] < result.y[2]
    True
    >>> result.x[0] < result.x[2] < result.x[1] or result.x[1] < result.x[2] < result.x[0]
    True
    """
    n = len(sizes)
    rank = _ranks(n, edges)
    widths = [float(w) for w, _ in sizes]
    heights = [float(h) for _, h in sizes]
    mass = [1.0] * n if importance is None else [float(m) for m in importance]

    # Cut long edges into one piece per row: invisible points numbered from n on.
    chains = []
    up: list = [[] for _ in range(n)]  # neighbours in the row above
    down: list = [[] for _ in range(n)]  # neighbours in the row below
    pull: dict = {}  # (a, b) -> how strongly a pulls b, for neighbours a above b
    node_rank = list(rank)
    for e, (s, t) in enumerate(edges):
        chain = [s]
        for r in range(rank[s] + 1, rank[t]):
            d = len(node_rank)
            node_rank.append(r)
            widths.append(DUMMY_WIDTH)
            heights.append(0.0)
            mass.append(1.0)
            up.append([])
            down.append([])
            chain.append(d)
        chain.append(t)
        weight = 1.0 if weights is None else float(weights[e])
        for a, b in zip(chain, chain[1:]):
            down[a].append(b)
            up[b].append(a)
            pull[(a, b)] = max(pull.get((a, b), 0.0), weight)
        chains.append(chain)

    n_rows = max(node_rank) + 1 if node_rank else 0
    rows: list = [[] for _ in range(n_rows)]
    for v, r in enumerate(node_rank):
        rows[r].append(v)
    _order(rows, up, down)
    xs = _place(rows, widths, mass, up, down, pull)

    # Rows from the top: each as tall as its tallest box.
    row_height = [max((heights[v] for v in row), default=0.0) for row in rows]
    row_y = []
    y = MARGIN
    for h in row_height:
        row_y.append(y + h / 2)
        y += h + ROW_GAP
    height = y - ROW_GAP + MARGIN if rows else 2 * MARGIN
    left = min((xs[v] - widths[v] / 2 for v in range(len(xs))), default=0.0)
    shift = MARGIN - left
    xs = [x + shift for x in xs]
    width = max((xs[v] + widths[v] / 2 for v in range(len(xs))), default=0.0) + MARGIN
    ys = [row_y[node_rank[v]] for v in range(len(xs))]

    paths = _paths(chains, xs, ys, widths, heights)
    return Layout(xs[:n], ys[:n], width, height, paths,
                  [[v for v in row if v < n] for row in rows])


def _ranks(n: int, edges: list) -> list:
    """Row of each node: the outputs at the bottom, every node above all it feeds."""
    succ: list = [[] for _ in range(n)]
    indegree = [0] * n
    for s, t in edges:
        succ[s].append(t)
        indegree[t] += 1
    order = []  # topological, sources first
    stack = [v for v in range(n) if indegree[v] == 0]
    while stack:
        v = stack.pop()
        order.append(v)
        for t in succ[v]:
            indegree[t] -= 1
            if indegree[t] == 0:
                stack.append(t)
    if len(order) != n:
        raise ValueError("the graph has a cycle: a layered layout needs a DAG")
    depth = [0] * n  # longest path to a node without successors
    for v in reversed(order):
        if succ[v]:
            depth[v] = max(depth[t] for t in succ[v]) + 1
    top = max(depth, default=0)
    return [top - d for d in depth]


def _order(rows: list, up: list, down: list) -> None:
    """Reorder each row (in place) to reduce crossings: barycentre sweeps, best kept."""
    position = {}
    for row in rows:
        for i, v in enumerate(row):
            position[v] = i
    best = [list(row) for row in rows]
    best_crossings = _crossings(rows, down, position)
    for sweep in range(SWEEPS):
        downward = sweep % 2 == 1
        indices = range(1, len(rows)) if downward else range(len(rows) - 2, -1, -1)
        for r in indices:
            row = rows[r]
            neighbours = up if downward else down

            def key(v, neighbours=neighbours):
                near = neighbours[v]
                if not near:
                    return position[v]  # no neighbour that way: stay
                return sum(position[u] for u in near) / len(near)
            row.sort(key=key)
            for i, v in enumerate(row):
                position[v] = i
        crossings = _crossings(rows, down, position)
        if crossings < best_crossings:
            best_crossings = crossings
            best = [list(row) for row in rows]
        if best_crossings == 0:
            break
    rows[:] = best


def _crossings(rows: list, down: list, position: dict) -> int:
    """Edge crossings between neighbouring rows (inversions, counted with a Fenwick tree)."""
    total = 0
    for r in range(len(rows) - 1):
        pairs = sorted((position[v], position[t]) for v in rows[r] for t in down[v])
        size = len(rows[r + 1])
        tree = [0] * (size + 1)
        seen = 0
        for _, p in pairs:
            # How many earlier edges end right of p: those cross this one.
            i, below = p + 1, 0
            while i > 0:
                below += tree[i]
                i -= i & -i
            total += seen - below
            i = p + 1
            while i <= size:
                tree[i] += 1
                i += i & -i
            seen += 1
    return total


def _place(rows: list, widths: list, mass: list, up: list, down: list, pull: dict) -> list:
    """x centre of each node: rows packed, then pulled towards their neighbours."""
    xs = [0.0] * len(widths)
    for row in rows:
        x = 0.0
        for i, v in enumerate(row):
            if i:
                x += (widths[row[i - 1]] + widths[v]) / 2 + NODE_GAP
            xs[v] = x
    for sweep in range(PLACEMENT_SWEEPS):
        downward = sweep % 2 == 0
        indices = range(1, len(rows)) if downward else range(len(rows) - 2, -1, -1)
        for r in indices:
            row = rows[r]
            wanted = []
            for v in row:
                if downward:  # under the boxes that feed it
                    near = [(u, pull[(u, v)]) for u in up[v]]
                else:  # over the boxes it feeds
                    near = [(u, 1.0) for u in down[v]]
                total = sum(w for _, w in near)
                wanted.append(sum(xs[u] * w for u, w in near) / total if total else xs[v])
            for v, x in zip(row, _closest_in_order(row, wanted, widths, mass)):
                xs[v] = x
    return xs


def _closest_in_order(row: list, wanted: list, widths: list, mass: list) -> list:
    """Positions as near as possible to ``wanted`` (weighted least squares), boxes apart.

    With ``offset[i]`` the least distance from the first box to box i, the
    positions minus their offsets must not decrease: isotonic regression, solved
    by pooling adjacent violators (each block sits at the weighted mean of its
    wishes, so the wish of an important box counts more).
    """
    offsets = [0.0]
    for i in range(1, len(row)):
        offsets.append(offsets[-1] + (widths[row[i - 1]] + widths[row[i]]) / 2 + NODE_GAP)
    blocks: list = []  # [weighted sum of targets, total weight, count]
    for v, w, o in zip(row, wanted, offsets):
        blocks.append([mass[v] * (w - o), mass[v], 1])
        while len(blocks) > 1 and blocks[-2][0] / blocks[-2][1] > blocks[-1][0] / blocks[-1][1]:
            total, weight, count = blocks.pop()
            blocks[-1][0] += total
            blocks[-1][1] += weight
            blocks[-1][2] += count
    out = []
    for total, weight, count in blocks:
        out.extend([total / weight] * count)
    return [z + o for z, o in zip(out, offsets)]


def _paths(chains: list, xs: list, ys: list, widths: list, heights: list) -> list:
    """Each edge's points, leaving its source's bottom and entering its target's top.

    Where several edges leave (or enter) one box they are spread along its
    side, in the order of where they go, so that they do not overlap.
    """
    leaving: dict = {}
    entering: dict = {}
    for e, chain in enumerate(chains):
        leaving.setdefault(chain[0], []).append(e)
        entering.setdefault(chain[-1], []).append(e)
    out_port: dict = {}
    in_port: dict = {}
    for node, group in leaving.items():
        group.sort(key=lambda e: (xs[chains[e][1]], e))
        step = _port_step(widths[node], len(group))
        for i, e in enumerate(group):
            out_port[e] = (i - (len(group) - 1) / 2) * step
    for node, group in entering.items():
        group.sort(key=lambda e: (xs[chains[e][-2]], e))
        step = _port_step(widths[node], len(group))
        for i, e in enumerate(group):
            in_port[e] = (i - (len(group) - 1) / 2) * step
    paths = []
    for e, chain in enumerate(chains):
        s, t = chain[0], chain[-1]
        points = [(xs[s] + out_port[e], ys[s] + heights[s] / 2)]
        points.extend((xs[d], ys[d]) for d in chain[1:-1])
        points.append((xs[t] + in_port[e], ys[t] - heights[t] / 2))
        paths.append(points)
    return paths


def _port_step(width: float, count: int) -> float:
    # 10 px between arrows on one side of a box, closer where the box is narrow.
    return min(10.0, 0.7 * width / (count - 1)) if count > 1 else 0.0
