"""The gate between a draft and the graph: `check_draft` (is it valid with the graph, and what is
still marked for review?) and `add_draft` (merge it in one transaction, only if the check passes)."""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

import pyoxigraph as ox

from ..namespaces import DOCUMENT_GRAPH_PREFIX, OG
from ..store import LoadError, RdfSource, Store, parse_source
from ..validation import validate_added_graph
from ..scratch import on_snapshot

if TYPE_CHECKING:
    from ..remote import RemoteStore

OA = "http://www.w3.org/ns/oa#"
REVIEW_QUERY = f"SELECT ?s ?note WHERE {{ ?s <{OG.needsReview}> ?note }}"
SELECTOR_QUERY = f"""
PREFIX oa: <{OA}>
PREFIX og: <{OG}>
SELECT ?occurrence ?exact ?start ?end ?content WHERE {{
  ?occurrence oa:hasSelector ?q, ?p .
  ?q oa:exact ?exact . ?p oa:start ?start ; oa:end ?end .
  OPTIONAL {{ ?occurrence oa:hasSource/og:archivedText/og:content ?content }}
}}"""
TEXT_QUERY = f"SELECT ?text ?sha ?content WHERE {{ ?text <{OG.sha256}> ?sha . OPTIONAL {{ ?text <{OG.content}> ?content }} }}"


@dataclass
class Check:
    """The verdict on a draft: problems in the draft itself, the shapes report, what is left to review."""

    graph: str
    quads: list[ox.Quad]
    problems: list[str] = field(default_factory=list)
    violations: str | None = None  # the shapes gate's report, when it does not conform
    pending: list[tuple[str, str]] = field(default_factory=list)

    @property
    def conforms(self) -> bool:
        return not self.problems and self.violations is None

    @property
    def ready(self) -> bool:
        return self.conforms and not self.pending

    def text(self) -> str:
        lines = [f"draft of <{self.graph}>: {len(self.quads)} triples"]
        lines += [f"problem: {p}" for p in self.problems]
        if self.violations is not None:
            lines += ["the shapes gate does not pass:", self.violations.rstrip()]
        elif not self.problems:
            lines.append("the shapes gate passes (draft and graph together)")
        if self.pending:
            lines.append(f"{len(self.pending)} item(s) still marked og:needsReview:")
            lines += [f"  <{s}>: {note}" for s, note in self.pending]
        lines.append("ready to add" if self.ready else "not ready to add")
        return "\n".join(lines)


def read_draft(path: Path) -> tuple[str, list[ox.Quad]]:
    """The draft's quads, placed in the document graph it describes (the one subject with
    og:describesDocument under {base}/data/document/)."""
    triples = parse_source(RdfSource(path))
    graphs = {q.subject.value for q in triples
              if q.predicate.value == str(OG.describesDocument) and isinstance(q.subject, ox.NamedNode)
              and q.subject.value.startswith(DOCUMENT_GRAPH_PREFIX)}
    if len(graphs) != 1:
        raise LoadError(path, f"a draft describes exactly one document graph <{DOCUMENT_GRAPH_PREFIX}KEY> "
                              f"(og:describesDocument); found {len(graphs)}")
    graph = ox.NamedNode(graphs.pop())
    return graph.value, [ox.Quad(q.subject, q.predicate, q.object, graph) for q in triples]


def check_draft(path: Path, store: "Store | RemoteStore", *, gate_only_if_reviewed: bool = False) -> Check:
    """Check a draft against `store`. The shapes gate (the slow part) is skipped when the draft has
    problems of its own, and, with `gate_only_if_reviewed`, while items are left to review."""
    graph, quads = read_draft(path)
    check = Check(graph, quads)
    if store.contains_named_graph(graph):
        check.problems.append(f"the store already has <{graph}>: a document is added once")
    draft = Store()
    draft.load([], quads)
    check.problems += _text_problems(draft) + _selector_problems(draft)
    check.pending = sorted(((row["s"].value, row["note"].value) for row in draft.query(REVIEW_QUERY)),
                           key=lambda item: [int(t) if t.isdigit() else t for t in re.split(r"(\d+)", item[0])])
    if not check.problems and not (gate_only_if_reviewed and check.pending):
        check.violations = _shapes_gate(store, graph, quads)
    return check


