"""Helpers every workflow uses: activity options and turning activity failures into update
errors."""

from __future__ import annotations

from datetime import timedelta

from temporalio import workflow
from temporalio.common import RetryPolicy
from temporalio.exceptions import ActivityError, ApplicationError

with workflow.unsafe.imports_passed_through():
    from shared.temporal import Errors

BUSINESS_ERRORS = [
    Errors.WRONG_STAGE,
    Errors.DUPLICATE,
    Errors.FORBIDDEN,
    Errors.NOT_FOUND,
    Errors.INVALID,
    Errors.QUOTA_EXCEEDED,
    Errors.CAP_EXCEEDED,
    Errors.INELIGIBLE,
    Errors.DEADLINE_PASSED,
    Errors.UNQUALIFIED,
    Errors.BANNED,
    Errors.NOT_INDEPENDENT,
]

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


def refusal(error_type: str, message: str, **details: object) -> ApplicationError:
    return ApplicationError(message, details or {}, type=error_type, non_retryable=True)


def unwrap(err: ActivityError) -> BaseException:
    """The business refusal inside an activity failure, re-raised as the update's own error."""
    cause = err.cause
    if isinstance(cause, ApplicationError) and cause.type in BUSINESS_ERRORS:
        return ApplicationError(cause.message, *cause.details, type=cause.type, non_retryable=True)
    return err
