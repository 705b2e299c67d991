"""The built dashboard at /: precompressed files, cache headers, client-side routes.

On a weak mobile link the dashboard's first load is bytes and round trips, so the service does
what a proxy would: `npm run build` writes a `.br` and a `.gz` beside each text file
(frontend/scripts/compress.mjs) and the request's `Accept-Encoding` picks one, with no work per
request; hashed files under /assets are cached for a year (their name changes with their
content), index.html and the other files at the root are revalidated on every load (`no-cache`),
so a new release is seen at once.
"""

from __future__ import annotations

import html
import mimetypes
import re
from collections.abc import Awaitable, Callable
from pathlib import Path

from fastapi import FastAPI, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from fastapi.staticfiles import StaticFiles
from starlette.convertors import Convertor, register_url_convertor
from starlette.datastructures import Headers
from starlette.exceptions import HTTPException
from starlette.types import Scope

IMMUTABLE = "public, max-age=31536000, immutable"
REVALIDATE = "no-cache"
# Best first: brotli is ~13 % smaller than gzip on the dashboard's scripts.
ENCODINGS = (("br", ".br"), ("gzip", ".gz"))


def accepted_encodings(header: str) -> list[str]:
    """The precompressed encodings the client accepts (RFC 9110 12.5.3: q=0 refuses, * stands for any)."""
    weights: dict[str, float] = {}
    for part in header.split(","):
        name, _, params = part.strip().partition(";")
        q = 1.0
        for param in params.split(";"):
            key, _, value = param.strip().partition("=")
            if key.lower() == "q":
                try:
                    q = float(value)
                except ValueError:
                    q = 0.0
        if name:
            weights[name.strip().lower()] = q
    wildcard = weights.get("*", 0.0)
    return [enc for enc, _ in ENCODINGS if weights.get(enc, wildcard) > 0]


def _media_type(path: str) -> str:
    guessed = mimetypes.guess_type(path)[0] or "application/octet-stream"
    return f"{guessed}; charset=utf-8" if guessed.startswith("text/") else guessed


class PrecompressedFiles(StaticFiles):
    """StaticFiles that answers with `name.br` or `name.gz` when the client accepts it and it exists."""

    def __init__(self, *, directory: Path, cache_control: str) -> None:
        super().__init__(directory=directory, check_dir=False)
        self.cache_control = cache_control

    async def get_response(self, path: str, scope: Scope) -> Response:
        response: Response | None = None
        for encoding in accepted_encodings(Headers(scope=scope).get("accept-encoding", "")):
            suffix = dict(ENCODINGS)[encoding]
            try:
                response = await super().get_response(path + suffix, scope)
            except HTTPException:
                continue
            response.headers["Content-Encoding"] = encoding
            response.headers["Content-Type"] = _media_type(path)
            break
        if response is None:
            response = await super().get_response(path, scope)
        # Caches must keep one copy per encoding; the plain file carries it too, since the same
        # URL answers compressed to another client.
        response.headers["Vary"] = "Accept-Encoding"
        response.headers["Cache-Control"] = self.cache_control
        return response


class DashboardPath(Convertor[str]):
    """Any path except the API's, so unknown API paths stay problem+json 404s (and 405s)."""

    regex = r"(?!api(?:/|$)).*"

    def convert(self, value: str) -> str:
        return value

    def to_string(self, value: str) -> str:
        return value


register_url_convertor("dashboard", DashboardPath())


# The open-data pages (/cong-khai/{unit}/{year}): their Open Graph tags are rendered here, so that a link
# shared in Zalo or Facebook (whose crawlers run no script) shows the unit's title and a description.
PUBLIC_PAGE = re.compile(r"^cong-khai/(\d{2,5})/(\d{4})/?$")
# (request, unit code, year) → (title, description), or None when the year is not public.
PageMeta = Callable[[Request, str, int], Awaitable[tuple[str, str] | None]]


def with_open_graph(index: str, url: str, title: str, description: str) -> str:
    """index.html with its <title> replaced and the Open Graph and Twitter tags of the page added."""
    t, d, u = html.escape(title), html.escape(description), html.escape(url)
    tags = (
        f'<meta property="og:type" content="article"><meta property="og:title" content="{t}">'
        f'<meta property="og:description" content="{d}"><meta property="og:url" content="{u}">'
        f'<meta property="og:locale" content="vi_VN"><meta property="og:site_name" content="Khuyến học">'
        f'<meta name="twitter:card" content="summary"><meta name="twitter:title" content="{t}">'
        f'<meta name="twitter:description" content="{d}"><meta name="description" content="{d}">'
    )
    index, titled = re.subn(r"<title>.*?</title>", f"<title>{t}</title>{tags}", index, count=1, flags=re.S)
    return index if titled else index.replace("</head>", f"<title>{t}</title>{tags}</head>", 1)


def mount_dashboard(app: FastAPI, dist: Path, page_meta: PageMeta | None = None) -> None:
    """Serve frontend/dist at /: its files as they are, every other path index.html (client-side routes);
    an open-data page's index.html carries its Open Graph tags (``page_meta``)."""
    if not (dist / "index.html").is_file():

        @app.get("/", include_in_schema=False)
        async def no_dashboard() -> Response:
            return RedirectResponse("/docs")

        return
    app.mount("/assets", PrecompressedFiles(directory=dist / "assets", cache_control=IMMUTABLE), name="assets")
    root = PrecompressedFiles(directory=dist, cache_control=REVALIDATE)

    @app.get("/{path:dashboard}", include_in_schema=False)
    async def dashboard(path: str, request: Request) -> Response:
        public = PUBLIC_PAGE.match(path) if page_meta is not None else None
        if public is not None and page_meta is not None:
            meta = await page_meta(request, public.group(1), int(public.group(2)))
            if meta is not None:
                index = (dist / "index.html").read_text(encoding="utf-8")
                page = with_open_graph(index, str(request.url), *meta)
                return HTMLResponse(page, headers={"Cache-Control": REVALIDATE})
        # StaticFiles refuses paths outside dist/ and folders: those get index.html like any route.
        if path:
            try:
                return await root.get_response(path, request.scope)
            except HTTPException:
                pass
        return await root.get_response("index.html", request.scope)
