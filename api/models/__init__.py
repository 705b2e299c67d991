"""All tables, imported here so Alembic and the app see one metadata."""

from api.db.base import Base
from api.models.unit import LEVEL_RANK, Unit, UnitLevel, UnitSource, UnitSuccession

__all__ = ["LEVEL_RANK", "Base", "Unit", "UnitLevel", "UnitSource", "UnitSuccession"]
