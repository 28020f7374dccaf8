"""Tests for shared.regions (the 37 recommending authorities)."""

from collections import Counter

import pytest
from pydantic import BaseModel, ValidationError

from shared.regions import (
    AUTHORITIES,
    CORPS_CODE,
    Authority,
    AuthorityKind,
    RegionCode,
    authority,
)


class Recommendation(BaseModel):
    region: RegionCode


def test_there_are_37_authorities_with_unique_codes() -> None:
    assert len(AUTHORITIES) == 37
    assert len({a.code for a in AUTHORITIES.values()}) == 37
    assert all(code == a.code for code, a in AUTHORITIES.items())
    assert len({a.name_zh for a in AUTHORITIES.values()}) == 37


def test_counts_per_kind() -> None:
    counts = Counter(a.kind for a in AUTHORITIES.values())
    assert counts == {
        AuthorityKind.PROVINCE: 22,
        AuthorityKind.MUNICIPALITY: 4,
        AuthorityKind.AUTONOMOUS_REGION: 5,
        AuthorityKind.SEPARATE_PLAN_CITY: 5,
        AuthorityKind.CORPS: 1,
    }


def test_ordered_by_code_and_six_digits() -> None:
    codes = list(AUTHORITIES)
    assert codes == sorted(codes)
    assert all(len(c) == 6 and c.isdigit() for c in codes)


def test_separate_plan_cities() -> None:
    cities = {a.code: a.name_zh for a in AUTHORITIES.values() if a.kind == "separate_plan_city"}
    assert cities == {
        "210200": "大连市",
        "370200": "青岛市",
        "330200": "宁波市",
        "350200": "厦门市",
        "440300": "深圳市",
    }


def test_known_names() -> None:
    assert authority("110000").name_zh == "北京市"
    assert authority("150000").name_zh == "内蒙古自治区"
    assert authority("650000").name_zh == "新疆维吾尔自治区"
    corps = authority(CORPS_CODE)
    assert corps.name_zh == "新疆生产建设兵团"
    assert corps.kind is AuthorityKind.CORPS


def test_unknown_authority_raises_key_error() -> None:
    with pytest.raises(KeyError, match="999999"):
        authority("999999")


def test_authorities_are_immutable() -> None:
    with pytest.raises(TypeError):
        AUTHORITIES["999999"] = authority("110000")  # type: ignore[index]
    with pytest.raises(ValidationError):
        authority("110000").name_en = "Peking"  # type: ignore[misc]
    assert isinstance(hash(authority("110000")), int)
    assert isinstance(authority("110000"), Authority)


def test_region_code_type() -> None:
    assert Recommendation(region=" 440300 ").region == "440300"
    assert Recommendation(region=CORPS_CODE).region == "660000"


@pytest.mark.parametrize("bad", ["440100", "810000", "", "11000"])
def test_region_code_rejects_unknown(bad: str) -> None:
    with pytest.raises(ValidationError) as info:
        Recommendation(region=bad)
    error = info.value.errors()[0]
    assert error["loc"] == ("region",)
    assert "unknown region code" in error["msg"]


def test_region_code_rejects_int() -> None:
    with pytest.raises(ValidationError):
        Recommendation(region=110000)
