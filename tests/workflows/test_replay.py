"""Recorded histories of every workflow type replay against the current code.

A change that would break running workflows (a new activity call, a reordered timer without
`workflow.patched`) fails here, in CI, before it reaches a worker with years-old cases.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from temporalio.client import WorkflowHistory
from temporalio.contrib.pydantic import pydantic_data_converter
from temporalio.worker import Replayer

from tests.helpers.histories import HISTORIES
from workflows.worker import WORKFLOWS

FILES = sorted(HISTORIES.glob("*.json"))


def workflow_type(path: Path) -> str:
    events = json.loads(path.read_text())["events"]
    return str(events[0]["workflowExecutionStartedEventAttributes"]["workflowType"]["name"])


def test_every_workflow_type_has_a_recorded_history() -> None:
    recorded = {workflow_type(f) for f in FILES}
    registered = {w.__temporal_workflow_definition.name for w in WORKFLOWS}  # type: ignore[attr-defined]
    assert registered <= recorded, f"no recorded history for {sorted(registered - recorded)}"


@pytest.mark.parametrize("path", FILES, ids=[f.stem for f in FILES])
async def test_history_replays(path: Path) -> None:
    history = WorkflowHistory.from_json(path.stem, path.read_text())
    await Replayer(workflows=WORKFLOWS, data_converter=pydantic_data_converter).replay_workflow(history)
