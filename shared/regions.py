"""The 37 recommending authorities of the Green Manufacturing List.

31 provincial-level divisions (22 provinces, 4 municipalities, 5 autonomous regions),
5 cities under separate state planning (计划单列市) and the Xinjiang Production and
Construction Corps. Codes are GB/T 2260 administrative division codes, except the Corps
(see :data:`CORPS_CODE`). Hong Kong, Macao and Taiwan are not recommending authorities.
"""

from __future__ import annotations

from collections.abc import Mapping
from enum import StrEnum
from types import MappingProxyType
from typing import Annotated, Final

from annotated_types import MaxLen
from pydantic import AfterValidator, BaseModel, BeforeValidator, ConfigDict

__all__ = [
    "AUTHORITIES",
    "CORPS_CODE",
    "Authority",
    "AuthorityKind",
    "RegionCode",
    "authority",
    "validate_region_code",
]


class AuthorityKind(StrEnum):
    """What kind of recommending authority a region code denotes."""

    PROVINCE = "province"
    MUNICIPALITY = "municipality"
    AUTONOMOUS_REGION = "autonomous_region"
    SEPARATE_PLAN_CITY = "separate_plan_city"
    CORPS = "corps"


class Authority(BaseModel):
    """One recommending authority; immutable and hashable."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    code: str
    name_zh: str
    name_en: str
    kind: AuthorityKind


CORPS_CODE: Final = "660000"
"""Internal code for the Xinjiang Production and Construction Corps.

GB/T 2260 has no code for the Corps: it is not an administrative division (its
cities are coded under Xinjiang, 65xxxx). ``660000`` is unused by GB/T 2260 and sorts
right after Xinjiang, so it cannot collide with a real division code.
"""

_P = AuthorityKind.PROVINCE
_M = AuthorityKind.MUNICIPALITY
_A = AuthorityKind.AUTONOMOUS_REGION
_S = AuthorityKind.SEPARATE_PLAN_CITY
_C = AuthorityKind.CORPS

_ROWS: Final[tuple[tuple[str, str, str, AuthorityKind], ...]] = (
    ("110000", "北京市", "Beijing", _M),
    ("120000", "天津市", "Tianjin", _M),
    ("130000", "河北省", "Hebei", _P),
    ("140000", "山西省", "Shanxi", _P),
    ("150000", "内蒙古自治区", "Inner Mongolia", _A),
    ("210000", "辽宁省", "Liaoning", _P),
    ("210200", "大连市", "Dalian", _S),
    ("220000", "吉林省", "Jilin", _P),
    ("230000", "黑龙江省", "Heilongjiang", _P),
    ("310000", "上海市", "Shanghai", _M),
    ("320000", "江苏省", "Jiangsu", _P),
    ("330000", "浙江省", "Zhejiang", _P),
    ("330200", "宁波市", "Ningbo", _S),
    ("340000", "安徽省", "Anhui", _P),
    ("350000", "福建省", "Fujian", _P),
    ("350200", "厦门市", "Xiamen", _S),
    ("360000", "江西省", "Jiangxi", _P),
    ("370000", "山东省", "Shandong", _P),
    ("370200", "青岛市", "Qingdao", _S),
    ("410000", "河南省", "Henan", _P),
    ("420000", "湖北省", "Hubei", _P),
    ("430000", "湖南省", "Hunan", _P),
    ("440000", "广东省", "Guangdong", _P),
    ("440300", "深圳市", "Shenzhen", _S),
    ("450000", "广西壮族自治区", "Guangxi", _A),
    ("460000", "海南省", "Hainan", _P),
    ("500000", "重庆市", "Chongqing", _M),
    ("510000", "四川省", "Sichuan", _P),
    ("520000", "贵州省", "Guizhou", _P),
    ("530000", "云南省", "Yunnan", _P),
    ("540000", "西藏自治区", "Tibet", _A),
    ("610000", "陕西省", "Shaanxi", _P),
    ("620000", "甘肃省", "Gansu", _P),
    ("630000", "青海省", "Qinghai", _P),
    ("640000", "宁夏回族自治区", "Ningxia", _A),
    ("650000", "新疆维吾尔自治区", "Xinjiang", _A),
    (CORPS_CODE, "新疆生产建设兵团", "Xinjiang Production and Construction Corps", _C),
)

AUTHORITIES: Final[Mapping[str, Authority]] = MappingProxyType(
    {
        code: Authority(code=code, name_zh=zh, name_en=en, kind=kind)
        for code, zh, en, kind in sorted(_ROWS)
    }
)
"""All 37 recommending authorities keyed by code, in code order; read-only."""


def authority(code: str) -> Authority:
    """Return the authority with this code; raise KeyError naming the code if unknown."""
    try:
        return AUTHORITIES[code]
    except KeyError:
        raise KeyError(f"unknown recommending authority code {code!r}") from None


def validate_region_code(value: str) -> str:
    """Return ``value`` stripped if it is a recommending-authority code, else ValueError."""
    code = value.strip()
    if code not in AUTHORITIES:
        raise ValueError(
            f"unknown region code {code!r}: expected one of the 37 recommending authority "
            "codes (GB/T 2260 province-level code, a separate-plan city code such as "
            f"210200, or {CORPS_CODE} for the Xinjiang Production and Construction Corps)"
        )
    return code


def _require_str(value: object) -> object:
    # Without this pydantic's lax mode would turn the int 110000 into "110000" and
    # hide callers passing the wrong type.
    if not isinstance(value, str):
        raise ValueError("region code must be a string")
    return value


RegionCode = Annotated[
    str, BeforeValidator(_require_str), MaxLen(20), AfterValidator(validate_region_code)
]
"""Pydantic field type: the code of one of the 37 recommending authorities."""
