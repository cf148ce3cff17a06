"""Starting and stopping the servers under test: one uvicorn process each, one worker."""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path

import httpx

from bench.config import HOST, POOL_SIZE, RATE_LIMIT_SCALE

REPO = Path(__file__).resolve().parent.parent
READY_TIMEOUT = 60.0


@dataclass
class Server:
    name: str
    port: int
    process: subprocess.Popen[bytes]
    log_path: Path

    @property
    def pid(self) -> int:
        return self.process.pid

    def log_tail(self, lines: int = 30) -> str:
        try:
            return "\n".join(self.log_path.read_text(errors="replace").splitlines()[-lines:])
        except OSError:
            return ""


def port_in_use(port: int) -> bool:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        probe.settimeout(0.5)
        return probe.connect_ex((HOST, port)) == 0


def _clean_environment() -> dict[str, str]:
    """This process's environment without any GRIDPOINTS_*/BENCH_* setting (no Redis URL,
    no other database), so the servers see only what the benchmark sets."""
    return {
        key: value
        for key, value in os.environ.items()
        if not key.startswith(("GRIDPOINTS_", "BENCH_"))
    }


def gateway_environment(database_url: str, secret: str, media_dir: Path) -> dict[str, str]:
    env = _clean_environment()
    env.update(
        {
            "GRIDPOINTS_ENV": "production",
            "GRIDPOINTS_JWT_SECRET": secret,
            "GRIDPOINTS_DATABASE_URL": database_url,
            "GRIDPOINTS_DATABASE_POOL_SIZE": str(POOL_SIZE),
            "GRIDPOINTS_RATE_LIMIT_SCALE": str(RATE_LIMIT_SCALE),
            "GRIDPOINTS_JOB_INTERVAL_SECONDS": "0",
            "GRIDPOINTS_MEDIA_DIR": str(media_dir),
        }
    )
    return env


def baseline_environment(database_url: str, secret: str) -> dict[str, str]:
    env = _clean_environment()
    env.update(
        {
            "BENCH_DATABASE_URL": database_url,
            "BENCH_JWT_SECRET": secret,
            "BENCH_POOL_SIZE": str(POOL_SIZE),
        }
    )
    return env


def start(
    name: str, app: str, port: int, env: dict[str, str], workdir: Path, factory: bool = False
) -> Server:
    """uvicorn APP on 127.0.0.1:PORT, one worker, no access log; returns once /healthz answers.
    With `factory`, APP names a function that builds the app."""
    if port_in_use(port):
        raise RuntimeError(f"port {port} is in use; pick others with --gateway-port etc.")
    log_path = workdir / f"{name}.log"
    command = [
        sys.executable,
        "-m",
        "uvicorn",
        app,
        "--host",
        HOST,
        "--port",
        str(port),
        "--workers",
        "1",
        "--no-access-log",
        "--log-level",
        "warning",
        "--timeout-graceful-shutdown",
        "5",
        *(["--factory"] if factory else []),
    ]
    with log_path.open("wb") as log:
        process = subprocess.Popen(command, cwd=REPO, env=env, stdout=log, stderr=subprocess.STDOUT)
    server = Server(name, port, process, log_path)
    deadline = time.monotonic() + READY_TIMEOUT
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"{name} exited at start:\n{server.log_tail()}")
        try:
            if httpx.get(f"http://{HOST}:{port}/healthz", timeout=1.0).status_code == 200:
                return server
        except httpx.HTTPError:
            pass
        time.sleep(0.2)
    stop(server)
    raise RuntimeError(f"{name} did not become ready in {READY_TIMEOUT:.0f} s")


def stop(server: Server) -> None:
    """SIGINT (graceful), then SIGKILL after 15 s; only this process, by its id."""
    if server.process.poll() is not None:
        return
    server.process.send_signal(signal.SIGINT)
    try:
        server.process.wait(timeout=15)
    except subprocess.TimeoutExpired:
        server.process.kill()
        server.process.wait(timeout=5)
