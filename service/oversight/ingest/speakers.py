"""Who is speaking: match the words that name a speaker ("Chief Constable Guildford added:",
"the region's police and crime commissioner said", "he added") to people, posts and organisations
already in the graph, or propose a new person for the curator to confirm."""

from __future__ import annotations

import re
from dataclasses import dataclass

from .index import GraphIndex, Person, contains_words, content_words, slug
from ..namespaces import ID

TITLE_WORDS = {"His", "Her", "Majesty", "Majesty’s", "Majesty's", "HM", "Mr", "Mrs", "Ms", "Miss", "Dr", "Sir", "Dame",
               "Chief", "Constable", "Deputy", "Assistant", "Inspector", "Inspectors", "Superintendent", "Detective",
               "Commissioner", "Mayor", "Police", "Crime", "The", "A", "An", "In", "On", "Finally", "However", "But",
               "Constabulary", "Fire", "Rescue", "Services", "Service", "Secretary", "Home", "Minister", "Lord", "Lady"}
# Overlapping pairs of capitalised words ("Constabulary Wendy", "Wendy Williams"): a lookahead.
NAME = re.compile(r"(?=\b(([A-Z][a-z]+(?:[-’'][A-Z][a-z]+)?)\s+([A-Z][a-z]+(?:[-’'][A-Z]?[a-z]+)?))\b)")
INSPECTORATE_WORDS = re.compile(r"\b(?:inspectors?|inspectorate|watchdog|the report)\b", re.IGNORECASE)
LEAD = r"^(?:(?:finally|however|but|and|also),?\s+)?"
PERSON_PRONOUN = re.compile(LEAD + r"(?:he|she)\b", re.IGNORECASE)
ORG_PRONOUN = re.compile(LEAD + r"(?:it|they)\b", re.IGNORECASE)
THE_FORCE = re.compile(r"\bthe force\b", re.IGNORECASE)


@dataclass(frozen=True)
class NewPerson:
    name: str
    given: str
    family: str

    @property
    def iri(self) -> str:
        return f"{ID}person/{slug(self.name)}"


@dataclass(frozen=True)
class SpeakerMatch:
    """The speaker (person or organisation IRI), the post they spoke in, and how that was decided."""

    speaker: str | None
    post: str | None
    how: str
    is_person: bool = False
    new_person: NewPerson | None = None

    @property
    def confident(self) -> bool:
        return self.speaker is not None and self.new_person is None


def match_speaker(attribution: str | None, index: GraphIndex, history: list[SpeakerMatch] | None = None,
                  forces: list[str] | None = None) -> SpeakerMatch:
    """The best reading of `attribution`. `history` holds the speakers found so far in the document
    (for "he added", "it said" and continuation paragraphs); `forces` the forces it mentions (for
    "the force told us")."""
    history = history or []
    previous = history[-1] if history else None
    if not attribution:
        return _again(previous, "no attribution: same speaker as the quotation before")
    if (person := _person_named(attribution, index)) is not None:
        person_obj, how = person
        return SpeakerMatch(person_obj.iri, post_for(person_obj, attribution), how, is_person=True)
    for earlier in reversed(history):  # "Mr Okoro" after "Chief Constable Daniel Okoro", new to the graph
        if earlier.new_person is not None and re.search(rf"\b{re.escape(earlier.new_person.family)}\b", attribution):
            return _again(earlier, f'surname "{earlier.new_person.family}" of {earlier.new_person.name}, named earlier in the text')
    if (new := _new_name(attribution, index)) is not None:
        return SpeakerMatch(new.iri, None, f'"{new.name}" is not in the graph: new person to confirm (or correct)',
                            is_person=True, new_person=new)
    if (by_post := _holder_of_post(attribution, index)) is not None:
        return by_post
    if (org := _organisation_named(attribution, index)) is not None:
        return SpeakerMatch(org, None, "organisation named in the attribution")
    if PERSON_PRONOUN.match(attribution):
        return _again(next((h for h in reversed(history) if h.is_person), None), f'"{attribution}": the person quoted just before')
    if ORG_PRONOUN.match(attribution):
        return _again(next((h for h in reversed(history) if not h.is_person and h.speaker), None),
                      f'"{attribution}": the organisation quoted just before')
    if INSPECTORATE_WORDS.search(attribution) and (insp := index.inspectorate()) is not None:
        return SpeakerMatch(insp.iri, None, f'"{attribution}": taken to mean the inspectorate')
    if THE_FORCE.search(attribution) and forces and len(set(forces)) == 1:
        return SpeakerMatch(forces[0], None, f'"{attribution}": the one force the document names')
    return SpeakerMatch(None, None, f'no speaker found for "{attribution}": add og:speaker')


