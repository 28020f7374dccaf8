"""`Annotated` dependency aliases every service's routes use; each service's deps.py re-exports
them and adds its own."""

from __future__ import annotations

from collections.abc import AsyncIterator
from typing import Annotated

from fastapi import Depends, Request
from sqlalchemy.ext.asyncio import AsyncSession
from temporalio.client import Client

from shared.contracts.auth import Principal, Role
from shared.http import current_principal, require
from shared.runtime import ServiceRuntime


def get_runtime(request: Request) -> ServiceRuntime:
    runtime: ServiceRuntime = request.app.state.runtime
    return runtime


async def get_session(request: Request) -> AsyncIterator[AsyncSession]:
    async with get_runtime(request).sessions() as session:
        yield session


def get_temporal(request: Request) -> Client:
    return get_runtime(request).temporal


RuntimeDep = Annotated[ServiceRuntime, Depends(get_runtime)]
SessionDep = Annotated[AsyncSession, Depends(get_session)]
TemporalDep = Annotated[Client, Depends(get_temporal)]
PrincipalDep = Annotated[Principal, Depends(current_principal)]
ApplicantDep = Annotated[Principal, Depends(require(Role.APPLICANT))]
ProvinceDep = Annotated[Principal, Depends(require(Role.PROVINCE))]
AgencyDep = Annotated[Principal, Depends(require(Role.AGENCY))]
MinistryDep = Annotated[Principal, Depends(require(Role.MINISTRY))]
StaffDep = Annotated[Principal, Depends(require(Role.MINISTRY, Role.OPS))]
