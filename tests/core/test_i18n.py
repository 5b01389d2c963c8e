"""The language of the core and CLI texts, and the bidi controls around what must stay LTR.

The end-to-end tests run ``collab-console --lang he settings show`` against the
Hebrew catalogue built by ``packaging/translations build`` (a session fixture):
without Babel they are skipped with the reason, except under CI, where they fail.
"""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from collab_console.core import i18n
from collab_console.core.i18n import (
    choose_language,
    isolate,
    locale_language,
    save_language,
    saved_language,
    strip_bidi,
    use_language,
)
from collab_console.core.settings import SETTING_SPECS
from collab_console.store import Store

ROOT = Path(__file__).resolve().parents[2]
TRANSLATIONS = ROOT / "packaging" / "translations"
BIDI_CONTROLS = "\u061c\u200e\u200f\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069"
RunCli = Callable[..., subprocess.CompletedProcess[str]]


@pytest.fixture(autouse=True)
def english_again() -> Iterator[None]:
    """Whatever language a test uses, the next one starts in English."""
    yield
    use_language("en")


# -- which language -------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("environ", "expected"),
    [
        ({}, "en"),
        ({"LANG": "he_IL.UTF-8"}, "he"),
        ({"LANG": "iw_IL"}, "he"),
        ({"LANG": "C.UTF-8"}, "en"),
        ({"LANG": "POSIX"}, "en"),
        ({"LANG": "fr_FR.UTF-8"}, "en"),
        ({"LC_MESSAGES": "he_IL", "LANG": "en_GB.UTF-8"}, "he"),
        ({"LC_ALL": "en_US.UTF-8", "LC_MESSAGES": "he_IL"}, "en"),
        ({"LANGUAGE": "fr:he", "LANG": "en_US.UTF-8"}, "he"),
        ({"LANGUAGE": "", "LANG": "he_IL.UTF-8"}, "he"),
        ({"LANGUAGE": "de:fr", "LANG": "he_IL.UTF-8"}, "en"),
    ],
)
def test_the_locale_variables_choose_in_gettexts_order(
    environ: dict[str, str], expected: str
) -> None:
    assert locale_language(environ) == expected


def test_the_flag_beats_the_saved_choice_which_beats_the_locale() -> None:
    hebrew_desktop = {"LANG": "he_IL.UTF-8"}
    assert choose_language(None, hebrew_desktop) == "he"
    save_language("en")
    assert saved_language() == "en"
    assert choose_language(None, hebrew_desktop) == "en"
    assert choose_language("he", hebrew_desktop) == "he"
    save_language(None)
    assert saved_language() is None
    assert choose_language(None, hebrew_desktop) == "he"


def test_a_saved_language_this_version_does_not_speak_falls_back_to_the_locale() -> None:
    Path(i18n.language_file()).write_text("klingon\n", encoding="utf-8")
    assert saved_language() is None
    assert choose_language(None, {"LANG": "he_IL.UTF-8"}) == "he"


def test_the_saved_choice_is_written_whole_into_the_config_folder(
    no_chosen_database: Path,
) -> None:
    path = save_language("he")
    assert Path(path) == no_chosen_database / "language"
    assert Path(path).read_text(encoding="utf-8") == "he\n"
    assert sorted(os.listdir(no_chosen_database)) == ["language"]


def test_an_unknown_language_is_refused() -> None:
    with pytest.raises(ValueError, match="klingon"):
        choose_language("klingon")
    with pytest.raises(ValueError, match="klingon"):
        save_language("klingon")


def test_importing_the_module_imports_no_gettext() -> None:
    done = subprocess.run(
        [
            sys.executable,
            "-c",
            "import sys, collab_console.core.i18n; print('gettext' in sys.modules)",
        ],
        capture_output=True,
        text=True,
        check=True,
    )
    assert done.stdout.strip() == "False"


# -- bidi --------------------------------------------------------------------------------------

no_bidi = st.text().map(lambda text: text.translate(dict.fromkeys(map(ord, BIDI_CONTROLS))))


@given(no_bidi)
def test_isolating_then_stripping_gives_the_value_back(value: str) -> None:
    use_language("he")
    shown = isolate(value)
    assert shown == f"\u2066{value}\u2069"
    assert strip_bidi(shown) == value


@given(no_bidi)
def test_english_text_is_never_isolated(value: str) -> None:
    use_language("en")
    assert isolate(value) == value


@given(st.text(alphabet=st.sampled_from(BIDI_CONTROLS + "ab\u05d0\u05d1 1/:")))
def test_stripping_leaves_no_bidi_control(text: str) -> None:
    assert not set(strip_bidi(text)) & set(BIDI_CONTROLS)


