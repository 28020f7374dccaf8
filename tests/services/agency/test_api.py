"""The agency service over HTTP, with the whole platform running (real PostgreSQL, RabbitMQ
and Temporal dev server)."""

from __future__ import annotations

import asyncio
import uuid
from datetime import datetime, time
from typing import Any

from cli.inprocess import Platform
from cli.synthetic import (
    RULES,
    accept,
    declaration,
    draft,
    entrust,
    ok,
    open_batch,
    register_agency,
    registration,
    report,
    report_upload,
    staff,
    submit,
    submit_report,
)
from services.agency.models import Ban
from services.agency.supervision import draw
from shared.chinatime import CHINA


def new_batch() -> str:
    return f"{uuid.uuid4().int % 9000 + 1000}-{uuid.uuid4().int % 99 + 1}"


async def in_evaluation(p: Platform, batch: str, category: str) -> tuple[str, str]:
    """A submitted application awaiting third-party evaluation: (application id, credit)."""
    app_id, credit = await draft(p, batch, category)
    body = ok(await submit(p, app_id, credit))
    assert body["stage"] == "evaluation"
    return app_id, credit


def refusal(resp: Any, status: int, code: str) -> dict[str, Any]:
    assert resp.status_code == status, resp.text
    detail: dict[str, Any] = resp.json()["detail"]
    assert detail["code"] == code, detail
    return detail


async def test_qualification_is_computed_and_recomputed_when_the_roster_changes(
    platform: Platform,
) -> None:
    p = platform
    batch = new_batch()
    await open_batch(p, batch)
    agency_id = await register_agency(p)
    body = ok(await p.agency.get(f"/api/v1/agencies/{agency_id}", headers=p.auth("ministry")))
    assert body["qualified"] and body["qualification"]["qualified"]
    qual = ok(await p.agency.get(f"/api/v1/agencies/{agency_id}/qualification",
                                 headers=p.auth("applicant", p.credit_code())))
    assert qual["qualified"] and all(c["met"] for c in qual["conditions"])

    # Ten staff, four of them senior: under half.
    changed = ok(await p.agency.put(f"/api/v1/agencies/{agency_id}/roster",
                                    json={"staff": staff(4, title="senior") + staff(6)},
                                    headers=p.auth("agency", agency_id)))
    assert not changed["qualified"]
    unmet = [c for c in changed["qualification"]["conditions"] if not c["met"]]
    assert [c["code"] for c in unmet] == ["senior_share"] and "40%" in unmet[0]["message"]

    # An unqualified agency cannot accept: the refusal names the unmet condition.
    app_id, credit = await in_evaluation(p, batch, "green_factory")
    engagement = await entrust(p, app_id, credit, agency_id)
    detail = refusal(await accept(p, engagement["id"], agency_id), 409, "Unqualified")
    assert "senior" in detail["message"] and detail["message_zh"]
    assert [c["code"] for c in detail["conditions"]] == ["senior_share"]

    # Nine full-time intermediate staff: too few.
    nine = ok(await p.agency.put(f"/api/v1/agencies/{agency_id}/roster",
                                 json={"staff": staff(9)}, headers=p.auth("ministry")))
    assert {c["code"] for c in nine["qualification"]["conditions"] if not c["met"]} == {
        "full_time_staff", "senior_share"}
    # Back to a full roster: the same engagement can now be accepted.
    ok(await p.agency.put(f"/api/v1/agencies/{agency_id}/roster",
                          json={"staff": staff(5, title="senior") + staff(5)},
                          headers=p.auth("agency", agency_id)))
    ok(await accept(p, engagement["id"], agency_id))

    # Others cannot change the roster; bad input names the field.
    other = p.credit_code("440300")
    assert (await p.agency.put(f"/api/v1/agencies/{agency_id}/roster", json={"staff": []},
                               headers=p.auth("agency", other))).status_code == 403
    bad = await p.agency.post("/api/v1/agencies", headers=p.auth("agency", other),
                              json={"credit_code": other, "name": "机构", "staff": [
                                  {"name": "x", "full_time": True, "title": "chief",
                                   "major": "energy"}]})
    assert bad.status_code == 422
    assert bad.json()["detail"]["errors"][0]["loc"][1:] == ["staff", 0, "title"]


