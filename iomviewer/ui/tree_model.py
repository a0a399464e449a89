"""A thin, read-only Qt item model over one Edition.

The Edition stays the single source of truth: the model keeps only a row
cache (for each unit its row within its parent and its parent's node), so
`parent()` is O(1) instead of a `list.index` scan per call (novelWriter's
itemmodel does the same).  Indexes carry a small integer as `internalId`
rather than a Python object as `internalPointer`: a stale index kept across a
reset then points at a wrong row at worst, never at freed memory.

Views ask for the unit id under `UnitIdRole`, so selection sync between the
tree, the chart and the detail pane works on ids, never on widgets.
"""
from __future__ import annotations

import html
import re
from collections import defaultdict
from typing import Iterable

from PySide6.QtCore import QAbstractItemModel, QModelIndex, QObject, QPersistentModelIndex, QRectF, Qt
from PySide6.QtGui import QBrush, QColor, QFont, QGuiApplication, QIcon, QPainter, QPen, QPixmap

from iomviewer.chart.build import clean_text
from iomviewer.chart.style import CHANGE_STYLES, HIGHLIGHT_FILL, TEXT_COLOR, kind_style
from iomviewer.core.model import Edition
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


class _Node:
    """One unit's place in the tree: what `parent()` and `index()` need, nothing more."""

    __slots__ = ("serial", "unit_id", "row", "parent", "children", "depth")

    def __init__(self, serial: int, unit_id: str, row: int, parent: _Node | None, depth: int) -> None:
        self.serial = serial  # position in UnitTreeModel._nodes; the index's internalId
        self.unit_id = unit_id
        self.row = row
        self.parent = parent
        self.children: list[_Node] = []
        self.depth = depth


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


