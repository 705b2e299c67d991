"""Roles and scopes.

A principal's role bounds what it may ever do; its scopes (a subset of the role's) say what it
may do now. Empty scopes mean the role's defaults.
"""

from __future__ import annotations

import enum


class Role(enum.StrEnum):
    admin = "admin"
    editor = "editor"
    viewer = "viewer"
    partner = "partner"


class Scope(enum.StrEnum):
    units_write = "units:write"
    users_admin = "users:admin"
    keys_admin = "keys:admin"
    audit_read = "audit:read"
    targets_write = "targets:write"
    categories_write = "categories:write"
    reports_read = "reports:read"
    reports_write = "reports:write"
    reports_approve = "reports:approve"
    reports_publish = "reports:publish"  # make a unit's year open data (admins only)
    registries_read = "registries:read"
    registries_write = "registries:write"
    stats_read = "stats:read"
    sync_read = "sync:read"
    sync_write = "sync:write"


_READ = {Scope.reports_read, Scope.registries_read, Scope.stats_read}
_EDIT = _READ | {Scope.reports_write, Scope.reports_approve, Scope.registries_write, Scope.units_write}

ROLE_SCOPES: dict[Role, frozenset[Scope]] = {
    Role.admin: frozenset(Scope),
    Role.editor: frozenset(_EDIT),
    Role.viewer: frozenset(_READ),
    Role.partner: frozenset(_READ | {Scope.reports_write, Scope.registries_write, Scope.sync_read, Scope.sync_write}),
}

# Named scope sets a key is made from ("profile" on POST /api-keys): what a pulling or pushing system needs in its
# unit and nothing of user, key or audit administration. "sync-approve" is for one platform mirroring another's
# approved figures; only role admin may hold reports:approve with sync, so that key is an admin narrowed to these.
SYNC_PROFILE = frozenset(ROLE_SCOPES[Role.partner])
PROFILES: dict[str, tuple[Role, frozenset[Scope]]] = {
    "sync": (Role.partner, SYNC_PROFILE),
    "sync-approve": (Role.admin, SYNC_PROFILE | {Scope.reports_approve}),
}

ROLE_LABELS_VI = {
    Role.admin: "Quản trị",
    Role.editor: "Biên tập",
    Role.viewer: "Xem",
    Role.partner: "Hệ thống đối tác",
}


def effective_scopes(role: Role, scopes: list[str] | None) -> frozenset[Scope]:
    allowed = ROLE_SCOPES[role]
    if not scopes:
        return allowed
    return frozenset(Scope(s) for s in scopes if s in Scope.__members__.values()) & allowed


def invalid_scopes(role: Role, scopes: list[str]) -> list[str]:
    """Scopes that do not exist or that the role may not hold."""
    allowed = {s.value for s in ROLE_SCOPES[role]}
    return [s for s in scopes if s not in allowed]
