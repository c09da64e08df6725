"""What the graph already knows that a new document may name: people and their posts, organisations
and forces, causes of concern and recommendations, statements. Read once per ingest through the
named queries ingest-*.rq."""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, field

from ..queries import load_query
from ..store import Store


@dataclass
class Person:
    iri: str
    name: str
    given: str | None = None
    family: str | None = None
    posts: dict[str, str] = field(default_factory=dict)  # post IRI -> label


@dataclass
class Organisation:
    iri: str
    names: set[str] = field(default_factory=set)
    is_force: bool = False
    is_inspectorate: bool = False


@dataclass
class Post:
    iri: str
    label: str
    holders: set[str] = field(default_factory=set)


@dataclass
class Finding:
    iri: str
    kind: str  # CauseOfConcern | Recommendation
    text: str


@dataclass
class KnownStatement:
    iri: str
    text: str
    speaker: str | None


@dataclass
class GraphIndex:
    people: dict[str, Person] = field(default_factory=dict)
    organisations: dict[str, Organisation] = field(default_factory=dict)
    posts: dict[str, Post] = field(default_factory=dict)
    findings: list[Finding] = field(default_factory=list)
    statements: list[KnownStatement] = field(default_factory=list)

    @classmethod
    def from_store(cls, store: Store) -> "GraphIndex":
        index = cls()
        for row in _rows(store, "ingest-people"):
            person = index.people.setdefault(row["person"], Person(row["person"], row["name"]))
            person.given = person.given or row.get("given")
            person.family = person.family or row.get("family")
            if row.get("post"):
                person.posts[row["post"]] = row.get("postLabel") or ""
        for row in _rows(store, "ingest-organisations"):
            org = index.organisations.setdefault(row["organisation"], Organisation(row["organisation"]))
            org.names.add(row["name"])
            org.is_force |= row.get("isForce") == "true"
            org.is_inspectorate |= row.get("isInspectorate") == "true"
        for row in _rows(store, "ingest-posts"):
            post = index.posts.setdefault(row["post"], Post(row["post"], row["label"]))
            if row.get("holder"):
                post.holders.add(row["holder"])
        index.findings = [Finding(r["finding"], r["kind"].rsplit("#", 1)[-1], r["text"]) for r in _rows(store, "ingest-findings")]
        seen: dict[tuple[str, str], KnownStatement] = {}
        for row in _rows(store, "ingest-statements"):
            seen.setdefault((row["statement"], row["text"]), KnownStatement(row["statement"], row["text"], row.get("speaker")))
        index.statements = list(seen.values())
        return index

    def forces(self) -> list[Organisation]:
        return [o for o in self.organisations.values() if o.is_force]

    def inspectorate(self) -> Organisation | None:
        """The inspectorate, when the graph knows exactly one ("inspectors said", "the watchdog says")."""
        found = [o for o in self.organisations.values() if o.is_inspectorate]
        return found[0] if len(found) == 1 else None


def _rows(store: Store, name: str) -> list[dict[str, str]]:
    result = store.query(load_query(name))
    variables = [v.value for v in result.variables]
    rows = []
    for solution in result:
        rows.append({var: solution[var].value for var in variables if solution[var] is not None})
    return rows


# -- words --------------------------------------------------------------------------------------
STOPWORDS = {"the", "of", "a", "an", "and", "for", "from", "in", "on", "at", "to", "his", "her", "majesty", "majesty’s",
             "majesty's", "s", "hm", "said", "says", "added", "continued", "force", "region's", "region’s", "&"}


def normalise(text: str) -> str:
    """Lower case, straight apostrophes, single spaces: for comparing names, never for offsets."""
    text = unicodedata.normalize("NFKC", text).replace("’", "'").replace("‘", "'")
    return re.sub(r"\s+", " ", text).strip().lower()


def content_words(text: str) -> set[str]:
    return {w for w in re.findall(r"[a-z0-9']+", normalise(text).replace("'s ", " ")) if w not in STOPWORDS}


def slug(text: str) -> str:
    ascii_text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    return re.sub(r"[^a-z0-9]+", "-", ascii_text.lower()).strip("-")


def contains_words(haystack: str, needle: str) -> bool:
    """`needle` occurs in `haystack` as whole words (case-insensitive, apostrophes normalised)."""
    return re.search(rf"(?<![\w]){re.escape(normalise(needle))}(?![\w])", normalise(haystack)) is not None

