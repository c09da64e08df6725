"""Cross-origin access for browser clients (YASGUI, Comunica in a page): which origins may read
the service's responses, and the answers to preflight (OPTIONS) requests."""

from __future__ import annotations

from typing import Sequence

from flask import Flask, Response, request

ALLOWED_METHODS = "GET, HEAD, POST, OPTIONS"
ALLOWED_HEADERS = "Accept, Content-Type, Authorization, If-None-Match, If-Modified-Since"
# X-Oversight-*: row counts and truncation stated by the executor.
EXPOSED_HEADERS = "ETag, Last-Modified, Content-Type, Retry-After, X-Oversight-Result-Rows, X-Oversight-Truncated"
PREFLIGHT_MAX_AGE = "86400"


def init_app(app: Flask, origins: Sequence[str]) -> None:
    """Allow `origins` ("*" for any; an empty list turns CORS off) on every response."""
    allowed = {o.rstrip("/") for o in origins}

    @app.after_request
    def add_cors_headers(response: Response) -> Response:
        origin = request.headers.get("Origin")
        if not allowed or not origin:
            return response
        if "*" in allowed:
            response.headers["Access-Control-Allow-Origin"] = "*"
        elif origin.rstrip("/") in allowed:
            response.headers["Access-Control-Allow-Origin"] = origin
            response.vary.add("Origin")
        else:
            response.vary.add("Origin")
            return response
        response.headers["Access-Control-Expose-Headers"] = EXPOSED_HEADERS
        if request.method == "OPTIONS":
            response.headers["Access-Control-Allow-Methods"] = ALLOWED_METHODS
            response.headers["Access-Control-Allow-Headers"] = ALLOWED_HEADERS
            response.headers["Access-Control-Max-Age"] = PREFLIGHT_MAX_AGE
        return response
