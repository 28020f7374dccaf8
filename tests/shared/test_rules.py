"""Tests for shared.rules (rule sets as data)."""

import copy
from datetime import datetime, timedelta, timezone
from importlib import resources
from pathlib import Path
from typing import Any

import pytest
import yaml
from pydantic import ValidationError

from shared.rules import (
    Category,
    RuleSet,
    RuleSetError,
    available_rule_sets,
    load_rule_set,
    load_rule_set_file,
)


def _data_2020() -> dict[str, Any]:
    text = (
        resources.files("shared.rules")
        .joinpath("sets")
        .joinpath("2020-5.yaml")
        .read_text(encoding="utf-8")
    )
    data = yaml.safe_load(text)
    assert isinstance(data, dict)
    return data


def _write(tmp_path: Path, data: dict[str, Any], name: str = "rules.yaml") -> Path:
    path = tmp_path / name
    path.write_text(yaml.safe_dump(data, allow_unicode=True, sort_keys=False), encoding="utf-8")
    return path


def test_2020_is_available() -> None:
    assert "2020-5" in available_rule_sets()


def test_2020_numbers_from_the_notice() -> None:
    rs = load_rule_set("2020-5")
    assert rs.code == "2020-5"
    assert set(rs.categories) == set(Category)
    assert rs.timezone == "Asia/Shanghai"
    assert rs.submission_deadline == datetime(2020, 6, 1, tzinfo=timezone(timedelta(hours=8)))
    assert rs.submission_deadline_local.isoformat() == "2020-06-01T00:00:00+08:00"
    assert [(o.amount, o.unit) for o in rs.reminder_offsets] == [
        (30, "calendar_days"),
        (7, "calendar_days"),
        (1, "working_days"),
    ]
    assert rs.publicity_days == 7
    assert rs.quota(Category.GREEN_FACTORY, "110000") == 30
    assert rs.quota(Category.GREEN_PARK, "660000") == 3
    assert rs.quota(Category.GREEN_DESIGN_PRODUCT, "110000") is None
    assert rs.quota(Category.GREEN_SUPPLY_CHAIN, "440300") is None
    assert rs.review_cycle_years == 3
    assert rs.exclusion_window_years == 3


def test_2020_agency_rules() -> None:
    agency = load_rule_set("2020-5").agency
    assert agency.max_projects_per_group == 15
    assert set(agency.counted_categories) == {
        Category.GREEN_FACTORY,
        Category.GREEN_PARK,
        Category.GREEN_SUPPLY_CHAIN,
    }
    assert agency.ban_years == 3
    assert agency.min_full_time_staff == 10
    assert agency.min_staff_title == "intermediate"
    assert agency.min_senior_share == 0.5
    assert agency.record_years == 5
    majors = {m.code for m in agency.related_majors}
    assert {"energy", "environment", "ecology", "system_evaluation"} <= majors


def test_2020_reports_and_park() -> None:
    rs = load_rule_set("2020-5")
    assert rs.requires_third_party_report == {
        Category.GREEN_FACTORY: True,
        Category.GREEN_DESIGN_PRODUCT: False,
        Category.GREEN_PARK: True,
        Category.GREEN_SUPPLY_CHAIN: True,
    }
    assert rs.park is not None
    assert set(rs.park.allowed_levels) == {"provincial", "national"}
    assert rs.park.min_industrial_added_value_share == 0.5


def test_2020_high_energy_industries() -> None:
    rs = load_rule_set("2020-5")
    assert len(rs.high_energy_industries) == 13
    standards = {i.code: i.quota_standard for i in rs.high_energy_industries}
    assert standards["steel"].startswith("GB 21256")
    assert standards["cement"].startswith("GB 16780")
    assert standards["plate_glass"].startswith("GB 21340")
    assert standards["electrolytic_aluminium"].startswith("GB 21346")
    assert standards["copper_smelting"].startswith("GB 21248")
    assert standards["ethylene"].startswith("GB 30250")
    assert standards["crude_oil_processing"].startswith("GB 30251")
    assert standards["synthetic_ammonia"].startswith("GB 21344")
    assert standards["methanol"].startswith("GB 29436")
    assert standards["calcium_carbide"].startswith("GB 21343")
    assert standards["caustic_soda"].startswith("GB 21257")
    assert standards["coking"].startswith("GB 21342")
    assert standards["ferroalloy"].startswith("GB 21341")
    for industry in rs.high_energy_industries:
        for product in industry.products:
            assert product.source
    aluminium = rs.high_energy_industry("electrolytic_aluminium")
    assert all(p.confirmed for p in aluminium.products)
    with pytest.raises(KeyError):
        rs.high_energy_industry("paper")


def test_2020_design_standards_and_sectors() -> None:
    rs = load_rule_set("2020-5")
    assert len(rs.design_product_standards) >= 10
    assert "GB/T 32161-2015" not in {s.code for s in rs.design_product_standards}
    assert len(rs.supply_chain_sectors) == 13
    assert {"automotive", "e_commerce", "express_packaging"} <= {
        s.code for s in rs.supply_chain_sectors
    }


