"""Immutable value records, declared as frozen dataclasses are.

Why not :mod:`dataclasses`: importing it imports :mod:`inspect` (and with it
``ast``, ``dis`` and ``tokenize``), about 20 ms of every ``collab-console``
command, whose whole budget is twice ``python -c 'import sqlite3'`` (about
80 ms). A :class:`Record` subclass is declared like a frozen dataclass, and
mypy checks it as one (PEP 681, ``dataclass_transform``)::

    class Acknowledgement(Record):
        by: str
        at: datetime
        warning_version: int = 1
        note: str = field(default="", compare=False)

What a record does: ``__init__`` taking the fields in order, by position or
name, then calling ``__post_init__`` when the class has one; ``==`` between
records of the same class over the compared fields, ``hash`` over the same
(so a record holding a dict is unhashable, as a frozen dataclass is);
``repr``; :meth:`Record.replace`; and assignment refused with
:class:`FrozenRecordError`. ``__post_init__`` may normalise a field with
``object.__setattr__``, as in a frozen dataclass.
"""

from __future__ import annotations

from operator import attrgetter

#: ``typing.TYPE_CHECKING`` without importing ``typing`` (a few ms of every command).
TYPE_CHECKING = False
if TYPE_CHECKING:
    from collections.abc import Callable
    from typing import Any, ClassVar, Self, dataclass_transform
else:

    def dataclass_transform(**_options):
        return lambda cls: cls


_MISSING: Any = object()


class FrozenRecordError(AttributeError):
    """A field of a record was assigned or deleted after it was built."""


class _Field:
    __slots__ = ("compare", "default", "default_factory")

    def __init__(self, default: Any, default_factory: Callable[[], Any] | None, compare: bool):
        self.default = default
        self.default_factory = default_factory
        self.compare = compare


def field(
    *,
    default: Any = _MISSING,
    default_factory: Callable[[], Any] | None = None,
    compare: bool = True,
) -> Any:
    """A field with a default made afresh for each record, or left out of ``==``."""
    if default is not _MISSING and default_factory is not None:
        raise TypeError("a field takes a default or a default_factory, not both")
    return _Field(default, default_factory, compare)


@dataclass_transform(frozen_default=True, field_specifiers=(field,))
class Record:
    """Base class of the immutable records of the core; see the module's docstring."""

    __slots__ = ()
    __record_fields__: ClassVar[dict[str, _Field]] = {}
    _compared: ClassVar[staticmethod[[Any], Any]]

    def __init_subclass__(cls, **kwargs: Any) -> None:
        super().__init_subclass__(**kwargs)
        fields = dict(cls.__record_fields__)
        own = cls.__dict__.get("__annotations__", {})  # noqa: RUF063 - strings, never evaluated
        for name, annotation in own.items():
            if str(annotation).startswith(("ClassVar", "typing.ClassVar")):
                continue
            declared = cls.__dict__.get(name, _MISSING)
            if isinstance(declared, _Field):
                fields[name] = declared
                if declared.default is _MISSING:
                    delattr(cls, name)
                else:
                    setattr(cls, name, declared.default)
            else:
                fields[name] = _Field(declared, None, True)
        cls.__record_fields__ = fields
        setattr(cls, "__match_args__", tuple(fields))  # noqa: B010 - mypy refuses the plain form
        compared = [name for name, spec in fields.items() if spec.compare]
        cls._compared = staticmethod(attrgetter(*compared) if compared else _no_fields)
        cls.__init__ = _make_init(cls, fields)  # type: ignore[method-assign]

    def __setattr__(self, name: str, value: Any) -> None:
        raise FrozenRecordError(f"cannot assign to field {name!r} of a {type(self).__name__}")

    def __delattr__(self, name: str) -> None:
        raise FrozenRecordError(f"cannot delete field {name!r} of a {type(self).__name__}")

    def __eq__(self, other: object) -> bool:
        if other.__class__ is not self.__class__:
            return NotImplemented
        return bool(self._compared(self) == self._compared(other))

    def __hash__(self) -> int:
        return hash((self.__class__, self._compared(self)))

    def __repr__(self) -> str:
        shown = ", ".join(f"{name}={getattr(self, name)!r}" for name in self.__record_fields__)
        return f"{type(self).__qualname__}({shown})"

    def replace(self, **changes: Any) -> Self:
        """A copy of this record with ``changes``; checked as a new record is."""
        unknown = set(changes) - set(self.__record_fields__)
        if unknown:
            raise TypeError(f"{type(self).__name__} has no field {sorted(unknown)[0]!r}")
        values = {name: getattr(self, name) for name in self.__record_fields__}
        return type(self)(**{**values, **changes})


def _no_fields(_record: Record) -> tuple[()]:
    return ()


def _make_init(cls: type, fields: dict[str, _Field]) -> Callable[..., None]:
    """``__init__`` for ``fields``, compiled once per class as dataclasses does, for speed."""
    names: dict[str, Any] = {"_set": object.__setattr__, "_MISSING": _MISSING}
    params, body, seen_default = ["self"], [], False
    for name, spec in fields.items():
        if spec.default_factory is not None:
            names[f"_factory_{name}"] = spec.default_factory
            params.append(f"{name}=_MISSING")
            made = f"_factory_{name}() if {name} is _MISSING else {name}"
            body.append(f"_set(self, {name!r}, {made})")
            seen_default = True
            continue
        if spec.default is not _MISSING:
            names[f"_default_{name}"] = spec.default
            params.append(f"{name}=_default_{name}")
            seen_default = True
        elif seen_default:
            raise TypeError(f"{cls.__name__}: field {name!r} without a default follows one with")
        else:
            params.append(name)
        body.append(f"_set(self, {name!r}, {name})")
    if hasattr(cls, "__post_init__"):
        body.append("self.__post_init__()")
    source = f"def __init__({', '.join(params)}):\n    " + "\n    ".join(body or ["pass"])
    exec(source, names)  # built from field names only, as dataclasses does
    init: Callable[..., None] = names["__init__"]
    init.__qualname__ = f"{cls.__qualname__}.__init__"
    return init
