"""SQL for session links, invitations, the lobby and the join service's role on PostgreSQL.

``pg_schema``'s second migration runs :data:`INVITATION_STATEMENTS` (the outbox of
invitations, each of which carries a link: see the section at the end). Its first
migration runs :data:`LINK_STATEMENTS` after the base tables (``collab.session``,
``collab.participant``, ``collab.audit``…), as the database owner. They make, in
schema ``collab``:

* ``link``: one person's link, by the SHA-256 of its token (never the token);
  ``lobby``: each session's lock and count of denials (a session without a
  row is open, with none); ``join_request``; ``browser``: where each browser
  (by the hash of its cookie) stands; ``lobby_attempt``: attempts counted for
  the rate limits. Every table has ENABLE and FORCE ROW LEVEL SECURITY: an
  agent sees the rows of the sessions ``collab.session`` lets them see (an
  admin all of them); ``browser`` and ``lobby_attempt`` belong to the join
  functions alone.
* Triggers that hold the SQLite store's rules (``sqlite_schema``, version 6)
  against any writer, the table owner included: a link is made by an agent in
  their own name, at the server's time, with the expiry the settings in force
  give; its name, token hash and expiry never change; a revoked link stays
  revoked; it is used once, only by a join function and only while it works;
  a request to join is made by a join function and decided by an agent; a
  browser stands only where its link or request puts it. Links, requests and
  lobby locks are audited through ``collab.append_audit`` (the agent's entries)
  or ``collab.append_visitor_audit`` (a browser's, named by its address), and
  announced on ``collab_events`` (``links``, ``lobby``).
* The join service's functions, SECURITY DEFINER with a pinned search_path:
  ``join_check_link``, ``join_redeem_link``, ``join_request_by_id``,
  ``join_browser_status``, ``join_renew_browser``, and ``join_policy`` with
  ``join_settings`` (the settings in force, for its Session URL base).
  ``collab_join`` gets EXECUTE on them and no privilege on any table; agents
  and admins may call them too (they open only what a token, a cookie or a
  typed ID opens for anyone). The lobby's limits are ``core.lobby``'s
  constants, written into the SQL here, so the service cannot pass itself
  looser ones; the window of the rate limits ends at the caller's clock, and
  a link counts as stopped by the later of the caller's clock and the server's.

A "join function" is recognised in triggers by its effect on the roles:
inside it ``current_user`` is the owner of the schema's tables and
``session_user`` is the login that called it; no login writes as the owner
otherwise (FORCE ROW LEVEL SECURITY holds the owner too). Its rows of the
base tables come from the ``<table>_to_definer_functions`` policies that
``pg_schema.LOCK_DOWN`` gives every table; this module gives its own tables
theirs.
"""

from __future__ import annotations

from collab_console.core.delivery import CLAIM_SECONDS, INVITATION_ID_PATTERN, MAX_REASON_LENGTH
from collab_console.core.links import LINK_ID_PATTERN
from collab_console.core.lobby import (
    LOCK_AFTER_DENIALS,
    MAX_NAME_LENGTH,
    MAX_REQUESTS_PER_ADDRESS,
    MAX_REQUESTS_PER_ID,
    RATE_WINDOW,
    REQUEST_ID_PATTERN,
)
from collab_console.core.text import SESSION_ID_PATTERN

#: A lower-case hex SHA-256: a token's, a cookie's.
_HEX64 = "'^[0-9a-f]{64}$'"
_LINK_ID = f"'^{LINK_ID_PATTERN.pattern}$'"
_REQUEST_ID = f"'^{REQUEST_ID_PATTERN.pattern}$'"
#: A person's own ID: core's pattern as it is (PostgreSQL knows its \A and \Z anchors too).
_OWN_ID = f"'{SESSION_ID_PATTERN.pattern}'"
#: Where a request came from, as the join service saw it (``sqlite._address``): 1 to 100
#: printable ASCII characters, no space.
_ADDRESS = "'^[!-~]{1,100}$'"
#: An agent's login or a name: no control character, no space around it.
_NO_CONTROLS = "'^[^[:cntrl:]]*$'"
_RATE_WINDOW = f"interval '{int(RATE_WINDOW.total_seconds())} seconds'"
_AGENT_ROLES = "collab_agent, collab_admin"

#: A setting in force, as text (the base schema's accessor).
_SETTING = "collab.setting_text({key})"


def _refuse(message: str) -> str:
    """A plpgsql statement that refuses the write with ``message`` (the store shows it)."""
    escaped = message.replace("'", "''")
    return f"RAISE EXCEPTION '{escaped}' USING ERRCODE = 'check_violation'"


def _notify(kind: str, session_id: str) -> str:
    return (
        "PERFORM pg_notify('collab_events', json_build_object("
        f"'kind', '{kind}', 'session_id', {session_id})::text)"
    )


def _rls(table: str) -> tuple[str, ...]:
    """Row-level security on ``table``: agents see the rows of the sessions they can see,
    and the join functions (running as the owner for another login) every row."""
    return (
        f"ALTER TABLE collab.{table} ENABLE ROW LEVEL SECURITY",
        f"ALTER TABLE collab.{table} FORCE ROW LEVEL SECURITY",
        f"""
        CREATE POLICY {table}_of_sessions_seen ON collab.{table} TO {_AGENT_ROLES}
        USING (EXISTS (SELECT 1 FROM collab.session s WHERE s.session_id = {table}.session_id))
        WITH CHECK (EXISTS (SELECT 1 FROM collab.session s WHERE s.session_id = {table}.session_id))
        """,
        *_definer_policy(table),
    )


def _definer_policy(table: str) -> tuple[str, ...]:
    """Every row of ``table`` to the schema's own SECURITY DEFINER functions, and to
    nobody else: the policy names the owner, and holds only while another login calls."""
    return (
        f"""
        CREATE POLICY {table}_to_definer_functions ON collab.{table} TO CURRENT_USER
        USING (session_user <> current_user) WITH CHECK (session_user <> current_user)
        """,
    )


def _kept(table: str, what: str) -> tuple[str, ...]:
    """Rows of ``table`` are never deleted nor truncated, by anyone."""
    return (
        f"""
        CREATE FUNCTION collab.{table}_kept() RETURNS trigger LANGUAGE plpgsql
        SET search_path = pg_catalog, collab AS $$
        BEGIN
            {_refuse(what)};
        END $$
        """,
        f"CREATE TRIGGER {table}_not_deleted BEFORE DELETE ON collab.{table}"
        f" FOR EACH ROW EXECUTE FUNCTION collab.{table}_kept()",
        f"CREATE TRIGGER {table}_not_truncated BEFORE TRUNCATE ON collab.{table}"
        f" FOR EACH STATEMENT EXECUTE FUNCTION collab.{table}_kept()",
    )


def _definer(
    signature: str, returns: str, body: str, *, language: str = "plpgsql", volatility: str = ""
) -> str:
    """A SECURITY DEFINER function: it runs as the owner, with a search_path nobody can
    put objects in front of."""
    return f"""
        CREATE FUNCTION collab.{signature} RETURNS {returns}
        LANGUAGE {language} {volatility} SECURITY DEFINER SET search_path = pg_catalog, collab
        AS $$ {body} $$
        """


