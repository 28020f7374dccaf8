"""Intake's dependency aliases: the shared ones, plus its attachment storage."""

from __future__ import annotations

from typing import Annotated

from fastapi import Depends, Request

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
)
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
]


def get_storage(request: Request) -> Storage:
    storage: Storage = request.app.state.storage
    return storage


StorageDep = Annotated[Storage, Depends(get_storage)]
