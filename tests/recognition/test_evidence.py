"""Issue 16: evidence files through the one storage interface, on a local directory and on an S3-compatible
server (moto's server mode, started here: a real HTTP S3 endpoint, no mock of the client)."""

from __future__ import annotations

import socket
from collections.abc import Iterator
from pathlib import Path

import boto3
import httpx
import pytest
from fastapi import FastAPI
from moto.server import ThreadedMotoServer

from api.core.config import Settings
from api.db.engine import Database
from api.main import create_app
from tests.conftest import Account, MakeAccount
from tests.recognition.conftest import API, CITIZEN, OLD, PASS, PROVINCE, WARD

PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64
PDF = b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n1 0 obj<<>>endobj\n%%EOF\n"


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@pytest.fixture(scope="module")
def s3_endpoint() -> Iterator[str]:
    port = _free_port()
    server = ThreadedMotoServer(ip_address="127.0.0.1", port=port, verbose=False)
    server.start()
    try:
        yield f"http://127.0.0.1:{port}"
    finally:
        server.stop()


@pytest.fixture(params=["local", "s3"])
def store_settings(
    request: pytest.FixtureRequest, settings: Settings, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> Settings:
    if request.param == "local":
        return settings.model_copy(update={"evidence_dir": tmp_path / "minh-chung"})
    endpoint = request.getfixturevalue("s3_endpoint")
    for name, value in (
        ("AWS_ACCESS_KEY_ID", "thu"),
        ("AWS_SECRET_ACCESS_KEY", "thu"),
        ("AWS_DEFAULT_REGION", "us-east-1"),
    ):
        monkeypatch.setenv(name, value)
    bucket = f"minh-chung-{tmp_path.name.lower().replace('_', '-')[:30]}"
    boto3.client("s3", endpoint_url=endpoint, region_name="us-east-1").create_bucket(Bucket=bucket)
    return settings.model_copy(update={"evidence_s3_bucket": bucket, "evidence_s3_endpoint": endpoint})


@pytest.fixture
async def store_app(db: Database, store_settings: Settings) -> FastAPI:
    return create_app(store_settings, db=db)


def _client(app: FastAPI, headers: dict[str, str]) -> httpx.AsyncClient:
    c = httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://test")
    c.headers.update(headers)
    return c


async def test_evidence_is_stored_read_back_and_erased(
    store_app: FastAPI, store_settings: Settings, make_account: MakeAccount, admin: Account
) -> None:
    scorer = _client(store_app, (await make_account("editor", WARD, as_of=OLD)).headers)
    province = _client(store_app, (await make_account("editor", PROVINCE, as_of=OLD)).headers)
    admin_client = _client(store_app, admin.headers)
    reg = (await scorer.post(f"{API}/registrations", json={"unit_code": WARD, "name": "Vũ Thị Ảnh"} | CITIZEN)).json()
    url = f"{API}/registrations/{reg['id']}/evidence"
    r = await scorer.post(url, params={"index_code": "1.4"}, files={"file": ("anh.png", PNG, "image/png")})
    assert r.status_code == 201, r.text
    png = r.json()
    r = await scorer.post(url, files={"file": ("phieu.pdf", PDF, "application/pdf")})
    assert r.status_code == 201
    # Only images and PDFs, and the index must be the set's.
    bad = await scorer.post(url, files={"file": ("x.html", b"<script>", "text/html")})
    assert bad.status_code == 422
    bad = await scorer.post(url, files={"file": ("fake.png", b"<svg/>", "image/png")})
    assert bad.status_code == 422
    bad = await scorer.post(url, params={"index_code": "9.9"}, files={"file": ("a.png", PNG, "image/png")})
    assert bad.status_code == 422
    listed = (await scorer.get(url)).json()
    assert [(e["index_code"], e["size"]) for e in listed] == [("1.4", len(PNG)), ("", len(PDF))]
    got = await province.get(f"{API}/evidence/{png['id']}")
    assert got.status_code == 200 and got.content == PNG and got.headers["content-type"] == "image/png"
    # Another commune does not see it.
    neighbour = _client(store_app, (await make_account("editor", "12445", as_of=OLD)).headers)
    assert (await neighbour.get(f"{API}/evidence/{png['id']}")).status_code == 404
    # Where the bytes are: the directory, or the bucket.
    if store_settings.evidence_s3_bucket:
        s3 = boto3.client("s3", endpoint_url=store_settings.evidence_s3_endpoint, region_name="us-east-1")
        keys = [o["Key"] for o in s3.list_objects_v2(Bucket=store_settings.evidence_s3_bucket).get("Contents", [])]
    else:
        keys = [str(p.relative_to(store_settings.evidence_dir)) for p in store_settings.evidence_dir.rglob("*.*")]
    assert len([k for k in keys if f"/{reg['id']}/" in f"/{k}"]) == 2
    # Deleting one; erasing the person removes the rest.
    assert (await scorer.delete(f"{API}/evidence/{png['id']}")).status_code == 204
    assert (await province.get(f"{API}/evidence/{png['id']}")).status_code == 404
    r = await scorer.put(f"{API}/registrations/{reg['id']}/scores", json={"scores": PASS})
    assert (await admin_client.post(f"{API}/registrations/{reg['id']}/erase")).status_code == 200
    assert (await scorer.get(url)).json() == []
    if store_settings.evidence_s3_bucket:
        left = s3.list_objects_v2(Bucket=store_settings.evidence_s3_bucket).get("Contents", [])
    else:
        left = list(store_settings.evidence_dir.rglob("*.*"))
    assert left == []
