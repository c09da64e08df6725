"""Every error leaves the service with the right status and a short message, never a traceback: one
line of plain text for programs, a page for browsers (clients that put HTML first in Accept)."""

from __future__ import annotations

import logging

from flask import Flask, Response, render_template, request
from werkzeug.exceptions import HTTPException, RequestEntityTooLarge

log = logging.getLogger("oversight.errors")


def _text(status: int, message: str, headers: dict[str, str] | None = None) -> Response:
    return Response(message + "\n", status=status, mimetype="text/plain", headers=headers or {})


def prefers_html() -> bool:
    """A browser asks for HTML first; curl, SPARQL clients and scripts send */* or a data type."""
    return request.accept_mimetypes.best in ("text/html", "application/xhtml+xml")


def register(app: Flask, max_body_bytes: int) -> None:
    @app.errorhandler(RequestEntityTooLarge)
    def too_large(err: RequestEntityTooLarge) -> Response:
        return _text(413, f"Request body too large: the limit is {max_body_bytes} bytes")

    @app.errorhandler(HTTPException)
    def http_error(err: HTTPException) -> Response:
        # Keep the headers werkzeug sets (Allow on 405, WWW-Authenticate on 401 …), drop its HTML.
        headers = {k: v for k, v in err.get_headers() if k.lower() != "content-type"}
        if prefers_html():
            message = "Nothing in the graph has this address." if err.code == 404 else err.description
            body = render_template("error.html", code=err.code, name=err.name, message=message)
            return Response(body, status=err.code, headers=headers, content_type="text/html; charset=utf-8")
        return _text(err.code or 500, f"{err.code} {err.name}: {err.description}", headers)

    @app.errorhandler(Exception)
    def unexpected(err: Exception) -> Response:
        log.exception("unhandled error")
        return _text(500, "Internal error: the request could not be completed (it has been logged)")
