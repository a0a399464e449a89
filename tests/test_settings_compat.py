"""Settings from an older or broken version are ignored with defaults, never a crash."""
from __future__ import annotations

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from PySide6.QtCore import QByteArray, QSettings

from fixtures import mini_doc
from iomviewer.ui.settings import Settings, options

pytestmark = pytest.mark.gui

KEYS = sorted(options())

garbage = st.one_of(
    st.none(), st.booleans(), st.integers(min_value=-(2**63), max_value=2**63 - 1), st.integers(min_value=2**64).map(str), st.floats(allow_nan=True),
    st.text(max_size=50), st.binary(max_size=50), st.lists(st.text(max_size=5), max_size=4),
    st.sampled_from(["@ByteArray(", "@Variant(\x00\x00\x00\x7f\x00", "@Invalid()", "@Size(1 2)", "@Rect(a b c d)",
                     "true", "1e999", "9" * 5000, "", " TB ", "LR\n"]),
)


def ini(tmp_path, text: str | bytes) -> Settings:
    path = tmp_path / "settings.ini"
    if isinstance(text, str):
        path.write_text(text, encoding="utf-8")
    else:
        path.write_bytes(text)
    return Settings(QSettings(str(path), QSettings.Format.IniFormat))


def assert_all_valid(s: Settings) -> None:
    for key, option in options().items():
        value = s.get(key)
        assert isinstance(value, option.type), (key, value)
        assert option.check(value), (key, value)


@settings(derandomize=True, deadline=None, max_examples=150, database=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])
@given(values=st.dictionaries(st.sampled_from(KEYS), garbage, min_size=1, max_size=8))
def test_any_stored_value_reads_as_a_valid_setting(tmp_path, values):
    store = QSettings(str(tmp_path / "fuzz.ini"), QSettings.Format.IniFormat)
    store.clear()
    for key, value in values.items():
        try:
            store.setValue(key, value)
        except (TypeError, OverflowError, ValueError):
            store.setValue(key, repr(value))
    assert_all_valid(Settings(store))


@pytest.mark.parametrize("text", [
    "[chart]\nrankdir=diagonal\ndepth=-4\ncompact=peut-\u00eatre\ndepth=9999999999999999999999\n",
    "[window]\ngeometry=@ByteArray(\\x1\\x2garbage)\nstate=@Variant(\\0\\0\\0\\x7f\\0\\0\\0\\x2\\x41)\n"
    "splitter=@Rect(1 2)\n[export]\ndpi=@Size(3 4)\nformat=exe\npage=@Invalid()\n",
    "[ui]\nlang=klingon\n[data]\nedition=@ByteArray(\\xff\\xfe)\nselection=1, 2, 3\n",
    "[[[[\n\x00\x01garbage=\n=value\n[chart\nrankdir\n",
])
def test_hand_written_broken_files(tmp_path, text):
    assert_all_valid(ini(tmp_path, text))


def test_binary_garbage_file(tmp_path):
    assert_all_valid(ini(tmp_path, bytes(range(256)) * 40))


def test_settings_path_that_is_a_folder(tmp_path):
    (tmp_path / "settings.ini").mkdir()
    s = Settings(QSettings(str(tmp_path / "settings.ini"), QSettings.Format.IniFormat))
    assert_all_valid(s)
    s.set("chart/depth", 3)
    s.sync()  # cannot be written: no crash, nothing lost elsewhere
    assert (tmp_path / "settings.ini").is_dir()


@pytest.fixture
def window_with(qtbot, tmp_path):
    from iomviewer.core.loading import load_document
    from iomviewer.ui.main_window import MainWindow

    made = []

    def make(text: str):
        s = ini(tmp_path, text)
        win = MainWindow(load_document(mini_doc()), s)
        qtbot.addWidget(win)
        win.restore_geometry()
        win.show()
        qtbot.waitUntil(lambda: win.chart.unit_count() > 0, timeout=20000)
        made.append(win)
        return win, s

    yield make
    for win in made:
        win.layout_runner.wait(10000)
        win.task_runner.wait(10000)


OLD_VERSION = (
    "[data]\nedition=structure-1999\nselection=unite-disparue\nfile=/nowhere/old.json\n"
    "[chart]\nrankdir=diagonal\ndepth=77\ncompact=maybe\nscope=galaxy\nshow_links=2\n"
    "[window]\ngeometry=@ByteArray(not a geometry)\nstate=@ByteArray(\\x1\\x2\\x3)\nsplitter=@ByteArray(x)\n"
    "[ui]\nlang=de\n"
)


def test_window_opens_on_defaults_with_an_older_versions_settings(window_with):
    from iomviewer.ui.app import _select_initial, choose_language

    win, s = window_with(OLD_VERSION)
    assert win.edition.id == "ed-2022"  # the default: structure-1999 no longer exists
    assert _select_initial(win, None, s.get("data/selection")) and win.selected_unit is None
    assert win.chart_controller.options.rankdir == "TB" and win.depth_box.value() == 0
    assert win.actions_.compact.isChecked() and not win.actions_.branch_only.isChecked()
    assert choose_language(None, s) in ("fr", "en")
    assert win.width() > 100 and win.height() > 100


def test_a_unit_of_another_edition_is_not_selected(window_with):
    from iomviewer.ui.app import _select_initial

    win, s = window_with("[data]\nedition=ed-2021\nselection=unit-a21\n")
    assert win.edition.id == "ed-2021" and _select_initial(win, None, s.get("data/selection"))
    assert win.selected_unit == "unit-a21"
    win2, s2 = window_with("[data]\nedition=ed-2022\nselection=unit-a21\n")  # removed in 2022
    assert _select_initial(win2, None, s2.get("data/selection")) and win2.selected_unit is None


def test_closing_writes_good_settings_over_broken_ones(window_with, tmp_path):
    win, s = window_with(OLD_VERSION)
    win.select_unit("div-a1")
    win.close()
    again = Settings(QSettings(str(tmp_path / "settings.ini"), QSettings.Format.IniFormat))
    assert again.get("data/edition") == "ed-2022" and again.get("data/selection") == "div-a1"
    assert not again.get("window/geometry").isEmpty()
    assert_all_valid(again)
    assert isinstance(again.get("window/state"), QByteArray)
