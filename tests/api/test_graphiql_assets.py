"""GraphiQL's page and assets: from the gateway only, in development only."""

from __future__ import annotations

import re
from pathlib import Path

from gateway import graphiql
from tests.api.client import make_client

SECRET = "a-production-secret-of-at-least-32-bytes!"


async def test_the_page_loads_only_the_gateways_own_pinned_assets(tmp_path: Path) -> None:
    client = make_client(tmp_path)
    async with client.http() as http:
        page = await http.get("/graphql", headers={"accept": "text/html"})
        assets = {name: await http.get(graphiql.ASSETS_URL + name) for name in graphiql.ASSETS}
    assert page.status_code == 200
    loaded = re.findall(r'(?:src|href)="([^"]*)"', page.text)
    assert sorted(loaded) == sorted(
        ["data:,", *(graphiql.ASSETS_URL + name for name in graphiql.ASSETS)]
    )
    for name, sri in graphiql.ASSETS.items():
        assert f'integrity="{sri}"' in page.text
        assert assets[name].status_code == 200
        assert graphiql.integrity(assets[name].content) == sri


async def test_production_serves_neither_the_page_nor_its_assets(tmp_path: Path) -> None:
    client = make_client(tmp_path, env="production", jwt_secret=SECRET)
    async with client.http() as http:
        page = await http.get("/graphql", headers={"accept": "text/html"})
        asset = await http.get(graphiql.ASSETS_URL + "graphiql.min.js")
    assert "GraphiQL" not in page.text
    assert asset.status_code == 404
