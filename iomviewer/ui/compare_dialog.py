"""Pick the two editions to compare: A (before) and B (after)."""
from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (QComboBox, QDialog, QDialogButtonBox, QFormLayout, QLabel, QPushButton,
                               QVBoxLayout, QWidget)

from iomviewer.core.model import Dataset


class CompareDialog(QDialog):
    """Two edition lists and a swap button; OK is off while both name the same edition."""

    def __init__(self, dataset: Dataset, a: str | None = None, b: str | None = None,
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle(self.tr("Comparer les éditions"))
        self.box_a, self.box_b = QComboBox(), QComboBox()
        for box in (self.box_a, self.box_b):
            for e in dataset.editions:
                text = e.label + (self.tr(" (partielle)") if e.is_partial else "")
                box.addItem(text, e.id)
                box.setItemData(box.count() - 1, e.period.label, Qt.ItemDataRole.ToolTipRole)
        self.box_a.setAccessibleName(self.tr("Édition A, la plus ancienne"))
        self.box_b.setAccessibleName(self.tr("Édition B, la plus récente"))
        ids = [e.id for e in dataset.editions]
        b = b if b in ids else dataset.default_edition
        if a not in ids or a == b:
            # The full edition before B, or else the one just before it.
            before = list(dataset.editions[: ids.index(b)])
            full = [e for e in before if not e.is_partial]
            a = (full or before or [e for e in dataset.editions if e.id != b] or dataset.editions[:1])[-1].id
        self.box_a.setCurrentIndex(ids.index(a))
        self.box_b.setCurrentIndex(ids.index(b))

        swap = QPushButton(self.tr("&Échanger A et B"))
        swap.clicked.connect(self.swap)
        form = QFormLayout()
        form.addRow(self.tr("Édition &A (avant) :"), self.box_a)
        form.addRow(self.tr("Édition &B (après) :"), self.box_b)
        form.addRow("", swap)
        self.warning = QLabel()
        self.warning.setWordWrap(True)
        self.buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel)
        self.buttons.button(QDialogButtonBox.StandardButton.Ok).setText(self.tr("&Comparer"))
        self.buttons.accepted.connect(self.accept)
        self.buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addLayout(form)
        layout.addWidget(self.warning)
        layout.addWidget(self.buttons)
        for box in (self.box_a, self.box_b):
            box.currentIndexChanged.connect(self._update)
        self._update()

    def editions(self) -> tuple[str, str]:
        return self.box_a.currentData(), self.box_b.currentData()

    def swap(self) -> None:
        a, b = self.box_a.currentIndex(), self.box_b.currentIndex()
        self.box_a.setCurrentIndex(b)
        self.box_b.setCurrentIndex(a)

    def _update(self) -> None:
        a, b = self.editions()
        same = a == b
        self.buttons.button(QDialogButtonBox.StandardButton.Ok).setEnabled(not same)
        self.warning.setText(self.tr("Choisissez deux éditions différentes.") if same else "")
        self.warning.setVisible(same)
