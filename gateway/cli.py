"""The `gridpoints` command line."""

from __future__ import annotations

import asyncio
import secrets
from collections.abc import Awaitable, Callable
from typing import Annotated, TypeVar

import typer
from rich.console import Console
from rich.progress import Progress, TaskID

from gateway.db import apply_migrations, close_database, open_database
from gateway.settings import Settings
from models.errors import DomainError

app = typer.Typer(
    help="GridPoints: the community micro-grid and points gateway.", no_args_is_help=True
)
console = Console()
T = TypeVar("T")

DEMO_DEVELOPMENT_PASSWORD = "gridpoints-demo"


def _run_with_database(settings: Settings, work: Callable[[], Awaitable[T]]) -> T:
    async def run() -> T:
        await open_database(settings.database_url, pool_size=2)
        try:
            return await work()
        finally:
            await close_database()

    return asyncio.run(run())


@app.command()
def migrate() -> None:
    """Apply pending database migrations (PostgreSQL or SQLite); safe to run twice."""
    settings = Settings.from_env()
    asyncio.run(apply_migrations(settings.database_url))
    console.print("[green]Database is up to date.[/green]")


@app.command("export-schema")
def export_schema() -> None:
    """Print the served GraphQL schema (SDL)."""
    from schema.root import build_schema

    print(build_schema().as_str())


@app.command("create-admin")
def create_admin(
    phone: Annotated[str, typer.Option(help="The admin's mainland mobile number.")],
    password: Annotated[str, typer.Option(help="At least 8 characters.")],
    name: Annotated[str, typer.Option(help="Display name.")] = "社区管理员",
    community: Annotated[
        str | None, typer.Option(help="Community name; default: the existing one.")
    ] = None,
) -> None:
    """Create a community admin (and the community if there is none); idempotent by phone."""
    from gateway.admin import ensure_admin

    settings = Settings.from_env()
    asyncio.run(apply_migrations(settings.database_url))
    try:
        outcome = _run_with_database(
            settings,
            lambda: ensure_admin(phone=phone, password=password, name=name, community=community),
        )
    except DomainError as error:
        console.print(f"[red]{error.message}[/red]")
        raise typer.Exit(1) from error
    console.print(outcome)


def _demo_password(settings: Settings) -> str:
    return secrets.token_urlsafe(12) if settings.production else DEMO_DEVELOPMENT_PASSWORD


async def _load_demo(settings: Settings) -> None:
    from gateway.demo import COMMUNITY_NAME, load_demo
    from models.grid import Community

    if await Community.filter(name=COMMUNITY_NAME).exists():
        console.print("The demo community is loaded already; nothing changed.")
        return
    password = _demo_password(settings)
    with Progress(console=console) as progress:
        tasks: dict[str, TaskID] = {}

        def report(step: str, done: int, total: int) -> None:
            if step not in tasks:
                tasks[step] = progress.add_task(step, total=total)
            progress.update(tasks[step], completed=done, total=total)

        summary = await load_demo(password=password, progress=report)
    console.print(f"Demo community ready: {summary}")
    console.print(f"Every demo user's password is: [bold]{password}[/bold]")


@app.command()
def demo() -> None:
    """Load the demo community (Xingrong: 19 courtyards, 68 grids, 1,000 residents)."""
    settings = Settings.from_env()
    asyncio.run(apply_migrations(settings.database_url))
    _run_with_database(settings, lambda: _load_demo(settings))


@app.command()
def serve(
    host: Annotated[str, typer.Option(help="Address to listen on.")] = "127.0.0.1",
    port: Annotated[int, typer.Option(help="Port to listen on.")] = 8000,
    with_demo: Annotated[
        bool, typer.Option("--demo", help="Load the demo community into an empty database.")
    ] = False,
    workers: Annotated[int, typer.Option(help="Worker processes (PostgreSQL only).")] = 1,
) -> None:
    """Serve the gateway with uvicorn; migrates the embedded database first."""
    import uvicorn

    from gateway.http_guard import GuardedHttpToolsProtocol
    from gateway.websockets import MAX_FRAME_BYTES

    settings = Settings.from_env()
    if not settings.uses_postgres or with_demo:
        asyncio.run(apply_migrations(settings.database_url))
    if with_demo:
        _run_with_database(settings, lambda: _load_demo_if_empty(settings))
    if workers > 1 and not settings.uses_postgres:
        raise typer.BadParameter("SQLite serves from one process; use PostgreSQL for workers.")
    from gateway.webbuild import announce

    announce(console, settings, host=host, port=port, demo=with_demo)
    uvicorn.run(
        "gateway.asgi:app",
        host=host,
        port=port,
        workers=workers,
        timeout_graceful_shutdown=20,
        proxy_headers=False,
        log_config=None,
        ws_max_size=MAX_FRAME_BYTES,  # frames bounded like JSON bodies
        http=GuardedHttpToolsProtocol,  # header size, count and time limits of its own
    )


async def _load_demo_if_empty(settings: Settings) -> None:
    from models.grid import Community

    if await Community.all().exists():
        console.print("The database has data already; not loading the demo.")
        return
    await _load_demo(settings)


if __name__ == "__main__":
    app()
