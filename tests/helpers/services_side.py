"""Services' activity workers on any Temporal environment (time-skipping included): their real
activities against fresh PostgreSQL schemas, plus the workflows worker; no HTTP, no consumers,
no relay (events stay in the outboxes, where tests read them)."""

from __future__ import annotations

import contextlib
from collections.abc import AsyncIterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession, async_sessionmaker
from temporalio.testing import WorkflowEnvironment
from temporalio.worker import Worker

from services.intake.activities import IntakeActivities
from services.review.activities import ReviewActivities
from shared.config import ServiceName, Settings
from shared.db import create_engine, migrate, session_factory
from shared.messaging.tables import MessagingBase, OutboxMessage
from shared.rules.book import RuleBook
from shared.temporal import TaskQueues
from tests.helpers.run import drop_run, make_settings, new_run_id
from workflows.worker import build_worker


@dataclass
class Side:
    settings: Settings
    env: WorkflowEnvironment
    queues: TaskQueues
    db: dict[str, async_sessionmaker[AsyncSession]] = field(default_factory=dict)

    @property
    def sessions(self) -> async_sessionmaker[AsyncSession]:
        return self.db["review"]

    async def events(self, routing_key: str, service: str = "review") -> list[dict[str, Any]]:
        """Events a service wrote to its outbox, oldest first."""
        async with self.db[service]() as session:
            rows = (
                await session.scalars(
                    select(OutboxMessage).where(OutboxMessage.routing_key == routing_key)
                    .order_by(OutboxMessage.created_at)
                )
            ).all()
            return [r.body for r in rows]



def _activities(service: str, sessions: async_sessionmaker[AsyncSession], side: Side) -> list[Any]:
    if service == "review":
        return ReviewActivities(sessions, lambda: None, side.env.client, side.queues,
                                RuleBook(side.settings.rule_set_dirs)).methods()
    return IntakeActivities(sessions, lambda: None, RuleBook(side.settings.rule_set_dirs)).methods()


@contextlib.asynccontextmanager
async def services_side(
    env: WorkflowEnvironment, tmp: Path, services: Sequence[ServiceName] = ("review",)
) -> AsyncIterator[Side]:
    from importlib import import_module

    settings = make_settings(new_run_id(), "unused:0", tmp)
    side = Side(settings=settings, env=env, queues=TaskQueues(settings.task_queue_prefix))
    engines: list[AsyncEngine] = []
    try:
        async with contextlib.AsyncExitStack() as stack:
            await stack.enter_async_context(build_worker(env.client, side.queues))
            for service in services:
                parts = import_module(f"services.{service}.app").PARTS
                await migrate(settings, service, [parts.metadata, MessagingBase.metadata])
                engine = create_engine(settings, service)
                engines.append(engine)
                side.db[service] = session_factory(engine)
                await stack.enter_async_context(
                    Worker(env.client, task_queue=getattr(side.queues, service),
                           activities=_activities(service, side.db[service], side))
                )
            yield side
    finally:
        for engine in engines:
            await engine.dispose()
        await drop_run(settings, consumers=())


def review_side(env: WorkflowEnvironment, tmp: Path) -> contextlib.AbstractAsyncContextManager[Side]:
    return services_side(env, tmp, ("review",))
