"""With the demo data, the statistics give every figure of the Thái Bình 2023 article exactly."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import httpx
import pytest

SEED = json.loads((Path(__file__).parents[1] / "data" / "thai-binh-2023-figures.json").read_text(encoding="utf-8"))
RATES = {
    "learning_citizen_rate": "learning_citizens_cong_dan_hoc_tap",
    "learning_family_rate": "learning_families_gia_dinh_hoc_tap",
    "learning_clan_rate": "learning_clans_dong_ho_hoc_tap",
    "learning_community_rate": "learning_communities_cong_dong_hoc_tap",
    "learning_unit_rate": "learning_units_don_vi_hoc_tap",
    "commune_learning_community_rate": "commune_level_learning_communities_cong_dong_hoc_tap_cap_xa",
}


def percent(rate: dict[str, Any]) -> float:
    return round(100 * rate["numerator"] / rate["denominator"], 1)


@pytest.fixture
async def highlights(client: httpx.AsyncClient) -> dict[str, dict[str, Any]]:
    r = await client.get("/api/v1/stats/highlights", params={"unit": "34", "year": 2023})
    assert r.status_code == 200, r.text
    body = r.json()
    assert body["unit_name"] == "Tỉnh Thái Bình" and body["computed_from"] == ["34"]
    assert body["coverage"] == {"counted": 242, "expected": 242, "reports": 242}
    return {h["key"]: h for h in body["items"]}


async def test_organisation_figures(highlights: dict[str, dict[str, Any]]) -> None:
    org = SEED["organisation"]
    assert highlights["members"]["value"] == org["members_hoi_vien"]
    assert highlights["branches"]["value"] == org["branches_chi_hoi"]
    assert highlights["boards"]["value"] == org["boards_ban_khuyen_hoc"]
    assert percent(highlights["membership_rate"]["value"]) == org["membership_rate_percent"]
    assert (
        round(highlights["membership_rate"]["change_vs_previous_year"], 1)
        == org["membership_rate_change_vs_2022_points"]
    )


@pytest.mark.parametrize("indicator", list(RATES))
async def test_decision_387_677_rates(highlights: dict[str, dict[str, Any]], indicator: str) -> None:
    assert percent(highlights[indicator]["value"]) == SEED["decision_387_677_rates_percent"][RATES[indicator]]


async def test_funds_awards_and_commendations(highlights: dict[str, dict[str, Any]]) -> None:
    money = SEED["funds_and_awards"]
    assert highlights["fund_raised_vnd"]["value"] >= money["fund_total_vnd_at_least"]
    assert highlights["awards_count"]["value"] == money["awards_count"]
    assert highlights["awards_vnd"]["value"] >= money["awards_total_vnd_at_least"]
    honours = SEED["commendations"]
    assert highlights["emulation_flags"]["value"] == honours["emulation_flags_co_thi_dua"]
    assert highlights["medals"]["value"] == honours["medals_vi_su_nghiep_khuyen_hoc"]
    assert highlights["certificates_of_merit"]["value"] == honours["certificates_of_merit_bang_khen"]


async def test_indicators_endpoint_agrees_and_measures_against_the_2025_targets(client: httpx.AsyncClient) -> None:
    r = await client.get("/api/v1/stats/indicators", params={"unit": "34", "year": 2023})
    rows = {row["indicator"]: row for row in r.json()["items"]}
    for indicator, key in RATES.items():
        assert percent(rows[indicator]["value"]) == SEED["decision_387_677_rates_percent"][key]
    assert rows["members"]["value"] == 662_525
    # domain.md: families 65.6 (below 70), clans 61.2 (below 65), communities 76.1 (above 65), units 77.6 (below 80),
    # citizens 26.5 (below 40).
    expected = {
        "learning_family_rate": (0.70, False),
        "learning_clan_rate": (0.65, False),
        "learning_community_rate": (0.65, True),
        "learning_unit_rate": (0.80, False),
        "learning_citizen_rate": (0.40, False),
    }
    for indicator, (target, meets) in expected.items():
        assert (rows[indicator]["target"], rows[indicator]["meets_target"]) == (target, meets), indicator
    assert round(rows["learning_family_rate"]["gap"], 1) == -4.4
    assert rows["fund_raised_per_capita_vnd"]["value"] == round(163_250_000_000 / 1_898_352)
