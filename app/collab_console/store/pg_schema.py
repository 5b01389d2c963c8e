"""The organisation's schema on PostgreSQL: migrations, each one step, never edited once released.

Everything lives in the schema ``collab``. The database enforces the rules, whoever
connects with whatever tool:

* **Who.** Four group roles (made by ``pg_setup.init_org``): ``collab_admin`` changes
  the policy and the team settings and reads everything; ``collab_agent`` works on its
  own sessions; ``collab_auditor`` reads the audit trail and nothing else;
  ``collab_join`` runs the join service's functions (``pg_links_schema``).
  Row-level security is FORCEd on every table, owner included; the owner's
  ``SECURITY DEFINER`` functions get past it (policies ``<table>_to_definer_functions``:
  to the owner, while another login is the session user), so the bookkeeping they do
  (the audit chain, the policy version) is the only way past it.
* **Whose rows.** Row-level security is keyed on ``session_user`` (the login, which a
  ``SECURITY DEFINER`` function or ``SET ROLE`` does not change): an agent sees and
  changes the sessions it started and those it was granted (``session_access``); an
  admin sees all.
* **The policy.** One row per declared setting (``core/settings.py``), for the
  organisation (``setting``) and as a team's overrides (``team_setting``); a CHECK on
  each row holds a sensitive setting on exactly when its acknowledgement (by, at,
  warning version) is there, and a trigger holds the acknowledgement in the name of the
  login that saves it. ``policy`` holds the version every change moves on by one (the
  compare-and-swap of ``Store.save_settings``).
* **The audit trail.** ``audit`` is appended to by ``collab.append_audit`` only, which
  takes the actor from ``session_user``, the time from the transaction and the role
  from role membership, numbers the entry and chains it with the same SHA-256 of the
  same canonical JSON as ``core.audit.chain_hash``. No role may update, delete or
  truncate it, and triggers refuse it even to the owner.
* **Live events.** Triggers NOTIFY ``collab_events`` with a JSON payload
  (``{"kind": …, "session_id": …, "version": …}``, and ``"grantee"`` when a session is
  shared or unshared, ``"access_id"`` when a participant is added), so every writer
  announces its changes, the app or raw SQL. Payloads are hints: anyone may NOTIFY, so
  a listener reads what changed from the tables.

Version 1 is all of the above, with links and the lobby (``pg_links_schema``).
Version 2 adds the invitations' settings, the outbox of invitations
(``pg_links_schema.INVITATION_STATEMENTS``: the legacy ``session.invite_status`` turned
into invitation rows, the column no longer read), the audit kinds and results of both,
and the rules for a participant added to a running session.

``pg_setup.migrate`` applies :data:`MIGRATIONS` and records each in
``collab.schema_version``. Nothing here imports psycopg.
"""

from __future__ import annotations

from collab_console.core.masking import TWO_DIGIT_CALLING_CODES
from collab_console.store.pg_links_schema import INVITATION_STATEMENTS, LINK_STATEMENTS

SCHEMA = "collab"
#: The channel triggers announce changes on (``PostgresStore.poll_events`` listens).
EVENTS_CHANNEL = "collab_events"
#: The group roles, by the name ``pg_setup.add_user`` takes.
GROUP_ROLES = {
    "admin": "collab_admin",
    "agent": "collab_agent",
    "auditor": "collab_auditor",
    "join": "collab_join",
}
#: What ``transaction_timestamp()`` is written as in an audit entry's hash: the text
#: ``AuditEntry.stamp`` holds (UTC, microseconds, like the embedded store's ``_iso``).
STAMP_FORMAT = 'YYYY-MM-DD"T"HH24:MI:SS.US"+00:00"'

_ID = "[0-9A-HJKMNP-TV-Z]{4}-[0-9A-HJKMNP-TV-Z]{4}"
_HEX64 = "^[0-9a-f]{64}$"


def _sql_list(values: tuple[str, ...]) -> str:
    return ", ".join(f"'{value}'" for value in values)


_TWO_DIGIT_CODES = _sql_list(tuple(sorted(TWO_DIGIT_CALLING_CODES)))


#: Version 1's vocabulary of audit kinds, frozen (its migration must make the same schema
#: forever).
_V1_AUDIT_KINDS = (
    "setting",
    "acknowledgement",
    "session_started",
    "session_ended",
    "copy",
    "unlock",
    "admin_added",
    "admin_removed",
    "passphrase_changed",
    "link_made",
    "link_revoked",
    "link_limit",
    "join",
    "join_request",
    "join_decision",
    "lobby_lock",
    "participant_id_changed",
    "session_shared",
    "session_unshared",
)
#: What version 2 adds: a participant added to a running session, and invitations.
_V2_AUDIT_KINDS = (
    "participant_added",
    "invitation_queued",
    "invitation_sent",
    "invitation_failed",
    "invitation_delivered",
)
#: The schema's vocabulary now: ``core.audit.AuditKind``, all of it (a test keeps the two
#: equal). A new kind needs a migration that widens the audit's CHECK, as version 2 does.
AUDIT_KINDS = (*_V1_AUDIT_KINDS, *_V2_AUDIT_KINDS)
_ACTOR_ROLES = ("agent", "admin", "demo", "outside", "unknown", "visitor")
#: Version 1's results, frozen; version 2 adds an invitation's (``core.audit.INVITATION_RESULTS``).
_V1_AUDIT_RESULTS = (
    "ok",
    "wrong_passphrase",
    "too_soon",
    "joined",
    "rejoined",
    "lobby",
    "refused",
    "waiting",
    "admitted",
    "denied",
    "rate_limited",
    "locked",
    "unknown_id",
    "ended",
)
_V2_AUDIT_RESULTS = ("sent", "delivered", "retry", "failed")
#: What a login may record with ``append_audit`` itself; the database records the rest.
_DIRECT_KINDS = ("copy", "link_limit")


def _refusal(message: str, code: str = "check_violation") -> str:
    """A plpgsql RAISE with ``message`` (a sentence's words, lower case first)."""
    quoted = message.replace("'", "''")
    return f"RAISE EXCEPTION USING MESSAGE = '{quoted}', ERRCODE = '{code}';"


_NOT_ADMIN = "insufficient_privilege"

#: A Session URL base as ``core.urls.validate_url_base`` leaves it (the SMS gateway's
#: address too): https, or http on this machine; a host; a path; no ? # or backslash.
_URL_BASE_OK = r"""length(p_value) BETWEEN 12 AND 200
                AND p_value ~ '^(https://[a-z0-9.-]+|http://(127\.0\.0\.1|localhost))(:[0-9]{1,5})?/[!-~]*$'
                AND p_value !~ '[?#\\]'"""
#: ``setting_value_ok``'s cases for the settings of version 1.
_V1_SETTING_CHECKS = f"""
            WHEN 'copy_session_id' THEN p_value IN ('on', 'off')
            WHEN 'copy_session_url' THEN p_value IN ('on', 'off')
            WHEN 'mask_sensitive_data' THEN p_value IN ('on', 'off')
            WHEN 'link_first_join_only' THEN p_value IN ('on', 'off')
            WHEN 'session_url_base' THEN
                {_URL_BASE_OK}
            WHEN 'clipboard_clear_seconds' THEN
                p_value ~ '^(0|[1-9][0-9]{{0,3}})$' AND p_value::integer <= 3600
            WHEN 'copied_link_minutes' THEN
                p_value ~ '^[1-9][0-9]{{0,4}}$' AND p_value::integer <= 10080
            WHEN 'invitation_link_minutes' THEN
                p_value ~ '^(0|[1-9][0-9]{{0,4}})$' AND p_value::integer <= 10080
            WHEN 'max_live_links_per_person' THEN
                p_value ~ '^[1-9][0-9]?$' AND p_value::integer <= 20
            WHEN 'max_links_per_agent_hour' THEN
                p_value ~ '^[1-9][0-9]{{0,3}}$' AND p_value::integer <= 1000"""
