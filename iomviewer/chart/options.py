"""The options of a chart: what it shows and how it is laid out.

Its own module, without the graph builder: the window needs ChartOptions at
start-up (the cached opening chart's key) and build.py, 1,400 lines of
planner, would cost that start ~8 ms of import for nothing.
"""
# No `from __future__ import annotations`: NamedTuple would compile each
# string annotation into a ForwardRef (as in chart/layout.py).
from typing import NamedTuple

# The page a whole chart should fit: the part of a 16:9 slide (13.33 × 7.5 in,
# 10 mm margins) that the exporter leaves to the chart under its title and
# legend and above its footer, about 903 × 340 pt.
PAGE_WIDTH, PAGE_HEIGHT = 903.0, 340.0


# A named tuple, not a frozen dataclass: as immutable, with the same repr (a
# cache key), but ~0.3 ms to create at import instead of ~1.6 ms.  Copy one
# with _replace(); it compares and hashes as a tuple.
class ChartOptions(NamedTuple):
    rankdir: str = "TB"  # "TB" or "LR"
    compact: bool = True  # stack children (leaves, small subtrees) in columns; see "compact planning"
    root: str | None = None  # branch root; None = whole edition
    depth: int | None = None  # levels below root; None = all
    collapsed: frozenset[str] = frozenset()  # units whose children are hidden
    show_links: bool = True  # secondary links as dashed edges
    lang: str = "fr"
    # Compact, top to bottom: stack and split columns so that the whole chart
    # comes out as large as it can on a page of this width/height ratio and
    # PAGE_HEIGHT (default: the chart's part of a 16:9 slide); None: never split.
    aspect: float | None = PAGE_WIDTH / PAGE_HEIGHT
    # Compact, top to bottom: the small line naming the unit's kind where its
    # name does not say it.  Colour and the legend say it as well: an export
    # with its legend leaves the line out, for boxes a third lower (BARE_LINES).
    kind_line: bool = True
    # Compact, top to bottom, with the plan's aspect: place every box here
    # (chart.placed), each column stacked on its own, each box as high as
    # its name wrapped at PAGE_WRAP characters; dot only draws.  Export pages
    # use it (with their legend, so without the kind line): a whole edition's
    # names come out about a third larger than on dot's global ranks.
    placed: bool = False
    wrap: int = 0  # placed: characters a line of a name, at most (0: PAGE_WRAP)

    @property
    def planned(self) -> bool:
        """Compact, top to bottom, with an aspect: boxes stacked in columns planned for that aspect."""
        return self.rankdir == "TB" and self.compact and bool(self.aspect)
