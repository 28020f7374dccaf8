"""Composition root of the intake process: routes, activities, consumers, runtime."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, Final

from fastapi import FastAPI, Request
from fastapi.encoders import jsonable_encoder
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from jinja2 import Environment, PackageLoader, StrictUndefined, select_autoescape

from services.intake.activities import IntakeActivities
from services.intake.consumers import CONSUMERS
from services.intake.models import Base
from services.intake.routes import router
from shared.config import Settings
from shared.http import create_service_app
from shared.labels import install_label_filters
from shared.runtime import ServiceParts, ServiceRuntime
from shared.storage import LocalStorage


def _activities(runtime: ServiceRuntime) -> list[Callable[..., Any]]:
    return IntakeActivities(
        runtime.sessions, runtime.events_committed, runtime.rules
    ).methods()


PARTS = ServiceParts(
    name="intake", metadata=Base.metadata, activities=_activities, consumers=CONSUMERS
)

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
    "less_than_equal": "数值过大",
    "too_short": "至少需要填写一项",
    "too_long": "项目过多",
    "bool_parsing": "应为是或否（true/false）",
    "float_parsing": "应为数字",
    "int_parsing": "应为整数",
    "string_type": "应为字符串",
    "model_attributes_type": "应为对象",
    "json_invalid": "JSON格式错误",
}


def templates() -> Environment:
    """The one Jinja2 environment of the process: HTML escaped, undefined names are errors."""
    env = Environment(
        loader=PackageLoader("services.intake", "templates"),
        autoescape=select_autoescape(["html", "j2"]),
        undefined=StrictUndefined,
    )
    install_label_filters(env)
    return env


def _bilingual_validation(app: FastAPI) -> None:
    @app.exception_handler(RequestValidationError)
    async def _invalid(_: Request, exc: RequestValidationError) -> JSONResponse:
        errors: list[dict[str, Any]] = []
        for error in exc.errors():
            item = dict(error)
            ctx = item.get("ctx") or {}
            item["message_zh"] = ctx.get("message_zh") or _ZH_BY_TYPE.get(item["type"], item["msg"])
            errors.append(item)
        return JSONResponse(status_code=422, content={"detail": jsonable_encoder(errors)})


def create_app(settings: Settings | None = None) -> FastAPI:
    settings = settings or Settings()
    app = create_service_app(
        title="greenlist intake",
        description="Applications by enterprises and parks, and recommendations by the 37 "
        "recommending authorities.",
        settings=settings,
        parts=PARTS,
        routers=[router],
    )
    _bilingual_validation(app)
    app.state.storage = LocalStorage(settings.var_dir / "attachments")
    app.state.templates = templates()
    return app
