"""The ``khuyenhoc`` command: serve, migrate, load units and demo data, export the OpenAPI document."""

from __future__ import annotations

import asyncio
import os
import sys
from collections.abc import Awaitable, Callable
from pathlib import Path
from typing import Annotated, Any, TypeVar

import typer
from pydantic import ValidationError
from sqlalchemy.ext.asyncio import AsyncSession

from api.core.config import PROJECT_ROOT, get_settings
from api.db.engine import Database, make_engine, write_intent

T = TypeVar("T")

app = typer.Typer(
    help="Nền tảng dữ liệu Hội Khuyến học — công cụ dòng lệnh.", no_args_is_help=True, pretty_exceptions_enable=False
)
units_app = typer.Typer(help="Đơn vị hành chính (administrative units).", no_args_is_help=True)
users_app = typer.Typer(help="Người dùng (users).", no_args_is_help=True)
demo_app = typer.Typer(help="Dữ liệu mẫu (demo data).", no_args_is_help=True)
app.add_typer(units_app, name="units")
app.add_typer(demo_app, name="demo")
app.add_typer(users_app, name="users")
sync_app = typer.Typer(help="Đồng bộ với hệ thống đối tác (partner sync; docs/partners.md).", no_args_is_help=True)
app.add_typer(sync_app, name="sync")
db_app = typer.Typer(help="Cơ sở dữ liệu: vai trò chạy dịch vụ (database roles; docs/deploy.md).", no_args_is_help=True)
app.add_typer(db_app, name="db")
webhooks_app = typer.Typer(help="Webhooks: gửi thay đổi tới đối tác (docs/partners.md).", no_args_is_help=True)
app.add_typer(webhooks_app, name="webhooks")


def _with_session(work: Callable[[AsyncSession], Awaitable[T]]) -> T:
    """Run ``work`` in one transaction on the configured database; commit when it returns."""

    async def runner() -> T:
        write_intent.set(True)
        db = Database(make_engine(get_settings().database_url))
        try:
            async with db.sessionmaker() as session, session.begin():
                return await work(session)
        finally:
            await db.dispose()

    return asyncio.run(runner())


def _ensure_sqlite_dir() -> None:
    url = get_settings().database_url
    if url.startswith("sqlite") and ":///" in url:
        Path(url.split(":///", 1)[1]).parent.mkdir(parents=True, exist_ok=True)


@app.command()
def serve(
    host: Annotated[str, typer.Option(envvar="HOST", help="Address to listen on.")] = "127.0.0.1",
    port: Annotated[int, typer.Option(envvar="PORT", help="Port to listen on.")] = 8000,
    workers: Annotated[int, typer.Option(envvar="KH_WORKERS", help="Worker processes (use >1 on PostgreSQL).")] = 1,
    reload: Annotated[bool, typer.Option(help="Restart on code changes (development).")] = False,
) -> None:
    """Serve the API (and the built dashboard) with uvicorn."""
    typer.echo(f"Khuyến học: http://{host}:{port}/  (API /api/v1, tài liệu /docs)", err=True)
    sys.stdout.flush()
    sys.stderr.flush()
    # The server runs as `python -m api.ops.serving` in this same process (same pid, same signals): its
    # workers then import that small module, not this command line with everything it brings.
    os.execv(
        sys.executable,
        [sys.executable, "-m", "api.ops.serving", host, str(port), str(workers), "reload" if reload else "-"],
    )


@app.command()
def migrate(revision: Annotated[str, typer.Argument(help="Target revision.")] = "head") -> None:
    """Bring the database schema up to date (Alembic)."""
    from api.db.migrate import upgrade

    _ensure_sqlite_dir()
    upgrade(get_settings().database_url, revision)
    typer.echo(f"Đã nâng cấp cơ sở dữ liệu lên {revision}.", err=True)


@db_app.command("create-roles")
def db_create_roles(
    role: Annotated[str, typer.Option(envvar="KH_APP_DB_ROLE", help="Name of the runtime role.")] = "khuyenhoc_app",
    password_env: Annotated[
        str, typer.Option(help="Environment variable holding its password (unset: keep the current one).")
    ] = "KH_APP_DB_PASSWORD",
) -> None:
    """Create the service's least-privilege PostgreSQL role and grant it the tables (run as the owner, after
    every migrate)."""
    from api.db.roles import create_runtime_role

    url = get_settings().database_url
    if not url.startswith("postgresql"):
        typer.echo("Chỉ PostgreSQL có vai trò: SQLite là một tệp, quyền do hệ điều hành quyết định.", err=True)
        raise typer.Exit(2)

    async def run() -> None:
        engine = make_engine(url)
        try:
            async with engine.begin() as conn:
                await create_runtime_role(conn, role, os.environ.get(password_env) or None)
        finally:
            await engine.dispose()

    asyncio.run(run())
    typer.echo(f"Vai trò {role}: đã tạo hoặc cập nhật, đã cấp quyền tối thiểu trên các bảng.", err=True)


