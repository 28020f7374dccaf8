"""Every kind of refusal intake's routes give carries the shared body: a code, an English
message and a non-empty Chinese one (officials read it), and the field when one is at fault."""

from __future__ import annotations

from typing import Any

from cli.inprocess import Platform
from cli.synthetic import draft_body, submit
from shared.errors import ErrorCode, Refusal
from tests.services.intake.support import drafted, new_batch

PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64


def refused(resp: Any, status: int, code: ErrorCode, field: str | None = None) -> Refusal:
    assert resp.status_code == status, resp.text
    detail = Refusal.model_validate(resp.json()["detail"])
    assert detail.code == code and detail.message and detail.message_zh.strip()
    assert detail.field == field
    return detail


async def test_every_refusal_kind_is_bilingual(platform: Platform) -> None:
    p = platform
    batch = await new_batch(p)
    app_id, credit = await drafted(p, batch, "green_design_product", region="210200")
    mine = p.auth("applicant", credit)
    application = f"/api/v1/applications/{app_id}"

    # 401: no token.
    refused(await p.intake.post("/api/v1/batches", json={"code": "3001-1", "rule_set": "2020-5"}),
            401, ErrorCode.UNAUTHENTICATED)
    # 403: the wrong role; a credit code not the caller's; an agency listing applications; a
    # summary of another authority; an applicant uploading an exclusion list.
    refused(await p.intake.post("/api/v1/batches", json={"code": "3001-1", "rule_set": "2020-5"},
                                headers=mine), 403, ErrorCode.FORBIDDEN)
    other = p.credit_code()
    refused(await p.intake.post(f"/api/v1/batches/{batch}/applications",
                                json=draft_body("green_factory", other), headers=mine),
            403, ErrorCode.FORBIDDEN, "credit_code")
    refused(await p.intake.get("/api/v1/applications", headers=p.auth("agency", "AG-1")),
            403, ErrorCode.FORBIDDEN)
    refused(await p.intake.get(f"/api/v1/batches/{batch}/authorities/210200/summary",
                               headers=p.auth("province", "210000")), 403, ErrorCode.FORBIDDEN)
    refused(await p.intake.post("/api/v1/exclusion-lists/major_accident", headers=mine,
                                files={"file": ("list.csv", b"", "text/csv")}),
            403, ErrorCode.FORBIDDEN)
    # 404: another's application (existence does not leak), an unknown batch, an attachment.
    refused(await p.intake.get(application, headers=p.auth("province", "210000")),
            404, ErrorCode.NOT_FOUND)
    refused(await p.intake.get("/api/v1/batches/9999-99", headers=mine), 404, ErrorCode.NOT_FOUND)
    refused(await p.intake.get(f"{application}/attachments/nope", headers=mine),
            404, ErrorCode.NOT_FOUND)
    refused(await p.intake.get(f"{application}/eligibility", headers=mine),
            404, ErrorCode.NOT_FOUND)
    # 413 and 415: too large, and a name that claims another type than the content shows.
    limit = p.settings.attachment_max_bytes
    refused(await p.intake.post(f"{application}/attachments", data={"kind": "evidence"},
                                files={"file": ("big.png", PNG + b"0" * limit, "image/png")},
                                headers=mine), 413, ErrorCode.TOO_LARGE, "file")
    refused(await p.intake.post(f"{application}/attachments", data={"kind": "evidence"},
                                files={"file": ("report.pdf", PNG, "application/pdf")},
                                headers=mine), 415, ErrorCode.UNSUPPORTED_MEDIA_TYPE, "file")
    # 422: an unknown rule set, an empty file, no declarations, a field of the case's identity,
    # a malformed list, a request body that does not validate.
    refused(await p.intake.post("/api/v1/batches", json={"code": "3001-1", "rule_set": "nope"},
                                headers=p.auth("ministry")), 422, ErrorCode.INVALID, "rule_set")
    refused(await p.intake.post(f"{application}/attachments", data={"kind": "evidence"},
                                files={"file": ("empty.png", b"", "image/png")}, headers=mine),
            422, ErrorCode.INVALID, "file")
    refused(await p.intake.post(f"{application}/submit", headers=mine),
            422, ErrorCode.INVALID, "declarations")
    renamed = draft_body("green_design_product", credit, "210200", applicant_name="另一个名字")
    detail = refused(await p.intake.put(application, json=renamed, headers=mine),
                     422, ErrorCode.INVALID, "applicant_name")
    assert "申报单位名称" in detail.message_zh
    refused(await p.intake.post("/api/v1/exclusion-lists/major_accident",
                                headers=p.auth("province", "210200"),
                                files={"file": ("list.csv", b"\xff\xfe\x00bad", "text/csv")}),
            422, ErrorCode.INVALID, "file")
    refused(await p.intake.post(f"{application}/recommendation", json={"decision": "maybe"},
                                headers=p.auth("province", "210200")),
            422, ErrorCode.INVALID, "decision")
    # 409: a batch that exists; a correction once the draft is submitted.
    refused(await p.intake.post("/api/v1/batches", json={"code": batch, "rule_set": "2020-5"},
                                headers=p.auth("ministry")), 409, ErrorCode.DUPLICATE, "code")
    assert (await submit(p, app_id, credit)).status_code == 200
    same = draft_body("green_design_product", credit, "210200")
    refused(await p.intake.put(application, json=same, headers=mine), 409, ErrorCode.WRONG_STAGE)
