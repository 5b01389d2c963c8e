"""Preferences: the Session › Tools and Session › Invitations pages, built from the setting
declarations, and Appearance.

The layout skeleton (navigation, pages, group boxes, footer) is
``ui_forms/preferences.ui``. Every setting on the Session pages comes from its
:class:`~collab_console.core.settings.SettingSpec` in ``SETTING_SPECS``: an
editor by kind (a combo box for a declaration with ``choices``) in the group
box the declaration names, and for a sensitive setting its warning panel
(``ui_forms/security_warning.ui``) right under it. Adding a setting therefore
needs no code here. No secret is ever edited here: the Invitations page says
where the SMTP password and the gateway token go (the system keyring).

The Appearance page is the user's own choice (:mod:`~collab_console.gui.appearance`),
kept in their preferences file: it applies at once and is not part of Save.

Only an admin changes the organisation's settings: the page shows them
read-only until an admin unlocks it with a name and passphrase
(:mod:`~collab_console.gui.unlock_dialog`), and Save hands the admin session to
the core's one policy write, :func:`~collab_console.core.admins.change_settings`.
An admin who unlocked also gets the Audit log page (:mod:`~collab_console.gui.audit_log`).

In organisation mode (a store whose database says who is an admin,
``Store.admins_by_database``) there is no passphrase: the database login is
checked with :func:`~collab_console.core.admins.verify_database_admin` when
the dialog opens and again on Save, and anyone else sees the settings
read-only with the core's reason.
"""

from __future__ import annotations

from collections.abc import Callable, Collection
from datetime import UTC
from typing import Any

from PySide6.QtCore import QT_TRANSLATE_NOOP, QCoreApplication, QEvent, QSize, Qt, QTimer
from PySide6.QtWidgets import (
    QBoxLayout,
    QCheckBox,
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QFrame,
    QGridLayout,
    QLabel,
    QLayout,
    QLineEdit,
    QMessageBox,
    QPushButton,
    QSpinBox,
    QStackedWidget,
    QStyle,
    QTreeWidget,
    QTreeWidgetItem,
    QVBoxLayout,
    QWidget,
)
from shiboken6 import Shiboken

from collab_console.core import clock
from collab_console.core import settings as declarations
from collab_console.core.admins import AdminSession, change_settings, verify_database_admin
from collab_console.core.errors import CollabConsoleError, NotAllowedError, StaleSettingsError
from collab_console.core.events import SettingsChanged
from collab_console.core.i18n import LANGUAGE_NAMES, _, isolate, save_language, saved_language
from collab_console.core.identity import current_user
from collab_console.core.settings import CopySettings, SettingKind, SettingSpec
from collab_console.gui.appearance import Appearance, Theme, keep_on_screen
from collab_console.gui.audit_log import AuditLogPage
from collab_console.gui.form_builder import FormError
from collab_console.gui.forms import box_button, child, load_form, set_text
from collab_console.gui.store_hub import StoreHub
from collab_console.gui.style import error_style_for, restyle_error_texts, warning_frame_style
from collab_console.gui.unlock_dialog import UnlockDialog
from collab_console.store.location import display_path
from collab_console.store.policy_bound import policy_of

#: ``typing.TYPE_CHECKING`` without importing more of ``typing``.
TYPE_CHECKING = False
if TYPE_CHECKING:
    from collab_console.store import Store

#: Widget names in ``security_warning.ui``; each gets the declaration's ``ui_prefix``.
WARNING_FORM_NAMES = (
    "securityWarning",
    "warningFrame",
    "warningIcon",
    "warningTitle",
    "warningText",
    "acknowledgeCheck",
    "acknowledgedLabel",
)
#: The widest range a QSpinBox holds, for an INT setting declared without bounds.
INT_RANGE = (-(2**31), 2**31 - 1)
CHANGED_MEANWHILE = str(QT_TRANSLATE_NOOP("PreferencesDialog", "Settings changed meanwhile"))
#: Said in the console's status bar once a save took.
SETTINGS_SAVED = str(QT_TRANSLATE_NOOP("PreferencesDialog", "Settings saved."))
#: The banner over the organisation's settings, by state.
LOCKED = str(QT_TRANSLATE_NOOP("PreferencesDialog", "Only an admin can change these settings."))
NO_ADMIN_YET = str(
    QT_TRANSLATE_NOOP(
        "PreferencesDialog",
        "Only an admin can change these settings, and none is set up yet. To set up the "
        "first one, run collab-console admin init --name NAME in a terminal.",
    )
)
UNLOCKED = str(
    QT_TRANSLATE_NOOP(
        "PreferencesDialog",
        "Unlocked by {name} until {until}. What you save is recorded in that name.",
    )
)
UNLOCK_ENDED = str(
    QT_TRANSLATE_NOOP(
        "PreferencesDialog",
        "The unlock as {name} has ended. Only an admin can change these settings.",
    )
)
#: Why Save is disabled while edits wait for an admin.
UNLOCK_TO_SAVE = str(QT_TRANSLATE_NOOP("PreferencesDialog", "Unlock again to save your changes."))
#: The banner in organisation mode, while the database is asked who this login is.
DATABASE_CHECKING = str(
    QT_TRANSLATE_NOOP("PreferencesDialog", "Checking your role in the organisation's database…")
)
#: The banner in organisation mode, for a member of collab_admin.
DATABASE_ADMIN = str(
    QT_TRANSLATE_NOOP(
        "PreferencesDialog",
        "You are signed in to the organisation's database as {name}, a member of collab_admin: "
        "what you save applies to every console and is recorded in that name.",
    )
)
#: The banner in organisation mode for everyone else.
DATABASE_READ_ONLY = str(
    QT_TRANSLATE_NOOP(
        "PreferencesDialog",
        "The settings are read-only for you: only a member of the database role collab_admin "
        "can change them (the database owner adds admins with collab-console db add-user NAME "
        "--role admin).",
    )
)
#: The banner in organisation mode when the database could not be asked.
DATABASE_UNKNOWN = str(
    QT_TRANSLATE_NOOP(
        "PreferencesDialog", "Could not check your role in the organisation's database: {reason}"
    )
)
#: The Audit log's place among the navigation's top-level items, and its page's index.
AUDIT_LOG_SECTION = 2
#: The longest a QTimer waits (ms); an unlock that lasts longer is checked again then.
LONGEST_TIMER_MS = 2**31 - 1
#: Size of the warning icon, in device-independent pixels.
WARNING_ICON_SIZE = QSize(32, 32)
#: What makes the warning's colours, the reds or the icon's pixels out of date.
RESTYLE_EVENTS = frozenset(
    {QEvent.Type.PaletteChange, QEvent.Type.StyleChange, QEvent.Type.DevicePixelRatioChange}
)


