"""IRIs and prefixes used everywhere: one table, so data, code and queries agree."""

from __future__ import annotations

from rdflib import Namespace

# The canonical base of every IRI in graph_data/. A deployment at another host name maps its own
# URLs onto this base (see config.Settings.public_base); the data itself is never rewritten.
DATA_BASE = "https://w3id.org/oversight"

OG = Namespace(f"{DATA_BASE}/def/oversight#")
ID = Namespace(f"{DATA_BASE}/id/")
GRAPH = Namespace(f"{DATA_BASE}/data/")

ONTOLOGY_IRI = f"{DATA_BASE}/def/oversight"
REFERENCE_GRAPH = f"{DATA_BASE}/data/reference"
DOCUMENT_GRAPH_PREFIX = f"{DATA_BASE}/data/document/"

# schema.org is used with the http:// namespace, as most linked data does (rdflib's SDO is https://).
SCHEMA = Namespace("http://schema.org/")

PREFIXES: dict[str, str] = {
    "og": str(OG),
    "id": str(ID),
    "schema": str(SCHEMA),
    "org": "http://www.w3.org/ns/org#",
    "prov": "http://www.w3.org/ns/prov#",
    "dct": "http://purl.org/dc/terms/",
    "skos": "http://www.w3.org/2004/02/skos/core#",
    "time": "http://www.w3.org/2006/time#",
    "oa": "http://www.w3.org/ns/oa#",
    "qb": "http://purl.org/linked-data/cube#",
    "cito": "http://purl.org/spar/cito/",
    "foaf": "http://xmlns.com/foaf/0.1/",
    "owl": "http://www.w3.org/2002/07/owl#",
    "rdf": "http://www.w3.org/1999/02/22-rdf-syntax-ns#",
    "rdfs": "http://www.w3.org/2000/01/rdf-schema#",
    "xsd": "http://www.w3.org/2001/XMLSchema#",
    "sh": "http://www.w3.org/ns/shacl#",
    "void": "http://rdfs.org/ns/void#",
    "dcat": "http://www.w3.org/ns/dcat#",
    "sd": "http://www.w3.org/ns/sparql-service-description#",
    "spdx": "http://spdx.org/rdf/terms#",
}


def document_graph(key: str) -> str:
    """The named graph holding what the source document `key` says."""
    return DOCUMENT_GRAPH_PREFIX + key


def sparql_prefixes() -> str:
    """PREFIX declarations for every binding in PREFIXES, for queries written in code or by users."""
    return "".join(f"PREFIX {p}: <{iri}>\n" for p, iri in PREFIXES.items())
