"""Whether an agency qualifies under a rule set: computed from its registration data, never
declared. Pure functions, no I/O.

The conditions are those of the notice's section 3 (`AgencyRules` holds the numbers):
registered in the PRC with independent legal personality; a fixed office and a sound
financial management system; at least `min_full_time_staff` full-time staff with a title of
`min_staff_title` or above, of whom at least `min_senior_share` hold a senior title in a
related major; relevant work within the last `record_years` years.
"""

from __future__ import annotations

from datetime import date

from shared.contracts.agency import (
    TITLE_RANK,
    AgencyRegistration,
    ConditionResult,
    Qualification,
    StaffMember,
    WorkRecord,
)
from shared.rules.model import AgencyRules, Major

# Codes of the conditions, in the order the report's item-by-item statement follows.
CONDITIONS: tuple[str, ...] = (
    "registered_in_prc",
    "independent_legal_person",
    "fixed_office",
    "financial_management",
    "full_time_staff",
    "senior_share",
    "recent_record",
)


def add_years(day: date, years: int) -> date:
    """The same calendar date `years` later; 29 February becomes 28 February."""
    try:
        return day.replace(year=day.year + years)
    except ValueError:
        return day.replace(year=day.year + years, day=28)


def counts_major(major: str, majors: tuple[Major, ...]) -> bool:
    """A major counts when it is a related-major code or names one (zh or en, any case)."""
    wanted = major.strip().casefold()
    return any(wanted in (m.code, m.name_zh.casefold(), m.name_en.casefold()) for m in majors)


def _cond(code: str, met: bool, en: str, zh: str) -> ConditionResult:
    return ConditionResult(code=code, met=met, message=en, message_zh=zh)


def _flag(code: str, value: bool, en: str, zh: str) -> ConditionResult:
    if value:
        return _cond(code, True, en, zh)
    return _cond(code, False, f"not declared: {en}", f"未声明：{zh}")


def _record_is_recent(record: WorkRecord, since: date, on: date) -> bool:
    # Work still under way counts once it has started; finished work counts when it ended
    # inside the window.
    if record.started_on > on:
        return False
    return record.ended_on is None or record.ended_on >= since


def assess(
    agency: AgencyRegistration, rules: AgencyRules, *, rule_set: str, on: date
) -> Qualification:
    """Every condition of `rules` for `agency` as of day `on`, each met or not with why."""
    counted: list[StaffMember] = [
        s
        for s in agency.staff
        if s.full_time and TITLE_RANK[s.title] >= TITLE_RANK[rules.min_staff_title]
    ]
    senior = [
        s for s in counted if s.title == "senior" and counts_major(s.major, rules.related_majors)
    ]
    share = len(senior) / len(counted) if counted else 0.0
    since = add_years(on, -rules.record_years)
    recent = [r for r in agency.records if _record_is_recent(r, since, on)]
    title_zh = {"junior": "初级", "intermediate": "中级", "senior": "高级"}[rules.min_staff_title]

    conditions = [
        _flag("registered_in_prc", agency.registered_in_prc,
              "registered in the People's Republic of China", "在中华人民共和国境内注册"),
        _flag("independent_legal_person", agency.independent_legal_person,
              "has independent legal personality", "具有独立法人资格"),
        _cond("fixed_office", bool(agency.office_address.strip()),
              f"fixed office at {agency.office_address.strip()}"
              if agency.office_address.strip() else "no fixed office address given",
              f"固定办公场所：{agency.office_address.strip()}"
              if agency.office_address.strip() else "未提供固定办公场所地址"),
        _flag("financial_management", agency.financial_management_system,
              "has a sound financial management system", "具有健全的财务管理制度"),
        _cond(
            "full_time_staff",
            len(counted) >= rules.min_full_time_staff,
            f"{len(counted)} full-time staff with a {rules.min_staff_title} title or above; "
            f"at least {rules.min_full_time_staff} required",
            f"{title_zh}及以上职称专职人员{len(counted)}名，要求不少于{rules.min_full_time_staff}名",
        ),
        _cond(
            "senior_share",
            bool(counted) and share >= rules.min_senior_share,
            f"{len(senior)} of {len(counted)} ({share:.0%}) hold a senior title in a related "
            f"major; at least {rules.min_senior_share:.0%} required",
            f"相关专业高级职称人员{len(senior)}/{len(counted)}名（{share:.0%}），"
            f"要求不低于{rules.min_senior_share:.0%}",
        ),
        _cond(
            "recent_record",
            bool(recent),
            f"{len(recent)} relevant work record(s) since {since.isoformat()}"
            if recent else f"no relevant work record since {since.isoformat()} "
            f"(the last {rules.record_years} years)",
            f"{since.isoformat()}以来相关业绩{len(recent)}项"
            if recent else f"近{rules.record_years}年（{since.isoformat()}以来）无相关业绩",
        ),
    ]
    return Qualification(
        agency_id=agency.credit_code,
        rule_set=rule_set,
        assessed_on=on,
        qualified=all(c.met for c in conditions),
        conditions=conditions,
    )
