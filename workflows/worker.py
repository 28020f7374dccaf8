"""Composition root of the workflows worker: every workflow type on `greenlist-workflows`."""

from __future__ import annotations

import asyncio
import logging

from temporalio.client import Client
from temporalio.worker import Worker

from shared.config import Settings
from shared.temporal import TaskQueues, connect
from workflows.agency_ban.workflow import AgencyBanWorkflow
from workflows.application.workflow import ApplicationWorkflow
from workflows.batch.workflow import BatchWorkflow
from workflows.listing.workflow import ListingWorkflow
from workflows.rereview.workflow import ReReviewWorkflow

WORKFLOWS = [
    ApplicationWorkflow, BatchWorkflow, AgencyBanWorkflow, ListingWorkflow, ReReviewWorkflow
]


def build_worker(client: Client, queues: TaskQueues) -> Worker:
    return Worker(client, task_queue=queues.workflows, workflows=WORKFLOWS)


async def main(settings: Settings | None = None) -> None:
    settings = settings or Settings()
    client = await connect(settings.effective_temporal_address, settings.temporal_namespace)
    worker = build_worker(client, TaskQueues(settings.task_queue_prefix))
    logging.getLogger(__name__).info("workflows worker polling %s", worker.task_queue)
    await worker.run()


if __name__ == "__main__":
    logging.basicConfig(
        level=logging.INFO, format="%(asctime)s workflows %(levelname)s %(message)s"
    )
    try:
        asyncio.run(main())
    except KeyboardInterrupt:
        pass