def _again(previous: SpeakerMatch | None, how: str) -> SpeakerMatch:
    if previous is None or previous.speaker is None:
        return SpeakerMatch(None, None, "no speaker found: add og:speaker")
    return SpeakerMatch(previous.speaker, previous.post, how, previous.is_person, previous.new_person)


def _person_named(text: str, index: GraphIndex) -> tuple[Person, str] | None:
    full = [p for p in index.people.values() if any(contains_words(text, n) for n in _full_names(p))]
    if len(full) == 1:
        return full[0], "full name in the attribution"
    by_family = [p for p in index.people.values()
                 if p.family and re.search(rf"\b{re.escape(p.family)}\b", text)]
    if len(by_family) == 1:
        return by_family[0], f'surname "{by_family[0].family}" in the attribution'
    return None


def _full_names(person: Person) -> list[str]:
    names = [person.name]
    if person.given and person.family:
        names.append(f"{person.given} {person.family}")
    return names


def _new_name(text: str, index: GraphIndex) -> NewPerson | None:
    """A "Given Family" pair of capitalised words that is neither a title nor part of a known name."""
    known = [n for o in index.organisations.values() for n in o.names] + [p.label for p in index.posts.values()]
    for m in reversed(list(NAME.finditer(text))):
        full, given, family = m.group(1), m.group(2), m.group(3)
        if given in TITLE_WORDS or family in TITLE_WORDS:
            continue
        if any(contains_words(name, full) for name in known):
            continue
        return NewPerson(full, given, family)
    return None


def _holder_of_post(text: str, index: GraphIndex) -> SpeakerMatch | None:
    """A post named in words ("the region's police and crime commissioner") whose one holder speaks.
    Organisation names are set aside first: "West Midlands Police said" names no post."""
    for name in sorted((n for o in index.organisations.values() for n in o.names), key=len, reverse=True):
        text = re.sub(rf"\b{re.escape(name)}\b", " ", text)
    words = content_words(text)
    best, best_overlap = None, 1
    for post in index.posts.values():
        label_words = content_words(post.label)
        overlap = len(words & label_words)
        if overlap > best_overlap and (overlap >= 0.75 * len(label_words) or overlap >= 0.75 * len(words)):
            best, best_overlap = post, overlap
    if best is None or len(best.holders) != 1:
        return None
    (holder,) = best.holders
    return SpeakerMatch(holder, best.iri, f'post "{best.label}" named in the attribution; its holder', is_person=True)


def _organisation_named(text: str, index: GraphIndex) -> str | None:
    found = [(len(name), org.iri) for org in index.organisations.values() for name in org.names
             if (re.search(rf"\b{re.escape(name)}\b", text) if name.isupper() else contains_words(text, name))]
    return max(found)[1] if found else None


def post_for(person: Person, words: str, strict: bool = False) -> str | None:
    """The post among `person`'s whose label shares most words with `words` (the attribution, or a
    line of a letter's block); a person with one post spoke in it, unless `strict`."""
    if not person.posts:
        return None
    wanted = content_words(words)
    scored = sorted(((len(wanted & content_words(label)), iri) for iri, label in person.posts.items()),
                    key=lambda s: (-s[0], s[1]))
    if scored[0][0] > 0 or (len(scored) == 1 and not strict):
        return scored[0][1]
    return None