async def test_the_sixteenth_project_of_three_related_agencies_is_refused_under_concurrency(
    platform: Platform,
) -> None:
    p = platform
    batch = new_batch()
    await open_batch(p, batch)
    a = await register_agency(p)
    b = await register_agency(p)
    c = await register_agency(p)
    parent = p.credit_code("440300")  # a holding company, not an agency
    ok(await p.agency.post(f"/api/v1/agencies/{a}/relations",
                           json={"related_code": parent, "kind": "parent"},
                           headers=p.auth("agency", a)), 201)
    ok(await p.agency.post(f"/api/v1/agencies/{b}/relations",
                           json={"related_code": parent, "kind": "parent"},
                           headers=p.auth("agency", b)), 201)
    # The ministry finds that C and B share a controlling person.
    ok(await p.agency.post(f"/api/v1/agencies/{c}/relations",
                           json={"related_code": b, "kind": "same_controller"},
                           headers=p.auth("ministry")), 201)
    dup = await p.agency.post(f"/api/v1/agencies/{b}/relations", headers=p.auth("ministry"),
                              json={"related_code": parent, "kind": "other"})
    assert refusal(dup, 409, "Duplicate")["field"] == "related_code"
    again = await p.agency.post("/api/v1/agencies", json=registration(a),
                                headers=p.auth("agency", a))
    assert refusal(again, 409, "Duplicate")["field"] == "credit_code"
    group = ok(await p.agency.get(f"/api/v1/agencies/{c}/group", headers=p.auth("agency", c)))
    assert group["members"] == sorted([a, b, c]) and parent in group["entities"]

    categories = ("green_factory", "green_park", "green_supply_chain")
    engagements: list[tuple[str, str]] = []
    for i in range(18):
        agency_id = (a, b, c)[i % 3]
        app_id, credit = await in_evaluation(p, batch, categories[i % 3])
        engagements.append(((await entrust(p, app_id, credit, agency_id))["id"], agency_id))

    responses = await asyncio.gather(*(accept(p, e, agency) for e, agency in engagements))
    statuses = sorted(r.status_code for r in responses)
    assert statuses == [200] * 15 + [409] * 3, [r.text for r in responses if r.status_code != 200]
    for resp in responses:
        if resp.status_code == 409:
            detail = refusal(resp, 409, "CapExceeded")
            assert detail["group"] == sorted([a, b, c]) and detail["count"] == 15
            assert all(member in detail["message"] for member in (a, b, c))
            assert "15" in detail["message_zh"]
    counted = ok(await p.agency.get(f"/api/v1/agencies/{a}/group", params={"batch": batch},
                                    headers=p.auth("ministry")))
    assert counted["total"] == 15 and sum(counted["projects"].values()) == 15


async def test_an_agency_not_independent_of_the_applicant_is_refused(platform: Platform) -> None:
    p = platform
    batch = new_batch()
    await open_batch(p, batch)
    agency_id = await register_agency(p)
    sister = await register_agency(p)
    ok(await p.agency.post(f"/api/v1/agencies/{sister}/relations",
                           json={"related_code": agency_id, "kind": "subsidiary"},
                           headers=p.auth("agency", sister)), 201)

    # The applicant declares that the agency's sister prepared its self-evaluation.
    app_id, credit = await in_evaluation(p, batch, "green_factory")
    engagement = await entrust(p, app_id, credit, agency_id, self_evaluation_prepared_by=sister)
    detail = refusal(await accept(p, engagement["id"], agency_id), 409, "NotIndependent")
    assert sister in detail["message"] and detail["prepared_by"] == [sister]

    # The ministry records that the agency itself prepared another applicant's self-evaluation.
    app_id, credit = await in_evaluation(p, batch, "green_park")
    ok(await p.agency.post(f"/api/v1/applications/{app_id}/self-evaluation-preparers",
                           json={"credit_code": agency_id}, headers=p.auth("ministry")), 201)
    engagement = await entrust(p, app_id, credit, agency_id)
    refusal(await accept(p, engagement["id"], agency_id), 409, "NotIndependent")

    # An agency related to the applicant.
    app_id, credit = await in_evaluation(p, batch, "green_supply_chain")
    ok(await p.agency.post(f"/api/v1/agencies/{agency_id}/relations",
                           json={"related_code": credit, "kind": "same_controller"},
                           headers=p.auth("agency", agency_id)), 201)
    engagement = await entrust(p, app_id, credit, agency_id)
    detail = refusal(await accept(p, engagement["id"], agency_id), 409, "NotIndependent")
    assert credit in detail["message"]

    # Both declarations are required and stored.
    app_id, credit = await in_evaluation(p, batch, "green_factory")
    missing = await p.agency.post("/api/v1/engagements", headers=p.auth("applicant", credit),
                                  json={"application_id": app_id, "agency_id": sister})
    assert missing.status_code == 422 and missing.json()["detail"]["field"] == "independence"
    engagement = await entrust(p, app_id, credit, sister)
    no_decl = await p.agency.post(f"/api/v1/engagements/{engagement['id']}/acceptance",
                                  json={"accept": True}, headers=p.auth("agency", sister))
    assert refusal(no_decl, 422, "Invalid")["field"] == "independence"
    accepted = ok(await accept(p, engagement["id"], sister))
    assert accepted["status"] == "accepted"
    assert accepted["applicant_independence"]["declared"] is True
    assert accepted["agency_independence"]["statement"] == declaration()["statement"]