#: The cases version 2 adds: the invitations' channels and their resend interval
#: (``core/settings.py``: a host name, a port, one of three securities, a user name, a
#: sender address, the gateway's address, 0 to 3600 seconds). A number is cast only once
#: its digits are checked (CASE: AND does not promise an order).
_V2_SETTING_CHECKS = rf"""
            WHEN 'smtp_host' THEN
                p_value = '' OR (length(p_value) <= 253 AND p_value ~
                    '^[a-z0-9]([a-z0-9-]{{0,61}}[a-z0-9])?(\.[a-z0-9]([a-z0-9-]{{0,61}}[a-z0-9])?)*$')
            WHEN 'smtp_port' THEN
                CASE WHEN p_value ~ '^[1-9][0-9]{{0,4}}$' THEN p_value::integer <= 65535
                     ELSE false END
            WHEN 'smtp_security' THEN p_value IN ('starttls', 'tls', 'none')
            WHEN 'smtp_username' THEN
                length(p_value) <= 200 AND p_value = btrim(p_value) AND p_value !~ '[[:cntrl:]]'
            WHEN 'smtp_sender' THEN
                p_value = '' OR (length(p_value) <= 254 AND p_value ~
                    '^[A-Za-z0-9.!#$%&''*+/=?^_`{{|}}~-]+@[a-z0-9.-]+\.[a-z]{{2,63}}$')
            WHEN 'sms_gateway_url' THEN
                p_value = '' OR ({_URL_BASE_OK})
            WHEN 'resend_interval_seconds' THEN
                CASE WHEN p_value ~ '^(0|[1-9][0-9]{{0,3}})$' THEN p_value::integer <= 3600
                     ELSE false END"""


def _setting_value_ok(command: str, checks: str) -> str:
    """``collab.setting_value_ok``: which values each declared setting may hold (the CHECK
    of every setting row calls it, so a new setting's migration replaces it in place)."""
    return f"""
    {command} FUNCTION collab.setting_value_ok(p_key text, p_value text) RETURNS boolean
    LANGUAGE sql IMMUTABLE SET search_path = pg_catalog
    AS $$
        SELECT CASE p_key{checks}
            ELSE false
        END
    $$
    """


# -- helper functions ---------------------------------------------------------------------

_FUNCTIONS = (
    # Who the login is, by role membership (a superuser is a member of every role).
    """
    CREATE FUNCTION collab.is_admin() RETURNS boolean
    LANGUAGE sql STABLE SET search_path = pg_catalog
    AS $$ SELECT pg_has_role(session_user, 'collab_admin', 'MEMBER') $$
    """,
    """
    CREATE FUNCTION collab.is_auditor() RETURNS boolean
    LANGUAGE sql STABLE SET search_path = pg_catalog
    AS $$ SELECT pg_has_role(session_user, 'collab_auditor', 'MEMBER') $$
    """,
    # The demo filling an unused database says so for its transaction (SET LOCAL);
    # the triggers check that the database is unused and the writer an admin.
    """
    CREATE FUNCTION collab.demo_write() RETURNS boolean
    LANGUAGE sql STABLE SET search_path = pg_catalog
    AS $$ SELECT coalesce(current_setting('collab.demo', true), '') = 'on' $$
    """,
    """
    CREATE FUNCTION collab.actor_role() RETURNS text
    LANGUAGE sql STABLE SET search_path = pg_catalog
    AS $$
        SELECT CASE
            WHEN pg_has_role(session_user, 'collab_admin', 'MEMBER')
                THEN CASE WHEN collab.demo_write() THEN 'demo' ELSE 'admin' END
            WHEN pg_has_role(session_user, 'collab_agent', 'MEMBER') THEN 'agent'
            WHEN pg_has_role(session_user, 'collab_join', 'MEMBER') THEN 'visitor'
            ELSE 'outside'
        END
    $$
    """,
    # A JSON string exactly as Python's json.dumps(ensure_ascii=True) writes it:
    # to_json escapes quotes, backslashes and control characters the same way; what
    # it leaves, DEL and every non-ASCII character, becomes \\uXXXX (lower-case hex,
    # a surrogate pair above U+FFFF).
    r"""
    CREATE FUNCTION collab.json_text(p_text text) RETURNS text
    LANGUAGE plpgsql IMMUTABLE SET search_path = pg_catalog
    AS $$
    DECLARE
        escaped text;
    BEGIN
        IF p_text IS NULL THEN
            RETURN 'null';
        END IF;
        escaped := to_json(p_text)::text;
        IF escaped !~ '[^\x01-\x7e]' THEN
            RETURN escaped;
        END IF;
        RETURN (
            SELECT string_agg(
                CASE
                    WHEN ascii(c) < 127 THEN c
                    WHEN ascii(c) < 65536 THEN '\u' || lpad(to_hex(ascii(c)), 4, '0')
                    ELSE '\u' || to_hex(55296 + ((ascii(c) - 65536) >> 10))
                        || '\u' || to_hex(56320 + ((ascii(c) - 65536) & 1023))
                END, '' ORDER BY n)
            FROM regexp_split_to_table(escaped, '') WITH ORDINALITY AS t(c, n)
        );
    END
    $$
    """,
    # core.audit.chain_hash: SHA-256 of the entry's content and the previous hash as
    # canonical JSON (keys sorted, no spaces, ASCII only, null for None).
    """
    CREATE FUNCTION collab.audit_hash(
        p_prev_hash text, p_seq bigint, p_stamp text, p_kind text, p_actor text,
        p_actor_role text, p_session_id text, p_participant_id text, p_detail text,
        p_old_value text, p_new_value text, p_warning_version integer, p_contact text,
        p_result text
    ) RETURNS text
    LANGUAGE sql IMMUTABLE SET search_path = pg_catalog
    AS $$
        SELECT encode(sha256(convert_to(
            '{"actor":' || collab.json_text(p_actor)
            || ',"actor_role":' || collab.json_text(p_actor_role)
            || ',"at":' || collab.json_text(p_stamp)
            || ',"contact":' || collab.json_text(p_contact)
            || ',"detail":' || collab.json_text(p_detail)
            || ',"kind":' || collab.json_text(p_kind)
            || ',"new_value":' || collab.json_text(p_new_value)
            || ',"old_value":' || collab.json_text(p_old_value)
            || ',"participant_id":' || collab.json_text(p_participant_id)
            || ',"prev_hash":' || collab.json_text(p_prev_hash)
            || ',"result":' || collab.json_text(p_result)
            || ',"seq":' || coalesce(p_seq::text, 'null')
            || ',"session_id":' || collab.json_text(p_session_id)
            || ',"warning_version":' || coalesce(p_warning_version::text, 'null')
            || '}', 'UTF8')), 'hex')
    $$
    """,
    f"""
    CREATE FUNCTION collab.audit_stamp(p_at timestamptz) RETURNS text
    LANGUAGE sql STABLE SET search_path = pg_catalog
    AS $$ SELECT to_char(p_at AT TIME ZONE 'UTC', '{STAMP_FORMAT}') $$
    """,
    # core.masking.mask_contact: the country code and the last two digits stay.
    rf"""
    CREATE FUNCTION collab.mask_contact(p_contact text) RETURNS text
    LANGUAGE sql IMMUTABLE SET search_path = pg_catalog
    AS $$
        SELECT CASE
            WHEN p_contact IS NULL THEN NULL
            WHEN btrim(p_contact) = '' THEN ''
            WHEN position('@' IN p_contact) > 0 THEN
                left(btrim(p_contact), 1) || '••••'
                || substring(btrim(p_contact) FROM '@[^@]*$')
            ELSE
                CASE WHEN left(btrim(p_contact), 1) = '+' AND digits <> '' THEN
                    '+' || CASE
                        WHEN left(digits, 1) IN ('1', '7') THEN left(digits, 1)
                        WHEN left(digits, 2) IN ({_TWO_DIGIT_CODES})
                            THEN left(digits, 2)
                        ELSE left(digits, 3)
                    END || ' '
                ELSE '' END
                || '•••• ••' || right(digits, 2)
        END
        FROM (SELECT regexp_replace(p_contact, '[^0-9]', '', 'g') AS digits) AS contact
    $$
    """,
    # Which values each declared setting may hold (core/settings.py's parsers, as bounds).
    _setting_value_ok("CREATE", _V1_SETTING_CHECKS),
)

# -- tables ------------------------------------------------------------------------------

_ACK_COLUMNS = """
        acknowledged_by text
            CHECK (acknowledged_by IS NULL OR length(btrim(acknowledged_by)) BETWEEN 1 AND 200),
        acknowledged_at timestamptz,
        warning_version integer CHECK (warning_version IS NULL OR warning_version >= 1),"""
