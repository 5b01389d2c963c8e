"""The login roles of the organisation-mode tests, and their passwords.

Made once per test cluster (``tests/org/conftest.py``) with ``pg_setup.add_user``,
as the database owner does. The first six are the shared fixtures' people; the
others are the names the store contract tests write as (``tests/store``), so that
on PostgreSQL the login is the actor those tests name.
"""

from __future__ import annotations

#: The database owner: owns the organisation databases, may create roles, is no superuser.
OWNER = "collab.owner"

#: Each login and its group: agent, admin, auditor or join.
ROLES: dict[str, str] = {
    "admin.ana": "admin",
    "admin.ali": "admin",
    "agent.amy": "agent",
    "agent.bob": "agent",
    "auditor.aud": "auditor",
    "join.svc": "join",
    # -- the contract tests' people
    "admin.ben": "admin",
    "admin.cy": "admin",
    "admin.sam": "admin",
    "agent.kai": "agent",
    "agent.lee": "agent",
    "kai": "agent",
    "a": "admin",
    "b": "admin",
}


def _password(name: str) -> str:
    # Long enough and not the name (pg_setup.add_user checks as for a passphrase);
    # a quote, a colon and an @ make sure no DSN or statement holds it unescaped.
    return f"{name} pa:ss@'word 42"


PASSWORDS: dict[str, str] = {name: _password(name) for name in (*ROLES, OWNER)}
