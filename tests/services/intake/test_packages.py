"""An authority's package (Attachment 1): on time once, late refused in China time; the
summary table as XLSX and HTML, Chinese headings with English available."""

from __future__ import annotations

import io

from openpyxl import load_workbook

from cli.inprocess import Platform
from cli.synthetic import ok
from tests.services.intake.support import at_authority, new_batch, recommend, register_agency


async def test_a_late_package_is_refused_with_the_deadline_in_china_time(platform: Platform) -> None:
    p = platform
    batch = await new_batch(p, "2020-5")  # its deadline, 2020-06-01, has passed
    late = await p.intake.post(f"/api/v1/batches/{batch}/package", headers=p.auth("province", "110000"))
    assert late.status_code == 409
    detail = late.json()["detail"]
    assert detail["code"] == "DeadlinePassed"
    assert "2020-06-01 00:00 (Asia/Shanghai)" in detail["message"]
    assert "2020-06-01 00:00 (Asia/Shanghai)" in detail["message_zh"]
    assert detail["deadline"] == "2020-06-01 00:00 (Asia/Shanghai)"


async def test_a_package_on_time_lists_the_recommended_units_in_order(platform: Platform) -> None:
    p = platform
    batch, region = await new_batch(p, "test-open"), "440300"
    agency = await register_agency(p)
    first, _ = await at_authority(p, batch, "green_design_product", None, region,
                                  applicant_name="深圳<b>示例</b>电器有限公司")
    second, _ = await at_authority(p, batch, "green_design_product", None, region,
                                   applicant_name="深圳第二电器有限公司")
    factory, factory_credit = await at_authority(p, batch, "green_factory", agency, region,
                                                 applicant_name="深圳示例工厂")
    pending, _ = await at_authority(p, batch, "green_design_product", None, region,
                                    applicant_name="未推荐公司")
    for app_id in (second, factory, first):  # the order of recommendation is the order listed
        ok(await recommend(p, app_id, region))

    own = p.auth("province", region)
    # Before submission the summary is a draft, readable by the authority and the ministry.
    draft = await p.intake.get(f"/api/v1/batches/{batch}/authorities/{region}/summary", headers=own)
    assert draft.status_code == 200 and "未报送" in draft.text

    package = ok(await p.intake.post(f"/api/v1/batches/{batch}/package", headers=own))
    assert package["counts"] == {"green_factory": 1, "green_design_product": 2, "green_park": 0,
                                 "green_supply_chain": 0}
    assert [(u["category"], u["order"], u["application_id"]) for u in package["units"]] == [
        ("green_factory", 1, factory), ("green_design_product", 1, second),
        ("green_design_product", 2, first)]
    assert pending not in {u["application_id"] for u in package["units"]}
    assert package["units"][0]["credit_code"] == factory_credit

    facts = await p.events.wait_for(lambda m: m["routing_key"] == "intake.package.submitted"
                                    and m["body"]["payload"]["batch"] == batch)
    assert len(facts) == 1 and facts[0]["body"]["payload"]["region"] == region

    # The package is final: nothing more can be recommended into it.
    after = await recommend(p, pending, region)
    assert after.status_code == 409 and after.json()["detail"]["code"] == "WrongStage"
    assert "package" in after.json()["detail"]["message"]

    again = await p.intake.post(f"/api/v1/batches/{batch}/package", headers=own)
    assert again.status_code == 409 and again.json()["detail"]["code"] == "Duplicate"
    assert (await p.intake.post(f"/api/v1/batches/{batch}/package",
                                headers=p.auth("ministry"))).status_code == 403

    xlsx = await p.intake.get(f"/api/v1/batches/{batch}/authorities/{region}/summary.xlsx", headers=own)
    assert xlsx.status_code == 200
    rows = [[c for c in row if c is not None]
            for row in load_workbook(io.BytesIO(xlsx.content)).active.iter_rows(values_only=True)]
    assert rows[0] == ["深圳市绿色制造名单推荐汇总表"]
    assert ["绿色工厂", 1] in rows and ["绿色设计产品", 2] in rows and ["合计", 3] in rows
    header = ["序号", "单位名称", "统一社会信用代码", "申报编号", "推荐时间"]
    assert header in rows
    units = [r for r in rows if len(r) == 5 and r != header]
    assert [(r[0], r[3]) for r in units] == [(1, factory), (1, second), (2, first)]

    english = await p.intake.get(f"/api/v1/batches/{batch}/authorities/{region}/summary.xlsx",
                                 params={"lang": "en"}, headers=p.auth("ministry"))
    first_row = next(load_workbook(io.BytesIO(english.content)).active.iter_rows(values_only=True))
    assert first_row[0] == "Summary table of recommendations: Shenzhen"

    html = await p.intake.get(f"/api/v1/batches/{batch}/authorities/{region}/summary",
                              params={"lang": "en"}, headers=own)
    assert html.status_code == 200 and html.headers["content-type"].startswith("text/html")
    assert "Green design products (2)" in html.text and "submitted at" in html.text
    assert "深圳&lt;b&gt;示例&lt;/b&gt;电器有限公司" in html.text and "<b>示例" not in html.text

    # Another authority may not read it.
    assert (await p.intake.get(f"/api/v1/batches/{batch}/authorities/{region}/summary",
                               headers=p.auth("province", "440000"))).status_code == 403
