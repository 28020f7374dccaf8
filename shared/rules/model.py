"""Pydantic models of a batch's rule set (one YAML file per batch under ``sets/``).

Everything that changes from batch to batch (categories open, quotas, caps, ban years,
review cycle, deadlines, scoring tables, energy advanced values, ...) lives in the data,
so a new batch needs only a new YAML file. All models are frozen and reject unknown
keys, so a typo in a rule file fails loudly instead of silently taking a default.
Sequences are tuples so that a loaded rule set is deeply immutable, apart from the
mapping fields, which callers must treat as read-only.
"""

from __future__ import annotations

import math
from datetime import datetime
from enum import StrEnum
from typing import Annotated, Literal, Self
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from pydantic import (
    AwareDatetime,
    BaseModel,
    ConfigDict,
    Field,
    field_validator,
    model_validator,
)

from shared.regions import RegionCode

__all__ = [
    "AgencyRules",
    "Category",
    "DesignProductStandard",
    "EnergyProduct",
    "FactoryArea",
    "FactoryItem",
    "FactoryScoring",
    "HighEnergyIndustry",
    "Major",
    "ParkIndicator",
    "ParkIndicatorGroup",
    "ParkRules",
    "ParkScoring",
    "Quota",
    "ReminderOffset",
    "Requirement",
    "RuleSet",
    "ScoreGroup",
    "ScoreItem",
    "Scoring",
    "SpotCheckRules",
    "SupplyChainScoring",
    "SupplyChainSector",
]

# Points are written with at most one or two decimals (2.5); compare sums with a
# tolerance so that float addition never rejects a correct table.
_POINTS_TOLERANCE = 1e-6

Share = Annotated[float, Field(ge=0.0, le=1.0)]
NonEmptyStr = Annotated[str, Field(min_length=1)]
Code = Annotated[str, Field(min_length=1, pattern=r"^[a-z0-9][a-z0-9_.-]*$")]


class Category(StrEnum):
    """The four Green Manufacturing List categories."""

    GREEN_FACTORY = "green_factory"
    GREEN_DESIGN_PRODUCT = "green_design_product"
    GREEN_PARK = "green_park"
    GREEN_SUPPLY_CHAIN = "green_supply_chain"


