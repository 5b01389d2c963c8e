"""docs/qa.md documents the QA kit as it is: every fixture, page method and step, with
its signature, and nothing that is gone.

The kit is what QA teams script against from their own repositories; a
signature changed here without the page changing is a broken promise to them.
"""

from __future__ import annotations

import inspect
import re
from collections.abc import Callable, Iterator
from pathlib import Path
from types import ModuleType

import pytest

from collab_console.testing import clipboard, driving, pages, plugin, reproducible, screen

QA_MD = Path(__file__).parents[2] / "docs" / "qa.md"
START = "<!-- kit-reference"
END = "<!-- end of kit-reference -->"
#: The classes a QA suite meets, in the order the reference lists them.
KIT_CLASSES = (*pages.PAGES, clipboard.SystemClipboard, reproducible.FixedClock)
#: The modules whose public functions a QA suite calls.
KIT_MODULES = (driving, screen)


def _signature(function: Callable[..., object], *, drop_self: bool) -> str:
    """``(name: str, *, reason: str | None = None) -> str``, annotations unquoted."""
    signature = inspect.signature(function)
    parameters = list(signature.parameters.values())
    if drop_self:
        parameters = parameters[1:]
    shown = str(signature.replace(parameters=parameters))
    return shown.replace("'", "")


def _summary(thing: object) -> str:
    doc = inspect.getdoc(thing) or ""
    return " ".join(doc.split("\n\n", 1)[0].split())


def kit_reference() -> Iterator[tuple[str, str]]:
    """Each public member of the kit as the reference shows it, with its docstring's summary."""
    for cls in KIT_CLASSES:
        for name, member in vars(cls).items():
            if name.startswith("_"):
                continue
            if isinstance(member, property) and member.fget is not None:
                kind = inspect.signature(member.fget).return_annotation
                yield f"{cls.__name__}.{name}: {kind}", _summary(member)
            elif inspect.isfunction(member):
                shown = _signature(member, drop_self=True)
                yield f"{cls.__name__}.{name}{shown}", _summary(member)
    for module in KIT_MODULES:
        for name, member in vars(module).items():
            if name.startswith("_") or not inspect.isfunction(member):
                continue
            if member.__module__ != module.__name__:
                continue
            shown = _signature(inspect.unwrap(member), drop_self=False)
            yield f"{module.__name__.rsplit('.', 1)[1]}.{name}{shown}", _summary(member)


def documented(text: str) -> list[str]:
    """The signatures between the reference's markers in ``text``."""
    start, end = text.find(START), text.find(END)
    assert 0 <= start < end, "docs/qa.md has no kit reference between its markers"
    return re.findall(r"^- `([^`]+)`", text[start:end], flags=re.MULTILINE)


def plugin_fixtures(module: ModuleType = plugin) -> set[str]:
    """The names of the fixtures the plugin defines."""
    return {
        name
        for name, member in vars(module).items()
        # pytest's own type of a decorated fixture (it has no public name)
        if type(member).__name__ == "FixtureFunctionDefinition"
    }


def test_every_page_method_and_step_is_documented_with_its_signature() -> None:
    in_code = [line for line, _summary in kit_reference()]
    in_docs = documented(QA_MD.read_text(encoding="utf-8"))

    missing = [line for line in in_code if line not in in_docs]
    stale = [line for line in in_docs if line not in in_code]
    assert (missing, stale) == ([], []), (
        f"docs/qa.md's kit reference is out of date:\n  not documented: {missing}\n"
        f"  documented but not in the kit: {stale}"
    )


def test_every_fixture_of_the_plugin_is_in_the_fixture_table() -> None:
    text = QA_MD.read_text(encoding="utf-8")
    table = text[text.index("### Fixtures") : text.index("### Page objects")]
    in_docs = set(re.findall(r"^\| `(\w+)` \|", table, flags=re.MULTILINE))

    assert plugin_fixtures() == in_docs


def test_the_reference_check_notices_a_changed_signature() -> None:
    line = next(line for line, _summary in kit_reference() if "(" in line)
    drifted = f"{START} -->\n- `{line.replace('(', '(x: int, ', 1)}`: …\n{END}"

    assert line not in documented(drifted)


@pytest.mark.parametrize("cls", KIT_CLASSES, ids=lambda cls: cls.__name__)
def test_every_public_member_says_what_it_does(cls: type) -> None:
    silent = [
        name
        for name, member in vars(cls).items()
        if not name.startswith("_")
        and (inspect.isfunction(member) or isinstance(member, property))
        and not _summary(member)
    ]
    assert silent == []
