"""The one error vocabulary: every refusal of every service and workflow is built here.

A refusal is a code from `ErrorCode`, an English `message`, a Chinese `message_zh` (the pages
show it to officials as it is) and, when one field is at fault, its name. The same code is an
HTTP status at the edge (`ErrorCode.status`) and an `ApplicationError.type` inside Temporal, so
a refusal raised by a workflow validator or an activity reaches the caller unchanged.

Pure: imported by workflows (through the sandbox) as well as by services.
"""

from __future__ import annotations

from enum import StrEnum
from typing import Any

from pydantic import BaseModel, ConfigDict, Field
from temporalio.exceptions import ApplicationError


class ErrorCode(StrEnum):
    """Machine-readable refusal codes (the `code` of every 4xx/503 body)."""

    INVALID = "Invalid"  # a field is wrong (422)
    UNAUTHENTICATED = "Unauthenticated"  # no or a bad token (401)
    FORBIDDEN = "Forbidden"  # the wrong role or actor (403)
    BANNED = "Banned"  # the agency is sanctioned: its reports are refused until the ban ends
    NOT_FOUND = "NotFound"  # absent, or not the caller's to see (existence must not leak)
    WRONG_STAGE = "WrongStage"  # the case is not at the step this needs
    DUPLICATE = "Duplicate"  # done already
    QUOTA_EXCEEDED = "QuotaExceeded"
    CAP_EXCEEDED = "CapExceeded"
    INELIGIBLE = "Ineligible"
    DEADLINE_PASSED = "DeadlinePassed"
    UNQUALIFIED = "Unqualified"  # the agency does not meet the rule set's conditions
    NOT_INDEPENDENT = "NotIndependent"  # prepared the self-evaluation, or related to the applicant
    TOO_LARGE = "TooLarge"
    UNSUPPORTED_MEDIA_TYPE = "UnsupportedMediaType"
    UNAVAILABLE = "Unavailable"  # Temporal or another dependency is away: try again (503)

    @property
    def status(self) -> int:
        return _STATUS[self]


_STATUS: dict[ErrorCode, int] = {
    ErrorCode.INVALID: 422,
    ErrorCode.UNAUTHENTICATED: 401,
    ErrorCode.FORBIDDEN: 403,
    ErrorCode.BANNED: 403,
    ErrorCode.NOT_FOUND: 404,
    ErrorCode.WRONG_STAGE: 409,
    ErrorCode.DUPLICATE: 409,
    ErrorCode.QUOTA_EXCEEDED: 409,
    ErrorCode.CAP_EXCEEDED: 409,
    ErrorCode.INELIGIBLE: 409,
    ErrorCode.DEADLINE_PASSED: 409,
    ErrorCode.UNQUALIFIED: 409,
    ErrorCode.NOT_INDEPENDENT: 409,
    ErrorCode.TOO_LARGE: 413,
    ErrorCode.UNSUPPORTED_MEDIA_TYPE: 415,
    ErrorCode.UNAVAILABLE: 503,
}

# Refusals a workflow or activity raises on purpose: final, never retried.
BUSINESS_ERRORS: list[str] = [
    code.value for code in ErrorCode if code not in (ErrorCode.UNAVAILABLE,)
]


class Refusal(BaseModel):
    """The body of every refusal, under `detail` (FastAPI's convention)."""

    model_config = ConfigDict(extra="allow")

    code: ErrorCode
    message: str
    message_zh: str = Field(min_length=1)
    field: str | None = Field(default=None, description="the request field at fault, if one")


class ErrorBody(BaseModel):
    """`{"detail": {...}}` as every service answers a refusal."""

    detail: Refusal


def refusal_body(code: ErrorCode, message: str, message_zh: str, field: str | None,
          extra: dict[str, Any]) -> dict[str, Any]:
    body: dict[str, Any] = {"code": code.value, "message": message, "message_zh": message_zh}
    if field is not None:
        body["field"] = field
    body.update(extra)
    return body


def refusal(code: ErrorCode, message: str, message_zh: str, *, field: str | None = None,
            **details: Any) -> ApplicationError:
    """The same refusal raised inside Temporal (a validator, an update, an activity): final,
    carried to the HTTP caller with its Chinese message and field."""
    return ApplicationError(
        message, refusal_body(code, message, message_zh, field, details),
        type=code.value, non_retryable=True,
    )




class Refused(Exception):
    """A refusal found below the edge (a repository, a rule check), before it is known whether
    an HTTP route or an activity asked: a route turns it into `ApiError(**refused.fields())`,
    an activity into `refusal(...)` (`shared.activities` does that for every activity)."""

    def __init__(self, code: ErrorCode, message: str, message_zh: str, *,
                 field: str | None = None, **details: Any) -> None:
        super().__init__(message)
        self.code = ErrorCode(code)
        self.message = message
        self.message_zh = message_zh
        self.field = field
        self.details = details

    def fields(self) -> dict[str, Any]:
        return {"code": self.code, "message": self.message, "message_zh": self.message_zh,
                "field": self.field, **self.details}

    def as_application_error(self) -> ApplicationError:
        return refusal(self.code, self.message, self.message_zh, field=self.field,
                       **self.details)