def prefixed(prefix: str, name: str) -> str:
    """``url`` + ``warningFrame`` -> ``urlWarningFrame``."""
    return prefix + name[:1].upper() + name[1:]


def keep_room_when_hidden(widget: QWidget) -> None:
    """Let ``widget``'s layout keep its space while it is hidden, so nothing moves."""
    policy = widget.sizePolicy()
    policy.setRetainSizeWhenHidden(True)
    widget.setSizePolicy(policy)


def error_name(spec: SettingSpec) -> str:
    """The accessible name of a setting's error label while it says nothing."""
    return QCoreApplication.translate("PreferencesDialog", "{setting} error").format(
        setting=_(spec.label)
    )


# -- one editor per declaration ------------------------------------------------------


class SettingEditor:
    """The widgets that edit one setting, built from its declaration.

    ``widget`` is the editor itself (``<ui_name>Check``, ``Edit``, ``Combo`` or ``Spin``);
    ``error`` says why what is typed is refused (None for a check box, which
    cannot hold a refused value).
    """

    def __init__(self, spec: SettingSpec, widget: QWidget, error: QLabel | None) -> None:
        self.spec = spec
        self.widget = widget
        self.error = error
        #: IT's system policy locks the setting on this workstation: it shows, never edits.
        self.locked = False
        widget.setToolTip(_(spec.help))
        widget.setAccessibleName(_(spec.label))
        widget.setAccessibleDescription(_(spec.help))

    def lock(self, reason: str) -> None:
        """Show the setting as locked by the system policy, saying so where it is named."""
        self.locked = True
        self.widget.setToolTip(f"{reason}.")
        self.widget.setAccessibleDescription(f"{reason}.")
        group = self.widget.parentWidget()
        named: QLabel | QCheckBox | None = (
            group.findChild(QLabel, f"{self.spec.ui_name}Label") if group else None
        )
        if named is None and isinstance(self.widget, QCheckBox):
            named = self.widget
        if named is not None:  # the name stays the setting's: the description says why
            label = _(self.spec.label)
            set_text(
                named,
                QCoreApplication.translate("PreferencesDialog", "{setting} (locked)").format(
                    setting=label
                ),
                label,
            )

    def shown(self) -> Any:
        """What the editor holds, as the admin left it (not yet parsed)."""
        raise NotImplementedError

    def show(self, value: Any) -> None:
        raise NotImplementedError

    def on_change(self, slot: Callable[[], None]) -> None:
        raise NotImplementedError

    def problem(self) -> str:
        """Why the declaration refuses what is shown, as one sentence; '' when it is fine."""
        try:
            self.spec.parse(self.shown())
        except CollabConsoleError as exc:
            return exc.sentence
        return ""

    def value(self) -> Any:
        """What is shown, parsed; what is shown as it is when the declaration refuses it."""
        try:
            return self.spec.parse(self.shown())
        except CollabConsoleError:
            return self.shown()

    def show_problem(self) -> str:
        """Show why the value is refused; the label is named by the sentence while it shows one."""
        problem = self.problem()
        if self.error is not None:
            set_text(self.error, problem, accessible=problem or error_name(self.spec))
            self.error.setVisible(bool(problem))
        return problem


class BoolEditor(SettingEditor):
    def __init__(self, spec: SettingSpec, check: QCheckBox) -> None:
        super().__init__(spec, check, None)
        self.check = check
        set_text(check, _(spec.label))

    def shown(self) -> bool:
        return self.check.isChecked()

    def show(self, value: Any) -> None:
        self.check.setChecked(bool(value))

    def on_change(self, slot: Callable[[], None]) -> None:
        self.check.toggled.connect(slot)


class TextEditor(SettingEditor):
    def __init__(self, spec: SettingSpec, edit: QLineEdit, error: QLabel) -> None:
        super().__init__(spec, edit, error)
        self.edit = edit

    def shown(self) -> str:
        return self.edit.text()

    def show(self, value: Any) -> None:
        self.edit.setText(str(value))

    def on_change(self, slot: Callable[[], None]) -> None:
        self.edit.textChanged.connect(slot)


