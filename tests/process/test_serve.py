"""The README's first command, for real: `gridpoints serve --demo` on the embedded default."""

from __future__ import annotations

import signal
import time
from pathlib import Path

import httpx

from tests.process import servers

LOGIN = """mutation { login(input: {phone: "13800000000", password: "gridpoints-demo"}) {
  accessToken errors { code } } }"""


def test_serve_with_demo_data_answers_on_sqlite(tmp_path: Path) -> None:
    port = servers.free_port()
    env = servers.clean_env(GRIDPOINTS_WEB_BUILD="0")  # the web app: test_serve_webapp.py
    process = servers.start(
        [servers.gridpoints_executable(), "serve", "--demo", "--port", str(port)],
        env,
        cwd=tmp_path,
        log=tmp_path / "serve.log",
    )
    try:
        servers.wait_ready(port, deadline=60)
        url = f"http://127.0.0.1:{port}/graphql"
        login = httpx.post(url, json={"query": LOGIN}, timeout=10).json()["data"]["login"]
        assert login["errors"] == []
        me = httpx.post(
            url,
            json={"query": "{ me { roles } community { courtyards { name } } }"},
            headers={"Authorization": f"Bearer {login['accessToken']}"},
            timeout=10,
        ).json()["data"]
        assert "COMMUNITY_ADMIN" in me["me"]["roles"]
        assert len(me["community"]["courtyards"]) == 19
        assert (tmp_path / "gridpoints.sqlite3").exists()
    finally:
        started = time.monotonic()
        process.send_signal(signal.SIGTERM)
        code = process.wait(timeout=25)
        assert time.monotonic() - started < 25
    assert code in (0, -signal.SIGTERM)  # uvicorn re-raises the signal after a clean shutdown
