"""Eligibility over HTTP: checked on submission, shown to applicant and authority, refusing
the recommendation with every reason; exclusion lists uploaded as CSV and re-checked."""

from __future__ import annotations

from typing import Any

from cli.inprocess import Platform
from cli.synthetic import draft_body, ok, submit
from tests.services.intake.support import (
    at_authority,
    drafted,
    eligibility,
    new_batch,
    recommend,
    register_agency,
)


async def upload(p: Platform, kind: str, text: str, role: str = "province",
                 scope: str = "110000") -> Any:
    return await p.intake.post(f"/api/v1/exclusion-lists/{kind}",
                               files={"file": ("list.csv", text.encode(), "text/csv")},
                               headers=p.auth(role, scope))


async def test_a_steel_factory_above_the_advanced_value_cannot_be_recommended(
    platform: Platform,
) -> None:
    p = platform
    batch = await new_batch(p)
    agency = await register_agency(p)
    app_id, credit = await at_authority(
        p, batch, "green_factory", agency, region="130000", industry_code="C3110",
        products=["烧结矿"], high_energy_industry="steel",
        energy_use=[{"product": "烧结工序", "value": 51.5, "unit": "kgce/t", "year": 2019}],
    )
    for role, scope in (("applicant", credit), ("province", "130000")):
        result = await eligibility(p, app_id, role, scope)
        assert result["eligible"] is False and result["trigger"] == "submission:1"
        (reason,) = result["reasons"]
        assert "above the advanced value 45 kgce/t of GB 21256-2013 by 6.5 kgce/t" in reason["message"]
    refused = await recommend(p, app_id, "130000")
    assert refused.status_code == 409
    detail = refused.json()["detail"]
    assert detail["code"] == "Ineligible" and "by 6.5 kgce/t" in detail["message"]
    assert "超出6.5" in detail["message_zh"]
    assert [r["code"] for r in detail["reasons"]] == ["energy_above_advanced_value"]
    # Refused means not recorded: the application still waits for the authority.
    body = ok(await p.intake.get(f"/api/v1/applications/{app_id}", headers=p.auth("ministry")))
    assert body["stage"] == "recommendation"
    # The authority may still reject it, with a reason.
    ok(await p.intake.post(f"/api/v1/applications/{app_id}/recommendation",
                           json={"decision": "reject", "reason": "能耗未达到先进值"},
                           headers=p.auth("province", "130000")))


async def test_a_park_with_45_percent_industrial_added_value_cannot_be_recommended(
    platform: Platform,
) -> None:
    p = platform
    batch = await new_batch(p)
    agency = await register_agency(p)
    app_id, _ = await at_authority(p, batch, "green_park", agency, region="340000",
                                   industrial_added_value_share=0.45)
    result = await eligibility(p, app_id)
    assert [r["field"] for r in result["reasons"]] == ["industrial_added_value_share"]
    refused = await recommend(p, app_id, "340000")
    assert refused.status_code == 409 and refused.json()["detail"]["code"] == "Ineligible"
    assert "45.0%" in refused.json()["detail"]["message"]


async def test_declared_conditions_are_reasons(platform: Platform) -> None:
    p = platform
    batch = await new_batch(p)
    app_id, credit = await drafted(p, batch, "green_design_product", region="350200")
    ok(await submit(p, app_id, credit, major_accident=True, supervision_finding=True))
    result = await eligibility(p, app_id, "applicant", credit)
    assert [r["code"] for r in result["reasons"]] == ["declared_major_accident",
                                                      "declared_supervision_finding"]
    refused = await recommend(p, app_id, "350200")
    assert len(refused.json()["detail"]["reasons"]) == 2


