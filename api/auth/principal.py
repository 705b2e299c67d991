"""Who is calling: a user signed in with a token, or a system with an API key."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

from api.auth.scopes import Role, Scope


@dataclass(frozen=True)
class Principal:
    kind: Literal["user", "api_key", "system"]
    id: int | None
    name: str
    display_name: str
    role: Role
    scopes: frozenset[Scope]
    unit_id: int | None  # None: the whole country
    unit_code: str | None = None
    unit_name: str | None = None
    unit_level: str | None = None
    # Path prefixes of the subtree it may see: its unit's, and those of the units its unit
    # was formed from in a reorganisation (the new Hưng Yên's staff see old Thái Bình's records).
    unit_prefixes: tuple[str, ...] = ()
    # Who owns the external ids this principal sends: the key's partner name ("ha-nam") or its id.
    partner: str | None = None

    @property
    def national(self) -> bool:
        return self.unit_id is None

    def has(self, scope: Scope) -> bool:
        return scope in self.scopes

    # Which records it may see is decided by api/auth/scope.py alone (condition, visible, require).


SYSTEM = Principal(
    kind="system",
    id=None,
    name="system",
    display_name="Hệ thống",
    role=Role.admin,
    scopes=frozenset(Scope),
    unit_id=None,
)
