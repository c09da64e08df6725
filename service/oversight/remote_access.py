"""What a query or update may reach beyond the store: SERVICE and LOAD fetch URLs.

pyoxigraph really fetches the IRI of `SERVICE <iri>` (queries and updates) and of `LOAD <iri>`
(updates), so a request could make the server connect to any host (SSRF). Before one runs, rdflib's
SPARQL parser finds every SERVICE and LOAD in it; each must name an http(s) IRI whose host the
operator allowed (`--allow-remote-host`). A plain substring scan first spares the parse for the
queries that have neither (nearly all).
"""

from __future__ import annotations

from collections.abc import Callable, Collection, Iterator
from urllib.parse import urlsplit

from pyparsing import ParseResults
from rdflib.plugins.sparql.parser import parseQuery, parseUpdate
from rdflib.plugins.sparql.parserutils import CompValue
from rdflib.term import URIRef



class RemoteAccessRefused(ValueError):
    """A query or update that would fetch from a host that is not allowed (or cannot be checked)."""


def check_remote_access(text: str, allowed_hosts: Collection[str], *, is_query: bool = False) -> None:
    """Raise RemoteAccessRefused if `text` would call SERVICE on, or LOAD from, a host not in `allowed_hosts`."""
    lowered = text.lower()
    if "service" not in lowered and "load" not in lowered:  # a plain scan: linear on any input
        return
    parse: Callable = parseQuery if is_query else parseUpdate
    try:
        tree = parse(text)
    except RecursionError:
        raise RemoteAccessRefused("too deeply nested") from None
    except Exception as err:  # noqa: BLE001 - pyparsing raises several types; all mean "malformed"
        if is_query:
            return  # pyoxigraph, which runs it, gives the real syntax error
        raise RemoteAccessRefused(f"malformed update: {str(err).splitlines()[0]}") from None
    allowed = {h.lower() for h in allowed_hosts}
    for operation, target in _remote_targets(tree):
        if not isinstance(target, URIRef):
            raise RemoteAccessRefused(f"{operation} needs a fixed IRI: a variable endpoint cannot be checked")
        parts = urlsplit(str(target))
        if parts.scheme not in ("http", "https") or (parts.hostname or "").lower() not in allowed:
            raise RemoteAccessRefused(f"{operation} <{target}> refused: the host is not allowed on this server")


def _remote_targets(node) -> Iterator[tuple[str, object]]:
    stack = [node]
    while stack:  # iterative: a hostile request can nest deeper than Python's recursion limit
        node = stack.pop()
        if isinstance(node, CompValue):
            if node.name == "Load":
                yield "LOAD", node.get("iri")
            elif node.name == "ServiceGraphPattern":
                yield "SERVICE", node.get("term")
            stack.extend(node.values())
        elif isinstance(node, (list, tuple, ParseResults)):
            stack.extend(node)
        elif isinstance(node, dict):
            stack.extend(node.values())
