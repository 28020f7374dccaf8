"""Intake's dependency aliases (the shared ones, plus the rule book)."""

from __future__ import annotations

from typing import Annotated

from fastapi import Depends, Request

from shared.deps import (  # noqa: F401  (re-exported for the routes)
    ApplicantDep,
    MinistryDep,
    PrincipalDep,
    ProvinceDep,
    RuntimeDep,
    SessionDep,
    TemporalDep,
)
from shared.rules import RuleSet, load_rule_set


class RuleBook:
    """Rule sets by code, each read and validated once per process."""

    def __init__(self) -> None:
        self._sets: dict[str, RuleSet] = {}

    def get(self, code: str) -> RuleSet:
        if code not in self._sets:
            self._sets[code] = load_rule_set(code)
        return self._sets[code]


def get_rule_book(request: Request) -> RuleBook:
    book: RuleBook = request.app.state.rule_book
    return book


RuleBookDep = Annotated[RuleBook, Depends(get_rule_book)]
