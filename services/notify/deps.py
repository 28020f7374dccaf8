"""Notify's dependency aliases."""

from shared.deps import PrincipalDep, SessionDep, StaffDep

__all__ = ["PrincipalDep", "SessionDep", "StaffDep"]