#: URL copy (any sensitive setting) on ⇔ an acknowledgement by someone, at a time, of a
#: version of the warning.
_ACK_CHECK = """
        CONSTRAINT sensitive_setting_on_needs_acknowledgement CHECK (
            ((sensitive AND value = 'on')
                = (acknowledged_by IS NOT NULL AND acknowledged_at IS NOT NULL
                   AND warning_version IS NOT NULL))
            AND (acknowledged_by IS NULL) = (acknowledged_at IS NULL)
            AND (acknowledged_by IS NULL) = (warning_version IS NULL)
        )"""

_TABLES = (
    """
    CREATE TABLE collab.policy (
        id boolean PRIMARY KEY DEFAULT true CHECK (id),
        version bigint NOT NULL CHECK (version >= 1),
        updated_by text NOT NULL CHECK (length(btrim(updated_by)) BETWEEN 1 AND 200),
        updated_at timestamptz NOT NULL
    )
    """,
    "INSERT INTO collab.policy (version, updated_by, updated_at)"
    " VALUES (1, 'system', transaction_timestamp())",
    f"""
    CREATE TABLE collab.setting (
        key text PRIMARY KEY CHECK (length(key) BETWEEN 1 AND 64),
        kind text NOT NULL CHECK (kind IN ('bool', 'text', 'int')),
        sensitive boolean NOT NULL,
        value text NOT NULL CHECK (collab.setting_value_ok(key, value)),{_ACK_COLUMNS}
        UNIQUE (key, kind, sensitive),
        CHECK (NOT sensitive OR kind = 'bool'),{_ACK_CHECK}
    )
    """,
    """
    INSERT INTO collab.setting (key, kind, sensitive, value) VALUES
        ('copy_session_id', 'bool', false, 'off'),
        ('copy_session_url', 'bool', true, 'off'),
        ('session_url_base', 'text', false, 'https://collab.example.com/join/'),
        ('mask_sensitive_data', 'bool', false, 'off'),
        ('clipboard_clear_seconds', 'int', false, '30'),
        ('copied_link_minutes', 'int', false, '30'),
        ('invitation_link_minutes', 'int', false, '0'),
        ('link_first_join_only', 'bool', false, 'off'),
        ('max_live_links_per_person', 'int', false, '3'),
        ('max_links_per_agent_hour', 'int', false, '30')
    """,
    """
    CREATE TABLE collab.team (
        name text PRIMARY KEY
            CHECK (name ~ '^[A-Za-z0-9]([A-Za-z0-9 ._-]{0,62}[A-Za-z0-9])?$'),
        created_by text NOT NULL DEFAULT session_user,
        created_at timestamptz NOT NULL DEFAULT transaction_timestamp()
    )
    """,
    # One team per login: which overrides apply is never in doubt.
    """
    CREATE TABLE collab.team_member (
        login text PRIMARY KEY CHECK (length(login) BETWEEN 1 AND 63),
        team text NOT NULL REFERENCES collab.team (name),
        added_by text NOT NULL DEFAULT session_user,
        added_at timestamptz NOT NULL DEFAULT transaction_timestamp()
    )
    """,
    f"""
    CREATE TABLE collab.team_setting (
        team text NOT NULL REFERENCES collab.team (name),
        key text NOT NULL,
        kind text NOT NULL,
        sensitive boolean NOT NULL,
        value text NOT NULL CHECK (collab.setting_value_ok(key, value)),{_ACK_COLUMNS}
        version bigint NOT NULL CHECK (version >= 1),
        updated_by text NOT NULL DEFAULT session_user,
        updated_at timestamptz NOT NULL DEFAULT transaction_timestamp(),
        PRIMARY KEY (team, key),
        FOREIGN KEY (key, kind, sensitive) REFERENCES collab.setting (key, kind, sensitive),{
        _ACK_CHECK
    }
    )
    """,
    f"""
    CREATE TABLE collab.session (
        session_id text PRIMARY KEY CHECK (session_id ~ '^{_ID}$'),
        agent text NOT NULL DEFAULT session_user
            CHECK (length(btrim(agent)) BETWEEN 1 AND 200),
        state text NOT NULL CHECK (state IN ('active', 'ended')),
        invite_status text NOT NULL
            CHECK (invite_status IN ('pending', 'delivered', 'sms_blocked', 'email_bounced')),
        created_at timestamptz NOT NULL,
        ended_at timestamptz,
        demo boolean NOT NULL DEFAULT false,
        CHECK ((state = 'ended') = (ended_at IS NOT NULL))
    )
    """,
    "CREATE INDEX session_by_agent ON collab.session (agent)",
    # The customer's own ID is the Session ID, everyone else's is an ID of their own;
    # with access_id unique, no one's ID is another session's.
    f"""
    CREATE TABLE collab.participant (
        session_id text NOT NULL REFERENCES collab.session (session_id),
        access_id text NOT NULL UNIQUE CHECK (access_id ~ '^{_ID}$'),
        position integer NOT NULL CHECK (position >= 0),
        name text NOT NULL CHECK (length(btrim(name)) BETWEEN 1 AND 120),
        contact text NOT NULL DEFAULT '' CHECK (length(contact) <= 300),
        PRIMARY KEY (session_id, access_id),
        UNIQUE (session_id, position),
        CHECK ((position = 0) = (access_id = session_id))
    )
    """,
    """
    CREATE TABLE collab.session_access (
        session_id text NOT NULL REFERENCES collab.session (session_id),
        grantee text NOT NULL CHECK (length(grantee) BETWEEN 1 AND 63),
        kind text NOT NULL CHECK (kind IN ('supervisor', 'co_agent')),
        granted_by text NOT NULL DEFAULT session_user,
        granted_at timestamptz NOT NULL DEFAULT transaction_timestamp(),
        PRIMARY KEY (session_id, grantee)
    )
    """,
    "CREATE INDEX session_access_by_grantee ON collab.session_access (grantee, session_id)",
    # Who pg_setup.add_user made, and when (a role has no creation time of its own).
    """
    CREATE TABLE collab.account (
        name text PRIMARY KEY CHECK (length(name) BETWEEN 1 AND 63),
        role text NOT NULL CHECK (role IN ('admin', 'agent', 'auditor', 'join')),
        added_by text NOT NULL DEFAULT session_user,
        added_at timestamptz NOT NULL DEFAULT transaction_timestamp()
    )
    """,
    f"""
    CREATE TABLE collab.audit (
        seq bigint PRIMARY KEY CHECK (seq >= 1),
        at timestamptz NOT NULL,
        kind text NOT NULL CHECK (kind IN ({_sql_list(_V1_AUDIT_KINDS)})),
        actor text NOT NULL CHECK (length(btrim(actor)) BETWEEN 1 AND 200),
        actor_role text NOT NULL CHECK (actor_role IN ({_sql_list(_ACTOR_ROLES)})),
        session_id text CHECK (session_id IS NULL OR length(session_id) = 9),
        participant_id text
            CHECK (participant_id IS NULL OR length(participant_id) BETWEEN 9 AND 24),
        detail text CHECK (detail IS NULL OR length(detail) BETWEEN 1 AND 200),
        old_value text CHECK (old_value IS NULL OR length(old_value) BETWEEN 1 AND 1000),
        new_value text CHECK (new_value IS NULL OR length(new_value) BETWEEN 1 AND 1000),
        warning_version integer CHECK (warning_version IS NULL OR warning_version >= 1),
        contact text CHECK (
            contact IS NULL OR (length(contact) BETWEEN 1 AND 300 AND position('•' IN contact) > 0)
        ),
        result text CHECK (result IS NULL OR result IN ({_sql_list(_V1_AUDIT_RESULTS)})),
        prev_hash text NOT NULL CHECK (prev_hash ~ '{_HEX64}'),
        hash text NOT NULL CHECK (hash ~ '{_HEX64}')
    )
    """,
    "CREATE INDEX audit_by_kind ON collab.audit (kind, seq)",
    "CREATE INDEX audit_by_actor ON collab.audit (lower(actor), seq)",
    "CREATE INDEX audit_by_time ON collab.audit (at, seq)",
    # The last number handed out and the last hash: appenders queue on this row, so the
    # chain has no gaps and no forks, and an entry removed from the end still shows.
    f"""
    CREATE TABLE collab.audit_head (
        id boolean PRIMARY KEY DEFAULT true CHECK (id),
        seq bigint NOT NULL CHECK (seq >= 0),
        hash text NOT NULL CHECK (hash ~ '{_HEX64}')
    )
    """,
    f"INSERT INTO collab.audit_head (seq, hash) VALUES (0, '{'0' * 64}')",
)

