"""The eligibility rules as pure functions of the data and the 2020-5 rule set."""

from __future__ import annotations

from datetime import date
from typing import Any

from services.intake.eligibility import ExclusionHit, assess, rule_problems, window_start
from shared.contracts.application import ExclusionDeclarations, ExclusionKind
from shared.rules import load_rule_set
from shared.rules.model import Category

RULES = load_rule_set("2020-5")
TODAY = date(2020, 4, 15)
CLEAN = ExclusionDeclarations(major_accident=False, pollution_incident=False,
                              supervision_finding=False, energy_rectification=False,
                              dishonest_enforcement=False)


def steel(value: float, product: str = "Sintering process") -> dict[str, Any]:
    return {"high_energy_industry": "steel", "products": ["烧结矿"],
            "energy_use": [{"product": product, "value": value, "unit": "kgce/t"}]}


def hit(kind: ExclusionKind, **kw: Any) -> ExclusionHit:
    values: dict[str, Any] = dict(kind=kind, upload_id="u1", scope="110000", line=3, name="某公司",
                                  event_date=None, rectified=None, note="")
    values.update(kw)
    return ExclusionHit(**values)


def test_a_steel_factory_above_the_advanced_value_is_ineligible_and_told_by_how_much() -> None:
    reasons, _ = assess(RULES, Category.GREEN_FACTORY, steel(52), CLEAN, [], TODAY)
    (reason,) = reasons
    assert reason.code == "energy_above_advanced_value" and reason.field == "energy_use.0.value"
    assert "52 kgce/t is above the advanced value 45 kgce/t of GB 21256-2013 by 7 kgce/t" in reason.message
    assert "超出7 kgce/t" in reason.message_zh
    # The 2020-5 steel values are marked unconfirmed: the reason says so.
    assert "not yet confirmed" in reason.message and reason.evidence["advanced_value_confirmed"] is False


def test_reaching_an_unconfirmed_advanced_value_is_eligible_with_a_note() -> None:
    reasons, notes = assess(RULES, Category.GREEN_FACTORY, steel(45), CLEAN, [], TODAY)
    assert reasons == [] and notes[0].code == "advanced_value_unconfirmed"


def test_a_negative_advanced_value_is_compared_as_lower_is_better() -> None:
    ok, _ = assess(RULES, Category.GREEN_FACTORY, steel(-31, "Converter steelmaking process"),
                   CLEAN, [], TODAY)
    bad, _ = assess(RULES, Category.GREEN_FACTORY, steel(-20, "Converter steelmaking process"),
                    CLEAN, [], TODAY)
    assert ok == [] and "by 10 kgce/t" in bad[0].message


def test_a_confirmed_value_carries_no_note() -> None:
    details = {"high_energy_industry": "electrolytic_aluminium", "products": ["铝锭"],
               "energy_use": [{"product": "铝液交流电耗", "value": 12600, "unit": "kWh/t"}]}
    assert assess(RULES, Category.GREEN_FACTORY, details, CLEAN, [], TODAY) == ([], [])


def test_a_park_with_45_percent_industrial_added_value_is_ineligible() -> None:
    details = {"level": "provincial", "industrial_added_value_share": 0.45}
    (reason,) = assess(RULES, Category.GREEN_PARK, details, CLEAN, [], TODAY)[0]
    assert reason.field == "industrial_added_value_share"
    assert "45.0%" in reason.message and "more than 50%" in reason.message
    # The bound is exclusive: exactly 50 % is not enough, 50.1 % is.
    assert assess(RULES, Category.GREEN_PARK, {**details, "industrial_added_value_share": 0.5},
                  CLEAN, [], TODAY)[0]
    assert not assess(RULES, Category.GREEN_PARK, {**details, "industrial_added_value_share": 0.501},
                      CLEAN, [], TODAY)[0]


def test_an_applicant_on_the_unrectified_rectification_list_is_ineligible_with_evidence() -> None:
    listed = hit(ExclusionKind.ENERGY_RECTIFICATION, rectified=False)
    (reason,) = assess(RULES, Category.GREEN_SUPPLY_CHAIN, {"sector": "automotive"}, CLEAN,
                       [listed], TODAY)[0]
    assert reason.code == "listed_energy_rectification"
    assert reason.evidence | {"upload_id": "u1", "line": 3} == reason.evidence
    rectified = hit(ExclusionKind.ENERGY_RECTIFICATION, rectified=True)
    reasons, notes = assess(RULES, Category.GREEN_SUPPLY_CHAIN, {"sector": "automotive"}, CLEAN,
                            [rectified], TODAY)
    assert reasons == [] and notes[0].code == "listed_energy_rectification_rectified"


def test_accidents_count_within_the_window_only() -> None:
    recent = hit(ExclusionKind.MAJOR_ACCIDENT, event_date=date(2017, 4, 15))
    old = hit(ExclusionKind.MAJOR_ACCIDENT, event_date=date(2017, 4, 14))
    assert assess(RULES, Category.GREEN_SUPPLY_CHAIN, {"sector": "food"}, CLEAN, [recent], TODAY)[0]
    reasons, notes = assess(RULES, Category.GREEN_SUPPLY_CHAIN, {"sector": "food"}, CLEAN, [old], TODAY)
    assert reasons == [] and "outside_window" in notes[0].code
    assert window_start(date(2024, 2, 29), 3) == date(2021, 2, 28)


def test_every_declared_condition_is_a_reason() -> None:
    declared = CLEAN.model_copy(update={"pollution_incident": True, "dishonest_enforcement": True})
    reasons, _ = assess(RULES, Category.GREEN_SUPPLY_CHAIN, {"sector": "food"}, declared, [], TODAY)
    assert [r.field for r in reasons] == ["declarations.pollution_incident",
                                          "declarations.dishonest_enforcement"]


def test_rule_set_problems_name_the_field() -> None:
    (problem,) = rule_problems(RULES, Category.GREEN_DESIGN_PRODUCT,
                               {"product_standard": "GB/T 99999-2030"})
    assert problem.field == "product_standard" and "not on the List" in problem.message
    (problem,) = rule_problems(RULES, Category.GREEN_SUPPLY_CHAIN, {"sector": "banking"})
    assert problem.field == "sector"
    (problem,) = rule_problems(RULES, Category.GREEN_FACTORY,
                               {"high_energy_industry": "steel",
                                "energy_use": [{"product": "Sintering process", "value": 1,
                                                "unit": "kWh/t"}]})
    assert problem.field == "energy_use.0.unit" and "kgce/t" in problem.message
