"""Every route of every service, asked something it must refuse, answers with the one refusal
body: `detail.code` (an `ErrorCode`), `detail.message` and a non-empty `detail.message_zh`.

The routes are read from each running app, so a new route is walked without touching this
test. Each route is asked, as far as it allows: without a token (where one is needed), with
a token of a role it does not admit, and with a bad body, path or query (by a role it admits).
The requests are built to be refused (no body, unknown ids, values of the wrong type), so the
walk changes nothing the other tests see.
"""

from __future__ import annotations

import inspect
import typing
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from typing import Any

import httpx
from fastapi.dependencies.models import Dependant
from fastapi.routing import APIRoute, iter_route_contexts

from cli.inprocess import Platform
from shared.config import SERVICES
from shared.contracts.auth import Role
from shared.errors import ErrorCode
from shared.http import current_principal

NO_SUCH = "zz-no-such-0"
UNPARSABLE = "not-a-valid-value"
CODES = {code.value for code in ErrorCode}


@dataclass
class Walked:
    route: str
    attempt: str
    status: int
    body: Any


@dataclass
class Walk:
    refused: list[Walked] = field(default_factory=list)
    wrong: list[Walked] = field(default_factory=list)
    unrefusable: list[str] = field(default_factory=list)


def _calls(dependant: Dependant) -> Iterator[Callable[..., Any]]:
    for dep in dependant.dependencies:
        if dep.call is not None:
            yield dep.call
        yield from _calls(dep)


def _admitted_roles(route: APIRoute) -> tuple[set[Role] | None, bool]:
    """The roles a route admits (None: any principal) and whether it needs a token at all."""
    roles: set[Role] | None = None
    needs_token = False
    for call in _calls(route.dependant):
        if call is current_principal:
            needs_token = True
        if getattr(call, "__qualname__", "").startswith("require.<locals>"):
            found = inspect.getclosurevars(call).nonlocals.get("roles")
            if found:
                roles = set(found) if roles is None else roles & set(found)
    return roles, needs_token


def _scope(role: Role, platform: Platform) -> str:
    return {Role.APPLICANT: platform.credit_code(), Role.PROVINCE: "110000",
            Role.AGENCY: NO_SUCH}.get(role, "*")


def _bad_query(route: APIRoute) -> dict[str, str]:
    """Query values of the wrong type for every parameter no string satisfies (a number, a
    flag, a choice): a request that cannot be carried out."""
    bad: dict[str, str] = {}
    for param in route.dependant.query_params:
        annotation = param.field_info.annotation
        accepted = typing.get_args(annotation) or (annotation,)
        if str not in accepted and Any not in accepted and annotation is not None:
            bad[param.alias] = UNPARSABLE
    return bad


def conforms(body: Any) -> bool:
    if not isinstance(body, dict) or not isinstance(body.get("detail"), dict):
        return False
    detail = body["detail"]
    return (
        detail.get("code") in CODES
        and isinstance(detail.get("message"), str) and bool(detail["message"])
        and isinstance(detail.get("message_zh"), str) and bool(detail["message_zh"].strip())
    )


async def _ask(client: httpx.AsyncClient, method: str, path: str, route: APIRoute, walk: Walk,
               attempt: str, *, headers: dict[str, str] | None = None,
               query: dict[str, str] | None = None, body: bool = False) -> None:
    template = path
    for param in route.dependant.path_params:
        path = path.replace("{" + param.alias + "}", NO_SUCH).replace(
            "{" + param.alias + ":path}", NO_SUCH)
    kwargs: dict[str, Any] = {"headers": headers or {}, "params": query or {}}
    if body:
        kwargs["json"] = [UNPARSABLE]  # a list where every body is an object (or a form)
    response = await client.request(method, path, **kwargs)
    if response.status_code < 400:
        return
    try:
        payload: Any = response.json()
    except ValueError:
        payload = response.text[:200]
    seen = Walked(f"{method} {template}", attempt, response.status_code, payload)
    (walk.refused if conforms(payload) else walk.wrong).append(seen)


async def walk_service(platform: Platform, service: str, walk: Walk) -> None:
    app = platform.apps[service]  # type: ignore[index]
    client = platform.clients[service]  # type: ignore[index]
    # Included routers are kept as branches; their routes are read with the full path.
    for context in iter_route_contexts(app.routes):
        route, path = context.original_route, context.path
        if not isinstance(route, APIRoute) or path is None:
            continue
        roles, needs_token = _admitted_roles(route)
        admitted = sorted(Role if roles is None else roles)
        has_body = route.dependant.body_params != []
        bad_query = _bad_query(route)
        for method in sorted(route.methods - {"HEAD", "OPTIONS"}):
            before = len(walk.refused) + len(walk.wrong)
            if needs_token:
                await _ask(client, method, path, route, walk, "no token")
            if roles is not None:
                for role in Role:
                    if role not in roles:
                        await _ask(client, method, path, route, walk, f"as {role.value}",
                                   headers=platform.auth(role.value, _scope(role, platform)),
                                   body=has_body)
                        break
            # Every admitted role: handlers branch on the role (an agency sees less, say).
            if has_body or route.dependant.path_params or bad_query:
                for role in admitted if needs_token else [None]:
                    headers = platform.auth(role.value, _scope(role, platform)) if role else {}
                    await _ask(client, method, path, route, walk,
                               f"bad request as {role.value if role else 'anyone'}",
                               headers=headers, query=bad_query, body=has_body)
            # A plain read by every admitted role reaches the handler's own checks (a bad
            # query would stop it at validation); reading changes nothing.
            if method == "GET" and needs_token:
                for role in admitted:
                    await _ask(client, method, path, route, walk, f"read as {role.value}",
                               headers=platform.auth(role.value, _scope(role, platform)))
            if len(walk.refused) + len(walk.wrong) == before:
                walk.unrefusable.append(f"{service}: {method} {path}")


async def test_every_refusal_of_every_route_has_code_message_and_message_zh(
    platform: Platform,
) -> None:
    walk = Walk()
    for service in SERVICES:
        await walk_service(platform, service, walk)

    # Public lists, health and the like have nothing to refuse; everything else was refused.
    assert len(walk.refused) + len(walk.wrong) > 100, walk.unrefusable
    lines = [
        f"{w.route} ({w.attempt}): {w.status} {str(w.body)[:160]}" for w in walk.wrong
    ]
    assert not walk.wrong, (
        f"{len(walk.wrong)} refusals without code/message/message_zh:\n" + "\n".join(lines)
    )
