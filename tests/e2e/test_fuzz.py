"""Hostile input on every route of every service answers a refusal, never a 5xx.

Two checks, both built from each service's OpenAPI document (so a new route or field is
covered without touching this file):

* statically, every integer, string and list a request may carry (path, query, body) is
  bounded in the document (integers: minimum and maximum; strings: maxLength, an enum or a
  date/time format; lists: maxItems);
* dynamically, every path and query parameter of every route is sent hostile values (integers
  beyond 64 bits, negative numbers, NUL bytes, control, right-to-left and zero-width
  characters, 64,000-character strings, dates of year 1 and 9999, path traversal) by each
  role the route admits, and every string and integer of every JSON body is replaced in turn
  by such a value. No answer may be 5xx; every 4xx carries code, message and message_zh.

The values are drawn with a fixed seed from a fixed pool (plain `random`, no property-based
testing library): a failure names the request and is reproduced by running the test again.
The budget is bounded: a few values per parameter, well under a minute in all.
"""

from __future__ import annotations

import copy
import json
import random
import time
from collections.abc import Iterator
from typing import Any
from urllib.parse import quote

import httpx
from fastapi.routing import APIRoute, iter_route_contexts

from cli.inprocess import Platform
from shared.config import SERVICES
from shared.contracts.auth import Role
from tests.e2e.test_refusals import _admitted_roles, _scope, conforms

SEED = 12
BUDGET_SECONDS = 50.0
VALUES_PER_PARAMETER = 8
ROLES_PER_ROUTE = 2
JSON = {"content-type": "application/json"}

HOSTILE: tuple[str, ...] = (
    "9" * 40,                      # beyond any 64-bit column
    str(2**63),                    # one beyond int64
    str(-(2**63) - 1),
    "-1",
    "0",
    "1e308",
    "NaN",
    "a\x00b",                      # PostgreSQL refuses NUL in text
    "a\x01b\x7f",
    "\u202egnp.exe",               # right-to-left override
    "a\u200bb",                    # zero-width space
    "\ufeffx",
    "x" * 64_000,
    "0001-01-01",
    "9999-12-31",
    "0001-01-01T00:00:00+00:00",
    "../../x",
    "..%2F..%2Fx",
    "%",
    " ",
    "",
    "2020-5",
    "true",
)
# Only a JSON body carries these (a URL cannot hold a lone surrogate).
HOSTILE_BODY: tuple[Any, ...] = (
    "\ud800", "a\udfffb", 2**64, -(2**63) - 1, 10**40, -1, 1e308, "x" * 64_000, "a\x00b",
    "\u202eabc", "a\u200bb", "0001-01-01", "../../x", [], {}, None,
)


# ----------------------------------------------------------------------------- the documents


def _resolve(doc: dict[str, Any], schema: dict[str, Any]) -> dict[str, Any]:
    while "$ref" in schema:
        name = schema["$ref"].rsplit("/", 1)[-1]
        schema = doc["components"]["schemas"][name]
    return schema


def _unbounded(doc: dict[str, Any], schema: dict[str, Any], where: str,
               seen: set[str]) -> Iterator[str]:
    """The places under `schema` that take an integer, string or list without bounds."""
    if "$ref" in schema:
        ref = schema["$ref"]
        if ref in seen:
            return
        seen = seen | {ref}
        yield from _unbounded(doc, _resolve(doc, schema), where, seen)
        return
    for key in ("anyOf", "oneOf", "allOf"):
        for option in schema.get(key, []):
            yield from _unbounded(doc, option, where, seen)
    kind = schema.get("type")
    if kind == "integer" and ("maximum" not in schema and "exclusiveMaximum" not in schema
                              or "minimum" not in schema and "exclusiveMinimum" not in schema):
        yield f"{where}: integer without minimum and maximum"
    if kind == "string" and not ({"maxLength", "enum", "const", "contentMediaType"}
                                 & schema.keys()) and (
        schema.get("format") not in {"date", "date-time", "binary", "uuid"}
    ):
        yield f"{where}: string without maxLength"
    if kind == "array":
        if "maxItems" not in schema:
            yield f"{where}: list without maxItems"
        yield from _unbounded(doc, schema.get("items", {}), f"{where}[]", seen)
    if kind == "object" or "properties" in schema:
        for name, sub in schema.get("properties", {}).items():
            yield from _unbounded(doc, sub, f"{where}.{name}", seen)
        extra = schema.get("additionalProperties")
        if isinstance(extra, dict):
            yield from _unbounded(doc, extra, f"{where}.*", seen)


