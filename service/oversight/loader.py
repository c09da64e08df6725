"""The layout of graph_data/: which file goes into which named graph, and the archived source texts.

    ontology/*.ttl               -> graph {base}/def/oversight
    graph_data/reference.ttl     -> graph {base}/data/reference (forces, people, posts, phases)
    graph_data/documents/KEY.ttl -> graph {base}/data/document/KEY (what document KEY says)
    graph_data/texts/KEY.txt     -> the archived text of document KEY, whose checksum KEY.ttl states;
                                    loaded as og:content of {base}/id/text/KEY in the document's graph
                                    so that SPARQL (and the SHACL rules) can check quotes against it
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

import pyoxigraph as ox

from .namespaces import ID, OG, ONTOLOGY_IRI, REFERENCE_GRAPH, document_graph
from .store import LoadError, RdfSource, Store

if TYPE_CHECKING:
    from .config import Settings
    from .remote import RemoteStore


def seed_sources(ontology_dir: Path, data_dir: Path) -> list[RdfSource]:
    """Every file of the ontology and the seed graph, each with the named graph it belongs in."""
    sources = ontology_sources(ontology_dir)
    reference = data_dir / "reference.ttl"
    if reference.exists():
        sources.append(RdfSource(reference, REFERENCE_GRAPH))
    sources += [RdfSource(p, document_graph(p.stem)) for p in document_files(data_dir)]
    if not sources:
        raise LoadError(data_dir, "no RDF files found")
    return sources


def ontology_sources(ontology_dir: Path) -> list[RdfSource]:
    return [RdfSource(p, ONTOLOGY_IRI) for p in sorted(ontology_dir.glob("*.ttl"))]


def document_files(data_dir: Path) -> list[Path]:
    return sorted((data_dir / "documents").glob("*.ttl"))


def archived_text_iri(key: str) -> str:
    return f"{ID}text/{key}"


def archived_text_quads(data_dir: Path) -> list[ox.Quad]:
    """One og:content quad per archived text, in the graph of the document it archives."""
    return [_content_quad(data_dir, path.stem) for path in sorted((data_dir / "texts").glob("*.txt"))]


def _content_quad(data_dir: Path, key: str) -> ox.Quad:
    return ox.Quad(ox.NamedNode(archived_text_iri(key)), ox.NamedNode(str(OG.content)),
                   ox.Literal(archived_text(data_dir, key)), ox.NamedNode(document_graph(key)))


def archived_text(data_dir: Path, key: str) -> str:
    """The archived text of a source document, exactly as stored (offsets count its characters)."""
    path = data_dir / "texts" / f"{key}.txt"
    try:
        return path.read_text(encoding="utf-8")
    except OSError as err:
        raise LoadError(path, err.strerror or str(err)) from None


def graph_for_file(path: Path) -> str | None:
    """The named graph a file of the graph_data/ layout goes into; None for any other file (its
    triples go to the default graph, a dataset file keeps its own graphs)."""
    if path.suffix == ".ttl" and path.parent.name == "documents":
        return document_graph(path.stem)
    if path.name == "reference.ttl":
        return REFERENCE_GRAPH
    return None


def archived_text_quad(document_file: Path) -> ox.Quad | None:
    """The og:content quad for graph_data/documents/KEY.ttl, from texts/KEY.txt beside it, if any."""
    if graph_for_file(document_file) != document_graph(document_file.stem):
        return None
    text_file = document_file.parent.parent / "texts" / f"{document_file.stem}.txt"
    if not text_file.exists():
        return None
    return _content_quad(document_file.parent.parent, document_file.stem)


def parse_graph_assignment(value: str) -> RdfSource:
    """`IRI=FILE` as given to `--graph`."""
    iri, sep, file = value.partition("=")
    if not sep or not iri or not file:
        raise ValueError(f"expected IRI=FILE, got {value!r}")
    return RdfSource(Path(file), iri)


def open_store(settings: "Settings") -> "Store | RemoteStore":
    """The store the service runs on: a remote SPARQL server is used as it is; an existing on-disk
    store is reopened as it is; otherwise the configured sources (or the seed graph) are loaded into
    it in one transaction."""
    if settings.backend == "sparql":
        from .remote import BackendError, RemoteStore

        try:
            return RemoteStore(settings.query_url, settings.update_url)
        except (BackendError, SyntaxError) as err:
            raise LoadError(settings.query_url, str(err)) from None
    store = Store(settings.store_path)
    if settings.store_path is not None and not store.is_empty() and not settings.sources:
        return store
    if settings.sources:
        store.load(settings.sources)
    else:
        store.load(seed_sources(settings.ontology_dir, settings.data_dir), archived_text_quads(settings.data_dir))
    return store
