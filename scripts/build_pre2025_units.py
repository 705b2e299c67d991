"""Build the pre-2025-07-01 unit list (63 provinces, districts, communes) as CSV.

The three-level structure that Vietnam used until 30 June 2025 is shipped by the
`vietnam-provinces` package in its 0.6.0 release; the project depends on the 2025.x
release (the two-level structure), so the old list is kept as a data file instead.

    python scripts/build_pre2025_units.py [--wheel PATH] [--out PATH]

Without --wheel, `pip download vietnam-provinces==0.6.0` fetches the release.
"""

from __future__ import annotations

import argparse
import csv
import json
import subprocess
import sys
import tempfile
import zipfile
from pathlib import Path

RELEASE = "vietnam-provinces==0.6.0"
DEFAULT_OUT = Path(__file__).resolve().parents[1] / "api" / "units" / "data" / "units-pre-2025-07.csv"


def download_wheel(dest: Path) -> Path:
    subprocess.run(
        [sys.executable, "-m", "pip", "download", "--no-deps", "--only-binary=:all:", "-d", str(dest), RELEASE],
        check=True,
    )
    return next(dest.glob("vietnam_provinces-0.6.0-*.whl"))


# The release gives only "huyện"/"xã" for every district and commune; the name says which kind it is.
KINDS = ("Thành phố", "Thị xã", "Quận", "Huyện", "Thị trấn", "Phường", "Xã")


def kind_of(name: str, fallback: str) -> str:
    return next((k.lower() for k in KINDS if name.startswith(k + " ")), fallback)


def rows_from_wheel(wheel: Path) -> list[dict[str, str]]:
    with zipfile.ZipFile(wheel) as zf:
        provinces = json.loads(zf.read("vietnam_provinces/data/nested-divisions.json"))
    rows: list[dict[str, str]] = []
    for p in provinces:
        pcode = f"{p['code']:02d}"
        rows.append(
            {
                "code": pcode,
                "name": p["name"],
                "level": "province",
                "division_type": "thành phố trung ương" if p["name"].startswith("Thành phố") else "tỉnh",
                "parent_code": "",
            }
        )
        for d in p["districts"]:
            dcode = f"{d['code']:03d}"
            rows.append(
                {
                    "code": dcode,
                    "name": d["name"],
                    "level": "district",
                    "division_type": kind_of(d["name"], d["division_type"]),
                    "parent_code": pcode,
                }
            )
            for w in d["wards"]:
                rows.append(
                    {
                        "code": f"{w['code']:05d}",
                        "name": w["name"],
                        "level": "commune",
                        "division_type": kind_of(w["name"], w["division_type"]),
                        "parent_code": dcode,
                    }
                )
    return rows


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--wheel", type=Path, help="a downloaded vietnam_provinces-0.6.0 wheel")
    parser.add_argument("--out", type=Path, default=DEFAULT_OUT)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        wheel = args.wheel or download_wheel(Path(tmp))
        rows = rows_from_wheel(wheel)
    with args.out.open("w", newline="", encoding="utf-8") as f:
        writer = csv.DictWriter(
            f, fieldnames=["code", "name", "level", "division_type", "parent_code"], lineterminator="\n"
        )
        writer.writeheader()
        writer.writerows(rows)
    counts = {lvl: sum(r["level"] == lvl for r in rows) for lvl in ("province", "district", "commune")}
    print(f"wrote {args.out}: {counts}")


if __name__ == "__main__":
    main()
