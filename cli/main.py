"""`greenlist`: run the platform, mint development tokens, migrate databases, open batches."""

from __future__ import annotations

import asyncio
from datetime import timedelta
from typing import TYPE_CHECKING, Annotated

import typer

from shared.config import SERVICES, ServiceName, Settings

if TYPE_CHECKING:
    from sqlalchemy import MetaData

app = typer.Typer(
    help="greenlist: China's Green Manufacturing List programme, end to end.",
    no_args_is_help=True,
    add_completion=False,
)


def _settings() -> Settings:
    """The environment's settings, or a clear line and exit code 2 (not a traceback)."""
    from pydantic import ValidationError

    try:
        return Settings()
    except ValidationError as err:
        for error in err.errors():
            where = ".".join(str(p) for p in error["loc"]).upper()
            typer.echo(f"greenlist: {where + ': ' if where else ''}"
                       f"{error['msg'].removeprefix('Value error, ')}", err=True)
        raise typer.Exit(2) from None


def _reachable_or_exit(settings: Settings, *, broker: bool = True) -> None:
    """Say in one line which dependency is not reachable (and how to start it), then exit."""
    from cli.supervisor import preflight

    problem = preflight(settings, broker=broker)
    if problem:
        typer.echo(problem, err=True)
        raise typer.Exit(2)


def _service_name(service: str) -> ServiceName:
    for name in SERVICES:
        if name == service:
            return name
    raise typer.BadParameter(f"unknown service {service!r}")


def _metadata(service: ServiceName) -> list[MetaData]:
    from importlib import import_module

    from shared.messaging.tables import MessagingBase

    parts = import_module(f"services.{service}.app").PARTS
    return [parts.metadata, MessagingBase.metadata]


@app.command()
def up(
    no_temporal: Annotated[
        bool,
        typer.Option(help="do not start the embedded Temporal server (TEMPORAL_ADDRESS is used)"),
    ] = False,
) -> None:
    """Start the platform: embedded Temporal (unless TEMPORAL_ADDRESS is set), the workflows
    worker and the intake, agency, review and notify services. Ctrl-C stops every process."""
    from cli.supervisor import run_platform

    raise typer.Exit(run_platform(_settings(), embed_temporal=not no_temporal))


@app.command()
def token(
    role: Annotated[str, typer.Argument(help="applicant | province | agency | ministry | ops")],
    scope: Annotated[
        str,
        typer.Argument(help="credit code (applicant), region code (province), agency id, or * "),
    ] = "*",
    name: Annotated[str, typer.Option(help="who the token names")] = "",
    days: Annotated[int, typer.Option(help="validity in days")] = 30,
) -> None:
    """Mint a signed bearer token for a role and scope (development and tests)."""
    from shared.auth import mint
    from shared.contracts.auth import Principal, Role

    try:
        principal = Principal(role=Role(role), scope=scope, name=name)
    except ValueError as err:
        raise typer.BadParameter(f"unknown role {role!r}") from err
    typer.echo(mint(principal, _settings().token_secret, timedelta(days=days)))


@app.command()
def migrate(
    service: Annotated[
        list[str] | None, typer.Argument(help="services to migrate (default: all)")
    ] = None,
) -> None:
    """Apply the database migrations of each service (SQLite under var/ or DATABASE_URL)."""
    from shared.db import migrate as run

    settings = _settings()
    _reachable_or_exit(settings, broker=False)
    for given in service or list(SERVICES):
        name = _service_name(given)
        asyncio.run(run(settings, name, _metadata(name)))
        typer.echo(f"{name}: migrated")


@app.command("make-migration")
def make_migration(
    service: Annotated[str, typer.Argument(help="intake | agency | review | notify")],
    message: Annotated[str, typer.Option("-m", help="what the revision does")],
) -> None:
    """Autogenerate a migration for a service from its models (developers)."""
    from alembic import command

    from shared.db import alembic_config
    from shared.db import migrate as run

    settings = _settings()
    name = _service_name(service)
    asyncio.run(run(settings, name, _metadata(name)))
    cfg = alembic_config(settings, name, _metadata(name))
    cfg.set_main_option("file_template", "%%(year)d%%(month).2d%%(day).2d_%%(rev)s_%%(slug)s")
    command.revision(cfg, message=message, autogenerate=True)


@app.command()
def simulate(
    scale: Annotated[
        float, typer.Option(help="share of the fifth batch's 1,944 applications (1.0 = all)")
    ] = 0.02,
    seed: Annotated[int, typer.Option(help="random seed of the synthetic data")] = 20200302,
) -> None:
    """Run the fifth batch from the notice (2020-03-02) through publication and the triennial
    reviews of 2023 and 2026 on the time-skipping Temporal server, through the real services
    (RabbitMQ at AMQP_URL; PostgreSQL when DATABASE_URL is set, else SQLite in a temporary
    folder), and print a summary. Nothing of a running platform is touched."""
    from cli.simulate import simulate as run

    settings = _settings()
    _reachable_or_exit(settings)
    summary = asyncio.run(run(settings, scale=scale, seed=seed))
    for line in summary.lines():
        typer.echo(line)


batch_app = typer.Typer(help="Batches of the list.", no_args_is_help=True)
app.add_typer(batch_app, name="batch")


@batch_app.command("create")
def batch_create(
    code: Annotated[str, typer.Argument(help="batch code, e.g. 2020-5")],
    rule_set: Annotated[
        str, typer.Option(help="rule set code (file under shared/rules/sets)")
    ] = "",
    title: Annotated[str, typer.Option()] = "",
) -> None:
    """Open a batch through the running intake service."""
    _call_intake("POST", "/api/v1/batches", token=True,
                 json={"code": code, "rule_set": rule_set or code, "title": title})


def _call_intake(method: str, path: str, *, token: bool, json: object = None) -> None:
    """One request to the running intake service: its answer printed, or one line saying
    that intake is not reachable and how to start it (no traceback)."""
    import httpx

    from shared.auth import mint
    from shared.contracts.auth import Principal, Role

    settings = _settings()
    url = settings.service_url("intake")
    headers = {}
    if token:
        tok = mint(Principal(role=Role.MINISTRY, name="cli"), settings.token_secret)
        headers["Authorization"] = f"Bearer {tok}"
    try:
        resp = httpx.request(method, f"{url}{path}", headers=headers, json=json, timeout=30)
    except httpx.TransportError as err:
        typer.echo(f"the intake service is not reachable at {url} ({type(err).__name__}): "
                   "start the platform with `make run` (or `greenlist up`)", err=True)
        raise typer.Exit(2) from None
    typer.echo(resp.text)
    if resp.status_code >= 400:
        raise typer.Exit(1)


@batch_app.command("list")
def batch_list() -> None:
    """List the batches (code, rule set, deadline) through the running intake service."""
    _call_intake("GET", "/api/v1/batches", token=True)


@batch_app.command("rule-sets")
def batch_rule_sets() -> None:
    """List the rule sets a batch can be opened under."""
    _call_intake("GET", "/api/v1/rule-sets", token=False)


if __name__ == "__main__":
    app()
