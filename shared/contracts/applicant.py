"""What an applicant states about itself, per category: the body of a draft application.

`ApplicationData` is a union discriminated by `category`. Every variant carries the common
facts (name, unified social credit code, region, address, contact, industry code); the rest
is the category's own. Checks that need only the data itself live here; checks against a
batch's rule set (standards list, sectors, energy advanced values) are made by intake.

Validation messages are bilingual: the English text is the error's `msg`, the Chinese one
travels in its context as `message_zh`.
"""

from __future__ import annotations

import re
from typing import Annotated, Any, Final, Literal

from annotated_types import MaxLen
from pydantic import AfterValidator, BaseModel, BeforeValidator, ConfigDict, Field, model_validator

from shared.contracts.bounds import Email, FreeText, Name, ShortText, bilingual_error
from shared.identifiers import ALPHABET, CREDIT_CODE_LENGTH, credit_code_check_char
from shared.regions import RegionCode
from shared.rules.model import Category

__all__ = [
    "COMMON_FIELDS",
    "ApplicationData",
    "ApplicationDataBase",
    "Contact",
    "DesignProductApplication",
    "EnergyUse",
    "FactoryApplication",
    "IndustryCode",
    "ParkApplication",
    "SupplyChainApplication",
    "bilingual_error",
    "details_of",
    "industry_code_problem",
]


# ------------------------------------------------------------------ credit code (GB 32100)


def _credit_code(value: object) -> str:
    if not isinstance(value, str):
        raise bilingual_error(
            "credit_code",
            "unified social credit code must be a string",
            "统一社会信用代码必须是字符串",
        )
    code = value.strip().upper()
    if len(code) != CREDIT_CODE_LENGTH:
        raise bilingual_error(
            "credit_code",
            "invalid unified social credit code: wrong length: expected 18 characters, got "
            f"{len(code)}",
            f"统一社会信用代码无效：应为18位，实际为{len(code)}位",
        )
    for pos, ch in enumerate(code, start=1):
        if ch not in ALPHABET:
            raise bilingual_error(
                "credit_code",
                f"invalid unified social credit code: bad character {ch!r} at position {pos}",
                f"统一社会信用代码无效：第{pos}位字符“{ch}”不允许（不使用I、O、S、V、Z）",
            )
    if not code[2:8].isdigit():
        raise bilingual_error(
            "credit_code",
            "invalid unified social credit code: region code (positions 3-8) must be 6 digits",
            "统一社会信用代码无效：第3-8位登记管理机关行政区划码应为6位数字",
        )
    expected = credit_code_check_char(code[:17])
    if code[17] != expected:
        raise bilingual_error(
            "credit_code",
            f"invalid unified social credit code: wrong check character: expected {expected}, "
            f"got {code[17]} (GB 32100-2015)",
            f"统一社会信用代码无效：校验码错误，应为{expected}，实际为{code[17]}（GB 32100-2015）",
        )
    return code


CreditCode = Annotated[str, MaxLen(64), BeforeValidator(_credit_code)]
"""A normalised, valid unified social credit code, with bilingual messages."""


# ------------------------------------------------------------------ industry code (GB/T 4754)

# GB/T 4754-2017: 20 sections (门类, a letter), each spanning a range of 2-digit divisions
# (大类); groups (中类) and classes (小类) add a third and fourth digit.
_SECTION_DIVISIONS: Final[dict[str, tuple[int, int]]] = {
    "A": (1, 5),
    "B": (6, 12),
    "C": (13, 43),
    "D": (44, 46),
    "E": (47, 50),
    "F": (51, 52),
    "G": (53, 60),
    "H": (61, 62),
    "I": (63, 65),
    "J": (66, 69),
    "K": (70, 70),
    "L": (71, 72),
    "M": (73, 75),
    "N": (76, 79),
    "O": (80, 82),
    "P": (83, 83),
    "Q": (84, 85),
    "R": (86, 90),
    "S": (91, 97),
    "T": (98, 98),
}
_INDUSTRY_RE: Final = re.compile(r"^([A-T])(\d{2,4})$")


def industry_code_problem(code: str) -> tuple[str, str] | None:
    """None if `code` is a GB/T 4754-2017 code written as section letter + 2 to 4 digits
    (e.g. `C3110`, `C31`), else the problem in English and Chinese."""
    match = _INDUSTRY_RE.match(code)
    if match is None:
        return (
            f"industry code {code!r} must be a GB/T 4754 section letter A-T followed by the "
            "2-, 3- or 4-digit division, group or class code, e.g. C3110",
            f"行业代码“{code}”格式不正确：应为GB/T 4754门类字母（A-T）加2至4位数字，例如C3110",
        )
    section, digits = match.groups()
    low, high = _SECTION_DIVISIONS[section]
    division = int(digits[:2])
    if not low <= division <= high:
        return (
            f"industry code {code!r}: division {digits[:2]} is not in section {section} "
            f"(divisions {low:02d}-{high:02d})",
            f"行业代码“{code}”不正确：大类{digits[:2]}不属于门类{section}（应为{low:02d}-{high:02d}）",
        )
    return None