async def test_an_agency_cannot_read_another_agencys_engagements(platform: Platform) -> None:
    p = platform
    batch = new_batch()
    await open_batch(p, batch)
    mine, theirs = await register_agency(p), await register_agency(p)
    app_id, credit = await in_evaluation(p, batch, "green_factory")
    engagement = await entrust(p, app_id, credit, theirs)
    path = f"/api/v1/engagements/{engagement['id']}"
    assert (await p.agency.get(path, headers=p.auth("agency", mine))).status_code == 404
    ok(await p.agency.get(path, headers=p.auth("agency", theirs)))
    listed = ok(await p.agency.get("/api/v1/engagements", headers=p.auth("agency", mine)))
    assert engagement["id"] not in {e["id"] for e in listed}  # type: ignore[union-attr]
    assert (await accept(p, engagement["id"], mine)).status_code == 404
    assert (await submit_report(p, engagement, mine)).status_code == 404


async def test_reports_are_validated_computed_and_taken_once(platform: Platform) -> None:
    p = platform
    batch = new_batch()
    await open_batch(p, batch)
    agency_id = await register_agency(p)
    app_id, credit = await in_evaluation(p, batch, "green_factory")
    engagement = await entrust(p, app_id, credit, agency_id)
    headers = p.auth("agency", agency_id)
    url = f"/api/v1/engagements/{engagement['id']}/report"
    # Before acceptance the workflow refuses it.
    refusal(await submit_report(p, engagement, agency_id), 409, "WrongStage")
    ok(await accept(p, engagement["id"], agency_id))

    body = report("green_factory")
    body["evaluation"]["items"]["building"]["optional_points"] = 7
    bad = await p.agency.post(url, **report_upload("green_factory", body=body), headers=headers)
    assert refusal(bad, 422, "Invalid")["field"] == "report.evaluation.items.building.optional_points"
    wrong_kind = await p.agency.post(url, **report_upload("green_park"), headers=headers)
    assert refusal(wrong_kind, 422, "Invalid")["field"] == "report.evaluation.kind"
    not_pdf = await p.agency.post(url, data={"report": report_upload("green_factory")["data"]["report"]},
                                  files={"file": ("r.pdf", b"<html>signed</html>", "application/pdf")},
                                  headers=headers)
    assert refusal(not_pdf, 415, "UnsupportedMediaType")["field"] == "file"

    # A failed basic requirement fails the evaluation whatever the score.
    failed = ok(await submit_report(p, engagement, agency_id, passed=False))
    assert failed["assessment"]["passed"] is False and failed["assessment"]["score"] == 100
    assert len(failed["file"]["sha256"]) == 64 and failed["file"]["media_type"] == "application/pdf"
    case = ok(await p.intake.get(f"/api/v1/applications/{app_id}", headers=p.auth("ministry")))
    assert case["stage"] in ("rejected", "evaluation")  # intake's projection follows by event
    refusal(await submit_report(p, engagement, agency_id), 409, "Duplicate")
    stored = ok(await p.agency.get("/api/v1/reports", params={"batch": batch}, headers=headers))
    assert [r["engagement_id"] for r in stored] == [engagement["id"]]  # type: ignore[index]
    assert p.settings.var_dir.joinpath("agency-reports", failed["file"]["sha256"][:2],
                                       failed["file"]["sha256"]).exists()


