"""An isolated run of the platform beside any other: its own PostgreSQL schemas, exchange and
queue names and task queues (a random prefix) and its own token secret, all removed at the
end. The tests, the benchmark and the simulation run this way, so a developer's running
platform is left alone."""

from __future__ import annotations

import secrets
import uuid
from pathlib import Path
from typing import Any

from cli.inprocess import remove_run
from shared.config import Settings

# The queues a run's consumers declare (intake, review, notify).
CONSUMER_NAMES = ("intake.stages", "review.read-model", "notify.messages")


def new_run_id(prefix: str = "t") -> str:
    return prefix + uuid.uuid4().hex[:8]


def isolated_settings(
    run_id: str, *, temporal_address: str, var_dir: Path, database_url: str, amqp_url: str,
    **overrides: Any,
) -> Settings:
    """Settings of one run, polling fast. The secret is random: a platform configured with a
    database and a Temporal address refuses the development one."""
    values: dict[str, Any] = dict(
        database_url=database_url,
        db_schema_prefix=f"{run_id}_",
        amqp_url=amqp_url,
        amqp_prefix=f"{run_id}.",
        task_queue_prefix=f"{run_id}-",
        temporal_address=temporal_address,
        token_secret=secrets.token_urlsafe(32),
        var_dir=var_dir,
        outbox_poll_seconds=0.2,
        email_poll_seconds=0.2,
        email_retry_base_seconds=0.5,
    )
    values.update(overrides)
    return Settings(**values)


async def drop_run(settings: Settings, consumers: tuple[str, ...] = CONSUMER_NAMES) -> None:
    """Remove a run's schemas, queues and exchanges."""
    await remove_run(settings, consumers)
