"""From a source text to a draft of its named graph: the document, its statements and occurrences,
its mentions, each drafted node marked og:needsReview with what the curator has to check."""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass, field
from datetime import date

from ..namespaces import ID, document_graph
from . import turtle as ttl
from .dates import DateMention, DateValue, find_dates
from .index import GraphIndex, KnownStatement, normalise, slug
from .mentions import Mention, find_mentions
from .metadata import KINDS, Metadata, Party, extract_metadata
from .quotes import Quote, find_quotes
from .speakers import NewPerson, SpeakerMatch, match_speaker, post_for

# Typed as the seed graph types its documents, so queries need no inference.
DOCUMENT_CLASS = {"letter": "og:Letter, schema:Message", "news-article": "og:NewsArticle, schema:NewsArticle",
                  "news-release": "og:NewsRelease, schema:Article", "report": "og:Report, schema:Report"}
KEY_KIND = {"letter": "letter", "news-article": "article", "news-release": "news", "report": "report"}
CONCEPT = f"{ID}concept/"
PRECISION = f"{CONCEPT}date-precision/"
SPEECH_MODE = f"{CONCEPT}speech-mode/"
ADDRESSING_ROLE = f"{CONCEPT}addressing-role/"
PARTY_PROPERTY = {"from": "schema:sender", "to": "schema:recipient", "cc": "schema:ccRecipient"}
ADDRESSING_ROLES = {"from": "sender", "to": "recipient", "cc": "copy"}
AFFIX = 32  # characters of oa:prefix / oa:suffix
MIN_REUSED_WORDS = 40  # shortest known statement looked for unquoted in a new text (characters)
KEY_PATTERN = re.compile(r"[a-z0-9]+(?:-[a-z0-9]+)*")
IRI_PATTERN = re.compile(r"https?://[^\s<>\"{}|\\^`]+")


@dataclass
class Options:
    kind: str
    source_name: str
    url: str | None = None
    published: str | None = None
    publisher: str | None = None
    author: str | None = None
    key: str | None = None


@dataclass
class DraftStatement:
    n: int
    quote: Quote
    speaker: SpeakerMatch
    date: DateValue | None
    existing: str | None = None  # a statement already in the graph with the same words
    existing_complete: bool = False  # …and the graph already says who made it


@dataclass
class DraftParty:
    party: Party
    person: str
    posts: list[str]
    new_person: NewPerson | None

    @property
    def post(self) -> str | None:
        return self.posts[0] if self.posts else None


@dataclass
class Draft:
    key: str
    options: Options
    text: str
    sha256: str
    meta: Metadata
    statements: list[DraftStatement] = field(default_factory=list)
    parties: list[DraftParty] = field(default_factory=list)
    mentions: list[Mention] = field(default_factory=list)
    dates: list[DateMention] = field(default_factory=list)
    publisher: tuple[str, str | None] | None = None  # IRI, name when new
    author: SpeakerMatch | None = None

    @property
    def document(self) -> str:
        return f"{ID}document/{self.key}"

    @property
    def graph(self) -> str:
        return document_graph(self.key)

    def new_people(self) -> list[NewPerson]:
        people = [s.speaker.new_person for s in self.statements] + [p.new_person for p in self.parties]
        if self.author is not None:
            people.append(self.author.new_person)
        return list({p.iri: p for p in people if p is not None}.values())


def build_draft(text: str, options: Options, index: GraphIndex) -> Draft:
    """Read `text` and draft everything it says that the graph has a place for."""
    if options.kind not in KINDS:
        raise ValueError(f"unknown kind {options.kind!r}: expected one of {', '.join(KINDS)}")
    if options.key is not None and not KEY_PATTERN.fullmatch(options.key):
        raise ValueError(f"--key {options.key!r}: a key is lower case words joined by hyphens, e.g. hmicfrs-letter-2024-09-18-wmp-return-to-scan")
    # --url is an IRI; --publisher is an IRI when it looks like one, a name otherwise.
    for name, value in (("--url", options.url), ("--publisher", options.publisher)):
        must_be_iri = name == "--url" or value is not None and value.startswith(("http://", "https://"))
        if value and must_be_iri and not IRI_PATTERN.fullmatch(value):
            raise ValueError(f"{name} {value!r}: not an http(s) IRI")
    meta = extract_metadata(text, options.kind, options.published, options.author)
    draft = Draft("", options, text, hashlib.sha256(text.encode("utf-8")).hexdigest(), meta)
    draft.mentions = find_mentions(text, index)
    draft.dates = find_dates(text, meta.date)
    draft.parties = [_party(p, index) for p in meta.parties]
    if meta.author:
        draft.author = match_speaker(meta.author, index)
    if options.publisher:
        draft.publisher = _publisher(options.publisher, index)
    forces = [m.iri for m in draft.mentions if m.kind == "PoliceForce"]
    sender = next((p for p in draft.parties if p.party.role == "from"), None)
    history: list[SpeakerMatch] = []
    for n, quote in enumerate(_with_known_words(find_quotes(text), text, index, sender), start=1):
        if quote.mode == "written" and sender is not None:
            # A letter's own words that a statement in the graph quotes: the sender wrote them.
            speaker = SpeakerMatch(sender.person, sender.post, "the letter's sender (From block)", True, sender.new_person)
        else:
            speaker = match_speaker(quote.who, index, history, forces)
        if speaker.speaker is not None:
            history.append(speaker)
        known = _known(quote, index)
        draft.statements.append(DraftStatement(n, quote, speaker, _statement_date(quote, meta.date),
                                               known.iri if known else None, bool(known and known.speaker)))
    draft.key = options.key or _key(draft)
    return draft


