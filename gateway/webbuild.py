"""What `gridpoints serve` does for the web app: build it when it is missing and npm is
there, then say where to open it and, with the demo, who to log in as."""

from __future__ import annotations

import shutil
import subprocess

from rich.console import Console
from rich.table import Table

from gateway.settings import Settings
from gateway.webapp import BUILD_COMMAND, DEFAULT_DIST, REPOSITORY_WEB, is_built

# The demo's sample logins, in the order a visitor would try them, with the page each opens.
ROLE_LABELS = (
    ("resident", "居民 resident", "/"),
    ("merchant", "商家 merchant", "/merchant"),
    ("grid_worker", "专职网格员 grid worker", "/graphql"),
    ("grid_member", "网格员 grid member", "/graphql"),
    ("property_manager", "物业 property manager", "/graphql"),
    ("rider", "骑手 mobile reporter", "/"),
    ("admin", "社区管理员 admin", "/graphql"),
)


def ensure_web_built(console: Console, settings: Settings) -> bool:
    """True when the app is (now) built. Builds the repository's web/ once if npm is found."""
    dist = settings.web_dist or DEFAULT_DIST
    if is_built(dist):
        return True
    if settings.web_dist is not None or not (REPOSITORY_WEB / "package.json").is_file():
        console.print(f"[yellow]No web app at {dist}; the API is at /graphql.[/yellow]")
        return False
    npm = shutil.which("npm")
    if not settings.web_build:
        console.print(f"[yellow]The web app is not built; run `{BUILD_COMMAND}`.[/yellow]")
        return False
    if npm is None:
        console.print(
            "[yellow]The web app is not built and npm was not found: install Node.js 20+, then "
            f"run `{BUILD_COMMAND}` (the API and GraphiQL work without it).[/yellow]"
        )
        return False
    console.print("Building the web app (first start only; about a minute)…")
    prefix = [npm, "--prefix", str(REPOSITORY_WEB)]
    steps = [[*prefix, "run", "build"]]
    if not (REPOSITORY_WEB / "node_modules").is_dir():
        steps.insert(0, [*prefix, "ci", "--no-audit", "--no-fund"])
    for step in steps:
        if subprocess.run(step, check=False).returncode != 0:
            console.print(f"[red]Building the web app failed; try `{BUILD_COMMAND}`.[/red]")
            return False
    return is_built(dist)


def demo_logins(password: str | None) -> Table:
    from gateway.demo import build_plan, summarize

    logins = summarize(build_plan()).sample_logins
    table = Table(title="Demo logins 演示账号")
    table.add_column("role 角色")
    table.add_column("phone 手机号")
    table.add_column("password 密码")
    table.add_column("opens 入口")
    for key, label, page in ROLE_LABELS:
        table.add_row(label, logins[key], password or "(printed when the demo was loaded)", page)
    return table


def announce(console: Console, settings: Settings, *, host: str, port: int, demo: bool) -> None:
    """Build the app if needed, then print the address to open (and the demo's logins)."""
    built = ensure_web_built(console, settings)
    shown_host = "127.0.0.1" if host in ("0.0.0.0", "::") else host
    base = f"http://{shown_host}:{port}"
    if built:
        console.print(f"Open the web app: [bold]{base}/[/bold]   (GraphiQL: {base}/graphql)")
    else:
        console.print(f"GraphiQL: [bold]{base}/graphql[/bold]")
    if demo:
        from gateway.cli import DEMO_DEVELOPMENT_PASSWORD

        console.print(demo_logins(None if settings.production else DEMO_DEVELOPMENT_PASSWORD))
