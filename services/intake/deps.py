"""Intake's dependency aliases (the shared ones, plus the rule book, storage and templates)."""

from __future__ import annotations

from typing import Annotated

from fastapi import Depends, Request
from jinja2 import Environment

from shared.deps import (
    ApplicantDep,
    MinistryDep,
    PrincipalDep,
    ProvinceDep,
    RuntimeDep,
    SessionDep,
    TemporalDep,
)
from shared.rules.book import RuleBook
from shared.storage import Storage

__all__ = [
    "ApplicantDep",
    "MinistryDep",
    "PrincipalDep",
    "ProvinceDep",
    "RuleBook",
    "RuleBookDep",
    "RuntimeDep",
    "SessionDep",
    "StorageDep",
    "TemplatesDep",
    "TemporalDep",
]


def get_rule_book(request: Request) -> RuleBook:
    book: RuleBook = request.app.state.rule_book
    return book


def get_storage(request: Request) -> Storage:
    storage: Storage = request.app.state.storage
    return storage


def get_templates(request: Request) -> Environment:
    env: Environment = request.app.state.templates
    return env


RuleBookDep = Annotated[RuleBook, Depends(get_rule_book)]
StorageDep = Annotated[Storage, Depends(get_storage)]
TemplatesDep = Annotated[Environment, Depends(get_templates)]