def _party(party: Party, index: GraphIndex) -> DraftParty:
    match = match_speaker(party.name, index)
    person = index.people.get(match.speaker or "")
    # Each line under the name may print a post ("His Majesty's Inspector of Constabulary").
    posts = [post for line in party.lines[1:] if person and (post := post_for(person, line, strict=True))]
    return DraftParty(party, match.speaker or f"{ID}person/{slug(party.name)}", list(dict.fromkeys(posts)),
                      match.new_person or (None if person else NewPerson(party.name, *_split_name(party.name))))


def _split_name(name: str) -> tuple[str, str]:
    given, _, family = name.rpartition(" ")
    return given, family


def _publisher(value: str, index: GraphIndex) -> tuple[str, str | None]:
    if value.startswith(("http://", "https://")):
        return value, None
    for org in index.organisations.values():
        if any(normalise(n) == normalise(value) for n in org.names):
            return org.iri, None
    return f"{ID}organisation/{slug(value)}", value


def _with_known_words(quotes: list[Quote], text: str, index: GraphIndex, sender: DraftParty | None) -> list[Quote]:
    """Add the words of statements already in the graph that this text prints without quotation
    marks (a letter that a news article later quotes): each is another occurrence of that statement.
    In a letter they are the sender's written words."""
    extra = []
    for known in index.statements:
        words = known.text.strip().rstrip(",;:")  # a quotation's closing comma is not in the letter
        if len(words) < MIN_REUSED_WORDS:
            continue
        at = text.find(words)
        if at == -1 or any(q.start < at + len(words) and at < q.end for q in quotes + extra):
            continue
        attribution = sender.party.lines[0] if sender is not None else None
        extra.append(Quote(at, at + len(words), words, "written" if sender is not None else "direct-quote", attribution,
                           ["the words of a statement already in the graph, printed here without quotation marks"]))
    return sorted(quotes + extra, key=lambda q: q.start)


def _known(quote: Quote, index: GraphIndex) -> KnownStatement | None:
    """A statement in the graph with the same words (ignoring quotation marks, case and spacing)."""
    words = _comparable(quote.exact)
    same = [k for k in index.statements if _comparable(k.text) == words]
    return max(same, key=lambda k: k.speaker is not None) if same else None


def _comparable(text: str) -> str:
    return " ".join(normalise(text).replace("“", "").replace("”", "").replace('"', "").strip(" ,.").split())


def _statement_date(quote: Quote, document_date: DateValue | None) -> DateValue | None:
    """A date printed in the attribution ("In December, HMICFRS said") dates the statement;
    otherwise the document's date does (a quotation is as old as the text that prints it)."""
    if quote.attribution:
        printed = [m.date for m in find_dates(quote.attribution, document_date) if m.date is not None]
        if printed:
            return printed[0]
    return document_date


def _key(draft: Draft) -> str:
    """publisher-kind-date-subject, e.g. hmicfrs-letter-2024-09-18-west-midlands-police-return-to-default."""
    publisher = ""
    if draft.publisher:
        publisher = draft.publisher[0].rstrip("/").rsplit("/", 1)[-1]
    elif draft.parties and draft.parties[0].post:
        publisher = draft.parties[0].post.rstrip("/").rsplit("/", 2)[-2]
    when = draft.meta.date.value or draft.meta.date.earliest.isoformat() if draft.meta.date else "undated"
    subject = "-".join(slug(draft.meta.title or "untitled").split("-")[:6])
    return "-".join(p for p in (publisher, KEY_KIND[draft.options.kind], when, subject) if p)