def _operations(doc: dict[str, Any]) -> Iterator[tuple[str, str, dict[str, Any]]]:
    for path, item in doc["paths"].items():
        for method, op in item.items():
            if method in {"get", "post", "put", "delete", "patch"}:
                yield path, method.upper(), op


def _body_schema(op: dict[str, Any]) -> tuple[str, dict[str, Any]] | None:
    content = op.get("requestBody", {}).get("content", {})
    for media in ("application/json", "multipart/form-data",
                  "application/x-www-form-urlencoded"):
        if media in content:
            return media, content[media].get("schema", {})
    return None


def test_every_input_of_every_route_is_bounded_in_the_openapi_document(
    platform: Platform,
) -> None:
    problems: list[str] = []
    for service in SERVICES:
        doc = platform.apps[service].openapi()  # type: ignore[index]
        for path, method, op in _operations(doc):
            route = f"{service}: {method} {path}"
            for param in op.get("parameters", []):
                problems += _unbounded(doc, param.get("schema", {}),
                                       f"{route} {param['in']} {param['name']}", set())
            body = _body_schema(op)
            if body is not None:
                problems += _unbounded(doc, body[1], f"{route} body", set())
    problems = list(dict.fromkeys(problems))
    assert not problems, f"{len(problems)} unbounded inputs:\n" + "\n".join(problems)


# ----------------------------------------------------------------------------- the fuzzing


def _example(doc: dict[str, Any], schema: dict[str, Any], depth: int = 0) -> Any:
    """A plausible value of `schema`: defaults and examples where the document has them."""
    schema = _resolve(doc, schema)
    if depth > 6:
        return None
    for key in ("default", "const"):
        if key in schema and schema[key] is not None:
            return schema[key]
    if schema.get("examples"):
        return schema["examples"][0]
    if "enum" in schema:
        return schema["enum"][0]
    for key in ("oneOf", "anyOf"):
        if schema.get(key):
            options = [o for o in schema[key] if _resolve(doc, o).get("type") != "null"]
            return _example(doc, (options or schema[key])[0], depth + 1)
    kind = schema.get("type")
    if kind == "object" or "properties" in schema:
        return {name: _example(doc, sub, depth + 1)
                for name, sub in schema.get("properties", {}).items()}
    if kind == "array":
        return [_example(doc, schema.get("items", {}), depth + 1)] * schema.get("minItems", 1)
    if kind == "integer":
        return schema.get("minimum", 1)
    if kind == "number":
        return schema.get("minimum", 1.0)
    if kind == "boolean":
        return True
    if schema.get("format") == "date":
        return "2021-01-01"
    if schema.get("format") == "date-time":
        return "2021-01-01T00:00:00+08:00"
    return "x" * max(schema.get("minLength", 1), 1)


def _leaves(value: Any, at: tuple[Any, ...] = ()) -> Iterator[tuple[Any, ...]]:
    if isinstance(value, dict):
        for key, sub in value.items():
            yield from _leaves(sub, (*at, key))
    elif isinstance(value, list):
        for i, sub in enumerate(value):
            yield from _leaves(sub, (*at, i))
    else:
        yield at


def _replaced(value: Any, at: tuple[Any, ...], new: Any) -> Any:
    out = copy.deepcopy(value)
    node = out
    for key in at[:-1]:
        node = node[key]
    node[at[-1]] = new
    return out


