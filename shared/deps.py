"""`Annotated` dependency aliases every service's routes use; each service's deps.py re-exports
them and adds its own."""

from __future__ import annotations

from collections.abc import AsyncIterator
from typing import Annotated

from fastapi import Depends, Request
from jinja2 import Environment
from sqlalchemy.ext.asyncio import AsyncSession
from temporalio.client import Client

from shared.contracts.auth import Principal, Role
from shared.http import current_principal, require
from shared.rules.book import RuleBook
from shared.runtime import ServiceRuntime


def get_runtime(request: Request) -> ServiceRuntime:
    runtime: ServiceRuntime = request.app.state.runtime
    return runtime


async def get_session(request: Request) -> AsyncIterator[AsyncSession]:
    async with get_runtime(request).sessions() as session:
        yield session


async def release(session: AsyncSession) -> None:
    """End the session's read transaction so its pooled connection goes back to the pool,
    before a route awaits Temporal or the network.

    A session that has read holds its connection (autobegin) until the transaction ends. An
    Update's activity runs in this same process and needs a connection from the same pool:
    with enough requests waiting on their updates while holding one each, the pool is spent
    and every one of them waits for the others (the deadline rush deadlocked this way). The
    objects read stay usable (sessions do not expire on commit); the next read begins a new
    transaction. Only for reads: pending writes are refused here rather than committed
    unnoticed."""
    if session.new or session.dirty or session.deleted:
        raise RuntimeError("release() with unsaved changes: commit them first")
    if session.in_transaction():
        # Nothing to write, so ending it by commit only returns the connection (a rollback
        # would expire what was read).
        await session.commit()


class UnitOfWork:
    """A request's transaction: `session` to read and record, `commit()` to make it durable
    and wake the outbox relay (and the service's loops) so the facts go out at once;
    `release()` before awaiting Temporal or the network with nothing to write."""

    def __init__(self, session: AsyncSession, runtime: ServiceRuntime) -> None:
        self.session = session
        self._runtime = runtime

    async def commit(self) -> None:
        await self.session.commit()
        self._runtime.events_committed()

    async def release(self) -> None:
        await release(self.session)


async def get_unit_of_work(request: Request) -> AsyncIterator[UnitOfWork]:
    runtime = get_runtime(request)
    async with runtime.sessions() as session:
        yield UnitOfWork(session, runtime)


def get_temporal(request: Request) -> Client:
    return get_runtime(request).temporal


def get_rule_book(request: Request) -> RuleBook:
    book: RuleBook = request.app.state.rule_book
    return book


def get_templates(request: Request) -> Environment:
    """The service's one Jinja2 environment (services with pages set `app.state.templates`)."""
    env: Environment = request.app.state.templates
    return env


RuntimeDep = Annotated[ServiceRuntime, Depends(get_runtime)]
SessionDep = Annotated[AsyncSession, Depends(get_session)]
UnitOfWorkDep = Annotated[UnitOfWork, Depends(get_unit_of_work)]
TemporalDep = Annotated[Client, Depends(get_temporal)]
PrincipalDep = Annotated[Principal, Depends(current_principal)]
ApplicantDep = Annotated[Principal, Depends(require(Role.APPLICANT))]
ProvinceDep = Annotated[Principal, Depends(require(Role.PROVINCE))]
AgencyDep = Annotated[Principal, Depends(require(Role.AGENCY))]
MinistryDep = Annotated[Principal, Depends(require(Role.MINISTRY))]
StaffDep = Annotated[Principal, Depends(require(Role.MINISTRY, Role.OPS))]
RuleBookDep = Annotated[RuleBook, Depends(get_rule_book)]
TemplatesDep = Annotated[Environment, Depends(get_templates)]