@app.command()
def backup(
    path: Annotated[Path, typer.Argument(help="File to write (SQLite: a database file; PostgreSQL: pg_dump -Fc).")],
    overwrite: Annotated[bool, typer.Option(help="Replace PATH if it exists.")] = False,
) -> None:
    """Back up the database while the service runs (SQLite online backup API, or pg_dump)."""
    from api.ops.backup import BackupError
    from api.ops.backup import backup as do_backup

    try:
        info = do_backup(get_settings().database_url, path, overwrite=overwrite)
    except BackupError as exc:
        typer.echo(f"Không sao lưu được: {exc}", err=True)
        raise typer.Exit(1) from exc
    typer.echo(f"Đã sao lưu ({info.kind}, phiên bản lược đồ {info.revision}, {info.size:,} byte) vào {path}.", err=True)


@app.command()
def restore(
    path: Annotated[Path, typer.Argument(help="A file written by `khuyenhoc backup`.")],
    yes: Annotated[bool, typer.Option("--yes", help="Do not ask for confirmation.")] = False,
) -> None:
    """Replace the database with a backup: all of it, or nothing on error. Then run `khuyenhoc migrate`."""
    from api.ops.backup import BackupError, describe
    from api.ops.backup import restore as do_restore

    try:
        info = describe(path)
        if not yes:
            if not sys.stdin.isatty():
                typer.echo("Khôi phục sẽ thay TOÀN BỘ dữ liệu hiện có: thêm --yes để xác nhận.", err=True)
                raise typer.Exit(2)
            typer.confirm(f"Thay toàn bộ dữ liệu bằng bản sao lưu {path} ({info.revision})?", abort=True)
        do_restore(get_settings().database_url, path)
    except BackupError as exc:
        typer.echo(f"Không khôi phục được: {exc}", err=True)
        raise typer.Exit(1) from exc
    typer.echo(
        f"Đã khôi phục từ {path} (phiên bản lược đồ {info.revision}); chạy `khuyenhoc migrate` nếu cần.", err=True
    )


@units_app.command("load")
def units_load() -> None:
    """Load the official unit lists (before and after 2025-07-01) and province successions."""
    from api.units.loader import load_all

    result = _with_session(load_all)
    typer.echo(
        f"Đơn vị hành chính: thêm {result.inserted}, cập nhật {result.updated}, giữ nguyên {result.unchanged}; "
        f"liên kết kế thừa mới {result.successions_added}.",
        err=True,
    )


@units_app.command("load-successions")
def units_load_successions(
    file: Annotated[Path, typer.Argument(exists=True, dir_okay=False, help="CSV with columns old_code,new_code.")],
) -> None:
    """Load an old→new commune mapping (all rows or none)."""
    from api.units.loader import load_commune_successions

    text = file.read_text(encoding="utf-8")
    result, errors = _with_session(lambda s: load_commune_successions(s, text))
    if errors:
        for e in errors:
            typer.echo(f"dòng {e.row}, cột {e.column}: {e.msg}", err=True)
        typer.echo(f"Không nạp gì: {len(errors)} lỗi.", err=True)
        raise typer.Exit(1)
    typer.echo(f"Đã thêm {result.successions_added} liên kết xã cũ → xã mới.", err=True)


def _password_from_env_or_prompt() -> str:
    password = os.environ.get("KH_ADMIN_PASSWORD")
    if password:
        return password
    if not sys.stdin.isatty():
        typer.echo("Đặt mật khẩu qua biến môi trường KH_ADMIN_PASSWORD.", err=True)
        raise typer.Exit(2)
    return str(typer.prompt("Mật khẩu", hide_input=True, confirmation_prompt=True))


@users_app.command("create-admin")
def users_create_admin(
    username: Annotated[str, typer.Option(help="Sign-in name of the new admin.")],
    unit: Annotated[str | None, typer.Option(help="Unit code of its scope (default: the whole country).")] = None,
    display_name: Annotated[str | None, typer.Option(help="Name to show.")] = None,
    unit_as_of: Annotated[
        str | None, typer.Option(help="Date the unit code is read on (YYYY-MM-DD), e.g. 2024-12-31 for an old unit.")
    ] = None,
) -> None:
    """Create an admin (password from KH_ADMIN_PASSWORD, else asked for)."""
    from api.auth.principal import SYSTEM
    from api.auth.scopes import Role
    from api.core.errors import AppError
    from api.users.schemas import UserCreate
    from api.users.service import create_user

    try:
        data = UserCreate.model_validate(
            {
                "username": username,
                "password": _password_from_env_or_prompt(),
                "display_name": display_name or username,
                "role": Role.admin,
                "unit_code": unit,
                "unit_as_of": unit_as_of,
            }
        )
    except ValidationError as exc:
        for err in exc.errors():
            typer.echo(f"{'.'.join(map(str, err['loc']))}: {err['msg']}", err=True)
        raise typer.Exit(2) from exc
    try:
        user = _with_session(lambda s: create_user(s, SYSTEM, data))
    except AppError as exc:
        typer.echo(f"Không tạo được: {exc.detail}", err=True)
        raise typer.Exit(1) from exc
    typer.echo(f"Đã tạo quản trị {user.username} (id {user.id}).", err=True)


