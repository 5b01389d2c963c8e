"""Walk the AT-SPI tree of one running application and print it as JSON.

A standalone script (the standard library and PyGObject only, nothing of
collab_console), run as a subprocess by :mod:`collab_console.testing.accessibility`
with an interpreter that has PyGObject (Debian: ``python3-gi``). A subprocess,
because a Qt application answers AT-SPI calls on its own event loop: the test
process keeps that loop spinning while this script asks, and would deadlock
asking itself.

It speaks the AT-SPI D-Bus interfaces through Gio rather than through libatspi:
libatspi first asks every application for a bus of its own
(``GetApplicationBusAddress``), which Qt does not implement and answers with a
Qt warning, and a QA suite that fails on Qt warnings would fail on the check.

Two commands:

``tree --pid PID``
    Finds the application with that process ID among the registry's children,
    walks it depth-first through the nodes that are showing (``STATE_SHOWING``:
    a hidden subtree is never entered), and prints
    ``{"application": name, "truncated": bool, "nodes": [...]}``; each node has
    its ``role``, ``name``, ``description``, ``states``, ``accessible_id``
    (Qt puts the dotted chain of object names there, a class name standing in
    for an unnamed object: ``QApplication.consoleWindow.copyUrlButton``) and
    ``path`` (child indexes from the application down).

``bus``
    Makes sure the accessibility bus and its registry run (asking the session
    bus's ``org.a11y.Bus`` activates ``at-spi-bus-launcher``; the registry is
    started by name so an application registers at once) and prints
    ``{"address": ..., "pids": [...]}``: the bus's address and the processes
    that serve it (registry, launcher, bus daemon), for whoever started them
    to end them, in that order.

A failure prints one line on stderr, starting ``atspi-walk:``, and exits 2.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import time
from typing import Any

#: Every D-Bus call gets this long before it counts as failed.
CALL_TIMEOUT_MS = 5000

DRIVER = ("org.freedesktop.DBus", "/org/freedesktop/DBus", "org.freedesktop.DBus")
REGISTRY = ("org.a11y.atspi.Registry", "/org/a11y/atspi/accessible/root")
ACCESSIBLE = "org.a11y.atspi.Accessible"
#: AT-SPI's states, by bit number in GetState's two 32-bit words (AtspiStateType's order).
STATES = [
    "invalid",
    "active",
    "armed",
    "busy",
    "checked",
    "collapsed",
    "defunct",
    "editable",
    "enabled",
    "expandable",
    "expanded",
    "focusable",
    "focused",
    "has-tooltip",
    "horizontal",
    "iconified",
    "modal",
    "multi-line",
    "multiselectable",
    "opaque",
    "pressed",
    "resizable",
    "selectable",
    "selected",
    "sensitive",
    "showing",
    "single-line",
    "stale",
    "transient",
    "vertical",
    "visible",
    "manages-descendants",
    "indeterminate",
    "required",
    "truncated",
    "animated",
    "invalid-entry",
    "supports-autocompletion",
    "selectable-text",
    "is-default",
    "visited",
    "checkable",
    "has-popup",
    "read-only",
]


class WalkFailed(Exception):
    """Why the walk could not be done, in one line a tester reads."""


def _gio() -> tuple[Any, Any]:
    try:
        import gi  # type: ignore[import-not-found, unused-ignore]

        gi.require_version("Gio", "2.0")
        from gi.repository import Gio, GLib  # type: ignore[import-not-found, unused-ignore]
    except (ImportError, ValueError) as exc:
        raise WalkFailed(
            f"{sys.executable} cannot load Gio through PyGObject ({exc}): install python3-gi"
        ) from exc
    return Gio, GLib


class Bus:
    """Synchronous calls on one D-Bus connection, answers unpacked."""

    def __init__(self, gio: Any, glib: Any, connection: Any) -> None:
        self.gio, self.glib, self.connection = gio, glib, connection

    def call(
        self,
        name: str,
        path: str,
        interface: str,
        method: str,
        args: Any = None,
        reply: str | None = None,
    ) -> Any:
        answer = self.connection.call_sync(
            name,
            path,
            interface,
            method,
            args,
            self.glib.VariantType(reply) if reply else None,
            self.gio.DBusCallFlags.NONE,
            CALL_TIMEOUT_MS,
            None,
        )
        return answer.unpack() if answer is not None else None

    def pid_of(self, name: str) -> int:
        pid = self.call(
            *DRIVER, "GetConnectionUnixProcessID", self.glib.Variant("(s)", (name,)), "(u)"
        )
        return int(pid[0])


def connect(gio: Any, glib: Any, address: str) -> Bus:
    connection = gio.DBusConnection.new_for_address_sync(
        address,
        gio.DBusConnectionFlags.AUTHENTICATION_CLIENT
        | gio.DBusConnectionFlags.MESSAGE_BUS_CONNECTION,
        None,
        None,
    )
    return Bus(gio, glib, connection)


def a11y_address(gio: Any, glib: Any, session: Bus | None = None) -> str:
    """The accessibility bus's address: ``AT_SPI_BUS_ADDRESS`` first, as Qt and libatspi
    look, else what the session bus's ``org.a11y.Bus`` says."""
    given = os.environ.get("AT_SPI_BUS_ADDRESS")
    if given:
        return given
    session = session or session_bus(gio, glib)
    return str(
        session.call("org.a11y.Bus", "/org/a11y/bus", "org.a11y.Bus", "GetAddress", None, "(s)")[0]
    )


