"""Errors of the recognition cycle, each with its own problem type for clients to branch on."""

from __future__ import annotations

from api.core.errors import Conflict


class RegistrationLocked(Conflict):
    """A registration already scored keeps its unit, title, year and target group: its sheet depends on them."""

    slug = "registration-locked"


class RegistrationRecognised(Conflict):
    """A recognised registration is never deleted: its decision counts it (erasure removes the person's data)."""

    slug = "registration-recognised"


class RegistrationDuplicate(Conflict):
    """A commune learning community is registered once a year: the commune is its only registrant."""

    slug = "registration-duplicate"
