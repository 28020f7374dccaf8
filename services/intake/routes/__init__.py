"""Intake's HTTP API, one module per sub-resource, included by one router (as the FastAPI
template's `api/main.py` does): reference data (rule sets, authorities), batches,
applications (drafts, submission, the authority's decision, eligibility), attachments,
exclusion lists, and packages with their summary tables."""

from __future__ import annotations

from fastapi import APIRouter

from services.intake.routes import (
    applications,
    attachments,
    batches,
    exclusion_lists,
    packages,
    reference,
)

router = APIRouter(prefix="/api/v1")
for _module in (reference, batches, applications, attachments, exclusion_lists, packages):
    router.include_router(_module.router)
