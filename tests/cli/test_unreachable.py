"""Commands that need a service say in one line which one is not reachable."""

from __future__ import annotations

import socket

import pytest
from typer.testing import CliRunner

from cli.main import app


def _closed_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@pytest.mark.parametrize("args", [["batch", "list"], ["batch", "rule-sets"],
                                  ["batch", "create", "2099-1", "--rule-set", "demo"]])
def test_batch_commands_name_the_service_that_is_down(args: list[str], monkeypatch: pytest.MonkeyPatch) -> None:
    port = _closed_port()
    monkeypatch.setenv("INTAKE_PORT", str(port))
    result = CliRunner().invoke(app, args)
    assert result.exit_code == 2
    lines = result.output.strip().splitlines()
    assert lines == [f"the intake service is not reachable at http://127.0.0.1:{port} (ConnectError): "
                     "start the platform with `make run` (or `greenlist up`)"]


def test_simulate_and_migrate_name_the_dependency_that_is_down(monkeypatch: pytest.MonkeyPatch) -> None:
    port = _closed_port()
    monkeypatch.setenv("AMQP_URL", f"amqp://guest:guest@127.0.0.1:{port}/")
    result = CliRunner().invoke(app, ["simulate", "--scale", "0.001"])
    assert result.exit_code == 2
    assert result.output.strip().splitlines() == [
        f"RabbitMQ is not reachable at amqp://guest:guest@127.0.0.1:{port}/: start it with "
        "`rabbitmq-server -detached` or set AMQP_URL"]

    monkeypatch.setenv("DATABASE_URL", f"postgresql+asyncpg://postgres@127.0.0.1:{port}/test")
    monkeypatch.setenv("TOKEN_SECRET", "a-test-secret-that-is-not-the-development-one")
    result = CliRunner().invoke(app, ["migrate"])
    assert result.exit_code == 2
    assert len(result.output.strip().splitlines()) == 1
    assert result.output.startswith(f"PostgreSQL is not reachable at 127.0.0.1:{port}")
