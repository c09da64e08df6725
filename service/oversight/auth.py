"""Bearer-token authorisation for writes: constant-time comparison, one answer for every failure."""

from __future__ import annotations

import hashlib
import hmac

from flask import Request, Response

MIN_TOKEN_LENGTH = 16
REALM = "oversight-graph"


def validate_token(token: str) -> str:
    """A configured token, stripped; ValueError (naming no part of it) when it is too weak to use."""
    token = token.strip()
    if len(token) < MIN_TOKEN_LENGTH or any(c.isspace() for c in token):
        raise ValueError(f"the write token must be at least {MIN_TOKEN_LENGTH} characters, without spaces")
    return token


def is_authorised(request: Request, expected: str) -> bool:
    """True when the request carries `Authorization: Bearer <expected>`.

    Both sides are hashed before the constant-time comparison so that neither the token's length nor
    any prefix of it can be learned from response times.
    """
    scheme, _, given = request.headers.get("Authorization", "").partition(" ")
    if scheme.lower() != "bearer":
        given = ""
    return hmac.compare_digest(_digest(given.strip()), _digest(expected))


def unauthorised() -> Response:
    """401 for a missing, malformed or wrong token alike: no hint which part was wrong."""
    response = Response("Authorisation required: send 'Authorization: Bearer <write token>'.\n",
                        status=401, mimetype="text/plain")
    response.headers["WWW-Authenticate"] = f'Bearer realm="{REALM}"'
    return response


def _digest(value: str) -> bytes:
    return hashlib.sha256(value.encode("utf-8", "surrogateescape")).digest()
