"""Deadline day: the 37 authorities submit their packages in the same moment. Each route used
to hold its pooled connection while it awaited the batch workflow's update, whose activity
(in the same process) needs a connection from the same pool: once the pool was spent the
rush deadlocked until the pool timeout and answered 500/503. Every one must answer 200."""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

from sqlalchemy import text
from temporalio.testing import WorkflowEnvironment

from cli.inprocess import Platform, running_platform
from cli.isolated import isolated_settings
from shared.regions import AUTHORITIES
from tests.helpers.run import TEST_AMQP_URL, drop_run, new_run_id, write_test_rule_sets
from tests.services.intake.support import at_authority, new_batch, recommend


async def _rush(p: Platform) -> None:
    batch = await new_batch(p, "test-open")
    assert len(AUTHORITIES) == 37

    async def submit(region: str) -> tuple[str, int, str]:
        resp = await p.intake.post(f"/api/v1/batches/{batch}/package",
                                   headers=p.auth("province", region))
        return region, resp.status_code, resp.text

    answers = await asyncio.gather(*(submit(region) for region in AUTHORITIES))
    refused = [a for a in answers if a[1] != 200]
    assert refused == [], refused


async def test_37_packages_at_once_are_all_accepted(platform: Platform) -> None:
    await _rush(platform)


async def test_40_recommendations_of_one_authority_at_once_are_all_answered(
    platform: Platform,
) -> None:
    """More than the pool holds (10 + 20 in the tests), all waiting on the same quota row."""
    p, region = platform, "440300"
    batch = await new_batch(p, "test-open")
    ids = [(await at_authority(p, batch, "green_design_product", None, region))[0]
           for _ in range(40)]
    answers = await asyncio.gather(*(recommend(p, app_id, region) for app_id in ids))
    assert [a.status_code for a in answers] == [200] * 40, [a.text for a in answers
                                                            if a.status_code != 200]
    package = await p.intake.post(f"/api/v1/batches/{batch}/package",
                                  headers=p.auth("province", region))
    assert package.status_code == 200 and len(package.json()["units"]) == 40


@contextlib.asynccontextmanager
async def _on_sqlite(
    dev_env: WorkflowEnvironment, tmp_path: Path, **overrides: Any
) -> AsyncIterator[Platform]:
    """The platform on the embedded default: one SQLite file per service under tmp_path."""
    settings = isolated_settings(
        new_run_id(), temporal_address=dev_env.client.service_client.config.target_host,
        var_dir=tmp_path, database_url="", amqp_url=TEST_AMQP_URL,
        rule_set_dirs=[write_test_rule_sets(tmp_path / "rule_sets")], **overrides,
    )
    assert settings.database_url is None
    try:
        async with running_platform(settings, dev_env.client) as p:
            yield p
    finally:
        await drop_run(settings)


async def test_37_packages_at_once_are_all_accepted_on_sqlite(
    dev_env: WorkflowEnvironment, tmp_path: Path
) -> None:
    async with _on_sqlite(dev_env, tmp_path) as p:
        await _rush(p)


async def test_no_connection_in_time_is_a_bilingual_503_with_retry_after(
    dev_env: WorkflowEnvironment, tmp_path: Path
) -> None:
    async with _on_sqlite(dev_env, tmp_path, db_pool_size=1, db_max_overflow=0,
                          db_pool_timeout=0.2) as p:
        # Hold intake's only connection, as a long transaction would.
        async with p.runtime("intake").engine.connect() as held:
            await held.execute(text("SELECT 1"))
            resp = await p.intake.get("/api/v1/batches", headers=p.auth("ministry"))
        assert resp.status_code == 503, resp.text
        assert resp.headers["Retry-After"] == "2"
        detail = resp.json()["detail"]
        assert detail["code"] == "Unavailable"
        assert detail["message"] and detail["message_zh"]
        # Once the connection is back, the same request is served.
        assert (await p.intake.get("/api/v1/batches", headers=p.auth("ministry"))).status_code == 200
