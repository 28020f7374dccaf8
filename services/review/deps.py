"""Review's dependency aliases."""

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
