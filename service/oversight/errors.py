"""Every error leaves the service with the right status and a short message, never a traceback: one
line of plain text for programs (curl's */*, SPARQL clients), a page for browsers (which name HTML)."""

from __future__ import annotations

import logging
from functools import lru_cache

from flask import Flask, Response, render_template, request
from werkzeug.datastructures import MIMEAccept
from werkzeug.exceptions import HTTPException, RequestEntityTooLarge
from werkzeug.http import parse_accept_header

from .store import StoreUnavailable

log = logging.getLogger("oversight.errors")

HTML_TYPES = ("text/html", "application/xhtml+xml")


def _text(status: int, message: str, headers: dict[str, str] | None = None) -> Response:
    return Response(message + "\n", status=status, mimetype="text/plain", headers=headers or {})


def kept_headers(err: HTTPException) -> dict[str, str]:
    """The headers werkzeug sets on an error (Allow on 405, WWW-Authenticate on 401 …), minus its HTML type."""
    return {k: v for k, v in err.get_headers() if k.lower() != "content-type"}


def text_error(err: HTTPException) -> Response:
    """An HTTP error as one line of text."""
    return _text(err.code or 500, f"{err.code} {err.name}: {err.description}", kept_headers(err))


def wants_html() -> bool:
    """Browsers name text/html explicitly; programs (curl's */*, SPARQL clients) get plain text."""
    return _names_html(request.headers.get("Accept", ""))


@lru_cache(maxsize=256)  # a few distinct Accept headers, asked on every GET of the endpoint
def _names_html(header: str) -> bool:
    accept = parse_accept_header(header, MIMEAccept)
    named_html = any(media in HTML_TYPES for media, _ in accept)
    return named_html and accept.quality(HTML_TYPES[0]) >= accept.quality("text/plain")


def page_error(err: HTTPException) -> Response:
    """An HTTP error as a page for people."""
    message = "Nothing in the graph has this address." if err.code == 404 else err.description
    body = render_template("error.html", code=err.code, name=err.name, message=message)
    return Response(body, status=err.code, content_type="text/html; charset=utf-8", headers=kept_headers(err))


def register(app: Flask, max_body_bytes: int) -> None:
    @app.errorhandler(RequestEntityTooLarge)
    def too_large(err: RequestEntityTooLarge) -> Response:
        return _text(413, f"Request body too large: the limit is {max_body_bytes} bytes")

    @app.errorhandler(HTTPException)
    def http_error(err: HTTPException) -> Response:
        if wants_html() and err.code not in (None, 304):
            return page_error(err)
        return text_error(err)

    @app.errorhandler(StoreUnavailable)
    def store_unavailable(err: StoreUnavailable) -> Response:
        # A page or API whose query could not reach the remote store: the gateway's failure, not ours.
        log.warning("store unavailable: %s", err)
        return _text(502, f"The store could not answer: {err}")

    @app.errorhandler(Exception)
    def unexpected(err: Exception) -> Response:
        log.exception("unhandled error")
        return _text(500, "Internal error: the request could not be completed (it has been logged)")
