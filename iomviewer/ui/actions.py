"""Every QAction, shortcut and menu of the main window, declared once.

Actions only carry intent (their `triggered`/`toggled` signals); the main
window connects them to what they do.
"""
from __future__ import annotations

from PySide6.QtCore import QObject
from PySide6.QtGui import QAction, QActionGroup, QIcon, QKeySequence
from PySide6.QtWidgets import QApplication, QMenuBar, QWidget

from iomviewer.resources import resource

# Icon names from the freedesktop icon theme, with our own SVG icons
# (resources/icons/actions) for desktops that ship no theme.  Not Qt's
# QStyle.standardIcon: reading QStyle from Python makes its twelve enums
# (PySide creates a class's enums on first use), 10-20 ms of a start.
_ICONS = {
    "open": ("document-open", "open"),
    "export": ("document-save-as", "export"),
    "print": ("document-print", "print"),
    "quit": ("application-exit", "quit"),
    "back": ("go-previous", "back"),
    "forward": ("go-next", "forward"),
    "find": ("edit-find", "find"),
    "zoom_in": ("zoom-in", "zoom-in"),
    "zoom_out": ("zoom-out", "zoom-out"),
    "fit": ("zoom-fit-best", "zoom-fit"),
    "about": ("help-about", "about"),
}


def _icon(name: str) -> QIcon:
    theme_name, ours = _ICONS[name]
    if QIcon.hasThemeIcon(theme_name):
        return QIcon.fromTheme(theme_name)
    return QIcon(str(resource("icons", "actions", f"{ours}.svg")))


