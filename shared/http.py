"""What every service's HTTP layer shares: principals, role checks, error bodies, health."""

from __future__ import annotations

import logging
from collections.abc import Callable, Sequence
from typing import Annotated, Any, Final

from fastapi import Depends, FastAPI, HTTPException, Request
from fastapi.encoders import jsonable_encoder
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer
from sqlalchemy.exc import DBAPIError, OperationalError
from sqlalchemy.exc import TimeoutError as PoolTimeoutError
from starlette.exceptions import HTTPException as StarletteHTTPException
from temporalio.client import WorkflowUpdateFailedError
from temporalio.exceptions import ApplicationError
from temporalio.service import RPCError, RPCStatusCode

from shared.auth import InvalidToken, verify
from shared.contracts.auth import Principal, Role
from shared.errors import ErrorBody, ErrorCode, refusal_body
from shared.rules.book import RuleBook

log = logging.getLogger(__name__)

_bearer = HTTPBearer(auto_error=False)


class ApiError(HTTPException):
    """A refusal at the HTTP edge: status from the code, body `{"detail": Refusal}`."""

    def __init__(self, code: ErrorCode, message: str, message_zh: str, *,
                 field: str | None = None, status: int | None = None,
                 headers: dict[str, str] | None = None, **extra: Any) -> None:
        super().__init__(status_code=status or code.status,
                         detail=refusal_body(code, message, message_zh, field, extra),
                         headers=headers)


def not_found(what: str, what_zh: str | None = None) -> ApiError:
    return ApiError(ErrorCode.NOT_FOUND, f"{what} not found", f"未找到：{what_zh or what}")


def unavailable(what: str = "the workflow service", what_zh: str = "流程服务",
                retry_after: int = 5) -> ApiError:
    return ApiError(ErrorCode.UNAVAILABLE, f"{what} is unavailable, try again shortly",
                    f"{what_zh}暂时不可用，请稍后重试", headers={"Retry-After": str(retry_after)})


# Answers any route may give, for the OpenAPI documents (schema-checking fuzzers read them).
ERROR_RESPONSES: dict[int | str, dict[str, Any]] = {
    status: {"model": ErrorBody, "description": description}
    for status, description in (
        (401, "no token, or a bad one"),
        (403, "the caller's role or scope may not do this"),
        (404, "not found, or not the caller's to see"),
        (409, "refused in the case's present state (stage, duplicate, quota, cap, deadline)"),
        (413, "the request is too large"),
        (415, "the upload's type is not accepted"),
        (422, "a field is invalid: `field` names it, `errors` lists every problem"),
        (503, "a dependency is unavailable: retry after `Retry-After` seconds"),
    )
}

# Chinese for the validation errors pydantic itself raises; our own validators put theirs in
# the error's context as `message_zh`.
_ZH_BY_TYPE: Final = {
    "missing": "缺少必填字段",
    "extra_forbidden": "不允许的字段",
    "string_too_short": "内容过短",
    "string_too_long": "内容过长",
    "string_pattern_mismatch": "格式不正确",
    "literal_error": "取值不在允许范围内",
    "enum": "取值不在允许范围内",
    "union_tag_invalid": "申报类别不正确",
    "union_tag_not_found": "缺少申报类别（category）",
    "greater_than_equal": "数值过小",
    "greater_than": "数值过小",
    "less_than_equal": "数值过大",
    "less_than": "数值过大",
    "too_short": "至少需要填写一项",
    "too_long": "内容过长或项目过多",
    "bool_parsing": "应为是或否（true/false）",
    "bool_type": "应为是或否（true/false）",
    "float_parsing": "应为数字",
    "float_type": "应为数字",
    "int_parsing": "应为整数",
    "int_type": "应为整数",
    "int_from_float": "应为整数",
    "string_type": "应为字符串",
    "list_type": "应为列表",
    "dict_type": "应为对象",
    "model_attributes_type": "应为对象",
    "model_type": "应为对象",
    "json_invalid": "JSON格式错误",
    "date_parsing": "日期格式不正确（YYYY-MM-DD）",
    "date_from_datetime_parsing": "日期格式不正确（YYYY-MM-DD）",
    "datetime_parsing": "时间格式不正确（ISO 8601）",
    "datetime_from_date_parsing": "时间格式不正确（ISO 8601）",
    "timezone_aware": "时间须带时区",
    "uuid_parsing": "编号格式不正确",
    "value_error": "取值不正确",
    "url_parsing": "网址格式不正确",
    "date_from_datetime_inexact": "日期格式不正确（YYYY-MM-DD）",
    "date_type": "日期格式不正确（YYYY-MM-DD）",
    "string_unicode": "文字编码不正确",
    "int_from_string": "应为整数",
    "finite_number": "应为有限的数字",
}


