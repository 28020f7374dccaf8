"""Agency's dependency aliases."""

from shared.deps import (  # noqa: F401  (re-exported for the routes)
    AgencyDep,
    ApplicantDep,
    PrincipalDep,
    RuntimeDep,
    SessionDep,
    TemporalDep,
)
