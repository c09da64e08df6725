"""Every error leaves the service as a short plain-text message with the right status: never a
traceback, never an HTML error page (clients of a SPARQL endpoint are programs)."""

from __future__ import annotations

import logging

from flask import Flask, Response
from werkzeug.exceptions import HTTPException, RequestEntityTooLarge

log = logging.getLogger("oversight.errors")


def _text(status: int, message: str, headers: dict[str, str] | None = None) -> Response:
    return Response(message + "\n", status=status, mimetype="text/plain", headers=headers or {})


def register(app: Flask, max_body_bytes: int) -> None:
    @app.errorhandler(RequestEntityTooLarge)
    def too_large(err: RequestEntityTooLarge) -> Response:
        return _text(413, f"Request body too large: the limit is {max_body_bytes} bytes")

    @app.errorhandler(HTTPException)
    def http_error(err: HTTPException) -> Response:
        # Keep the headers werkzeug sets (Allow on 405, WWW-Authenticate on 401 …), drop its HTML.
        headers = {k: v for k, v in err.get_headers() if k.lower() != "content-type"}
        return _text(err.code or 500, f"{err.code} {err.name}: {err.description}", headers)

    @app.errorhandler(Exception)
    def unexpected(err: Exception) -> Response:
        log.exception("unhandled error")
        return _text(500, "Internal error: the request could not be completed (it has been logged)")
