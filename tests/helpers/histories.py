"""Recording workflow histories from real runs, for the replay test.

Run the suite with RECORD_HISTORIES=1 to (re)write `tests/workflows/histories/*.json` from the
runs the tests make; without it nothing is written. Re-record only for a new workflow type or
a deliberate break: a change to a running workflow must replay the old histories (patching).
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

HISTORIES = Path(__file__).resolve().parent.parent / "workflows" / "histories"


async def keep_history(handle: Any, name: str) -> None:
    """Save the history of a finished (or waiting) workflow as `{name}.json` when recording."""
    if os.environ.get("RECORD_HISTORIES") != "1":
        return
    history = await handle.fetch_history()
    HISTORIES.mkdir(parents=True, exist_ok=True)
    (HISTORIES / f"{name}.json").write_text(history.to_json())