# -- the audit trail ---------------------------------------------------------------------

_AUDIT_FUNCTIONS = (
    """
    CREATE FUNCTION collab.append_audit_as(
        p_actor text, p_actor_role text, p_kind text, p_session_id text,
        p_participant_id text, p_detail text, p_old_value text, p_new_value text,
        p_warning_version integer, p_contact text, p_result text
    ) RETURNS bigint
    LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog, collab
    AS $$
    DECLARE
        head_seq bigint;
        head_hash text;
        at_now timestamptz := transaction_timestamp();
        masked text := nullif(collab.mask_contact(p_contact), '');
        entry_hash text;
    BEGIN
        UPDATE collab.audit_head SET seq = seq + 1 RETURNING seq, hash INTO head_seq, head_hash;
        entry_hash := collab.audit_hash(
            head_hash, head_seq, collab.audit_stamp(at_now), p_kind, p_actor, p_actor_role,
            p_session_id, p_participant_id, p_detail, p_old_value, p_new_value,
            p_warning_version, masked, p_result);
        INSERT INTO collab.audit (seq, at, kind, actor, actor_role, session_id, participant_id,
                                  detail, old_value, new_value, warning_version, contact,
                                  result, prev_hash, hash)
        VALUES (head_seq, at_now, p_kind, p_actor, p_actor_role, p_session_id,
                p_participant_id, p_detail, p_old_value, p_new_value, p_warning_version,
                masked, p_result, head_hash, entry_hash);
        UPDATE collab.audit_head SET hash = entry_hash;
        RETURN head_seq;
    END
    $$
    """,
    f"""
    CREATE FUNCTION collab.append_audit(
        p_kind text, p_session_id text, p_participant_id text, p_detail text,
        p_old_value text, p_new_value text, p_warning_version integer, p_contact text,
        p_result text
    ) RETURNS bigint
    LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog, collab
    AS $$
    BEGIN
        IF pg_trigger_depth() = 0 AND p_kind NOT IN ({_sql_list(_DIRECT_KINDS)}) THEN
            {_refusal("the database records that itself", _NOT_ADMIN)}
        END IF;
        RETURN collab.append_audit_as(
            session_user, collab.actor_role(), p_kind, p_session_id, p_participant_id,
            p_detail, p_old_value, p_new_value, p_warning_version, p_contact, p_result);
    END
    $$
    """,
    # A browser's entry, named by its address: for the join functions (SECURITY DEFINER,
    # run by the owner) only; no login has EXECUTE on it.
    f"""
    CREATE FUNCTION collab.append_visitor_audit(
        p_address text, p_kind text, p_session_id text, p_participant_id text,
        p_detail text, p_old_value text, p_new_value text, p_result text
    ) RETURNS bigint
    LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog, collab
    AS $$
    BEGIN
        IF current_user = session_user THEN
            {_refusal("a browser's audit entry is made by a join function only", _NOT_ADMIN)}
        END IF;
        RETURN collab.append_audit_as(
            p_address, 'visitor', p_kind, p_session_id, p_participant_id, p_detail,
            p_old_value, p_new_value, NULL, NULL, p_result);
    END
    $$
    """,
    # Anything else that tries to add an entry is refused, even the owner's own INSERT:
    # the actor is the login, except a browser's entry made by a join function (a
    # SECURITY DEFINER function, so current_user is not the login there).
    f"""
    CREATE FUNCTION collab.audit_entry_chained() RETURNS trigger
    LANGUAGE plpgsql SET search_path = pg_catalog, collab
    AS $$
    DECLARE
        head collab.audit_head;
    BEGIN
        SELECT * INTO head FROM collab.audit_head;
        IF NEW.seq IS DISTINCT FROM head.seq
            OR NEW.prev_hash IS DISTINCT FROM head.hash
            OR NEW.at IS DISTINCT FROM transaction_timestamp()
            OR (NEW.actor IS DISTINCT FROM session_user::text
                AND NOT (NEW.actor_role = 'visitor' AND current_user <> session_user))
            OR NEW.hash IS DISTINCT FROM collab.audit_hash(
                NEW.prev_hash, NEW.seq, collab.audit_stamp(NEW.at), NEW.kind, NEW.actor,
                NEW.actor_role, NEW.session_id, NEW.participant_id, NEW.detail,
                NEW.old_value, NEW.new_value, NEW.warning_version, NEW.contact, NEW.result)
        THEN
            {_refusal("an audit entry is added by the database only: numbered, dated and chained")}
        END IF;
        RETURN NEW;
    END
    $$
    """,
    """
    CREATE TRIGGER audit_entry_chained BEFORE INSERT ON collab.audit
    FOR EACH ROW EXECUTE FUNCTION collab.audit_entry_chained()
    """,
    f"""
    CREATE FUNCTION collab.refuse_rewriting() RETURNS trigger
    LANGUAGE plpgsql SET search_path = pg_catalog
    AS $$
    BEGIN
        {_refusal("the audit trail is append-only", _NOT_ADMIN)}
    END
    $$
    """,
    """
    CREATE TRIGGER audit_no_update_or_delete BEFORE UPDATE OR DELETE ON collab.audit
    FOR EACH ROW EXECUTE FUNCTION collab.refuse_rewriting()
    """,
    """
    CREATE TRIGGER audit_no_truncate BEFORE TRUNCATE ON collab.audit
    FOR EACH STATEMENT EXECUTE FUNCTION collab.refuse_rewriting()
    """,
    f"""
    CREATE FUNCTION collab.audit_head_moves_on() RETURNS trigger
    LANGUAGE plpgsql SET search_path = pg_catalog
    AS $$
    BEGIN
        IF TG_OP <> 'UPDATE' OR NEW.seq < OLD.seq THEN
            {_refusal("the audit trail is append-only", _NOT_ADMIN)}
        END IF;
        RETURN NEW;
    END
    $$
    """,
    """
    CREATE TRIGGER audit_head_moves_on BEFORE INSERT OR UPDATE OR DELETE ON collab.audit_head
    FOR EACH ROW EXECUTE FUNCTION collab.audit_head_moves_on()
    """,
    """
    CREATE TRIGGER audit_head_no_truncate BEFORE TRUNCATE ON collab.audit_head
    FOR EACH STATEMENT EXECUTE FUNCTION collab.refuse_rewriting()
    """,
)

# -- the policy --------------------------------------------------------------------------

_ACK_TEXT = (
    "{p}.acknowledged_by || ' at ' || collab.audit_stamp({p}.acknowledged_at)"
    " || ' (warning v' || {p}.warning_version || ')'"
)
_ACK_CHANGED = (
    "(OLD.acknowledged_by, OLD.acknowledged_at, OLD.warning_version)"
    " IS DISTINCT FROM (NEW.acknowledged_by, NEW.acknowledged_at, NEW.warning_version)"
)