_HELPERS = (
    # -- who writes
    """
    CREATE FUNCTION collab.in_definer_function() RETURNS boolean LANGUAGE sql STABLE
    SET search_path = pg_catalog, collab AS $$
        SELECT current_user <> session_user AND current_user = (
            SELECT pg_get_userbyid(c.relowner) FROM pg_class c
            WHERE c.oid = 'collab.link'::regclass)
    $$
    """,
    # The address of the browser a join function acts for, or NULL outside one.
    """
    CREATE FUNCTION collab.visitor() RETURNS text LANGUAGE sql STABLE
    SET search_path = pg_catalog, collab AS $$
        SELECT CASE WHEN collab.in_definer_function()
                    THEN nullif(current_setting('collab.visitor', true), '') END
    $$
    """,
    """
    CREATE FUNCTION collab.by_an_agent() RETURNS boolean LANGUAGE sql STABLE
    SET search_path = pg_catalog, collab AS $$
        SELECT current_user = session_user
            AND (pg_has_role(session_user, 'collab_agent', 'MEMBER')
                 OR pg_has_role(session_user, 'collab_admin', 'MEMBER'))
    $$
    """,
    # -- what a link made now must be (core.links.expires_at; 0 minutes: the session's end)
    f"""
    CREATE FUNCTION collab.link_expiry(p_purpose text, p_made_at timestamptz)
    RETURNS timestamptz LANGUAGE sql STABLE SET search_path = pg_catalog, collab AS $$
        SELECT CASE m.minutes WHEN 0 THEN NULL
                   ELSE p_made_at + make_interval(mins => m.minutes) END
        FROM (SELECT ({
        _SETTING.format(
            key="CASE p_purpose WHEN 'copy' THEN 'copied_link_minutes'"
            " ELSE 'invitation_link_minutes' END"
        )
    })::integer
                     AS minutes) m
    $$
    """,
    f"""
    CREATE FUNCTION collab.link_first_join_only() RETURNS boolean LANGUAGE sql STABLE
    SET search_path = pg_catalog, collab AS $$
        SELECT {_SETTING.format(key="'link_first_join_only'")} = 'on'
    $$
    """,
    # core.links.Link.state, for the join functions (test_org_links checks they agree).
    """
    CREATE FUNCTION collab.link_state(
        p_revoked_at timestamptz, p_session_ended boolean, p_first_join_only boolean,
        p_used_at timestamptz, p_expires_at timestamptz, p_now timestamptz
    ) RETURNS text LANGUAGE sql IMMUTABLE SET search_path = pg_catalog, collab AS $$
        SELECT CASE
            WHEN p_revoked_at IS NOT NULL THEN 'revoked'
            WHEN p_session_ended THEN 'ended'
            WHEN p_first_join_only AND p_used_at IS NOT NULL THEN 'used'
            WHEN p_expires_at IS NOT NULL AND p_now >= p_expires_at THEN 'expired'
            ELSE 'live' END
    $$
    """,
    """
    CREATE FUNCTION collab.session_active(p_session_id text, p_access_id text) RETURNS boolean
    LANGUAGE sql STABLE SET search_path = pg_catalog, collab AS $$
        SELECT EXISTS (
            SELECT 1 FROM collab.session s JOIN collab.participant p
                ON p.session_id = s.session_id AND p.access_id = p_access_id
            WHERE s.session_id = p_session_id AND s.state = 'active')
    $$
    """,
    # An audit entry of a link or the lobby: the browser's when a join function acts for
    # one (its address is the actor), else the login's.
    """
    CREATE FUNCTION collab.links_audit(
        p_kind text, p_session_id text, p_participant_id text, p_detail text,
        p_old_value text, p_new_value text, p_result text
    ) RETURNS void LANGUAGE plpgsql SET search_path = pg_catalog, collab AS $$
    DECLARE
        v_visitor text := collab.visitor();
    BEGIN
        IF v_visitor IS NOT NULL THEN
            PERFORM collab.append_visitor_audit(
                v_visitor, p_kind, p_session_id, p_participant_id, p_detail, p_old_value,
                p_new_value, p_result);
        ELSE
            PERFORM collab.append_audit(
                p_kind, p_session_id, p_participant_id, p_detail, p_old_value, p_new_value,
                NULL, NULL, p_result);
        END IF;
    END $$
    """,
)

_MADE_BY_AN_AGENT = "a link is made by Collab Console, in the name of the agent who asked for it"
_RENEWED_ONLY = "a browser's cookie is renewed by the join service only, to one nobody has"

_LINK = (
    f"""
    CREATE TABLE collab.link (
        id bigint GENERATED ALWAYS AS IDENTITY UNIQUE,
        link_id text PRIMARY KEY CHECK (link_id ~ {_LINK_ID}),
        token_hash text NOT NULL UNIQUE CHECK (token_hash ~ {_HEX64}),
        session_id text NOT NULL,
        access_id text NOT NULL,
        purpose text NOT NULL CHECK (purpose IN ('copy', 'invitation')),
        made_by text NOT NULL DEFAULT session_user
            CHECK (length(btrim(made_by)) BETWEEN 1 AND 200 AND made_by ~ {_NO_CONTROLS}),
        made_at timestamptz NOT NULL DEFAULT transaction_timestamp(),
        expires_at timestamptz CHECK (expires_at > made_at),
        first_join_only boolean NOT NULL,
        used_at timestamptz,
        browser text CHECK (browser ~ {_HEX64}),
        revoked_at timestamptz,
        revoked_by text
            CHECK (length(btrim(revoked_by)) BETWEEN 1 AND 200 AND revoked_by ~ {_NO_CONTROLS}),
        FOREIGN KEY (session_id, access_id) REFERENCES collab.participant (session_id, access_id),
        CHECK ((used_at IS NULL) = (browser IS NULL)),
        CHECK ((revoked_at IS NULL) = (revoked_by IS NULL))
    )
    """,
    "CREATE INDEX link_by_session ON collab.link (session_id, id)",
    "CREATE INDEX link_by_person ON collab.link (access_id, id)",
    "CREATE INDEX link_by_maker ON collab.link (made_by, made_at)",
    "CREATE INDEX link_by_browser ON collab.link (browser) WHERE browser IS NOT NULL",
    *_HELPERS,
    *_rls("link"),
    f"""
    CREATE FUNCTION collab.link_made_by_the_rules() RETURNS trigger LANGUAGE plpgsql
    SET search_path = pg_catalog, collab AS $$
    BEGIN
        IF NOT collab.by_an_agent() OR NEW.made_by IS DISTINCT FROM session_user::text THEN
            {_refuse(_MADE_BY_AN_AGENT)};
        END IF;
        IF NEW.made_at IS DISTINCT FROM transaction_timestamp()
            OR NEW.expires_at IS DISTINCT FROM collab.link_expiry(NEW.purpose, NEW.made_at)
            OR NEW.first_join_only IS DISTINCT FROM collab.link_first_join_only()
            OR NEW.used_at IS NOT NULL OR NEW.browser IS NOT NULL
            OR NEW.revoked_at IS NOT NULL OR NEW.revoked_by IS NOT NULL THEN
            {_refuse("the store dates a new link and gives it the expiry the settings say")};
        END IF;
        IF NOT collab.session_active(NEW.session_id, NEW.access_id) THEN
            {_refuse("a link is made only for a person of an active session")};
        END IF;
        RETURN NEW;
    END $$
    """,
    "CREATE TRIGGER link_made_by_the_rules BEFORE INSERT ON collab.link"
    " FOR EACH ROW EXECUTE FUNCTION collab.link_made_by_the_rules()",
    f"""
    CREATE FUNCTION collab.link_changed_by_the_rules() RETURNS trigger LANGUAGE plpgsql
    SET search_path = pg_catalog, collab AS $$
    BEGIN
        IF (NEW.id, NEW.link_id, NEW.token_hash, NEW.session_id, NEW.access_id, NEW.purpose,
            NEW.made_by, NEW.made_at, NEW.expires_at, NEW.first_join_only)
           IS DISTINCT FROM
           (OLD.id, OLD.link_id, OLD.token_hash, OLD.session_id, OLD.access_id, OLD.purpose,
            OLD.made_by, OLD.made_at, OLD.expires_at, OLD.first_join_only) THEN
            {_refuse("a link's name, token, person, purpose and expiry cannot change")};
        END IF;
        IF (NEW.revoked_at, NEW.revoked_by) IS DISTINCT FROM (OLD.revoked_at, OLD.revoked_by) THEN
            IF OLD.revoked_at IS NOT NULL OR OLD.revoked_by IS NOT NULL THEN
                {_refuse("a revoked link stays revoked")};
            END IF;
            IF NOT collab.by_an_agent() OR NEW.revoked_at IS DISTINCT FROM transaction_timestamp()
                OR NEW.revoked_by IS DISTINCT FROM session_user::text THEN
                {_refuse("the store records who revoked a link, and when")};
            END IF;
        END IF;
        IF (NEW.used_at, NEW.browser) IS DISTINCT FROM (OLD.used_at, OLD.browser) THEN
            IF OLD.used_at IS NOT NULL OR OLD.browser IS NOT NULL THEN
                IF NEW.used_at IS DISTINCT FROM OLD.used_at
                    OR NOT collab.browser_renewed(OLD.browser, NEW.browser) THEN
                    {_refuse("the browser that joined with a link cannot change")};
                END IF;
            ELSIF collab.visitor() IS NULL OR NEW.used_at IS DISTINCT FROM transaction_timestamp()
                OR OLD.revoked_at IS NOT NULL
                OR OLD.expires_at <= transaction_timestamp()
                OR NOT collab.session_active(OLD.session_id, OLD.access_id) THEN
                {_refuse("a link lets a browser join only while it works")};
            END IF;
        END IF;
        RETURN NEW;
    END $$
    """,
    "CREATE TRIGGER link_changed_by_the_rules BEFORE UPDATE ON collab.link"
    " FOR EACH ROW EXECUTE FUNCTION collab.link_changed_by_the_rules()",
    *_kept("link", "a link cannot be deleted"),
    f"""
    CREATE FUNCTION collab.link_recorded() RETURNS trigger LANGUAGE plpgsql
    SET search_path = pg_catalog, collab AS $$
    BEGIN
        IF TG_OP = 'INSERT' THEN
            PERFORM collab.links_audit('link_made', NEW.session_id, NEW.access_id, NEW.link_id,
                                       NULL, NEW.purpose, NULL);
        ELSIF OLD.revoked_at IS NULL AND NEW.revoked_at IS NOT NULL THEN
            PERFORM collab.links_audit('link_revoked', NEW.session_id, NEW.access_id,
                                       NEW.link_id, NULL, 'revoked', NULL);
        ELSIF OLD.used_at IS NOT DISTINCT FROM NEW.used_at THEN
            RETURN NULL;  -- a renewed browser: nothing an agent sees changed
        END IF;
        {_notify("links", "NEW.session_id")};
        RETURN NULL;
    END $$
    """,
    "CREATE TRIGGER link_recorded AFTER INSERT OR UPDATE ON collab.link"
    " FOR EACH ROW EXECUTE FUNCTION collab.link_recorded()",
)

