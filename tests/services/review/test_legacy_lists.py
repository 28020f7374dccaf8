"""Importing an already published list: idempotent, bad rows reported, the batch's triennial
review scheduled from the list's date; the real lists of batches 1-4 (no credit codes, category
words as people type them) import, and their authorities complete the codes later."""

from __future__ import annotations

import uuid
from datetime import date, datetime
from pathlib import Path

import pytest
from sqlalchemy import select

from cli.inprocess import Platform
from cli.synthetic import ok
from services.review.app import PARTS
from services.review.legacy import CsvShapeError, parse_legacy_csv
from services.review.models import ListedUnit
from services.review.repository import triennial_records
from shared.contracts.listing import YearlyReportDue
from shared.db import create_engine, migrate, session_factory
from shared.identifiers import credit_code_check_char
from shared.messaging.tables import MessagingBase, OutboxMessage
from shared.rules.model import Category
from tests.conftest import drop_run, make_settings, new_run_id

LEGACY = """batch,category,region,name,credit_code,published_on
{b},绿色工厂,北京市,北京老厂,{c1},2017-08-25
{b},green_supply_chain,310000,上海链主,{c2},2017-08-25
{b},绿色工厂,999999,无名,{c3},2017-08-25
{b},绿色工厂,110000,坏代码,91350100M000100Y4A,2017-08-25
"""
HEADER = "batch,category,region,name,credit_code,published_on\n"


def _batch() -> str:
    return f"17{uuid.uuid4().int % 90 + 10}-{uuid.uuid4().int % 9 + 1}"


async def test_legacy_list_import_is_idempotent_and_scheduled(platform: Platform) -> None:
    p = platform
    batch = f"17{uuid.uuid4().int % 90 + 10}-1"
    csv = LEGACY.format(b=batch, c1=p.credit_code("110000"), c2=p.credit_code("310000"), c3=p.credit_code("110000"))
    files = {"file": ("list.csv", csv.encode(), "text/csv")}
    first = ok(await p.review.post("/api/v1/legacy-lists", files=files, headers=p.auth("ministry")))
    assert first["imported"] == 2 and first["already_present"] == 0 and first["batches"] == [batch]
    assert [(r["line"], r["reasons"][0]["field"]) for r in first["rejected"]] == [(4, "region"), (5, "credit_code")]
    second = ok(await p.review.post("/api/v1/legacy-lists", files=files, headers=p.auth("ministry")))
    assert second["imported"] == 0 and second["already_present"] == 2
    listed = ok(await p.review.get("/api/v1/public/list", params={"batch": batch}))
    assert listed["total"] == 2 and all(i["legacy"] for i in listed["items"])
    assert {i["region"] for i in listed["items"]} == {"110000", "310000"}
    schedule = ok(await p.review.get(f"/api/v1/ops/schedules/{batch}", headers=p.auth("ops")))
    # 2017's lists: reviewed in 2020, 2023, 2026 (the first runs are in the past now).
    assert all(datetime.fromisoformat(t).month == 8 for t in schedule["next_action_times"])
    assert {datetime.fromisoformat(t).year % 3 for t in schedule["next_action_times"]} == {2017 % 3}
    bad = await p.review.post("/api/v1/legacy-lists", files={"file": ("x.csv", b"name,region\nx,y\n", "text/csv")},
                              headers=p.auth("ministry"))
    assert bad.status_code == 422 and "line 1" in bad.json()["detail"]["message"]
    assert (await p.review.post("/api/v1/legacy-lists", files=files, headers=p.auth("province", "110000"))).status_code == 403


# ------------------------------------------------------------------ the parser


def test_a_row_without_a_credit_code_is_accepted_and_flagged() -> None:
    parsed = parse_legacy_csv((HEADER + "2017-1,绿色工厂,110000,北京老厂,,2017-08-25\n").encode())
    assert parsed.rejected == []
    [row] = parsed.rows
    assert row.credit_code == "" and row.credit_code_missing


