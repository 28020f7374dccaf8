"""Kill the notify process after the email went out and before RabbitMQ got the ack.

Deterministic, without hooks in the service: notify talks to RabbitMQ through a TCP proxy of
the test's. Once notify is up, the proxy stops forwarding notify→broker bytes (it swallows
them), so the ack of the event's delivery never reaches the broker while everything else
(delivery, database commit, SMTP) carries on. The test waits until the SMTP server has the
message and the email row is marked sent, kills notify with SIGKILL and cuts the proxy: the
broker requeues the unacked message. A second notify process gets the redelivery, finds the
inbox row, and acks; no second notification, no second email.
"""

from __future__ import annotations

import asyncio
import os
import signal
import subprocess
import sys
from collections.abc import AsyncIterator
from pathlib import Path

import aio_pika
import asyncpg
import httpx
import pytest
from temporalio.testing import WorkflowEnvironment

from shared.auth import mint
from shared.config import Settings
from shared.contracts.auth import Principal, Role
from shared.contracts.events import Facts
from shared.messaging.topology import Topology
from tests.helpers.run import TEST_AMQP_URL, TEST_DATABASE_URL, drop_run, make_settings, new_run_id
from tests.helpers.smtp import SmtpSink, free_port, smtp_server
from tests.services.intake.test_crash_recovery import wait_ready
from tests.services.notify.samples import REGION, envelope
from tests.services.notify.test_notify import publish

PROVINCE_MAIL = "gxt-fujian@example.cn"


class AmqpProxy:
    """Forwards TCP between clients and RabbitMQ; `hold` swallows client→broker bytes."""

    def __init__(self, upstream_host: str, upstream_port: int) -> None:
        self.upstream = (upstream_host, upstream_port)
        self.hold = False
        self.swallowed = 0
        self.port = 0
        self._writers: list[asyncio.StreamWriter] = []
        self._server: asyncio.Server | None = None

    async def start(self) -> None:
        self._server = await asyncio.start_server(self._serve, "127.0.0.1", 0)
        self.port = self._server.sockets[0].getsockname()[1]

    async def _serve(self, client_r: asyncio.StreamReader, client_w: asyncio.StreamWriter) -> None:
        up_r, up_w = await asyncio.open_connection(*self.upstream)
        self._writers += [client_w, up_w]

        async def pump(src: asyncio.StreamReader, dst: asyncio.StreamWriter, upward: bool) -> None:
            while data := await src.read(65536):
                if upward and self.hold:
                    self.swallowed += len(data)
                    continue
                dst.write(data)
                await dst.drain()

        await asyncio.gather(pump(client_r, up_w, True), pump(up_r, client_w, False),
                             return_exceptions=True)

    def cut(self) -> None:
        """Drop every connection at once (what a dead host looks like to the broker)."""
        for writer in self._writers:
            writer.transport.abort()
        self._writers.clear()

    async def close(self) -> None:
        self.cut()
        if self._server is not None:
            self._server.close()


def spawn_notify(settings: Settings, port: int, amqp_url: str, smtp_port: int, log: Path) -> subprocess.Popen[bytes]:
    env = {
        **os.environ,
        "DATABASE_URL": settings.database_url or "",
        "DB_SCHEMA_PREFIX": settings.db_schema_prefix,
        "AMQP_URL": amqp_url,
        "AMQP_PREFIX": settings.amqp_prefix,
        "TASK_QUEUE_PREFIX": settings.task_queue_prefix,
        "TEMPORAL_ADDRESS": settings.effective_temporal_address,
        "TOKEN_SECRET": settings.token_secret,
        "NOTIFY_PORT": str(port),
        "VAR_DIR": str(settings.var_dir),
        "SMTP_HOST": "127.0.0.1",
        "SMTP_PORT": str(smtp_port),
        "EMAIL_POLL_SECONDS": "0.2",
    }
    return subprocess.Popen([sys.executable, "-m", "services.notify"], env=env,
                            stdout=log.open("ab"), stderr=subprocess.STDOUT)


@pytest.fixture
async def isolated(dev_env: WorkflowEnvironment, tmp_path: Path) -> AsyncIterator[Settings]:
    s = make_settings(new_run_id(), dev_env.client.service_client.config.target_host, tmp_path)
    try:
        yield s
    finally:
        await drop_run(s, consumers=("notify.messages",))


async def queued(settings: Settings) -> int:
    """Messages ready in notify's queue (unacked deliveries are not counted)."""
    connection = await aio_pika.connect(settings.amqp_url)
    try:
        channel = await connection.channel()
        queue = await channel.declare_queue(Topology(settings.amqp_prefix).queue("notify.messages"),
                                            passive=True)
        return int(queue.declaration_result.message_count or 0)
    finally:
        await connection.close()


async def rows(settings: Settings, event_id: str) -> list[tuple[str, str, int]]:
    conn = await asyncpg.connect(TEST_DATABASE_URL.replace("postgresql+asyncpg", "postgresql"))
    schema = settings.schema_for("notify")
    try:
        found = await conn.fetch(
            f'SELECT n.id, e.status, e.attempts FROM "{schema}".notifications n '
            f'LEFT JOIN "{schema}".emails e ON e.notification_id = n.id WHERE n.event_id = $1',
            event_id)
        return [(r["id"], r["status"], r["attempts"]) for r in found]
    finally:
        await conn.close()