def _setting_changes_recorded(command: str, *, old_value: str, new_value: str) -> str:
    """The trigger function that records a change of a setting: the acknowledgement first,
    then the value (``old_value``, ``new_value``: what the entry holds of each)."""
    return f"""
    {command} FUNCTION collab.setting_changes_recorded() RETURNS trigger
    LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog, collab
    AS $$
    DECLARE
        subject text;
        old_value text;
        new_value text;
        old_ack text;
        new_ack text;
        warning integer;
        sensitive_on boolean := false;
    BEGIN
        IF TG_OP <> 'INSERT' THEN
            old_value := OLD.value;
            subject := OLD.key;
            IF OLD.acknowledged_by IS NOT NULL THEN
                old_ack := {_ACK_TEXT.format(p="OLD")};
            END IF;
        END IF;
        IF TG_OP <> 'DELETE' THEN
            new_value := NEW.value;
            subject := NEW.key;
            warning := NEW.warning_version;
            sensitive_on := NEW.sensitive AND NEW.value = 'on';
            IF NEW.acknowledged_by IS NOT NULL THEN
                new_ack := {_ACK_TEXT.format(p="NEW")};
            END IF;
        END IF;
        IF TG_TABLE_NAME = 'team_setting' THEN
            IF TG_OP = 'DELETE' THEN
                subject := subject || ' (team ' || OLD.team || ')';
            ELSE
                subject := subject || ' (team ' || NEW.team || ')';
            END IF;
        END IF;
        IF new_ack IS NOT DISTINCT FROM old_ack THEN
            new_ack := NULL;
        END IF;
        IF new_ack IS NULL AND old_value IS NOT DISTINCT FROM new_value THEN
            RETURN NULL;
        END IF;
        PERFORM collab.settings_moved();
        IF new_ack IS NOT NULL THEN
            PERFORM collab.append_audit(
                'acknowledgement', NULL, NULL, subject, old_ack, new_ack, warning, NULL, NULL);
        END IF;
        IF old_value IS DISTINCT FROM new_value THEN
            PERFORM collab.append_audit(
                'setting', NULL, NULL, subject, {old_value}, {new_value},
                CASE WHEN sensitive_on THEN warning END, NULL, NULL);
        END IF;
        RETURN NULL;
    END
    $$
    """


_POLICY = (
    # Every change of the organisation's or a team's settings moves the one version on.
    f"""
    CREATE FUNCTION collab.settings_moved() RETURNS bigint
    LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog, collab
    AS $$
    DECLARE
        moved_to bigint;
    BEGIN
        UPDATE collab.policy
        SET version = version + 1,
            updated_by = CASE WHEN collab.actor_role() = 'demo' THEN 'demo'
                              ELSE session_user END,
            updated_at = transaction_timestamp()
        RETURNING version INTO moved_to;
        PERFORM pg_notify('{EVENTS_CHANNEL}', json_build_object(
            'kind', 'settings', 'session_id', NULL, 'version', moved_to)::text);
        RETURN moved_to;
    END
    $$
    """,
    f"""
    CREATE FUNCTION collab.policy_steps() RETURNS trigger
    LANGUAGE plpgsql SET search_path = pg_catalog
    AS $$
    BEGIN
        IF TG_OP <> 'UPDATE' OR NEW.id IS DISTINCT FROM OLD.id
            OR NEW.version IS DISTINCT FROM OLD.version + 1 THEN
            {_refusal("the settings version moves forward one step per change")}
        END IF;
        RETURN NEW;
    END
    $$
    """,
    """
    CREATE TRIGGER policy_steps BEFORE INSERT OR UPDATE OR DELETE ON collab.policy
    FOR EACH ROW EXECUTE FUNCTION collab.policy_steps()
    """,
    # A demo write is allowed into a database nobody used, by an admin: settings while
    # there is no session and no save but the demo's own in this very transaction;
    # sessions while there is no session but the demo's.
    f"""
    CREATE FUNCTION collab.check_demo_write(p_settings boolean) RETURNS void
    LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog, collab
    AS $$
    BEGIN
        IF NOT collab.is_admin()
            OR (p_settings AND (
                EXISTS (SELECT 1 FROM collab.session)
                OR NOT EXISTS (SELECT 1 FROM collab.policy WHERE version = 1 OR (
                    updated_by = 'demo' AND updated_at = transaction_timestamp()))))
            OR (NOT p_settings AND EXISTS (SELECT 1 FROM collab.session WHERE NOT demo))
        THEN
            {_refusal("demo data goes only into a database nobody has used", _NOT_ADMIN)}
        END IF;
    END
    $$
    """,
    # The compare-and-swap of a settings save: the policy row stays locked until the
    # save commits, so a second save waits and then sees the version move on.
    """
    CREATE FUNCTION collab.lock_policy() RETURNS bigint
    LANGUAGE sql SECURITY DEFINER SET search_path = pg_catalog, collab
    AS $$ SELECT version FROM collab.policy FOR UPDATE $$
    """,
    # Who may change a setting, and in whose name an acknowledgement is given.
    f"""
    CREATE FUNCTION collab.setting_changed_by_an_admin() RETURNS trigger
    LANGUAGE plpgsql SET search_path = pg_catalog
    AS $$
    BEGIN
        IF TG_OP = 'DELETE' AND TG_TABLE_NAME = 'setting' THEN
            {_refusal("a setting cannot be deleted")}
        END IF;
        IF NOT collab.is_admin() THEN
            {_refusal("only an admin can change the settings", _NOT_ADMIN)}
        END IF;
        IF collab.demo_write() THEN
            PERFORM collab.check_demo_write(true);
        END IF;
        IF TG_OP = 'DELETE' THEN
            RETURN OLD;
        END IF;
        IF TG_OP = 'UPDATE' AND (NEW.key, NEW.kind, NEW.sensitive)
                IS DISTINCT FROM (OLD.key, OLD.kind, OLD.sensitive) THEN
            {_refusal("the name, kind and sensitivity of a setting cannot change")}
        END IF;
        IF NEW.acknowledged_by IS NOT NULL
            AND (TG_OP = 'INSERT' OR {_ACK_CHANGED})
            AND NEW.acknowledged_by IS DISTINCT FROM session_user::text THEN
            {_refusal("only an admin can acknowledge a warning, in their own name", _NOT_ADMIN)}
        END IF;
        -- Dated by the server, as the audit is: a client's clock could backdate it.
        IF NEW.acknowledged_by IS NOT NULL AND (TG_OP = 'INSERT' OR {_ACK_CHANGED}) THEN
            NEW.acknowledged_at := transaction_timestamp();
        END IF;
        RETURN NEW;
    END
    $$
    """,
    """
    CREATE TRIGGER setting_changed_by_an_admin BEFORE INSERT OR UPDATE OR DELETE
    ON collab.setting FOR EACH ROW EXECUTE FUNCTION collab.setting_changed_by_an_admin()
    """,
    """
    CREATE TRIGGER team_setting_changed_by_an_admin BEFORE INSERT OR UPDATE OR DELETE
    ON collab.team_setting FOR EACH ROW EXECUTE FUNCTION collab.setting_changed_by_an_admin()
    """,
    # What a change of a setting records: the acknowledgement first, then the value.
    # (Each statement that names a column of one table only runs for that table: a
    # plpgsql statement is planned when it first runs.)
    _setting_changes_recorded("CREATE", old_value="old_value", new_value="new_value"),
    """
    CREATE TRIGGER setting_changes_recorded AFTER UPDATE ON collab.setting
    FOR EACH ROW EXECUTE FUNCTION collab.setting_changes_recorded()
    """,
    """
    CREATE TRIGGER team_setting_changes_recorded AFTER INSERT OR UPDATE OR DELETE
    ON collab.team_setting FOR EACH ROW EXECUTE FUNCTION collab.setting_changes_recorded()
    """,
    # A login joining, leaving or changing teams changes the settings in force for them.
    f"""
    CREATE FUNCTION collab.team_member_changed() RETURNS trigger
    LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog, collab
    AS $$
    BEGIN
        IF NOT collab.is_admin() THEN
            {_refusal("only an admin can change the teams", _NOT_ADMIN)}
        END IF;
        IF TG_OP = 'UPDATE' AND NEW.team IS NOT DISTINCT FROM OLD.team THEN
            RETURN NULL;
        END IF;
        PERFORM collab.settings_moved();
        PERFORM collab.append_audit(
            'setting', NULL, NULL, 'team of ' || coalesce(NEW.login, OLD.login),
            CASE WHEN TG_OP <> 'INSERT' THEN OLD.team END,
            CASE WHEN TG_OP <> 'DELETE' THEN NEW.team END, NULL, NULL, NULL);
        RETURN NULL;
    END
    $$
    """,
    """
    CREATE TRIGGER team_member_changed AFTER INSERT OR UPDATE OR DELETE ON collab.team_member
    FOR EACH ROW EXECUTE FUNCTION collab.team_member_changed()
    """,
    # The settings in force for the login: the organisation's, each overridden by the
    # login's team where it has an override (with that override's acknowledgement).
    """
    CREATE FUNCTION collab.effective_setting()
    RETURNS TABLE (key text, kind text, sensitive boolean, value text,
                   acknowledged_by text, acknowledged_at timestamptz, warning_version integer,
                   team text)
    LANGUAGE sql STABLE SET search_path = pg_catalog, collab
    AS $$
        SELECT s.key, s.kind, s.sensitive,
               coalesce(t.value, s.value),
               CASE WHEN t.key IS NULL THEN s.acknowledged_by ELSE t.acknowledged_by END,
               CASE WHEN t.key IS NULL THEN s.acknowledged_at ELSE t.acknowledged_at END,
               CASE WHEN t.key IS NULL THEN s.warning_version ELSE t.warning_version END,
               t.team
        FROM collab.setting s
        LEFT JOIN collab.team_member m ON m.login = session_user
        LEFT JOIN collab.team_setting t ON t.team = m.team AND t.key = s.key
        ORDER BY s.key
    $$
    """,
    # One setting in force for the login, as stored (pg_links_schema's link rules).
    """
    CREATE FUNCTION collab.setting_text(p_key text) RETURNS text
    LANGUAGE sql STABLE SET search_path = pg_catalog, collab
    AS $$ SELECT value FROM collab.effective_setting() WHERE key = p_key $$
    """,
    # Nobody has saved settings or started a session: the demo may fill it.
    """
    CREATE FUNCTION collab.is_pristine() RETURNS boolean
    LANGUAGE sql STABLE SECURITY DEFINER SET search_path = pg_catalog, collab
    AS $$
        SELECT EXISTS (SELECT 1 FROM collab.policy WHERE version = 1)
           AND NOT EXISTS (SELECT 1 FROM collab.session)
    $$
    """,
)