def test_code_less_ids_are_stable_and_tell_listings_apart() -> None:
    def one(line: str) -> str:
        [row] = parse_legacy_csv((HEADER + line + "\n").encode()).rows
        return row.application_id

    base = one("2017-1,绿色工厂,110000,北京老厂,,2017-08-25")
    assert base == one("2017-1,green factory,北京市, 北京老厂 ,,2017-08-25")
    assert base.startswith("legacy-2017-1-F")
    others = {
        one("2017-2,绿色工厂,110000,北京老厂,,2017-08-25"),
        one("2017-1,绿色设计产品,110000,北京老厂,,2017-08-25"),
        one("2017-1,绿色工厂,120000,北京老厂,,2017-08-25"),
        one("2017-1,绿色工厂,110000,北京老厂（一厂）,,2017-08-25"),
    }
    assert len(others) == 4 and base not in others


@pytest.mark.parametrize(("word", "category"), [
    ("green_factory", Category.GREEN_FACTORY),
    ("green factory", Category.GREEN_FACTORY),
    ("  Green   Factory ", Category.GREEN_FACTORY),
    ("GREEN_FACTORY", Category.GREEN_FACTORY),
    ("绿色工厂", Category.GREEN_FACTORY),
    ("Green Design Product", Category.GREEN_DESIGN_PRODUCT),
    ("绿色设计产品", Category.GREEN_DESIGN_PRODUCT),
    ("park", Category.GREEN_PARK),
    ("Green Industrial Park", Category.GREEN_PARK),
    ("绿色园区", Category.GREEN_PARK),
    ("绿色工业园区", Category.GREEN_PARK),
    ("supply chain", Category.GREEN_SUPPLY_CHAIN),
    ("Green Supply-Chain Management Enterprise", Category.GREEN_SUPPLY_CHAIN),
    ("绿色供应链管理企业", Category.GREEN_SUPPLY_CHAIN),
    ("绿色供应链", Category.GREEN_SUPPLY_CHAIN),
    ("绿色 供应链", Category.GREEN_SUPPLY_CHAIN),
])
def test_category_words_in_english_and_chinese(word: str, category: Category) -> None:
    line = f'2017-1,"{word}",110000,某公司,,2017-08-25\n'
    parsed = parse_legacy_csv((HEADER + line).encode())
    assert parsed.rejected == [] and parsed.rows[0].category is category


def test_names_are_kept_exactly() -> None:
    name = "江苏某某（集团）股份有限公司·二厂　Ａ区"
    parsed = parse_legacy_csv((HEADER + f"2017-1,绿色工厂,320000,  {name}  ,,2017-08-25\n").encode())
    assert parsed.rows[0].name == name


@pytest.mark.parametrize("batch", ["../../x", "2017-1/../x", "2017", "x" * 40, ""])
def test_a_batch_must_be_a_batch_code(batch: str) -> None:
    parsed = parse_legacy_csv((HEADER + f"{batch},绿色工厂,110000,某公司,,2017-08-25\n").encode())
    assert parsed.rows == []
    [rejected] = parsed.rejected
    assert [r.field for r in rejected.reasons] == ["batch"]


def test_every_reason_is_bilingual() -> None:
    lines = [
        "../x,绿色工厂,110000,某公司,,2017-08-25",
        "2017-1,green wood,110000,某公司,,2017-08-25",
        "2017-1,绿色工厂,999999,某公司,,2017-08-25",
        "2017-1,绿色工厂,110000,某公司,91350100M000100Y4A,2017-08-25",
        "2017-1,绿色工厂,110000,,,2017-08-25",
        "2017-1,绿色工厂,110000,某\u202e公司,,2017-08-25",
        "2017-1,绿色工厂,110000,某公司,,0001-01-01",
    ]
    parsed = parse_legacy_csv((HEADER + "\n".join(lines) + "\n").encode())
    assert parsed.rows == []
    fields = [[r.field for r in x.reasons] for x in parsed.rejected]
    assert fields == [["batch"], ["category"], ["region"], ["credit_code"], ["name"], ["name"],
                      ["published_on"]]
    for rejected in parsed.rejected:
        for reason in rejected.reasons:
            assert reason.message and reason.message_zh and reason.message != reason.message_zh
            assert any("\u4e00" <= ch <= "\u9fff" for ch in reason.message_zh)


