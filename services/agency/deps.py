"""Agency's dependency aliases (the shared ones, plus its rule book and report files)."""

from __future__ import annotations

from typing import Annotated

from fastapi import Depends, Request

from services.agency.files import ReportFiles
from shared.deps import AgencyDep as AgencyDep
from shared.deps import ApplicantDep as ApplicantDep
from shared.deps import MinistryDep as MinistryDep
from shared.deps import PrincipalDep as PrincipalDep
from shared.deps import RuntimeDep as RuntimeDep
from shared.deps import SessionDep as SessionDep
from shared.deps import TemporalDep as TemporalDep
from shared.rules.book import RuleBook


def get_rule_book(request: Request) -> RuleBook:
    book: RuleBook = request.app.state.rule_book
    return book


def get_report_files(request: Request) -> ReportFiles:
    files: ReportFiles = request.app.state.report_files
    return files


RuleBookDep = Annotated[RuleBook, Depends(get_rule_book)]
ReportFilesDep = Annotated[ReportFiles, Depends(get_report_files)]
