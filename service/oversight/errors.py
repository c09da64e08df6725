"""Every error leaves the service as a short plain-text message with the right status: never a
traceback, never an HTML error page (clients of a SPARQL endpoint are programs)."""

from __future__ import annotations

import logging

from flask import Flask, Response
from werkzeug.exceptions import HTTPException, RequestEntityTooLarge

log = logging.getLogger("oversight.errors")


def _text(status: int, message: str, headers: dict[str, str] | None = None) -> Response:
    return Response(message + "\n", status=status, mimetype="text/plain", headers=headers or {})


def kept_headers(err: HTTPException) -> dict[str, str]:
    """The headers werkzeug sets on an error (Allow on 405, WWW-Authenticate on 401 …), minus its HTML type."""
    return {k: v for k, v in err.get_headers() if k.lower() != "content-type"}


def text_error(err: HTTPException) -> Response:
    """An HTTP error as one line of text."""
    return _text(err.code or 500, f"{err.code} {err.name}: {err.description}", kept_headers(err))


def register(app: Flask, max_body_bytes: int) -> None:
    @app.errorhandler(RequestEntityTooLarge)
    def too_large(err: RequestEntityTooLarge) -> Response:
        return _text(413, f"Request body too large: the limit is {max_body_bytes} bytes")

    @app.errorhandler(HTTPException)
    def http_error(err: HTTPException) -> Response:
        return text_error(err)

    @app.errorhandler(Exception)
    def unexpected(err: Exception) -> Response:
        log.exception("unhandled error")
        return _text(500, "Internal error: the request could not be completed (it has been logged)")
