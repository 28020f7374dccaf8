"""Review's dependency aliases."""

from shared.deps import (  # noqa: F401  (re-exported for the routes)
    MinistryDep,
    PrincipalDep,
    RuntimeDep,
    SessionDep,
    StaffDep,
    TemporalDep,
)