@users_app.command("set-password")
def users_set_password(username: Annotated[str, typer.Argument(help="Sign-in name.")]) -> None:
    """Set a user's password (KH_ADMIN_PASSWORD, else asked for); its sessions end."""
    from api.auth.principal import SYSTEM
    from api.users.schemas import UserUpdate
    from api.users.service import find_by_username, update_user

    password = _password_from_env_or_prompt()

    async def work(session: AsyncSession) -> bool:
        user = await find_by_username(session, username)
        if user is None:
            return False
        await update_user(session, SYSTEM, user, UserUpdate(password=password))
        return True

    if not _with_session(work):
        typer.echo(f"Không có người dùng {username}.", err=True)
        raise typer.Exit(1)
    typer.echo(f"Đã đổi mật khẩu của {username}.", err=True)


@demo_app.command("load")
def demo_load() -> None:
    """Load units and the demo data set (idempotent); prints new demo passwords once."""
    from api.demo.accounts import load_accounts
    from api.demo.article import load_article
    from api.demo.recognition import load_recognition
    from api.demo.registries import load_registries
    from api.demo.reports import load_publications, load_reports

    units_load()
    added = _with_session(load_reports)
    typer.echo(f"Báo cáo năm (demo): thêm {added}.", err=True)
    wards = _with_session(load_registries)
    typer.echo(f"Sổ đăng ký (demo): thêm cho {wards} phường.", err=True)
    article = _with_session(load_article)
    typer.echo(f"Phối hợp, hoạt động, kiểm tra, quỹ của tỉnh (demo): thêm {article} bản ghi.", err=True)
    published = _with_session(load_publications)
    typer.echo(f"Dữ liệu mở (demo): công bố thêm {published} năm.", err=True)
    registrations = _with_session(load_recognition)
    typer.echo(f"Đăng ký danh hiệu học tập (demo, một xã của Thái Bình): thêm {registrations}.", err=True)
    created = _with_session(load_accounts)
    if not created:
        typer.echo("Tài khoản demo đã có sẵn (đổi mật khẩu: khuyenhoc users set-password TÊN).", err=True)
        return
    typer.echo("\nTài khoản demo mới — mật khẩu chỉ hiện MỘT lần, hãy lưu lại:", err=True)
    for kind, name, secret in created:
        label = "khoá API" if kind == "api_key" else "người dùng"
        typer.echo(f"  {label:11} {name:40} {secret}", err=True)
    typer.echo("", err=True)


def _sync_run(url: str, key: str, work: Callable[[Database, Any, str], Awaitable[T]]) -> T:
    """Run ``work(local database, partner client, source)``; errors end the command with a Vietnamese line."""
    import httpx

    from api.sync.client import SyncError, normalise_source

    try:
        source, base_url = normalise_source(url)
    except ValueError as exc:
        typer.echo(str(exc), err=True)
        raise typer.Exit(2) from exc

    async def runner() -> T:
        db = Database(make_engine(get_settings().database_url))
        headers = {"Authorization": f"Bearer {key}", "User-Agent": "khuyenhoc-sync"}
        try:
            async with httpx.AsyncClient(base_url=base_url, headers=headers, timeout=60.0) as http:
                return await work(db, http, source)
        finally:
            await db.dispose()

    try:
        return asyncio.run(runner())
    except (SyncError, ValueError) as exc:
        typer.echo(f"Dừng đồng bộ: {exc}", err=True)
        raise typer.Exit(1) from exc


SyncUrl = Annotated[str, typer.Option(help="The partner instance, e.g. https://khuyenhoc.hanam.example.vn")]
SyncKey = Annotated[str, typer.Option(envvar="KH_SYNC_KEY", help="The partner's API key for you (or KH_SYNC_KEY).")]


