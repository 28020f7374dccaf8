"""Settings refuse the development token secret whenever the platform is configured for
production; development (nothing configured) still runs without a secret."""

from __future__ import annotations

import pytest
from pydantic import ValidationError
from typer.testing import CliRunner

from cli.main import app
from shared.config import DEV_SECRET, Settings

PRODUCTION_SIGNS = ("DATABASE_URL", "TEMPORAL_ADDRESS", "ENVIRONMENT", "TOKEN_SECRET")


@pytest.fixture(autouse=True)
def clean_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    for name in PRODUCTION_SIGNS:
        monkeypatch.delenv(name, raising=False)


def test_development_runs_with_the_development_secret() -> None:
    settings = Settings()
    assert settings.token_secret == DEV_SECRET
    assert not settings.production


@pytest.mark.parametrize(("variable", "value", "reason"), [
    ("DATABASE_URL", "postgresql://postgres@127.0.0.1:5432/greenlist", "DATABASE_URL is set"),
    ("TEMPORAL_ADDRESS", "temporal.example:7233", "TEMPORAL_ADDRESS is set"),
    ("ENVIRONMENT", "production", "ENVIRONMENT=production"),
])
def test_production_refuses_the_development_secret(
    monkeypatch: pytest.MonkeyPatch, variable: str, value: str, reason: str
) -> None:
    monkeypatch.setenv(variable, value)
    with pytest.raises(ValidationError, match="TOKEN_SECRET is the development secret") as err:
        Settings()
    assert reason in str(err.value)

    monkeypatch.setenv("TOKEN_SECRET", "a-real-secret-from-the-vault")
    assert Settings().production


def test_an_explicit_development_secret_is_refused_too() -> None:
    with pytest.raises(ValidationError, match="TOKEN_SECRET"):
        Settings(database_url="postgresql://x/y", token_secret=DEV_SECRET)


def test_greenlist_up_with_a_database_needs_a_secret(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("DATABASE_URL", "postgresql://postgres@127.0.0.1:1/none")
    result = CliRunner().invoke(app, ["up"])
    assert result.exit_code == 2
    assert "TOKEN_SECRET is the development secret" in result.output
    assert "Traceback" not in result.output
