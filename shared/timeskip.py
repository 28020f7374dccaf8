"""The time-skipping Temporal test server, started at a chosen moment.

The test server starts at the machine's clock and only moves forward; a batch of 2020 must be
run from 2020. libfaketime (its wheel ships the preloadable library) sets the server
process's clock, and the server skips time from there. Used by `greenlist simulate` and the
tests; nothing in production runs on it.
"""

from __future__ import annotations

import os
import sys
from datetime import UTC, datetime
from pathlib import Path

from temporalio.api.enums.v1 import IndexedValueType
from temporalio.api.operatorservice.v1 import AddSearchAttributesRequest
from temporalio.contrib.pydantic import pydantic_data_converter
from temporalio.testing import WorkflowEnvironment

from shared.temporal import SearchAttributes


def _faketime_library() -> str:
    import libfaketime

    vendor = Path(libfaketime.__file__).parent / "vendor"
    return str(vendor / "libfaketime" / "src" / "libfaketime.so.1")


async def start_time_skipping(at: datetime | None = None) -> WorkflowEnvironment:
    """A time-skipping server (at `at`, or now) with our search attributes registered."""
    binary = str(Path(sys.executable).parent / "temporal-test-server")
    saved = dict(os.environ)
    if at is not None:
        # The server process inherits the environment at spawn: set it for that moment only.
        os.environ.update(
            {
                "LD_PRELOAD": _faketime_library(),
                "FAKETIME": "@" + at.astimezone(UTC).strftime("%Y-%m-%d %H:%M:%S"),
                "TZ": "UTC",
            }
        )
    try:
        env = await WorkflowEnvironment.start_time_skipping(
            test_server_existing_path=binary, data_converter=pydantic_data_converter
        )
    finally:
        os.environ.clear()
        os.environ.update(saved)
    # The test server knows no custom search attributes until told, and a workflow that
    # upserts an unknown one fails its tasks forever.
    await env.client.operator_service.add_search_attributes(
        AddSearchAttributesRequest(
            namespace=env.client.namespace,
            search_attributes={
                key.name: IndexedValueType.Value(
                    f"INDEXED_VALUE_TYPE_{key.indexed_value_type.name}"
                )
                for key in SearchAttributes.ALL
            },
        )
    )
    return env
