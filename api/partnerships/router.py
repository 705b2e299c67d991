"""Partnerships (ký kết phối hợp): /api/v1/partnerships."""

from __future__ import annotations

from api.auth.dependencies import RegistriesRead, RegistriesWrite
from api.partnerships.registry import (
    REGISTRY,
    Filters,
    PartnershipIn,
    PartnershipUpdate,
)
from api.registries.routing import crud_router

router = crud_router(
    REGISTRY,
    prefix="/partnerships",
    create_schema=PartnershipIn,
    update_schema=PartnershipUpdate,
    filters=Filters,
    read=RegistriesRead,
    write=RegistriesWrite,
)
