"""Signed bearer tokens (HS256) that carry a `Principal`. Login comes later; this is the seam."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import jwt

from shared.contracts.auth import Principal, Role

ALGORITHM = "HS256"


class InvalidToken(Exception):
    """The token is missing, malformed, expired or not signed with our secret."""


def mint(principal: Principal, secret: str, ttl: timedelta = timedelta(days=30)) -> str:
    now = datetime.now(UTC)
    claims = {
        "sub": principal.name or principal.label(),
        "role": principal.role.value,
        "scope": principal.scope,
        "iat": int(now.timestamp()),
        "exp": int((now + ttl).timestamp()),
    }
    return jwt.encode(claims, secret, algorithm=ALGORITHM)


def verify(token: str, secret: str) -> Principal:
    try:
        claims = jwt.decode(token, secret, algorithms=[ALGORITHM], options={"require": ["exp"]})
        return Principal(
            role=Role(claims["role"]), scope=str(claims["scope"]), name=str(claims["sub"])
        )
    except (jwt.PyJWTError, KeyError, ValueError) as err:
        raise InvalidToken(str(err)) from err
