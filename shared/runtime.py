"""What one service process runs besides its routes: database, broker, relay, consumers,
Temporal client and the service's activity worker. Built once in the FastAPI lifespan."""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import AsyncIterator, Callable, Sequence
from dataclasses import dataclass, field
from typing import Any, Protocol

import aio_pika
from aio_pika.abc import AbstractExchange, AbstractRobustChannel, AbstractRobustConnection
from fastapi import FastAPI
from jinja2 import Environment
from sqlalchemy import MetaData, text
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession, async_sessionmaker
from temporalio.client import Client
from temporalio.worker import Worker

from shared.config import ServiceName, Settings
from shared.db import create_engine, migrate, session_factory
from shared.messaging.consumer import Consumer, ConsumerRunner
from shared.messaging.outbox import OutboxRelay
from shared.messaging.tables import MessagingBase
from shared.messaging.topology import Topology
from shared.rules.book import RuleBook
from shared.templates import build_environment
from shared.temporal import TaskQueues, connect

log = logging.getLogger(__name__)


class UnreachableError(RuntimeError):
    """A dependency the service cannot start without is not there; the message says how to fix."""


class BackgroundLoop(Protocol):
    """A loop the process runs beside its routes (like the outbox relay): `run` until
    cancelled; `wake` asks for a round now (called after every commit of a consumer or
    activity that announced work)."""

    async def run(self) -> None: ...

    def wake(self) -> None: ...


def _no_activities(_: ServiceRuntime) -> Sequence[Callable[..., Any]]:
    return ()


def _no_loops(_: ServiceRuntime) -> Sequence[BackgroundLoop]:
    return ()


def _no_consumers(_: ServiceRuntime) -> Sequence[Consumer]:
    return ()


@dataclass
class ServiceParts:
    """What a service contributes to its process; built by the service's `app.py`.

    A service without activities runs no Temporal worker (it still has a client). Everything
    that needs the process (activities, consumers, loops, the templates) is built from the
    runtime in the lifespan, never at import.
    """

    name: ServiceName
    metadata: MetaData
    activities: Callable[[ServiceRuntime], Sequence[Callable[..., Any]]] = _no_activities
    consumers: Callable[[ServiceRuntime], Sequence[Consumer]] = _no_consumers
    background: Callable[[ServiceRuntime], Sequence[BackgroundLoop]] = _no_loops
    templates: str | None = None  # the package whose `templates/` the service renders


@dataclass
class ServiceRuntime:
    settings: Settings
    parts: ServiceParts
    engine: AsyncEngine
    sessions: async_sessionmaker[AsyncSession]
    temporal: Client
    queues: TaskQueues
    topology: Topology
    connection: AbstractRobustConnection
    channel: AbstractRobustChannel
    exchange: AbstractExchange
    relay: OutboxRelay
    rules: RuleBook
    templates: Environment | None = None
    consumers: list[Consumer] = field(default_factory=list)
    tasks: list[asyncio.Task[Any]] = field(default_factory=list)
    runners: list[ConsumerRunner] = field(default_factory=list)
    worker: Worker | None = None
    loops: list[BackgroundLoop] = field(default_factory=list)

    def events_committed(self) -> None:
        """Call after a commit that wrote outbox rows (or other work for a background loop):
        the relay and the service's loops start a round without waiting for their poll."""
        self.relay.wake()
        for loop in self.loops:
            loop.wake()

    async def readiness(self) -> dict[str, str]:
        checks: dict[str, str] = {}
        try:
            async with self.engine.connect() as conn:
                await conn.execute(text("SELECT 1"))
            checks["database"] = "ok"
        except Exception as err:  # report, do not raise: this is the health endpoint
            checks["database"] = f"unreachable: {err}"
        checks["broker"] = (
            "ok" if not self.connection.is_closed else "unreachable: connection closed"
        )
        try:
            await asyncio.wait_for(self.temporal.service_client.check_health(), timeout=3)
            checks["temporal"] = "ok"
        except Exception as err:
            checks["temporal"] = f"unreachable: {err}"
        return checks


def database_hint(settings: Settings) -> str:
    return (
        "start PostgreSQL"
        " (pg_ctlcluster --skip-systemctl-redirect $(ls /etc/postgresql) main start)"
        if settings.database_url
        else f"check that {settings.var_dir} is writable"
    )