class ChoiceEditor(SettingEditor):
    """A TEXT setting that takes one of its declaration's ``choices``: a combo box that
    shows each choice's words and holds its stored value."""

    def __init__(self, spec: SettingSpec, combo: QComboBox, error: QLabel) -> None:
        super().__init__(spec, combo, error)
        self.combo = combo
        for stored, shown in spec.choices:
            combo.addItem(_(shown), stored)

    def shown(self) -> str:
        return str(self.combo.currentData())

    def show(self, value: Any) -> None:
        index = self.combo.findData(value)
        if index < 0:  # a value the declaration does not know: shown as it is, and refused
            self.combo.addItem(str(value), value)
            index = self.combo.count() - 1
        self.combo.setCurrentIndex(index)

    def on_change(self, slot: Callable[[], None]) -> None:
        self.combo.currentIndexChanged.connect(slot)


class IntEditor(SettingEditor):
    def __init__(self, spec: SettingSpec, spin: QSpinBox, error: QLabel) -> None:
        super().__init__(spec, spin, error)
        self.spin = spin
        spin.setRange(*int_bounds(spec))

    def shown(self) -> int:
        return self.spin.value()

    def show(self, value: Any) -> None:
        self.spin.setValue(int(value))

    def on_change(self, slot: Callable[[], None]) -> None:
        self.spin.valueChanged.connect(slot)


def int_bounds(spec: SettingSpec) -> tuple[int, int]:
    """The spin box range: the declaration's ``minimum``/``maximum`` when it has them."""
    return (
        INT_RANGE[0] if spec.minimum is None else spec.minimum,
        INT_RANGE[1] if spec.maximum is None else spec.maximum,
    )


def build_editor(spec: SettingSpec, group: QWidget) -> SettingEditor:
    """The editor ``spec``'s kind calls for, added at the end of ``group``'s layout."""
    layout = group.layout()
    if spec.kind is SettingKind.BOOL:
        check = QCheckBox(group)
        check.setObjectName(f"{spec.ui_name}Check")
        add_row(layout, check)
        return BoolEditor(spec, check)
    label = QLabel(group)
    label.setObjectName(f"{spec.ui_name}Label")
    set_text(label, _(spec.label))
    label.setToolTip(_(spec.help))
    error = QLabel(group)
    error.setObjectName(f"{spec.ui_name}Error")
    error.setWordWrap(True)
    error.setAccessibleName(error_name(spec))
    error.setStyleSheet(error_style_for(error))
    error.hide()
    editor: SettingEditor
    if spec.kind is SettingKind.TEXT and spec.choices:
        combo = QComboBox(group)
        combo.setObjectName(f"{spec.ui_name}Combo")
        editor = ChoiceEditor(spec, combo, error)
    elif spec.kind is SettingKind.TEXT:
        edit = QLineEdit(group)
        edit.setObjectName(f"{spec.ui_name}Edit")
        editor = TextEditor(spec, edit, error)
    elif spec.kind is SettingKind.INT:
        spin = QSpinBox(group)
        spin.setObjectName(f"{spec.ui_name}Spin")
        editor = IntEditor(spec, spin, error)
    else:  # a kind added to the core without an editor here
        raise FormError(f"Preferences has no editor for {spec.kind.value} settings ({spec.key})")
    label.setBuddy(editor.widget)
    add_field(layout, label, editor.widget, error)
    return editor


def add_row(layout: QLayout | None, widget: QWidget) -> None:
    """Put ``widget`` on a row of its own at the end of a group's layout."""
    if isinstance(layout, QFormLayout):
        layout.addRow(widget)
    elif isinstance(layout, QBoxLayout):
        layout.addWidget(widget)
    else:
        raise FormError(f"{widget.objectName()}: its group box has no form or box layout")


def add_field(layout: QLayout | None, label: QLabel, field: QWidget, error: QLabel) -> None:
    """A labelled field with its error under it, at the end of a group's layout."""
    if isinstance(layout, QFormLayout):
        layout.addRow(label, field)
        layout.setWidget(layout.rowCount(), QFormLayout.ItemRole.FieldRole, error)
    elif isinstance(layout, QBoxLayout):
        for widget in (label, field, error):
            layout.addWidget(widget)
    else:
        raise FormError(f"{field.objectName()}: its group box has no form or box layout")


# -- the warning of a sensitive setting ----------------------------------------------


