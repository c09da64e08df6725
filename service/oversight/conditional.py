"""Conditional requests: ETag and Last-Modified tied to the data version, so a cache (or a client
with If-None-Match / If-Modified-Since) gets 304 without the query running again."""

from __future__ import annotations

import hashlib
from datetime import datetime
from functools import lru_cache
from typing import Callable, Iterable

from flask import Request, Response, current_app
from werkzeug.http import http_date, is_resource_modified, quote_etag

from .store import Store


def etag_for(store: Store, *parts: str) -> str:
    """An entity tag for one representation of the current data: same data, same request, same tag."""
    digest = hashlib.sha256("\x00".join((store.version, *parts)).encode("utf-8")).hexdigest()
    return digest[:32]


def not_modified(request: Request, store: Store, etag: str) -> Response | None:
    """A 304 response when the client already holds this representation, else None.
    Only GET and HEAD are answered 304 (RFC 9110 §13.1.2); a POSTed query always runs."""
    if request.method not in ("GET", "HEAD") or is_resource_modified(request.environ, etag=etag, last_modified=store.modified):
        return None
    response = Response(status=304)
    stamp(response, store, etag)
    return response


def stamp(response: Response, store: Store, etag: str, vary: Iterable[str] = ("Accept",)) -> Response:
    """Validators and Vary on a response (200 or 304 alike)."""
    shared_s = getattr(current_app.extensions.get("oversight.settings"), "shared_cache_s", 0) if current_app else 0
    headers = response.headers
    # Set as plain strings: werkzeug's header objects re-parse and re-render on every change, which
    # costs more than a small query (this runs on every response).
    headers["ETag"] = quote_etag(etag)
    headers["Last-Modified"] = _http_date(store.modified)
    headers["Cache-Control"] = _cache_control(shared_s)
    if "Vary" in headers:
        for header in vary:
            response.vary.add(header)
    elif vary:
        headers["Vary"] = ", ".join(vary)
    return response


@lru_cache(maxsize=64)
def _http_date(moment: datetime) -> str:
    return http_date(moment)


@lru_cache(maxsize=8)
def _cache_control(shared_s: int) -> str:
    if shared_s:
        # a CDN may answer for shared_s seconds (then revalidates); browsers still revalidate each time
        return f"public, max-age=0, s-maxage={shared_s}"
    return "no-cache"  # caches may keep it, but must revalidate (cheap: 304)


def cached_response(request: Request, store: Store, parts: Iterable[str], make: Callable[[], Response]) -> Response:
    """304 when the client holds the current representation (the body is then never built), else
    `make()` stamped with the validators."""
    etag = etag_for(store, *parts)
    if cached := not_modified(request, store, etag):
        return cached
    return stamp(make(), store, etag)
