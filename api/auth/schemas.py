"""Shapes of sign-in and the current principal."""

from __future__ import annotations

from pydantic import BaseModel, Field

from api.auth.scopes import Role


class TokenOut(BaseModel):
    access_token: str = Field(description="Send as `Authorization: Bearer …`.")
    token_type: str = Field(default="bearer", description='Always "bearer".')
    expires_in: int = Field(description="Seconds until the token expires.")


class MeOut(BaseModel):
    """The signed-in user or the calling API key."""

    kind: str = Field(description="user or api_key.")
    id: int | None = Field(description="Id of the user or API key.")
    username: str = Field(description="Username (or the API key's name).")
    display_name: str = Field(description="Name to show.")
    role: Role = Field(description="admin, editor, viewer or partner.")
    scopes: list[str] = Field(description="What it may do.")
    unit_code: str | None = Field(description="Code of its unit; null = the whole country.")
    unit_name: str | None = Field(description="Name of its unit.")
    unit_level: str | None = Field(description="Level of its unit.")
    partner: str | None = Field(
        default=None,
        description="Who owns the records it sends by external id (sync): the key's partner, or key:<id>, user:<name>.",
    )