_LOBBY = (
    """
    CREATE TABLE collab.lobby (
        session_id text PRIMARY KEY REFERENCES collab.session (session_id),
        locked boolean NOT NULL DEFAULT false,
        lock_reason text CHECK (lock_reason IN ('agent', 'denials', 'requests_per_id')),
        denials integer NOT NULL DEFAULT 0 CHECK (denials >= 0),
        CHECK (locked = (lock_reason IS NOT NULL))
    )
    """,
    *_rls("lobby"),
    # A session without a row is open, with no denials: a new row starts from there.
    f"""
    CREATE FUNCTION collab.lobby_changed_by_the_rules() RETURNS trigger LANGUAGE plpgsql
    SET search_path = pg_catalog, collab AS $$
    DECLARE
        v_locked boolean := false;
        v_reason text;
        v_denials integer := 0;
    BEGIN
        IF TG_OP = 'UPDATE' THEN
            IF NEW.session_id IS DISTINCT FROM OLD.session_id THEN
                {_refuse("a lobby cannot move to another session")};
            END IF;
            v_locked := OLD.locked;
            v_reason := OLD.lock_reason;
            v_denials := OLD.denials;
        END IF;
        IF (NEW.locked < v_locked OR NEW.denials < v_denials
            OR (v_locked AND NEW.lock_reason IS DISTINCT FROM v_reason))
           AND NOT collab.by_an_agent() THEN
            {_refuse("only the agent can unlock a lobby")};
        END IF;
        RETURN NEW;
    END $$
    """,
    "CREATE TRIGGER lobby_changed_by_the_rules BEFORE INSERT OR UPDATE ON collab.lobby"
    " FOR EACH ROW EXECUTE FUNCTION collab.lobby_changed_by_the_rules()",
    *_kept("lobby", "a session's lobby cannot be removed"),
    f"""
    CREATE FUNCTION collab.lobby_lock_recorded() RETURNS trigger LANGUAGE plpgsql
    SET search_path = pg_catalog, collab AS $$
    DECLARE
        v_was boolean := CASE TG_OP WHEN 'UPDATE' THEN OLD.locked ELSE false END;
    BEGIN
        IF NEW.locked IS DISTINCT FROM v_was THEN
            PERFORM collab.links_audit(
                'lobby_lock', NEW.session_id, NULL, NEW.lock_reason,
                CASE WHEN v_was THEN 'locked' ELSE 'unlocked' END,
                CASE WHEN NEW.locked THEN 'locked' ELSE 'unlocked' END, NULL);
            {_notify("lobby", "NEW.session_id")};
        END IF;
        RETURN NULL;
    END $$
    """,
    "CREATE TRIGGER lobby_lock_recorded AFTER INSERT OR UPDATE ON collab.lobby"
    " FOR EACH ROW EXECUTE FUNCTION collab.lobby_lock_recorded()",
)

_JOIN_REQUEST = (
    f"""
    CREATE TABLE collab.join_request (
        id bigint GENERATED ALWAYS AS IDENTITY UNIQUE,
        request_id text PRIMARY KEY CHECK (request_id ~ {_REQUEST_ID}),
        session_id text NOT NULL,
        access_id text NOT NULL,
        name text NOT NULL CHECK (length(btrim(name)) BETWEEN 1 AND {MAX_NAME_LENGTH}
                                  AND name = btrim(name) AND name ~ {_NO_CONTROLS}),
        route text NOT NULL CHECK (route IN ('by_id', 'link_reused')),
        link_id text REFERENCES collab.link (link_id),
        browser text NOT NULL CHECK (browser ~ {_HEX64}),
        address text NOT NULL CHECK (address ~ {_ADDRESS}),
        made_at timestamptz NOT NULL DEFAULT transaction_timestamp(),
        state text NOT NULL DEFAULT 'waiting' CHECK (state IN ('waiting', 'admitted', 'denied')),
        decided_by text
            CHECK (length(btrim(decided_by)) BETWEEN 1 AND 200 AND decided_by ~ {_NO_CONTROLS}),
        decided_at timestamptz,
        FOREIGN KEY (session_id, access_id) REFERENCES collab.participant (session_id, access_id),
        CHECK ((route = 'link_reused') = (link_id IS NOT NULL)),
        CHECK ((state = 'waiting') = (decided_by IS NULL)),
        CHECK ((decided_by IS NULL) = (decided_at IS NULL))
    )
    """,
    "CREATE INDEX join_request_by_session ON collab.join_request (session_id, state, id)",
    "CREATE INDEX join_request_by_browser ON collab.join_request (browser, id)",
    *_rls("join_request"),
    f"""
    CREATE FUNCTION collab.join_request_made_by_the_rules() RETURNS trigger LANGUAGE plpgsql
    SET search_path = pg_catalog, collab AS $$
    BEGIN
        IF collab.visitor() IS DISTINCT FROM NEW.address
            OR NEW.made_at IS DISTINCT FROM transaction_timestamp()
            OR NEW.state IS DISTINCT FROM 'waiting' THEN
            {_refuse("a request to join comes from a browser, waiting, dated by the store")};
        END IF;
        IF NOT collab.session_active(NEW.session_id, NEW.access_id)
            OR EXISTS (SELECT 1 FROM collab.lobby l
                       WHERE l.session_id = NEW.session_id AND l.locked)
            OR (NEW.link_id IS NOT NULL AND NOT EXISTS (
                SELECT 1 FROM collab.link l WHERE l.link_id = NEW.link_id
                    AND l.session_id = NEW.session_id AND l.access_id = NEW.access_id)) THEN
            {_refuse("a request to join goes to the open lobby of an active session")};
        END IF;
        RETURN NEW;
    END $$
    """,
    "CREATE TRIGGER join_request_made_by_the_rules BEFORE INSERT ON collab.join_request"
    " FOR EACH ROW EXECUTE FUNCTION collab.join_request_made_by_the_rules()",
    f"""
    CREATE FUNCTION collab.join_request_decided_by_the_rules() RETURNS trigger LANGUAGE plpgsql
    SET search_path = pg_catalog, collab AS $$
    BEGIN
        IF (NEW.id, NEW.request_id, NEW.session_id, NEW.access_id, NEW.name, NEW.route,
            NEW.link_id, NEW.address, NEW.made_at)
           IS DISTINCT FROM
           (OLD.id, OLD.request_id, OLD.session_id, OLD.access_id, OLD.name, OLD.route,
            OLD.link_id, OLD.address, OLD.made_at)
           OR (NEW.browser IS DISTINCT FROM OLD.browser
               AND NOT collab.browser_renewed(OLD.browser, NEW.browser)) THEN
            {_refuse("a request to join cannot be changed, only decided")};
        END IF;
        IF (NEW.state, NEW.decided_by, NEW.decided_at)
           IS DISTINCT FROM (OLD.state, OLD.decided_by, OLD.decided_at) THEN
            IF OLD.state <> 'waiting' THEN
                {_refuse("a decided request to join stays decided")};
            END IF;
            IF NOT collab.by_an_agent() OR NEW.state = 'waiting'
                OR NEW.decided_by IS DISTINCT FROM session_user::text
                OR NEW.decided_at IS DISTINCT FROM transaction_timestamp() THEN
                {_refuse("only the agent decides a request to join")};
            END IF;
            IF NOT collab.session_active(OLD.session_id, OLD.access_id) THEN
                {_refuse("a request to join cannot be decided once its session has ended")};
            END IF;
        END IF;
        RETURN NEW;
    END $$
    """,
    "CREATE TRIGGER join_request_decided_by_the_rules BEFORE UPDATE ON collab.join_request"
    " FOR EACH ROW EXECUTE FUNCTION collab.join_request_decided_by_the_rules()",
    *_kept("join_request", "a request to join cannot be deleted"),
)

