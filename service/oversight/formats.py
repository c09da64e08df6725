"""One table of formats drives content negotiation everywhere (SPARQL results, RDF, pages, dumps).

Each format has a short name (for `?format=`, file extensions and the CLI), the media types that
select it in an `Accept` header, and the pyoxigraph serialiser behind it. Negotiation itself is
werkzeug's (q-values, wildcards, specificity); this module only says what is on offer.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache
from typing import Sequence

import pyoxigraph as ox
from werkzeug.datastructures import MIMEAccept
from werkzeug.http import parse_accept_header


@dataclass(frozen=True)
class Format:
    name: str
    media_types: tuple[str, ...]  # the first is the canonical one, sent as Content-Type
    extension: str
    serializer: ox.RdfFormat | ox.QueryResultsFormat | None  # None: rendered by a template
    textual: bool = True  # textual formats get "; charset=utf-8"
    names: tuple[str, ...] = ()  # other short names clients send in ?format= (SPARQLWrapper: "xml", "n3"…)

    @property
    def media_type(self) -> str:
        return self.media_types[0]

    @property
    def content_type(self) -> str:
        return f"{self.media_type}; charset=utf-8" if self.textual else self.media_type


def _fmt(name: str, serializer, *aliases: str, media_type: str | None = None, names: tuple[str, ...] = ()) -> Format:
    media = media_type or serializer.media_type.split(";")[0]
    return Format(name, (media, *aliases), serializer.file_extension, serializer, names=names)


# SELECT and ASK results; the first is the default for */* and missing Accept.
RESULTS_FORMATS: tuple[Format, ...] = (
    _fmt("json", ox.QueryResultsFormat.JSON, "application/json"),
    _fmt("xml", ox.QueryResultsFormat.XML, "application/xml", "text/xml"),
    _fmt("csv", ox.QueryResultsFormat.CSV),
    _fmt("tsv", ox.QueryResultsFormat.TSV),
)

# Graphs (CONSTRUCT, DESCRIBE, resource descriptions); Turtle is the default.
GRAPH_FORMATS: tuple[Format, ...] = (
    _fmt("turtle", ox.RdfFormat.TURTLE, "application/x-turtle", "application/turtle", names=("n3", "text/n3", "text/rdf+n3")),
    _fmt("ntriples", ox.RdfFormat.N_TRIPLES, "text/plain"),
    _fmt("rdfxml", ox.RdfFormat.RDF_XML, "application/xml", "text/xml", names=("xml", "rdf+xml")),
    _fmt("jsonld", ox.RdfFormat.JSON_LD, "application/json", names=("json-ld", "json")),
    _fmt("trig", ox.RdfFormat.TRIG),
    _fmt("nquads", ox.RdfFormat.N_QUADS),
)

# Whole datasets (dumps, exports): formats that keep named graphs come first.
DATASET_FORMATS: tuple[Format, ...] = (
    GRAPH_FORMATS[4],  # trig
    GRAPH_FORMATS[5],  # nquads
    GRAPH_FORMATS[0],  # turtle (default graph only, or the union)
    GRAPH_FORMATS[3],  # jsonld
)

HTML = Format("html", ("text/html", "application/xhtml+xml"), "html", None)


def by_name(name: str, formats: Sequence[Format]) -> Format | None:
    """The format called `name` (short name, extension or media type), if it is on offer."""
    name = name.strip().lower()
    for fmt in formats:
        if name in (fmt.name, fmt.extension) or name in fmt.media_types or name in fmt.names:
            return fmt
    return None


def negotiate(accept: str | None, formats: Sequence[Format], override: str | None = None) -> Format | None:
    """Pick the best of `formats` for an Accept header's value; `override` (`?format=`) wins when given.

    A missing or empty Accept header gets the first format; None means nothing acceptable (406).
    """
    if override:
        return by_name(override, formats)
    return _best_for_accept(accept or "", tuple(formats))


@lru_cache(maxsize=512)  # clients send a handful of distinct Accept headers; parsing one costs more than a query
def _best_for_accept(accept: str, formats: tuple[Format, ...]) -> Format | None:
    parsed = parse_accept_header(accept, MIMEAccept)
    if not parsed:
        return formats[0]
    # Canonical types first: on a tie (text/* matches text/csv and text/xml) the canonical one wins,
    # so the Content-Type sent is one the client asked for.
    offered = [fmt.media_type for fmt in formats] + [media for fmt in formats for media in fmt.media_types[1:]]
    best = parsed.best_match(offered)
    return by_name(best, formats) if best else None
