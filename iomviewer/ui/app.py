"""Start the desktop app: QApplication, translators, settings, error handler, window.

create_app() builds the application without running it (tests use it);
run_gui() is what `iomviewer` with no subcommand calls.
"""
from __future__ import annotations

import logging
import sys
import time
from argparse import Namespace

from PySide6.QtCore import QEvent, QLibraryInfo, QLocale, QObject, QTimer, QTranslator
from PySide6.QtGui import QIcon
from PySide6.QtWidgets import QApplication

from iomviewer.ui.import_hook import drop_feature_import_hook

# Before our own imports: PySide6's import hook would read each one's source
# (see import_hook.py).  Under `iomviewer`, nothing imports this module through
# that hook, so it stays dropped.
drop_feature_import_hook()

from iomviewer import __version__
from iomviewer.resources import resource
from iomviewer.ui.errors import ErrorHandler, setup_logging
from iomviewer.ui.i18n import set_language
from iomviewer.core.memory import CollectorPause
from iomviewer.ui.settings import Settings

log = logging.getLogger(__name__)

SMOKE_TIMEOUT_MS = 60_000


def choose_language(requested: str | None, settings: Settings) -> str:
    """--lang, else the saved choice, else the system locale; French by default."""
    if requested in ("fr", "en"):
        return requested
    saved = settings.get("ui/lang")
    if saved:
        return saved
    system = QLocale.system().name()
    return "en" if system.startswith("en") else "fr"


def install_translators(app: QApplication, lang: str) -> list[QTranslator]:
    """Qt's own strings (qtbase_xx) and ours; the source language is French."""
    translators = []
    qt_dir = QLibraryInfo.path(QLibraryInfo.LibraryPath.TranslationsPath)
    qt_tr = QTranslator(app)
    if qt_tr.load(f"qtbase_{lang}", qt_dir):
        translators.append(qt_tr)
    if lang != "fr":
        ours = QTranslator(app)
        if ours.load(f"iomviewer_{lang}", str(resource("i18n"))):
            translators.append(ours)
        else:
            log.warning("no %s translation found in %s", lang, resource("i18n"))
    for t in translators:
        app.installTranslator(t)
    return translators


def create_app(argv: list[str] | None = None, lang: str | None = None) -> tuple[QApplication, Settings, ErrorHandler]:
    # No xcb guard here: pygraphviz comes in after QApplication, which is safe
    # (a bundle's runtime hook guards its earlier import): see xcb_guard.py.
    QApplication.setOrganizationName("iomviewer")
    QApplication.setApplicationName("iomviewer")
    QApplication.setApplicationVersion(__version__)
    app = QApplication.instance() or QApplication(argv if argv is not None else sys.argv[:1])
    icon = resource("icons", "iomviewer.svg")
    if icon.exists():
        app.setWindowIcon(QIcon(str(icon)))
    app.setDesktopFileName("iomviewer")
    settings = Settings()
    language = choose_language(lang, settings)
    set_language(language)
    if not QLocale.system().name().startswith(language):
        # Numbers as the interface's language writes them ("4,5 pt" in French),
        # unless the system's own locale already speaks it (then its region's habits win).
        QLocale.setDefault(QLocale(language))
    app._iomviewer_translators = install_translators(app, language)  # keep them alive
    errors = ErrorHandler().install()
    return app, settings, errors


def _initial_dataset(path: str | None):
    """The requested dataset, or the bundled one with the reason it was refused."""
    from iomviewer.core.loading import DatasetError, load_dataset

    refused = None
    if path:
        try:
            return load_dataset(path), None
        except DatasetError as exc:
            refused = exc
            refused.path = path
    return load_dataset(), refused