# -- Turtle ---------------------------------------------------------------------------------------

def render(draft: Draft, today: date | None = None) -> str:
    """The draft as Turtle: the content of the named graph <{base}/data/document/KEY>."""
    today = today or date.today()
    out = [
        f"# DRAFT of the named graph <{draft.graph}>\n",
        f"# made by `oversight ingest` from {draft.options.source_name} on {today.isoformat()}.\n",
        "# Every drafted resource carries og:needsReview saying what to check. Check it against the text,\n",
        "# correct what is wrong, then delete the og:needsReview line. `oversight ingest --check` lists what\n",
        "# is left; `oversight add` merges the draft once nothing is and the shapes gate passes.\n\n",
        ttl.prefixes(), "\n",
        ttl.node(ttl.iri(draft.graph), [
            ("a", "prov:Entity"), ("og:describesDocument", ttl.iri(draft.document)),
            ("prov:wasDerivedFrom", ttl.iri(draft.document)), ("dct:source", ttl.iri(draft.document))]),
        "\n", _document(draft), "\n", _archived_text(draft),
    ]
    for party in draft.parties:
        out += ["\n", _addressing(draft, party)]
    for person in draft.new_people():
        out += ["\n", _new_person(person)]
    if draft.publisher and draft.publisher[1]:
        out += ["\n# TODO review: a new organisation (move it to graph_data/reference.ttl once confirmed)\n",
                ttl.node(ttl.iri(draft.publisher[0]), [("a", "schema:Organization, foaf:Organization"),
                                                       ("schema:name", ttl.literal(draft.publisher[1])),
                                                       ("og:needsReview", ttl.literal("new organisation: confirm its name and IRI"))])]
    for statement in draft.statements:
        out += ["\n", _statement(draft, statement)]
    if draft.dates:
        out.append("\n# Dates printed in the text (for the events this document reports; model them as docs/modelling.md says):\n")
        for d in draft.dates:
            resolved = "unresolved" if d.date is None else f"{d.date.value or d.date.earliest.isoformat() + '..' + d.date.latest.isoformat()} ({d.date.precision})"
            out.append(f"#   {d.start}-{d.end} {d.text!r} -> {resolved}\n")
    return "".join(out)


def _document(draft: Draft) -> str:
    meta = draft.meta
    checks = [f"title, kind and date: the date comes from {meta.date_source or 'nowhere: add it (--published)'}"]
    props: list[tuple[str, str | list[str]]] = [
        ("a", [DOCUMENT_CLASS[draft.options.kind], "og:SourceDocument", "prov:Entity"]),
        ("dct:title", ttl.literal(meta.title or "", lang="en")),
    ]
    props += ttl.date_properties(meta.date, PRECISION)
    if meta.date is not None and meta.date.value and meta.date.datatype == "date":
        props += [("dct:issued", ttl.literal(meta.date.value, "date")), ("schema:datePublished", ttl.literal(meta.date.value, "date"))]
    if meta.date_sent is not None and meta.date_sent.value:
        props.append(("schema:dateSent", ttl.literal(meta.date_sent.value, "date")))
    if draft.options.url:
        props.append(("schema:url", ttl.iri(draft.options.url)))
    if draft.publisher:
        props.append(("dct:publisher", ttl.iri(draft.publisher[0])))
    if draft.author is not None and draft.author.speaker:
        props += [("dct:creator", ttl.iri(draft.author.speaker)), ("schema:author", ttl.iri(draft.author.speaker))]
        checks.append(f"author: {draft.author.how}")
    elif (sender := next((p for p in draft.parties if p.party.role == "from"), None)) is not None:
        props.append(("dct:creator", ttl.iri(sender.person)))  # a letter is written by its sender
    for role, prop in PARTY_PROPERTY.items():
        props.append((prop, [ttl.iri(p.person) for p in draft.parties if p.party.role == role]))
    if draft.parties:
        checks.append("From/To/Cc blocks: people and posts")
        props.append(("og:addressing", [ttl.iri(_addressing_iri(draft, i)) for i in range(len(draft.parties))]))
    props.append(("og:archivedText", ttl.iri(f"{ID}text/{draft.key}")))
    props.append(("og:sourceFile", ttl.literal(draft.options.source_name)))
    if draft.mentions:
        checks.append("mentions: " + "; ".join(f"{m.iri.rsplit('/', 1)[-1]} ({m.how})" for m in draft.mentions))
        props.append(("og:mentions", sorted({ttl.iri(m.iri) for m in draft.mentions})))
    props.append(("og:needsReview", ttl.literal("; ".join(checks))))
    return "# TODO review: the document\n" + ttl.node(ttl.iri(draft.document), props)


