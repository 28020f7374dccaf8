from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path

import pytest
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from tests.helpers.agency_db import agency_database


@pytest.fixture(scope="session")
async def agency_sessions(
    tmp_path_factory: pytest.TempPathFactory,
) -> AsyncIterator[async_sessionmaker[AsyncSession]]:
    tmp: Path = tmp_path_factory.mktemp("agency-db")
    async with agency_database(tmp) as (_, sessions):
        yield sessions
