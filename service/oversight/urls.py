"""Map the canonical data IRIs (namespaces.DATA_BASE) onto this deployment's URLs and back.

The data always says https://w3id.org/oversight/...; a deployment at another host serves the same
paths under its own base (Settings.public_base, or the URL the request came in on), so the data is
never rewritten.
"""

from __future__ import annotations

import pyoxigraph as ox
from flask import request

from .namespaces import DATA_BASE
from .sparql import site_url as public_base  # this deployment's URL prefix (--public-base, else the request's)


def data_iri(path: str) -> str:
    """The canonical IRI for a local path such as `/id/person/x`."""
    return DATA_BASE + path


def local_path(iri: str) -> str | None:
    """The path under this deployment (`/id/...`) of a data IRI; None for IRIs outside DATA_BASE."""
    if iri.startswith(DATA_BASE + "/"):
        return iri[len(DATA_BASE):]
    return None


def doc_path(iri: str) -> str | None:
    """Where a browser should go for an IRI: `/doc/...` for things, the IRI's own path otherwise.

    Hash IRIs (ontology terms) keep their fragment, so links land on the term's entry.
    """
    path = local_path(iri)
    if path is None:
        return None
    if path.startswith("/id/"):
        return "/doc/" + path[len("/id/"):]
    return path


def href(iri: str) -> str | None:
    """A link for an IRI: the local page for our own IRIs, the IRI itself for other web IRIs, and
    none for other schemes (a `javascript:` IRI in the data or a query result never becomes a link)."""
    path = doc_path(iri)
    if path is not None:
        return request.script_root + path
    return iri if iri.startswith(("http://", "https://")) else None


def absolute(path: str) -> str:
    return public_base() + path


def valid_iri(iri: str) -> ox.NamedNode | None:
    """The IRI as a term, or None when a URL path makes no valid IRI (`<`, spaces …): a 404, not a crash."""
    try:
        return ox.NamedNode(iri)
    except ValueError:
        return None