async def test_a_serious_finding_bans_the_agency_and_flags_its_reports(platform: Platform) -> None:
    p = platform
    batch = new_batch()
    await open_batch(p, batch)
    agency_id = await register_agency(p)
    app_id, credit = await in_evaluation(p, batch, "green_supply_chain")
    done = await entrust(p, app_id, credit, agency_id)
    ok(await accept(p, done["id"], agency_id))
    ok(await submit_report(p, done, agency_id))
    app_id, credit = await in_evaluation(p, batch, "green_factory")
    pending = await entrust(p, app_id, credit, agency_id)
    ok(await accept(p, pending["id"], agency_id))

    # A first draw tells the population; pick a seed whose sample holds our agency, as an
    # auditor could replay any recorded draw.
    probe = ok(await p.agency.post("/api/v1/spot-checks", json={"batch": batch, "seed": 0},
                                   headers=p.auth("ministry")), 201)
    size = RULES.spot_check.agency_sample_size(len(probe["population"]))
    assert probe["sample"] == draw(probe["population"], seed=0, size=size)
    seed = next(s for s in range(10_000)
                if agency_id in draw(probe["population"], seed=s, size=size))
    check = ok(await p.agency.post("/api/v1/spot-checks", json={"batch": batch, "seed": seed},
                                   headers=p.auth("ministry")), 201)
    assert agency_id in check["sample"] and check["seed"] == seed
    assert check["report_ids"]  # the sampled agency's reports of the batch are in the check
    outsider = next(a for a in check["population"] if a not in check["sample"])
    refusal(await p.agency.post(f"/api/v1/spot-checks/{check['id']}/findings",
                                json={"agency_id": outsider, "severity": "serious",
                                      "description": "x"}, headers=p.auth("ministry")),
            422, "Invalid")

    refusal(await p.agency.post(f"/api/v1/spot-checks/{check['id']}/findings",
                                json={"agency_id": agency_id, "severity": "minor",
                                      "description": "x", "report_ids": [10**9]},
                                headers=p.auth("ministry")), 422, "Invalid")
    finding = ok(await p.agency.post(
        f"/api/v1/spot-checks/{check['id']}/findings",
        json={"agency_id": agency_id, "severity": "serious",
              "description": "出具虚假评价报告 / false evaluation report"},
        headers=p.auth("ministry")), 201)
    assert finding["ban_workflow_id"] == f"agency-ban:{agency_id}:{finding['id']}"
    # In force as soon as the finding is answered, before the ban's workflow has run anything.
    async with p.runtime("agency").sessions() as session:
        assert await session.get(Ban, finding["id"]) is not None
    refusal(await submit_report(p, pending, agency_id), 403, "Banned")
    # Starting it again (e.g. after Temporal was away) keeps the one ban.
    again = ok(await p.agency.put(f"/api/v1/findings/{finding['id']}/ban",
                                  headers=p.auth("ministry")))
    assert again["ban_ends_at"] == finding["ban_ends_at"]
    assert finding["ban_ends_at"][:4] == str(int(finding["decided_at"][:4]) + 3)
    # The ban runs through its whole last day: it ends at 00:00 China time.
    assert datetime.fromisoformat(finding["ban_ends_at"]).astimezone(CHINA).time() == time(0)
    sanctioned = await p.events.wait_for(
        lambda m: m["routing_key"] == "agency.agency.sanctioned"
        and m["body"]["payload"]["agency_id"] == agency_id)
    assert sanctioned[0]["body"]["payload"]["flagged_report_ids"]

    refusal(await submit_report(p, pending, agency_id), 403, "Banned")
    flagged = ok(await p.agency.get("/api/v1/reports", params={"batch": batch, "flagged": True},
                                    headers=p.auth("ministry")))
    assert [r["engagement_id"] for r in flagged] == [done["id"]]  # type: ignore[index]
    agency = ok(await p.agency.get(f"/api/v1/agencies/{agency_id}", headers=p.auth("ministry")))
    assert agency["banned_until"][:10] == finding["ban_ends_at"][:10]
    # A banned agency takes no new engagement either.
    app_id, credit = await in_evaluation(p, batch, "green_park")
    another = await entrust(p, app_id, credit, agency_id)
    refusal(await accept(p, another["id"], agency_id), 403, "Banned")
    recorded = ok(await p.agency.get(f"/api/v1/spot-checks/{check['id']}",
                                     headers=p.auth("ministry")))
    assert [f["id"] for f in recorded["findings"]] == [finding["id"]]  # type: ignore[index]
