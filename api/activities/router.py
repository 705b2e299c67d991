"""Activities (truyền thông, xuất bản, nghiên cứu, tập huấn): /api/v1/activities."""

from __future__ import annotations

from api.activities.registry import REGISTRY, ActivityIn, ActivityUpdate, Filters
from api.auth.dependencies import RegistriesRead, RegistriesWrite
from api.registries.routing import crud_router

router = crud_router(
    REGISTRY,
    prefix="/activities",
    create_schema=ActivityIn,
    update_schema=ActivityUpdate,
    filters=Filters,
    read=RegistriesRead,
    write=RegistriesWrite,
)