class SecurityWarningPanel:
    """A sensitive setting's warning, and whether it must be acknowledged in this dialog.

    Loaded from ``security_warning.ui`` with its widgets renamed by the
    declaration's prefix, and placed right under the setting's editor. The
    warning shows while the setting is on without an acknowledgement this
    dialog may rely on; a stored one holds until the setting is turned off
    here, so turning it off and on again asks again. Its room is kept while
    it is hidden, so showing it moves nothing. Its colours come from the
    palette (:meth:`restyle` after the palette changed).
    """

    def __init__(self, editor: SettingEditor, group: QWidget) -> None:
        warning = editor.spec.warning
        assert warning is not None
        self.editor = editor
        self.key = editor.spec.key
        self.warning = warning
        form = load_form("security_warning", group)
        for name in WARNING_FORM_NAMES:
            found = form if form.objectName() == name else child(form, QWidget, name)
            found.setObjectName(prefixed(warning.ui_prefix, name))
        self.panel = form
        self.frame = child(form, QFrame, prefixed(warning.ui_prefix, "warningFrame"))
        self.acknowledge = child(form, QCheckBox, prefixed(warning.ui_prefix, "acknowledgeCheck"))
        self.acknowledged_label = child(
            form, QLabel, prefixed(warning.ui_prefix, "acknowledgedLabel")
        )
        self.frame.setAccessibleName(
            QCoreApplication.translate("PreferencesDialog", "Security warning: {title}").format(
                title=_(warning.title)
            )
        )
        self.frame.setAccessibleDescription(_(warning.text))
        keep_room_when_hidden(self.frame)
        keep_room_when_hidden(self.acknowledged_label)
        grid = self.frame.layout()
        if isinstance(grid, QGridLayout):  # the icon keeps its width; the text takes the rest
            grid.setColumnStretch(1, 1)
        title = child(form, QLabel, prefixed(warning.ui_prefix, "warningTitle"))
        set_text(title, _(warning.title))
        font = title.font()
        font.setBold(True)
        title.setFont(font)
        set_text(child(form, QLabel, prefixed(warning.ui_prefix, "warningText")), _(warning.text))
        set_text(self.acknowledge, _(warning.acknowledge_label))
        self.icon = child(form, QLabel, prefixed(warning.ui_prefix, "warningIcon"))
        self.icon.setAccessibleName(QCoreApplication.translate("PreferencesDialog", "Warning"))
        self.restyle()
        add_row(group.layout(), form)
        self.needs_acknowledgement = True
        # Connected before the dialog's own update, so that update sees this state.
        editor.on_change(self._editor_changed)

    @property
    def on(self) -> bool:
        return bool(self.editor.value())

    def restyle(self) -> None:
        """Colours from the palette in force, the icon from the style, at the screen's scale."""
        # The panel's palette: the frame's own takes the colours of its style sheet.
        self.frame.setStyleSheet(warning_frame_style(self.frame.objectName(), self.panel.palette()))
        icon = self.icon.style().standardIcon(QStyle.StandardPixmap.SP_MessageBoxWarning)
        self.icon.setPixmap(icon.pixmap(WARNING_ICON_SIZE, self.icon.devicePixelRatioF()))

    def _editor_changed(self) -> None:
        if not self.on:
            self.needs_acknowledgement = True
            self.acknowledge.setChecked(False)

    def reset(self, settings: CopySettings) -> None:
        """Rely on the acknowledgement ``settings`` hold, if any; call after showing the value."""
        ack = settings.acknowledgements.get(self.key)
        self.needs_acknowledgement = ack is None
        self.acknowledge.setChecked(False)
        if ack is not None:
            set_text(
                self.acknowledged_label,
                QCoreApplication.translate(
                    "PreferencesDialog", "Security warning acknowledged by {name} on {when} UTC."
                ).format(
                    name=isolate(ack.by), when=isolate(f"{ack.at.astimezone(UTC):%Y-%m-%d %H:%M}")
                ),
            )

    @property
    def pending(self) -> bool:
        """On, and the admin has yet to tick the acknowledgement."""
        return self.on and self.needs_acknowledgement and not self.acknowledge.isChecked()

    @property
    def acknowledged_now(self) -> bool:
        return self.on and self.needs_acknowledgement and self.acknowledge.isChecked()

    def update(self) -> None:
        self.frame.setVisible(self.on and self.needs_acknowledgement)
        self.acknowledged_label.setVisible(self.on and not self.needs_acknowledgement)


# -- the dialog -------------------------------------------------------------------------


