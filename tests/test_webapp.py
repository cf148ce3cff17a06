"""The web app at `/`: hashed assets cached for a year, index.html revalidated, client routes
answered with index.html, and a page that says how to build the app when there is none."""

from __future__ import annotations

from pathlib import Path

import httpx
import pytest

from gateway.webapp import BUILD_COMMAND, IMMUTABLE, REVALIDATE, web_app

INDEX = '<!doctype html><div id="app"></div><script src="/assets/index-Ab12Cd.js"></script>'


@pytest.fixture
def dist(tmp_path: Path) -> Path:
    (tmp_path / "assets").mkdir()
    (tmp_path / "index.html").write_text(INDEX)
    (tmp_path / "assets" / "index-Ab12Cd.js").write_text("console.log('app')")
    (tmp_path / "persisted-documents.json").write_text('{"sha256:ab": "{ me { id } }"}')
    return tmp_path


async def _get(root: Path, path: str, headers: dict[str, str] | None = None) -> httpx.Response:
    transport = httpx.ASGITransport(app=web_app(root))
    async with httpx.AsyncClient(transport=transport, base_url="http://gateway") as client:
        return await client.get(path, headers=headers or {})


async def test_hashed_assets_are_immutable(dist: Path) -> None:
    response = await _get(dist, "/assets/index-Ab12Cd.js")

    assert response.status_code == 200
    assert response.text == "console.log('app')"
    assert response.headers["cache-control"] == IMMUTABLE == "public, max-age=31536000, immutable"
    assert "javascript" in response.headers["content-type"]


async def test_index_and_root_files_are_revalidated(dist: Path) -> None:
    index = await _get(dist, "/")
    manifest = await _get(dist, "/persisted-documents.json")

    assert index.status_code == 200
    assert index.text == INDEX
    assert index.headers["cache-control"] == REVALIDATE == "no-cache"
    assert manifest.json() == {"sha256:ab": "{ me { id } }"}
    assert manifest.headers["cache-control"] == "no-cache"


@pytest.mark.parametrize("route", ["/market", "/reports/UmVwb3J0OjE", "/merchant/desk"])
async def test_client_routes_get_the_app(dist: Path, route: str) -> None:
    response = await _get(dist, route)

    assert response.status_code == 200
    assert response.text == INDEX
    assert response.headers["cache-control"] == "no-cache"


@pytest.mark.parametrize("path", ["/assets/missing-123.js", "/favicon.ico", "/../pyproject.toml"])
async def test_missing_files_are_404_not_the_app(dist: Path, path: str) -> None:
    response = await _get(dist, path)

    assert response.status_code == 404
    assert response.text != INDEX


async def test_an_unchanged_asset_is_not_sent_again(dist: Path) -> None:
    first = await _get(dist, "/assets/index-Ab12Cd.js")
    again = await _get(dist, "/assets/index-Ab12Cd.js", {"if-none-match": first.headers["etag"]})

    assert again.status_code == 304
    assert again.content == b""


async def test_without_a_build_the_root_says_how_to_get_the_app(tmp_path: Path) -> None:
    root = await _get(tmp_path / "dist", "/")
    route = await _get(tmp_path / "dist", "/market")
    asset = await _get(tmp_path / "dist", "/assets/index-Ab12Cd.js")

    assert root.status_code == 200
    assert BUILD_COMMAND in root.text
    assert 'href="/graphql"' in root.text
    assert route.text == root.text
    assert asset.status_code == 404


async def test_assets_are_compressed_for_browsers_that_ask(dist: Path) -> None:
    script = "console.log('兴蓉社区');\n" * 200
    (dist / "assets" / "big-9f8e.js").write_text(script)

    compressed = await _get(dist, "/assets/big-9f8e.js", {"accept-encoding": "gzip"})
    plain = await _get(dist, "/assets/big-9f8e.js", {"accept-encoding": "identity"})

    assert compressed.headers["content-encoding"] == "gzip"
    assert compressed.text == script  # httpx decodes it
    assert int(compressed.headers["content-length"]) < len(script.encode()) // 10
    assert compressed.headers["cache-control"] == IMMUTABLE
    assert "content-encoding" not in plain.headers
    assert plain.text == script
