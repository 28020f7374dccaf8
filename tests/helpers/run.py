"""The test run's servers and settings: real PostgreSQL and RabbitMQ (overridable with
TEST_DATABASE_URL, TEST_AMQP_URL), every run isolated by its prefixes (`cli.isolated`)."""

from __future__ import annotations

import os
from pathlib import Path

from cli.isolated import drop_run, isolated_settings, new_run_id
from shared.config import Settings

__all__ = ["TEST_AMQP_URL", "TEST_DATABASE_URL", "drop_run", "make_settings", "new_run_id",
           "write_test_rule_sets"]

TEST_DATABASE_URL = os.environ.get(
    "TEST_DATABASE_URL", "postgresql+asyncpg://postgres@127.0.0.1:5432/test"
)
TEST_AMQP_URL = os.environ.get("TEST_AMQP_URL", "amqp://guest:guest@127.0.0.1:5672/")

# Rule sets only tests use, derived from the bundled 2020-5 one: `test-open` has its deadline
# far in the future, so packages can be submitted on time (the real 2020 deadline has passed).
TEST_RULE_SETS = {
    "test-open": {"submission_deadline": "2099-06-01T00:00:00+08:00"},
}


def write_test_rule_sets(folder: Path) -> Path:
    import yaml

    from shared.rules import load_rule_set

    folder.mkdir(parents=True, exist_ok=True)
    base = load_rule_set("2020-5").model_dump(mode="json")
    for code, changes in TEST_RULE_SETS.items():
        (folder / f"{code}.yaml").write_text(
            yaml.safe_dump({**base, "code": code, **changes}, allow_unicode=True), encoding="utf-8"
        )
    return folder


def make_settings(run_id: str, temporal_address: str, tmp: Path, **overrides: object) -> Settings:
    """An isolated run's settings on the test servers, with the test rule sets."""
    values: dict[str, object] = dict(rule_set_dirs=[write_test_rule_sets(tmp / "rule_sets")])
    values.update(overrides)
    return isolated_settings(run_id, temporal_address=temporal_address, var_dir=tmp,
                             database_url=TEST_DATABASE_URL, amqp_url=TEST_AMQP_URL, **values)
