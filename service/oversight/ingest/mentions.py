"""Forces, causes of concern and recommendations already in the graph that a new text names or restates."""

from __future__ import annotations

import re
from dataclasses import dataclass
from difflib import SequenceMatcher

from .index import GraphIndex, normalise


@dataclass(frozen=True)
class Mention:
    iri: str
    kind: str  # PoliceForce | CauseOfConcern | Recommendation
    start: int
    end: int
    as_printed: str
    how: str


def find_mentions(text: str, index: GraphIndex) -> list[Mention]:
    return _forces(text, index) + _findings(text, index)


def _forces(text: str, index: GraphIndex) -> list[Mention]:
    found = []
    for force in index.forces():
        hits = [m for name in sorted(force.names, key=len, reverse=True)
                if (m := re.search(rf"\b{re.escape(name)}\b", text)) is not None]
        if hits:
            first = min(hits, key=lambda m: m.start())
            found.append(Mention(force.iri, "PoliceForce", first.start(), first.end(), first.group(0),
                                 f'named as "{first.group(0)}"'))
    return found


TOKEN = re.compile(r"[\w’']+")
# A finding counts as restated when this share of its words appears in order in one run of the text.
MIN_SHARE, MIN_WORDS = 0.6, 6


def _findings(text: str, index: GraphIndex) -> list[Mention]:
    tokens = list(TOKEN.finditer(text))
    words = [normalise(t.group(0)) for t in tokens]
    found = []
    for finding in index.findings:
        target = [normalise(w) for w in TOKEN.findall(finding.text)]
        if not target:
            continue
        matcher = SequenceMatcher(None, words, target, autojunk=False)
        match = matcher.find_longest_match(0, len(words), 0, len(target))
        if match.size >= max(MIN_WORDS, MIN_SHARE * len(target)) or (match.size == len(target) and match.size >= 3):
            start, end = tokens[match.a].start(), tokens[match.a + match.size - 1].end()
            found.append(Mention(finding.iri, finding.kind, start, end, text[start:end],
                                 f"{match.size} of its {len(target)} words in a row"))
    return found
