"""The SPARQL 1.1 Protocol's request rules: what operation a request carries, and in what format to answer.

https://www.w3.org/TR/sparql11-protocol/ — a query comes by GET (`?query=`), by POST of an
URL-encoded form, or by POST of the bare query (`application/sparql-query`); an update only by POST.
Every broken rule becomes a ProtocolError with the status and the short message the client sees.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Sequence
from urllib.parse import parse_qsl

import pyoxigraph as ox
from flask import Request
from werkzeug.datastructures import MultiDict
from werkzeug.exceptions import HTTPException

from .executor import Dataset
from .formats import DATASET_FORMATS, GRAPH_FORMATS, HTML, RESULTS_FORMATS, Format, by_name, negotiate
from .query_text import declares_update_dataset

FORM = "application/x-www-form-urlencoded"
QUERY_MEDIA_TYPE = "application/sparql-query"
UPDATE_MEDIA_TYPE = "application/sparql-update"
# Parameters clients use to name a response format (`format`: Virtuoso, Fuseki; `output`: Fuseki, sparqler).
FORMAT_PARAMETERS = ("format", "output")
# Where a request's parsed form and parameters are kept (in its WSGI environ), so each is read once.
_FORM_KEY, _PARAMETERS_KEY = "oversight.form", "oversight.parameters"
_ALL_FORMATS = (*RESULTS_FORMATS, *GRAPH_FORMATS, *DATASET_FORMATS, HTML)


class ProtocolError(Exception):
    """A request the protocol does not allow; `status` and `message` are what the client gets."""

    def __init__(self, status: int, message: str):
        super().__init__(message)
        self.status, self.message = status, message


@dataclass(frozen=True)
class QueryRequest:
    query: str
    dataset: Dataset

    def with_base(self, base: str) -> str:
        return with_base(self.query, base)


def with_base(sparql: str, base: str) -> str:
    """The query or update with the endpoint URL as its base IRI, so relative IRIs (`<s>`) resolve
    as the protocol says (against the retrieval URL); a BASE in the text itself still wins.
    Parser positions are then one line off: query_error() puts them back."""
    return f"BASE <{base}>\n{sparql}"


_POSITION = re.compile(r"(?<=at )(\d+):(\d+)|(?<=-)(\d+):(\d+)")


def query_error(err: SyntaxError) -> str:
    """The parser's message for a text sent through with_base(), with its line numbers counted in
    the client's text again."""
    def shift(match: re.Match) -> str:
        line, column = (g for g in match.groups() if g is not None)
        return f"{max(int(line) - 1, 1)}:{column}"
    return _POSITION.sub(shift, " ".join(str(err).split()))


@dataclass(frozen=True)
class UpdateRequest:
    update: str
    using_graphs: tuple[str, ...]
    using_named_graphs: tuple[str, ...]

    def with_base(self, base: str) -> str:
        return with_base(self.update, base)


def read_operation(request: Request) -> QueryRequest | UpdateRequest | None:
    """The operation in `request`; None for a bare GET, which asks for the service description."""
    params, body_text = _parameters(request)
    queries, updates = params.getlist("query"), params.getlist("update")
    if body_text is not None:
        (queries if request.mimetype == QUERY_MEDIA_TYPE else updates).append(body_text)
    if queries and updates:
        raise ProtocolError(400, "A request carries either a query or an update, not both")
    if len(queries) > 1 or len(updates) > 1:
        name = "query" if len(queries) > 1 else "update"
        raise ProtocolError(400, f"Several '{name}' parameters: send exactly one")
    if updates:
        return _update(request, updates[0], params)
    if not queries:
        if request.method in ("GET", "HEAD") and not _protocol_parameters(params):
            return None
        raise ProtocolError(400, "Missing 'query' parameter")
    if not queries[0].strip():
        raise ProtocolError(400, "Empty 'query' parameter")
    return QueryRequest(queries[0], _dataset(params))


def _update(request: Request, update: str, params: MultiDict) -> UpdateRequest:
    if request.method != "POST":
        raise ProtocolError(400, "SPARQL Update must be sent by POST")
    using, using_named = _iris(params, "using-graph-uri"), _iris(params, "using-named-graph-uri")
    if (using or using_named) and declares_update_dataset(update):
        # SPARQL 1.1 Protocol §2.2.3: the two ways of naming the dataset must not be combined.
        raise ProtocolError(400, "using-graph-uri / using-named-graph-uri cannot be combined with USING or WITH "
                                 "in the update itself")
    return UpdateRequest(update, using, using_named)