class Actions(QObject):
    """The window's actions, grouped by menu."""

    def __init__(self, window: QWidget) -> None:
        super().__init__(window)
        w = window

        def act(text: str, *, icon: str | None = None, shortcut=None, tip: str = "", checkable: bool = False) -> QAction:
            action = QAction(text, w)
            if icon:
                action.setIcon(_icon(icon))
            if shortcut is not None:
                action.setShortcuts(shortcut if isinstance(shortcut, list) else [QKeySequence(shortcut)])
            if tip:
                action.setStatusTip(tip)
                action.setToolTip(tip)
            action.setCheckable(checkable)
            w.addAction(action)  # shortcuts work wherever the focus is
            return action

        # Fichier
        self.open = act(self.tr("&Ouvrir un jeu de données…"), icon="open", shortcut=QKeySequence.StandardKey.Open,
                        tip=self.tr("Ouvrir un autre fichier de données JSON"))
        self.export = act(self.tr("&Exporter l'organigramme…"), icon="export", shortcut="Ctrl+E",
                          tip=self.tr("Exporter en SVG, PDF ou PNG"))
        self.print = act(self.tr("&Imprimer…"), icon="print", shortcut=QKeySequence.StandardKey.Print,
                         tip=self.tr("Imprimer l'organigramme, avec aperçu"))
        self.quit = act(self.tr("&Quitter"), icon="quit", shortcut=QKeySequence.StandardKey.Quit)
        # Édition
        self.copy = act(self.tr("&Copier"), shortcut=QKeySequence.StandardKey.Copy,
                        tip=self.tr("Copier le texte sélectionné, ou le nom de l'unité"))
        self.find = act(self.tr("&Rechercher…"), icon="find", shortcut=QKeySequence.StandardKey.Find,
                        tip=self.tr("Rechercher une unité par nom, sigle ou mandat"))
        # Aller
        self.back = act(self.tr("&Précédent"), icon="back", shortcut=QKeySequence.StandardKey.Back,
                        tip=self.tr("Revenir à l'unité précédente"))
        self.forward = act(self.tr("&Suivant"), icon="forward", shortcut=QKeySequence.StandardKey.Forward,
                           tip=self.tr("Aller à l'unité suivante"))
        self.go_parent = act(self.tr("Unité &parente"), shortcut="Alt+Up", tip=self.tr("Sélectionner l'unité parente"))
        # Affichage
        self.zoom_in = act(self.tr("Zoom &avant"), icon="zoom_in", shortcut=QKeySequence.StandardKey.ZoomIn)
        self.zoom_out = act(self.tr("Zoom a&rrière"), icon="zoom_out", shortcut=QKeySequence.StandardKey.ZoomOut)
        self.fit = act(self.tr("&Ajuster à la fenêtre"), icon="fit", shortcut="Ctrl+0",
                       tip=self.tr("Afficher tout l'organigramme"))
        self.actual_size = act(self.tr("Taille &réelle"), shortcut="Ctrl+1")
        self.center = act(self.tr("&Centrer sur la sélection"), shortcut="Ctrl+L")
        self.top_down = act(self.tr("De &haut en bas"), checkable=True, tip=self.tr("Organigramme vertical"))
        self.left_right = act(self.tr("De &gauche à droite"), checkable=True, tip=self.tr("Organigramme horizontal"))
        direction = QActionGroup(self)
        direction.addAction(self.top_down)
        direction.addAction(self.left_right)
        self.compact = act(self.tr("&Compact"), checkable=True,
                           tip=self.tr("Empiler les unités terminales en colonne"))
        self.branch_only = act(self.tr("&Branche sélectionnée seulement"), checkable=True, shortcut="Ctrl+B",
                               tip=self.tr("N'afficher que la branche de l'unité sélectionnée"))
        self.show_links = act(self.tr("Liens &secondaires"), checkable=True,
                              tip=self.tr("Afficher les liens de supervision, d'appui et les autres lectures"))
        self.show_legend = act(self.tr("Lé&gende"), checkable=True, shortcut="Ctrl+Shift+L",
                               tip=self.tr("Afficher la légende des types d'unités"))
        self.toggle_collapse = act(self.tr("&Replier / déplier l'unité"), shortcut="Ctrl+K",
                                   tip=self.tr("Masquer ou montrer les unités rattachées dans l'organigramme"))
        self.expand_all = act(self.tr("&Tout déplier"), tip=self.tr("Montrer toutes les unités repliées"))
        self.compare = act(self.tr("Co&mparer les éditions…"), shortcut="Ctrl+Shift+D",
                           tip=self.tr("Montrer ce qui a changé entre deux éditions"))
        self.leave_compare = act(self.tr("&Quitter la comparaison"), shortcut="Ctrl+Shift+W",
                                 tip=self.tr("Revenir à une seule édition"))
        self.leave_compare.setEnabled(False)
        self.changes_only = act(self.tr("Changeme&nts seulement"), checkable=True, shortcut="Ctrl+Shift+H",
                                tip=self.tr("N'afficher dans l'arbre que les unités qui ont changé"))
        self.changes_only.setEnabled(False)
        self.lang_fr = act("Français", checkable=True)
        self.lang_en = act("English", checkable=True)
        languages = QActionGroup(self)
        languages.addAction(self.lang_fr)
        languages.addAction(self.lang_en)
        # Aide
        self.about = act(self.tr("À &propos d'iomviewer"), icon="about")
        self.about_qt = act(self.tr("À propos de &Qt"))
        self.about_qt.triggered.connect(QApplication.aboutQt)

    def build_menus(self, bar: QMenuBar) -> None:
        menu = bar.addMenu(self.tr("&Fichier"))
        menu.addActions([self.open, self.export, self.print])
        menu.addSeparator()
        menu.addAction(self.quit)
        menu = bar.addMenu(self.tr("&Édition"))
        menu.addActions([self.copy, self.find])
        menu = bar.addMenu(self.tr("&Aller"))
        menu.addActions([self.back, self.forward, self.go_parent])
        menu = bar.addMenu(self.tr("&Affichage"))
        menu.addActions([self.zoom_in, self.zoom_out, self.fit, self.actual_size, self.center])
        menu.addSeparator()
        menu.addActions([self.top_down, self.left_right, self.compact, self.branch_only, self.show_links,
                         self.show_legend])
        menu.addSeparator()
        menu.addActions([self.toggle_collapse, self.expand_all])
        menu.addSeparator()
        menu.addActions([self.compare, self.leave_compare, self.changes_only])
        menu.addSeparator()
        languages = menu.addMenu(self.tr("&Langue"))
        languages.addActions([self.lang_fr, self.lang_en])
        menu = bar.addMenu(self.tr("Aid&e"))
        menu.addActions([self.about, self.about_qt])
