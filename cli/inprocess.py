"""The platform in one process: every service's app with its lifespan (activity worker,
consumers, outbox relay) and the workflows worker, against real PostgreSQL or SQLite,
RabbitMQ and any Temporal server (the dev server, or the time-skipping one for simulations)."""

from __future__ import annotations

import asyncio
import contextlib
import json
import random
from collections.abc import AsyncIterator, Sequence
from dataclasses import dataclass, field
from typing import Any

import aio_pika
import httpx
from asgi_lifespan import LifespanManager
from sqlalchemy import func, select
from temporalio.client import Client

from shared.auth import mint
from shared.config import SERVICES, ServiceName, Settings
from shared.contracts.auth import Principal, Role
from shared.identifiers import make_credit_code
from shared.messaging.topology import Topology
from shared.temporal import TaskQueues
from workflows.worker import build_worker


@dataclass
class EventLog:
    """Every message published on the run's exchange, as received."""

    messages: list[dict[str, Any]] = field(default_factory=list)

    def of(self, application_id: str) -> list[dict[str, Any]]:
        return [
            m
            for m in self.messages
            if m["body"]["payload"].get("application_id") == application_id
            or m["body"]["payload"].get("case", {}).get("application_id") == application_id
        ]

    async def wait_for(self, predicate: Any, timeout: float = 15.0) -> list[dict[str, Any]]:
        deadline = asyncio.get_running_loop().time() + timeout
        while True:
            found = [m for m in self.messages if predicate(m)]
            if found:
                return found
            if asyncio.get_running_loop().time() > deadline:
                raise AssertionError("no such event arrived in time")
            await asyncio.sleep(0.05)


@contextlib.asynccontextmanager
async def record_events(settings: Settings) -> AsyncIterator[EventLog]:
    log = EventLog()
    connection = await aio_pika.connect_robust(settings.amqp_url)
    try:
        channel = await connection.channel()
        exchange = await Topology(settings.amqp_prefix).declare_exchange(channel)
        queue = await channel.declare_queue(exclusive=True, auto_delete=True)
        await queue.bind(exchange, routing_key="#")

        async def on_message(message: aio_pika.abc.AbstractIncomingMessage) -> None:
            async with message.process():
                log.messages.append(
                    {
                        "id": message.message_id,
                        "routing_key": message.routing_key,
                        "body": json.loads(message.body),
                    }
                )

        await queue.consume(on_message)
        yield log
    finally:
        await connection.close()


@dataclass
class Platform:
    settings: Settings
    temporal: Client
    clients: dict[ServiceName, httpx.AsyncClient]
    apps: dict[ServiceName, Any]
    events: EventLog
    rng: random.Random = field(default_factory=lambda: random.Random(20200302))

    def token(self, role: str, scope: str = "*") -> str:
        return mint(
            Principal(role=Role(role), scope=scope, name=f"test-{role}"), self.settings.token_secret
        )

    def auth(self, role: str, scope: str = "*") -> dict[str, str]:
        return {"Authorization": f"Bearer {self.token(role, scope)}"}

    def credit_code(self, region: str = "110000") -> str:
        return make_credit_code(self.rng, region)

    @property
    def intake(self) -> httpx.AsyncClient:
        return self.clients["intake"]

    @property
    def agency(self) -> httpx.AsyncClient:
        return self.clients["agency"]

    @property
    def review(self) -> httpx.AsyncClient:
        return self.clients["review"]

    @property
    def notify(self) -> httpx.AsyncClient:
        return self.clients["notify"]

    def runtime(self, service: ServiceName) -> Any:
        return self.apps[service].state.runtime

    async def notification_counts(self) -> tuple[int, int]:
        """In-app notifications, and how many repeat an (event, recipient) pair (should be 0)."""
        from services.notify.models import Notification

        async with self.runtime("notify").sessions() as session:
            total = await session.scalar(select(func.count()).select_from(Notification))
            distinct = await session.scalar(
                select(func.count()).select_from(
                    select(
                        Notification.event_id,
                        Notification.recipient_role,
                        Notification.recipient_scope,
                    )
                    .distinct()
                    .subquery()
                )
            )
        return int(total or 0), int(total or 0) - int(distinct or 0)

    def consumer_names(self) -> list[str]:
        return [c.name for service in SERVICES for c in self.runtime(service).consumers]

    async def dead_letter_count(self) -> int:
        """Messages parked in the consumers' dead-letter queues."""
        topology = Topology(self.settings.amqp_prefix)
        # A plain (not robust) connection: robust channels cache a passive declare's counts.
        connection = await aio_pika.connect(self.settings.amqp_url)
        try:
            channel = await connection.channel()
            total = 0
            for name in self.consumer_names():
                queue = await channel.declare_queue(topology.dead_letter_queue(name), passive=True)
                total += queue.declaration_result.message_count or 0
            return total
        finally:
            await connection.close()


@contextlib.asynccontextmanager
async def running_platform(settings: Settings, temporal: Client) -> AsyncIterator[Platform]:
    from importlib import import_module

    async with contextlib.AsyncExitStack() as stack:
        events = await stack.enter_async_context(record_events(settings))
        worker = build_worker(temporal, TaskQueues(settings.task_queue_prefix))
        await stack.enter_async_context(worker)
        clients: dict[ServiceName, httpx.AsyncClient] = {}
        apps: dict[ServiceName, Any] = {}
        for service in SERVICES:
            app = import_module(f"services.{service}.app").create_app(settings)
            manager = await stack.enter_async_context(LifespanManager(app, startup_timeout=60))
            apps[service] = app
            clients[service] = await stack.enter_async_context(
                httpx.AsyncClient(
                    transport=httpx.ASGITransport(app=manager.app),
                    base_url=f"http://{service}",
                    timeout=60,
                )
            )
        yield Platform(
            settings=settings, temporal=temporal, clients=clients, apps=apps, events=events
        )


async def remove_run(settings: Settings, consumers: Sequence[str]) -> None:
    """Remove what an isolated run created: its PostgreSQL schemas, its queues and exchanges."""
    if settings.database_url and settings.database_url.startswith("postgresql"):
        import asyncpg

        conn = await asyncpg.connect(
            settings.database_url.replace("postgresql+asyncpg://", "postgresql://")
        )
        try:
            for service in SERVICES:
                await conn.execute(
                    f'DROP SCHEMA IF EXISTS "{settings.schema_for(service)}" CASCADE'
                )
        finally:
            await conn.close()
    connection = await aio_pika.connect(settings.amqp_url)
    try:
        channel = await connection.channel()
        topology = Topology(settings.amqp_prefix)
        for name in consumers:
            await channel.queue_delete(topology.queue(name))
            await channel.queue_delete(topology.dead_letter_queue(name))
        await channel.exchange_delete(topology.exchange)
        await channel.exchange_delete(topology.dead_letter_exchange)
    finally:
        await connection.close()
