"""Intake's HTTP API: reference data, refusals of bad input, and who sees what."""

from __future__ import annotations

from cli.inprocess import Platform
from cli.synthetic import draft_body, ok, submit
from tests.services.intake.support import drafted, new_batch


async def test_rule_sets_authorities_and_batches_are_listed(platform: Platform) -> None:
    p = platform
    authorities = ok(await p.intake.get("/api/v1/authorities"))
    assert len(authorities) == 37
    assert {"code": "660000", "name_zh": "新疆生产建设兵团",
            "name_en": "Xinjiang Production and Construction Corps", "kind": "corps"} in authorities
    rule_sets = {r["code"]: r for r in ok(await p.intake.get("/api/v1/rule-sets"))}
    assert rule_sets["2020-5"]["submission_deadline"] == "2020-06-01T00:00:00+08:00"
    assert rule_sets["2020-5"]["quotas"] == {"green_factory": 30, "green_park": 3}
    assert "test-open" in rule_sets
    full = ok(await p.intake.get("/api/v1/rule-sets/2020-5"))
    assert full["agency"]["max_projects_per_group"] == 15
    assert (await p.intake.get("/api/v1/rule-sets/1999-1")).status_code == 404

    batch = await new_batch(p)
    opened = await p.events.wait_for(lambda m: m["routing_key"] == "intake.batch.opened"
                                     and m["body"]["payload"]["code"] == batch)
    assert opened[0]["body"]["payload"]["rule_set"] == "2020-5"
    assert opened[0]["body"]["payload"]["deadline"] == "2020-06-01T00:00:00+08:00"
    listed = ok(await p.intake.get("/api/v1/batches", headers=p.auth("applicant", p.credit_code())))
    mine = [b for b in listed if b["code"] == batch]
    assert mine and mine[0]["deadline"] == "2020-06-01T00:00:00+08:00"
    assert mine[0]["warnings"] == []  # 2020 has the official holiday table
    # A batch whose working-day reminders fall in a year without the table says so (test-open:
    # deadline 2099).
    later = await new_batch(p, rule_set="test-open")
    (warning,) = ok(await p.intake.get(f"/api/v1/batches/{later}", headers=p.auth("ministry")))["warnings"]
    assert warning["code"] == "working_days_estimated" and "2099" in warning["message_zh"]
    bad = await p.intake.post("/api/v1/batches", json={"code": "3000-1", "rule_set": "nope"},
                              headers=p.auth("ministry"))
    assert bad.status_code == 422 and bad.json()["detail"]["field"] == "rule_set"


async def test_bad_input_is_refused_naming_the_field_in_both_languages(platform: Platform) -> None:
    p = platform
    batch = await new_batch(p)
    wrong = "91350100M000100Y4A"
    resp = await p.intake.post(f"/api/v1/batches/{batch}/applications",
                               json=draft_body("green_factory", wrong), headers=p.auth("applicant", wrong))
    assert resp.status_code == 422
    detail = resp.json()["detail"]
    assert detail["code"] == "Invalid" and detail["field"] == "credit_code" and detail["message_zh"]
    (error,) = detail["errors"]
    assert error["loc"][-1] == "credit_code" and "wrong check character" in error["msg"]
    assert "校验码错误" in error["message_zh"]

    credit = p.credit_code()
    resp = await p.intake.post(
        f"/api/v1/batches/{batch}/applications",
        json=draft_body("green_design_product", credit, product_standard="GB/T 12345-2099"),
        headers=p.auth("applicant", credit))
    assert resp.status_code == 422
    detail = resp.json()["detail"]
    assert detail["field"] == "product_standard" and "List of Green Design Product Standards" in detail["message"]
    assert "绿色设计产品标准清单" in detail["message_zh"]

    resp = await p.intake.post(f"/api/v1/batches/{batch}/applications",
                               json=draft_body("green_supply_chain", credit, sector="banking"),
                               headers=p.auth("applicant", credit))
    assert resp.status_code == 422 and resp.json()["detail"]["field"] == "sector"

    resp = await p.intake.post(f"/api/v1/batches/{batch}/applications",
                               json=draft_body("green_park", credit, region="999999"),
                               headers=p.auth("applicant", credit))
    assert resp.status_code == 422 and resp.json()["detail"]["field"] == "region"

    # Submitting needs the declarations: none at all, or one missing, names the field.
    app_id, credit = await drafted(p, batch, "green_design_product")
    bare = await p.intake.post(f"/api/v1/applications/{app_id}/submit",
                               headers=p.auth("applicant", credit))
    assert bare.status_code == 422 and bare.json()["detail"]["field"] == "declarations"
    partial = await p.intake.post(
        f"/api/v1/applications/{app_id}/submit",
        json={"declarations": {"major_accident": False}}, headers=p.auth("applicant", credit))
    assert partial.status_code == 422
    assert {e["loc"][-1] for e in partial.json()["detail"]["errors"]} == {
        "pollution_incident", "supervision_finding", "energy_rectification", "dishonest_enforcement"}
    # Nothing moved.
    body = ok(await p.intake.get(f"/api/v1/applications/{app_id}", headers=p.auth("applicant", credit)))
    assert body["stage"] == "draft" and body["details"]["product_standard"] == "T/CAGP 0001-2016"