class PreferencesDialog(QDialog):
    """Edits the settings; saves them through the hub, compare-and-swap, off the GUI thread.

    Save is enabled only when something was changed. It stays disabled, with
    ``saveBlockedLabel`` saying why, while a sensitive setting is on without
    an acknowledgement, a field is refused by its declaration, the settings
    are not read yet, or a save is under way. Cancel discards everything.
    Once a save took, a parent that can ``say`` (the console's status bar)
    says so.

    The Appearance page is not part of Save: a choice there applies at once
    and is kept in the user's own preferences, never in the store.

    The dialog edits a *base*: the settings it was opened on. A change saved
    elsewhere while it is open (``StoreHub.settings_changed``) updates what the
    admin has not edited and becomes the base. A save refused because someone
    saved first shows who changed what and when, then the dialog shows their
    values with this admin's edits on top and saves nothing until Save again.

    Who may save: the organisation's settings show read-only (their editors
    disabled) until an admin unlocks them (``unlockButton``). The dialog then
    holds the admin session while it is open and the session is valid
    (``AdminSession.valid_at``; it locks again when it ends, keeping what was
    edited), and Save passes it to the core's ``change_settings`` on the hub's
    worker, so the store records the admin's name, never the OS login. An
    agent has no way to save: the core and the store would refuse anyway.

    In organisation mode (``Store.admins_by_database``) there is no Unlock:
    the database login is checked on opening (``verify_database_admin``, on
    the worker) and again with every Save, and a login outside collab_admin
    sees the settings read-only under the core's reason (the banner).

    It never calls the store itself (only through ``StoreHub.call``, off the
    GUI thread), and never overwrites another admin's change the admin has
    not been shown.
    """

    def __init__(self, hub: StoreHub, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.hub = hub
        self._restyle_due = False
        self.setObjectName("preferencesDialog")
        self.setWindowTitle(QCoreApplication.translate("PreferencesDialog", "Preferences"))
        self.form = load_form("preferences", self)
        QVBoxLayout(self).addWidget(self.form)
        self.resize(960, 620)

        self.nav = child(self.form, QTreeWidget, "preferencesNav")
        self.pages = child(self.form, QStackedWidget, "preferencesPages")
        self.session_pages = child(self.form, QStackedWidget, "sessionSubPages")
        self.banner_label = child(self.form, QLabel, "adminBannerLabel")
        self.unlock_button = child(self.form, QPushButton, "unlockButton")
        keep_room_when_hidden(self.unlock_button)  # unlocking moves nothing under the banner
        self.save_blocked_label = child(self.form, QLabel, "saveBlockedLabel")
        buttons = child(self.form, QDialogButtonBox, "preferencesButtons")
        self.save_button = box_button(
            buttons,
            QDialogButtonBox.StandardButton.Save,
            "saveButton",
            QCoreApplication.translate("PreferencesDialog", "&Save"),
        )
        self.cancel_button = box_button(
            buttons,
            QDialogButtonBox.StandardButton.Cancel,
            "cancelButton",
            QCoreApplication.translate("PreferencesDialog", "Cancel"),
        )

        self.editors: list[SettingEditor] = []
        self.warnings: list[SecurityWarningPanel] = []
        groups: dict[str, QWidget] = {}
        for spec in declarations.SETTING_SPECS:  # read now: the declarations are the page
            group = groups.setdefault(spec.ui_group, child(self.form, QWidget, spec.ui_group))
            editor = build_editor(spec, group)
            self.editors.append(editor)
            if spec.warning is not None:
                self.warnings.append(SecurityWarningPanel(editor, group))
        policy = policy_of(hub.store)
        for editor in self.editors:
            if policy is not None and policy.is_locked(editor.spec.key):
                editor.lock(policy.lock_reason(_(editor.spec.label)))
        #: Said after the banner while IT's system policy locks settings here.
        self._policy_note = (
            " "
            + QCoreApplication.translate(
                "PreferencesDialog",
                "Settings marked (locked) are set on this workstation by IT's system policy "
                "({path}).",
            ).format(path=isolate(display_path(policy.path)))
            if policy is not None and policy.locked
            else ""
        )
        for group in groups.values():
            # Lay the new rows out now: the first paint has them, and nothing moves after it.
            group_layout = group.layout()
            if group_layout is not None:
                group_layout.activate()

        self.nav.expandAll()
        self.nav.currentItemChanged.connect(self._show_page)
        self.pages.setCurrentIndex(0)
        self.session_pages.setCurrentIndex(0)
        self._show_tools()
        self._build_appearance_page()

        #: The admin who unlocked the settings, while the unlock is valid.
        self.admin: AdminSession | None = None
        #: Who unlocked last, for the banner once the unlock has ended.
        self._last_admin = ""
        #: Whether the store has an admin; None until it said.
        self.has_admins: bool | None = None
        self.unlock_dialog: UnlockDialog | None = None
        self._unlock_ends = QTimer(self)
        self._unlock_ends.setSingleShot(True)
        self._unlock_ends.setTimerType(Qt.TimerType.PreciseTimer)
        self._unlock_ends.timeout.connect(self._check_unlock)
        self.audit_nav_item = self.nav.topLevelItem(AUDIT_LOG_SECTION)
        if self.audit_nav_item is not None:
            self.audit_nav_item.setHidden(True)
        self.audit = AuditLogPage(self.form, hub, self)
        self.audit.tamper_found.connect(self._say)
        self.unlock_button.clicked.connect(self.ask_to_unlock)
        #: The database says who is an admin: no passphrase, no Unlock.
        self.org_mode = bool(hub.store.admins_by_database)
        #: In organisation mode, why this login may not change the settings ('' when
        #: it may, or while the database has not said).
        self.database_refusal = ""
        #: In organisation mode, the database could not be asked (it is asked again
        #: once the hub has confirmed the policy with it).
        self._role_unknown = False
        if self.org_mode:
            hub.policy_confirmed_changed.connect(self._policy_confirmed_again)
            self._check_database_admin()
        else:
            hub.call(lambda store: store.has_admins(), self._admins_known, self._admins_unknown)

        self._base: CopySettings | None = hub.settings
        self._saving = False
        #: Settings this admin edited that another admin changed too, not yet told of, and
        #: the settings that change came with.
        self._unreviewed: set[str] = set()
        self._unreviewed_in: CopySettings | None = None
        self._following = True
        if self._base is not None:
            self._load(self._base)
        for editor in self.editors:
            editor.on_change(self._update)
        for warning in self.warnings:
            warning.acknowledge.toggled.connect(self._update)
        buttons.accepted.connect(self.save)
        buttons.rejected.connect(self.reject)
        hub.settings_changed.connect(self._settings_changed)
        self._update()
        keep_on_screen(self)

    # -- pages --------------------------------------------------------------------

    def _show_page(self, item: QTreeWidgetItem | None, _previous: QTreeWidgetItem | None) -> None:
        """Each top-level navigation item has its page, in order; the Session item's
        children each have a page of the Session page (the Session item: its first)."""
        if item is None:
            return
        section = item.parent()
        if section is None:
            self.pages.setCurrentIndex(self.nav.indexOfTopLevelItem(item))
            if self.pages.currentWidget() is self.session_pages.parentWidget():
                self.session_pages.setCurrentIndex(0)
            return
        self.pages.setCurrentIndex(self.nav.indexOfTopLevelItem(section))
        self.session_pages.setCurrentIndex(section.indexOfChild(item))

    def show_invitations(self) -> None:
        """Go to Session › Invitations."""
        self._show_session_child(1)

    def show_audit_log(self) -> None:
        """Go to the Audit log page (only there once an admin unlocked)."""
        if self.audit_nav_item is not None and not self.audit_nav_item.isHidden():
            self.nav.setCurrentItem(self.audit_nav_item)

    def _show_tools(self) -> None:
        self._show_session_child(0)

    def _show_session_child(self, index: int) -> None:
        section = self.nav.topLevelItem(0)
        item = section.child(index) if section is not None else None
        if item is not None:
            self.nav.setCurrentItem(item)

    # -- who may change the settings ----------------------------------------------------

    @property
    def unlocked(self) -> bool:
        """Whether an admin unlocked the settings and the unlock is still valid."""
        return self.admin is not None and self.admin.valid_at(clock.now())

    def _admins_known(self, has_admins: bool) -> None:
        if Shiboken.isValid(self):
            self.has_admins = has_admins
            self._update()

    def _admins_unknown(self, _error: CollabConsoleError) -> None:
        """The store could not say: let Unlock try, and say then what is wrong."""
        if Shiboken.isValid(self):
            self.has_admins = True
            self._update()

    def _check_database_admin(self) -> None:
        """Ask the database, on the worker, whether this login is a member of collab_admin."""
        self.hub.call(
            lambda store: verify_database_admin(store, now=clock.now()),
            self._database_admin,
            self._not_database_admin,
        )

    def _database_admin(self, admin: AdminSession) -> None:
        if Shiboken.isValid(self):
            self.database_refusal, self._role_unknown = "", False
            self.use_admin(admin)

    def _policy_confirmed_again(self, confirmed: bool) -> None:
        """The store answers again: ask the question it could not answer before."""
        if confirmed and self._role_unknown and Shiboken.isValid(self):
            self._role_unknown = False
            self._check_database_admin()

    def _not_database_admin(self, error: CollabConsoleError) -> None:
        if not Shiboken.isValid(self):
            return
        self._role_unknown = not isinstance(error, NotAllowedError)
        if self._role_unknown:
            self.database_refusal = _tr(DATABASE_UNKNOWN).format(reason=error.sentence)
        else:
            self.database_refusal = _tr(DATABASE_READ_ONLY)
        if self.admin is not None:
            self.lock()
        else:
            self._update()

    def ask_to_unlock(self) -> None:
        """Open the Unlock dialog (window-modal to Preferences: the test keeps control)."""
        if self.unlock_dialog is not None:
            self.unlock_dialog.deleteLater()
        dialog = UnlockDialog(self.hub, self, name=self._last_admin)
        dialog.unlocked.connect(self.use_admin)
        self.unlock_dialog = dialog
        dialog.open()

    def use_admin(self, admin: AdminSession) -> None:
        """Unlock the settings for ``admin`` (a session only the core's verify_admin makes)."""
        if not Shiboken.isValid(self) or not admin.valid_at(clock.now()):
            return
        self.admin = admin
        self._last_admin = admin.name
        self._wait_for_the_end(admin)
        if self.audit_nav_item is not None:
            self.audit_nav_item.setHidden(False)
        self.audit.start()
        self._update()

    def lock(self) -> None:
        """Forget the admin: the settings are read-only again, edits kept, the audit hidden."""
        self.admin = None
        self._unlock_ends.stop()
        if self.pages.currentIndex() == AUDIT_LOG_SECTION:
            self._show_tools()
        if self.audit_nav_item is not None:
            self.audit_nav_item.setHidden(True)
        self.audit.stop()
        self._update()

    def _wait_for_the_end(self, admin: AdminSession) -> None:
        """Time :meth:`_check_unlock` for when ``admin``'s session ends."""
        left = (admin.expires_at - clock.now()).total_seconds() * 1000
        self._unlock_ends.start(max(0, min(LONGEST_TIMER_MS, int(left) + 1)))

    def _check_unlock(self) -> None:
        if self.admin is not None and not self.unlocked and self.org_mode:
            self._check_database_admin()  # no passphrase to ask for: the database decides
        elif self.admin is not None and not self.unlocked:
            self.lock()
        elif self.admin is not None:  # the timer fired early, or could not wait that long
            self._wait_for_the_end(self.admin)

    def _banner_text(self) -> str:
        admin = self.admin
        if self.org_mode:
            if admin is not None and self.unlocked:
                return _tr(DATABASE_ADMIN).format(name=isolate(admin.name))
            return self.database_refusal or _tr(DATABASE_CHECKING)
        if admin is not None and self.unlocked:
            until = f"{admin.expires_at.astimezone():%H:%M}"
            return _tr(UNLOCKED).format(name=isolate(admin.name), until=isolate(until))
        if self._last_admin:
            return _tr(UNLOCK_ENDED).format(name=isolate(self._last_admin))
        if self.has_admins is False:
            return _tr(NO_ADMIN_YET)
        return _tr(LOCKED)

    def _say(self, message: str) -> None:
        say = getattr(self.parentWidget(), "say", None)
        if callable(say):  # the console's status bar
            say(message)

    def _build_appearance_page(self) -> None:
        found = Appearance.installed()
        self.appearance = found if found is not None else Appearance(parent=self)
        self.theme_combo = child(self.form, QComboBox, "appearanceCombo")
        for theme in Theme:
            self.theme_combo.addItem(theme.label, theme.value)
        self.theme_combo.setCurrentIndex(self.theme_combo.findData(self.appearance.theme.value))
        override = child(self.form, QLabel, "appearanceOverrideNote")
        flag = self.appearance.override
        if flag is not None:
            set_text(
                override,
                QCoreApplication.translate(
                    "PreferencesDialog",
                    "This console was started with {option}. A choice here "
                    "replaces it now and is kept for next time.",
                ).format(option=isolate(f"--theme {flag.value}")),
            )
        override.setVisible(flag is not None)
        self.theme_combo.currentIndexChanged.connect(self._theme_chosen)
        self.language_combo = child(self.form, QComboBox, "languageCombo")
        self.language_combo.addItem(QCoreApplication.translate("PreferencesDialog", "System"), "")
        for lang, name in LANGUAGE_NAMES.items():  # each in its own language, as desktops do
            self.language_combo.addItem(name, lang)
        self.language_combo.setCurrentIndex(
            max(self.language_combo.findData(saved_language() or ""), 0)
        )
        self.language_combo.currentIndexChanged.connect(self._language_chosen)

    def _theme_chosen(self, index: int) -> None:
        self.appearance.choose(Theme(self.theme_combo.itemData(index)))

    def _language_chosen(self, index: int) -> None:
        lang = self.language_combo.itemData(index) or None
        try:
            save_language(lang)
        except OSError as exc:
            self._say(
                QCoreApplication.translate(
                    "PreferencesDialog", "The language could not be kept: {reason}."
                ).format(reason=exc.strerror or exc)
            )

    # -- following the palette ----------------------------------------------------

    def event(self, event: QEvent) -> bool:
        if event.type() in RESTYLE_EVENTS and not self._restyle_due:
            # The dialog hears of a new palette before its children have it: restyle after.
            self._restyle_due = True
            QTimer.singleShot(0, self, self._restyle)
        return super().event(event)

    def _restyle(self) -> None:
        """Style sheets do not follow the palette: choose the warning colours and reds again."""
        self._restyle_due = False
        for warning in self.warnings:
            warning.restyle()
        restyle_error_texts(self.findChildren(QLabel))
        if self.audit.found_break is not None:
            self.audit.restyle()

    # -- what the dialog shows ------------------------------------------------------

    def _edits(self) -> dict[str, Any]:
        """The settings this admin changed, against the base."""
        base = self._base
        if base is None:
            return {}
        shown = {editor.spec.key: editor.value() for editor in self.editors}
        return {key: value for key, value in shown.items() if value != base.value(key)}

    def _load(self, settings: CopySettings, keep: Collection[str] = ()) -> None:
        """Show ``settings``, except the settings named in ``keep`` (this admin's edits)."""
        for editor in self.editors:
            if editor.spec.key not in keep:
                editor.show(settings.value(editor.spec.key))
        for warning in self.warnings:
            if warning.key not in keep:
                warning.reset(settings)

    def _rebase(self, settings: CopySettings) -> dict[str, Any]:
        """Make ``settings`` the base, keeping this admin's edits on top; return the edits."""
        edits = self._edits()
        self._base = settings
        self._load(settings, keep=edits)
        self._update()
        return edits

    def _settings_changed(self, settings: object) -> None:
        """The settings in force changed (saved elsewhere, or first read): follow them."""
        if self._saving or not isinstance(settings, CopySettings):
            return  # while saving, the save's own answer decides
        base = self._base
        if base is None:
            self._base = settings
            self._load(settings)
            self._update()
            return
        if settings.version < base.version or settings == base:
            return
        edits = self._rebase(settings)
        overlap = set(edits) & set(settings.changed_keys(base))
        if overlap:  # their change to a field this admin edited is not on screen: say so on Save
            self._unreviewed |= overlap
            self._unreviewed_in = settings

    # -- state --------------------------------------------------------------------

    @property
    def acknowledgement_pending(self) -> bool:
        return any(warning.pending for warning in self.warnings)

    @property
    def changed(self) -> bool:
        """Whether Save would change anything: an edit, or an acknowledgement given now."""
        return bool(self._edits()) or any(w.acknowledged_now for w in self.warnings)

    def _blocked_reason(self, refused: list[SettingEditor]) -> tuple[str, bool]:
        """Why Save is disabled now ('' when it is not), and whether that is a problem.

        Locked, with nothing edited, the banner says it all; edits left from an
        unlock that has ended wait for the next one.
        """
        if self._base is None:
            return QCoreApplication.translate("PreferencesDialog", "Reading the settings…"), False
        if self._saving:
            return QCoreApplication.translate("PreferencesDialog", "Saving…"), False
        if not self.unlocked and self.org_mode:
            return (self._banner_text(), True) if self.changed else ("", False)
        if not self.unlocked:
            return (_tr(UNLOCK_TO_SAVE), True) if self.changed else ("", False)
        for warning in self.warnings:
            if warning.pending:
                text = QCoreApplication.translate(
                    "PreferencesDialog", "To save with {setting} on, tick “{acknowledge}”."
                )
                label = _(warning.editor.spec.label)
                return text.format(
                    setting=label, acknowledge=_(warning.warning.acknowledge_label)
                ), True
        if refused:
            return QCoreApplication.translate(
                "PreferencesDialog", "To save, fix the {setting}."
            ).format(setting=_(refused[0].spec.label)), True
        return "", False

    def _update(self) -> None:
        for warning in self.warnings:
            warning.update()
        refused = [editor for editor in self.editors if editor.show_problem()]
        reason, problem = self._blocked_reason(refused)
        set_text(self.save_blocked_label, reason)
        self.save_blocked_label.setStyleSheet(
            error_style_for(self.save_blocked_label) if problem else ""
        )
        self.save_blocked_label.setVisible(bool(reason))
        unlocked = self.unlocked
        self.save_button.setEnabled(unlocked and not reason and self.changed)
        # Only the organisation's settings wait for the store and an admin; Appearance is
        # the user's own. Read-only, they still show their values and warnings.
        editable = unlocked and self._base is not None and not self._saving
        for editor in self.editors:
            editor.widget.setEnabled(editable and not editor.locked)
        for warning in self.warnings:
            warning.acknowledge.setEnabled(editable and not warning.editor.locked)
        banner = self._banner_text() + self._policy_note
        if banner != self.banner_label.text():
            set_text(self.banner_label, banner)
        self.unlock_button.setVisible(not unlocked and not self.org_mode)
        self.unlock_button.setEnabled(bool(self.has_admins) and not self._saving)
        self.cancel_button.setEnabled(not self._saving)

    # -- saving -------------------------------------------------------------------

    def _acknowledged_now(self) -> frozenset[str]:
        return frozenset(w.key for w in self.warnings if w.acknowledged_now)

    def edited_settings(self) -> CopySettings:
        """The base with this admin's edits applied, in the name of who unlocked
        (raises SettingsError)."""
        if self._base is None:
            raise CollabConsoleError("the settings have not been read yet")
        return self._base.changed(
            actor=self.admin.name if self.admin is not None else current_user(),
            now=clock.now(),
            acknowledged=self._acknowledged_now(),
            **self._edits(),
        )

    def save(self) -> None:
        """Save as the admin who unlocked, through the core's ``change_settings``."""
        base, admin = self._base, self.admin
        if self._saving or not self.save_button.isEnabled() or base is None or admin is None:
            return
        if not self.unlocked:  # it ended a moment ago; the timer has not said so yet
            self.lock()
            return
        if self._unreviewed and self._unreviewed_in is not None:
            keys = sorted_keys(self._unreviewed)
            self._unreviewed.clear()
            self._tell_changed_meanwhile(self._unreviewed_in, keys)
            return
        try:
            settings = self.edited_settings()
        except CollabConsoleError as exc:
            self._not_saved(exc)
            return
        if not settings.differs_from(base):
            self.accept()
            return
        edits, acknowledged = self._edits(), self._acknowledged_now()
        org_mode = self.org_mode

        def save(store: Store) -> SettingsChanged:
            now = clock.now()
            # In organisation mode the database is asked again: a role taken away since
            # the dialog opened saves nothing (the server would refuse it too).
            by = verify_database_admin(store, now=now) if org_mode else admin
            return change_settings(store, base, by, now=now, acknowledged=acknowledged, **edits)

        self._set_saving(True)
        self.hub.call(save, self._saved, self._save_failed)

    def _set_saving(self, saving: bool) -> None:
        self._saving = saving
        self._update()

    def _saved(self, _event: SettingsChanged) -> None:
        if not Shiboken.isValid(self):  # the window it was for is gone
            return
        self._set_saving(False)
        self._say(
            _tr(SETTINGS_SAVED)
        )  # the console's status bar confirms, after the dialog is gone
        self.accept()

    def _save_failed(self, error: CollabConsoleError) -> None:
        if not Shiboken.isValid(self):
            return
        self._set_saving(False)
        if isinstance(error, StaleSettingsError) and isinstance(error.current, CopySettings):
            self._changed_meanwhile(error.current)
            return
        if isinstance(error, NotAllowedError) and self.org_mode:
            self.database_refusal = error.sentence  # the database no longer counts them in
            self.lock()
        elif isinstance(error, NotAllowedError) and not self.unlocked:
            self.lock()  # the unlock ended before the store had the save
        self._not_saved(error)

    def _not_saved(self, error: CollabConsoleError) -> None:
        QMessageBox.critical(
            self,
            QCoreApplication.translate("PreferencesDialog", "Settings not saved"),
            QCoreApplication.translate(
                "PreferencesDialog", "{reason}\n\nNothing was changed."
            ).format(reason=error.sentence),
        )

    def _changed_meanwhile(self, current: CopySettings) -> None:
        """Someone else saved first: show their values, keep this admin's edits, save nothing."""
        base = self._base
        assert base is not None
        changed = current.changed_keys(base)
        self._rebase(current)
        self._unreviewed.clear()
        self._tell_changed_meanwhile(current, changed)

    def _tell_changed_meanwhile(self, current: CopySettings, keys: Collection[str]) -> None:
        who = isolate(current.updated_by)
        if current.updated_at is not None:
            at = current.updated_at.astimezone(UTC)
            changed = QCoreApplication.translate(
                "PreferencesDialog",
                "{name} changed these settings on {date} at {time} UTC, "
                "while this dialog was open.",
            ).format(name=who, date=isolate(f"{at:%Y-%m-%d}"), time=isolate(f"{at:%H:%M}"))
        else:
            changed = QCoreApplication.translate(
                "PreferencesDialog", "{name} changed these settings, while this dialog was open."
            ).format(name=who)
        specs = [declarations.spec_for(key) for key in keys]
        each = QCoreApplication.translate("PreferencesDialog", "{setting} ({value})")
        what = (
            QCoreApplication.translate("PreferencesDialog", "They changed: {changes}.").format(
                changes="; ".join(
                    each.format(setting=_(spec.label), value=spec.shown(current.value(spec)))
                    for spec in specs
                )
            )
            if specs
            else QCoreApplication.translate("PreferencesDialog", "They changed no value.")
        )
        text = QCoreApplication.translate(
            "PreferencesDialog",
            "{changed} {what}\n\n"
            "The dialog now shows their values, with your own changes kept on top: "
            "review them and save again to apply them, or cancel to keep theirs.",
        ).format(changed=changed, what=what)
        QMessageBox.warning(self, _tr(CHANGED_MEANWHILE), text)

    # -- closing ------------------------------------------------------------------

    def reject(self) -> None:
        if self._saving:
            return  # the store has the save already; its answer closes or keeps the dialog
        super().reject()

    def done(self, result: int) -> None:
        if self._following:  # a closed dialog no longer follows the settings
            self._following = False
            self.hub.settings_changed.disconnect(self._settings_changed)
            if self.org_mode:
                self.hub.policy_confirmed_changed.disconnect(self._policy_confirmed_again)
        # The unlock lasts as long as the dialog: a closed one holds no admin session.
        self.admin = None
        self._unlock_ends.stop()
        self.audit.stop()
        super().done(result)


def sorted_keys(keys: Collection[str]) -> list[str]:
    """``keys`` in declaration order."""
    return [spec.key for spec in declarations.SETTING_SPECS if spec.key in keys]


def _tr(text: str) -> str:
    """One of the dialog's own texts in the user's language."""
    return QCoreApplication.translate("PreferencesDialog", text)
