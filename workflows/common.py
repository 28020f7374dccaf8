"""Helpers every workflow uses: activity options and turning activity failures into update
errors."""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable, Sequence
from datetime import timedelta
from typing import Any, TypeVar

from temporalio import workflow
from temporalio.common import RetryPolicy
from temporalio.exceptions import ActivityError, ApplicationError

with workflow.unsafe.imports_passed_through():
    from pydantic import BaseModel

    from shared.contracts.auth import Principal, Role
    from shared.errors import BUSINESS_ERRORS
    from shared.rules.model import Category
    from shared.temporal import TaskQueues

T = TypeVar("T")
# Signals to many workflows go out in slices: a few hundred in flight keeps the server's
# mutable-state cache from filling up (ResourceExhausted, measured in PATTERNS.md).
FAN_OUT = 200


# Infrastructure failures (a service restarting, the database away) are retried until the
# owning service is back, which is what keeps a case recoverable after any crash; business
# refusals are final and go back to the person who asked.
ACTIVITY_RETRY = RetryPolicy(
    initial_interval=timedelta(milliseconds=200),
    backoff_coefficient=2.0,
    maximum_interval=timedelta(seconds=30),
    non_retryable_error_types=BUSINESS_ERRORS,
)
ACTIVITY_TIMEOUT = timedelta(seconds=60)

# Who acts, as the Chinese refusals name them.
ROLE_ZH = {
    Role.APPLICANT: "申报单位",
    Role.PROVINCE: "推荐单位",
    Role.AGENCY: "评价机构",
    Role.MINISTRY: "工业和信息化部",
    Role.OPS: "运维人员",
}


def who_zh(actor: Principal) -> str:
    """`推荐单位（110000）`; the ministry and ops act for all (scope `*`) and need no scope."""
    return ROLE_ZH[actor.role] + ("" if actor.scope == "*" else f"（{actor.scope}）")


CATEGORY_ZH = {
    Category.GREEN_FACTORY: "绿色工厂",
    Category.GREEN_DESIGN_PRODUCT: "绿色设计产品",
    Category.GREEN_PARK: "绿色工业园区",
    Category.GREEN_SUPPLY_CHAIN: "绿色供应链管理企业",
}


def unwrap(err: ActivityError) -> BaseException:
    """The business refusal inside an activity failure, re-raised as the update's own error."""
    cause = err.cause
    if isinstance(cause, ApplicationError) and cause.type in BUSINESS_ERRORS:
        return ApplicationError(cause.message, *cause.details, type=cause.type, non_retryable=True)
    return err


def own_queues() -> TaskQueues:
    """The task queues of this run's deployment: the workflow's own queue carries the prefix."""
    return TaskQueues(workflow.info().task_queue.removesuffix("greenlist-workflows"))


async def call_activity(
    name: str, arg: object, queue: str, result_type: type[BaseModel] | None = None
) -> Any:
    """Run an activity of a service with the shared options; a business refusal inside it
    becomes this workflow's (or update's) own error."""
    try:
        return await workflow.execute_activity(
            name, arg, task_queue=queue, result_type=result_type,
            start_to_close_timeout=ACTIVITY_TIMEOUT, retry_policy=ACTIVITY_RETRY,
        )
    except ActivityError as err:
        raise unwrap(err) from None


async def in_slices(items: Sequence[T], send: Callable[[T], Awaitable[object]]) -> None:
    """`send` for every item, FAN_OUT at a time."""
    for i in range(0, len(items), FAN_OUT):
        await asyncio.gather(*(send(item) for item in items[i : i + FAN_OUT]))
