"""The inputs issue 12 found answering 500, each refused with a bilingual 422 naming the field
(or reported per row in an uploaded list); names are otherwise kept exactly (NFC)."""

from __future__ import annotations

import json
import uuid
from typing import Any

import httpx
import pytest

from cli.inprocess import Platform
from cli.synthetic import draft_body, ok
from tests.e2e.test_refusals import conforms
from tests.services.intake.support import new_batch

HUGE = 2**64


def refused(response: httpx.Response, field: str, status: int = 422) -> dict[str, Any]:
    assert response.status_code == status, response.text[:300]
    body = response.json()
    assert conforms(body), body
    assert body["detail"].get("field") == field, body["detail"]
    return dict(body["detail"])


async def test_integers_beyond_64_bits_are_refused(platform: Platform) -> None:
    p = platform
    refused(await p.review.get("/api/v1/public/list", params={"offset": HUGE}), "offset")
    refused(await p.notify.get("/api/v1/inbox", params={"offset": HUGE},
                               headers=p.auth("ministry")), "offset")
    refused(await p.review.post(f"/api/v1/objections/{HUGE}/resolution",
                                json={"upheld": False, "resolution": "x"},
                                headers=p.auth("ministry")), "objection_id")
    refused(await p.review.post("/api/v1/spot-checks/listed-units", json={"seed": HUGE},
                                headers=p.auth("ministry")), "seed")
    refused(await p.agency.post("/api/v1/spot-checks", json={"batch": "2020-5", "seed": -1},
                                headers=p.auth("ministry")), "seed")


async def test_a_date_of_year_one_is_refused(platform: Platform) -> None:
    detail = refused(await platform.agency.get(
        "/api/v1/agencies/zz-no-such-0/qualification", params={"on": "0001-01-01"},
        headers=platform.auth("ministry")), "on")
    assert "1900" in detail["message"] and "1900" in detail["message_zh"]


async def test_long_search_strings_and_codes_are_refused(platform: Platform) -> None:
    p = platform
    refused(await p.review.get("/api/v1/public/list", params={"q": "x" * 64_000}), "q")
    refused(await p.review.get("/api/v1/public/list", params={"batch": "a\x00b"}), "batch")
    # A rule set's code is a file name: too long a one was an OSError.
    refused(await p.intake.get("/api/v1/rule-sets/" + "x" * 400), "code")
    response = await p.intake.get("/api/v1/batches/..%2F..%2Fx", headers=p.auth("ministry"))
    assert response.status_code == 404 and conforms(response.json())


@pytest.mark.parametrize(("name", "character"), [
    ("福建\ud800电器", None),  # pydantic's own refusal: not a unicode string
    ("福建\x00电器", "U+0000"),
    ("福建\u202e器电", "U+202E"),
    ("福建\u200b电器", "U+200B"),
    ("福建\n电器", "U+000A"),
])
async def test_hostile_characters_in_a_name_are_refused(
    platform: Platform, name: str, character: str | None
) -> None:
    p = platform
    batch = await new_batch(p)
    credit = p.credit_code()
    body = draft_body("green_factory", credit, "110000", applicant_name=name)
    response = await p.intake.post(
        f"/api/v1/batches/{batch}/applications", headers={**p.auth("applicant", credit),
                                                          "content-type": "application/json"},
        # ASCII escapes, as a browser sends a lone surrogate.
        content=json.dumps(body).encode(),
    )
    detail = refused(response, "applicant_name")
    if character is not None:
        assert character in detail["message"] and character in detail["message_zh"]


async def test_names_are_kept_exactly_in_nfc(platform: Platform) -> None:
    p = platform
    batch = await new_batch(p)
    credit = p.credit_code()
    name = "福建（示例）电器制造有限公司，Cafe\u0301"  # full-width punctuation; e + combining accent
    body = ok(await p.intake.post(
        f"/api/v1/batches/{batch}/applications",
        json=draft_body("green_factory", credit, "110000", applicant_name=name),
        headers=p.auth("applicant", credit)), 201)
    assert body["applicant_name"] == "福建（示例）电器制造有限公司，Caf\u00e9"


async def test_an_email_with_a_nul_is_refused(platform: Platform) -> None:
    refused(await platform.notify.put("/api/v1/contacts/me", json={"email": "a\x00@example.cn"},
                                      headers=platform.auth("ministry")), "email")


async def test_legacy_list_refuses_a_path_as_a_batch_code(platform: Platform) -> None:
    p = platform
    good = f"17{uuid.uuid4().int % 90 + 10}-2"
    csv = (
        "batch,category,region,name,credit_code,published_on\n"
        f"../../x,绿色工厂,110000,北京老厂,{p.credit_code('110000')},2017-08-25\n"
        f"{good},绿色工厂,110000,北京新厂,{p.credit_code('110000')},0001-01-01\n"
    )
    result = ok(await p.review.post(
        "/api/v1/legacy-lists", files={"file": ("list.csv", csv.encode(), "text/csv")},
        headers=p.auth("ministry")))
    assert result["imported"] == 0
    assert [(r["line"], r["reasons"][0]["field"]) for r in result["rejected"]] == [
        (2, "batch"), (3, "published_on")]
    # A NUL byte makes the whole file unreadable as text: refused, naming its line.
    nul = ("batch,category,region,name,credit_code,published_on\n"
           f"{good},绿色工厂,110000,北京\x00老厂,{p.credit_code('110000')},2017-08-25\n")
    body = refused(await p.review.post(
        "/api/v1/legacy-lists", files={"file": ("list.csv", nul.encode(), "text/csv")},
        headers=p.auth("ministry")), "file")
    assert body["line"] == 2
    huge = ("batch,category,region,name,credit_code,published_on\n"
            f"{good},绿色工厂,110000,{'x' * 200_000},{p.credit_code('110000')},2017-08-25\n")
    refused(await p.review.post(
        "/api/v1/legacy-lists", files={"file": ("list.csv", huge.encode(), "text/csv")},
        headers=p.auth("ministry")), "file")


async def test_exclusion_list_refuses_a_nul_in_a_name(platform: Platform) -> None:
    p = platform
    csv = f"credit_code,name,date\n{p.credit_code()},坏\x00名,2024-01-01\n"
    response = await p.intake.post(
        "/api/v1/exclusion-lists/major_accident",
        files={"file": ("list.csv", csv.encode(), "text/csv")}, headers=p.auth("ministry"))
    assert response.status_code == 422, response.text[:300]
    assert conforms(response.json())


@pytest.mark.parametrize("when", ["0001-01-01T00:00:00+08:00", "9999-12-31T23:59:59-08:00"])
async def test_a_deadline_at_the_ends_of_time_is_refused(platform: Platform, when: str) -> None:
    p = platform
    batch = await new_batch(p)
    response = await p.intake.post(f"/api/v1/batches/{batch}/deadline",
                                   json={"deadline": when}, headers=p.auth("ministry"))
    assert 400 <= response.status_code < 500, response.text[:300]
    assert conforms(response.json())
