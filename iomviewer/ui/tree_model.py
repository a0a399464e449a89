"""A thin, read-only Qt item model over one Edition.

The Edition stays the single source of truth: the model keeps only flat
tables of the units the views have reached (each one's id, parent, row and
flags, by serial number), so `parent()` and `index()` are list lookups
(novelWriter's itemmodel caches rows for the same reason: no `list.index`).
Indexes carry that serial as `internalId` rather than a Python object as
`internalPointer`: a stale index kept across a reset then points at a wrong
row at worst, never at freed memory.

Views ask for the unit id under `UnitIdRole`, so selection sync between the
tree, the chart and the detail pane works on ids, never on widgets.
"""
from __future__ import annotations

import re
from collections import defaultdict
from typing import Iterable

from PySide6.QtCore import QAbstractItemModel, QModelIndex, QObject, QPersistentModelIndex, QRectF, Qt
from PySide6.QtGui import QBrush, QColor, QFont, QGuiApplication, QIcon, QPainter, QPen, QPixmap

from iomviewer.core.text import clean_text, escape_markup
from iomviewer.chart.style import CHANGE_STYLES, HIGHLIGHT_FILL, TEXT_COLOR, kind_style
from iomviewer.core.model import Edition
from iomviewer.ui.brushes import solid_brush
from iomviewer.ui.i18n import kind_label

UnitIdRole = Qt.ItemDataRole.UserRole + 1  # str: the unit id
KindRole = Qt.ItemDataRole.UserRole + 2  # str: the unit's kind
HighlightRole = Qt.ItemDataRole.UserRole + 3  # bool: a search match
MarkRole = Qt.ItemDataRole.UserRole + 4  # str | None: a change mark (compare mode), the first if several
MarksRole = Qt.ItemDataRole.UserRole + 5  # tuple[str, ...]: every change mark of the unit

MARKS = ("added", "renamed", "moved", "removed", "mandate_changed")
REMOVED_COLOR = "#767676"  # grey that still reads at 4.5:1 on white
ICON_SIZE = 16
# A name with a control character, a line/paragraph separator or doubled spaces.
_NEEDS_CLEANING = re.compile("[\x00-\x1f\x7f-\x9f\u2028\u2029]|  ").search

_HIGHLIGHT_ROLES = [HighlightRole, Qt.ItemDataRole.FontRole, Qt.ItemDataRole.BackgroundRole,
                    Qt.ItemDataRole.ForegroundRole, Qt.ItemDataRole.ToolTipRole,
                    Qt.ItemDataRole.AccessibleDescriptionRole]
_MARK_ROLES = [MarkRole, MarksRole, Qt.ItemDataRole.DecorationRole, Qt.ItemDataRole.FontRole,
               Qt.ItemDataRole.ForegroundRole,
               Qt.ItemDataRole.ToolTipRole, Qt.ItemDataRole.AccessibleDescriptionRole]

_Index = QModelIndex | QPersistentModelIndex
_BRANCH_FLAGS = Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsSelectable
# ItemNeverHasChildren lets the view skip asking a leaf for its rows.
_LEAF_FLAGS = _BRANCH_FLAGS | Qt.ItemFlag.ItemNeverHasChildren


def kind_icon(kind: str, size: int = ICON_SIZE) -> QIcon:
    """Draw a small square in the kind's chart colours (fill and border), at 1x and 2x."""
    style = kind_style(kind)
    icon = QIcon()
    for ratio in (1, 2):
        pixmap = QPixmap(size * ratio, size * ratio)
        pixmap.setDevicePixelRatio(ratio)
        pixmap.fill(Qt.GlobalColor.transparent)
        painter = QPainter(pixmap)
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        pen = QPen(QColor(style.border), 1.0)
        if style.dashed:
            pen.setStyle(Qt.PenStyle.DotLine)  # a set of units, as the chart's dashed box
        painter.setPen(pen)
        painter.setBrush(QColor(style.fill))
        margin = size * 0.15
        painter.drawRect(QRectF(margin, margin, size - 2 * margin, size - 2 * margin))
        painter.end()
        icon.addPixmap(pixmap)
        # Qt tints the Normal pixmap for a selected row; keep the chart's colour there too.
        icon.addPixmap(pixmap, QIcon.Mode.Selected)
    return icon


