"""A real headless Chromium: a page on an allowed origin calls the gateway across origins (real
preflights), a page on another origin cannot read it, and a cross-site multipart POST, which a
browser sends without a preflight, runs nothing."""

from __future__ import annotations

import json
import threading
from collections.abc import AsyncIterator, Iterator
from contextlib import contextmanager
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

import pytest
from playwright.async_api import Browser, Page

from models.people import User
from tests import factories
from tests.hostile.edge import BROWSER_ORIGIN, BROWSER_PAGE_PORT, EdgeServer
from tests.process import servers
from tests.process.browser import chromium

PAGE = "<!doctype html><title>app</title><p>app</p>"
CONSOLE: list[str] = []  # what the pages logged, shown when a test fails


@pytest.fixture(scope="module")
async def browser() -> AsyncIterator[Browser]:
    async with chromium() as launched:
        yield launched


class _Page(BaseHTTPRequestHandler):
    def do_GET(self) -> None:
        body = PAGE.encode()
        self.send_response(200)
        self.send_header("content-type", "text/html")
        self.send_header("content-length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, format: str, *args: Any) -> None:
        pass


@contextmanager
def _page_server(port: int) -> Iterator[None]:
    server = ThreadingHTTPServer(("127.0.0.1", port), _Page)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield
    finally:
        server.shutdown()
        server.server_close()


@pytest.fixture(scope="module")
def origins() -> Iterator[tuple[str, str]]:
    """The allowed origin (localhost) and another one (127.0.0.1), both real servers."""
    other = servers.free_port()
    with _page_server(BROWSER_PAGE_PORT), _page_server(other):
        yield BROWSER_ORIGIN, f"http://127.0.0.1:{other}"


async def _page_on(browser: Browser, origin: str) -> Page:
    page = await browser.new_page()
    page.on("console", lambda message: CONSOLE.append(message.text))
    await page.goto(f"{origin}/")
    return page


FETCH_ME = """async (url) => {
  try {
    const response = await fetch(url, {
      method: "POST",
      headers: {"content-type": "application/json", "x-request-id": "browser-trace-1",
                "apollo-require-preflight": "true"},
      body: JSON.stringify({query: "{ me { id } }"}),
    });
    return {status: response.status, body: await response.json(),
            requestId: response.headers.get("x-request-id")};
  } catch (error) {
    return {blocked: String(error)};
  }
}"""


async def test_a_page_on_an_allowed_origin_reads_the_gateway(
    browser: Browser, edge_server: EdgeServer, origins: tuple[str, str]
) -> None:
    page = await _page_on(browser, origins[0])
    result: dict[str, Any] = await page.evaluate(FETCH_ME, f"{edge_server.url}/graphql")
    assert result == {
        "status": 200,
        "body": {"data": {"me": None}},
        "requestId": "browser-trace-1",  # exposed to the page by CORS
    }, CONSOLE


async def test_a_page_on_another_origin_cannot(
    browser: Browser, edge_server: EdgeServer, origins: tuple[str, str]
) -> None:
    page = await _page_on(browser, origins[1])
    result: dict[str, Any] = await page.evaluate(FETCH_ME, f"{edge_server.url}/graphql")
    assert set(result) == {"blocked"} and "Failed to fetch" in result["blocked"]


REGISTER = (
    'mutation { register(input: {phone: "13700001111", password: "long-enough-pw",'
    ' displayName: "Csrf"}) { errors { code } } }'
)
CROSS_SITE_FORM = """async ([url, operations]) => {
  const form = new FormData();
  form.append("operations", operations);
  form.append("map", "{}");
  // no-cors: what any page may send anywhere, without asking; the answer is opaque to it
  await fetch(url, {method: "POST", mode: "no-cors", body: form,
                    headers: {"apollo-require-preflight": "true"}});
  return true;
}"""


async def test_a_cross_site_multipart_post_runs_nothing(
    browser: Browser, edge_server: EdgeServer, origins: tuple[str, str]
) -> None:
    await factories.community()
    page = await _page_on(browser, origins[1])
    before = _refused_posts(edge_server)
    operations = json.dumps({"query": REGISTER})
    assert await page.evaluate(CROSS_SITE_FORM, [f"{edge_server.url}/graphql", operations])
    # The browser sent it, without the header a simple request may not carry: refused.
    assert _refused_posts(edge_server) == before + 1
    assert await User.filter(phone="13700001111").count() == 0


def _refused_posts(server: EdgeServer) -> int:
    return sum(
        '"POST /graphql HTTP/1.1" 400' in record["message"]
        for record in server.log_lines("uvicorn.access")
    )