_BROWSER = (
    f"""
    CREATE TABLE collab.browser (
        cookie_hash text PRIMARY KEY CHECK (cookie_hash ~ {_HEX64}),
        session_id text NOT NULL,
        access_id text NOT NULL,
        name text NOT NULL CHECK (length(btrim(name)) BETWEEN 1 AND 120 AND name ~ {_NO_CONTROLS}),
        state text NOT NULL CHECK (state IN ('joined', 'waiting', 'denied')),
        link_id text REFERENCES collab.link (link_id),
        request_id text REFERENCES collab.join_request (request_id),
        changed_at timestamptz NOT NULL DEFAULT transaction_timestamp(),
        FOREIGN KEY (session_id, access_id) REFERENCES collab.participant (session_id, access_id),
        CHECK (link_id IS NOT NULL OR request_id IS NOT NULL)
    )
    """,
    "CREATE INDEX browser_by_request ON collab.browser (request_id)",
    # A browser's cookie moved from ``p_old`` to ``p_new`` just now, by join_renew_browser.
    """
    CREATE FUNCTION collab.browser_renewed(p_old text, p_new text) RETURNS boolean
    LANGUAGE sql STABLE SET search_path = pg_catalog, collab AS $$
        SELECT collab.in_definer_function() AND p_new IS NOT NULL
            AND NOT EXISTS (SELECT 1 FROM collab.browser b WHERE b.cookie_hash = p_old)
            AND EXISTS (SELECT 1 FROM collab.browser b WHERE b.cookie_hash = p_new
                        AND b.changed_at = transaction_timestamp())
    $$
    """,
    "ALTER TABLE collab.browser ENABLE ROW LEVEL SECURITY",
    "ALTER TABLE collab.browser FORCE ROW LEVEL SECURITY",
    *_definer_policy("browser"),
    f"""
    CREATE FUNCTION collab.browser_placed_by_the_rules() RETURNS trigger LANGUAGE plpgsql
    SET search_path = pg_catalog, collab AS $$
    BEGIN
        IF NOT collab.in_definer_function() THEN
            {_refuse("a browser stands only where its link or its request to join puts it")};
        END IF;
        IF TG_OP = 'UPDATE' AND NEW.cookie_hash IS DISTINCT FROM OLD.cookie_hash THEN
            IF NEW.changed_at IS DISTINCT FROM transaction_timestamp()
                OR (NEW.session_id, NEW.access_id, NEW.name, NEW.state, NEW.link_id, NEW.request_id)
                   IS DISTINCT FROM
                   (OLD.session_id, OLD.access_id, OLD.name, OLD.state, OLD.link_id, OLD.request_id)
                OR EXISTS (SELECT 1 FROM collab.browser b WHERE b.cookie_hash = NEW.cookie_hash)
                OR EXISTS (SELECT 1 FROM collab.link l WHERE l.browser = NEW.cookie_hash)
                OR EXISTS (SELECT 1 FROM collab.join_request r WHERE r.browser = NEW.cookie_hash)
            THEN
                {_refuse(_RENEWED_ONLY)};
            END IF;
            RETURN NEW;
        END IF;
        IF NEW.changed_at IS DISTINCT FROM transaction_timestamp() OR NOT (
            (NEW.state = 'joined' AND NEW.request_id IS NULL AND EXISTS (
                SELECT 1 FROM collab.link l JOIN collab.participant p
                    ON p.session_id = l.session_id AND p.access_id = l.access_id
                WHERE l.link_id = NEW.link_id AND l.browser = NEW.cookie_hash
                    AND l.session_id = NEW.session_id AND l.access_id = NEW.access_id
                    AND p.name = NEW.name))
            OR EXISTS (
                SELECT 1 FROM collab.join_request r WHERE r.request_id = NEW.request_id
                    AND r.browser = NEW.cookie_hash AND r.session_id = NEW.session_id
                    AND r.access_id = NEW.access_id AND r.name = NEW.name
                    AND r.state = CASE NEW.state WHEN 'joined' THEN 'admitted' ELSE NEW.state END))
        THEN
            {_refuse("a browser stands only where its link or its request to join puts it")};
        END IF;
        RETURN NEW;
    END $$
    """,
    "CREATE TRIGGER browser_placed_by_the_rules BEFORE INSERT OR UPDATE ON collab.browser"
    " FOR EACH ROW EXECUTE FUNCTION collab.browser_placed_by_the_rules()",
    *_kept("browser", "a browser cannot be forgotten"),
)

_LOBBY_ATTEMPT = (
    f"""
    CREATE TABLE collab.lobby_attempt (
        id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
        at timestamptz NOT NULL DEFAULT transaction_timestamp(),
        address text NOT NULL CHECK (address ~ {_ADDRESS}),
        access_id text CHECK (access_id ~ {_OWN_ID})
    )
    """,
    "CREATE INDEX lobby_attempt_by_address ON collab.lobby_attempt (address, at)",
    "CREATE INDEX lobby_attempt_by_id ON collab.lobby_attempt (access_id, at)",
    "ALTER TABLE collab.lobby_attempt ENABLE ROW LEVEL SECURITY",
    "ALTER TABLE collab.lobby_attempt FORCE ROW LEVEL SECURITY",
    *_definer_policy("lobby_attempt"),
    f"""
    CREATE FUNCTION collab.lobby_attempt_counted() RETURNS trigger LANGUAGE plpgsql
    SET search_path = pg_catalog, collab AS $$
    BEGIN
        IF TG_OP = 'INSERT' AND (collab.visitor() IS DISTINCT FROM NEW.address
                                 OR NEW.at IS DISTINCT FROM transaction_timestamp()) THEN
            {_refuse("the store dates and counts each attempt to join")};
        ELSIF TG_OP = 'UPDATE' THEN
            {_refuse("an attempt to join cannot be changed")};
        ELSIF TG_OP = 'DELETE' AND OLD.at > transaction_timestamp() - interval '1 day' THEN
            {_refuse("an attempt to join counts for a day")};
        ELSIF TG_OP = 'TRUNCATE' THEN
            {_refuse("an attempt to join counts for a day")};
        END IF;
        RETURN CASE TG_OP WHEN 'DELETE' THEN OLD ELSE NEW END;
    END $$
    """,
    "CREATE TRIGGER lobby_attempt_counted BEFORE INSERT OR UPDATE OR DELETE"
    " ON collab.lobby_attempt FOR EACH ROW EXECUTE FUNCTION collab.lobby_attempt_counted()",
    "CREATE TRIGGER lobby_attempt_not_truncated BEFORE TRUNCATE ON collab.lobby_attempt"
    " FOR EACH STATEMENT EXECUTE FUNCTION collab.lobby_attempt_counted()",
)

# -- what follows a decision, and the end of a session
_CONSEQUENCES = (
    # The browser a request put in the lobby follows its decision. Browsers are the join
    # functions' alone, so this one step runs as the owner.
    _definer(
        "place_decided_browser(p_request_id text)",
        "void",
        """
        UPDATE collab.browser b
        SET state = CASE r.state WHEN 'admitted' THEN 'joined' ELSE 'denied' END,
            changed_at = transaction_timestamp()
        FROM collab.join_request r
        WHERE r.request_id = p_request_id AND r.state <> 'waiting'
            AND b.request_id = r.request_id AND b.cookie_hash = r.browser
        """,
        language="sql",
    ),
    f"""
    CREATE FUNCTION collab.join_request_recorded() RETURNS trigger LANGUAGE plpgsql
    SET search_path = pg_catalog, collab AS $$
    BEGIN
        IF TG_OP = 'INSERT' THEN
            PERFORM collab.links_audit('join_request', NEW.session_id, NEW.access_id,
                                       NEW.request_id, NULL, NEW.route, 'waiting');
        ELSIF OLD.state = 'waiting' AND NEW.state <> 'waiting' THEN
            PERFORM collab.links_audit('join_decision', NEW.session_id, NEW.access_id,
                                       NEW.request_id, NULL, NEW.route, NEW.state);
            PERFORM collab.place_decided_browser(NEW.request_id);
            IF NEW.state = 'denied' THEN
                INSERT INTO collab.lobby AS l (session_id, denials) VALUES (NEW.session_id, 1)
                ON CONFLICT (session_id) DO UPDATE SET denials = l.denials + 1;
                UPDATE collab.lobby l SET locked = true, lock_reason = 'denials'
                WHERE l.session_id = NEW.session_id AND NOT l.locked
                    AND l.denials >= {LOCK_AFTER_DENIALS};
            END IF;
        ELSE
            RETURN NULL;  -- a renewed browser
        END IF;
        {_notify("lobby", "NEW.session_id")};
        RETURN NULL;
    END $$
    """,
    "CREATE TRIGGER join_request_recorded AFTER INSERT OR UPDATE ON collab.join_request"
    " FOR EACH ROW EXECUTE FUNCTION collab.join_request_recorded()",
    # Ending a session stops its links and turns its waiting browsers away: say so.
    f"""
    CREATE FUNCTION collab.session_end_stops_links() RETURNS trigger LANGUAGE plpgsql
    SET search_path = pg_catalog, collab AS $$
    BEGIN
        IF EXISTS (SELECT 1 FROM collab.link l WHERE l.session_id = NEW.session_id) THEN
            {_notify("links", "NEW.session_id")};
        END IF;
        IF EXISTS (SELECT 1 FROM collab.join_request r WHERE r.session_id = NEW.session_id) THEN
            {_notify("lobby", "NEW.session_id")};
        END IF;
        RETURN NULL;
    END $$
    """,
    "CREATE TRIGGER session_end_stops_links AFTER UPDATE OF state ON collab.session"
    " FOR EACH ROW WHEN (OLD.state = 'active' AND NEW.state = 'ended')"
    " EXECUTE FUNCTION collab.session_end_stops_links()",
)

# -- the join service's functions -------------------------------------------------------

