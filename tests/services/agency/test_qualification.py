"""Qualification is computed from the registration against the rule set's agency block."""

from __future__ import annotations

from datetime import date
from typing import Any

from cli.synthetic import RULES, recent_record, registration, staff
from services.agency.qualification import CONDITIONS, add_years, assess
from shared.contracts.agency import AgencyRegistration, Qualification

CODE = "91350100M000100Y43"
TODAY = date.today()


def qualify(**overrides: Any) -> Qualification:
    body = AgencyRegistration.model_validate(registration(CODE, **overrides))
    return assess(body, RULES.agency, rule_set=RULES.code, on=TODAY)


def unmet(result: Qualification) -> set[str]:
    return {c.code for c in result.conditions if not c.met}


def test_a_complete_agency_qualifies_and_every_condition_is_listed() -> None:
    result = qualify()
    assert result.qualified
    assert [c.code for c in result.conditions] == list(CONDITIONS)
    assert all(c.message and c.message_zh for c in result.conditions)


def test_nine_full_time_intermediate_staff_are_too_few() -> None:
    result = qualify(staff=staff(9, title="senior"))
    assert not result.qualified and unmet(result) == {"full_time_staff"}
    why = next(c for c in result.conditions if c.code == "full_time_staff")
    assert "9 full-time staff" in why.message and "10" in why.message and "9名" in why.message_zh


def test_nine_intermediate_staff_fail_the_count() -> None:
    result = qualify(staff=staff(9, title="intermediate"))
    assert "full_time_staff" in unmet(result)


def test_ten_staff_with_four_senior_fall_short_of_half() -> None:
    result = qualify(staff=staff(4, title="senior") + staff(6, title="intermediate"))
    assert not result.qualified and unmet(result) == {"senior_share"}
    why = next(c for c in result.conditions if c.code == "senior_share")
    assert "4 of 10 (40%)" in why.message and "50%" in why.message


def test_exactly_half_senior_is_enough() -> None:
    assert qualify(staff=staff(5, title="senior") + staff(5)).qualified


def test_part_time_and_junior_staff_do_not_count() -> None:
    result = qualify(staff=staff(6, title="senior") + staff(3) + staff(1, title="junior")
                     + staff(2, title="senior", full_time=False))
    assert unmet(result) == {"full_time_staff"}


def test_seniors_outside_the_related_majors_do_not_count() -> None:
    result = qualify(staff=staff(6, title="senior", major="accounting") + staff(4))
    assert unmet(result) == {"senior_share"}
    # Free text that names a related major counts, in either language.
    named = staff(3, title="senior", major="能源") + staff(3, title="senior", major="Ecology")
    assert qualify(staff=named + staff(4)).qualified


def test_a_record_six_years_old_is_too_old() -> None:
    result = qualify(records=[recent_record(years_ago=6)])
    assert not result.qualified and unmet(result) == {"recent_record"}
    assert qualify(records=[recent_record(years_ago=4.5)]).qualified


def test_work_still_under_way_counts() -> None:
    ongoing = {"kind": "standard", "title": "行业标准制定", "started_on": "2012-01-01"}
    assert qualify(records=[ongoing]).qualified


def test_legal_person_office_and_finances_are_conditions() -> None:
    result = qualify(registered_in_prc=False, independent_legal_person=False, office_address="",
                     financial_management_system=False)
    assert unmet(result) == {"registered_in_prc", "independent_legal_person", "fixed_office",
                             "financial_management"}


def test_add_years_keeps_the_date_and_handles_leap_days() -> None:
    assert add_years(date(2020, 3, 2), 3) == date(2023, 3, 2)
    assert add_years(date(2020, 2, 29), -5) == date(2015, 2, 28)