async def test_an_applicant_on_the_unrectified_rectification_list_is_ineligible(
    platform: Platform,
) -> None:
    p = platform
    batch = await new_batch(p)
    app_id, credit = await drafted(p, batch, "green_design_product", region="420000")
    listing = ok(await upload(
        p, "energy_rectification",
        f"credit_code,name,rectified,note\n{p.credit_code('420000')},别家公司,否,\n"
        f"{credit},示例公司,否,2019年专项监察\n", scope="420000"), 201)
    assert listing["row_count"] == 2 and listing["scope"] == "420000"
    ok(await submit(p, app_id, credit))
    result = await eligibility(p, app_id, "province", "420000")
    (reason,) = result["reasons"]
    assert reason["code"] == "listed_energy_rectification"
    assert reason["evidence"]["upload_id"] == listing["id"] and reason["evidence"]["line"] == 3
    assert reason["evidence"]["list"] == "energy_rectification"
    refused = await recommend(p, app_id, "420000")
    assert refused.status_code == 409 and refused.json()["detail"]["code"] == "Ineligible"

    # The authority re-uploads the list with the rectification done: the pending application
    # is checked again and becomes eligible, the evidence kept as a note.
    again = ok(await upload(p, "energy_rectification",
                            f"credit_code,rectified\n{credit},是\n", scope="420000"), 201)
    assert again["rechecked"] >= 1
    result = await eligibility(p, app_id, "applicant", credit)
    assert result["eligible"] and result["trigger"] == f"exclusion-upload:{again['id']}"
    assert result["notes"][0]["code"] == "listed_energy_rectification_rectified"
    ok(await recommend(p, app_id, "420000"))


async def test_a_national_list_rechecks_pending_applications(platform: Platform) -> None:
    p = platform
    batch = await new_batch(p)
    app_id, credit = await drafted(p, batch, "green_design_product", region="430000")
    ok(await submit(p, app_id, credit))
    assert (await eligibility(p, app_id))["eligible"]
    ok(await upload(p, "dishonest_enforcement", f"credit_code,name\n{credit},示例公司\n",
                    role="ministry", scope="*"), 201)
    result = await eligibility(p, app_id)
    assert not result["eligible"] and result["reasons"][0]["evidence"]["scope"] == "national"


async def test_a_malformed_csv_is_refused_whole_naming_the_line(platform: Platform) -> None:
    p = platform
    batch = await new_batch(p)
    app_id, credit = await drafted(p, batch, "green_design_product", region="440000")
    first = ok(await upload(p, "major_accident",
                            f"credit_code,date\n{p.credit_code('440000')},2019-03-01\n",
                            scope="440000"), 201)
    bad = await upload(p, "major_accident",
                       f"credit_code,name,date\n{credit},示例公司,2019-07-01\n"
                       f"{p.credit_code('440000')},另一家,2019-02-30\n", scope="440000")
    assert bad.status_code == 422
    detail = bad.json()["detail"]
    assert (detail["line"], detail["column"], detail["field"]) == (3, "date", "file")
    assert detail["message"].startswith("line 3, column date:") and detail["message_zh"].startswith("第3行")
    # Nothing of it was imported: the earlier list is still the current one, and the
    # applicant named on line 2 of the refused file is eligible.
    current = ok(await p.intake.get("/api/v1/exclusion-lists", headers=p.auth("province", "440000")))
    mine = [u for u in current if u["scope"] == "440000" and u["kind"] == "major_accident"]
    assert [(u["id"], u["row_count"]) for u in mine] == [(first["id"], 1)]
    ok(await submit(p, app_id, credit))
    assert (await eligibility(p, app_id))["eligible"]
    # Applicants do not upload lists.
    assert (await upload(p, "major_accident", "credit_code,date\n", role="applicant",
                         scope=credit)).status_code == 403


async def test_a_returned_application_is_corrected_and_checked_again(platform: Platform) -> None:
    p = platform
    batch = await new_batch(p)
    region = "450000"
    app_id, credit = await drafted(p, batch, "green_design_product", region=region)
    mine = p.auth("applicant", credit)
    ok(await submit(p, app_id, credit, pollution_incident=True))
    assert not (await eligibility(p, app_id))["eligible"]
    body = draft_body("green_design_product", credit, region, product_model="KFR-50LW")
    late = await p.intake.put(f"/api/v1/applications/{app_id}", json=body, headers=mine)
    assert late.status_code == 409 and late.json()["detail"]["code"] == "WrongStage"

    ok(await p.intake.post(f"/api/v1/applications/{app_id}/recommendation",
                           json={"decision": "return", "reason": "请核实污染事件声明"},
                           headers=p.auth("province", region)))
    moved = await p.intake.put(f"/api/v1/applications/{app_id}",
                               json={**body, "region": "110000"}, headers=mine)
    assert moved.status_code == 422 and moved.json()["detail"]["field"] == "region"
    corrected = ok(await p.intake.put(f"/api/v1/applications/{app_id}", json=body, headers=mine))
    assert corrected["details"]["product_model"] == "KFR-50LW"

    ok(await submit(p, app_id, credit))
    result = await eligibility(p, app_id, "applicant", credit)
    assert result["eligible"] and result["trigger"] == "submission:3"
    ok(await recommend(p, app_id, region))