#: A link's columns, in ``pg_links.link_from`` order, then its session's state.
LINK_COLUMNS = (
    "l.link_id, l.session_id, l.access_id, l.purpose, l.made_by, l.made_at, l.expires_at,"
    " l.first_join_only, l.used_at, l.revoked_at, l.revoked_by, s.state"
)


def _link_table(prefix: str = "") -> str:
    """The output columns of :data:`LINK_COLUMNS`, their names prefixed by ``prefix``."""
    columns = (
        "link_id text, session_id text, access_id text, purpose text, made_by text,"
        " made_at timestamptz, expires_at timestamptz, first_join_only boolean,"
        " used_at timestamptz, revoked_at timestamptz, revoked_by text, session_state text"
    )
    return ", ".join(prefix + column for column in columns.split(", "))


#: A request's columns, in ``pg_links.request_from`` order.
REQUEST_COLUMNS = (
    "r.request_id, r.session_id, r.access_id, r.name, r.route, r.link_id, r.address,"
    " r.made_at, r.state, r.decided_by, r.decided_at"
)
_REQUEST_TABLE = (
    "request_id text, session_id text, access_id text, name text, route text, link_id text,"
    " address text, made_at timestamptz, state text, decided_by text, decided_at timestamptz"
)

_JOIN_FUNCTIONS = (
    # Who the join function acts for: checked, and named for the triggers and the audit.
    f"""
    CREATE FUNCTION collab.visiting(p_browser text, p_address text) RETURNS void
    LANGUAGE plpgsql SET search_path = pg_catalog, collab AS $$
    BEGIN
        IF p_browser IS NULL OR p_browser !~ {_HEX64} THEN
            {_refuse("a browser is known by the SHA-256 of its cookie, in lower-case hex")};
        END IF;
        IF p_address IS NULL OR p_address !~ {_ADDRESS} THEN
            {_refuse("the address of a browser is 1 to 100 printable characters")};
        END IF;
        PERFORM set_config('collab.visitor', p_address, true);
    END $$
    """,
    # Where the browser now stands (the trigger checks its link or request).
    """
    CREATE FUNCTION collab.place_browser(
        p_cookie text, p_session_id text, p_access_id text, p_name text, p_state text,
        p_link_id text, p_request_id text
    ) RETURNS void LANGUAGE plpgsql SET search_path = pg_catalog, collab AS $$
    BEGIN
        UPDATE collab.browser b
        SET session_id = p_session_id, access_id = p_access_id, name = p_name,
            state = p_state, link_id = p_link_id, request_id = p_request_id,
            changed_at = transaction_timestamp()
        WHERE b.cookie_hash = p_cookie;
        IF NOT FOUND THEN
            INSERT INTO collab.browser
                (cookie_hash, session_id, access_id, name, state, link_id, request_id)
            VALUES (p_cookie, p_session_id, p_access_id, p_name, p_state, p_link_id, p_request_id);
        END IF;
    END $$
    """,
    # Count an attempt to join from p_address and say why it may not go to the agent
    # (core.lobby's limits: per address, then per ID, one past which locks the lobby).
    # p_session_id is NULL for an ID nobody has. The window ends at the caller's clock.
    f"""
    CREATE FUNCTION collab.lobby_admission(
        p_address text, p_session_id text, p_access_id text, p_session_state text,
        p_now timestamptz
    ) RETURNS text LANGUAGE plpgsql SET search_path = pg_catalog, collab AS $$
    DECLARE
        v_since timestamptz := p_now - {_RATE_WINDOW};
        v_from_there bigint;
        v_for_id bigint;
        v_named text;
    BEGIN
        -- one attempt counted at a time: two cannot both take the last place
        PERFORM pg_advisory_xact_lock(hashtext('collab.lobby_attempt'));
        DELETE FROM collab.lobby_attempt a
        WHERE a.at < transaction_timestamp() - interval '1 day 1 minute';
        SELECT count(*) INTO v_from_there FROM collab.lobby_attempt a
        WHERE a.address = p_address AND a.at > v_since;
        v_named := CASE WHEN p_session_id IS NULL
                             OR v_from_there >= {MAX_REQUESTS_PER_ADDRESS} THEN NULL
                        ELSE p_access_id END;
        SELECT count(*) INTO v_for_id FROM collab.lobby_attempt a
        WHERE a.access_id = v_named AND a.at > v_since;
        INSERT INTO collab.lobby_attempt (address, access_id) VALUES (p_address, v_named);
        IF v_from_there >= {MAX_REQUESTS_PER_ADDRESS} THEN
            RETURN 'rate_limited';
        ELSIF p_session_id IS NULL THEN
            RETURN 'unknown_id';
        ELSIF p_session_state <> 'active' THEN
            RETURN 'ended';
        ELSIF EXISTS (SELECT 1 FROM collab.lobby l WHERE l.session_id = p_session_id AND l.locked)
        THEN
            RETURN 'locked';
        ELSIF v_for_id >= {MAX_REQUESTS_PER_ID} THEN
            INSERT INTO collab.lobby AS l (session_id, locked, lock_reason)
            VALUES (p_session_id, true, 'requests_per_id')
            ON CONFLICT (session_id) DO UPDATE SET locked = true, lock_reason = 'requests_per_id'
            WHERE NOT l.locked;
            RETURN 'locked';
        END IF;
        RETURN NULL;
    END $$
    """,
    # The browser's waiting request for the person, made now unless it has one already.
    """
    CREATE FUNCTION collab.lobby_request(
        p_session_id text, p_access_id text, p_name text, p_route text, p_link_id text,
        p_browser text, p_address text, p_request_id text
    ) RETURNS text LANGUAGE plpgsql SET search_path = pg_catalog, collab AS $$
    DECLARE
        v_request text;
    BEGIN
        SELECT r.request_id INTO v_request FROM collab.join_request r
        WHERE r.browser = p_browser AND r.session_id = p_session_id
            AND r.access_id = p_access_id AND r.route = p_route AND r.state = 'waiting'
        ORDER BY r.id DESC LIMIT 1;
        IF v_request IS NOT NULL THEN
            RETURN v_request;
        END IF;
        INSERT INTO collab.join_request
            (request_id, session_id, access_id, name, route, link_id, browser, address)
        VALUES (p_request_id, p_session_id, p_access_id, p_name, p_route, p_link_id, p_browser,
                p_address);
        PERFORM collab.place_browser(p_browser, p_session_id, p_access_id, p_name, 'waiting',
                                     NULL, p_request_id);
        RETURN p_request_id;
    END $$
    """,
    # GET of a link: what it is and its page. Reads only.
    _definer(
        "join_check_link(p_token_hash text)",
        f"TABLE ({_link_table()}, person_name text, agent text)",
        f"""
        SELECT {LINK_COLUMNS}, p.name, s.agent
        FROM collab.link l
        JOIN collab.session s ON s.session_id = l.session_id
        JOIN collab.participant p ON p.session_id = l.session_id AND p.access_id = l.access_id
        WHERE l.token_hash = p_token_hash
        """,
        language="sql",
        volatility="STABLE",
    ),
    # A click on Join (Store.redeem_link). p_request_id names the request, should one be made.
    _definer(
        "join_redeem_link(p_token_hash text, p_browser text, p_address text,"
        " p_now timestamptz, p_request_id text)",
        f"TABLE (result text, link_state text, request_id text, {_link_table()},"
        " person_name text, agent text)",
        f"""
        DECLARE
            v_link collab.link;
            v_session_state text;
            v_name text;
            v_agent text;
            v_state text;
            v_result text;
            v_refusal text;
            v_request text;
        BEGIN
            PERFORM collab.visiting(p_browser, p_address);
            SELECT * INTO v_link FROM collab.link l WHERE l.token_hash = p_token_hash FOR UPDATE;
            IF NOT FOUND THEN
                RETURN;
            END IF;
            SELECT s.state, p.name, s.agent INTO v_session_state, v_name, v_agent
            FROM collab.session s JOIN collab.participant p
                ON p.session_id = s.session_id AND p.access_id = v_link.access_id
            WHERE s.session_id = v_link.session_id;
            -- the later clock: a caller may find a link stopped sooner, never later
            v_state := collab.link_state(
                v_link.revoked_at, v_session_state <> 'active', v_link.first_join_only,
                v_link.used_at, v_link.expires_at, greatest(p_now, transaction_timestamp()));
            IF v_state IN ('expired', 'revoked', 'ended') THEN
                v_result := 'refused';
            ELSIF v_link.browser = p_browser OR EXISTS (
                SELECT 1 FROM collab.browser b WHERE b.cookie_hash = p_browser
                    AND b.state = 'joined' AND b.session_id = v_link.session_id
                    AND b.access_id = v_link.access_id) THEN
                v_result := 'rejoined';
            ELSIF v_link.browser IS NULL THEN
                UPDATE collab.link l SET used_at = transaction_timestamp(), browser = p_browser
                WHERE l.link_id = v_link.link_id;
                PERFORM collab.place_browser(p_browser, v_link.session_id, v_link.access_id,
                                             v_name, 'joined', v_link.link_id, NULL);
                v_result := 'joined';
            ELSE  -- another browser joined with it: this one may only ask
                v_refusal := collab.lobby_admission(p_address, v_link.session_id,
                                                    v_link.access_id, v_session_state, p_now);
                IF v_refusal IS NULL THEN
                    v_request := collab.lobby_request(
                        v_link.session_id, v_link.access_id, v_name, 'link_reused',
                        v_link.link_id, p_browser, p_address, p_request_id);
                    v_result := 'lobby';
                ELSE
                    v_result := 'refused';
                    v_state := 'used';
                END IF;
            END IF;
            PERFORM collab.links_audit('join', v_link.session_id, v_link.access_id,
                                       v_link.link_id, v_refusal, v_state, v_result);
            RETURN QUERY
                SELECT v_result, CASE v_result WHEN 'refused' THEN v_state ELSE 'live' END,
                       v_request, {LINK_COLUMNS}, v_name, v_agent
                FROM collab.link l JOIN collab.session s ON s.session_id = l.session_id
                WHERE l.link_id = v_link.link_id;
        END
        """,
    ),
    # A request to join by a typed ID (already normalised, or NULL when it is none).
    _definer(
        "join_request_by_id(p_typed_id text, p_name text, p_browser text, p_address text,"
        " p_now timestamptz, p_request_id text)",
        f"TABLE (refusal text, {_REQUEST_TABLE})",
        f"""
        DECLARE
            v_session text;
            v_access text;
            v_state text;
            v_refusal text;
            v_request text;
        BEGIN
            PERFORM collab.visiting(p_browser, p_address);
            SELECT s.session_id, p.access_id, s.state INTO v_session, v_access, v_state
            FROM collab.participant p JOIN collab.session s ON s.session_id = p.session_id
            WHERE p.access_id = p_typed_id;
            v_refusal := collab.lobby_admission(p_address, v_session, v_access, v_state, p_now);
            IF v_refusal IS NOT NULL THEN
                PERFORM collab.links_audit('join_request', v_session, p_typed_id, NULL, NULL,
                                           'by_id', v_refusal);
                RETURN QUERY SELECT v_refusal, {", ".join(["NULL"] * 8)}::timestamptz,
                                    NULL, NULL, NULL::timestamptz;
                RETURN;
            END IF;
            v_request := collab.lobby_request(v_session, v_access, p_name, 'by_id', NULL,
                                              p_browser, p_address, p_request_id);
            RETURN QUERY SELECT NULL::text, {REQUEST_COLUMNS}
                FROM collab.join_request r WHERE r.request_id = v_request;
        END
        """,
    ),
    # Where a browser stands: its row, its session, its request's route, and the link it
    # joined with (its own, or the one it reused), for core.links.Link.state.
    _definer(
        "join_browser_status(p_browser text)",
        "TABLE (state text, session_id text, name text, agent text, request_id text,"
        f" route text, {_link_table('link_')},"
        " session_state text)",
        f"""
        SELECT b.state, b.session_id, b.name, s.agent, b.request_id, r.route,
               {LINK_COLUMNS.replace("s.state", "ls.state")}, s.state
        FROM collab.browser b
        JOIN collab.session s ON s.session_id = b.session_id
        LEFT JOIN collab.join_request r ON r.request_id = b.request_id
        LEFT JOIN collab.link l ON l.link_id = coalesce(b.link_id, r.link_id)
        LEFT JOIN collab.session ls ON ls.session_id = l.session_id
        WHERE b.cookie_hash = p_browser
        """,
        language="sql",
        volatility="STABLE",
    ),
    # The settings in force, for the join service's Session URL base (the policy is no
    # secret: every agent reads it; the join login reads it through these two only).
    _definer(
        "join_policy()",
        "TABLE (version bigint, updated_by text, updated_at timestamptz)",
        "SELECT p.version, p.updated_by, p.updated_at FROM collab.policy p",
        language="sql",
        volatility="STABLE",
    ),
    _definer(
        "join_settings()",
        "TABLE (key text, kind text, sensitive boolean, value text, acknowledged_by text,"
        " acknowledged_at timestamptz, warning_version integer, team text)",
        "SELECT * FROM collab.effective_setting()",
        language="sql",
        volatility="STABLE",
    ),
    # A browser's cookie renewed: its row, its link and its requests move together.
    _definer(
        "join_renew_browser(p_old text, p_new text)",
        "boolean",
        f"""
        BEGIN
            IF p_old IS NULL OR p_old !~ {_HEX64} OR p_new IS NULL OR p_new !~ {_HEX64} THEN
                {_refuse("a browser is known by the SHA-256 of its cookie, in lower-case hex")};
            END IF;
            IF NOT EXISTS (SELECT 1 FROM collab.browser b WHERE b.cookie_hash = p_old)
                OR EXISTS (SELECT 1 FROM collab.browser b WHERE b.cookie_hash = p_new)
                OR EXISTS (SELECT 1 FROM collab.link l WHERE l.browser = p_new)
                OR EXISTS (SELECT 1 FROM collab.join_request r WHERE r.browser = p_new) THEN
                RETURN false;
            END IF;
            UPDATE collab.browser b SET cookie_hash = p_new, changed_at = transaction_timestamp()
            WHERE b.cookie_hash = p_old;
            UPDATE collab.link l SET browser = p_new WHERE l.browser = p_old;
            UPDATE collab.join_request r SET browser = p_new WHERE r.browser = p_old;
            RETURN true;
        END
        """,
    ),
)

