"""Review's dependency aliases."""

from typing import Annotated

from fastapi import Depends, Request
from jinja2 import Environment

from shared.deps import (
    ApplicantDep,
    MinistryDep,
    PrincipalDep,
    ProvinceDep,
    RuntimeDep,
    SessionDep,
    StaffDep,
    TemporalDep,
)

__all__ = [
    "ApplicantDep",
    "MinistryDep",
    "PrincipalDep",
    "ProvinceDep",
    "RuntimeDep",
    "SessionDep",
    "StaffDep",
    "TemplatesDep",
    "TemporalDep",
]


def get_templates(request: Request) -> Environment:
    env: Environment = request.app.state.templates
    return env


TemplatesDep = Annotated[Environment, Depends(get_templates)]
