"""Who is acting: the principal carried by every request and every human decision."""

from __future__ import annotations

from enum import StrEnum

from pydantic import BaseModel


class Role(StrEnum):
    APPLICANT = "applicant"
    PROVINCE = "province"
    AGENCY = "agency"
    MINISTRY = "ministry"
    OPS = "ops"


class Principal(BaseModel):
    """A signed token's claims. `scope` is the applicant's credit code, the province's region
    code or the agency's id; the ministry and ops have scope `*`."""

    role: Role
    scope: str = "*"
    name: str = ""

    def label(self) -> str:
        return f"{self.role.value}:{self.scope}"