# -- sessions ----------------------------------------------------------------------------

_SESSIONS = (
    # Whether the login runs the session, or was granted it (RLS of session_access
    # keeps to what the login may see, and never refers back to session).
    """
    CREATE FUNCTION collab.runs_session(p_session_id text) RETURNS boolean
    LANGUAGE sql STABLE SECURITY DEFINER SET search_path = pg_catalog, collab
    AS $$
        SELECT EXISTS (SELECT 1 FROM collab.session
                       WHERE session_id = p_session_id AND agent = session_user)
    $$
    """,
    f"""
    CREATE FUNCTION collab.session_rules() RETURNS trigger
    LANGUAGE plpgsql SET search_path = pg_catalog
    AS $$
    BEGIN
        IF TG_OP = 'DELETE' THEN
            {_refusal("a session cannot be deleted")}
        END IF;
        IF TG_OP = 'INSERT' THEN
            IF NEW.demo THEN
                PERFORM collab.check_demo_write(false);
            ELSIF NEW.agent IS DISTINCT FROM session_user::text THEN
                {_refusal("a session belongs to the agent who starts it", _NOT_ADMIN)}
            END IF;
            RETURN NEW;
        END IF;
        IF (NEW.session_id, NEW.agent, NEW.created_at, NEW.demo, NEW.invite_status)
            IS DISTINCT FROM (OLD.session_id, OLD.agent, OLD.created_at, OLD.demo,
                              OLD.invite_status) THEN
            {_refusal("a session's ID, agent, start time and demo mark cannot change")}
        END IF;
        IF OLD.state = 'ended' AND (NEW.state, NEW.ended_at)
                IS DISTINCT FROM (OLD.state, OLD.ended_at) THEN
            {_refusal("an ended session cannot be reopened or changed")}
        END IF;
        RETURN NEW;
    END
    $$
    """,
    """
    CREATE TRIGGER session_rules BEFORE INSERT OR UPDATE OR DELETE ON collab.session
    FOR EACH ROW EXECUTE FUNCTION collab.session_rules()
    """,
    f"""
    CREATE FUNCTION collab.session_changes_recorded() RETURNS trigger
    LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog, collab
    AS $$
    BEGIN
        IF TG_OP = 'INSERT' THEN
            PERFORM pg_notify('{EVENTS_CHANNEL}', json_build_object(
                'kind', 'session_started', 'session_id', NEW.session_id,
                'version', NULL)::text);
        ELSIF OLD.state = 'active' AND NEW.state = 'ended' THEN
            PERFORM collab.append_audit(
                'session_ended', NEW.session_id, NULL, NULL, 'active', 'ended',
                NULL, NULL, NULL);
            PERFORM pg_notify('{EVENTS_CHANNEL}', json_build_object(
                'kind', 'session_ended', 'session_id', NEW.session_id,
                'version', NULL)::text);
        END IF;
        RETURN NULL;
    END
    $$
    """,
    """
    CREATE TRIGGER session_changes_recorded AFTER INSERT OR UPDATE ON collab.session
    FOR EACH ROW EXECUTE FUNCTION collab.session_changes_recorded()
    """,
    f"""
    CREATE FUNCTION collab.participant_rules() RETURNS trigger
    LANGUAGE plpgsql SET search_path = pg_catalog
    AS $$
    BEGIN
        IF TG_OP = 'UPDATE' THEN
            {_refusal("a participant's details cannot be changed")}
        END IF;
        {_refusal("a participant cannot be removed")}
    END
    $$
    """,
    """
    CREATE TRIGGER participant_rules BEFORE UPDATE OR DELETE ON collab.participant
    FOR EACH ROW EXECUTE FUNCTION collab.participant_rules()
    """,
    # The start of a session is recorded with its customer (their ID and masked contact).
    """
    CREATE FUNCTION collab.session_start_audited() RETURNS trigger
    LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog, collab
    AS $$
    BEGIN
        PERFORM collab.append_audit(
            'session_started', NEW.session_id, NEW.access_id, NULL, NULL,
            (SELECT state FROM collab.session WHERE session_id = NEW.session_id),
            NULL, nullif(NEW.contact, ''), NULL);
        RETURN NULL;
    END
    $$
    """,
    """
    CREATE TRIGGER session_start_audited AFTER INSERT ON collab.participant
    FOR EACH ROW WHEN (NEW.position = 0) EXECUTE FUNCTION collab.session_start_audited()
    """,
    # A supervisor or co-agent gets a session by a grant from its agent or an admin.
    f"""
    CREATE FUNCTION collab.grant_session_access(
        p_session_id text, p_grantee text, p_kind text
    ) RETURNS void
    LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog, collab
    AS $$
    BEGIN
        IF NOT (collab.is_admin() OR collab.runs_session(p_session_id)) THEN
            {_refusal("only the session's agent or an admin can grant access to it", _NOT_ADMIN)}
        END IF;
        INSERT INTO collab.session_access (session_id, grantee, kind)
        VALUES (p_session_id, p_grantee, p_kind)
        ON CONFLICT (session_id, grantee) DO UPDATE
            SET kind = EXCLUDED.kind, granted_by = session_user,
                granted_at = transaction_timestamp();
    END
    $$
    """,
    f"""
    CREATE FUNCTION collab.revoke_session_access(p_session_id text, p_grantee text)
    RETURNS boolean
    LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog, collab
    AS $$
    BEGIN
        IF NOT (collab.is_admin() OR collab.runs_session(p_session_id)) THEN
            {
        _refusal("only the session's agent or an admin can take access to it away", _NOT_ADMIN)
    }
        END IF;
        DELETE FROM collab.session_access
        WHERE session_id = p_session_id AND grantee = p_grantee;
        RETURN FOUND;
    END
    $$
    """,
    # Whoever grants or takes access (a function above, or the owner's raw SQL) is on
    # record, and the grantee's console hears of it: the session joins or leaves the
    # sessions it may see.
    f"""
    CREATE FUNCTION collab.session_access_changed() RETURNS trigger
    LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog, collab
    AS $$
    DECLARE
        gone boolean := TG_OP = 'DELETE';
        grant_row collab.session_access := CASE WHEN gone THEN OLD ELSE NEW END;
    BEGIN
        PERFORM collab.append_audit(
            CASE WHEN gone THEN 'session_unshared' ELSE 'session_shared' END,
            grant_row.session_id, NULL, grant_row.grantee,
            CASE WHEN TG_OP <> 'INSERT' THEN OLD.kind END,
            CASE WHEN NOT gone THEN NEW.kind END, NULL, NULL, NULL);
        PERFORM pg_notify('{EVENTS_CHANNEL}', json_build_object(
            'kind', CASE WHEN gone THEN 'session_unshared' ELSE 'session_shared' END,
            'session_id', grant_row.session_id, 'version', NULL,
            'grantee', grant_row.grantee)::text);
        RETURN NULL;
    END
    $$
    """,
    """
    CREATE TRIGGER session_access_changed AFTER INSERT OR UPDATE OR DELETE
    ON collab.session_access FOR EACH ROW EXECUTE FUNCTION collab.session_access_changed()
    """,
    # pg_setup.add_user records the login it made (by the owner only).
    f"""
    CREATE FUNCTION collab.note_account(p_name text, p_role text) RETURNS void
    LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog, collab
    AS $$
    BEGIN
        IF session_user::text IS DISTINCT FROM (
                SELECT pg_get_userbyid(nspowner)::text FROM pg_namespace
                WHERE nspname = 'collab')
            AND NOT (SELECT rolsuper FROM pg_roles WHERE rolname = session_user) THEN
            {_refusal("only the database owner adds users", _NOT_ADMIN)}
        END IF;
        INSERT INTO collab.account (name, role) VALUES (p_name, p_role)
        ON CONFLICT (name) DO UPDATE
            SET role = EXCLUDED.role, added_by = session_user,
                added_at = transaction_timestamp();
        IF p_role = 'admin' THEN
            PERFORM collab.append_audit_as(
                session_user, 'outside', 'admin_added', NULL, NULL, p_name,
                NULL, NULL, NULL, NULL, NULL);
        END IF;
    END
    $$
    """,
)

