"""Helpers for report tests."""

from __future__ import annotations

import datetime as dt

OLD = dt.date(2024, 12, 31)
COMMUNE = "12433"  # Phường Lê Hồng Phong, in TP Thái Bình (336), Thái Bình (34), before 2025-07-01
OTHER_COMMUNE = "12436"  # Phường Bồ Xuyên, same district
FOREIGN_COMMUNE = "12427"  # Xã Nguyên Hòa, another district and province

COMPLETE: dict[str, int] = {
    "population": 9000,
    "households": 2800,
    "members": 3100,
    "branches": 11,
    "boards": 26,
    "learning_citizens": 1600,
    "citizens_registered": 1900,
    "citizens_assessed": 6100,
    "learning_families": 1800,
    "families_registered": 2000,
    "families_assessed": 2800,
    "learning_clans": 20,
    "clans_registered": 25,
    "clans": 33,
    "learning_communities": 6,
    "communities_registered": 7,
    "communities": 8,
    "learning_units": 9,
    "units_registered": 11,
    "units_assessed": 12,
    "communes_rated_learning_community": 1,
    "communes": 1,
    "fund_raised_vnd": 640_000_000,
    "fund_balance_vnd": 170_000_000,
    "awards_count": 900,
    "awards_vnd": 480_000_000,
    "emulation_flags": 0,
    "medals": 1,
    "certificates_of_merit": 1,
    "inspections": 1,
}