async def connect_broker(settings: Settings) -> AbstractRobustConnection:
    try:
        return await aio_pika.connect_robust(settings.amqp_url, timeout=10, heartbeat=30)
    except (TimeoutError, OSError, aio_pika.exceptions.AMQPError) as err:
        raise UnreachableError(
            f"RabbitMQ is not reachable at AMQP_URL={settings.amqp_url} ({err}); "
            "start it with `rabbitmq-server -detached`"
        ) from err


async def connect_temporal(settings: Settings) -> Client:
    try:
        return await connect(settings.effective_temporal_address, settings.temporal_namespace)
    except Exception as err:
        raise UnreachableError(
            f"Temporal is not reachable at {settings.effective_temporal_address} ({err}); "
            "run `greenlist up` (it embeds a server) or set TEMPORAL_ADDRESS"
        ) from err


@contextlib.asynccontextmanager
async def service_runtime(
    settings: Settings, parts: ServiceParts, *, migrate_first: bool = True,
    rules: RuleBook | None = None,
) -> AsyncIterator[ServiceRuntime]:
    """Start everything a service process needs, yield it, stop it in reverse order."""
    if migrate_first:
        try:
            await migrate(settings, parts.name, [parts.metadata, MessagingBase.metadata])
        except OSError as err:
            raise UnreachableError(
                f"the database is not reachable ({err}); {database_hint(settings)}"
            ) from err
    engine = create_engine(settings, parts.name)
    sessions = session_factory(engine)
    temporal = await connect_temporal(settings)
    connection = await connect_broker(settings)
    channel: AbstractRobustChannel = await connection.channel(publisher_confirms=True)
    topology = Topology(settings.amqp_prefix)
    exchange = await topology.declare_exchange(channel)
    relay = OutboxRelay(sessions, exchange, poll_seconds=settings.outbox_poll_seconds)
    runtime = ServiceRuntime(
        settings=settings,
        parts=parts,
        engine=engine,
        sessions=sessions,
        temporal=temporal,
        queues=TaskQueues(settings.task_queue_prefix),
        topology=topology,
        connection=connection,
        channel=channel,
        exchange=exchange,
        relay=relay,
        rules=rules or RuleBook(settings.rule_set_dirs),
        templates=build_environment(parts.templates) if parts.templates else None,
    )
    try:
        if settings.outbox_relay_enabled:
            runtime.tasks.append(asyncio.create_task(relay.run(), name=f"{parts.name}-outbox"))
        runtime.loops.extend(parts.background(runtime))
        for i, loop in enumerate(runtime.loops):
            runtime.tasks.append(asyncio.create_task(loop.run(), name=f"{parts.name}-loop-{i}"))
        runtime.consumers.extend(parts.consumers(runtime))
        for consumer in runtime.consumers:
            consumer_channel = await connection.channel()
            runner = ConsumerRunner(
                consumer, sessions, topology, on_committed=runtime.events_committed
            )
            await runner.start(consumer_channel)
            runtime.runners.append(runner)
        activities = list(parts.activities(runtime))
        if activities:
            runtime.worker = Worker(
                temporal, task_queue=getattr(runtime.queues, parts.name), activities=activities
            )
            runtime.tasks.append(
                asyncio.create_task(runtime.worker.run(), name=f"{parts.name}-activities")
            )
        log.info("%s: activity worker on %s, %d consumer(s), %d loop(s)", parts.name,
                 runtime.worker.task_queue if runtime.worker else "(none)", len(runtime.runners),
                 len(runtime.loops))
        yield runtime
    finally:
        for runner in runtime.runners:
            await runner.stop()
        if runtime.worker is not None:
            with contextlib.suppress(Exception):
                await asyncio.wait_for(runtime.worker.shutdown(), timeout=10)
        for task in runtime.tasks:
            task.cancel()
        await asyncio.gather(*runtime.tasks, return_exceptions=True)
        with contextlib.suppress(Exception):
            await connection.close()
        await engine.dispose()


def lifespan_for(
    parts: ServiceParts,
) -> Callable[[FastAPI], contextlib.AbstractAsyncContextManager[None]]:
    @contextlib.asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        async with service_runtime(app.state.settings, parts, rules=app.state.rule_book) as runtime:
            app.state.runtime = runtime
            app.state.templates = runtime.templates
            yield

    return lifespan
