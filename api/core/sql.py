"""SQL types shared by every layer (the core layer imports no database module of ours)."""

from __future__ import annotations

from typing import Any, TypeAlias

from sqlalchemy import Row, Select

# Untyped rows and selects (SQLAlchemy 2.1 types them by their columns).
AnyRow: TypeAlias = Row[*tuple[Any, ...]]
AnySelect: TypeAlias = Select[*tuple[Any, ...]]
