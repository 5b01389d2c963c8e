"""How the session list and the participant rows are drawn: a bold first line, quieter details.

The text comes from the model's display role, one line per ``\\n``; this module
only draws it. Rows are painted in the first frame, so it touches nothing that
makes PySide6 build its ``Qt`` namespace (~15 ms or more): no ``Qt`` enum, and
no ``QPainter.setPen``, ``QBrush``, ``QPen`` or ``QPalette`` constructor, whose
overloads take one. Text is drawn by the style, in a palette whose Text role is the colour.
"""

from __future__ import annotations

from PySide6.QtCore import QModelIndex, QPersistentModelIndex, QRect, QSize
from PySide6.QtGui import QColor, QFont, QFontMetrics, QPainter, QPalette
from PySide6.QtWidgets import QApplication, QStyle, QStyledItemDelegate, QStyleOptionViewItem

from collab_console.gui.models import ALERT_LINE_ROLE
from collab_console.gui.style import error_colour, muted_colour

ELLIPSIS = "…"
#: Space above and below a row's text, in pixels.
ROW_PADDING = 4
#: Qt.AlignmentFlag.AlignLeft | AlignVCenter and Qt.TextFlag.TextSingleLine, as numbers.
_LEFT_MIDDLE_SINGLE_LINE = 0x0001 | 0x0080 | 0x0100


def elide(metrics: QFontMetrics, text: str, width: int) -> str:
    """``text`` cut at the end with "…" so that it fits ``width`` pixels in ``metrics``' font."""
    if metrics.horizontalAdvance(text) <= width:
        return text
    low, high = 0, len(text)
    while low < high:
        middle = (low + high + 1) // 2
        if metrics.horizontalAdvance(text[:middle].rstrip() + ELLIPSIS) <= width:
            low = middle
        else:
            high = middle - 1
    return text[:low].rstrip() + ELLIPSIS


class RowDelegate(QStyledItemDelegate):
    """Draws a multi-line row: the first line bold, the others quieter, each elided to the width.

    Quieter text is :func:`muted_colour`, which keeps a contrast of 4.5:1 on the
    list's background in light and dark palettes; an ended session's first line
    takes the model's foreground colour (muted the same way). The line the model
    names in its alert role (a failed invitation) is red, chosen the same way
    (:func:`error_colour`). A selected row uses the palette's highlighted text.
    Rows are as tall as their lines and never ask for more width than the view has.
    """

    def paint(
        self,
        painter: QPainter,
        option: QStyleOptionViewItem,
        index: QModelIndex | QPersistentModelIndex,
    ) -> None:
        item = QStyleOptionViewItem(option)
        self.initStyleOption(item, index)
        # From the model: the option's text has its line breaks turned into U+2028.
        lines = str(index.data(0) or "").split("\n")
        item.text = ""
        widget = item.widget
        style = widget.style() if widget is not None else QApplication.style()
        style.drawControl(QStyle.ControlElement.CE_ItemViewItem, item, painter, widget)
        first, rest = self.colours(option, item)
        alert = index.data(ALERT_LINE_ROLE)
        selected = bool(item.state & QStyle.StateFlag.State_Selected)
        margin = style.pixelMetric(QStyle.PixelMetric.PM_FocusFrameHMargin, None, widget) + 2
        area = item.rect.adjusted(margin, ROW_PADDING, -margin, -ROW_PADDING)
        text = QPalette.ColorRole.Text
        palette = item.palette  # not QPalette(...): its overloads build the Qt namespace
        painter.save()
        top = area.top()
        for number, line in enumerate(lines):
            font = QFont(item.font)
            font.setBold(number == 0)
            metrics = QFontMetrics(font)
            painter.setFont(font)
            colour = first if number == 0 else rest
            if number == alert and not selected:
                colour = error_colour(option.palette, QPalette.ColorRole.Base)
            palette.setColor(text, colour)
            style.drawItemText(
                painter,
                QRect(area.left(), top, area.width(), metrics.height()),
                _LEFT_MIDDLE_SINGLE_LINE,
                palette,
                True,
                elide(metrics, line, area.width()),
                text,
            )
            top += metrics.lineSpacing()
        painter.restore()

    @staticmethod
    def colours(option: QStyleOptionViewItem, item: QStyleOptionViewItem) -> tuple[QColor, QColor]:
        """The colours of the first line and of the others.

        ``option`` carries the view's palette, ``item`` the palette with the
        row's own foreground (an ended session's) applied.
        """
        if item.state & QStyle.StateFlag.State_Selected:
            selected = item.palette.color(QPalette.ColorRole.HighlightedText)
            return selected, selected
        return item.palette.color(QPalette.ColorRole.Text), muted_colour(option.palette)

    def sizeHint(
        self, option: QStyleOptionViewItem, index: QModelIndex | QPersistentModelIndex
    ) -> QSize:
        text = index.data(0) or ""
        bold = QFont(option.font)
        bold.setBold(True)
        others = str(text).count("\n")
        height = QFontMetrics(bold).lineSpacing() + others * option.fontMetrics.lineSpacing()
        return QSize(1, height + 2 * ROW_PADDING)