class UnitTreeModel(QAbstractItemModel):
    """One column, one row per unit, in the edition's source order; read-only."""

    def __init__(self, edition: Edition | None = None, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._edition: Edition | None = None
        self._nodes: list[_Node] = []
        self._by_id: dict[str, _Node] = {}
        self._top: list[_Node] = []  # children of the invalid index: the root unit
        self._highlighted: frozenset[str] = frozenset()
        self._marks: dict[str, tuple[str, ...]] = {}
        self._icons: dict[tuple[str, str], QIcon] = {}
        self._highlight_brush = QBrush(QColor(HIGHLIGHT_FILL))
        # Black on the pale highlight whatever the palette: white text of a
        # dark theme would vanish on it.
        self._highlight_text = QBrush(QColor(TEXT_COLOR))
        self._removed_text = QBrush(QColor(REMOVED_COLOR))
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
        self._nodes, self._by_id, self._top = [], {}, []
        if edition is not None:
            self._top = self._build(edition)
        self.endResetModel()

    def _build(self, edition: Edition) -> list[_Node]:
        # Iterative, so a deep (synthetic) organisation cannot hit the recursion limit.
        top: list[_Node] = []
        stack: list[tuple[str | None, _Node | None, int]] = [(None, None, 0)]
        while stack:
            uid, parent_node, level = stack.pop()
            siblings = parent_node.children if parent_node is not None else top
            for row, child_id in enumerate(edition.children(uid)):
                node = _Node(len(self._nodes), child_id, row, parent_node, level)
                self._nodes.append(node)
                self._by_id[child_id] = node
                siblings.append(node)
                stack.append((child_id, node, level + 1))
        return top

    # --- ids and indexes ---------------------------------------------------------------
    def index_for_id(self, unit_id: str | None) -> QModelIndex:
        """Return the index of a unit (invalid if the edition has no such unit)."""
        node = self._by_id.get(unit_id) if unit_id is not None else None
        if node is None:
            return QModelIndex()
        return self.createIndex(node.row, 0, node.serial)

    def unit_id(self, index: _Index) -> str | None:
        """Return the unit id of an index of this model or of a proxy over it."""
        if not index.isValid():
            return None
        if index.model() is not self:
            return index.data(UnitIdRole)
        node = self._node(index)
        return node.unit_id if node is not None else None

    def _node(self, index: _Index) -> _Node | None:
        serial = index.internalId()
        return self._nodes[serial] if 0 <= serial < len(self._nodes) else None

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
        # One signal per run of adjacent rows under one parent: few signals
        # when a search matches a whole branch, none for rows that did not change.
        rows_by_parent: dict[int, list[_Node]] = defaultdict(list)
        for uid in ids:
            node = self._by_id.get(uid)
            if node is not None:
                rows_by_parent[node.parent.serial if node.parent else -1].append(node)
        for nodes in rows_by_parent.values():
            nodes.sort(key=lambda n: n.row)
            start = end = nodes[0]
            for node in nodes[1:] + [None]:
                if node is not None and node.row == end.row + 1:
                    end = node
                    continue
                self.dataChanged.emit(self.createIndex(start.row, 0, start.serial),
                                      self.createIndex(end.row, 0, end.serial), roles)
                start = end = node

    # --- QAbstractItemModel -------------------------------------------------------------
    # index(), parent(), rowCount() and flags() run tens of thousands of times
    # per layout of a big organisation: they stay short and avoid enum arithmetic.
    def index(self, row: int, column: int, parent: _Index = QModelIndex()) -> QModelIndex:
        siblings = self._children_of(parent)
        if column != 0 or siblings is None or not 0 <= row < len(siblings):
            return QModelIndex()
        return self.createIndex(row, 0, siblings[row].serial)

    def parent(self, *args):  # noqa: D401 - overloads QObject.parent() too
        """Return the parent index of an index (or, with no argument, the QObject parent)."""
        if not args:
            return super().parent()
        index = args[0]
        if not index.isValid():
            return QModelIndex()
        node = self._node(index)
        up = node.parent if node is not None else None
        if up is None:
            return QModelIndex()
        return self.createIndex(up.row, 0, up.serial)

    def _children_of(self, parent: _Index) -> list[_Node] | None:
        if not parent.isValid():
            return self._top
        if parent.column() != 0:
            return None
        node = self._node(parent)
        return node.children if node is not None else None

    def rowCount(self, parent: _Index = QModelIndex()) -> int:
        siblings = self._children_of(parent)
        return len(siblings) if siblings is not None else 0

    def columnCount(self, parent: _Index = QModelIndex()) -> int:
        return 1

    def hasChildren(self, parent: _Index = QModelIndex()) -> bool:
        return self.rowCount(parent) > 0

    def flags(self, index: _Index) -> Qt.ItemFlag:
        node = self._node(index) if index.isValid() else None
        if node is None:
            return Qt.ItemFlag.NoItemFlags
        return _BRANCH_FLAGS if node.children else _LEAF_FLAGS

    def data(self, index: _Index, role: int = Qt.ItemDataRole.DisplayRole):
        if not index.isValid() or self._edition is None:
            return None
        node = self._node(index)
        if node is None:
            return None
        unit = self._edition.unit(node.unit_id)
        R = Qt.ItemDataRole
        if role == R.DisplayRole:
            return self._display_name(unit.name)
        if role == R.DecorationRole:
            marks = self._marks.get(unit.id)
            key = (unit.kind, marks[0] if marks else "")
            icon = self._icons.get(key)
            if icon is None:
                if not isinstance(QGuiApplication.instance(), QGuiApplication):
                    return None  # a QPixmap without a GUI application aborts the process
                icon = self._icons[key] = marked_icon(*key) if key[1] else kind_icon(unit.kind)
            return icon
        if role == UnitIdRole:
            return unit.id
        if role == KindRole:
            return unit.kind
        if role == HighlightRole:
            return unit.id in self._highlighted
        if role == MarkRole:
            marks = self._marks.get(unit.id)
            return marks[0] if marks else None
        if role == MarksRole:
            return self._marks.get(unit.id, ())
        if role == R.ToolTipRole:
            return self._tooltip(node)
        if role == R.AccessibleTextRole:
            return f"{self._display_name(unit.name)}, {kind_label(unit.kind)}"
        if role == R.AccessibleDescriptionRole:
            return self._description(node)
        if role == R.FontRole:
            bold = unit.id in self._highlighted
            italic = self._first_mark(unit.id) == "removed"
            if not (bold or italic):
                return None
            font = QFont()  # only these attributes: the view resolves the rest from its own font
            font.setBold(bold)
            font.setItalic(italic)
            return font
        if role == R.BackgroundRole:
            return self._highlight_brush if unit.id in self._highlighted else None
        if role == R.ForegroundRole:
            if self._first_mark(unit.id) == "removed":
                return self._removed_text
            return self._highlight_text if unit.id in self._highlighted else None
        return None

    @staticmethod
    def _display_name(name: str) -> str:
        # Control characters and line separators cannot be shown in a row, and a
        # newline would break it: spaces, as the chart's boxes do (build.clean_text).
        return clean_text(name) if _NEEDS_CLEANING(name) else name

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

    def _tooltip(self, node: _Node) -> str:
        # Rich text built from escaped parts: Qt guesses rich text from a
        # leading tag, so a raw name such as "<b>…" would otherwise be parsed.
        unit = self._edition.unit(node.unit_id)
        title = html.escape(unit.name)
        if unit.acronym:
            title += f" ({html.escape(unit.acronym)})"
        lines = [f"<b>{title}</b>", html.escape(kind_label(unit.kind))]
        if unit.id in self._marks:
            lines.append(f"<i>{html.escape(self.marks_label(unit.id))}</i>")
        return "<br>".join(lines)

    def _description(self, node: _Node) -> str:
        unit = self._edition.unit(node.unit_id)
        parts = [kind_label(unit.kind), self.tr("niveau {0}").format(node.depth + 1)]
        ancestors = []
        up = node.parent
        while up is not None:
            ancestors.append(self._edition.unit(up.unit_id).name)
            up = up.parent
        if ancestors:
            parts.append(self.tr("dans {0}").format(" › ".join(reversed(ancestors))))
        if unit.id in self._marks:
            parts.append(self.marks_label(unit.id))
        if unit.id in self._highlighted:
            parts.append(self.tr("correspond à la recherche"))
        return ", ".join(parts)