# -- who may do what ---------------------------------------------------------------------

_SEES_SESSION = (
    "(agent = session_user OR collab.is_admin() OR EXISTS (SELECT 1 FROM collab.session_access a"
    " WHERE a.session_id = session.session_id AND a.grantee = session_user))"
)
_SESSION_VISIBLE = "EXISTS (SELECT 1 FROM collab.session s WHERE s.session_id = {t}.session_id)"
_IN_TEAM = (
    "EXISTS (SELECT 1 FROM collab.team_member m WHERE m.team = {t} AND m.login = session_user)"
)

_RIGHTS = (
    "REVOKE ALL ON SCHEMA collab FROM PUBLIC",
    "GRANT USAGE ON SCHEMA collab TO collab_admin, collab_agent, collab_auditor, collab_join",
    # -- the policy: agents and admins read it, admins change it
    "GRANT SELECT ON collab.policy, collab.setting, collab.schema_version"
    " TO collab_admin, collab_agent",
    "GRANT UPDATE (value, acknowledged_by, acknowledged_at, warning_version)"
    " ON collab.setting TO collab_admin",
    "GRANT SELECT ON collab.team, collab.team_member, collab.team_setting"
    " TO collab_admin, collab_agent",
    "GRANT INSERT, UPDATE, DELETE ON collab.team, collab.team_member, collab.team_setting"
    " TO collab_admin",
    "CREATE POLICY everyone_reads ON collab.policy FOR SELECT USING (true)",
    "CREATE POLICY everyone_reads ON collab.setting FOR SELECT USING (true)",
    "CREATE POLICY everyone_reads ON collab.schema_version FOR SELECT USING (true)",
    "CREATE POLICY admins_change ON collab.setting FOR UPDATE"
    " USING (collab.is_admin()) WITH CHECK (collab.is_admin())",
    f"CREATE POLICY members_read ON collab.team FOR SELECT"
    f" USING (collab.is_admin() OR {_IN_TEAM.format(t='team.name')})",
    "CREATE POLICY own_membership ON collab.team_member FOR SELECT"
    " USING (login = session_user OR collab.is_admin())",
    f"CREATE POLICY members_read ON collab.team_setting FOR SELECT"
    f" USING (collab.is_admin() OR {_IN_TEAM.format(t='team_setting.team')})",
    *(
        f"CREATE POLICY admins_change_{command.lower()} ON collab.{table} FOR {command}"
        f" {'WITH CHECK' if command == 'INSERT' else 'USING'} (collab.is_admin())"
        for table in ("team", "team_member", "team_setting")
        for command in ("INSERT", "UPDATE", "DELETE")
    ),
    # -- sessions: one's own, granted ones, or all for an admin
    "GRANT SELECT, INSERT ON collab.session, collab.participant TO collab_admin, collab_agent",
    "GRANT UPDATE (state, ended_at) ON collab.session TO collab_admin, collab_agent",
    "GRANT SELECT ON collab.session_access TO collab_admin, collab_agent",
    f"CREATE POLICY own_sessions ON collab.session FOR SELECT USING {_SEES_SESSION}",
    "CREATE POLICY start_own ON collab.session FOR INSERT"
    " WITH CHECK (agent = session_user OR (demo AND collab.is_admin()))",
    f"CREATE POLICY change_own ON collab.session FOR UPDATE"
    f" USING {_SEES_SESSION} WITH CHECK {_SEES_SESSION}",
    f"CREATE POLICY of_own_sessions ON collab.participant FOR SELECT"
    f" USING ({_SESSION_VISIBLE.format(t='participant')})",
    f"CREATE POLICY into_own_sessions ON collab.participant FOR INSERT"
    f" WITH CHECK ({_SESSION_VISIBLE.format(t='participant')})",
    "CREATE POLICY own_grants ON collab.session_access FOR SELECT"
    " USING (grantee = session_user OR granted_by = session_user OR collab.is_admin()"
    " OR collab.runs_session(session_id))",
    # -- the audit trail: admins and auditors read it; the database alone writes it
    "GRANT SELECT ON collab.audit, collab.audit_head TO collab_admin, collab_auditor",
    "CREATE POLICY readers ON collab.audit FOR SELECT"
    " USING (collab.is_admin() OR collab.is_auditor())",
    "CREATE POLICY readers ON collab.audit_head FOR SELECT"
    " USING (collab.is_admin() OR collab.is_auditor())",
    # Who was added when, by whom: role names are public in pg_roles anyway.
    "GRANT SELECT ON collab.account TO collab_admin, collab_agent",
    "CREATE POLICY everyone_reads ON collab.account FOR SELECT USING (true)",
    # The owner records the users it adds (pg_setup.add_user), and the admins among them
    # in the audit trail: as itself, so the chain's rule (actor = login) holds.
    "CREATE POLICY owner_adds ON collab.account TO CURRENT_USER USING (true) WITH CHECK (true)",
    "CREATE POLICY owner_appends ON collab.audit FOR INSERT TO CURRENT_USER"
    " WITH CHECK (actor = session_user)",
    "CREATE POLICY owner_reads ON collab.audit FOR SELECT TO CURRENT_USER USING (true)",
    "CREATE POLICY owner_appends ON collab.audit_head TO CURRENT_USER"
    " USING (true) WITH CHECK (true)",
    # -- functions a login calls itself
    "GRANT EXECUTE ON FUNCTION collab.append_audit(text, text, text, text, text, text, integer,"
    " text, text) TO collab_admin, collab_agent",
    "GRANT EXECUTE ON FUNCTION collab.effective_setting(), collab.is_pristine(),"
    " collab.setting_text(text),"
    " collab.grant_session_access(text, text, text), collab.revoke_session_access(text, text)"
    " TO collab_admin, collab_agent",
    "GRANT EXECUTE ON FUNCTION collab.lock_policy() TO collab_admin",
    # Called by row-level policies, CHECKs and the triggers that run as the writer, so
    # every role that reads or writes those tables needs them.
    "GRANT EXECUTE ON FUNCTION collab.is_admin(), collab.is_auditor()"
    " TO collab_admin, collab_agent, collab_auditor",
    "GRANT EXECUTE ON FUNCTION collab.runs_session(text), collab.demo_write(),"
    " collab.check_demo_write(boolean), collab.setting_value_ok(text, text)"
    " TO collab_admin, collab_agent",
    "GRANT EXECUTE ON FUNCTION collab.audit_stamp(timestamptz) TO collab_admin, collab_auditor",
)