async def test_an_official_sees_and_decides_only_their_own_region(platform: Platform) -> None:
    p = platform
    batch = await new_batch(p)
    app_id, credit = await drafted(p, batch, "green_design_product", region="370200")
    ok(await submit(p, app_id, credit))
    other = p.auth("province", "370000")  # Shandong is not Qingdao, a separate-plan city
    assert (await p.intake.get(f"/api/v1/applications/{app_id}", headers=other)).status_code == 404
    assert (await p.intake.get(f"/api/v1/applications/{app_id}/eligibility",
                               headers=other)).status_code == 404
    refused = await p.intake.post(f"/api/v1/applications/{app_id}/recommendation",
                                  json={"decision": "recommend"}, headers=other)
    assert refused.status_code == 404
    listed = ok(await p.intake.get("/api/v1/applications", params={"batch": batch}, headers=other))
    assert listed == []
    own = p.auth("province", "370200")
    assert [a["id"] for a in ok(await p.intake.get("/api/v1/applications", params={"batch": batch},
                                                   headers=own))] == [app_id]
    # The authority returns with what to fix; the applicant sees the reason in the history.
    returned = ok(await p.intake.post(f"/api/v1/applications/{app_id}/recommendation",
                                      json={"decision": "return", "reason": "请补充生命周期评价报告"},
                                      headers=own))
    assert returned["stage"] == "draft"


async def test_a_draft_whose_workflow_was_lost_gets_one_at_submission(platform: Platform) -> None:
    """Temporal away when the draft was made: the submission starts the case's workflow."""
    import asyncio

    from temporalio.api.common.v1 import WorkflowExecution
    from temporalio.api.workflowservice.v1 import DeleteWorkflowExecutionRequest
    from temporalio.client import WorkflowExecutionStatus
    from temporalio.service import RPCError

    p = platform
    batch = await new_batch(p)
    app_id, credit = await drafted(p, batch, "green_design_product")
    handle = p.temporal.get_workflow_handle(f"application:{app_id}")
    await p.temporal.workflow_service.delete_workflow_execution(DeleteWorkflowExecutionRequest(
        namespace=p.temporal.namespace, workflow_execution=WorkflowExecution(workflow_id=handle.id)))
    for _ in range(100):  # deletion is asynchronous on the server
        try:
            await handle.describe()
        except RPCError:
            break
        await asyncio.sleep(0.1)
    else:
        raise AssertionError("the workflow was not deleted")
    submitted = ok(await submit(p, app_id, credit))
    assert submitted["stage"] == "recommendation"
    assert (await handle.describe()).status == WorkflowExecutionStatus.RUNNING