#: Every function above, with the roles that may call it directly. Internal steps and
#: trigger functions: nobody (PostgreSQL grants EXECUTE to PUBLIC unless told otherwise).
_JOIN_API = (
    "join_check_link(text)",
    "join_redeem_link(text, text, text, timestamptz, text)",
    "join_request_by_id(text, text, text, text, timestamptz, text)",
    "join_browser_status(text)",
    "join_renew_browser(text, text)",
    "join_policy()",
    "join_settings()",
)
#: Called inside the agents' own statements (triggers and reads run with their rights).
_AGENT_HELPERS = (
    "in_definer_function()",
    "visitor()",
    "by_an_agent()",
    "link_expiry(text, timestamptz)",
    "link_first_join_only()",
    "link_state(timestamptz, boolean, boolean, timestamptz, timestamptz, timestamptz)",
    "browser_renewed(text, text)",
    "session_active(text, text)",
    "links_audit(text, text, text, text, text, text, text)",
    "place_decided_browser(text)",
)
_INTERNAL = (
    "visiting(text, text)",
    "place_browser(text, text, text, text, text, text, text)",
    "lobby_admission(text, text, text, text, timestamptz)",
    "lobby_request(text, text, text, text, text, text, text, text)",
    *(f"{table}_kept()" for table in ("link", "lobby", "join_request", "browser")),
    "link_made_by_the_rules()",
    "link_changed_by_the_rules()",
    "link_recorded()",
    "lobby_changed_by_the_rules()",
    "lobby_lock_recorded()",
    "join_request_made_by_the_rules()",
    "join_request_decided_by_the_rules()",
    "join_request_recorded()",
    "browser_placed_by_the_rules()",
    "lobby_attempt_counted()",
    "session_end_stops_links()",
)

_GRANTS = (
    *(
        f"REVOKE ALL ON FUNCTION collab.{function} FROM PUBLIC"
        for function in (*_JOIN_API, *_AGENT_HELPERS, *_INTERNAL)
    ),
    # The join service's functions are a browser's whole reach; an agent's login may call
    # them too (a console serving its own join page): they open only what a token, a
    # cookie or a typed ID already opens.
    *(
        f"GRANT EXECUTE ON FUNCTION collab.{function} TO collab_join, {_AGENT_ROLES}"
        for function in _JOIN_API
    ),
    *(
        f"GRANT EXECUTE ON FUNCTION collab.{function} TO {_AGENT_ROLES}"
        for function in _AGENT_HELPERS
    ),
    "GRANT USAGE ON SCHEMA collab TO collab_join",
    f"GRANT SELECT, INSERT, UPDATE (revoked_at, revoked_by) ON collab.link TO {_AGENT_ROLES}",
    f"GRANT SELECT, INSERT, UPDATE (locked, lock_reason, denials) ON collab.lobby"
    f" TO {_AGENT_ROLES}",
    f"GRANT SELECT, UPDATE (state, decided_by, decided_at) ON collab.join_request"
    f" TO {_AGENT_ROLES}",
)

LINK_STATEMENTS: tuple[str, ...] = (
    *_LINK,
    *_LOBBY,
    *_JOIN_REQUEST,
    *_BROWSER,
    *_LOBBY_ATTEMPT,
    *_CONSEQUENCES,
    *_JOIN_FUNCTIONS,
    *_GRANTS,
)


