"""The baseline: a workflow with the lifecycle's shape and no business code."""

from __future__ import annotations

from datetime import timedelta

from temporalio import activity, workflow


@activity.defn(name="bare.step")
async def bare_step(step: str) -> str:
    return step


@workflow.defn(name="BareLifecycle")
class BareLifecycle:
    @workflow.init
    def __init__(self, queue: str) -> None:
        self.queue = queue
        self.stage = 0
        self.published = False

    @workflow.run
    async def run(self, queue: str) -> int:
        await workflow.wait_condition(lambda: self.published)
        for step in ("published", "listed"):
            await self._act(step)
        await workflow.wait_condition(workflow.all_handlers_finished)
        return self.stage

    async def _act(self, step: str) -> None:
        await workflow.execute_activity(
            bare_step, step, task_queue=self.queue, start_to_close_timeout=timedelta(seconds=30)
        )
        self.stage += 1

    @workflow.update
    async def step(self, name: str) -> int:
        await self._act(name)
        return self.stage

    @workflow.signal
    def publish(self) -> None:
        self.published = True
