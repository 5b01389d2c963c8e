"""A question before an action that cannot be undone, with buttons that name the choice.

"End session" / "Keep session", not Yes / Cancel: the buttons say what
happens, the safe one is the default and what Esc does. Object names are part
of the QA contract (``docs/qa.md``).
"""

from __future__ import annotations

from PySide6.QtWidgets import QMessageBox, QWidget


def confirm(
    parent: QWidget,
    *,
    name: str,
    title: str,
    text: str,
    act: tuple[str, str],
    keep: tuple[str, str],
) -> bool:
    """Ask ``text``; True when the person chose ``act``. ``act`` and ``keep`` are each
    (button text, object name); ``name`` is the box's object name."""
    box = QMessageBox(parent)
    box.setObjectName(name)
    box.setIcon(QMessageBox.Icon.Question)
    box.setWindowTitle(title)
    box.setText(text)
    act_button = box.addButton(act[0], QMessageBox.ButtonRole.AcceptRole)
    act_button.setObjectName(act[1])
    keep_button = box.addButton(keep[0], QMessageBox.ButtonRole.RejectRole)
    keep_button.setObjectName(keep[1])
    box.setDefaultButton(keep_button)
    box.setEscapeButton(keep_button)
    box.exec()
    chosen = box.clickedButton() is act_button
    box.deleteLater()
    return chosen
