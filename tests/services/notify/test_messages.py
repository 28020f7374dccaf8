"""The routing table and the templates: every routed fact renders in both languages."""

from __future__ import annotations

import pytest

from services.notify.messages import ROUTES, Renderer, recipients
from shared.contracts.auth import Principal, Role
from shared.contracts.events import Facts
from shared.labels import china_time
from shared.templates import build_environment
from tests.services.notify.samples import AGENCY, CREDIT, DEADLINE, REGION, envelope

RENDERER = Renderer(build_environment("services.notify"))

EXPECTED = {
    Facts.APPLICATION_SUBMITTED: [("applicant", CREDIT)],
    Facts.APPLICATION_RETURNED: [("applicant", CREDIT)],
    Facts.APPLICATION_NOT_RECOMMENDED: [("applicant", CREDIT)],
    Facts.ENGAGEMENT_REQUESTED: [("agency", AGENCY)],
    Facts.ENGAGEMENT_ACCEPTED: [("applicant", CREDIT)],
    Facts.REPORT_SUBMITTED: [("applicant", CREDIT), ("province", REGION)],
    Facts.APPLICATION_APPROVED: [("applicant", CREDIT), ("province", REGION)],
    Facts.APPLICATION_REJECTED: [("applicant", CREDIT), ("province", REGION)],
    Facts.APPLICATION_LISTED: [("applicant", CREDIT)],
    Facts.LIST_PUBLISHED: [("ministry", "*")],
    Facts.BATCH_REMINDER_DUE: [("province", REGION)],
    Facts.UNIT_REMOVED: [("applicant", CREDIT), ("province", REGION)],
    Facts.REREVIEW_REQUESTED: [("province", REGION)],
    Facts.REREVIEW_REMINDER_DUE: [("province", REGION)],
    Facts.YEARLY_REPORT_DUE: [("applicant", CREDIT)],
    Facts.INFORMATION_REQUESTED: [("province", REGION)],
    Facts.APPLICATION_EXCLUDED: [("applicant", CREDIT), ("province", REGION)],
    Facts.BATCH_DEADLINE_PASSED: [("ministry", "*")],
    Facts.OBJECTION_LODGED: [("ministry", "*")],
}


def test_every_route_has_expected_recipients() -> None:
    assert set(ROUTES) == set(EXPECTED)
    for fact, route in ROUTES.items():
        payload = envelope(fact).payload_as(route.payload)
        got = [(p.role.value, p.scope) for p in recipients(route, payload)]
        assert got == EXPECTED[fact], fact


@pytest.mark.parametrize("fact", sorted(ROUTES))
@pytest.mark.parametrize("language", ["zh", "en"])
def test_every_route_renders(fact: str, language: str) -> None:
    route = ROUTES[fact]
    env = envelope(fact)
    payload = env.payload_as(route.payload)
    for recipient in recipients(route, payload):
        out = RENDERER.render(route, payload, recipient=recipient, language=language,
                              routing_key=fact, occurred_at=env.occurred_at)
        assert out.subject and "\n" not in out.subject
        assert out.body.strip()
        assert ("【绿色制造名单】" in out.subject) == (language == "zh")
        assert "{{" not in out.body and "None" not in out.body


def test_returned_says_what_to_fix_and_deadlines_are_china_time() -> None:
    route = ROUTES[Facts.APPLICATION_RETURNED]
    payload = envelope(Facts.APPLICATION_RETURNED).payload_as(route.payload)
    out = RENDERER.render(route, payload, recipient=Principal(role=Role.APPLICANT, scope=CREDIT),
                          language="zh", routing_key=Facts.APPLICATION_RETURNED, occurred_at=DEADLINE)
    assert "请补充近三年能源消耗数据" in out.body
    assert "福建省" in out.body

    reminder = ROUTES[Facts.BATCH_REMINDER_DUE]
    payload = envelope(Facts.BATCH_REMINDER_DUE).payload_as(reminder.payload)
    zh = RENDERER.render(reminder, payload, recipient=Principal(role=Role.PROVINCE, scope=REGION),
                         language="zh", routing_key=Facts.BATCH_REMINDER_DUE, occurred_at=DEADLINE)
    assert "2020年06月01日 00:00（北京时间，Asia/Shanghai）" in zh.subject
    assert "7 个自然日" in zh.body
    en = RENDERER.render(reminder, payload, recipient=Principal(role=Role.PROVINCE, scope=REGION),
                         language="en", routing_key=Facts.BATCH_REMINDER_DUE, occurred_at=DEADLINE)
    assert "2020-06-01 00:00 China Standard Time (Asia/Shanghai, UTC+8)" in en.body
    assert china_time(DEADLINE, "en").startswith("2020-06-01 00:00")


def test_plain_text_is_not_html_escaped() -> None:
    route = ROUTES[Facts.APPLICATION_RETURNED]
    payload = envelope(Facts.APPLICATION_RETURNED).payload_as(route.payload)
    payload.transition.reason = "补充 <能耗> & 排放数据"  # type: ignore[attr-defined]
    out = RENDERER.render(route, payload, recipient=Principal(role=Role.APPLICANT, scope=CREDIT),
                          language="zh", routing_key=Facts.APPLICATION_RETURNED, occurred_at=DEADLINE)
    assert "补充 <能耗> & 排放数据" in out.body


def test_html_templates_would_be_escaped_and_undefined_fails() -> None:
    env = build_environment("services.notify")
    assert env.autoescape("x.html") is True and env.autoescape("x.txt") is False  # type: ignore[operator]
    from jinja2 import UndefinedError
    with pytest.raises(UndefinedError):
        env.from_string("{{ missing.x }}").render()
