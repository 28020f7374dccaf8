"""The review side of the platform on any Temporal environment: its real activities against a
fresh PostgreSQL schema, plus the workflows worker, without HTTP or consumers."""

from __future__ import annotations

import contextlib
from collections.abc import AsyncIterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker
from temporalio.testing import WorkflowEnvironment
from temporalio.worker import Worker

from services.review.activities import ReviewActivities
from services.review.app import PARTS
from shared.config import Settings
from shared.db import create_engine, migrate, session_factory
from shared.messaging.tables import MessagingBase, OutboxMessage
from shared.temporal import TaskQueues
from tests.conftest import drop_run, make_settings, new_run_id
from workflows.worker import build_worker


@dataclass
class ReviewSide:
    settings: Settings
    env: WorkflowEnvironment
    sessions: async_sessionmaker[AsyncSession]
    queues: TaskQueues

    async def events(self, routing_key: str) -> list[dict[str, Any]]:
        """Events the review service wrote to its outbox (the relay is not running here)."""
        async with self.sessions() as session:
            rows = (
                await session.scalars(
                    select(OutboxMessage).where(OutboxMessage.routing_key == routing_key)
                    .order_by(OutboxMessage.created_at)
                )
            ).all()
            return [r.body for r in rows]


@contextlib.asynccontextmanager
async def review_side(env: WorkflowEnvironment, tmp: Path) -> AsyncIterator[ReviewSide]:
    settings = make_settings(new_run_id(), "unused:0", tmp)
    await migrate(settings, "review", [PARTS.metadata, MessagingBase.metadata])
    engine = create_engine(settings, "review")
    sessions = session_factory(engine)
    queues = TaskQueues(settings.task_queue_prefix)
    acts = ReviewActivities(sessions, lambda: None, env.client, queues)
    try:
        async with build_worker(env.client, queues), Worker(
            env.client, task_queue=queues.review, activities=acts.methods()
        ):
            yield ReviewSide(settings=settings, env=env, sessions=sessions, queues=queues)
    finally:
        await engine.dispose()
        await drop_run(settings, consumers=())
