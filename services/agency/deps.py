"""Agency's dependency aliases: the shared ones, plus its report files."""

from __future__ import annotations

from typing import Annotated

from fastapi import Depends, Request

from services.agency.files import ReportFiles
from shared.deps import (
    AgencyDep,
    ApplicantDep,
    MinistryDep,
    PrincipalDep,
    RuleBookDep,
    RuntimeDep,
    SessionDep,
    TemporalDep,
)

__all__ = [
    "AgencyDep",
    "ApplicantDep",
    "MinistryDep",
    "PrincipalDep",
    "ReportFilesDep",
    "RuleBookDep",
    "RuntimeDep",
    "SessionDep",
    "TemporalDep",
]


def get_report_files(request: Request) -> ReportFiles:
    files: ReportFiles = request.app.state.report_files
    return files


ReportFilesDep = Annotated[ReportFiles, Depends(get_report_files)]
