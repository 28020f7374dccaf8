"""Reference data anyone may read: the rule sets batches are opened under, the authorities."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter

from services.intake.deps import RuleBookDep
from services.intake.schemas import RuleSetOut
from shared.contracts.bounds import Code
from shared.http import not_found
from shared.regions import AUTHORITIES, Authority
from shared.rules import RuleSet, RuleSetError

router = APIRouter(tags=["reference"])


@router.get("/rule-sets", response_model=list[RuleSetOut])
async def list_rule_sets(rules: RuleBookDep) -> list[RuleSetOut]:
    """The rule sets batches can be opened under (public)."""
    return [_rule_set_out(rules.get(code)) for code in rules.codes()]


@router.get("/rule-sets/{code}")
async def get_rule_set(code: Code, rules: RuleBookDep) -> dict[str, Any]:
    """One rule set in full (public): quotas, lists, energy values, scoring tables."""
    try:
        rule_set = rules.get(code)
    except RuleSetError as err:
        raise not_found(f"rule set {code}", f"规则集{code}") from err
    return rule_set.model_dump(mode="json")


def _rule_set_out(rule_set: RuleSet) -> RuleSetOut:
    return RuleSetOut(
        code=rule_set.code, title_zh=rule_set.title_zh, title_en=rule_set.title_en,
        categories=list(rule_set.categories),
        submission_deadline=rule_set.submission_deadline_local, timezone=rule_set.timezone,
        quotas={c: q.per_authority for c, q in rule_set.quotas.items()},
    )


@router.get("/authorities", response_model=list[Authority])
async def list_authorities() -> list[Authority]:
    """The 37 recommending authorities with their codes and names (public)."""
    return list(AUTHORITIES.values())