def _field(loc: Sequence[Any], body: Any) -> str:
    """`("body", "contact", "phone")` -> `contact.phone`; a query or path name as it is. Tags
    of discriminated unions (`green_factory` in `body.green_factory.credit_code`) are not
    fields: a segment is kept only where the request has it."""
    if not loc:
        return ""
    if loc[0] != "body":
        return ".".join(str(p) for p in loc[1:] or loc)
    parts: list[str] = []
    node = body
    for segment in loc[1:]:
        if isinstance(node, dict) and segment in node:
            node = node[segment]
        elif isinstance(node, list) and isinstance(segment, int) and segment < len(node):
            node = node[segment]
        elif isinstance(node, dict) and isinstance(segment, str) and segment not in node and (
            segment != loc[-1]
        ):
            continue  # a union's tag
        else:
            node = None
        parts.append(str(segment))
    return ".".join(parts)


def _encodable(value: Any) -> Any:
    """`value` with every lone surrogate written out (`\\ud800`): an error that echoes the
    input back must itself be UTF-8, or answering the refusal fails with a 500."""
    if isinstance(value, str):
        return value.encode("utf-8", "backslashreplace").decode("utf-8")
    if isinstance(value, dict):
        return {_encodable(k): _encodable(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_encodable(v) for v in value]
    return value


def validation_refusal(errors: Sequence[Any], body: Any = None) -> dict[str, Any]:
    """A request validation failure as a refusal: the first problem names the field, every
    problem is listed under `errors` with its own `message_zh`."""
    items: list[dict[str, Any]] = []
    for error in errors:
        item = _encodable(jsonable_encoder(dict(error)))
        ctx = item.get("ctx") or {}
        item["message_zh"] = ctx.get("message_zh") or _ZH_BY_TYPE.get(item["type"], "输入不正确")
        items.append(item)
    first = items[0] if items else {"loc": (), "msg": "invalid request", "message_zh": "请求不正确"}
    field = _field(first.get("loc", ()), body)
    return refusal_body(
        ErrorCode.INVALID, f"{field}: {first['msg']}" if field else str(first["msg"]),
        f"{field}：{first['message_zh']}" if field else str(first["message_zh"]),
        field or None, {"errors": jsonable_encoder(items)},
    )


def principal_from(request: Request, credentials: HTTPAuthorizationCredentials | None) -> Principal:
    if credentials is None:
        raise ApiError(ErrorCode.UNAUTHENTICATED, "a bearer token is required",
                       "需要登录令牌（Bearer）", headers={"WWW-Authenticate": "Bearer"})
    try:
        return verify(credentials.credentials, request.app.state.settings.token_secret)
    except InvalidToken as err:
        raise ApiError(ErrorCode.UNAUTHENTICATED, f"invalid token: {err}",
                       "登录令牌无效或已过期", headers={"WWW-Authenticate": "Bearer"}) from err


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
            raise ApiError(ErrorCode.FORBIDDEN, f"this needs one of the roles: {allowed}",
                           f"此操作需要以下角色之一：{allowed}")
        return principal

    return check


def refusal_response(err: ApplicationError) -> JSONResponse:
    """A workflow's or activity's refusal (built by `shared.errors.refusal`) as an answer."""
    try:
        code = ErrorCode(err.type or "")
    except ValueError:
        code = ErrorCode.WRONG_STAGE
    body: dict[str, Any] = {"code": code.value, "message": err.message}
    if err.details and isinstance(err.details[0], dict):
        body.update(err.details[0])
    body.setdefault("message_zh", "操作被拒绝：" + err.message)
    return JSONResponse(status_code=code.status, content={"detail": body})


def _unavailable_response(exc: ApiError) -> JSONResponse:
    return JSONResponse(status_code=exc.status_code, content={"detail": exc.detail},
                        headers=exc.headers)


# PostgreSQL SQLSTATEs that mean "no connection now": too many connections, cannot connect
# now (starting or shutting down), and the connection exceptions (class 08).
_UNAVAILABLE_SQLSTATES = ("53300", "57P03", "08")


def _database_unavailable(exc: DBAPIError) -> bool:
    if isinstance(exc, OperationalError):
        return True
    state = getattr(exc.orig, "sqlstate", None) or getattr(exc.orig, "pgcode", None)
    return isinstance(state, str) and state.startswith(_UNAVAILABLE_SQLSTATES)


def install_error_handlers(app: FastAPI) -> None:
    """Workflow refusals become 4xx with their reason; a missing workflow becomes 404; a
    Temporal that cannot be reached becomes a bilingual 503; request validation failures are
    refusals like any other (code, message, message_zh, field). A database that cannot serve
    the request in time (no pooled connection within `db_pool_timeout`, SQLite's write lock
    still busy after its timeout, the server away) is a bilingual 503 with Retry-After: the
    caller retries, as it would any 503."""

    @app.exception_handler(PoolTimeoutError)
    async def _pool_timeout(_: Request, exc: PoolTimeoutError) -> JSONResponse:
        log.warning("no database connection in time: %s", exc)
        return _unavailable_response(unavailable("the database", "数据库", retry_after=2))

    @app.exception_handler(DBAPIError)
    async def _database_busy(_: Request, exc: DBAPIError) -> JSONResponse:
        # "database is locked" (SQLite), a connection refused or lost, the server's
        # connection limit (PostgreSQL): all say "not now", none says the request was wrong.
        if not _database_unavailable(exc):
            raise exc
        log.warning("database unavailable: %s", exc.orig)
        return _unavailable_response(unavailable("the database", "数据库", retry_after=2))

    @app.exception_handler(RequestValidationError)
    async def _invalid(_: Request, exc: RequestValidationError) -> JSONResponse:
        body = validation_refusal(exc.errors(), exc.body)
        return JSONResponse(status_code=422, content={"detail": body})

    @app.exception_handler(StarletteHTTPException)
    async def _plain(_: Request, exc: StarletteHTTPException) -> JSONResponse:
        # Our refusals carry their body; the router's own (no such path: a path parameter
        # holding `/`, say; a method not allowed) get one too.
        if isinstance(exc.detail, dict):
            detail: dict[str, Any] = exc.detail
        elif exc.status_code == 405:
            detail = refusal_body(ErrorCode.NOT_FOUND, "method not allowed on this path",
                                  "此路径不支持该请求方法", None, {})
        elif exc.status_code == 404:
            detail = refusal_body(ErrorCode.NOT_FOUND, "no such path", "没有这个地址", None, {})
        else:
            code = next((c for c in ErrorCode if c.status == exc.status_code), ErrorCode.INVALID)
            detail = refusal_body(code, str(exc.detail), "请求不正确", None, {})
        return JSONResponse(status_code=exc.status_code, content={"detail": detail},
                            headers=exc.headers)

    @app.exception_handler(WorkflowUpdateFailedError)
    async def _update_failed(_: Request, exc: WorkflowUpdateFailedError) -> JSONResponse:
        cause: BaseException | None = exc.cause
        while cause is not None and not isinstance(cause, ApplicationError):
            cause = cause.__cause__
        if isinstance(cause, ApplicationError):
            return refusal_response(cause)
        log.error("update failed without a business reason: %r", exc.cause)
        return _unavailable_response(unavailable())

    @app.exception_handler(RPCError)
    async def _rpc(_: Request, exc: RPCError) -> JSONResponse:
        if exc.status == RPCStatusCode.NOT_FOUND:
            return _unavailable_response(not_found("case (" + exc.message + ")", "案件"))
        log.error("Temporal call failed: %s", exc)
        return _unavailable_response(unavailable())


# ----------------------------------------------------------------------------- app factory


def _runtime(request: Request) -> Any:
    return request.app.state.runtime


def create_service_app(
    *, title: str, description: str, settings: Any, parts: Any, routers: list[Any]
) -> FastAPI:
    """A service's FastAPI app: its routers, `/healthz`, `/readyz` and the error mapping."""
    from shared.runtime import lifespan_for  # the runtime imports this module's helpers

    app = FastAPI(
        title=title, description=description, version="0.1.0", lifespan=lifespan_for(parts),
        responses=ERROR_RESPONSES,
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