async def eventually(check: object, timeout: float = 20) -> None:
    deadline = asyncio.get_running_loop().time() + timeout
    while not await check():  # type: ignore[operator]
        assert asyncio.get_running_loop().time() < deadline, "condition not met in time"
        await asyncio.sleep(0.1)


def stop(proc: subprocess.Popen[bytes]) -> None:
    if proc.poll() is None:
        proc.send_signal(signal.SIGTERM)
        try:
            proc.wait(timeout=20)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()


async def test_crash_after_sending_before_ack_sends_once(isolated: Settings, tmp_path: Path) -> None:
    settings = isolated
    log = tmp_path / "notify.log"
    port = free_port()
    url = f"http://127.0.0.1:{port}"
    host_port = TEST_AMQP_URL.rsplit("@", 1)[1].strip("/").split(":")
    proxy = AmqpProxy(host_port[0], int(host_port[1]))
    await proxy.start()
    proxied_url = f"amqp://guest:guest@127.0.0.1:{proxy.port}/"
    ministry = {"Authorization": f"Bearer {mint(Principal(role=Role.MINISTRY), settings.token_secret)}"}
    env = envelope(Facts.BATCH_REMINDER_DUE)

    with smtp_server() as smtp:
        sink: SmtpSink = smtp
        first = spawn_notify(settings, port, proxied_url, sink.port, log)
        try:
            await wait_ready(url, first)
            async with httpx.AsyncClient(base_url=url, timeout=30) as http:
                r = await http.put(f"/api/v1/contacts/province/{REGION}",
                                   json={"email": PROVINCE_MAIL, "language": "zh"}, headers=ministry)
                assert r.status_code == 200, r.text
            proxy.hold = True  # from now on nothing notify says reaches RabbitMQ, acks included
            await publish(settings, env)
            await sink.wait_for(lambda m: m["X-Greenlist-Event"] == env.id)

            async def recorded_as_sent() -> bool:
                return [r[1] for r in await rows(settings, env.id)] == ["sent"]

            await eventually(recorded_as_sent)
            assert proxy.swallowed > 0  # the ack (at least) was said and never heard
        finally:
            first.send_signal(signal.SIGKILL)
            first.wait()
            await proxy.close()

        # The broker never got the ack: the delivery is back in the queue.
        async def requeued() -> bool:
            return await queued(settings) == 1

        await eventually(requeued)
        assert len(sink.of_event(env.id)) == 1

        # Second life, straight to RabbitMQ: the redelivery meets the inbox row.
        second = spawn_notify(settings, port, settings.amqp_url, sink.port, log)
        try:
            await wait_ready(url, second)

            async def drained() -> bool:
                return await queued(settings) == 0

            await eventually(drained)
            await asyncio.sleep(1.5)  # time for a duplicate email to show up, if there were one
        finally:
            stop(second)
        # Stopped cleanly: an unacked delivery would be back in the queue now. It is not.
        assert await queued(settings) == 0
        assert len(sink.of_event(env.id)) == 1
        found = await rows(settings, env.id)
        assert len(found) == 1 and found[0][1:] == ("sent", 1)
        mail = sink.of_event(env.id)[0]
        assert mail["To"] == PROVINCE_MAIL and mail["Message-ID"] == f"<{found[0][0]}@notify.greenlist>"


async def test_crash_inside_the_smtp_exchange_resends_with_the_same_message_id(
    isolated: Settings, tmp_path: Path
) -> None:
    """The one window SMTP leaves open: the server has the message but notify dies before it
    hears "250" and marks the row sent. The email is sent again, with the same Message-ID (by
    which mail systems and readers drop the copy); the in-app notification stays single."""
    settings = isolated
    log = tmp_path / "notify.log"
    port = free_port()
    url = f"http://127.0.0.1:{port}"
    ministry = {"Authorization": f"Bearer {mint(Principal(role=Role.MINISTRY), settings.token_secret)}"}
    env = envelope(Facts.REREVIEW_REQUESTED)

    with smtp_server() as sink:
        first = spawn_notify(settings, port, settings.amqp_url, sink.port, log)
        # Kill notify from inside the SMTP server, before it answers the DATA command.
        sink.on_message = lambda m: (os.kill(first.pid, signal.SIGKILL)
                                     if m["X-Greenlist-Event"] == env.id else None)
        try:
            await wait_ready(url, first)
            async with httpx.AsyncClient(base_url=url, timeout=30) as http:
                r = await http.put(f"/api/v1/contacts/province/{REGION}",
                                   json={"email": PROVINCE_MAIL, "language": "en"}, headers=ministry)
                assert r.status_code == 200, r.text
            await publish(settings, env)
            first.wait(timeout=20)
        finally:
            if first.poll() is None:
                first.kill()
                first.wait()
            sink.on_message = None
        assert len(sink.of_event(env.id)) == 1
        assert [r[1] for r in await rows(settings, env.id)] == ["pending"]

        second = spawn_notify(settings, port, settings.amqp_url, sink.port, log)
        try:
            await wait_ready(url, second)
            copies = await sink.wait_for(lambda m: m["X-Greenlist-Event"] == env.id, count=2)
            await asyncio.sleep(1.0)
        finally:
            stop(second)
        assert len(sink.of_event(env.id)) == 2
        assert copies[0]["Message-ID"] == copies[1]["Message-ID"]
        found = await rows(settings, env.id)
        assert len(found) == 1 and found[0][1] == "sent"