def choose_format(request: Request, formats: Sequence[Format]) -> Format | None:
    """The response format: a `format`/`output` parameter naming one of `formats` wins; otherwise
    the Accept header decides. None: nothing acceptable (406).

    A parameter naming a format of another kind (SPARQLWrapper sends `format=json` with CONSTRUCT
    too) falls back to Accept; a name no format has is an error rather than a silent default.
    """
    names = [v for key in FORMAT_PARAMETERS for v in request.args.getlist(key) + _form_or_empty(request).getlist(key) if v]
    for name in names:
        if fmt := by_name(name, formats):
            return fmt
    if names and not any(by_name(name, _ALL_FORMATS) for name in names):
        return None
    return negotiate(request.headers.get("Accept"), formats)


def operation_text(request: Request) -> str | None:
    """The query or update text a request carries (form field, URL parameter or bare body), read
    without raising: for logs and metrics, which must not fail on a request the protocol refuses."""
    try:
        params, body_text = _parameters(request)
    except (ProtocolError, HTTPException):
        return None
    return body_text if body_text is not None else (params.get("query") or params.get("update"))


def _parameters(request: Request) -> tuple[MultiDict, str | None]:
    """URL and form parameters together, and the body text of a direct POST (None otherwise);
    read once per request (the endpoint and the access log both ask)."""
    cached = request.environ.get(_PARAMETERS_KEY)
    if cached is not None:
        return cached
    params: MultiDict = MultiDict(request.args)
    body_text = None
    if request.method == "POST":
        mimetype = request.mimetype
        if mimetype not in (FORM, QUERY_MEDIA_TYPE, UPDATE_MEDIA_TYPE):
            got = f"'{mimetype}'" if mimetype else "no Content-Type"
            raise ProtocolError(
                400, f"POST needs Content-Type {FORM}, {QUERY_MEDIA_TYPE} or {UPDATE_MEDIA_TYPE} (got {got})")
        if mimetype == FORM:
            params.update(_form(request))
        else:
            body_text = _body_text(request)
    request.environ[_PARAMETERS_KEY] = (params, body_text)
    return params, body_text


def _body_text(request: Request) -> str:
    charset = request.mimetype_params.get("charset", "utf-8").lower()
    if charset not in ("utf-8", "utf8"):
        raise ProtocolError(400, f"The request body must be UTF-8 (got charset={charset})")
    return _utf8(request.get_data(cache=True))


def _form(request: Request) -> MultiDict:
    """The URL-encoded form in the body, parsed once per request (the endpoint, format negotiation
    and the access log all read it)."""
    cached = request.environ.get(_FORM_KEY)
    if cached is None:
        try:
            cached = MultiDict(parse_qsl(_body_text(request), keep_blank_values=True, strict_parsing=False,
                                         errors="strict"))
        except UnicodeDecodeError:
            raise ProtocolError(400, "The form's percent-encoded values must be UTF-8") from None
        request.environ[_FORM_KEY] = cached
    return cached


def _form_or_empty(request: Request) -> MultiDict:
    if request.method != "POST" or request.mimetype != FORM:
        return MultiDict()
    try:
        return _form(request)
    except ProtocolError:  # a broken form is refused by whoever reads the operation, not here
        return MultiDict()


def _utf8(body: bytes) -> str:
    try:
        return body.decode("utf-8")
    except UnicodeDecodeError as err:
        raise ProtocolError(400, f"The request body is not valid UTF-8 (byte {err.start})") from None


def _protocol_parameters(params: MultiDict) -> bool:
    return any(k in params for k in ("default-graph-uri", "named-graph-uri", "using-graph-uri", "using-named-graph-uri"))


def _iris(params: MultiDict, name: str) -> tuple[str, ...]:
    iris = tuple(params.getlist(name))
    for iri in iris:
        try:
            ox.NamedNode(iri)
        except ValueError as err:
            raise ProtocolError(400, f"'{name}' is not an absolute IRI: {iri!r} ({err})") from None
    return iris


def _dataset(params: MultiDict) -> Dataset:
    """The protocol dataset; a request that names any graph gets exactly those (no union default)."""
    default, named = _iris(params, "default-graph-uri"), _iris(params, "named-graph-uri")
    if not default and not named:
        return Dataset()
    return Dataset(default_graphs=list(default), named_graphs=list(named))
