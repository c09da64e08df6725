"""Forces, causes of concern and recommendations already in the graph that a new text names or restates."""

from __future__ import annotations

import re
from dataclasses import dataclass
from difflib import SequenceMatcher

from .index import GraphIndex, content_words, normalise
from .quotes import paragraphs, sentences


@dataclass(frozen=True)
class Mention:
    iri: str
    kind: str  # PoliceForce | CauseOfConcern | Recommendation
    start: int
    end: int
    as_printed: str
    how: str


def find_mentions(text: str, index: GraphIndex) -> list[Mention]:
    """One mention per entity: where the text first names or restates it."""
    found: dict[str, Mention] = {}
    for mention in _forces(text, index) + _findings(text, index):
        found.setdefault(mention.iri, mention)
    return list(found.values())


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
# A finding counts as restated when this share of its words appears in order in one run of the text,
MIN_SHARE, MIN_WORDS = 0.6, 6
# or when one sentence holds this share of its content words, in any order ("is not effectively
# managing the risk to the public of registered sex offenders"). Findings' boilerplate does not count.
MIN_BAG_SHARE = 0.8
BOILERPLATE = {"force", "make", "sure", "needs", "need", "doesn't", "doesn’t", "t", "it", "its", "that", "which",
               "to", "by", "is", "are", "be", "effectively", "effective", "should"}


def _findings(text: str, index: GraphIndex) -> list[Mention]:
    tokens = list(TOKEN.finditer(text))
    words = [normalise(t.group(0)) for t in tokens]
    bags = [(a, b, content_words(text[a:b]) - BOILERPLATE) for ps, pe in paragraphs(text) for a, b in sentences(text, ps, pe)]
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
            continue
        if finding.kind != "CauseOfConcern":  # recommendations differ in a few words: only a close run counts
            continue
        wanted = content_words(finding.text) - BOILERPLATE
        best = max(bags, key=lambda bag: len(wanted & bag[2]), default=None)
        if wanted and best is not None and len(wanted & best[2]) >= MIN_BAG_SHARE * len(wanted):
            found.append(Mention(finding.iri, finding.kind, best[0], best[1], text[best[0]:best[1]],
                                 f"{len(wanted & best[2])} of its {len(wanted)} content words in one sentence"))
    return found