@sync_app.command("pull")
def sync_pull(
    from_url: Annotated[str, typer.Option("--from", help="The partner instance to copy from, e.g. https://…")],
    key: SyncKey,
    types: Annotated[str | None, typer.Option(help="Comma-separated types, e.g. report,award (default: all).")] = None,
    limit: Annotated[int, typer.Option(min=1, max=1000, help="Changes per page (each page is one commit).")] = 500,
) -> None:
    """Mirror a partner's records here from its change feed, resuming from the stored cursor."""
    from api.sync.client import parse_types, pull

    try:
        wanted = parse_types(types)
    except ValueError as exc:
        typer.echo(str(exc), err=True)
        raise typer.Exit(2) from exc
    log: Callable[[str], None] = lambda line: typer.echo(line, err=True)  # noqa: E731
    result = _sync_run(
        from_url, key, lambda db, http, source: pull(db, http, source=source, types=wanted, limit=limit, log=log)
    )
    if result.failed:
        raise typer.Exit(1)


@sync_app.command("push")
def sync_push(
    to: SyncUrl,
    key: SyncKey,
    province: Annotated[str | None, typer.Option(help="Only this province's subtree (its code).")] = None,
    year: Annotated[int | None, typer.Option(min=1990, max=2100, help="Only this year.")] = None,
    prefix: Annotated[
        str, typer.Option(help="Your external ids are PREFIX-<unit code>-<year>; keep it the same every time.")
    ] = "kh",
    status: Annotated[
        str, typer.Option(help="Status sent: approved (the key needs reports:approve) or submitted.")
    ] = "approved",
    batch: Annotated[int, typer.Option(min=1, max=1000, help="Records per request.")] = 500,
    what: Annotated[
        str, typer.Option(help="What to send: reports, funds (each fund with its ledger), or both.")
    ] = "reports,funds",
) -> None:
    """Send this instance's own approved reports, and its own funds with their ledgers, to a partner (upserts by
    external id, in batches)."""
    from api.sync.client import PUSHED, push

    if status not in ("approved", "submitted"):
        typer.echo("--status: approved hoặc submitted.", err=True)
        raise typer.Exit(2)
    sent = [w.strip() for w in what.split(",") if w.strip()]
    if not sent or any(w not in PUSHED for w in sent):
        typer.echo(f"--what: chọn trong {', '.join(PUSHED)} (cách nhau bằng dấu phẩy).", err=True)
        raise typer.Exit(2)
    log: Callable[[str], None] = lambda line: typer.echo(line, err=True)  # noqa: E731
    result = _sync_run(
        to,
        key,
        lambda db, http, _source: push(
            db,
            http,
            province=province,
            year=year,
            id_prefix=prefix,
            status=status,
            batch_size=batch,
            what=sent,
            log=log,
        ),
    )
    if result.failed:
        raise typer.Exit(1)


@webhooks_app.command("run")
def webhooks_run() -> None:
    """Deliver the change feed to the registered webhook endpoints until stopped (SIGTERM, Ctrl-C).

    Run it beside `khuyenhoc serve`, never inside it; on PostgreSQL several may run at once."""
    import signal

    from api.core.requestid import configure_logging
    from api.webhooks.runner import Runner

    settings = get_settings()
    configure_logging(level=settings.log_level, json=settings.log_json)

    async def runner() -> None:
        stop = asyncio.Event()
        loop = asyncio.get_running_loop()
        for sig in (signal.SIGTERM, signal.SIGINT):
            loop.add_signal_handler(sig, stop.set)
        db = Database(make_engine(settings.database_url, pool_size=4))
        try:
            await Runner(db, settings).run(stop)
        finally:
            await db.dispose()

    typer.echo("Đang gửi webhook (dừng: Ctrl-C).", err=True)
    try:  # uvloop (with uvicorn[standard]): the delivery process spends its time in the event loop
        import uvloop

        loop_factory: Callable[[], asyncio.AbstractEventLoop] | None = uvloop.new_event_loop
    except ImportError:
        loop_factory = None
    with asyncio.Runner(loop_factory=loop_factory) as loop_runner:
        loop_runner.run(runner())


@app.command()
def openapi(
    out: Annotated[Path, typer.Option(help="Where to write it.")] = PROJECT_ROOT / "openapi.yaml",
    check: Annotated[bool, typer.Option(help="Only check that the file is up to date.")] = False,
) -> None:
    """Write (or --check) openapi.yaml from the app."""
    from api.core.openapi import openapi_yaml
    from api.main import app as fastapi_app

    text = openapi_yaml(fastapi_app)
    if check:
        if not out.exists() or out.read_text(encoding="utf-8") != text:
            typer.echo(f"{out} is out of date: run `khuyenhoc openapi`.", err=True)
            raise typer.Exit(1)
        return
    out.write_text(text, encoding="utf-8")
    typer.echo(f"wrote {out}", err=True)


def main() -> None:
    os.environ.setdefault("PYTHONUTF8", "1")
    app(prog_name="khuyenhoc")


if __name__ == "__main__":
    main()
