"""GraphiQL works with the network cut off: a real Chromium against `gridpoints serve --demo`.

Every request the page makes that is not to 127.0.0.1 is aborted and recorded; none may be
attempted. The page must load and show the schema's docs (Query's fields, with descriptions).
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Iterator
from urllib.parse import urlsplit

import httpx
import pytest
from playwright.async_api import Browser, Route

from gateway import graphiql
from tests.process import servers
from tests.process.browser import chromium


@pytest.fixture(scope="module")
def demo_gateway(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """`gridpoints serve --demo` in development mode on the embedded default."""
    cwd = tmp_path_factory.mktemp("graphiql")
    env = servers.clean_env(GRIDPOINTS_WEB_BUILD="0")  # GraphiQL is tested, not the web app
    with servers.serving(env, cwd, "--demo") as port:
        yield f"http://127.0.0.1:{port}"


@pytest.fixture
async def browser() -> AsyncIterator[Browser]:
    async with chromium() as launched:
        yield launched


async def test_graphiql_loads_and_shows_the_docs_offline(
    demo_gateway: str, browser: Browser
) -> None:
    context = await browser.new_context()
    outside: list[str] = []
    asked: list[str] = []

    async def only_loopback(route: Route) -> None:
        url = route.request.url
        if urlsplit(url).hostname == "127.0.0.1":
            asked.append(urlsplit(url).path)
            await route.continue_()
        else:
            outside.append(url)
            await route.abort()

    await context.route("**/*", only_loopback)
    page = await context.new_page()
    page_errors: list[str] = []
    page.on("pageerror", lambda error: page_errors.append(str(error)))

    await page.goto(f"{demo_gateway}/graphql")
    await page.get_by_role("button", name="Show Documentation Explorer").click()
    explorer = page.locator(".graphiql-doc-explorer")
    await explorer.locator(
        "div:has(> .graphiql-doc-explorer-root-type:text-is('query')) > a"
    ).click()
    await explorer.locator(".graphiql-doc-explorer-field-name", has_text="offers").first.wait_for()

    fields = await explorer.locator(".graphiql-doc-explorer-field-name").all_inner_texts()
    assert {"node", "nodes", "me", "offers", "merchants"} <= set(fields)
    assert "The logged-in user, or null." in await explorer.inner_text()
    assert outside == []
    assert page_errors == []
    assets = {path for path in asked if path.startswith(graphiql.ASSETS_URL)}
    assert assets == {graphiql.ASSETS_URL + name for name in graphiql.ASSETS}
    await context.close()


def test_served_assets_are_the_pinned_files(demo_gateway: str) -> None:
    for name, sri in graphiql.ASSETS.items():
        response = httpx.get(f"{demo_gateway}{graphiql.ASSETS_URL}{name}", timeout=10)
        assert response.status_code == 200
        assert graphiql.integrity(response.content) == sri
        assert graphiql.integrity(graphiql.asset_file(name).read_bytes()) == sri
        assert response.headers["x-content-type-options"] == "nosniff"
    # nothing else of the package is served
    assert httpx.get(f"{demo_gateway}/graphiql/views.py", timeout=10).status_code == 404
    assert httpx.get(f"{demo_gateway}/graphiql/style.css", timeout=10).status_code == 404