def _industry_code(value: object) -> str:
    if not isinstance(value, str):
        raise bilingual_error(
            "industry_code", "industry code must be a string", "行业代码必须是字符串"
        )
    code = value.strip().upper()
    problem = industry_code_problem(code)
    if problem is not None:
        raise bilingual_error("industry_code", *problem)
    return code


IndustryCode = Annotated[str, MaxLen(64), BeforeValidator(_industry_code)]
"""National economic industry classification code (GB/T 4754-2017), e.g. `C3110`."""


def _phone(value: str) -> str:
    if not re.fullmatch(r"[0-9+()\- ]{7,20}", value):
        raise bilingual_error(
            "phone",
            "phone must be 7 to 20 digits (with + - ( ) or spaces), e.g. 010-68205369",
            "电话号码应为7至20位数字（可含+、-、括号和空格），例如010-68205369",
        )
    return value


Text = Annotated[ShortText, Field(min_length=1)]
"""One line of at most 500 characters (an address)."""
LongText = Annotated[FreeText, Field(min_length=1, max_length=2000)]


class _Body(BaseModel):
    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)


class Contact(_Body):
    """The person the authority and the ministry call about the application."""

    name: Annotated[Name, Field(min_length=1, max_length=100)]
    phone: Annotated[str, MaxLen(20), AfterValidator(_phone)]
    email: Annotated[Email, Field(pattern=r"^[^@\s]+@[^@\s]+\.[^@\s]+$", max_length=200)] | None = (
        None
    )


class ApplicationDataBase(_Body):
    """What every applicant states."""

    applicant_name: Annotated[Name, Field(min_length=2)]
    credit_code: CreditCode
    region: RegionCode
    address: Text
    contact: Contact
    industry_code: IndustryCode


COMMON_FIELDS: Final = frozenset({"category", "applicant_name", "credit_code", "region"})
"""Fields kept in their own columns; the rest of the body is the application's `details`."""


class EnergyUse(_Body):
    """Energy consumption per unit of one product or process, in the rule set's unit."""

    product: Annotated[Name, Field(min_length=1)]
    """The product or process as the rule set names it (English or Chinese name)."""
    value: float = Field(allow_inf_nan=False)
    unit: Annotated[Name, Field(min_length=1, max_length=50)]
    year: Annotated[int, Field(ge=2000, le=2100)] | None = None


class FactoryApplication(ApplicationDataBase):
    category: Literal[Category.GREEN_FACTORY]
    products: list[Annotated[Name, Field(min_length=1)]] = Field(
        min_length=1, max_length=100
    )
    high_energy_industry: Annotated[str, MaxLen(50)] | None = None
    """Code of one of the rule set's high-energy industries (e.g. `steel`), if it is in one."""
    energy_use: list[EnergyUse] = Field(default_factory=list, max_length=50)

    @model_validator(mode="after")
    def _energy_needed(self) -> FactoryApplication:
        if self.high_energy_industry and not self.energy_use:
            raise bilingual_error(
                "energy_use",
                "energy_use: a factory in a high-energy industry must state its energy "
                "consumption per unit of product",
                "energy_use：高耗能行业的工厂必须填报单位产品能耗",
            )
        return self


class DesignProductApplication(ApplicationDataBase):
    category: Literal[Category.GREEN_DESIGN_PRODUCT]
    product_name: Annotated[Name, Field(min_length=1)]
    product_model: Name = ""
    product_standard: Annotated[Name, Field(min_length=1, max_length=100)]
    """Number of the product's standard, which must be on the rule set's standards list."""


class ParkApplication(ApplicationDataBase):
    category: Literal[Category.GREEN_PARK]
    level: Literal["provincial", "national"]
    industrial_added_value_share: float = Field(ge=0.0, le=1.0, allow_inf_nan=False)
    """Industrial added value as a fraction of the park's total (0.62 for 62 %)."""
    boundary: LongText
    """The park's legal boundary and scope (approval document, area)."""
    management_body: LongText
    """The park's unified management body."""


class SupplyChainApplication(ApplicationDataBase):
    category: Literal[Category.GREEN_SUPPLY_CHAIN]
    sector: Annotated[Name, Field(min_length=1, max_length=50)]
    """Code of one of the rule set's supply chain sectors (e.g. `automotive`)."""


ApplicationData = Annotated[
    FactoryApplication | DesignProductApplication | ParkApplication | SupplyChainApplication,
    Field(discriminator="category"),
]


def details_of(data: BaseModel) -> dict[str, Any]:
    """The category-specific part of a body, as stored in the application's `details`."""
    return data.model_dump(mode="json", exclude=set(COMMON_FIELDS))
