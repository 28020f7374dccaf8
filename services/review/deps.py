"""Review's dependency aliases (all shared)."""

from shared.deps import (
    ApplicantDep,
    MinistryDep,
    PrincipalDep,
    ProvinceDep,
    RuleBookDep,
    RuntimeDep,
    SessionDep,
    StaffDep,
    TemplatesDep,
    TemporalDep,
    UnitOfWorkDep,
)

__all__ = [
    "ApplicantDep",
    "MinistryDep",
    "PrincipalDep",
    "ProvinceDep",
    "RuleBookDep",
    "RuntimeDep",
    "SessionDep",
    "StaffDep",
    "TemplatesDep",
    "TemporalDep",
    "UnitOfWorkDep",
]