def test_2020_scoring_tables() -> None:
    rs = load_rule_set("2020-5")
    sc = rs.scoring.supply_chain
    assert sc is not None
    groups = {g.code: g for g in sc.groups}
    assert {code: g.points for code, g in groups.items()} == {
        "strategy": 20,
        "supplier_management": 20,
        "green_production": 20,
        "recycling": 20,
        "information_platform": 10,
        "disclosure": 10,
    }
    assert [i.points for i in groups["strategy"].items] == [8, 6, 6]
    assert [i.points for i in groups["supplier_management"].items] == [4, 3, 3, 3, 3, 4]
    assert [i.points for i in groups["green_production"].items] == [10, 10]
    assert [i.points for i in groups["recycling"].items] == [5, 5, 5, 5]
    assert [i.points for i in groups["disclosure"].items] == [2.5] * 4
    factory = rs.scoring.factory
    assert factory is not None
    assert factory.standard == "GB/T 36132-2018"
    assert [a.code for a in factory.areas] == [
        "infrastructure",
        "management_system",
        "energy_resource_input",
        "products",
        "environmental_emissions",
        "performance",
    ]
    park = rs.scoring.park
    assert park is not None
    assert {g.code for g in park.groups} == {
        "energy",
        "resources",
        "infrastructure",
        "industry",
        "ecological_environment",
        "operation_management",
    }
    assert set(rs.pass_marks) <= set(rs.categories)


def test_2020_spot_check() -> None:
    spot = load_rule_set("2020-5").spot_check
    assert spot.agency_sample_size(0) == 0
    assert spot.agency_sample_size(3) == 1
    assert spot.agency_sample_size(25) == 3
    assert spot.listed_unit_sample_size(719) == 36


def test_rule_set_is_frozen() -> None:
    rs = load_rule_set("2020-5")
    with pytest.raises(ValidationError):
        rs.publicity_days = 5  # type: ignore[misc]


def test_broken_copy_names_file_and_field(tmp_path: Path) -> None:
    data = _data_2020()
    data["agency"]["max_projects_per_group"] = "many"
    path = _write(tmp_path, data)
    with pytest.raises(RuleSetError) as info:
        load_rule_set_file(path)
    message = str(info.value)
    assert str(path) in message
    assert "agency.max_projects_per_group" in message


def test_unknown_key_is_rejected(tmp_path: Path) -> None:
    data = _data_2020()
    data["agency"]["max_project_per_group"] = 15
    with pytest.raises(RuleSetError, match="agency.max_project_per_group"):
        load_rule_set_file(_write(tmp_path, data))


def test_supply_chain_group_must_equal_its_items(tmp_path: Path) -> None:
    data = _data_2020()
    data["scoring"]["supply_chain"]["groups"][0]["items"][0]["points"] = 7
    with pytest.raises(RuleSetError, match=r"scoring\.supply_chain\.groups\.0.*add up to 19"):
        load_rule_set_file(_write(tmp_path, data))


def test_supply_chain_total_must_be_100(tmp_path: Path) -> None:
    data = _data_2020()
    data["scoring"]["supply_chain"]["groups"][4]["points"] = 15
    with pytest.raises(RuleSetError, match="105"):
        load_rule_set_file(_write(tmp_path, data))


def test_quota_only_for_open_categories(tmp_path: Path) -> None:
    data = _data_2020()
    data["categories"] = ["green_factory", "green_design_product", "green_supply_chain"]
    del data["requires_third_party_report"]["green_park"]
    del data["pass_marks"]["green_park"]
    with pytest.raises(RuleSetError, match="quotas names categories not open"):
        load_rule_set_file(_write(tmp_path, data))


def test_deadline_must_be_aware(tmp_path: Path) -> None:
    data = _data_2020()
    data["submission_deadline"] = "2020-06-01T00:00:00"
    with pytest.raises(RuleSetError, match="submission_deadline"):
        load_rule_set_file(_write(tmp_path, data))


def test_unknown_timezone(tmp_path: Path) -> None:
    data = _data_2020()
    data["timezone"] = "Asia/Peking"
    with pytest.raises(RuleSetError, match="timezone"):
        load_rule_set_file(_write(tmp_path, data))


def test_not_yaml_and_missing_file(tmp_path: Path) -> None:
    bad = tmp_path / "bad.yaml"
    bad.write_text("code: [unclosed\n", encoding="utf-8")
    with pytest.raises(RuleSetError, match="not valid YAML"):
        load_rule_set_file(bad)
    with pytest.raises(RuleSetError, match="cannot read"):
        load_rule_set_file(tmp_path / "missing.yaml")


def test_unknown_bundled_code() -> None:
    with pytest.raises(RuleSetError, match="2099-1"):
        load_rule_set("2099-1")
    with pytest.raises(RuleSetError):
        load_rule_set("../rules/sets/2020-5")


def test_second_year_loads_without_code(tmp_path: Path) -> None:
    # A later batch shaped like 2023: no design products, larger factory quota for one
    # authority, yearly review; only data changes.
    data = copy.deepcopy(_data_2020())
    data["code"] = "2023-8"
    data["title_en"] = "Eighth batch"
    data["categories"] = ["green_factory", "green_park", "green_supply_chain"]
    del data["requires_third_party_report"]["green_design_product"]
    data["design_product_standards"] = []
    data["submission_deadline"] = "2023-07-15T00:00:00+08:00"
    data["quotas"]["green_factory"] = {"per_authority": 40, "overrides": {"440000": 60}}
    data["review_cycle_years"] = 1
    path = _write(tmp_path, data, "2023-8.yaml")
    rs = load_rule_set_file(path)
    assert isinstance(rs, RuleSet)
    assert rs.code == "2023-8"
    assert not rs.is_open(Category.GREEN_DESIGN_PRODUCT)
    assert rs.quota(Category.GREEN_FACTORY, "440000") == 60
    assert rs.quota(Category.GREEN_FACTORY, "110000") == 40
    assert rs.submission_deadline_local.year == 2023


def test_quota_override_rejects_unknown_region(tmp_path: Path) -> None:
    data = _data_2020()
    data["quotas"]["green_factory"] = {"per_authority": 30, "overrides": {"440100": 5}}
    with pytest.raises(RuleSetError, match="quotas.green_factory.overrides"):
        load_rule_set_file(_write(tmp_path, data))
