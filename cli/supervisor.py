"""`greenlist up`: one command that runs the whole platform on this machine.

Starts the embedded Temporal dev server (file database under var/, search attributes
registered), applies migrations, then the workflows worker and one process per service, waits
until each is ready, prints where to go, restarts any process that dies (with backoff, the
others keep running) and stops everything on Ctrl-C. A missing broker or
database is reported in one line with how to start it.
"""

from __future__ import annotations

import asyncio
import os
import shutil
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass
from functools import partial
from pathlib import Path
from urllib.parse import urlparse

import httpx

from shared.config import SERVICES, Settings
from shared.temporal import SearchAttributes

SEARCH_ATTRIBUTE_TYPES = {"KEYWORD": "Keyword", "DATETIME": "Datetime"}


def say(line: str) -> None:
    print(line, flush=True)  # noqa: T201


def temporal_binary() -> str:
    beside = Path(sys.executable).parent / "temporal"
    found = str(beside) if beside.exists() else shutil.which("temporal")
    if not found:
        raise SystemExit("the `temporal` binary is missing: install the project (`make install`)")
    return found


def reachable(host: str, port: int, timeout: float = 2.0) -> bool:
    try:
        with socket.create_connection((host, port), timeout=timeout):
            return True
    except OSError:
        return False


def preflight(settings: Settings, *, broker: bool = True) -> str | None:
    """The first missing dependency, as one line with how to start it; None when all is there."""
    amqp = urlparse(settings.amqp_url)
    if broker and not reachable(amqp.hostname or "localhost", amqp.port or 5672):
        return (
            f"RabbitMQ is not reachable at {settings.amqp_url}: start it with "
            "`rabbitmq-server -detached` or set AMQP_URL"
        )
    if settings.database_url:
        db = urlparse(settings.database_url)
        if not reachable(db.hostname or "localhost", db.port or 5432):
            return (
                f"PostgreSQL is not reachable at {db.hostname}:{db.port or 5432}: start it with "
                "`pg_ctlcluster --skip-systemctl-redirect $(ls /etc/postgresql) main start` "
                "or unset DATABASE_URL to use SQLite under var/"
            )
    if settings.temporal_address:
        host, _, port = settings.temporal_address.rpartition(":")
        if not reachable(host or "localhost", int(port or 7233)):
            return f"Temporal is not reachable at TEMPORAL_ADDRESS={settings.temporal_address}"
    return None


def temporal_command(settings: Settings) -> list[str]:
    cmd = [
        temporal_binary(), "server", "start-dev",
        "--db-filename", str(settings.var_dir / "temporal.db"),
        "--ip", "127.0.0.1",
        "--port", str(settings.temporal_port),
        "--ui-port", str(settings.temporal_ui_port),
        "--namespace", settings.temporal_namespace,
        "--log-level", "error",
    ]
    for key in SearchAttributes.ALL:
        kind = SEARCH_ATTRIBUTE_TYPES[key.indexed_value_type.name]
        cmd += ["--search-attribute", f"{key.name}={kind}"]
    return cmd


# A process that dies is started again after 1 s, then 2, 4 … up to a minute; one that then
# stays up this long is considered healthy again and its next failure restarts after 1 s.
RESTART_BACKOFF_FIRST = 1.0
RESTART_BACKOFF_MAX = 60.0
HEALTHY_AFTER = 60.0


@dataclass
class Child:
    name: str
    cmd: list[str]
    proc: subprocess.Popen[bytes]
    started: float
    restarts: int = 0
    backoff: float = RESTART_BACKOFF_FIRST
    restart_at: float | None = None  # when a dead child is due to start again


