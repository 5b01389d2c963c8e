"""The console's language: Qt's translators, the layout direction and the locale.

The language is chosen once, by :func:`collab_console.core.i18n.choose_language`
(``--lang``, then the user's choice, then the desktop's locale); this module only
makes Qt follow it. Two catalogues are installed: Qt's own ``qtbase_<lang>.qm``
(the standard buttons and dialogs) and the console's
``_data/translations/collab_console_<lang>.qm`` (the forms and ``gui/*.py``).

A language whose catalogue is missing is said in one line on stderr and the
console goes on in English: a language is not a security setting.
"""

from __future__ import annotations

import sys
from pathlib import Path

from PySide6.QtCore import QCoreApplication, QLibraryInfo, QLocale, QTranslator
from PySide6.QtWidgets import QApplication

from collab_console.core.i18n import is_rtl, use_language

#: Where the build (``packaging/translations build``) puts the console's ``.qm`` files.
CATALOGUES = Path(__file__).resolve().parent.parent / "_data" / "translations"
#: The language the texts are written in: it needs no catalogue.
SOURCE_LANGUAGE = "en"


class GuiLanguage:
    """The translators installed for one language; :meth:`remove` takes them out again.

    The translators are children of the application, so they stay installed
    whether or not this object is kept.
    """

    def __init__(self, lang: str, translators: list[QTranslator]) -> None:
        self.lang = lang
        self.translators = translators

    def remove(self, app: QApplication) -> None:
        """Back to the source texts, left to right, in the default locale."""
        for translator in self.translators:
            app.removeTranslator(translator)
            translator.deleteLater()
        self.translators = []
        use_language(SOURCE_LANGUAGE)
        from PySide6.QtCore import Qt

        app.setLayoutDirection(Qt.LayoutDirection.LeftToRight)
        QLocale.setDefault(QLocale("en_US"))


def install_language(app: QApplication, lang: str) -> GuiLanguage:
    """Show the console in ``lang`` (a code from ``choose_language``) from now on.

    Call it before any window is built: the forms are translated as they are built.
    """
    translators: list[QTranslator] = []
    shown = lang
    if lang != SOURCE_LANGUAGE:
        own = _load(CATALOGUES, f"collab_console_{lang}")
        if own is None:
            print(
                f"collab-console: no {lang!r} translation in {CATALOGUES}; showing English.",
                file=sys.stderr,
            )
            shown = SOURCE_LANGUAGE
        else:
            qt_folder = Path(QLibraryInfo.path(QLibraryInfo.LibraryPath.TranslationsPath))
            # Qt's own catalogue is a nicety (standard buttons): the console's is enough.
            qt_own = _load(qt_folder, f"qtbase_{lang}")
            translators = [t for t in (qt_own, own) if t is not None]
    use_language(shown)  # the core's texts, and the isolates of what is shown
    for translator in translators:
        app.installTranslator(translator)
    if shown == SOURCE_LANGUAGE:
        # Left to right and the desktop's own locale are Qt's defaults. Not said here:
        # touching PySide6's Qt namespace builds it whole, about 45 ms of every start.
        return GuiLanguage(shown, translators)
    from PySide6.QtCore import Qt

    # Qt also sets the direction from its catalogue's QT_LAYOUT_DIRECTION; said here
    # so it never depends on which catalogues were found.
    app.setLayoutDirection(
        Qt.LayoutDirection.RightToLeft if is_rtl(shown) else Qt.LayoutDirection.LeftToRight
    )
    QLocale.setDefault(QLocale(shown))
    return GuiLanguage(shown, translators)


def _load(folder: Path, name: str) -> QTranslator | None:
    # A child of the application: a translator Python collected would be taken out
    # of the application with it, and the texts would fall back to English.
    translator = QTranslator(QCoreApplication.instance())
    if translator.load(name, str(folder)):
        return translator
    translator.deleteLater()
    return None