def session_bus(gio: Any, glib: Any) -> Bus:
    return Bus(gio, glib, gio.bus_get_sync(gio.BusType.SESSION, None))


# -- tree ------------------------------------------------------------------------------


def find_application(a11y: Bus, pid: int, deadline: float) -> tuple[str, str]:
    """The (bus name, object path) of the registry's child whose process is ``pid``,
    asked again until ``deadline``: an application registers shortly after it starts."""
    seen: list[str] = []
    while True:
        seen = []
        (children,) = a11y.call(*REGISTRY, ACCESSIBLE, "GetChildren", None, "(a(so))")
        for name, path in children:
            try:
                child_pid = a11y.pid_of(name)
            except a11y.glib.Error:
                continue  # an application that just quit
            if child_pid == pid:
                return name, path
            seen.append(f"{_property(a11y, name, path, 'Name') or '?'} (pid {child_pid})")
        if time.monotonic() >= deadline:
            break
        time.sleep(0.1)
    others = ", ".join(seen) if seen else "none"
    raise WalkFailed(
        f"no application with process id {pid} on the accessibility bus "
        f"(applications there: {others}); is QT_LINUX_ACCESSIBILITY_ALWAYS_ON=1 set "
        "and a D-Bus session bus running before the QApplication was created?"
    )


def _get(a11y: Bus, name: str, path: str, prop: str) -> Any:
    """One property of an accessible (Qt answers Properties.Get, not GetAll: that one warns)."""
    (value,) = a11y.call(
        name,
        path,
        "org.freedesktop.DBus.Properties",
        "Get",
        a11y.glib.Variant("(ss)", (ACCESSIBLE, prop)),
        "(v)",
    )
    return value


def _property(a11y: Bus, name: str, path: str, prop: str) -> Any:
    """:func:`_get`, or None when the accessible does not answer."""
    try:
        return _get(a11y, name, path, prop)
    except a11y.glib.Error:
        return None


def _node(a11y: Bus, name: str, path: str, index_path: list[int]) -> dict[str, Any]:
    props = {prop: _get(a11y, name, path, prop) for prop in ("Name", "Description", "AccessibleId")}
    (words,) = a11y.call(name, path, ACCESSIBLE, "GetState", None, "(au)")
    (role,) = a11y.call(name, path, ACCESSIBLE, "GetRoleName", None, "(s)")
    states = [
        STATES[bit + 32 * word] if bit + 32 * word < len(STATES) else f"state-{bit + 32 * word}"
        for word, bits in enumerate(words)
        for bit in range(32)
        if bits >> bit & 1
    ]
    return {
        "role": role,
        "name": props.get("Name", ""),
        "description": props.get("Description", ""),
        "states": sorted(states),
        "accessible_id": props.get("AccessibleId", ""),
        "path": index_path,
    }