def restart_in(lang: str, settings: Settings, window) -> None:
    """Save the language, and offer to restart now to apply it."""
    from PySide6.QtCore import QProcess
    from PySide6.QtWidgets import QMessageBox

    settings.set("ui/lang", lang)
    settings.sync()
    answer = QMessageBox.question(
        window,
        QApplication.translate("App", "Langue de l'interface"),
        QApplication.translate("App", "La langue choisie s'appliquera au prochain démarrage. Redémarrer maintenant ?"),
    )
    if answer == QMessageBox.StandardButton.Yes:
        argv = list(getattr(sys, "orig_argv", [sys.executable, *sys.argv]))
        argv = [a for a in argv if not a.startswith("--lang")]
        if window.close():
            QProcess.startDetached(argv[0], argv[1:])


def run_gui(args: Namespace, start_pause: CollectorPause) -> int:
    """The window, until it is closed; start_pause (the collector's, from main) ends once it is drawn."""
    started = time.perf_counter()
    setup_logging(getattr(args, "verbose", False))
    app, settings, errors = create_app(lang=args.lang)
    from iomviewer.chart import dot

    # Every chart layout of the window runs in the dot helper (started below).
    dot.use_helper_process(True)
    from iomviewer.core.loading import DatasetError
    from iomviewer.ui.main_window import MainWindow

    try:
        dataset, refused = _initial_dataset(args.data)
    except DatasetError as exc:  # the bundled data itself is broken
        print(f"iomviewer : données intégrées invalides — {exc}", file=sys.stderr)
        return 2
    window = MainWindow(dataset, settings)
    # From here every way out stops the dot helper, even one being started (dot.shutdown).
    try:
        window.first_painted.connect(start_pause.end)
        window.persist_settings = not args.smoke_test
        window.language_change_requested.connect(lambda lang: restart_in(lang, settings, window))
        if args.edition:
            if dataset.has_edition(args.edition):
                window.set_edition(args.edition)
            else:
                print(f"iomviewer : édition inconnue « {args.edition} »", file=sys.stderr)
                if args.smoke_test:
                    return 2
        if getattr(args, "compare", None):
            a, b = args.compare
            if not window.start_compare(a, b):
                print(f"iomviewer : comparaison impossible « {a} » → « {b} » "
                      f"(éditions : {', '.join(e.id for e in dataset.editions)})", file=sys.stderr)
                if args.smoke_test:
                    return 2
        if not _select_initial(window, args.select, settings.get("data/selection")) and args.smoke_test and args.select:
            print(f"iomviewer : aucune unité « {args.select} »", file=sys.stderr)
            return 2
        window.restore_geometry()
        window.show()
        if window.chart.unit_count():
            # The opening chart came from the layout cache (every start but the
            # first): start the dot helper once the window is drawn, not while it
            # is being drawn (its start holds the interpreter lock some 20-30 ms
            # and boots a Python on the other core: 100 ms of a start on a busy
            # two-core machine).
            log.debug("opening chart read from the layout cache: the dot helper starts after the first paint")
            window.first_painted.connect(dot.warm_up)
        else:
            # A layout is needed: the helper boots while the window is drawn,
            # ready for the layout the window releases after that paint.
            dot.warm_up()
        if refused is not None:
            from iomviewer.ui.dialogs import show_dataset_problems

            show_dataset_problems(window, refused, args.data)
            if args.smoke_test:
                print(f"iomviewer : {args.data} refusé — {refused}", file=sys.stderr)
                return 2
        if args.smoke_test:
            return _smoke_test(app, window, errors, started)
        code = app.exec()
    finally:
        dot.shutdown()
    errors.uninstall()
    return code


def _select_initial(window, requested: str | None, saved: str) -> bool:
    if requested:
        from iomviewer.core.search import find_units  # loads with the index otherwise, after the first paint

        found = find_units(window.edition, requested)
        if len(found) >= 1:
            return window.select_unit(found[0].id, origin="link")
        return False
    if saved and saved in window.edition:
        return window.select_unit(saved, origin="code", record=True)
    return True


