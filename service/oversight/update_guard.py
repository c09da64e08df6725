"""What an authorised SPARQL Update may reach beyond the store: LOAD and SERVICE fetch URLs.

pyoxigraph really fetches the IRI of `LOAD <iri>` and of `SERVICE <iri>`, so an update could make the
server request any host (SSRF). Before an update runs, rdflib's SPARQL parser finds every LOAD and
SERVICE in it; each must name an http(s) IRI whose host the operator allowed.
"""

from __future__ import annotations

from collections.abc import Collection, Iterator
from urllib.parse import urlsplit

from rdflib.plugins.sparql.parser import parseUpdate
from rdflib.plugins.sparql.parserutils import CompValue
from rdflib.term import URIRef


class RefusedUpdate(ValueError):
    """An update that is malformed or would fetch from a host that is not allowed."""


def check_remote_access(update: str, allowed_hosts: Collection[str]) -> None:
    """Raise RefusedUpdate if `update` would LOAD from or call SERVICE on a host not in `allowed_hosts`."""
    try:
        tree = parseUpdate(update)
    except RecursionError:
        raise RefusedUpdate("update too deeply nested") from None
    except Exception as err:  # noqa: BLE001 - pyparsing raises several types; all mean "malformed"
        raise RefusedUpdate(f"malformed update: {str(err).splitlines()[0]}") from None
    allowed = {h.lower() for h in allowed_hosts}
    for operation, target in _remote_targets(tree):
        if not isinstance(target, URIRef):
            raise RefusedUpdate(f"{operation} needs a fixed IRI: a variable endpoint cannot be checked")
        parts = urlsplit(str(target))
        if parts.scheme not in ("http", "https") or (parts.hostname or "").lower() not in allowed:
            raise RefusedUpdate(f"{operation} <{target}> refused: the host is not allowed on this server")


def _remote_targets(node) -> Iterator[tuple[str, object]]:
    stack = [node]
    while stack:  # iterative: a hostile update can nest deeper than Python's recursion limit
        node = stack.pop()
        if isinstance(node, CompValue):
            if node.name == "Load":
                yield "LOAD", node.get("iri")
            elif node.name == "ServiceGraphPattern":
                yield "SERVICE", node.get("term")
            stack.extend(node.values())
        elif isinstance(node, (list, tuple)):
            stack.extend(node)
        elif isinstance(node, dict):
            stack.extend(node.values())
