"""Starting real gateway processes on loopback for tests, and waiting for them."""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import sys
import time
from collections.abc import Iterator, Mapping, Sequence
from contextlib import contextmanager
from pathlib import Path

import httpx


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def start(
    command: Sequence[str], env: Mapping[str, str], cwd: Path | None = None, log: Path | None = None
) -> subprocess.Popen[bytes]:
    output = log.open("wb") if log else subprocess.DEVNULL
    return subprocess.Popen(list(command), env=dict(env), cwd=cwd, stdout=output, stderr=output)


def wait_ready(port: int, deadline: float = 30.0) -> None:
    stop = time.monotonic() + deadline
    while time.monotonic() < stop:
        try:
            if httpx.get(f"http://127.0.0.1:{port}/readyz", timeout=1).status_code == 200:
                return
        except httpx.HTTPError:
            pass
        time.sleep(0.2)
    raise TimeoutError(f"gateway on port {port} did not become ready")


def stop(process: subprocess.Popen[bytes], timeout: float = 25.0) -> int:
    process.terminate()
    return process.wait(timeout=timeout)


def gateway_command(port: int, *options: str) -> list[str]:
    """uvicorn serving the gateway on loopback, as a deployment would."""
    return [
        sys.executable,
        "-m",
        "uvicorn",
        "gateway.asgi:app",
        "--host",
        "127.0.0.1",
        "--port",
        str(port),
        "--no-access-log",
        *options,
    ]


def settings_env(**settings: str) -> dict[str, str]:
    """GRIDPOINTS_* variables for settings (database_url sets GRIDPOINTS_DATABASE_URL)."""
    return {f"GRIDPOINTS_{name.upper()}": value for name, value in settings.items()}


def gateway_env(**settings: str) -> dict[str, str]:
    """This environment plus GRIDPOINTS_* settings."""
    return {**os.environ, **settings_env(**settings)}


def gridpoints_executable() -> str:
    found = shutil.which("gridpoints", path=str(Path(sys.executable).parent))
    assert found, "the console script is installed with the project"
    return found


def clean_env(**variables: str) -> dict[str, str]:
    """This environment without the GRIDPOINTS_* settings of whoever runs the tests, plus
    `variables` (full names, as given)."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("GRIDPOINTS_")}
    return {**env, **variables}


@contextmanager
def serving(env: Mapping[str, str], cwd: Path, *options: str) -> Iterator[int]:
    """`gridpoints serve` with `options` (its output in cwd/serve.log) until the block ends;
    yields the port once it is ready."""
    port = free_port()
    command = [gridpoints_executable(), "serve", "--port", str(port), *options]
    process = start(command, env, cwd=cwd, log=cwd / "serve.log")
    try:
        wait_ready(port, deadline=60)
        yield port
    finally:
        stop(process)
