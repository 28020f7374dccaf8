"""Intake's dependency aliases: the shared ones, its attachment storage, and the application
the caller may see."""

from __future__ import annotations

from typing import Annotated

from fastapi import Depends, Request

from services.intake import repository
from services.intake.models import Application
from shared.access import may_see_case
from shared.contracts.bounds import Identifier
from shared.deps import (
    ApplicantDep,
    MinistryDep,
    PrincipalDep,
    ProvinceDep,
    RuleBookDep,
    RuntimeDep,
    SessionDep,
    TemplatesDep,
    TemporalDep,
    UnitOfWorkDep,
)
from shared.http import not_found
from shared.storage import Storage

__all__ = [
    "ApplicantDep",
    "MinistryDep",
    "PrincipalDep",
    "ProvinceDep",
    "RuleBookDep",
    "RuntimeDep",
    "SessionDep",
    "StorageDep",
    "TemplatesDep",
    "TemporalDep",
    "UnitOfWorkDep",
    "VisibleApplicationDep",
]


def get_storage(request: Request) -> Storage:
    storage: Storage = request.app.state.storage
    return storage


async def visible_application(
    application_id: Identifier, principal: PrincipalDep, uow: UnitOfWorkDep
) -> Application:
    """The application of the path, if the caller may see it; 404 otherwise, so that its
    existence does not leak. Loaded in the request's unit of work, so a route that records
    something about it shares the one session."""
    app = await repository.get_application(uow.session, application_id=application_id)
    if app is None or not may_see_case(principal, credit_code=app.credit_code, region=app.region):
        raise not_found(f"application {application_id}", f"申报{application_id}")
    return app


StorageDep = Annotated[Storage, Depends(get_storage)]
VisibleApplicationDep = Annotated[Application, Depends(visible_application)]
