"""SQLAlchemy 2 async plumbing for every service: engines, sessions, naming, migrations.

Each service owns its data: on SQLite it has its own file under `var/`, on PostgreSQL its own
schema (selected through `search_path`, so models carry no schema and one migration serves
both). Alembic keeps one `env.py` here and one version folder per service.
"""

from __future__ import annotations

import asyncio
from collections.abc import Sequence
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from alembic import command
from alembic.config import Config as AlembicConfig
from sqlalchemy import MetaData, event, text
from sqlalchemy.engine import Connection
from sqlalchemy.ext.asyncio import (
    AsyncEngine,
    AsyncSession,
    async_sessionmaker,
    create_async_engine,
)
from sqlalchemy.types import DateTime, TypeDecorator

from shared.config import ServiceName, Settings

NAMING_CONVENTION = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


def new_metadata() -> MetaData:
    return MetaData(naming_convention=NAMING_CONVENTION)


def utcnow() -> datetime:
    return datetime.now(UTC)


class UTCDateTime(TypeDecorator[datetime]):
    """Timezone-aware datetimes on both backends (SQLite drops the offset otherwise)."""

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: datetime | None, _dialect: Any) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("naive datetime given to a UTCDateTime column")
        return value.astimezone(UTC)

    def process_result_value(self, value: datetime | None, _dialect: Any) -> datetime | None:
        if value is None:
            return None
        return value if value.tzinfo else value.replace(tzinfo=UTC)


def create_engine(settings: Settings, service: ServiceName) -> AsyncEngine:
    """The engine of one service, pointed at its own file or schema.

    The pool is sized from the settings; a request that waits longer than `db_pool_timeout`
    for a connection is answered 503 with Retry-After (`shared.http`). Routes hold no
    connection while they await Temporal (`shared.deps.release`), so the pool bounds how many
    requests read or write at once, not how many may be in flight."""
    url = settings.database_url_for(service)
    schema = settings.schema_for(service)
    pool = dict(
        pool_size=settings.db_pool_size,
        max_overflow=settings.db_max_overflow,
        pool_timeout=settings.db_pool_timeout,
    )
    if schema is not None:
        return create_async_engine(
            url,
            pool_pre_ping=True,
            connect_args={"server_settings": {"search_path": schema}},
            **pool,
        )
    Path(settings.var_dir).mkdir(parents=True, exist_ok=True)
    busy = settings.sqlite_busy_timeout_seconds
    engine = create_async_engine(url, connect_args={"timeout": busy}, **pool)

    @event.listens_for(engine.sync_engine, "connect")
    def _sqlite_pragmas(dbapi_connection: Any, _record: Any) -> None:
        # WAL lets readers (the outbox relay, GETs) go on while one transaction writes. The
        # service's writers queue on SQLite's one write lock: the driver begins a transaction
        # only at its first write, which takes the lock at once (never a read turned write,
        # which WAL would refuse without waiting), and busy_timeout makes the others wait
        # for it instead of failing with "database is locked". A rush therefore queues.
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA journal_mode=WAL")
        cursor.execute(f"PRAGMA busy_timeout={int(busy * 1000)}")
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.close()

    return engine


def session_factory(engine: AsyncEngine) -> async_sessionmaker[AsyncSession]:
    return async_sessionmaker(engine, expire_on_commit=False)


def is_postgres(engine: AsyncEngine) -> bool:
    return engine.dialect.name == "postgresql"


MIGRATIONS_ENV = Path(__file__).with_name("migrations")


def alembic_config(
    settings: Settings, service: ServiceName, metadata: Sequence[MetaData]
) -> AlembicConfig:
    """An Alembic config for one service: shared env.py, the service's own versions."""
    versions = Path(__file__).resolve().parent.parent / "services" / service / "migrations"
    cfg = AlembicConfig()
    cfg.set_main_option("script_location", str(MIGRATIONS_ENV))
    cfg.set_main_option("version_locations", str(versions))
    cfg.set_main_option("path_separator", "os")
    cfg.attributes["settings"] = settings
    cfg.attributes["service"] = service
    cfg.attributes["target_metadata"] = list(metadata)
    return cfg


async def ensure_schema(settings: Settings, service: ServiceName) -> None:
    schema = settings.schema_for(service)
    if schema is None:
        return
    engine = create_async_engine(settings.database_url_for(service))
    try:
        async with engine.begin() as conn:
            await conn.execute(text(f'CREATE SCHEMA IF NOT EXISTS "{schema}"'))
    finally:
        await engine.dispose()


def _upgrade(cfg: AlembicConfig) -> None:
    command.upgrade(cfg, "head")


async def migrate(settings: Settings, service: ServiceName, metadata: Sequence[MetaData]) -> None:
    """Bring one service's database to the newest revision."""
    await ensure_schema(settings, service)
    # Alembic's command API is synchronous and drives its own event loop in env.py.
    await asyncio.to_thread(_upgrade, alembic_config(settings, service, metadata))


def run_sync_migrations(connection: Connection, cfg: AlembicConfig) -> None:
    """Called by env.py with a live connection."""
    from alembic import context

    settings: Settings = cfg.attributes["settings"]
    service: ServiceName = cfg.attributes["service"]
    context.configure(
        connection=connection,
        target_metadata=cfg.attributes["target_metadata"],
        version_table=f"alembic_version_{service}",
        version_table_schema=settings.schema_for(service),
        render_as_batch=connection.dialect.name == "sqlite",
        compare_type=True,
    )
    with context.begin_transaction():
        context.run_migrations()
