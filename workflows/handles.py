"""Typed handles of each workflow by its business key, and starting one unless it runs.

Routes and activities reach a case's workflow through these instead of composing ids and
`get_workflow_handle_for` calls of their own."""

from __future__ import annotations

import asyncio
import random
from collections.abc import Awaitable, Callable
from typing import Any, TypeVar

from temporalio.client import Client, WorkflowHandle
from temporalio.common import WorkflowIDReusePolicy
from temporalio.exceptions import WorkflowAlreadyStartedError
from temporalio.service import RPCError, RPCStatusCode

from shared.contracts.agency import BanView
from shared.contracts.application import CaseView
from shared.contracts.batch import BatchView
from shared.contracts.listing import ListingView, ReReviewView
from shared.temporal import (
    agency_ban_workflow_id,
    application_workflow_id,
    batch_workflow_id,
    listing_workflow_id,
)
from workflows.agency_ban.workflow import AgencyBanWorkflow
from workflows.application.workflow import ApplicationWorkflow
from workflows.batch.workflow import BatchWorkflow
from workflows.listing.workflow import ListingWorkflow
from workflows.rereview.workflow import ReReviewWorkflow

W = TypeVar("W")

# The server admits at most 10 updates in flight per workflow execution (a dynamic config,
# `frontend.MaxInFlightUpdates`, 10 by default); 37 authorities submitting their packages in
# the same second exceed it. Such a refusal means "not yet": the update is asked again after a
# short wait instead of answering 503 to an authority at 23:59 on deadline day.
IN_FLIGHT_RETRY_SECONDS = 60.0
R = TypeVar("R")


def application(
    client: Client, application_id: str
) -> WorkflowHandle[ApplicationWorkflow, CaseView]:
    return client.get_workflow_handle_for(
        ApplicationWorkflow.run, application_workflow_id(application_id)
    )


def batch(client: Client, code: str) -> WorkflowHandle[BatchWorkflow, BatchView]:
    return client.get_workflow_handle_for(BatchWorkflow.run, batch_workflow_id(code))


def listing(client: Client, application_id: str) -> WorkflowHandle[ListingWorkflow, ListingView]:
    return client.get_workflow_handle_for(
        ListingWorkflow.run, listing_workflow_id(application_id)
    )


def rereview(client: Client, workflow_id: str) -> WorkflowHandle[ReReviewWorkflow, ReReviewView]:
    return client.get_workflow_handle_for(ReReviewWorkflow.run, workflow_id)


def agency_ban(
    client: Client, agency_id: str, finding_id: str
) -> WorkflowHandle[AgencyBanWorkflow, BanView]:
    return client.get_workflow_handle_for(
        AgencyBanWorkflow.run, agency_ban_workflow_id(agency_id, finding_id)
    )


async def execute_update_when_admitted(
    handle: WorkflowHandle[Any, Any], update: Any, arg: Any
) -> Any:
    """`handle.execute_update(update, arg)`, asked again (with a growing, jittered wait)
    while the server refuses it only for having too many updates of this workflow in flight."""
    deadline = asyncio.get_running_loop().time() + IN_FLIGHT_RETRY_SECONDS
    wait = 0.05
    while True:
        try:
            return await handle.execute_update(update, arg)
        except RPCError as err:
            in_flight = (err.status == RPCStatusCode.RESOURCE_EXHAUSTED
                         and "in-flight updates" in err.message)
            if not in_flight or asyncio.get_running_loop().time() + wait > deadline:
                raise
        await asyncio.sleep(wait * (0.5 + random.random()))
        wait = min(wait * 2, 2.0)


async def start_unless_running(
    client: Client,
    run: Callable[[W, Any], Awaitable[R]],
    arg: Any,
    *,
    id: str,
    task_queue: str,
    **options: Any,
) -> WorkflowHandle[W, R]:
    """Start the workflow `id` unless an execution of it runs already; either way, its
    handle. Business keys make this idempotent: a retried request finds the first start."""
    try:
        return await client.start_workflow(
            run, arg, id=id, task_queue=task_queue,
            id_reuse_policy=options.pop("id_reuse_policy", WorkflowIDReusePolicy.REJECT_DUPLICATE),
            **options,
        )
    except WorkflowAlreadyStartedError:
        return client.get_workflow_handle_for(run, id)
