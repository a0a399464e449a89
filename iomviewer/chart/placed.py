"""Positions for a planned chart, computed here rather than by dot (export pages).

dot puts every box on a global rank: a rank is as tall as its tallest box,
and two ranks are at least CL_OFFSET (8 pt) plus the panels' margins apart,
whatever the column.  A page chart of the whole edition is limited by
exactly that: its stacked columns are lists of boxes, and the rank grid
spaces every list like its loosest neighbour.  Here each column is stacked
on its own, each box as high as its own name, a few points apart, so the
planner's estimate (chart.build._Planner) is the layout itself.

The geometry follows the planner's model of a block (its widths and
heights, formula for formula):

- a free unit (the root, or a child drawn in a row below its parent) is its
  box centred over its parts side by side: the children drawn in a row,
  each a free unit, and the panel of its stacked children, in the order of
  the children;
- a panel is its runs (sub-columns) side by side, `margin` points inside
  its sides and `pad` points inside its top and bottom;
- a stacked unit with children of its own is its box centred over the
  panel of its children.

Lines of authority are drawn as an org chart draws them: down from the
parent, along a bar half way to the children, down into each child (or the
panel of its stacked children).  Graphviz then draws the positioned graph
(its "nop2" layout: positions and edge routes as given).

Everything is in points, y downwards; build.py writes it out for Graphviz
(y upwards).  No Graphviz here.
"""
from __future__ import annotations

from dataclasses import dataclass, field

Rect = tuple[float, float, float, float]  # left, top, width, height
Point = tuple[float, float]


@dataclass
class Geometry:
    """Boxes, panels and lines of a chart placed in a width × height area, y downwards."""

    boxes: dict[str, Rect] = field(default_factory=dict)  # unit → its box
    panels: dict[str, Rect] = field(default_factory=dict)  # parent → the panel of its stacked children
    lines: list[tuple[str, str, list[Point]]] = field(default_factory=list)  # (tail, head or panel parent, route)
    # unit → the width its box may take without moving anything: its
    # sub-column's for a stacked unit, its block's for a free one
    rooms: dict[str, float] = field(default_factory=dict)
    width: float = 0.0
    height: float = 0.0


def place(shown: dict[str, list[str]], stacks: dict[str, list[list[str]]], sizes: dict[str, tuple[float, float]],
          gap: float, nodesep: float, margin: float, pad: float) -> Geometry:
    """Place the boxes of a planned chart: `stacks` as chart.build._Planner.plan returns them.

    gap: points between a box and what hangs below it; nodesep: points
    between blocks side by side; margin and pad: points inside a panel's
    sides, and above and below its columns.
    """
    order = list(shown)  # preorder: parents before children
    root = order[0]
    inside = {k for runs in stacks.values() for run in runs for k in run}
    block: dict[str, tuple[float, float]] = {}  # unit → its block (free or stacked)
    panel: dict[str, tuple[float, float]] = {}  # parent → its panel's size
    parts: dict[str, list[str]] = {}  # free unit → its parts: a child id, or "" for its panel
    for uid in reversed(order):  # children before parents
        bw, bh = sizes[uid]
        if uid in stacks:
            runs = stacks[uid]
            widths = [max(block[k][0] for k in run) for run in runs]
            panel[uid] = (sum(widths) + nodesep * (len(runs) - 1) + 2 * margin,
                          max(sum(block[k][1] + gap for k in run) for run in runs) - gap + 2 * pad)
        if uid in inside:  # a stacked unit: its box over its own panel, if any
            if uid in stacks:
                pw, ph = panel[uid]
                block[uid] = (max(bw, pw), bh + gap + ph)
            else:
                block[uid] = (bw, bh)
            continue
        stacked = {k for run in stacks.get(uid, []) for k in run}
        first = stacks[uid][0][0] if uid in stacks else None
        mine = [k if k not in stacked else "" for k in shown[uid] if k not in stacked or k == first]
        parts[uid] = mine
        if not mine:
            block[uid] = (bw, bh)
            continue
        sized = [panel[uid] if k == "" else block[k] for k in mine]
        block[uid] = (max(bw, sum(w for w, _ in sized) + nodesep * (len(sized) - 1)),
                      bh + gap + max(h for _, h in sized))
    geo = Geometry(width=block[root][0], height=block[root][1])
    todo: list[tuple[str, str, float, float]] = [("free", root, 0.0, 0.0)]
    while todo:  # top down, without recursion: a chain may be deep
        kind, uid, x, y = todo.pop()
        bw, bh = sizes[uid]
        if kind == "panel":
            pw, ph = panel[uid]
            geo.panels[uid] = (x, y, pw, ph)
            rx = x + margin
            for run in stacks[uid]:
                rw = max(block[k][0] for k in run)
                ey = y + pad
                for k in run:
                    geo.rooms[k] = rw
                    todo.append(("entry", k, rx + (rw - block[k][0]) / 2, ey))
                    ey += block[k][1] + gap
                rx += rw + nodesep
            continue
        w, _h = block[uid]
        cx = x + w / 2
        geo.boxes[uid] = (cx - bw / 2, y, bw, bh)
        if kind == "free":
            geo.rooms[uid] = w
        below = y + bh + gap
        if kind == "entry":
            if uid in stacks:
                pw, _ph = panel[uid]
                todo.append(("panel", uid, cx - pw / 2, below))
                geo.lines.append((uid, "", [(cx, y + bh), (cx, below)]))
            continue
        mine = parts[uid]
        sized = [panel[uid] if k == "" else block[k] for k in mine]
        px = x + (w - (sum(pw for pw, _ in sized) + nodesep * (len(sized) - 1))) / 2
        bar = y + bh + gap / 2
        for k, (pw, _ph) in zip(mine, sized):
            if k == "":
                todo.append(("panel", uid, px, below))
                end = px + pw / 2
            else:
                todo.append(("free", k, px, below))
                end = px + pw / 2  # a free block's box is centred on it
            route = [(cx, y + bh), (cx, below)] if abs(end - cx) < 0.5 else \
                [(cx, y + bh), (cx, bar), (end, bar), (end, below)]
            geo.lines.append((uid, k, route))
            px += pw + nodesep
    return geo


def overlaps(geo: Geometry) -> list[tuple[str, str]]:
    """Pairs of boxes that overlap (for tests and checks; none in a placed chart)."""
    items = sorted(geo.boxes.items(), key=lambda kv: kv[1][0])
    out = []
    for i, (a, (ax, ay, aw, ah)) in enumerate(items):
        for b, (bx, by, bw, bh) in items[i + 1:]:
            if bx >= ax + aw:
                break
            if by < ay + ah and ay < by + bh:
                out.append((a, b))
    return out