def marked_icon(kind: str, mark: str, size: int = ICON_SIZE) -> QIcon:
    """The kind's square with the change mark's badge over its corner (symbol on the mark's colour)."""
    base = kind_icon(kind, size)
    change = CHANGE_STYLES.get(mark)
    if change is None:
        return base
    icon = QIcon()
    for ratio in (1, 2):
        pixmap = base.pixmap(size * ratio, size * ratio)
        pixmap.setDevicePixelRatio(ratio)
        painter = QPainter(pixmap)
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        r = size * 0.36
        centre = QRectF(size - 2 * r, size - 2 * r, 2 * r, 2 * r)
        painter.setPen(QPen(QColor("#ffffff"), 1.0))
        painter.setBrush(QColor(change.color))
        painter.drawEllipse(centre)
        font = QFont()
        font.setPixelSize(max(7, int(r * 1.6)))
        font.setBold(True)
        painter.setFont(font)
        painter.setPen(QColor("#ffffff"))
        painter.drawText(centre, int(Qt.AlignmentFlag.AlignCenter), change.symbol)
        painter.end()
        icon.addPixmap(pixmap)
        icon.addPixmap(pixmap, QIcon.Mode.Selected)
    return icon


# Roles as plain ints: PySide6 passes the role to data() as an int, and an int
# comparison costs a fraction of an enum's (data() runs for every painted row).
_DISPLAY = int(Qt.ItemDataRole.DisplayRole)
_DECORATION = int(Qt.ItemDataRole.DecorationRole)
_TOOLTIP = int(Qt.ItemDataRole.ToolTipRole)
_FONT = int(Qt.ItemDataRole.FontRole)
_BACKGROUND = int(Qt.ItemDataRole.BackgroundRole)
_FOREGROUND = int(Qt.ItemDataRole.ForegroundRole)
_ACCESSIBLE_TEXT = int(Qt.ItemDataRole.AccessibleTextRole)
_ACCESSIBLE_DESCRIPTION = int(Qt.ItemDataRole.AccessibleDescriptionRole)
_UNIT_ID, _KIND, _HIGHLIGHT, _MARK, _MARKS = (int(r) for r in (UnitIdRole, KindRole, HighlightRole, MarkRole, MarksRole))


