"""How people read codes: category, region and removal-reason names in Chinese and English,
and instants in China time. Shared by every page, export and message."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from jinja2 import Environment

from shared.chinatime import CHINA
from shared.contracts.listing import REMOVAL_REASON_ZH, RemovalReason
from shared.regions import AUTHORITIES

DEFAULT_LANGUAGE = "zh"
LANGUAGES = ("zh", "en")


def china_time(value: datetime | str, language: str = DEFAULT_LANGUAGE) -> str:
    """An instant (or its ISO text) as people in China read it, the zone named."""
    moment = datetime.fromisoformat(value) if isinstance(value, str) else value
    local = moment.astimezone(CHINA)
    if language == "zh":
        return local.strftime("%Y年%m月%d日 %H:%M") + "（北京时间，Asia/Shanghai）"
    return local.strftime("%Y-%m-%d %H:%M") + " China Standard Time (Asia/Shanghai, UTC+8)"


def region_name(code: str, language: str = DEFAULT_LANGUAGE) -> str:
    found = AUTHORITIES.get(code)
    if found is None:
        return code
    return found.name_zh if language == "zh" else found.name_en


CATEGORY_NAMES = {
    "green_factory": ("绿色工厂", "green factory"),
    "green_design_product": ("绿色设计产品", "green design product"),
    "green_park": ("绿色园区", "green industrial park"),
    "green_supply_chain": ("绿色供应链管理企业", "green supply-chain management enterprise"),
}

REASON_EN = {
    RemovalReason.CANCELLED_OR_SUSPENDED: "cancelled, suspended or licence revoked",
    RemovalReason.ACCIDENT: "major production-safety or quality accident",
    RemovalReason.POLLUTION_INCIDENT: "environmental pollution incident of level III or above",
    RemovalReason.RECTIFICATION_UNFINISHED:
        "on the energy-conservation rectification list, rectification not completed",
    RemovalReason.DISHONEST: "listed as a dishonest person subject to enforcement",
    RemovalReason.SERIOUS_SUPERVISION_FINDING:
        "serious problem found in State Council or ministry supervision",
    RemovalReason.NO_LONGER_MEETS_REQUIREMENTS: "no longer meets the evaluation requirements",
}
REASON_NAMES = {r.value: (REMOVAL_REASON_ZH[r], REASON_EN[r]) for r in RemovalReason}


def _label(table: dict[str, tuple[str, str]]) -> Any:
    def label(value: Any, language: str = DEFAULT_LANGUAGE) -> str:
        key = getattr(value, "value", value)
        names = table.get(str(key))
        if names is None:
            return str(key)
        return names[0] if language == "zh" else names[1]

    return label



def install_label_filters(env: Environment) -> None:
    """`china_time`, `region_name`, `category_name`, `reason_name` filters for templates."""
    env.filters["china_time"] = china_time
    env.filters["region_name"] = region_name
    env.filters["category_name"] = _label(CATEGORY_NAMES)
    env.filters["reason_name"] = _label(REASON_NAMES)


def category_name(value: str, language: str = DEFAULT_LANGUAGE) -> str:
    return str(_label(CATEGORY_NAMES)(value, language))
