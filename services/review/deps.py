"""Review's dependency aliases."""

from typing import Annotated

from fastapi import Depends, Request
from jinja2 import Environment

from shared.deps import (  # noqa: F401  (re-exported for the routes)
    ApplicantDep,
    MinistryDep,
    PrincipalDep,
    ProvinceDep,
    RuntimeDep,
    SessionDep,
    StaffDep,
    TemporalDep,
)


def get_templates(request: Request) -> Environment:
    env: Environment = request.app.state.templates
    return env


TemplatesDep = Annotated[Environment, Depends(get_templates)]