def test_direction_follows_the_language() -> None:
    use_language("he")
    assert i18n.is_rtl()
    assert i18n.current_language() == "he"
    assert not i18n.is_rtl("en")
    use_language("en")
    assert not i18n.is_rtl()


# -- the catalogues, built and checked ----------------------------------------------------------


def run_translations(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, str(TRANSLATIONS), *args],
        capture_output=True,
        text=True,
        check=False,
        timeout=300,
    )


@pytest.fixture(scope="session")
def built_catalogues() -> None:
    """The compiled catalogues, built once per session with ``packaging/translations build``."""
    try:
        import babel  # noqa: F401
    except ImportError:
        if os.environ.get("CI"):
            pytest.fail("Babel is missing under CI: install the test extra")
        pytest.skip("Babel is missing (pip install babel): the catalogues cannot be built")
    done = run_translations("build", "--only", "po")  # the Qt side is tests/gui's
    assert done.returncode == 0, done.stderr


@pytest.mark.usefixtures("built_catalogues")
def test_settings_show_in_hebrew_has_hebrew_labels_and_the_same_values(
    demo_store: Store, run_cli: RunCli
) -> None:
    english = run_cli("--lang", "en", "settings", "show")
    hebrew = run_cli("--lang", "he", "settings", "show")
    assert english.returncode == hebrew.returncode == 0, hebrew.stderr
    assert "Copy Session ID" in english.stdout
    assert "העתקת מזהה סשן" in hebrew.stdout
    assert "שינוי אחרון" in hebrew.stdout
    assert "לא אושרה" in hebrew.stdout
    assert not any(spec.label in hebrew.stdout for spec in SETTING_SPECS)

    def values(text: str) -> list[str]:
        # The label column ends at the widest label: what follows on a line is its value.
        return [line.split("  ")[-1].strip() for line in text.splitlines()[1:-1]]

    english_values = values(english.stdout)
    hebrew_values = values(hebrew.stdout)
    for index, spec in enumerate(SETTING_SPECS):
        shown = english_values[index]
        if shown == "not set":
            assert hebrew_values[index] == "לא הוגדר"
        else:
            assert hebrew_values[index] == f"\u2066{shown}\u2069", spec.key


@pytest.mark.usefixtures("built_catalogues")
def test_settings_show_json_is_the_same_in_every_language(
    demo_store: Store, run_cli: RunCli
) -> None:
    english = run_cli("--lang", "en", "settings", "show", "--json")
    hebrew = run_cli("--lang", "he", "settings", "show", "--json")
    assert english.returncode == hebrew.returncode == 0, hebrew.stderr
    assert hebrew.stdout == english.stdout


@pytest.mark.usefixtures("built_catalogues")
def test_the_saved_language_and_the_locale_reach_the_cli(
    demo_store: Store, run_cli: RunCli
) -> None:
    by_locale = run_cli("settings", "show", env={"LANGUAGE": "he", "LANG": "he_IL.UTF-8"})
    assert "שינוי אחרון" in by_locale.stdout
    save_language("en")
    saved = run_cli("settings", "show", env={"LANGUAGE": "he", "LANG": "he_IL.UTF-8"})
    assert "Last changed" in saved.stdout


@pytest.mark.usefixtures("built_catalogues")
def test_argparse_speaks_hebrew_too(run_cli: RunCli) -> None:
    done = run_cli("--lang", "he", "settings", "bogus")
    assert done.returncode == 2
    assert "שימוש:" in done.stderr
    assert "בחירה לא חוקית" in done.stderr


@pytest.mark.usefixtures("built_catalogues")
def test_the_hebrew_catalogue_is_complete() -> None:
    done = run_translations("check", "--only", "po")
    assert done.returncode == 0, done.stdout + done.stderr


@pytest.mark.usefixtures("built_catalogues")
def test_the_check_names_a_missing_and_an_obsolete_translation(tmp_path: Path) -> None:
    from babel.messages.catalog import Catalog
    from babel.messages.pofile import read_po, write_po

    with open(ROOT / "resources" / "translations" / "he.po", "rb") as file:
        catalog: Catalog = read_po(file, locale="he")
    catalog["Last changed"].string = ""
    catalog.add("A text the code no longer has", "טקסט ישן")
    broken = tmp_path / "he.po"
    with open(broken, "wb") as file:
        write_po(file, catalog)
    done = run_translations("check", "--only", "po", "--po", str(broken))
    assert done.returncode == 1
    assert "not translated: 'Last changed'" in done.stdout
    assert "obsolete (no longer in the code; delete it): 'A text the code no longer has'" in (
        done.stdout
    )