def walk(
    a11y: Bus, application: tuple[str, str], *, max_nodes: int, deadline: float
) -> dict[str, Any]:
    """The showing nodes of ``application``, depth-first, at most ``max_nodes``."""
    nodes: list[dict[str, Any]] = []
    truncated = False
    # A stack of (bus name, object path, index path); children pushed in reverse so
    # that they pop in order.
    stack: list[tuple[str, str, list[int]]] = [(*application, [])]
    while stack:
        if time.monotonic() >= deadline:
            raise WalkFailed(
                f"the walk took longer than its time-out, after {len(nodes)} nodes: "
                "is the application's event loop running?"
            )
        name, path, index_path = stack.pop()
        try:
            node = _node(a11y, name, path, index_path)
            (children,) = a11y.call(name, path, ACCESSIBLE, "GetChildren", None, "(a(so))")
        except a11y.glib.Error:
            continue  # a node that went away meanwhile is not shown
        if index_path and "showing" not in node["states"]:
            continue
        if len(nodes) >= max_nodes:
            truncated = True
            break
        nodes.append(node)
        for index in reversed(range(len(children))):
            stack.append((*children[index], [*index_path, index]))
    application_name = nodes[0]["name"] if nodes else ""
    return {"application": application_name, "truncated": truncated, "nodes": nodes}


def tree(pid: int, *, max_nodes: int, timeout_s: float) -> dict[str, Any]:
    gio, glib = _gio()
    deadline = time.monotonic() + timeout_s
    try:
        a11y = connect(gio, glib, a11y_address(gio, glib))
        application = find_application(a11y, pid, deadline)
        return walk(a11y, application, max_nodes=max_nodes, deadline=deadline)
    except glib.Error as exc:
        raise WalkFailed(
            f"the accessibility bus did not answer ({exc.message}): is a D-Bus session "
            "bus running, with at-spi2-core installed?"
        ) from exc


# -- bus ---------------------------------------------------------------------------------


def bus() -> dict[str, Any]:
    """The accessibility bus's address, started if needed, and the processes serving it."""
    gio, glib = _gio()
    try:
        session = session_bus(gio, glib)
        address = a11y_address(gio, glib, session)
        launcher = session.pid_of("org.a11y.Bus")
        a11y = connect(gio, glib, address)
        a11y.call(
            *DRIVER,
            "StartServiceByName",
            glib.Variant("(su)", ("org.a11y.atspi.Registry", 0)),
            "(u)",
        )
        registry, daemon = a11y.pid_of(REGISTRY[0]), a11y.pid_of(DRIVER[0])
    except glib.Error as exc:
        raise WalkFailed(
            f"the accessibility bus did not start ({exc.message}): "
            "is at-spi2-core installed and a D-Bus session bus running?"
        ) from exc
    # In the order to end them: the registry, the launcher, then the bus they are on.
    return {"address": address, "pids": [registry, launcher, daemon]}


# -- command line ------------------------------------------------------------------------


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="atspi-walk", description=__doc__.split("\n")[0])
    commands = parser.add_subparsers(dest="command", required=True)
    tree_command = commands.add_parser("tree", help="print an application's showing nodes")
    tree_command.add_argument("--pid", type=int, required=True)
    tree_command.add_argument("--max-nodes", type=int, default=3000)
    tree_command.add_argument("--timeout", type=float, default=20.0, help="seconds")
    commands.add_parser("bus", help="start the accessibility bus, print it")
    options = parser.parse_args(argv)
    try:
        if options.command == "tree":
            result = tree(options.pid, max_nodes=options.max_nodes, timeout_s=options.timeout)
        else:
            result = bus()
    except WalkFailed as exc:
        print(f"atspi-walk: {exc}", file=sys.stderr)
        return 2
    json.dump(result, sys.stdout)
    sys.stdout.write("\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())
