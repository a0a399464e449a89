"""Big charts built and laid out in the dot helper process, from the dataset file itself.

Building a 10,000-unit chart in the app's own process holds the interpreter
lock for long stretches of C (cgraph calls, agwrite writing the DOT text)
that no thread switch interrupts: the window froze for 200-300 ms at a time
while the whole chart was prepared in a worker thread.  Sending the edition
to the helper instead means pickling it (0.15-0.3 s, lock held again).  So the
helper is told where the file is and which digest it had; it loads the file
itself (the schema check is cached on disk), keeps it for the next request,
builds the graph, lays it out and interprets the drawing, and only the Layout
comes back.  A file changed on disk since the app read it is refused
(StaleDataset) and the caller builds the chart itself.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from iomviewer.chart.options import ChartOptions
    from iomviewer.chart.layout import Layout
    from iomviewer.core.model import Dataset, Edition


class StaleDataset(Exception):
    """The file at that path is no longer the one the app loaded."""


@dataclass(frozen=True)
class EditionRef:
    """Names an edition of a dataset file, or the comparison of two of its editions."""

    path: str
    digest: str
    edition: str
    compared: tuple[str, str] | None = None  # (a, b) for a comparison edition


def edition_ref(dataset: "Dataset", edition: "Edition") -> EditionRef | None:
    """How the helper can find this edition again; None if it cannot (a dataset not read from a file)."""
    from iomviewer.core.compare import comparison_of

    if not dataset.path or not dataset.digest:
        return None
    changes = comparison_of(edition)
    compared = (changes.a, changes.b) if changes is not None else None
    if compared is None and not dataset.has_edition(edition.id):
        return None
    return EditionRef(dataset.path, dataset.digest, edition.id, compared)


_loaded: "Dataset | None" = None  # in the helper: the last dataset asked for


def _dataset(ref: EditionRef) -> "Dataset":
    global _loaded
    if _loaded is None or _loaded.digest != ref.digest or _loaded.path != ref.path:
        from iomviewer.core.loading import DatasetError, load_dataset

        _loaded = None  # never keep two big datasets at once
        try:
            dataset = load_dataset(ref.path)
        except (DatasetError, OSError) as exc:
            raise StaleDataset(f"{ref.path}: {exc}") from None
        if dataset.digest != ref.digest:
            raise StaleDataset(f"{ref.path} a changé depuis son ouverture")
        _loaded = dataset
    return _loaded


def _edition(ref: EditionRef) -> "Edition":
    dataset = _dataset(ref)
    if ref.compared is not None:
        from iomviewer.core.compare import build_comparison

        return build_comparison(dataset, *ref.compared).edition
    return dataset.edition(ref.edition)


def lay_out_ref(ref: EditionRef, options: "ChartOptions", drawing: bool = True) -> "tuple[Layout, bytes]":
    """The helper's side: build the chart of that edition, lay it out here, interpret it.

    drawing: as layout.lay_out's (False: no capture JSON to send back).
    """
    from iomviewer.chart.build import build_graph
    from iomviewer.chart.layout import lay_out_here

    return lay_out_here(build_graph(_edition(ref), options), drawing)
