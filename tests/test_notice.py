"""The notice bar: hidden at first, styled when it first shows (see ui/notice.py)."""
import pytest
from PySide6.QtGui import QColor

from iomviewer.ui.notice import NoticeLabel

pytestmark = pytest.mark.gui


def test_a_notice_is_styled_when_it_first_shows(qtbot):
    notice = NoticeLabel("4px 8px")
    qtbot.addWidget(notice)
    notice.setText("Édition partielle")
    assert notice.isHidden() and notice.styleSheet() == ""  # nothing set up for a bar nobody sees
    plain_height = notice.sizeHint().height()
    notice.show()
    qtbot.waitExposed(notice)
    assert "#fff4d6" in notice.styleSheet() and notice.wordWrap()
    assert notice.sizeHint().height() == plain_height + 8  # the padding counts in its size
    image = notice.grab().toImage()
    assert image.pixelColor(1, 1) == QColor("#fff4d6")  # its first paint is already yellow
    notice.hide()
    notice.show()  # styled once: shown again, the same sheet
    assert notice.styleSheet().count("#fff4d6") == 1