def _archived_text(draft: Draft) -> str:
    return ttl.node(ttl.iri(f"{ID}text/{draft.key}"), [
        ("a", "og:ArchivedText"), ("og:sha256", ttl.literal(draft.sha256)),
        ("dct:format", ttl.literal("text/plain; charset=utf-8")),
        ("og:content", ttl.literal(draft.text)),
    ])


def _addressing_iri(draft: Draft, i: int) -> str:
    party = draft.parties[i]
    same_role = [p for p in draft.parties if p.party.role == party.party.role]
    suffix = "" if len(same_role) == 1 else str(same_role.index(party) + 1)
    return f"{draft.document}#{party.party.role}{suffix}"


def _addressing(draft: Draft, party: DraftParty) -> str:
    i = draft.parties.index(party)
    p = party.party
    return f"# TODO review: {p.role.upper()} block\n" + ttl.node(ttl.iri(_addressing_iri(draft, i)), [
        ("a", "og:Addressing"), ("og:party", ttl.iri(party.person)),
        ("og:addressingRole", ttl.iri(ADDRESSING_ROLE + ADDRESSING_ROLES[p.role])),
        ("og:partyPost", [ttl.iri(post) for post in party.posts]),
        ("og:asPrinted", ttl.literal(p.as_printed)),
        ("og:needsReview", ttl.literal(f"{p.role} block: the person and the post the block prints"
                                       + ("" if party.posts else " (no post in the graph matched: add og:partyPost)"))),
    ])


def _new_person(person: NewPerson) -> str:
    return ("# TODO review: a new person (move them to graph_data/reference.ttl, with their post, once confirmed)\n"
            + ttl.node(ttl.iri(person.iri), [
                ("a", "schema:Person, foaf:Person"), ("schema:name", ttl.literal(person.name)),
                ("schema:givenName", ttl.literal(person.given)), ("schema:familyName", ttl.literal(person.family)),
                ("og:needsReview", ttl.literal("new person: confirm the name, or replace the IRI with a person already in the graph")),
            ]))


def _statement(draft: Draft, s: DraftStatement) -> str:
    q, sp = s.quote, s.speaker
    occurrence = f"{ID}occurrence/{draft.key}/{s.n}"
    statement = s.existing or f"{ID}statement/{draft.key}/{s.n}"
    text = draft.text
    review = [f"{q.mode}: check the words and their bounds", f"speaker: {sp.how}"] + q.notes
    parts = [f"# TODO review: {q.mode} {s.n}, {q.attribution or '(no attribution)'!s}\n"]
    if s.existing:
        review.insert(0, "the same words as a statement already in the graph: this is another occurrence of it")
    if s.existing_complete:
        parts.append(ttl.node(ttl.iri(statement), [("og:occurrence", ttl.iri(occurrence))]))
    else:
        props: list[tuple[str, str | list[str]]] = [
            ("a", "og:Statement, schema:Quotation, prov:Entity"),
            ("og:speaker", ttl.iri(sp.speaker) if sp.speaker else ""),
            ("og:speakerPost", ttl.iri(sp.post) if sp.post else ""),
            ("schema:text", ttl.literal(q.exact, lang="en")),
            ("og:speechMode", ttl.iri(SPEECH_MODE + q.mode)),
        ]
        props += ttl.date_properties(s.date, PRECISION)
        props += [("og:occurrence", ttl.iri(occurrence)), ("og:needsReview", ttl.literal("; ".join(review)))]
        parts.append(ttl.node(ttl.iri(statement), props))
    selectors = (
        f"[ a oa:TextQuoteSelector ; oa:exact {ttl.literal(q.exact)} ;\n"
        f"          oa:prefix {ttl.literal(text[max(0, q.start - AFFIX):q.start])} ;\n"
        f"          oa:suffix {ttl.literal(text[q.end:q.end + AFFIX])} ],\n"
        f"        [ a oa:TextPositionSelector ; oa:start {q.start} ; oa:end {q.end} ]"
    )
    parts.append(ttl.node(ttl.iri(occurrence), [
        ("a", "og:Occurrence, oa:SpecificResource"), ("oa:hasSource", ttl.iri(draft.document)),
        ("og:attributionAsPrinted", ttl.literal(q.attribution) if q.attribution else ""),
        ("oa:hasSelector", selectors),
        ("og:needsReview", ttl.literal("; ".join(review)) if s.existing_complete else ""),
    ]))
    return "".join(parts)

