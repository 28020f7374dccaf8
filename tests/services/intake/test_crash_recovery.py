"""Kill the intake process after a submission's commit and before its event is published:
the event still arrives, once, when intake comes back."""

from __future__ import annotations

import asyncio
import os
import signal
import socket
import subprocess
import sys
from collections.abc import AsyncIterator
from pathlib import Path

import asyncpg
import httpx
import pytest
from temporalio.testing import WorkflowEnvironment

from cli.inprocess import record_events
from cli.synthetic import CLEAN_DECLARATIONS, draft_body
from shared.auth import mint
from shared.config import Settings
from shared.contracts.auth import Principal, Role
from shared.identifiers import make_credit_code
from shared.temporal import TaskQueues
from tests.helpers.run import TEST_DATABASE_URL, drop_run, make_settings, new_run_id
from workflows.worker import build_worker


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def spawn_intake(settings: Settings, port: int, relay: bool, log: Path) -> subprocess.Popen[bytes]:
    env = {
        **os.environ,
        "DATABASE_URL": settings.database_url or "",
        "DB_SCHEMA_PREFIX": settings.db_schema_prefix,
        "AMQP_URL": settings.amqp_url,
        "AMQP_PREFIX": settings.amqp_prefix,
        "TASK_QUEUE_PREFIX": settings.task_queue_prefix,
        "TEMPORAL_ADDRESS": settings.effective_temporal_address,
        "TOKEN_SECRET": settings.token_secret,
        "INTAKE_PORT": str(port),
        "VAR_DIR": str(settings.var_dir),
        "OUTBOX_RELAY_ENABLED": "true" if relay else "false",
    }
    return subprocess.Popen([sys.executable, "-m", "services.intake"], env=env,
                            stdout=log.open("ab"), stderr=subprocess.STDOUT)


async def wait_ready(url: str, proc: subprocess.Popen[bytes], timeout: float = 60) -> None:
    deadline = asyncio.get_running_loop().time() + timeout
    async with httpx.AsyncClient() as client:
        while True:
            assert proc.poll() is None, f"intake exited with {proc.returncode}"
            try:
                if (await client.get(f"{url}/readyz")).status_code == 200:
                    return
            except httpx.HTTPError:
                pass
            assert asyncio.get_running_loop().time() < deadline, "intake did not become ready"
            await asyncio.sleep(0.2)


@pytest.fixture
async def isolated(dev_env: WorkflowEnvironment, tmp_path: Path) -> AsyncIterator[Settings]:
    s = make_settings(new_run_id(), dev_env.client.service_client.config.target_host, tmp_path)
    try:
        yield s
    finally:
        await drop_run(s, consumers=("intake.stages",))


async def unsent_outbox(settings: Settings, routing_key: str) -> list[tuple[str, object]]:
    conn = await asyncpg.connect(TEST_DATABASE_URL.replace("postgresql+asyncpg", "postgresql"))
    try:
        rows = await conn.fetch(
            f'SELECT id, sent_at FROM "{settings.schema_for("intake")}".outbox WHERE routing_key = $1',
            routing_key,
        )
        return [(r["id"], r["sent_at"]) for r in rows]
    finally:
        await conn.close()


async def test_event_committed_before_a_crash_is_published_once_after_restart(
    isolated: Settings, dev_env: WorkflowEnvironment, tmp_path: Path
) -> None:
    settings = isolated
    port = free_port()
    url = f"http://127.0.0.1:{port}"
    log = tmp_path / "intake.log"

    def auth(role: Role, scope: str = "*") -> dict[str, str]:
        return {"Authorization": f"Bearer {mint(Principal(role=role, scope=scope), settings.token_secret)}"}

    async with record_events(settings) as events, build_worker(
        dev_env.client, TaskQueues(settings.task_queue_prefix)
    ):
        # First life: the relay is off, so whatever intake commits stays in its outbox.
        first = spawn_intake(settings, port, relay=False, log=log)
        try:
            await wait_ready(url, first)
            credit = make_credit_code(__import__("random").Random(7), "320000")
            async with httpx.AsyncClient(base_url=url, timeout=60) as http:
                r = await http.post("/api/v1/batches", json={"code": "2031-1", "rule_set": "2020-5"},
                                    headers=auth(Role.MINISTRY))
                assert r.status_code == 201, r.text
                r = await http.post(
                    "/api/v1/batches/2031-1/applications",
                    json=draft_body("green_design_product", credit, "320000",
                                    applicant_name="江苏示例企业"),
                    headers=auth(Role.APPLICANT, credit))
                assert r.status_code == 201, r.text
                app_id = r.json()["id"]
                r = await http.post(f"/api/v1/applications/{app_id}/submit",
                                    json={"declarations": CLEAN_DECLARATIONS},
                                    headers=auth(Role.APPLICANT, credit))
                assert r.status_code == 200 and r.json()["stage"] == "recommendation", r.text
            # The submission is committed with its event, and the event is not out yet.
            pending = await unsent_outbox(settings, "intake.application.submitted")
            assert len(pending) == 1 and pending[0][1] is None
        finally:
            first.send_signal(signal.SIGKILL)
            first.wait()
        await asyncio.sleep(0.3)
        assert not [m for m in events.messages if m["routing_key"] == "intake.application.submitted"]

        # Second life: the relay finds the committed row and publishes it.
        second = spawn_intake(settings, port, relay=True, log=log)
        try:
            await wait_ready(url, second)
            submitted = await events.wait_for(
                lambda m: m["routing_key"] == "intake.application.submitted")
            await asyncio.sleep(1.0)  # time for any duplicate to show up
            again = [m for m in events.messages if m["routing_key"] == "intake.application.submitted"]
            assert len(again) == 1
            assert submitted[0]["body"]["payload"]["case"]["application_id"] == app_id
            assert submitted[0]["id"] == pending[0][0]
            assert (await unsent_outbox(settings, "intake.application.submitted"))[0][1] is not None
        finally:
            second.send_signal(signal.SIGTERM)
            try:
                second.wait(timeout=20)
            except subprocess.TimeoutExpired:
                second.kill()