class UnitTreeModel(QAbstractItemModel):
    """One column, one row per unit, in the edition's source order; read-only.

    Each unit the views have reached gets a serial number, the `internalId` of
    its index, and four flat tables answer `index()`, `parent()` and `flags()`
    by position.  A unit's children get their serials the first time someone
    asks for one of them (an expanded branch, `index_for_id`): after a reset
    only the rows on screen are numbered, not the 10,000 units of a big
    organisation (a model reset then costs well under a millisecond, where
    numbering every unit took 15-30 ms of the GUI thread).
    """

    def __init__(self, edition: Edition | None = None, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._edition: Edition | None = None
        self._ids: list[str] = []  # serial -> unit id
        self._up: list[int] = []  # serial -> parent's serial, -1 for a top row
        self._row: list[int] = []  # serial -> row under its parent
        self._kids: list[list[int] | None] = []  # serial -> children's serials, None until asked
        self._flags: list[Qt.ItemFlag] = []  # serial -> flags (a leaf never has children)
        self._serial: dict[str, int] = {}
        self._top: list[int] = []  # children of the invalid index: the root unit
        self._highlighted: frozenset[str] = frozenset()
        self._marks: dict[str, tuple[str, ...]] = {}
        self._icons: dict[tuple[str, str], QIcon] = {}
        self._highlight_brush = solid_brush(QColor(HIGHLIGHT_FILL))
        # Black on the pale highlight whatever the palette: white text of a
        # dark theme would vanish on it.
        self._highlight_text = solid_brush(QColor(TEXT_COLOR))
        self._removed_text = solid_brush(QColor(REMOVED_COLOR))
        self._roles = {
            _DISPLAY: self._display, _DECORATION: self._decoration, _UNIT_ID: self._ids.__getitem__,
            _KIND: lambda s: self._edition.unit(self._ids[s]).kind,
            _HIGHLIGHT: lambda s: self._ids[s] in self._highlighted,
            _MARK: lambda s: self._first_mark(self._ids[s]),
            _MARKS: lambda s: self._marks.get(self._ids[s], ()),
            _TOOLTIP: self._tooltip, _ACCESSIBLE_TEXT: self._accessible_text,
            _ACCESSIBLE_DESCRIPTION: self._description, _FONT: self._font,
            _BACKGROUND: self._background, _FOREGROUND: self._foreground,
        }
        if edition is not None:
            self.set_edition(edition)

    # --- the edition -----------------------------------------------------------------
    @property
    def edition(self) -> Edition | None:
        return self._edition

    def set_edition(self, edition: Edition | None) -> None:
        """Show another edition (a model reset).  Highlights and marks are kept: ids are stable."""
        self.beginResetModel()
        self._edition = edition
        # Cleared in place: the role table holds bound methods of these lists.
        for table in (self._ids, self._up, self._row, self._kids, self._flags):
            table.clear()
        self._serial.clear()
        self._top = self._number(-1, edition.children(None)) if edition is not None else []
        self.endResetModel()

    def _number(self, up: int, child_ids: tuple[str, ...]) -> list[int]:
        """Give serials to the children of `up` (-1: the top rows); return them in row order."""
        children = self._edition.children
        first = len(self._ids)
        self._ids.extend(child_ids)
        self._up.extend([up] * len(child_ids))
        self._row.extend(range(len(child_ids)))
        self._kids.extend([None] * len(child_ids))
        self._flags.extend([_BRANCH_FLAGS if children(uid) else _LEAF_FLAGS for uid in child_ids])
        serials = list(range(first, len(self._ids)))
        self._serial.update(zip(child_ids, serials))
        return serials

    def _children(self, serial: int) -> list[int]:
        kids = self._kids[serial]
        if kids is None:
            kids = self._kids[serial] = self._number(serial, self._edition.children(self._ids[serial]))
        return kids

    # --- ids and indexes ---------------------------------------------------------------
    def index_for_id(self, unit_id: str | None) -> QModelIndex:
        """Return the index of a unit (invalid if the edition has no such unit)."""
        serial = self._serial.get(unit_id) if unit_id is not None else None
        if serial is None:
            if self._edition is None or unit_id not in self._edition:
                return QModelIndex()
            for ancestor in self._edition.path_from_root(unit_id)[:-1]:  # number the path down to it
                self._children(self._serial[ancestor])
            serial = self._serial[unit_id]
        return self.createIndex(self._row[serial], 0, serial)

    def unit_id(self, index: _Index) -> str | None:
        """Return the unit id of an index of this model or of a proxy over it."""
        if not index.isValid():
            return None
        if index.model() is not self:
            return index.data(UnitIdRole)
        serial = index.internalId()
        return self._ids[serial] if serial < len(self._ids) else None

    def child_id(self, row: int, parent: _Index) -> str | None:
        """The unit id at `row` under `parent`, without making an index (for the filter proxy)."""
        if not parent.isValid():
            siblings = self._edition.children(None) if self._edition is not None else ()
        else:
            siblings = self._edition.children(self._ids[parent.internalId()])
        return siblings[row] if 0 <= row < len(siblings) else None

    # --- highlights and marks -------------------------------------------------------------
    def highlighted(self) -> frozenset[str]:
        return self._highlighted

    def set_highlighted(self, ids: Iterable[str]) -> None:
        """Mark search matches; dataChanged only for rows whose state changed."""
        new = frozenset(ids)
        changed = self._highlighted ^ new
        self._highlighted = new
        self._emit_changed(changed, _HIGHLIGHT_ROLES)

    def marks(self) -> dict[str, str]:
        """The first change mark of each marked unit."""
        return {uid: ms[0] for uid, ms in self._marks.items()}

    def set_marks(self, marks) -> None:
        """Set change marks by unit id: a mark ("added", "removed"…) or a tuple of them, first
        the one shown; dataChanged only for changed rows."""
        new = {uid: (m,) if isinstance(m, str) else tuple(m) for uid, m in marks.items() if m}
        changed = {uid for uid in self._marks.keys() | new.keys() if self._marks.get(uid) != new.get(uid)}
        self._marks = new
        self._emit_changed(changed, _MARK_ROLES)

    def _emit_changed(self, ids: Iterable[str], roles: list) -> None:
        # Only numbered units: a view or proxy can only hold indexes this model
        # made, so a unit nobody reached yet has nothing on screen to update.
        # One signal per run of adjacent rows under one parent: few signals
        # when a search matches a whole branch, none for rows that did not change.
        rows_by_parent: dict[int, list[int]] = defaultdict(list)
        for uid in ids:
            serial = self._serial.get(uid)
            if serial is not None:
                rows_by_parent[self._up[serial]].append(serial)
        row = self._row
        for serials in rows_by_parent.values():
            serials.sort(key=row.__getitem__)
            start = end = serials[0]
            for serial in serials[1:] + [None]:
                if serial is not None and row[serial] == row[end] + 1:
                    end = serial
                    continue
                self.dataChanged.emit(self.createIndex(row[start], 0, start),
                                      self.createIndex(row[end], 0, end), roles)
                start = end = serial

    # --- QAbstractItemModel -------------------------------------------------------------
    # The view calls index(), parent(), flags() and data() for every row it lays
    # out or paints, each a call from C++ into Python that must first take the
    # GIL (a wait when a worker thread runs Python): they stay a few lookups.
    def index(self, row: int, column: int, parent: _Index = QModelIndex()) -> QModelIndex:
        if column:
            return QModelIndex()
        if parent.isValid():
            serial = parent.internalId()
            siblings = self._kids[serial] or self._children(serial) if serial < len(self._kids) else ()
        else:
            siblings = self._top
        if not 0 <= row < len(siblings):
            return QModelIndex()
        return self.createIndex(row, 0, siblings[row])

    def parent(self, *args):  # noqa: D401 - overloads QObject.parent() too
        """Return the parent index of an index (or, with no argument, the QObject parent)."""
        if not args:
            return super().parent()
        index = args[0]
        if not index.isValid():
            return QModelIndex()
        serial = index.internalId()
        up = self._up[serial] if serial < len(self._up) else -1
        if up < 0:
            return QModelIndex()
        return self.createIndex(self._row[up], 0, up)

    def rowCount(self, parent: _Index = QModelIndex()) -> int:
        if not parent.isValid():
            return len(self._top)
        serial = parent.internalId()
        if parent.column() or serial >= len(self._ids):
            return 0
        return len(self._edition.children(self._ids[serial]))  # no numbering needed to count

    def columnCount(self, parent: _Index = QModelIndex()) -> int:
        return 1

    def hasChildren(self, parent: _Index = QModelIndex()) -> bool:
        if not parent.isValid():
            return bool(self._top)
        serial = parent.internalId()
        return not parent.column() and serial < len(self._flags) and self._flags[serial] is _BRANCH_FLAGS

    def flags(self, index: _Index) -> Qt.ItemFlag:
        if not index.isValid():
            return Qt.ItemFlag.NoItemFlags
        serial = index.internalId()
        return self._flags[serial] if serial < len(self._flags) else Qt.ItemFlag.NoItemFlags

    def data(self, index: _Index, role: int = _DISPLAY):
        if not index.isValid():
            return None
        answer = self._roles.get(role)
        serial = index.internalId()
        if answer is None or serial >= len(self._ids):
            return None
        return answer(serial)

    def multiData(self, index: _Index, span) -> None:
        """Answer every role the delegate asks for in one call from C++ (Qt 6's
        QStyledItemDelegate asks seven at once; data() would be seven calls)."""
        serial = index.internalId() if index.isValid() else len(self._ids)
        known = serial < len(self._ids)
        roles = self._roles
        for item in span:
            answer = roles.get(item.role()) if known else None
            value = answer(serial) if answer is not None else None
            if value is None:
                item.clearData()
            else:
                item.setData(value)

    # --- roles ----------------------------------------------------------------------------
    def _display(self, serial: int) -> str:
        # Control characters and line separators cannot be shown in a row, and a
        # newline would break it: spaces, as the chart's boxes do (build.clean_text).
        return self._display_name(self._edition.unit(self._ids[serial]).name)

    @staticmethod
    def _display_name(name: str) -> str:
        return clean_text(name) if _NEEDS_CLEANING(name) else name

    def _decoration(self, serial: int) -> QIcon | None:
        unit_id = self._ids[serial]
        kind = self._edition.unit(unit_id).kind
        marks = self._marks.get(unit_id)
        key = (kind, marks[0] if marks else "")
        icon = self._icons.get(key)
        if icon is None:
            if not isinstance(QGuiApplication.instance(), QGuiApplication):
                return None  # a QPixmap without a GUI application aborts the process
            icon = self._icons[key] = marked_icon(*key) if key[1] else kind_icon(kind)
        return icon

    def _font(self, serial: int) -> QFont | None:
        unit_id = self._ids[serial]
        bold = unit_id in self._highlighted
        italic = self._first_mark(unit_id) == "removed"
        if not (bold or italic):
            return None
        font = QFont()  # only these attributes: the view resolves the rest from its own font
        font.setBold(bold)
        font.setItalic(italic)
        return font

    def _background(self, serial: int) -> QBrush | None:
        return self._highlight_brush if self._ids[serial] in self._highlighted else None

    def _foreground(self, serial: int) -> QBrush | None:
        unit_id = self._ids[serial]
        if self._first_mark(unit_id) == "removed":
            return self._removed_text
        return self._highlight_text if unit_id in self._highlighted else None

    def _accessible_text(self, serial: int) -> str:
        unit = self._edition.unit(self._ids[serial])
        return f"{self._display_name(unit.name)}, {kind_label(unit.kind)}"

    def _first_mark(self, unit_id: str) -> str | None:
        marks = self._marks.get(unit_id)
        return marks[0] if marks else None

    # --- texts ----------------------------------------------------------------------------
    def mark_label(self, mark: str) -> str:
        labels = {
            "added": self.tr("ajoutée"),
            "renamed": self.tr("renommée"),
            "moved": self.tr("déplacée"),
            "removed": self.tr("supprimée"),
            "mandate_changed": self.tr("mandat modifié"),
            "not_covered": self.tr("hors du champ de l'édition B"),
            "not_in_a_coverage": self.tr("hors du champ de l'édition A"),
        }
        return labels.get(mark, mark)

    def marks_label(self, unit_id: str) -> str:
        return ", ".join(self.mark_label(m) for m in self._marks.get(unit_id, ()))

    def _tooltip(self, serial: int) -> str:
        # Rich text built from escaped parts: Qt guesses rich text from a
        # leading tag, so a raw name such as "<b>…" would otherwise be parsed.
        unit = self._edition.unit(self._ids[serial])
        title = escape_markup(unit.name)
        if unit.acronym:
            title += f" ({escape_markup(unit.acronym)})"
        lines = [f"<b>{title}</b>", escape_markup(kind_label(unit.kind))]
        if unit.id in self._marks:
            lines.append(f"<i>{escape_markup(self.marks_label(unit.id))}</i>")
        return "<br>".join(lines)

    def _description(self, serial: int) -> str:
        unit = self._edition.unit(self._ids[serial])
        ancestors = []
        up = self._up[serial]
        while up >= 0:
            ancestors.append(self._edition.unit(self._ids[up]).name)
            up = self._up[up]
        parts = [kind_label(unit.kind), self.tr("niveau {0}").format(len(ancestors) + 1)]
        if ancestors:
            parts.append(self.tr("dans {0}").format(" › ".join(reversed(ancestors))))
        if unit.id in self._marks:
            parts.append(self.marks_label(unit.id))
        if unit.id in self._highlighted:
            parts.append(self.tr("correspond à la recherche"))
        return ", ".join(parts)
