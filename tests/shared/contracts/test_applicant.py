"""Category data of an application: what is refused, and that messages come in zh and en."""

from __future__ import annotations

from typing import Any

import pytest
from pydantic import TypeAdapter, ValidationError

from cli.synthetic import draft_body
from shared.contracts.applicant import ApplicationData, FactoryApplication, industry_code_problem

DATA: TypeAdapter[Any] = TypeAdapter(ApplicationData)
VALID = "91350100M000100Y43"


def errors_of(body: dict[str, Any]) -> list[dict[str, Any]]:
    with pytest.raises(ValidationError) as caught:
        DATA.validate_python(body)
    return caught.value.errors()


@pytest.mark.parametrize("category", ["green_factory", "green_design_product", "green_park",
                                      "green_supply_chain"])
def test_each_category_accepts_a_full_body(category: str) -> None:
    data = DATA.validate_python(draft_body(category, VALID))
    assert data.category == category and data.credit_code == VALID


def test_a_credit_code_with_a_wrong_check_character_is_refused_in_both_languages() -> None:
    (error,) = errors_of(draft_body("green_factory", "91350100M000100Y4A"))
    assert error["loc"][-1] == "credit_code"
    assert "wrong check character: expected 3, got A" in error["msg"]
    assert "校验码错误，应为3，实际为A" in error["ctx"]["message_zh"]


def test_credit_codes_are_normalised() -> None:
    data = DATA.validate_python(draft_body("green_factory", " 91350100m000100y43 "))
    assert data.credit_code == VALID


@pytest.mark.parametrize(
    ("code", "problem"),
    [("C3110", None), ("C31", None), ("L7221", None), ("T98", None), ("3110", "section letter"),
     ("C311A", "section letter"), ("M7221", "division 72 is not in section M"),
     ("C12", "division 12 is not in section C"), ("Z0101", "section letter")],
)
def test_industry_codes_follow_gbt_4754(code: str, problem: str | None) -> None:
    found = industry_code_problem(code)
    assert (found is None) if problem is None else (found is not None and problem in found[0])


def test_a_park_share_is_a_fraction_and_its_boundary_and_body_are_required() -> None:
    body = draft_body("green_park", VALID, industrial_added_value_share=45)
    body.pop("management_body")
    fields = {e["loc"][-1] for e in errors_of(body)}
    assert fields == {"industrial_added_value_share", "management_body"}


def test_a_high_energy_factory_must_state_its_energy_use() -> None:
    errors = errors_of(draft_body("green_factory", VALID, high_energy_industry="steel"))
    assert "energy_use" in errors[0]["msg"] and "单位产品能耗" in errors[0]["ctx"]["message_zh"]


def test_the_category_chooses_the_fields() -> None:
    errors = errors_of({**draft_body("green_supply_chain", VALID), "level": "national"})
    assert errors[0]["type"] == "extra_forbidden" and errors[0]["loc"][-1] == "level"


def test_details_keep_the_category_fields_only() -> None:
    from shared.contracts.applicant import details_of

    data = FactoryApplication.model_validate(draft_body("green_factory", VALID))
    details = details_of(data)
    assert "credit_code" not in details and details["products"] == ["家用电冰箱"]
    assert details["contact"]["phone"] == "010-68205369"