# -- invitations (version 2) -----------------------------------------------------------------
#
# ``pg_schema``'s second migration runs :data:`INVITATION_STATEMENTS`. ``invitation`` is the
# outbox of ``core/delivery.py``: one row per invitation, queued in the transaction that
# starts the session, adds the person or asks for a resend, then sent by
# ``invitations.sender`` in an agent's console (under that agent's login). Its rules, for
# every writer (raw SQL included): a row is queued by an agent in their own name, dated by
# the server, for a person of an active session, to the contact that person was added with;
# a resend only after the interval in force (counted by the server's clock, with the
# person's row locked, so two consoles resending at once queue one), or at once after a
# regenerate (links of the person that still worked revoked in the same transaction); a
# row moves forward only (queued, then sent, delivered or failed; queued again after a
# failed try); it is never deleted. Each queueing and each outcome is audited (the
# recipient masked by ``collab.mask_contact``) and announced on ``collab_events``
# (``invitations``).

_INVITATION_ID = f"'^{INVITATION_ID_PATTERN.pattern}$'"
#: How long a sender holds what it claimed (``core.delivery.CLAIM_SECONDS``).
_CLAIM = f"make_interval(secs => {CLAIM_SECONDS})"
_QUEUED_BY_AN_AGENT = (
    "an invitation is queued by Collab Console, in the name of the agent who asked for it"
)

#: The invitation ``NEW`` follows a regenerate of its person's links
#: (``Store.regenerate_links``), so the resend interval does not hold it back: this
#: transaction (its time, this login) revoked links of the person that still let someone
#: in, none of their links works now, and no other invitation of theirs was queued in it.
#: A resend that skips the interval costs real links, one regenerate each.
_FOLLOWS_A_REGENERATE = """(
            EXISTS (SELECT 1 FROM collab.link l
                    WHERE l.session_id = NEW.session_id AND l.access_id = NEW.access_id
                        AND l.revoked_at = transaction_timestamp()
                        AND l.revoked_by = session_user::text
                        AND (l.expires_at IS NULL OR l.expires_at > l.revoked_at))
            AND NOT EXISTS (SELECT 1 FROM collab.link l
                    WHERE l.session_id = NEW.session_id AND l.access_id = NEW.access_id
                        AND l.revoked_at IS NULL
                        AND (l.expires_at IS NULL OR l.expires_at > transaction_timestamp()))
            AND NOT EXISTS (SELECT 1 FROM collab.invitation i
                    WHERE i.session_id = NEW.session_id AND i.access_id = NEW.access_id
                        AND i.queued_at = transaction_timestamp()))"""

_INVITATION_TABLE = (
    f"""
    CREATE TABLE collab.invitation (
        id bigint GENERATED ALWAYS AS IDENTITY UNIQUE,
        invitation_id text PRIMARY KEY CHECK (invitation_id ~ {_INVITATION_ID}),
        session_id text NOT NULL,
        access_id text NOT NULL,
        channel text NOT NULL CHECK (channel IN ('sms', 'email')),
        recipient text NOT NULL
            CHECK (length(recipient) BETWEEN 1 AND 300 AND recipient ~ {_NO_CONTROLS}),
        state text NOT NULL DEFAULT 'queued'
            CHECK (state IN ('queued', 'sent', 'delivered', 'failed')),
        queued_at timestamptz NOT NULL DEFAULT transaction_timestamp(),
        updated_at timestamptz NOT NULL DEFAULT transaction_timestamp(),
        queued_by text NOT NULL DEFAULT session_user
            CHECK (length(btrim(queued_by)) BETWEEN 1 AND 200 AND queued_by ~ {_NO_CONTROLS}),
        resend boolean NOT NULL DEFAULT false,
        attempts integer NOT NULL DEFAULT 0 CHECK (attempts >= 0),
        reason text NOT NULL DEFAULT ''
            CHECK (length(reason) <= {MAX_REASON_LENGTH} AND reason ~ {_NO_CONTROLS}),
        next_attempt_at timestamptz DEFAULT transaction_timestamp(),
        gateway_id text NOT NULL DEFAULT ''
            CHECK (length(gateway_id) <= 200 AND gateway_id ~ {_NO_CONTROLS}),
        link_id text REFERENCES collab.link (link_id),
        -- Held by a sender until then (core.delivery.CLAIM_SECONDS); NULL: nobody holds it.
        claimed_until timestamptz,
        -- When a sender last asked the SMS gateway for its delivery report.
        report_asked_at timestamptz,
        FOREIGN KEY (session_id, access_id) REFERENCES collab.participant (session_id, access_id),
        CONSTRAINT invitation_channel_is_the_recipient_s
            CHECK ((channel = 'email') = (position('@' IN recipient) > 0)),
        CONSTRAINT invitation_next_try_while_queued
            CHECK ((state = 'queued') = (next_attempt_at IS NOT NULL)),
        CONSTRAINT invitation_failed_says_why
            CHECK ((state = 'failed') = (reason <> '') OR (state = 'queued' AND attempts > 0)),
        CONSTRAINT invitation_claimed_while_queued
            CHECK (claimed_until IS NULL OR state = 'queued'),
        CONSTRAINT invitation_changed_after_queued CHECK (updated_at >= queued_at)
    )
    """,
    # A person's delivery is their newest row (by queued_at, then id).
    "CREATE INDEX invitation_of_person"
    " ON collab.invitation (session_id, access_id, queued_at DESC, id DESC)",
    "CREATE INDEX invitation_queued ON collab.invitation (queued_at, id) WHERE state = 'queued'",
    "CREATE INDEX invitation_sent ON collab.invitation (updated_at, id) WHERE state = 'sent'",
    # The legacy ``session.invite_status`` (a fixed label until now) as the customer's
    # invitation, before any rule below exists. A pending one becomes nothing: an upgrade
    # must never send. Its name is the Session ID's eight characters (one per session).
    # The owner reads every session for it (``pg_schema.LOCK_DOWN`` forces row-level
    # security on them again when the migration ends).
    "ALTER TABLE collab.session NO FORCE ROW LEVEL SECURITY",
    "ALTER TABLE collab.participant NO FORCE ROW LEVEL SECURITY",
    """
    INSERT INTO collab.invitation (invitation_id, session_id, access_id, channel, recipient,
        state, queued_at, updated_at, queued_by, attempts, reason, next_attempt_at)
    SELECT 'I-' || replace(s.session_id, '-', ''), s.session_id, p.access_id,
           CASE WHEN position('@' IN p.contact) > 0 THEN 'email' ELSE 'sms' END, p.contact,
           CASE s.invite_status WHEN 'delivered' THEN 'delivered' ELSE 'failed' END,
           s.created_at, s.created_at, s.agent, 1,
           CASE s.invite_status WHEN 'sms_blocked' THEN 'SMS blocked'
                                WHEN 'email_bounced' THEN 'e-mail bounced' ELSE '' END,
           NULL
    FROM collab.session s
    JOIN collab.participant p ON p.session_id = s.session_id AND p.position = 0
    WHERE s.invite_status IN ('delivered', 'sms_blocked', 'email_bounced')
        AND btrim(p.contact) <> ''
    """,
    *_rls("invitation"),
)