#: The last statement of every migration: whatever the migration made (links and lobby
#: tables and functions included) is locked down the same way. Every table: no rights
#: for PUBLIC, row-level security enabled and FORCEd (on its owner too), and every row
#: to the owner's SECURITY DEFINER functions while another login calls them
#: (``<table>_to_definer_functions``, unless the migration made it already). The
#: owner gives up updating, deleting and truncating the audit trail. Every function:
#: no EXECUTE for PUBLIC.
LOCK_DOWN = """
DO $$
DECLARE
    item record;
BEGIN
    FOR item IN
        SELECT c.oid::regclass AS name, c.relname
        FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
        WHERE n.nspname = 'collab' AND c.relkind IN ('r', 'p', 'v', 'S')
    LOOP
        EXECUTE format('REVOKE ALL ON %s FROM PUBLIC', item.name);
        IF NOT EXISTS (SELECT 1 FROM pg_class WHERE oid = item.name AND relkind IN ('r', 'p'))
        THEN
            CONTINUE;
        END IF;
        EXECUTE format('ALTER TABLE %s ENABLE ROW LEVEL SECURITY', item.name);
        EXECUTE format('ALTER TABLE %s FORCE ROW LEVEL SECURITY', item.name);
        IF NOT EXISTS (SELECT 1 FROM pg_policy WHERE polrelid = item.name
                       AND polname = item.relname || '_to_definer_functions') THEN
            EXECUTE format('CREATE POLICY %I ON %s TO CURRENT_USER'
                           ' USING (session_user <> current_user)'
                           ' WITH CHECK (session_user <> current_user)',
                           item.relname || '_to_definer_functions', item.name);
        END IF;
    END LOOP;
    REVOKE UPDATE, DELETE, TRUNCATE ON collab.audit FROM CURRENT_USER;
    FOR item IN
        SELECT p.oid::regprocedure AS name
        FROM pg_proc p JOIN pg_namespace n ON n.oid = p.pronamespace
        WHERE n.nspname = 'collab'
    LOOP
        EXECUTE format('REVOKE ALL ON FUNCTION %s FROM PUBLIC', item.name);
    END LOOP;
END
$$
"""

_V1 = (
    *_FUNCTIONS,
    *_TABLES,
    *_AUDIT_FUNCTIONS,
    *_POLICY,
    *_SESSIONS,
    *LINK_STATEMENTS,
    *_RIGHTS,
)

# -- version 2: invitations (core/delivery.py) and participants added to a running session

_V2_SETTINGS = (
    _setting_value_ok("CREATE OR REPLACE", _V1_SETTING_CHECKS + _V2_SETTING_CHECKS),
    # The owner adds the new settings' rows past the rule that only an admin changes the
    # settings (and past row-level security: LOCK_DOWN forces it again).
    "ALTER TABLE collab.setting NO FORCE ROW LEVEL SECURITY",
    "ALTER TABLE collab.setting DISABLE TRIGGER setting_changed_by_an_admin",
    """
    INSERT INTO collab.setting (key, kind, sensitive, value) VALUES
        ('smtp_host', 'text', false, ''),
        ('smtp_port', 'int', false, '587'),
        ('smtp_security', 'text', false, 'starttls'),
        ('smtp_username', 'text', false, ''),
        ('smtp_sender', 'text', false, ''),
        ('sms_gateway_url', 'text', false, ''),
        ('resend_interval_seconds', 'int', false, '30')
    """,
    "ALTER TABLE collab.setting ENABLE TRIGGER setting_changed_by_an_admin",
    # A text setting may now be empty (no SMTP server): its entry holds none, not ''.
    _setting_changes_recorded(
        "CREATE OR REPLACE", old_value="nullif(old_value, '')", new_value="nullif(new_value, '')"
    ),
)

_V2_AUDIT = (
    f"ALTER TABLE collab.audit DROP CONSTRAINT audit_kind_check,"
    f" ADD CONSTRAINT audit_kind_check"
    f" CHECK (kind IN ({_sql_list((*_V1_AUDIT_KINDS, *_V2_AUDIT_KINDS))}))",
    f"ALTER TABLE collab.audit DROP CONSTRAINT audit_result_check,"
    f" ADD CONSTRAINT audit_result_check CHECK (result IS NULL"
    f" OR result IN ({_sql_list((*_V1_AUDIT_RESULTS, *_V2_AUDIT_RESULTS))}))",
)

_V2_PARTICIPANTS = (
    # No longer read: the invitations say where each person stands (migration 2 turned the
    # legacy values into invitation rows).
    "ALTER TABLE collab.session ALTER COLUMN invite_status SET DEFAULT 'pending'",
    # Whether the session (one the login sees) was made in the current transaction: being
    # started, or added by the demo. Its row's xmin is then this transaction's ID (one made
    # under a savepoint has the savepoint's: stricter, never looser).
    """
    CREATE FUNCTION collab.session_is_new(p_session_id text) RETURNS boolean
    LANGUAGE sql SET search_path = pg_catalog
    AS $$
        SELECT s.xmin = pg_current_xact_id()::xid
        FROM collab.session s WHERE s.session_id = p_session_id
    $$
    """,
    # A person added to a session that already runs (not one being started): only while it
    # is active (held against its end until the transaction commits), and by a name nobody
    # in it has. Row-level security decides whose sessions: the agent's, a grantee's, an
    # admin's.
    f"""
    CREATE FUNCTION collab.participant_added_by_the_rules() RETURNS trigger
    LANGUAGE plpgsql SET search_path = pg_catalog
    AS $$
    DECLARE
        v_state text;
    BEGIN
        IF collab.session_is_new(NEW.session_id) IS NOT false THEN
            RETURN NEW;  -- being started; or not the login's (row-level security refuses it)
        END IF;
        SELECT s.state INTO v_state FROM collab.session s
        WHERE s.session_id = NEW.session_id FOR SHARE;
        IF v_state IS DISTINCT FROM 'active' THEN
            {_refusal("a participant is added to an active session only")}
        END IF;
        IF EXISTS (SELECT 1 FROM collab.participant p
                   WHERE p.session_id = NEW.session_id AND lower(p.name) = lower(NEW.name)) THEN
            {_refusal("two people of a session cannot have the same name")}
        END IF;
        RETURN NEW;
    END
    $$
    """,
    """
    CREATE TRIGGER participant_added_by_the_rules BEFORE INSERT ON collab.participant
    FOR EACH ROW EXECUTE FUNCTION collab.participant_added_by_the_rules()
    """,
    f"""
    CREATE FUNCTION collab.participant_added_recorded() RETURNS trigger
    LANGUAGE plpgsql SET search_path = pg_catalog
    AS $$
    BEGIN
        IF collab.session_is_new(NEW.session_id) THEN
            RETURN NULL;  -- one of the people a session starts with (session_started)
        END IF;
        PERFORM collab.append_audit(
            'participant_added', NEW.session_id, NEW.access_id, NULL, NULL, NULL, NULL,
            nullif(NEW.contact, ''), NULL);
        PERFORM pg_notify('{EVENTS_CHANNEL}', json_build_object(
            'kind', 'participant', 'session_id', NEW.session_id,
            'access_id', NEW.access_id)::text);
        RETURN NULL;
    END
    $$
    """,
    """
    CREATE TRIGGER participant_added_recorded AFTER INSERT ON collab.participant
    FOR EACH ROW WHEN (NEW.position > 0) EXECUTE FUNCTION collab.participant_added_recorded()
    """,
    "GRANT EXECUTE ON FUNCTION collab.session_is_new(text) TO collab_admin, collab_agent",
)

_V2 = (*_V2_SETTINGS, *_V2_AUDIT, *_V2_PARTICIPANTS, *INVITATION_STATEMENTS)

#: The migrations, in order; ``pg_setup.migrate`` runs each in one transaction, then
#: :data:`LOCK_DOWN`, and records its number in ``collab.schema_version``.
MIGRATIONS: tuple[tuple[str, ...], ...] = (_V1, _V2)
SCHEMA_VERSION = len(MIGRATIONS)

#: Made by ``pg_setup.migrate`` before the first migration (it records them).
BOOTSTRAP = (
    "CREATE SCHEMA IF NOT EXISTS collab",
    "REVOKE ALL ON SCHEMA collab FROM PUBLIC",
    """
    CREATE TABLE IF NOT EXISTS collab.schema_version (
        version integer PRIMARY KEY CHECK (version >= 1),
        applied_at timestamptz NOT NULL DEFAULT transaction_timestamp(),
        applied_by text NOT NULL DEFAULT session_user
    )
    """,
)