def _check_dot_helper() -> str | None:
    """Render a PDF through the Graphviz helper process, as big exports do; None if fine."""
    import pygraphviz

    from iomviewer.chart import dot

    with dot.graphviz_lock():  # the index or a layout may be running in a worker
        graph = pygraphviz.AGraph(directed=True)
        graph.add_edge("OIM", "Siège")
    try:
        with dot.forced_helper():
            data = dot.run_dot(graph, "pdf:cairo")
    except Exception as exc:  # reported as the smoke test's failure
        return f"le processus d'aide Graphviz ne répond pas : {exc}"
    return None if data.startswith(b"%PDF") else "le processus d'aide Graphviz n'a pas produit de PDF"


class _ExposeWatch(QObject):
    """Calls back once a widget's window is exposed, after Qt has handled the Expose (and painted)."""

    def __init__(self, widget, callback) -> None:
        super().__init__(widget)
        self._callback = callback
        self._handle = widget.windowHandle()
        if self._handle.isExposed():
            QTimer.singleShot(0, callback)
        else:
            self._handle.installEventFilter(self)

    def eventFilter(self, watched, event) -> bool:
        if event.type() == QEvent.Type.Expose and self._handle.isExposed():
            self._handle.removeEventFilter(self)
            QTimer.singleShot(0, self._callback)
        return False


def _smoke_test(app: QApplication, window, errors: ErrorHandler, started: float) -> int:
    """Wait until tree, chart and pane are populated and painted; print one line."""
    outcome: dict[str, object] = {}

    def ready() -> None:
        if outcome or not (state["exposed"] and state["chart"]):
            return
        window.repaint()  # on screen, chart in: paint it all now, as the bare-window baseline does
        chart_units = window.chart.unit_count()
        elapsed = time.perf_counter() - started
        a = window.actions_
        no_icon = [x.text() for x in (a.back, a.forward, a.zoom_in, a.zoom_out, a.fit) if x.icon().isNull()]
        if not chart_units:
            outcome["error"] = "l'organigramme est vide"
        elif no_icon:  # e.g. a bundle that lost resources/icons/actions
            outcome["error"] = f"icônes introuvables : {', '.join(no_icon)}"
        elif errors.caught:
            outcome["error"] = f"{len(errors.caught)} exception(s) interceptée(s) : {errors.caught[-1].strip().splitlines()[-1]}"
        else:
            # Printed as soon as the window is drawn (benchmarks time this line),
            # then the Graphviz helper process is checked as big exports use it.
            print(
                f"iomviewer smoke test: ready in {elapsed:.2f} s — "
                f"édition {window.edition.id}, {len(window.edition)} unités, {chart_units} dans l'organigramme"
                + (f", sélection {window.selected_unit}" if window.selected_unit else "")
                + f", plateforme {QApplication.platformName()}",
                flush=True,
            )
            helper = _check_dot_helper()
            if helper:
                outcome["error"] = helper
            else:
                outcome["line"] = "iomviewer smoke test: Graphviz helper process OK"
        app.quit()

    # Ready = the window is on screen (its Expose handled, so its first paint
    # done) and the chart is in; a repaint() before the Expose paints nothing.
    state = {"exposed": False, "chart": False}

    def on_chart_ready() -> None:
        state["chart"] = True
        QTimer.singleShot(0, ready)

    def on_exposed() -> None:
        state["exposed"] = True
        ready()

    window.chart_ready.connect(on_chart_ready)
    if window.chart.unit_count():
        on_chart_ready()
    _ExposeWatch(window, on_exposed)  # a child of the window
    QTimer.singleShot(SMOKE_TIMEOUT_MS, lambda: (outcome.setdefault("error", "délai dépassé"), app.quit()))
    app.exec()
    window.close()
    errors.uninstall()
    if "line" in outcome:
        print(outcome["line"])
        return 0
    print(f"iomviewer smoke test failed: {outcome.get('error', 'inconnu')}", file=sys.stderr)
    return 1
