"""Agency's HTTP API, one module per sub-resource: the registry (agencies, roster,
qualification, relations, groups, preparers), engagements (entrusting, acceptance, reports)
and supervision (spot checks, findings, bans)."""

from __future__ import annotations

from fastapi import APIRouter

from services.agency.routes import engagements, registry, supervision

router = APIRouter(prefix="/api/v1")
router.include_router(registry.router)
router.include_router(engagements.router)
router.include_router(supervision.router)
