"""What every service's HTTP layer shares: principals, role checks, error bodies, health."""

from __future__ import annotations

import logging
from collections.abc import Callable
from typing import Annotated, Any

from fastapi import Depends, FastAPI, HTTPException, Request
from fastapi.responses import JSONResponse
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer
from temporalio.client import WorkflowUpdateFailedError
from temporalio.exceptions import ApplicationError
from temporalio.service import RPCError, RPCStatusCode

from shared.auth import InvalidToken, verify
from shared.contracts.auth import Principal, Role
from shared.rules.book import RuleBook
from shared.temporal import HTTP_STATUS_OF_ERROR, Errors

log = logging.getLogger(__name__)

_bearer = HTTPBearer(auto_error=False)


class ApiError(HTTPException):
    """A refusal with a machine-readable body: `{"detail": {"code", "message", "field"?}}`."""

    def __init__(self, status: int, code: str, message: str, **extra: Any) -> None:
        super().__init__(status_code=status, detail={"code": code, "message": message, **extra})


def not_found(what: str) -> ApiError:
    return ApiError(404, Errors.NOT_FOUND, f"{what} not found", message_zh=f"未找到：{what}")


def principal_from(request: Request, credentials: HTTPAuthorizationCredentials | None) -> Principal:
    if credentials is None:
        raise ApiError(401, "Unauthenticated", "a bearer token is required",
                       message_zh="需要登录令牌（Bearer）")
    try:
        return verify(credentials.credentials, request.app.state.settings.token_secret)
    except InvalidToken as err:
        raise ApiError(401, "Unauthenticated", f"invalid token: {err}",
                       message_zh="登录令牌无效或已过期") from err


async def current_principal(
    request: Request,
    credentials: Annotated[HTTPAuthorizationCredentials | None, Depends(_bearer)],
) -> Principal:
    return principal_from(request, credentials)


def require(*roles: Role) -> Callable[..., Any]:
    """A dependency that admits only the given roles (401 without a token, 403 otherwise)."""

    async def check(principal: Annotated[Principal, Depends(current_principal)]) -> Principal:
        if principal.role not in roles:
            allowed = ", ".join(r.value for r in roles)
            raise ApiError(403, Errors.FORBIDDEN, f"this needs one of the roles: {allowed}",
                           message_zh=f"此操作需要以下角色之一：{allowed}")
        return principal

    return check


def refusal_response(err: ApplicationError) -> JSONResponse:
    status = HTTP_STATUS_OF_ERROR.get(err.type or "", 409)
    body: dict[str, Any] = {"code": err.type or "Refused", "message": err.message}
    if err.details and isinstance(err.details[0], dict):
        body.update(err.details[0])
    return JSONResponse(status_code=status, content={"detail": body})


def install_error_handlers(app: FastAPI) -> None:
    """Workflow refusals become 4xx with their reason; a missing workflow becomes 404."""

    @app.exception_handler(WorkflowUpdateFailedError)
    async def _update_failed(_: Request, exc: WorkflowUpdateFailedError) -> JSONResponse:
        cause: BaseException | None = exc.cause
        while cause is not None and not isinstance(cause, ApplicationError):
            cause = cause.__cause__
        if isinstance(cause, ApplicationError):
            return refusal_response(cause)
        log.error("update failed without a business reason: %r", exc.cause)
        return JSONResponse(
            status_code=409, content={"detail": {"code": "Refused", "message": str(exc.cause)}}
        )

    @app.exception_handler(RPCError)
    async def _rpc(_: Request, exc: RPCError) -> JSONResponse:
        if exc.status == RPCStatusCode.NOT_FOUND:
            return JSONResponse(
                status_code=404,
                content={
                    "detail": {"code": Errors.NOT_FOUND, "message": "no such case: " + exc.message}
                },
            )
        log.error("Temporal call failed: %s", exc)
        return JSONResponse(
            status_code=503,
            content={
                "detail": {"code": "Unavailable", "message": "the workflow service is unavailable"}
            },
        )


# ----------------------------------------------------------------------------- app factory


def _runtime(request: Request) -> Any:
    return request.app.state.runtime


def create_service_app(
    *, title: str, description: str, settings: Any, parts: Any, routers: list[Any]
) -> FastAPI:
    """A service's FastAPI app: its routers, `/healthz`, `/readyz` and the error mapping."""
    from shared.runtime import lifespan_for  # the runtime imports this module's helpers

    app = FastAPI(
        title=title, description=description, version="0.1.0", lifespan=lifespan_for(parts)
    )
    app.state.settings = settings
    # One rule book per process: routes (RuleBookDep) and activities (runtime.rules) share it.
    app.state.rule_book = RuleBook(settings.rule_set_dirs)
    install_error_handlers(app)
    for router in routers:
        app.include_router(router)

    @app.get("/healthz", tags=["health"], summary="the process is alive")
    async def healthz() -> dict[str, str]:
        return {"status": "ok", "service": parts.name}

    @app.get("/readyz", tags=["health"], summary="database, broker and Temporal are reachable")
    async def readyz(request: Request) -> JSONResponse:
        checks = await _runtime(request).readiness()
        ready = all(v == "ok" for v in checks.values())
        return JSONResponse(
            status_code=200 if ready else 503,
            content={"status": "ready" if ready else "not ready", "checks": checks},
        )

    return app