@pytest.mark.parametrize(("data", "line", "column"), [
    (b"name,region\nx,y\n", 1, "batch"),
    ((HEADER + "2017-1,绿色工厂,110000,某公司,,2017-08-25\n2017-1,\x00,1,2,,3\n").encode(), 3, None),
    ((HEADER + "2017-1,绿色工厂,110000,某公司,,2017-08-25\n").encode() + b"\xff\n", 3, None),
])
def test_a_bad_file_names_line_and_column(data: bytes, line: int, column: str | None) -> None:
    with pytest.raises(CsvShapeError) as err:
        parse_legacy_csv(data)
    assert err.value.line == line and err.value.column == column
    assert f"line {line}" in str(err.value) and f"第{line}行" in err.value.message_zh


# ------------------------------------------------------------------ over HTTP


def _valid_code(region: str, body: str) -> str:
    first17 = "91" + region + body
    return first17 + credit_code_check_char(first17)


async def test_real_lists_without_codes_import_and_are_completed_later(platform: Platform) -> None:
    p = platform
    batch, earlier = _batch(), _batch()
    suffix = uuid.uuid4().hex[:6]
    name = f"福建某某（集团）电器有限公司{suffix}"
    code = p.credit_code("350000")
    # The same unit listed earlier with its code, under a different name is not the same unit.
    ok(await p.review.post("/api/v1/legacy-lists", headers=p.auth("ministry"), files={"file": (
        "earlier.csv", (HEADER + f"{earlier},绿色工厂,350000,另一家{suffix},{code},2016-09-01\n").encode(),
        "text/csv")}))
    csv = HEADER + "\n".join([
        f"{batch},Green Factory,福建省, {name} ,,2017-08-25",
        f"{batch},绿色设计产品,350000,{name},,2017-08-25",
        f"../../x,绿色工厂,350000,{name},,2017-08-25",
        f"{batch},supply chain,110000,北京链主{suffix},,2017-08-25",
    ]) + "\n"
    files = {"file": ("list.csv", csv.encode(), "text/csv")}
    first = ok(await p.review.post("/api/v1/legacy-lists", files=files, headers=p.auth("ministry")))
    assert first["imported"] == 3 and first["already_present"] == 0 and first["credit_code_missing"] == 3
    assert first["message"] and first["message_zh"]
    rows = first["rows"]
    assert [(r["line"], r["status"]) for r in rows] == [
        (2, "imported"), (3, "imported"), (4, "rejected"), (5, "imported")]
    assert all(r["message"] and r["message_zh"] for r in rows)
    assert rows[2]["reasons"][0]["field"] == "batch" and rows[2]["reasons"][0]["message_zh"]
    factory, design = rows[0], rows[1]
    assert factory["credit_code_missing"] and design["credit_code_missing"]
    # One unit in two categories: two listings of one unit.
    assert factory["application_id"] != design["application_id"]
    assert factory["unit_id"] == design["unit_id"]

    unit = ok(await p.review.get(f"/api/v1/listed-units/{factory['application_id']}"))
    assert unit["name"] == name and unit["credit_code"] == "" and unit["credit_code_missing"]

    again = ok(await p.review.post("/api/v1/legacy-lists", files=files, headers=p.auth("ministry")))
    assert again["imported"] == 0 and again["already_present"] == 3
    assert [r["application_id"] for r in again["rows"] if r["status"] != "rejected"] == [
        factory["application_id"], design["application_id"], rows[3]["application_id"]]

    path = f"/api/v1/listed-units/{factory['application_id']}/credit-code"
    other = await p.review.put(path, json={"credit_code": code}, headers=p.auth("province", "110000"))
    assert other.status_code == 403 and other.json()["detail"]["message_zh"]
    wrong = code[:17] + ("0" if code[17] != "0" else "1")
    bad = await p.review.put(path, json={"credit_code": wrong}, headers=p.auth("province", "350000"))
    assert bad.status_code == 422 and bad.json()["detail"]["field"] == "credit_code"
    done = ok(await p.review.put(path, json={"credit_code": code.lower()}, headers=p.auth("province", "350000")))
    # The code already had a listing: the same unit; both code-less listings took the code.
    assert done["unit_id"] == code
    by_id = {u["application_id"]: u for u in done["listings"]}
    assert set(by_id) >= {factory["application_id"], design["application_id"]} and len(by_id) == 3
    assert all(u["credit_code"] == code and not u["credit_code_missing"] for u in by_id.values())
    assert ok(await p.review.put(path, json={"credit_code": code}, headers=p.auth("ministry")))["unit_id"] == code
    changed = await p.review.put(path, json={"credit_code": _valid_code("350000", "M000100Y4")},
                                 headers=p.auth("ministry"))
    assert changed.status_code == 409 and changed.json()["detail"]["message_zh"]
    missing = await p.review.put("/api/v1/listed-units/legacy-nothing/credit-code",
                                 json={"credit_code": code}, headers=p.auth("ministry"))
    assert missing.status_code == 404

    # The announcement imported again: nothing new, the listings keep their code.
    third = ok(await p.review.post("/api/v1/legacy-lists", files=files, headers=p.auth("ministry")))
    assert third["imported"] == 0 and third["already_present"] == 3
    assert [r["credit_code_missing"] for r in third["rows"] if r["status"] != "rejected"] == [False, False, True]