def add_draft(path: Path, store: "Store | RemoteStore", persist: bool = True) -> Check:
    """Merge the draft into `store` in one transaction if it is ready (only check it, with
    `persist=False`); otherwise leave the store as it is. Returns the check either way."""
    check = check_draft(path, store, gate_only_if_reviewed=True)
    if check.ready and persist:
        if isinstance(store, Store):
            store.load([], check.quads)
        else:  # a remote SPARQL store: one INSERT DATA request is one transaction
            store.update(insert_data(check.quads))
    return check


def insert_data(quads: list[ox.Quad]) -> str:
    """SPARQL Update adding `quads` (terms in N-Triples syntax, which SPARQL reads as they are)."""
    body = "\n".join(f"GRAPH {q.graph_name} {{ {q.subject} {q.predicate} {q.object} . }}" for q in quads)
    return f"INSERT DATA {{\n{body}\n}}"


# The og:content line of the archived text, as `oversight ingest` writes it (the loader adds the
# content from texts/KEY.txt, so a document file in graph_data/ does not repeat it).
CONTENT_LINE = re.compile(r' ;\n[ \t]*og:content "(?:[^"\\]|\\.)*"(?= \.)')


def write_to_data_dir(path: Path, check: Check, data_dir: Path) -> tuple[Path, Path]:
    """Write a ready draft into the graph_data/ layout: documents/KEY.ttl (the draft, comments kept,
    without og:content) and texts/KEY.txt (the archived text, byte for byte). Never overwrites."""
    key = check.graph.removeprefix(DOCUMENT_GRAPH_PREFIX)
    content = [q.object.value for q in check.quads if q.predicate.value == str(OG.content)]
    turtle, replaced = CONTENT_LINE.subn("", path.read_text(encoding="utf-8"))
    if len(content) != 1 or replaced != 1:
        raise LoadError(path, "expected one og:content line, as `oversight ingest` writes it")
    targets = (data_dir / "documents" / f"{key}.ttl", data_dir / "texts" / f"{key}.txt")
    for target in targets:
        if target.exists():
            raise LoadError(target, "already exists: a document is added once")
    for target, data in zip(targets, (turtle.encode("utf-8"), content[0].encode("utf-8"))):
        target.parent.mkdir(parents=True, exist_ok=True)
        part = target.with_name(target.name + ".part")
        part.write_bytes(data)
        part.replace(target)
    return targets


def _text_problems(draft: Store) -> list[str]:
    problems = []
    for row in draft.query(TEXT_QUERY):
        if row["content"] is None:
            problems.append(f"<{row['text'].value}> has no og:content: the draft must carry the archived text")
        elif hashlib.sha256(row["content"].value.encode("utf-8")).hexdigest() != row["sha"].value:
            problems.append(f"<{row['text'].value}>: og:sha256 does not match its og:content")
    return problems


def _selector_problems(draft: Store) -> list[str]:
    problems = []
    for row in draft.query(SELECTOR_QUERY):
        content, exact = row["content"], row["exact"].value
        start, end = int(row["start"].value), int(row["end"].value)
        if content is not None and content.value[start:end] != exact:
            problems.append(f"<{row['occurrence'].value}>: oa:exact is not the text at {start}-{end}")
    return problems


def _shapes_gate(store: "Store | RemoteStore", graph: str, quads: list[ox.Quad]) -> str | None:
    """Validate the draft together with the graph. The draft is answerable for the violations on
    what it states (the nodes of its graph and what they point to, checked against everything in the
    graph), not for violations the graph already had elsewhere. Returns those violations as text, or None."""
    mine = on_snapshot(store, lambda combined: combined.oxigraph.extend(quads),
                       lambda combined: validate_added_graph(combined, graph).violations)
    if not mine:
        return None
    return "\n".join(f"  {r.focus}{' ' + r.path if r.path else ''}: {r.message}" for r in mine)