class Fuzz:
    def __init__(self, platform: Platform) -> None:
        self.platform = platform
        self.rng = random.Random(SEED)
        self.sent = 0
        self.failures: list[str] = []
        self.deadline = time.monotonic() + BUDGET_SECONDS

    def values(self, pool: tuple[Any, ...]) -> list[Any]:
        return self.rng.sample(pool, min(VALUES_PER_PARAMETER, len(pool)))

    async def send(self, client: httpx.AsyncClient, method: str, url: str, what: str,
                   **kwargs: Any) -> None:
        self.sent += 1
        try:
            response = await client.request(method, url, **kwargs)
        except Exception as err:  # noqa: BLE001 - the in-process app raises what it did not handle
            self.failures.append(f"{what}: raised {err!r}"[:300])
            return
        if response.status_code >= 500:
            self.failures.append(f"{what}: {response.status_code} {response.text[:200]}")
        elif response.status_code >= 400:
            try:
                payload = response.json()
            except ValueError:
                payload = response.text[:200]
            if not conforms(payload):
                self.failures.append(f"{what}: {response.status_code} without the refusal "
                                     f"body: {str(payload)[:200]}")


def _roles_of(service: str, platform: Platform) -> dict[tuple[str, str], list[Role | None]]:
    app = platform.apps[service]  # type: ignore[index]
    out: dict[tuple[str, str], list[Role | None]] = {}
    for context in iter_route_contexts(app.routes):
        route, path = context.original_route, context.path
        if not isinstance(route, APIRoute) or path is None:
            continue
        roles, needs_token = _admitted_roles(route)
        admitted: list[Role | None] = (
            list(sorted(Role if roles is None else roles)) if needs_token else [None]
        )
        for method in route.methods:
            out[(method, path)] = admitted
    return out


async def test_hostile_values_in_every_parameter_and_body_never_answer_5xx(
    platform: Platform,
) -> None:
    fuzz = Fuzz(platform)
    for service in SERVICES:
        doc = platform.apps[service].openapi()  # type: ignore[index]
        client = platform.clients[service]  # type: ignore[index]
        roles_by_route = _roles_of(service, platform)
        for path, method, op in _operations(doc):
            params = op.get("parameters", [])
            admitted = roles_by_route.get((method, path), [None])
            plain = {p["name"]: "zz-no-such-0" for p in params if p["in"] == "path"}
            body = _body_schema(op)
            # The first and last admitted roles: handlers branch on the caller (an agency or
            # an applicant sees less than the ministry); every role would double the time.
            for role in dict.fromkeys([admitted[0], admitted[-1]][:ROLES_PER_ROUTE]):
                headers = platform.auth(role.value, _scope(role, platform)) if role else {}
                for param in params:
                    for value in fuzz.values(HOSTILE):
                        what = f"{service} {method} {path} {param['in']} {param['name']}=" \
                               f"{value[:40]!r} as {role.value if role else 'anyone'}"
                        if param["in"] == "path":
                            url = path.format(**{**plain, param["name"]: quote(value, safe="")})
                            query: dict[str, str] = {}
                        elif param["in"] == "query":
                            url, query = path.format(**plain), {param["name"]: value}
                        else:
                            continue
                        await fuzz.send(client, method, url, what, headers=headers,
                                        params=query)
                if body is not None and body[0] == "application/json":
                    base = _example(doc, body[1])
                    for at in list(_leaves(base)):
                        for value in fuzz.values(HOSTILE_BODY):
                            what = f"{service} {method} {path} body {'.'.join(map(str, at))}=" \
                                   f"{str(value)[:40]!r} as {role.value if role else 'anyone'}"
                            content = _replaced(base, at, value) if at else value
                            # ASCII escapes: a lone surrogate travels as `\\ud800`, as a
                            # browser's JSON.stringify would send it.
                            await fuzz.send(client, method, path.format(**plain), what,
                                            headers={**headers, **JSON},
                                            content=json.dumps(content))
                assert time.monotonic() < fuzz.deadline, f"over budget after {fuzz.sent}"
    assert fuzz.sent > 1000
    assert not fuzz.failures, (
        f"{len(fuzz.failures)} of {fuzz.sent} hostile requests were not refused cleanly:\n"
        + "\n".join(fuzz.failures[:80])
    )
