"""Errors of the fund ledger, each with its own problem type for clients to branch on."""

from __future__ import annotations

from api.core.errors import Conflict


class FundClosed(Conflict):
    slug = "fund-closed"
