"""The SPARQL 1.1 Protocol endpoint: queries by GET and POST, and the service description.

Request rules live in protocol.py, evaluation in executor.py, formats in formats.py; this module
wires them into responses with validators (ETag / Last-Modified) and Vary.
"""

from __future__ import annotations

from functools import lru_cache
from typing import Callable

from flask import Blueprint, Response, current_app, redirect, request, url_for
from werkzeug.sansio.utils import get_current_url

from . import executor, service_description
from .conditional import etag_for, not_modified, stamp
from .config import Settings
from .errors import wants_html
from .formats import GRAPH_FORMATS, RESULTS_FORMATS, Format
from .protocol import ProtocolError, QueryRequest, UpdateRequest, choose_format, query_error, read_operation
from .store import Store

bp = Blueprint("sparql", __name__)

# Set by the write feature (a callable taking an UpdateRequest and returning a Response); absent,
# the endpoint is read-only and refuses updates with 403.
UPDATE_HANDLER = "oversight.update"
QUERY_PAGE = "pages.query_page"  # the HTML form for people (pages.py), where browsers are sent
MAX_ERROR_CHARS = 200  # pyoxigraph lists every expected token; the position comes first


def plain(status: int, message: str, **headers: str) -> Response:
    """The one shape of every error this service sends: a short line of plain text."""
    return Response(message.rstrip("\n") + "\n", status=status, mimetype="text/plain", headers=headers)


def store() -> Store:
    return current_app.extensions["oversight.store"]


def settings() -> Settings:
    return current_app.extensions["oversight.settings"]


def site_url() -> str:
    """The public root of the site, without a trailing slash (--public-base, else the request's host)."""
    return (settings().public_base or _host_url(request.scheme, request.host)).rstrip("/") + request.script_root


@lru_cache(maxsize=256)  # what request.host_url computes, once per host rather than once per request
def _host_url(scheme: str, host: str) -> str:
    return get_current_url(scheme, host)


def endpoint_url() -> str:
    """The URL the client used for this endpoint: the service description's sd:endpoint, and the
    base IRI of queries."""
    return site_url() + request.path


def not_acceptable(formats: tuple[Format, ...]) -> Response:
    offered = ", ".join(f.media_type for f in formats)
    return plain(406, f"No acceptable format; this resource is available as: {offered}")


@bp.route("/sparql", methods=["GET", "POST"])
@bp.route("/sparql/", methods=["GET", "POST"])
def sparql() -> Response:
    try:
        operation = read_operation(request)
    except ProtocolError as err:
        return plain(err.status, err.message)
    if request.method in ("GET", "HEAD") and wants_html() and QUERY_PAGE in current_app.view_functions:
        # A person with a browser: the query page shows the same query as a table.
        target = url_for(QUERY_PAGE, query=operation.query) if isinstance(operation, QueryRequest) else url_for(QUERY_PAGE)
        response = redirect(target, code=303)
        response.vary.add("Accept")
        return response
    if operation is None:
        return _service_description()
    if isinstance(operation, UpdateRequest):
        return _update(operation)
    return _query(operation)


def _query(operation: QueryRequest) -> Response:
    data, limit, endpoint = store(), settings().query_timeout_s, endpoint_url()
    try:
        evaluation = executor.evaluate(data, operation.with_base(endpoint), operation.dataset, timeout_s=limit)
    except SyntaxError as err:
        return plain(400, f"Malformed query: {_short(query_error(err))}")
    except executor.QueryTimeout:
        return plain(503, f"Query stopped: it ran past the {limit:g} s time limit", **{"Retry-After": "60"})
    except (executor.QueryRejected, executor.QueryFailed) as err:  # QueryFailed: also crashed, unavailable
        return limit_response(err)
    formats = GRAPH_FORMATS if evaluation.kind == "graph" else RESULTS_FORMATS
    fmt = choose_format(request, formats)
    if fmt is None:
        return not_acceptable(formats)
    dataset = operation.dataset
    etag = etag_for(data, endpoint, operation.query, repr(dataset.default_graphs), repr(dataset.named_graphs),
                    fmt.name)
    if cached := not_modified(request, data, etag):
        return cached
    try:
        body = evaluation.serialize(fmt)  # a small result is written here, so a failure is still a 4xx
    except executor.QueryFailed as err:
        return limit_response(err)
    return stamp(Response(body, content_type=fmt.content_type, headers=evaluation.headers()), data, etag)


def _update(operation: UpdateRequest) -> Response:
    handler: Callable[[UpdateRequest], Response] | None = current_app.extensions.get(UPDATE_HANDLER)
    if handler is None:
        return plain(403, "SPARQL Update is not enabled on this endpoint (it is read-only)")
    return handler(operation)


def _service_description() -> Response:
    fmt = choose_format(request, GRAPH_FORMATS)
    if fmt is None:
        return not_acceptable(GRAPH_FORMATS)
    data = store()
    base, endpoint = site_url(), endpoint_url()
    update = UPDATE_HANDLER in current_app.extensions
    etag = etag_for(data, "service-description", endpoint, str(update), fmt.name)
    if cached := not_modified(request, data, etag):
        return cached
    body = _description_bytes(data, data.version, endpoint, base, update, fmt)
    return stamp(Response(body, content_type=fmt.content_type), data, etag)


@lru_cache(maxsize=32)
def _description_bytes(data: Store, version: str, endpoint: str, base: str, update: bool, fmt: Format) -> bytes:
    # `version` is in the key so that a write invalidates the cached description.
    return service_description.serialize(service_description.describe(data, endpoint, base, update=update), fmt)


def _short(text: str) -> str:
    return text if len(text) <= MAX_ERROR_CHARS else text[: MAX_ERROR_CHARS - 1] + "…"


# -- executor errors (executor.py) to HTTP ---------------------------------------------------------
LIMIT_STATUS = {executor.QueryCrashed: 503, executor.QueryUnavailable: 502, executor.QueryRejected: 400,
                executor.QueryFailed: 400}
LIMIT_WORDS = {400: "Query not accepted", 502: "The store could not answer", 503: "Query stopped"}


def limit_status(err: Exception) -> int:
    """The HTTP status of an executor error (QueryRejected or a kind of QueryFailed)."""
    return next(code for cls, code in LIMIT_STATUS.items() if isinstance(err, cls))


def limit_response(err: Exception) -> Response:
    status = limit_status(err)
    return plain(status, f"{LIMIT_WORDS[status]}: {err}")
