"""Attachments: type from the content, a size limit, SHA-256 kept, visible to who may see."""

from __future__ import annotations

import hashlib

from cli.inprocess import Platform
from cli.synthetic import ok
from tests.services.intake.support import drafted, new_batch

PDF = b"%PDF-1.7\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n"
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64


async def test_an_attachment_is_stored_listed_and_downloaded(platform: Platform) -> None:
    p = platform
    batch = await new_batch(p)
    app_id, credit = await drafted(p, batch, "green_design_product", region="210200")
    mine = p.auth("applicant", credit)
    url = f"/api/v1/applications/{app_id}/attachments"
    stored = ok(await p.intake.post(url, files={"file": ("自评价报告.pdf", PDF, "application/pdf")},
                                    data={"kind": "self_evaluation"}, headers=mine), 201)
    assert stored["sha256"] == hashlib.sha256(PDF).hexdigest()
    assert (stored["content_type"], stored["size"], stored["kind"]) == ("application/pdf", len(PDF),
                                                                        "self_evaluation")
    for headers in (mine, p.auth("province", "210200"), p.auth("ministry")):
        assert [a["id"] for a in ok(await p.intake.get(url, headers=headers))] == [stored["id"]]
        got = await p.intake.get(f"{url}/{stored['id']}", headers=headers)
        assert got.status_code == 200 and got.content == PDF
        assert got.headers["content-type"] == "application/pdf"
        assert got.headers["x-content-sha256"] == stored["sha256"]
    # Another region's official and another applicant see nothing.
    for headers in (p.auth("province", "210000"), p.auth("applicant", p.credit_code())):
        assert (await p.intake.get(url, headers=headers)).status_code == 404
        assert (await p.intake.get(f"{url}/{stored['id']}", headers=headers)).status_code == 404


async def test_oversized_and_mislabelled_uploads_are_refused(platform: Platform) -> None:
    p = platform
    batch = await new_batch(p)
    app_id, credit = await drafted(p, batch, "green_design_product", region="210200")
    mine = p.auth("applicant", credit)
    url = f"/api/v1/applications/{app_id}/attachments"
    limit = p.settings.attachment_max_bytes

    big = PDF + b"0" * (limit + 1 - len(PDF))
    resp = await p.intake.post(url, files={"file": ("big.pdf", big, "application/pdf")},
                               data={"kind": "evidence"}, headers=mine)
    assert resp.status_code == 413
    assert resp.json()["detail"]["field"] == "file" and resp.json()["detail"]["limit"] == limit

    resp = await p.intake.post(url, files={"file": ("report.pdf", PNG, "application/pdf")},
                               data={"kind": "evidence"}, headers=mine)
    assert resp.status_code == 415
    detail = resp.json()["detail"]
    assert (detail["detected"], detail["claimed"], detail["field"]) == ("image/png", "application/pdf", "file")
    assert "its content is image/png" in detail["message"] and "实际为image/png" in detail["message_zh"]

    resp = await p.intake.post(url, files={"file": ("notes.pdf", b"just some text", "application/pdf")},
                               data={"kind": "evidence"}, headers=mine)
    assert resp.status_code == 415 and resp.json()["detail"]["detected"] == "text/plain"

    resp = await p.intake.post(url, files={"file": ("photo.png", PNG, "image/png")},
                               data={"kind": "passport"}, headers=mine)
    assert resp.status_code == 422 and resp.json()["detail"]["field"] == "kind"
    # An authority does not upload the applicant's materials.
    assert (await p.intake.post(url, files={"file": ("photo.png", PNG, "image/png")},
                                data={"kind": "evidence"},
                                headers=p.auth("province", "210200"))).status_code == 403
    # Nothing of the refused uploads was kept.
    assert ok(await p.intake.get(url, headers=mine)) == []
    ok(await p.intake.post(url, files={"file": ("photo.png", PNG, "image/png")},
                           data={"kind": "evidence"}, headers=mine), 201)