class _Frozen(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


def _require_unique(codes: list[str], what: str) -> None:
    seen: set[str] = set()
    for code in codes:
        if code in seen:
            raise ValueError(f"duplicate {what} code {code!r}")
        seen.add(code)


class ReminderOffset(_Frozen):
    """Send a reminder ``amount`` units before a deadline.

    ``working_days`` count Chinese working days (public holidays skipped, adjusted
    weekend working days counted); resolving them is the scheduler's job.
    """

    amount: Annotated[int, Field(gt=0)]
    unit: Literal["calendar_days", "working_days"]


class Quota(_Frozen):
    """Maximum recommendations of one category per authority per batch."""

    per_authority: Annotated[int, Field(ge=0)]
    overrides: dict[RegionCode, Annotated[int, Field(ge=0)]] = Field(default_factory=dict)
    """Authority-specific limits replacing ``per_authority`` (none in 2020)."""

    def for_authority(self, code: str) -> int:
        """Return the limit that applies to the authority ``code``."""
        return self.overrides.get(code, self.per_authority)


class Major(_Frozen):
    """A professional field counted towards the agency's senior-staff share."""

    code: Code
    name_zh: NonEmptyStr
    name_en: NonEmptyStr


class AgencyRules(_Frozen):
    """Conditions on, and limits for, third-party evaluation agencies."""

    max_projects_per_group: Annotated[int, Field(gt=0)]
    """Cap per legal person including its related enterprises and institutions."""
    counted_categories: tuple[Category, ...]
    """Categories whose evaluation projects count towards the cap."""
    ban_years: Annotated[int, Field(ge=0)]
    """Years an agency's reports are refused after serious bad behaviour."""
    min_full_time_staff: Annotated[int, Field(gt=0)]
    min_staff_title: Literal["junior", "intermediate", "senior"]
    """Lowest professional title that counts towards ``min_full_time_staff``."""
    min_senior_share: Share
    """Inclusive lower bound of the senior-title share among those staff."""
    record_years: Annotated[int, Field(gt=0)]
    """Look-back window for the agency's relevant track record."""
    related_majors: tuple[Major, ...] = Field(min_length=1)

    @model_validator(mode="after")
    def _check(self) -> Self:
        if len(set(self.counted_categories)) != len(self.counted_categories):
            raise ValueError("counted_categories has duplicates")
        _require_unique([m.code for m in self.related_majors], "related major")
        return self


class EnergyProduct(_Frozen):
    """Advanced value of an energy-consumption quota standard for one product/process.

    Lower is better: an applicant qualifies when its energy use per unit of product
    is <= ``advanced_value`` (values may be negative, e.g. converter steelmaking with
    energy recovery). ``confirmed`` is true only when the value was checked against a
    cited source; unconfirmed values must not be used to reject an applicant without
    human review.
    """

    product_zh: NonEmptyStr
    product_en: NonEmptyStr
    unit: NonEmptyStr
    advanced_value: float
    confirmed: bool
    source: NonEmptyStr
    standard: str | None = None
    """Part-specific standard number when it differs from the industry's one."""

    @field_validator("advanced_value")
    @classmethod
    def _finite(cls, value: float) -> float:
        if not math.isfinite(value):
            raise ValueError("advanced_value must be a finite number")
        return value


class HighEnergyIndustry(_Frozen):
    """A high-energy-consumption industry and its national quota standard."""

    code: Code
    name_zh: NonEmptyStr
    name_en: NonEmptyStr
    quota_standard: NonEmptyStr
    products: tuple[EnergyProduct, ...] = Field(min_length=1)


class DesignProductStandard(_Frozen):
    """A product standard on the ministry's List of Green Design Product Standards."""

    code: NonEmptyStr
    title_zh: NonEmptyStr
    title_en: NonEmptyStr
    confirmed: bool
    source: str = ""


class SupplyChainSector(_Frozen):
    """A sector whose core enterprises may apply as green supply chain enterprises."""

    code: Code
    name_zh: NonEmptyStr
    name_en: NonEmptyStr


class ParkRules(_Frozen):
    """Eligibility of industrial parks."""

    allowed_levels: tuple[Literal["provincial", "national"], ...] = Field(min_length=1)
    min_industrial_added_value_share: Share
    """Exclusive bound: the park's share must be strictly greater than this."""
    requires_legal_boundary: bool = True
    requires_unified_management_body: bool = True


class Requirement(_Frozen):
    """A pass/fail requirement; failing any one vetoes the application."""

    code: Code
    text_zh: NonEmptyStr
    text_en: NonEmptyStr


class FactoryItem(_Frozen):
    """Second-level item of the green factory evaluation.

    ``mandatory``: the item has requirements that must all be met. ``optional_points``:
    the most extra points the item's optional requirements can earn (0 if none).
    """

    code: Code
    name_zh: NonEmptyStr
    name_en: NonEmptyStr
    mandatory: bool
    optional_points: Annotated[float, Field(ge=0)] = 0.0

    @model_validator(mode="after")
    def _check(self) -> Self:
        if not self.mandatory and self.optional_points == 0:
            raise ValueError(f"item {self.code!r} is neither mandatory nor worth points")
        return self


class FactoryArea(_Frozen):
    """First-level area of the green factory evaluation."""

    code: Code
    name_zh: NonEmptyStr
    name_en: NonEmptyStr
    items: tuple[FactoryItem, ...] = Field(min_length=1)

    @property
    def optional_points(self) -> float:
        """Total extra points available in this area."""
        return sum(item.optional_points for item in self.items)


class FactoryScoring(_Frozen):
    """Green factory evaluation structure (GB/T 36132 in 2020)."""

    standard: NonEmptyStr
    basic_requirements: tuple[Requirement, ...] = Field(min_length=1)
    areas: tuple[FactoryArea, ...] = Field(min_length=1)

    @model_validator(mode="after")
    def _check(self) -> Self:
        _require_unique([r.code for r in self.basic_requirements], "basic requirement")
        _require_unique([a.code for a in self.areas], "factory area")
        _require_unique([i.code for a in self.areas for i in a.items], "factory item")
        return self


class ScoreItem(_Frozen):
    """A scored line of a points table."""

    code: Code
    name_zh: NonEmptyStr
    name_en: NonEmptyStr
    points: Annotated[float, Field(gt=0)]


class ScoreGroup(_Frozen):
    """A group of a points table; its points equal the sum of its items' points.

    A group without items is scored as a whole.
    """

    code: Code
    name_zh: NonEmptyStr
    name_en: NonEmptyStr
    points: Annotated[float, Field(gt=0)]
    items: tuple[ScoreItem, ...] = ()

    @model_validator(mode="after")
    def _check(self) -> Self:
        if self.items:
            total = sum(item.points for item in self.items)
            if abs(total - self.points) > _POINTS_TOLERANCE:
                raise ValueError(
                    f"group {self.code!r} is worth {self.points:g} points but its items "
                    f"add up to {total:g}"
                )
        return self


class SupplyChainScoring(_Frozen):
    """The generic 100-point green supply chain evaluation table."""

    total_points: Literal[100] = 100
    groups: tuple[ScoreGroup, ...] = Field(min_length=1)

    @model_validator(mode="after")
    def _check(self) -> Self:
        _require_unique([g.code for g in self.groups], "supply chain group")
        _require_unique([i.code for g in self.groups for i in g.items], "supply chain item")
        total = sum(group.points for group in self.groups)
        if abs(total - self.total_points) > _POINTS_TOLERANCE:
            raise ValueError(
                f"supply chain groups add up to {total:g} points, expected {self.total_points}"
            )
        return self


class ParkIndicator(_Frozen):
    """A park indicator compared with its leading value."""

    code: Code
    name_zh: NonEmptyStr
    name_en: NonEmptyStr
    unit: NonEmptyStr
    better: Literal["higher", "lower"]


class ParkIndicatorGroup(_Frozen):
    """A group of park indicators (energy, resources, ...)."""

    code: Code
    name_zh: NonEmptyStr
    name_en: NonEmptyStr
    indicators: tuple[ParkIndicator, ...] = Field(min_length=1)


class ParkScoring(_Frozen):
    """Green park evaluation structure."""

    basic_requirements: tuple[Requirement, ...] = Field(min_length=1)
    groups: tuple[ParkIndicatorGroup, ...] = Field(min_length=1)
    years_reported: Annotated[int, Field(gt=0)]
    """Number of most recent years whose scores the report must show."""

    @model_validator(mode="after")
    def _check(self) -> Self:
        _require_unique([r.code for r in self.basic_requirements], "park basic requirement")
        _require_unique([g.code for g in self.groups], "park indicator group")
        _require_unique([i.code for g in self.groups for i in g.indicators], "park indicator")
        return self


class Scoring(_Frozen):
    """Evaluation structures per category; a category not open may omit its table."""

    factory: FactoryScoring | None = None
    supply_chain: SupplyChainScoring | None = None
    park: ParkScoring | None = None


class SpotCheckRules(_Frozen):
    """Sampling for the ministry's spot checks: ``max(min, ceil(share * population))``."""

    agency_sample_share: Share
    agency_min_sample: Annotated[int, Field(ge=0)] = 1
    listed_unit_sample_share: Share
    listed_unit_min_sample: Annotated[int, Field(ge=0)] = 1

    def agency_sample_size(self, population: int) -> int:
        """Number of agencies to check out of ``population`` (never more than exist)."""
        return _sample_size(population, self.agency_sample_share, self.agency_min_sample)

    def listed_unit_sample_size(self, population: int) -> int:
        """Number of listed units to check out of ``population``."""
        return _sample_size(population, self.listed_unit_sample_share, self.listed_unit_min_sample)


def _sample_size(population: int, share: float, minimum: int) -> int:
    if population < 0:
        raise ValueError("population must be >= 0")
    return min(population, max(minimum, math.ceil(share * population)))


class RuleSet(_Frozen):
    """All rules of one batch of the Green Manufacturing List.

    Invariants checked on load: the deadline is timezone-aware and ``timezone`` is a
    known IANA zone; quotas, third-party-report flags and pass marks name only open
    categories, and every open category says whether it needs a third-party report;
    codes within each list are unique; the supply chain table totals 100 with each
    group equal to the sum of its items.
    """

    code: Annotated[str, Field(pattern=r"^[0-9A-Za-z][0-9A-Za-z._-]*$")]
    title_zh: NonEmptyStr
    title_en: NonEmptyStr
    notice: NonEmptyStr
    """Document number and date of the notice the rule set implements."""
    categories: tuple[Category, ...] = Field(min_length=1)
    """Categories open for application in this batch."""
    timezone: NonEmptyStr
    submission_deadline: AwareDatetime
    """Materials must reach the ministry strictly before this instant."""
    reminder_offsets: tuple[ReminderOffset, ...] = ()
    publicity_days: Annotated[int, Field(ge=0)]
    """Days the proposed list is public (公示); 0 = no publicity period in the platform."""
    quotas: dict[Category, Quota] = Field(default_factory=dict)
    """Per-authority limits; a category absent here has no quota."""
    agency: AgencyRules
    review_cycle_years: Annotated[int, Field(gt=0)]
    exclusion_window_years: Annotated[int, Field(gt=0)]
    requires_third_party_report: dict[Category, bool]
    high_energy_industries: tuple[HighEnergyIndustry, ...] = ()
    design_product_standards: tuple[DesignProductStandard, ...] = ()
    supply_chain_sectors: tuple[SupplyChainSector, ...] = ()
    park: ParkRules | None = None
    scoring: Scoring = Field(default_factory=Scoring)
    pass_marks: dict[Category, Annotated[float, Field(ge=0, le=100)]] = Field(default_factory=dict)
    """Minimum total score per category; configuration, not published by the ministry."""
    spot_check: SpotCheckRules

    @field_validator("timezone")
    @classmethod
    def _known_zone(cls, value: str) -> str:
        try:
            ZoneInfo(value)
        except (ZoneInfoNotFoundError, ValueError):
            raise ValueError(f"unknown IANA time zone {value!r}") from None
        return value

    @model_validator(mode="after")
    def _check(self) -> Self:
        open_ = set(self.categories)
        if len(open_) != len(self.categories):
            raise ValueError("categories has duplicates")
        # AwareDatetime already rejects naive values; kept explicit because every
        # deadline computation downstream relies on it.
        if self.submission_deadline.utcoffset() is None:
            raise ValueError("submission_deadline must carry a UTC offset")
        for field, keys in (
            ("quotas", self.quotas),
            ("requires_third_party_report", self.requires_third_party_report),
            ("pass_marks", self.pass_marks),
        ):
            closed = sorted(str(c) for c in set(keys) - open_)
            if closed:
                raise ValueError(f"{field} names categories not open in this batch: {closed}")
        missing = sorted(str(c) for c in open_ - set(self.requires_third_party_report))
        if missing:
            raise ValueError(f"requires_third_party_report is missing categories: {missing}")
        if Category.GREEN_PARK in open_ and self.park is None:
            raise ValueError("park rules are required when green_park is open")
        _require_unique([i.code for i in self.high_energy_industries], "high energy industry")
        _require_unique([s.code for s in self.design_product_standards], "design standard")
        _require_unique([s.code for s in self.supply_chain_sectors], "supply chain sector")
        return self

    @property
    def zone(self) -> ZoneInfo:
        """The rule set's time zone (validated on load)."""
        return ZoneInfo(self.timezone)

    @property
    def submission_deadline_local(self) -> datetime:
        """The deadline expressed in the rule set's time zone."""
        return self.submission_deadline.astimezone(self.zone)

    def is_open(self, category: Category) -> bool:
        """Whether ``category`` accepts applications in this batch."""
        return category in self.categories

    def quota(self, category: Category, authority_code: str) -> int | None:
        """Limit of recommendations for ``category`` by ``authority_code``; None = no quota."""
        quota = self.quotas.get(category)
        return None if quota is None else quota.for_authority(authority_code)

    def high_energy_industry(self, code: str) -> HighEnergyIndustry:
        """Return the high-energy industry with this code; KeyError if unknown."""
        for industry in self.high_energy_industries:
            if industry.code == code:
                return industry
        raise KeyError(f"unknown high energy industry {code!r} in rule set {self.code}")
