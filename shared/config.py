"""Typed settings, read from the environment once by each composition root.

Every process (a service, the workflows worker, the CLI) builds one `Settings` at start and
passes the parts it needs down; nothing below the composition root reads the environment.
"""

from __future__ import annotations

from pathlib import Path
from typing import Literal, Self

from pydantic import Field, field_validator, model_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

ServiceName = Literal["intake", "agency", "review", "notify"]
SERVICES: tuple[ServiceName, ...] = ("intake", "agency", "review", "notify")

DEV_SECRET = "greenlist-dev-secret-change-me-in-production"


class Settings(BaseSettings):
    """Process configuration. Environment variables use the upper-case field names."""

    model_config = SettingsConfigDict(env_prefix="", extra="ignore", case_sensitive=False)

    var_dir: Path = Field(default=Path("var"), description="where embedded state lives")
    database_url: str | None = Field(
        default=None,
        description="PostgreSQL URL shared by all services, each in its own schema; "
        "unset means one SQLite file per service under var_dir",
    )
    db_schema_prefix: str = Field(
        default="", description="prefix of each service's PostgreSQL schema (tests isolate runs)"
    )
    db_pool_size: int = Field(
        default=10, gt=0, le=1000,
        description="connections each service process keeps open to PostgreSQL",
    )
    db_max_overflow: int = Field(
        default=20, ge=0, le=1000,
        description="connections a PostgreSQL pool may open beyond db_pool_size under load",
    )
    db_pool_timeout: float = Field(
        default=30.0, gt=0,
        description="seconds a request waits for a connection before it is answered 503",
    )
    sqlite_busy_timeout_seconds: float = Field(
        default=30.0, gt=0,
        description="seconds an embedded SQLite write waits for the database's write lock",
    )
    amqp_url: str = "amqp://guest:guest@localhost:5672/"
    amqp_prefix: str = Field(
        default="", description="prefix of the exchange and queue names (tests isolate runs)"
    )
    temporal_address: str | None = Field(
        default=None, description="existing Temporal cluster; unset means `greenlist up` embeds one"
    )
    temporal_namespace: str = "default"
    temporal_port: int = 7233
    temporal_ui_port: int = 8233
    task_queue_prefix: str = Field(
        default="", description="prefix of every Temporal task queue (tests isolate runs)"
    )
    environment: Literal["development", "production"] = Field(
        default="development",
        description="production refuses the development token secret (so do DATABASE_URL "
        "and TEMPORAL_ADDRESS, which only a real deployment sets)",
    )
    token_secret: str = Field(default=DEV_SECRET, min_length=1)
    token_ttl_hours: int = 24 * 30
    host: str = "127.0.0.1"
    intake_port: int = 8001
    agency_port: int = 8002
    review_port: int = 8003
    notify_port: int = 8004
    outbox_relay_enabled: bool = Field(
        default=True, description="run the outbox relay in this process"
    )
    outbox_poll_seconds: float = 0.5
    smtp_host: str = "127.0.0.1"
    smtp_port: int = 8025
    smtp_sender: str = "greenlist@miit.example"
    rule_set_dirs: list[Path] = Field(
        default_factory=list,
        description="extra folders of rule set files ({code}.yaml), searched before the "
        "bundled ones; e.g. a draft rule set for next year, or a test's",
    )
    attachment_max_bytes: int = Field(
        default=20 * 1024 * 1024, gt=0, description="largest attachment accepted, in bytes"
    )
    smtp_timeout_seconds: float = 30.0
    email_poll_seconds: float = Field(
        default=2.0, description="how often the notify sender looks for due emails without a wake"
    )
    email_retry_base_seconds: float = Field(
        default=5.0, description="first retry delay of a failed email; doubles up to an hour"
    )

    @field_validator("database_url")
    @classmethod
    def _async_driver(cls, value: str | None) -> str | None:
        # People paste the URL their tools use; the services need the async drivers.
        if value is None or value == "":
            return None
        if value.startswith("postgres://"):
            value = "postgresql://" + value.removeprefix("postgres://")
        if value.startswith("postgresql://"):
            value = "postgresql+asyncpg://" + value.removeprefix("postgresql://")
        if value.startswith("sqlite:///"):
            value = "sqlite+aiosqlite:///" + value.removeprefix("sqlite:///")
        return value

    @property
    def production(self) -> bool:
        """Configured for real use: by the switch, or by a database or cluster of its own."""
        return (self.environment == "production" or self.database_url is not None
                or self.temporal_address is not None)

    @model_validator(mode="after")
    def _enforce_non_default_secret(self) -> Self:
        # Everyone can read the development secret in this repository, and with it mint a
        # ministry token: it must never sign tokens of a platform that holds real cases.
        if self.production and self.token_secret == DEV_SECRET:
            reasons = [name for name, on in (
                ("ENVIRONMENT=production", self.environment == "production"),
                ("DATABASE_URL is set", self.database_url is not None),
                ("TEMPORAL_ADDRESS is set", self.temporal_address is not None),
            ) if on]
            raise ValueError(
                f"TOKEN_SECRET is the development secret, but the platform is configured for "
                f"production ({', '.join(reasons)}): set TOKEN_SECRET to a long random value, "
                "e.g. the output of `python -c 'import secrets; print(secrets.token_urlsafe(32))'`"
            )
        return self

    @property
    def effective_temporal_address(self) -> str:
        return self.temporal_address or f"127.0.0.1:{self.temporal_port}"

    def port_of(self, service: ServiceName) -> int:
        return {
            "intake": self.intake_port,
            "agency": self.agency_port,
            "review": self.review_port,
            "notify": self.notify_port,
        }[service]

    def service_url(self, service: ServiceName) -> str:
        return f"http://{self.host}:{self.port_of(service)}"

    def database_url_for(self, service: ServiceName) -> str:
        """The URL a service's engine connects to (its schema is set by `shared.db`)."""
        if self.database_url:
            return self.database_url
        return f"sqlite+aiosqlite:///{(self.var_dir / f'{service}.db').resolve()}"

    def schema_for(self, service: ServiceName) -> str | None:
        """PostgreSQL schema that holds one service's tables; None on SQLite (one file each)."""
        if self.database_url and self.database_url.startswith("postgresql"):
            return f"{self.db_schema_prefix}{service}"
        return None
