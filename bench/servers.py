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
APPS = {"gateway": "gateway.asgi:app", "baseline": "bench.baseline_app:app"}


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


def _environment(name: str, database_url: str, secret: str, workdir: Path) -> dict[str, str]:
    """The gateway as in production (no Redis, no background jobs, rate limits that never
    refuse), or the baseline, on the benchmark database with the same JWT secret."""
    settings = {
        "gateway": {
            "GRIDPOINTS_ENV": "production",
            "GRIDPOINTS_JWT_SECRET": secret,
            "GRIDPOINTS_DATABASE_URL": database_url,
            "GRIDPOINTS_DATABASE_POOL_SIZE": str(POOL_SIZE),
            "GRIDPOINTS_RATE_LIMIT_SCALE": str(RATE_LIMIT_SCALE),
            "GRIDPOINTS_JOB_INTERVAL_SECONDS": "0",
            "GRIDPOINTS_MEDIA_DIR": str(workdir / "media"),
        },
        "baseline": {
            "BENCH_DATABASE_URL": database_url,
            "BENCH_JWT_SECRET": secret,
            "BENCH_POOL_SIZE": str(POOL_SIZE),
        },
    }[name]
    return {**_clean_environment(), **settings}


def start(name: str, port: int, database_url: str, secret: str, workdir: Path) -> Server:
    """The gateway or the baseline under uvicorn on 127.0.0.1:PORT, one worker, no access
    log; returns once /healthz answers."""
    if port_in_use(port):
        raise RuntimeError(f"port {port} is in use; pick others with --gateway-port etc.")
    log_path = workdir / f"{name}.log"
    (workdir / "media").mkdir(exist_ok=True)
    command = [
        *(sys.executable, "-m", "uvicorn", APPS[name], "--host", HOST, "--port", str(port)),
        *("--workers", "1", "--no-access-log", "--log-level", "warning"),
        *("--timeout-graceful-shutdown", "5"),
    ]
    env = _environment(name, database_url, secret, workdir)
    with log_path.open("wb") as log:
        process = subprocess.Popen(command, cwd=REPO, env=env, stdout=log, stderr=subprocess.STDOUT)
    server = Server(name, port, process, log_path)
    _wait_until_ready(server)
    return server


def _wait_until_ready(server: Server) -> None:
    deadline = time.monotonic() + READY_TIMEOUT
    while time.monotonic() < deadline:
        if server.process.poll() is not None:
            raise RuntimeError(f"{server.name} exited at start:\n{server.log_tail()}")
        try:
            url = f"http://{HOST}:{server.port}/healthz"
            if httpx.get(url, timeout=1.0).status_code == 200:
                return
        except httpx.HTTPError:
            pass
        time.sleep(0.2)
    stop(server)
    raise RuntimeError(f"{server.name} did not become ready in {READY_TIMEOUT:.0f} s")


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
