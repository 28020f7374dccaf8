"""Who may see a case: one rule for every service (others get 404, so existence does not leak)."""

from __future__ import annotations

from shared.contracts.auth import Principal, Role


def may_see_case(
    principal: Principal, *, credit_code: str, region: str | None = None,
    agency_id: str | None = None,
) -> bool:
    """The ministry and ops see every case; the applicant its own (by credit code); the
    recommending authority the cases of its region; an agency the cases it is engaged on."""
    if principal.role in (Role.MINISTRY, Role.OPS):
        return True
    if principal.role == Role.APPLICANT:
        return principal.scope == credit_code
    if principal.role == Role.PROVINCE:
        return region is not None and principal.scope == region
    if principal.role == Role.AGENCY:
        return agency_id is not None and principal.scope == agency_id
    return False
