"""Conditional requests: ETag and Last-Modified tied to the data version, so a cache (or a client
with If-None-Match / If-Modified-Since) gets 304 without the query running again."""

from __future__ import annotations

import hashlib
from typing import Callable, Iterable

from flask import Request, Response, current_app
from werkzeug.http import is_resource_modified

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
    response.set_etag(etag)
    response.last_modified = store.modified
    shared_s = getattr(current_app.extensions.get("oversight.settings"), "shared_cache_s", 0) if current_app else 0
    if shared_s:
        # a CDN may answer for shared_s seconds (then revalidates); browsers still revalidate each time
        response.cache_control.public = True
        response.cache_control.max_age = 0
        response.cache_control.s_maxage = shared_s
    else:
        response.cache_control.no_cache = True  # caches may keep it, but must revalidate (cheap: 304)
    for header in vary:
        response.vary.add(header)
    return response


def cached_response(request: Request, store: Store, parts: Iterable[str], make: Callable[[], Response]) -> Response:
    """304 when the client holds the current representation (the body is then never built), else
    `make()` stamped with the validators."""
    etag = etag_for(store, *parts)
    if cached := not_modified(request, store, etag):
        return cached
    return stamp(make(), store, etag)