class Supervisor:
    def __init__(self, settings: Settings) -> None:
        self.settings = settings
        self.children: list[Child] = []
        self.logs = settings.var_dir / "logs"

    def _popen(self, name: str, cmd: list[str]) -> subprocess.Popen[bytes]:
        self.logs.mkdir(parents=True, exist_ok=True)
        log = open(self.logs / f"{name}.log", "ab")  # noqa: SIM115 - lives as long as the child
        env = {**os.environ, "PYTHONUNBUFFERED": "1"}
        # Children get their own process group so a Ctrl-C in the terminal reaches only us;
        # we stop them in order (services first, Temporal last).
        return subprocess.Popen(cmd, stdout=log, stderr=subprocess.STDOUT, env=env,
                                start_new_session=True)

    def spawn(self, name: str, cmd: list[str]) -> None:
        self.children.append(Child(name, cmd, self._popen(name, cmd), time.monotonic()))

    def dead(self) -> tuple[str, int] | None:
        for child in self.children:
            code = child.proc.poll()
            if code is not None:
                return child.name, code
        return None

    def supervise(self, now: float | None = None) -> list[str]:
        """One round of supervision: a child that died is scheduled for a restart with
        backoff, a child whose time has come is started again. Returns what happened, as
        lines to show."""
        now = time.monotonic() if now is None else now
        said: list[str] = []
        for child in self.children:
            if child.restart_at is None:
                code = child.proc.poll()
                if code is None:
                    if now - child.started >= HEALTHY_AFTER:
                        child.backoff = RESTART_BACKOFF_FIRST
                    continue
                child.restart_at = now + child.backoff
                said.append(
                    f"{child.name} exited with code {code}: restarting in {child.backoff:.0f} s "
                    f"(see {self.logs / (child.name + '.log')})"
                )
                child.backoff = min(child.backoff * 2, RESTART_BACKOFF_MAX)
            elif now >= child.restart_at:
                child.proc = self._popen(child.name, child.cmd)
                child.started, child.restart_at = now, None
                child.restarts += 1
                said.append(f"{child.name} restarted (restart {child.restarts}, "
                            f"pid {child.proc.pid})")
        return said

    def stop(self) -> None:
        for child in reversed(self.children):
            if child.proc.poll() is None:
                child.proc.send_signal(signal.SIGTERM)
        deadline = time.monotonic() + 15
        for child in reversed(self.children):
            try:
                child.proc.wait(timeout=max(0.1, deadline - time.monotonic()))
            except subprocess.TimeoutExpired:
                say(f"{child.name} did not stop in time: killed")
                child.proc.kill()

    def wait_until(self, what: str, check: Callable[[], bool], timeout: float = 90) -> None:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            died = self.dead()
            if died:
                raise RuntimeError(
                    f"{died[0]} exited with code {died[1]} (see {self.logs / (died[0] + '.log')})"
                )
            if check():
                return
            time.sleep(0.3)
        raise RuntimeError(f"{what} was not ready after {timeout:.0f} s (see {self.logs})")


def _ready(url: str) -> bool:
    try:
        return httpx.get(url, timeout=2).status_code == 200
    except httpx.HTTPError:
        return False


def run_platform(settings: Settings, *, embed_temporal: bool = True) -> int:
    problem = preflight(settings)
    if problem:
        say(problem)
        return 1
    settings.var_dir.mkdir(parents=True, exist_ok=True)
    platform = Supervisor(settings)
    stopping = False

    def on_signal(_signo: int, _frame: object) -> None:
        nonlocal stopping
        stopping = True

    signal.signal(signal.SIGTERM, on_signal)
    signal.signal(signal.SIGINT, on_signal)
    try:
        if embed_temporal and not settings.temporal_address:
            if reachable("127.0.0.1", settings.temporal_port):
                say(f"port {settings.temporal_port} is taken: is another Temporal running? "
                    "Set TEMPORAL_ADDRESS to use it, or TEMPORAL_PORT to move ours")
                return 1
            platform.spawn("temporal", temporal_command(settings))
            platform.wait_until("Temporal", lambda: reachable("127.0.0.1", settings.temporal_port))
        say("applying migrations …")
        from cli.main import _metadata
        from shared.db import migrate

        for service in SERVICES:
            asyncio.run(migrate(settings, service, _metadata(service)))
        platform.spawn("workflows", [sys.executable, "-m", "workflows.worker"])
        for service in SERVICES:
            platform.spawn(service, [sys.executable, "-m", f"services.{service}"])
        for service in SERVICES:
            url = settings.service_url(service)
            platform.wait_until(service, partial(_ready, f"{url}/readyz"))
        say("greenlist is up:")
        for service in SERVICES:
            url = settings.service_url(service)
            say(f"  {service:<8} {url}   API docs {url}/docs")
        if embed_temporal and not settings.temporal_address:
            say(f"  Temporal UI http://127.0.0.1:{settings.temporal_ui_port}"
                f"  (gRPC 127.0.0.1:{settings.temporal_port})")
        else:
            say(f"  Temporal  {settings.temporal_address}")
        say(f"  logs     {platform.logs}/")
        say("a token: `greenlist token ministry`. Ctrl-C stops everything.")
        # Supervision: a process that dies is restarted with backoff while the others keep
        # running; every case is recoverable after a crash (Temporal, the outbox), so a
        # restart is all a crash needs.
        while not stopping:
            for line in platform.supervise():
                say(line)
            time.sleep(0.5)
        say("stopping …")
        return 0
    except RuntimeError as err:
        say(str(err))
        return 1
    finally:
        platform.stop()
