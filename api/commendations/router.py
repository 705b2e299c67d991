"""Commendations (thi đua khen thưởng): /api/v1/commendations."""

from __future__ import annotations

from api.auth.dependencies import RegistriesRead, RegistriesWrite
from api.commendations.registry import (
    REGISTRY,
    CommendationIn,
    CommendationUpdate,
    Filters,
)
from api.registries.routing import crud_router

router = crud_router(
    REGISTRY,
    prefix="/commendations",
    create_schema=CommendationIn,
    update_schema=CommendationUpdate,
    filters=Filters,
    read=RegistriesRead,
    write=RegistriesWrite,
)
