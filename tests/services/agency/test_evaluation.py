"""Reports are checked against the rule set's tables; pass/fail is computed."""

from __future__ import annotations

from typing import Any

import pytest

from cli.synthetic import RULES, report
from services.agency.evaluation import InvalidReport, assess
from shared.contracts.agency import Assessment, EvaluationReport
from shared.rules.model import Category


def run(category: str, body: dict[str, Any]) -> Assessment:
    return assess(RULES, Category(category), EvaluationReport.model_validate(body))


@pytest.mark.parametrize("category", ["green_factory", "green_supply_chain", "green_park"])
def test_a_full_report_passes(category: str) -> None:
    result = run(category, report(category))
    assert result.passed and result.failures == []
    assert result.pass_mark == 80


def test_a_failed_basic_requirement_fails_a_factory_with_full_marks() -> None:
    result = run("green_factory", report("green_factory", passed=False))
    assert result.score == 100 and not result.passed
    assert [f.code for f in result.failures] == ["basic:lawful_operation"]


def test_a_mandatory_item_not_met_fails_whatever_the_score() -> None:
    body = report("green_factory")
    body["evaluation"]["items"]["lighting"]["mandatory_met"] = False
    del body["evaluation"]["items"]["noise"]
    result = run("green_factory", body)
    assert not result.passed
    assert {f.code for f in result.failures} == {"item:lighting", "item:noise"}


def test_factory_score_below_the_pass_mark_fails() -> None:
    body = report("green_factory")
    for item in body["evaluation"]["items"].values():
        item["optional_points"] = 0
    result = run("green_factory", body)
    assert result.score == 0 and [f.code for f in result.failures] == ["score"]


def test_points_above_an_items_maximum_are_refused_naming_the_field() -> None:
    body = report("green_factory")
    body["evaluation"]["items"]["lighting"]["optional_points"] = 3
    with pytest.raises(InvalidReport) as err:
        run("green_factory", body)
    assert err.value.field == "evaluation.items.lighting.optional_points"


def test_supply_chain_sums_its_100_point_table() -> None:
    body = report("green_supply_chain")
    body["evaluation"]["scores"]["in_development_plan"] = 0
    body["evaluation"]["scores"]["targets"] = 0
    body["evaluation"]["scores"]["dedicated_body"] = 0
    body["evaluation"]["scores"]["information_platform"] = 1
    result = run("green_supply_chain", body)
    assert result.score == 71 and not result.passed
    body["evaluation"]["scores"]["strategy"] = 20  # a group with items is scored by its items
    with pytest.raises(InvalidReport) as err:
        run("green_supply_chain", body)
    assert err.value.field == "evaluation.scores"


def test_a_park_report_shows_three_consecutive_years_of_every_indicator() -> None:
    body = report("green_park")
    body["evaluation"]["years"].pop()
    with pytest.raises(InvalidReport) as err:
        run("green_park", body)
    assert err.value.field == "evaluation.years"
    body = report("green_park")
    del body["evaluation"]["years"][1]["indicators"]["renewable_share"]
    with pytest.raises(InvalidReport) as err:
        run("green_park", body)
    assert err.value.field == "evaluation.years.1.indicators"
    body = report("green_park")
    body["evaluation"]["years"][2]["score"] = 70  # the latest year decides
    assert not run("green_park", body).passed


def test_the_statement_covers_every_agency_condition() -> None:
    body = report("green_factory")
    body["conditions"] = body["conditions"][1:]
    with pytest.raises(InvalidReport) as err:
        run("green_factory", body)
    assert err.value.field == "conditions" and "registered_in_prc" in err.value.message


def test_a_report_of_another_category_is_refused() -> None:
    with pytest.raises(InvalidReport) as err:
        run("green_park", report("green_factory"))
    assert err.value.field == "evaluation.kind"
