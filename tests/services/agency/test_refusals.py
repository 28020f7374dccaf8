"""Every kind of refusal agency gives is the one vocabulary's: a code, an English message
and a Chinese one for the officials' pages, and the field when one is at fault."""

from __future__ import annotations

import json
import uuid
from typing import Any

from cli.inprocess import Platform
from cli.synthetic import (
    PDF,
    draft,
    entrust,
    ok,
    open_batch,
    register_agency,
    report,
    submit,
)
from shared.errors import ErrorCode


def refused(resp: Any, code: ErrorCode, field: str | None = None) -> dict[str, Any]:
    assert resp.status_code == code.status, resp.text
    detail: dict[str, Any] = resp.json()["detail"]
    assert detail["code"] == code.value, detail
    assert detail["message"] and detail["message_zh"].strip(), detail
    assert detail.get("field") == field, detail
    return detail


async def test_each_kind_of_refusal_carries_code_message_and_chinese(platform: Platform) -> None:
    p = platform
    agency_id = await register_agency(p)
    stranger = p.credit_code()

    # 401: no token.
    refused(await p.agency.get("/api/v1/engagements"), ErrorCode.UNAUTHENTICATED)

    # 403: the wrong role, the wrong scope.
    refused(await p.agency.get("/api/v1/engagements", headers=p.auth("province", "110000")),
            ErrorCode.FORBIDDEN)
    refused(await p.agency.get("/api/v1/reports", headers=p.auth("applicant", stranger)),
            ErrorCode.FORBIDDEN)
    refused(await p.agency.post("/api/v1/agencies", json={"credit_code": stranger, "name": "某机构"},
                                headers=p.auth("agency", agency_id)),
            ErrorCode.FORBIDDEN, "credit_code")
    refused(await p.agency.put(f"/api/v1/agencies/{agency_id}/roster", json={"staff": []},
                               headers=p.auth("agency", stranger)), ErrorCode.FORBIDDEN)
    refused(await p.agency.post("/api/v1/spot-checks", json={"batch": "2020-5"},
                                headers=p.auth("agency", agency_id)), ErrorCode.FORBIDDEN)

    # 404: absent, or not the caller's to see.
    refused(await p.agency.get(f"/api/v1/agencies/{stranger}", headers=p.auth("ministry")),
            ErrorCode.NOT_FOUND)
    refused(await p.agency.get("/api/v1/spot-checks/nope", headers=p.auth("ministry")),
            ErrorCode.NOT_FOUND)
    refused(await p.agency.put("/api/v1/findings/nope/ban", headers=p.auth("ministry")),
            ErrorCode.NOT_FOUND)
    refused(await p.agency.post("/api/v1/engagements", headers=p.auth("applicant", stranger),
                                json={"application_id": "nope", "agency_id": stranger,
                                      "independence": {"declared": True}}),
            ErrorCode.NOT_FOUND, "agency_id")

    # 409: done already.
    refused(await p.agency.post("/api/v1/agencies", headers=p.auth("agency", agency_id),
                                json={"credit_code": agency_id, "name": "某机构"}),
            ErrorCode.DUPLICATE, "credit_code")

    # 422: a field is wrong, whether the request's validation or the route says so.
    refused(await p.agency.post(f"/api/v1/agencies/{agency_id}/relations",
                                json={"related_code": agency_id, "kind": "parent"},
                                headers=p.auth("agency", agency_id)),
            ErrorCode.INVALID, "related_code")
    refused(await p.agency.post(f"/api/v1/agencies/{agency_id}/relations",
                                json={"related_code": stranger, "kind": "cousin"},
                                headers=p.auth("agency", agency_id)),
            ErrorCode.INVALID, "kind")
    refused(await p.agency.get(f"/api/v1/agencies/{agency_id}/qualification",
                               params={"rule_set": "1999-9"}, headers=p.auth("ministry")),
            ErrorCode.INVALID, "rule_set")

    # An engagement to refuse reports on: 404 to another agency, 415 for a file that is no
    # signed report, 422 for a report that is no JSON or does not fit the contract.
    batch = f"{uuid.uuid4().int % 9000 + 1000}-{uuid.uuid4().int % 99 + 1}"
    await open_batch(p, batch)
    app_id, credit = await draft(p, batch, "green_factory")
    ok(await submit(p, app_id, credit))
    engagement = await entrust(p, app_id, credit, agency_id)
    url = f"/api/v1/engagements/{engagement['id']}/report"
    mine = p.auth("agency", agency_id)
    refused(await p.agency.get(f"/api/v1/engagements/{engagement['id']}",
                               headers=p.auth("agency", stranger)), ErrorCode.NOT_FOUND)
    refused(await p.agency.post(f"/api/v1/engagements/{engagement['id']}/acceptance",
                                json={"accept": True}, headers=mine),
            ErrorCode.INVALID, "independence")
    refused(await p.agency.post(url, data={"report": json.dumps(report("green_factory"))},
                                files={"file": ("r.pdf", b"<html/>", "application/pdf")},
                                headers=mine),
            ErrorCode.UNSUPPORTED_MEDIA_TYPE, "file")
    refused(await p.agency.post(url, data={"report": "{"}, files={"file": ("r.pdf", PDF)},
                                headers=mine),
            ErrorCode.INVALID, "report")
    invalid = refused(await p.agency.post(url, data={"report": json.dumps({"conditions": []})},
                                          files={"file": ("r.pdf", PDF)}, headers=mine),
                      ErrorCode.INVALID, "report.evaluation")
    assert invalid["errors"] and all(e["message_zh"] for e in invalid["errors"])