async def test_a_code_less_row_joins_the_unit_of_the_same_name_and_region(platform: Platform) -> None:
    p = platform
    batch = _batch()
    name, code = f"浙江某某有限公司{uuid.uuid4().hex[:6]}", p.credit_code("330000")
    csv = HEADER + f"{batch},绿色工厂,330000,{name},{code},2018-09-01\n{batch},绿色供应链,浙江省,{name},,2018-09-01\n"
    result = ok(await p.review.post("/api/v1/legacy-lists", headers=p.auth("ministry"),
                                    files={"file": ("l.csv", csv.encode(), "text/csv")}))
    assert result["imported"] == 2 and result["credit_code_missing"] == 0
    first, second = result["rows"]
    assert first["unit_id"] == second["unit_id"] == code
    assert second["reasons"] and second["reasons"][0]["message_zh"]
    # A later file with the code for a listing first imported without it: the same listing.
    batch2, name2, code2 = _batch(), f"湖南某某厂{uuid.uuid4().hex[:6]}", p.credit_code("430000")
    bare = HEADER + f"{batch2},绿色工厂,430000,{name2},,2018-09-01\n"
    coded = HEADER + f"{batch2},绿色工厂,430000,{name2},{code2},2018-09-01\n"
    [before] = ok(await p.review.post("/api/v1/legacy-lists", headers=p.auth("ministry"),
                                      files={"file": ("a.csv", bare.encode(), "text/csv")}))["rows"]
    [after] = ok(await p.review.post("/api/v1/legacy-lists", headers=p.auth("ministry"),
                                     files={"file": ("b.csv", coded.encode(), "text/csv")}))["rows"]
    assert before["credit_code_missing"] and after["status"] == "already_present"
    assert after["application_id"] == before["application_id"] and not after["credit_code_missing"]
    assert after["unit_id"] == code2


async def test_yearly_reminder_of_a_completed_unit_reaches_the_enterprise(tmp_path: Path) -> None:
    """The unit's workflow started with the empty code; once the authority completed it, the
    yearly reminder names the code (so notify finds the enterprise)."""
    settings = make_settings(new_run_id(), "unused:0", tmp_path)
    await migrate(settings, "review", [PARTS.metadata, MessagingBase.metadata])
    engine = create_engine(settings, "review")
    sessions = session_factory(engine)
    code = _valid_code("110000", "M000100Y4")
    try:
        [row] = parse_legacy_csv((HEADER + "2017-1,绿色工厂,110000,北京老厂,,2017-08-25\n").encode()).rows
        async with sessions() as session, session.begin():
            await triennial_records.import_legacy_units(session, rows=[row])
            unit = await session.get(ListedUnit, row.application_id)
            assert unit is not None
            await triennial_records.set_credit_code(session, unit=unit, credit_code=code)
            await triennial_records.yearly_report_due_event(session, due=YearlyReportDue(
                application_id=row.application_id, name=row.name, credit_code=row.credit_code,
                region=row.region, year=2025, due=date(2026, 8, 25)))
        async with sessions() as session:
            bodies = (await session.scalars(
                select(OutboxMessage.body).where(OutboxMessage.routing_key == "review.yearly_report.due")
            )).all()
            assert [b["payload"]["credit_code"] for b in bodies] == [code]
    finally:
        await engine.dispose()
        await drop_run(settings, consumers=())
