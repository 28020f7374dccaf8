"""Alembic environment shared by every service; `shared.db.alembic_config` fills it in."""

import asyncio

from alembic import context

from shared.db import create_engine, run_sync_migrations

config = context.config


async def _run() -> None:
    engine = create_engine(config.attributes["settings"], config.attributes["service"])
    try:
        async with engine.connect() as connection:
            await connection.run_sync(run_sync_migrations, config)
            await connection.commit()
    finally:
        await engine.dispose()


asyncio.run(_run())
