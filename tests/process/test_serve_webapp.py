"""`gridpoints serve` and the web app, for real: the built app at `/` beside GraphiQL, the demo
logins printed per role, and without Node a gateway that still runs and says how to get the app."""

from __future__ import annotations

import sys
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import httpx

from gateway.webapp import BUILD_COMMAND
from tests.process import servers


@contextmanager
def _serving(tmp_path: Path, env: dict[str, str], *options: str) -> Iterator[str]:
    with servers.serving(env, tmp_path, *options) as port:
        yield f"http://127.0.0.1:{port}"


def test_serve_demo_serves_the_built_app_and_prints_the_logins(tmp_path: Path) -> None:
    dist = tmp_path / "dist"
    (dist / "assets").mkdir(parents=True)
    (dist / "index.html").write_text("<!doctype html><title>兴蓉社区</title>")
    (dist / "assets" / "app-1a2b.js").write_text("export {}")

    with _serving(tmp_path, servers.clean_env(GRIDPOINTS_WEB_DIST=str(dist)), "--demo") as url:
        page = httpx.get(f"{url}/vouchers", timeout=10)
        asset = httpx.get(f"{url}/assets/app-1a2b.js", timeout=10)
        graphiql = httpx.get(f"{url}/graphql", headers={"accept": "text/html"}, timeout=10)
        healthz = httpx.get(f"{url}/healthz", timeout=10)

    assert page.status_code == 200
    assert "兴蓉社区" in page.text
    assert page.headers["cache-control"] == "no-cache"
    assert asset.headers["cache-control"] == "public, max-age=31536000, immutable"
    assert graphiql.status_code == 200
    assert "graphiql" in graphiql.text.lower()
    assert healthz.json() == {"status": "ok"}
    printed = (tmp_path / "serve.log").read_text()
    assert f"Open the web app: {url}/" in printed.replace("\n", "")
    for role, phone in (("居民 resident", "13800000160"), ("商家 merchant", "13800000016")):
        row = next(line for line in printed.splitlines() if role in line)
        assert phone in row
        assert "gridpoints-demo" in row


def test_without_node_the_gateway_runs_and_says_how_to_get_the_app(tmp_path: Path) -> None:
    # A PATH holding this environment's scripts only: no node, no npm.
    no_node = servers.clean_env(PATH=str(Path(sys.executable).parent))
    missing = tmp_path / "no-such-dist"

    with _serving(tmp_path, {**no_node, "GRIDPOINTS_WEB_DIST": str(missing)}) as url:
        root = httpx.get(f"{url}/", timeout=10)
        api = httpx.post(f"{url}/graphql", json={"query": "{ __typename }"}, timeout=10)

    assert root.status_code == 200
    assert BUILD_COMMAND in root.text
    assert api.json() == {"data": {"__typename": "Query"}}
    assert not missing.exists()
    printed = (tmp_path / "serve.log").read_text()
    assert "No web app at" in printed