_INVITATION_RULES = (
    # The person's row, locked until the transaction ends: one new invitation of a person
    # at a time. For the sessions the login may see; nothing for others.
    _definer(
        "lock_invitee(p_session_id text, p_access_id text)",
        "void",
        """
        BEGIN
            IF collab.is_admin() OR collab.runs_session(p_session_id) OR EXISTS (
                SELECT 1 FROM collab.session_access a
                WHERE a.session_id = p_session_id AND a.grantee = session_user) THEN
                PERFORM 1 FROM collab.participant p
                WHERE p.session_id = p_session_id AND p.access_id = p_access_id
                FOR NO KEY UPDATE;
            END IF;
        END
        """,
    ),
    f"""
    CREATE FUNCTION collab.invitation_queued_by_the_rules() RETURNS trigger LANGUAGE plpgsql
    SET search_path = pg_catalog, collab AS $$
    DECLARE
        v_demo boolean;
        v_state text;
        v_contact text;
        v_last timestamptz;
        v_wait integer;
    BEGIN
        SELECT s.demo INTO v_demo FROM collab.session s WHERE s.session_id = NEW.session_id;
        IF collab.demo_write() AND v_demo THEN
            PERFORM collab.check_demo_write(false);
            RETURN NEW;  -- the demo's invitations, in the states the demo shows
        END IF;
        IF NOT collab.by_an_agent() OR NEW.queued_by IS DISTINCT FROM session_user::text THEN
            {_refuse(_QUEUED_BY_AN_AGENT)};
        END IF;
        IF (NEW.state, NEW.queued_at, NEW.updated_at, NEW.next_attempt_at, NEW.attempts,
            NEW.reason, NEW.gateway_id, NEW.link_id, NEW.claimed_until, NEW.report_asked_at)
           IS DISTINCT FROM
           ('queued'::text, transaction_timestamp(), transaction_timestamp(),
            transaction_timestamp(), 0, ''::text, ''::text, NULL::text, NULL::timestamptz,
            NULL::timestamptz) THEN
            {_refuse("the store queues a new invitation, dated by its own clock")};
        END IF;
        -- One new invitation of a person at a time: two consoles resending at once
        -- queue one (the second finds the first's row below, once the first commits).
        PERFORM collab.lock_invitee(NEW.session_id, NEW.access_id);
        SELECT s.state INTO v_state FROM collab.session s
        WHERE s.session_id = NEW.session_id FOR SHARE;
        SELECT p.contact INTO v_contact FROM collab.participant p
        WHERE p.session_id = NEW.session_id AND p.access_id = NEW.access_id;
        IF v_state IS DISTINCT FROM 'active' OR coalesce(v_contact, '') = '' THEN
            {_refuse("an invitation goes only to a person with a contact, in an active session")};
        END IF;
        IF NEW.recipient IS DISTINCT FROM v_contact THEN
            {_refuse("an invitation goes to the contact its person was added with")};
        END IF;
        SELECT max(i.queued_at) INTO v_last FROM collab.invitation i
        WHERE i.session_id = NEW.session_id AND i.access_id = NEW.access_id;
        IF NEW.resend IS DISTINCT FROM (v_last IS NOT NULL) THEN
            {_refuse("an invitation is a resend when, and only when, its person was invited")};
        END IF;
        v_wait := collab.setting_text('resend_interval_seconds')::integer;
        IF v_wait > 0 AND transaction_timestamp() < v_last + make_interval(secs => v_wait)
            AND NOT {_FOLLOWS_A_REGENERATE} THEN
            {_refuse("this person was sent an invitation moments ago: wait before resending")};
        END IF;
        RETURN NEW;
    END $$
    """,
    "CREATE TRIGGER invitation_queued_by_the_rules BEFORE INSERT ON collab.invitation"
    " FOR EACH ROW EXECUTE FUNCTION collab.invitation_queued_by_the_rules()",
    f"""
    CREATE FUNCTION collab.invitation_changed_by_the_rules() RETURNS trigger LANGUAGE plpgsql
    SET search_path = pg_catalog, collab AS $$
    BEGIN
        IF (NEW.id, NEW.invitation_id, NEW.session_id, NEW.access_id, NEW.channel,
            NEW.recipient, NEW.queued_at, NEW.queued_by, NEW.resend)
           IS DISTINCT FROM
           (OLD.id, OLD.invitation_id, OLD.session_id, OLD.access_id, OLD.channel,
            OLD.recipient, OLD.queued_at, OLD.queued_by, OLD.resend) THEN
            {_refuse("an invitation's person, recipient and queueing cannot change")};
        END IF;
        IF NOT collab.by_an_agent() THEN
            {_refuse("an invitation is sent by Collab Console, in an agent's name")};
        END IF;
        IF (NEW.state, NEW.updated_at, NEW.attempts, NEW.reason, NEW.next_attempt_at,
            NEW.gateway_id, NEW.link_id)
           IS NOT DISTINCT FROM
           (OLD.state, OLD.updated_at, OLD.attempts, OLD.reason, OLD.next_attempt_at,
            OLD.gateway_id, OLD.link_id) THEN
            -- A sender takes it or lets it go, or asks the gateway for its report.
            IF NEW.claimed_until IS DISTINCT FROM OLD.claimed_until
                AND NEW.claimed_until IS DISTINCT FROM transaction_timestamp() + {_CLAIM}
                AND NEW.claimed_until IS NOT NULL THEN
                {_refuse(f"a sender holds an invitation for {CLAIM_SECONDS} seconds from now")};
            END IF;
            IF NEW.report_asked_at IS DISTINCT FROM OLD.report_asked_at
                AND (OLD.state <> 'sent'
                     OR NEW.report_asked_at IS DISTINCT FROM transaction_timestamp()) THEN
                {_refuse("the store dates when a sent invitation's report was asked for")};
            END IF;
            RETURN NEW;
        END IF;
        IF NEW.updated_at IS DISTINCT FROM transaction_timestamp()
            OR NEW.report_asked_at IS DISTINCT FROM OLD.report_asked_at THEN
            {_refuse("the store dates each change of an invitation")};
        END IF;
        IF OLD.state IN ('delivered', 'failed') THEN
            {_refuse("a delivered or failed invitation stays so: a resend is a new invitation")};
        END IF;
        IF OLD.state = 'sent' AND NEW.state NOT IN ('delivered', 'failed') THEN
            {_refuse("a sent invitation can only be reported delivered or failed")};
        END IF;
        IF NEW.claimed_until IS NOT NULL THEN
            {_refuse("a try to send an invitation lets its claim go")};
        END IF;
        IF OLD.state = 'sent' AND NEW.attempts IS DISTINCT FROM OLD.attempts THEN
            {_refuse("a delivery report is not a try to send")};
        END IF;
        -- Each try counts once; an invitation of a session that ended fails untried.
        IF OLD.state = 'queued' AND NEW.attempts IS DISTINCT FROM OLD.attempts + 1
            AND NOT (NEW.state = 'failed' AND NEW.attempts = OLD.attempts
                     AND NOT collab.session_active(OLD.session_id, OLD.access_id)) THEN
            {_refuse("each try to send an invitation counts once")};
        END IF;
        IF (NEW.gateway_id, NEW.link_id) IS DISTINCT FROM (OLD.gateway_id, OLD.link_id)
            AND (OLD.state <> 'queued' OR NEW.state NOT IN ('sent', 'delivered')
                 OR OLD.gateway_id <> '' OR OLD.link_id IS NOT NULL) THEN
            {_refuse("an invitation's gateway message and link are set once, when it is sent")};
        END IF;
        IF NEW.link_id IS DISTINCT FROM OLD.link_id AND NOT EXISTS (
            SELECT 1 FROM collab.link l WHERE l.link_id = NEW.link_id
                AND l.session_id = NEW.session_id AND l.access_id = NEW.access_id) THEN
            {_refuse("an invitation carries a link of its own person")};
        END IF;
        RETURN NEW;
    END $$
    """,
    "CREATE TRIGGER invitation_changed_by_the_rules BEFORE UPDATE ON collab.invitation"
    " FOR EACH ROW EXECUTE FUNCTION collab.invitation_changed_by_the_rules()",
    *_kept("invitation", "an invitation is never deleted"),
    # What the audit trail says of an invitation: queued (first or resend), then each
    # outcome (a demo's row arrives in its outcome: both). Announced to every console.
    f"""
    CREATE FUNCTION collab.invitation_recorded() RETURNS trigger LANGUAGE plpgsql
    SET search_path = pg_catalog, collab AS $$
    BEGIN
        IF TG_OP = 'INSERT' THEN
            PERFORM collab.append_audit(
                'invitation_queued', NEW.session_id, NEW.access_id, NEW.invitation_id, NULL,
                CASE WHEN NEW.resend THEN 'resend' ELSE 'first' END, NULL, NEW.recipient, NULL);
        END IF;
        IF TG_OP = 'UPDATE' OR NEW.state <> 'queued' THEN
            IF NEW.state = 'sent' THEN
                PERFORM collab.append_audit(
                    'invitation_sent', NEW.session_id, NEW.access_id, NEW.invitation_id, NULL,
                    NEW.channel, NULL, NEW.recipient, 'sent');
            ELSIF NEW.state = 'delivered' THEN
                PERFORM collab.append_audit(
                    'invitation_delivered', NEW.session_id, NEW.access_id, NEW.invitation_id,
                    NULL, NULL, NULL, NEW.recipient, 'delivered');
            ELSE  -- failed, or queued again after a try that failed
                PERFORM collab.append_audit(
                    'invitation_failed', NEW.session_id, NEW.access_id, NEW.invitation_id, NULL,
                    nullif(NEW.reason, ''), NULL, NEW.recipient,
                    CASE NEW.state WHEN 'failed' THEN 'failed' ELSE 'retry' END);
            END IF;
        END IF;
        -- A session being started announces itself, its customer's invitation with it.
        IF TG_OP = 'UPDATE' OR NOT collab.session_is_new(NEW.session_id) THEN
            {_notify("invitations", "NEW.session_id")};
        END IF;
        RETURN NULL;
    END $$
    """,
    "CREATE TRIGGER invitation_queued_recorded AFTER INSERT ON collab.invitation"
    " FOR EACH ROW EXECUTE FUNCTION collab.invitation_recorded()",
    "CREATE TRIGGER invitation_tried_recorded AFTER UPDATE ON collab.invitation"
    " FOR EACH ROW WHEN (OLD.state IS DISTINCT FROM NEW.state"
    " OR OLD.attempts IS DISTINCT FROM NEW.attempts)"
    " EXECUTE FUNCTION collab.invitation_recorded()",
    # Agents and admins queue, claim and record on the sessions they see (row-level
    # security); the auditor and the join service's login get nothing.
    f"GRANT SELECT, INSERT, UPDATE (state, updated_at, attempts, reason, next_attempt_at,"
    f" gateway_id, link_id, claimed_until, report_asked_at) ON collab.invitation"
    f" TO {_AGENT_ROLES}",
    f"GRANT EXECUTE ON FUNCTION collab.lock_invitee(text, text) TO {_AGENT_ROLES}",
)

INVITATION_STATEMENTS: tuple[str, ...] = (*_INVITATION_TABLE, *_INVITATION_RULES)
