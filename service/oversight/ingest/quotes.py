"""Find what people are quoted or reported as saying, with exact code-point offsets.

Three kinds (docs/modelling.md, "Statements"):
- direct-quote: a quotation standing as its own sentence or paragraph, introduced by "X said:" (in
  the same or the previous paragraph) or followed by ", said X" / ", he added";
- partial-quote: a few quoted words inside the writer's sentence ("said he was "pleased" with");
- reported-speech: "X said (that) ..." / "X says he disagrees ..." with no quotation marks.

A quotation that runs over several paragraphs (each opening with a quotation mark, only the last
closing) is one quote from just after its first opening mark to just before its final closing mark.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

OPEN_CLOSE = {"“": "”", '"': '"'}
SPEECH_VERBS = (r"said|says|say|added|adds|continued|continues|stated|states|explained|explains|warned|warns|"
                r"commented|insisted|argued|claimed|acknowledged|admitted|told(?: \w+)?|tells(?: \w+)?")
VERB = re.compile(rf"\b(?:{SPEECH_VERBS})\b")
INTRO = re.compile(rf"\b(?:{SPEECH_VERBS})\s*:\s*$")  # "... said:" right before a quotation
AFTER = re.compile(rf"^\s*[,.]?\s*(?P<attr>(?:(?:{SPEECH_VERBS})\s+[^.”\"\n]+?|[^.”\"\n]+?\s+(?:{SPEECH_VERBS})))\s*[.]")
# Reported speech: a short subject (not the writer's own "we" or "I"), a verb of saying or finding
# (not "continued", which mostly means "went on doing"), an optional "that", and the clause to the
# end of the sentence, which may hold a few quoted words.
REPORTING_VERBS = (r"said|says|added|adds|stated|warned|insisted|argued|claimed|acknowledged|admitted|"
                   r"(?:has |have |had )?found|told (?:us|me|them|reporters|the \w+)")
REPORTED = re.compile(rf"^(?P<attr>(?P<subject>(?!(?:we|I|We)\s)(?:[^“”\"‘’\s]+\s+){{0,11}}?[^“”\"‘’\s]+)\s+"
                      rf"(?P<verb>{REPORTING_VERBS})(?:\s+that)?)\s+(?P<clause>[^“\"‘].*?)\s*$")
# "It relates to concerns inspectors raised about …": the whole sentence reports what they raised.
RAISED = re.compile(r"\b(?P<attr>(?:concerns|issues)\s+(?P<subject>inspectors|the inspectorate|\w+)\s+(?:raised|identified))\b")
LIST_ITEM = re.compile(r"^\s*(?:[•●▪◦*-]|\d+[.)])\s")
CLAUSE_BREAK = re.compile(r".*(?:,\s+|\bbut\s+|\bwhile\s+)")
SENTENCE_END = re.compile(r"(?<=[.!?])\s+(?=[A-Z“\"‘])")


@dataclass
class Quote:
    """A quotation or a piece of reported speech found in a text."""

    start: int
    end: int
    exact: str
    mode: str  # direct-quote | partial-quote | reported-speech | written
    attribution: str | None  # how the text names the speaker, verbatim ("Lee Freeman said:")
    notes: list[str] = field(default_factory=list)
    continues_previous: bool = False  # no attribution of its own: same speaker as the quote before
    speaker_words: str | None = None  # the words that name the speaker, when not the whole attribution

    @property
    def who(self) -> str | None:
        return self.speaker_words or self.attribution


def find_quotes(text: str) -> list[Quote]:
    """Every quotation and piece of reported speech in `text`, in reading order."""
    quotes = [_attribute(text, s, e, notes) for s, e, notes in _quotation_spans(text)]
    # Reported speech may hold a few quoted words, but is never a direct quotation.
    direct = [(q.start - 1, q.end + 1) for q in quotes if q.mode == "direct-quote"]
    quotes += [q for q in _reported_speech(text) if not any(s < q.end and q.start < e for s, e in direct)]
    return sorted(quotes, key=lambda q: q.start)


def paragraphs(text: str) -> list[tuple[int, int]]:
    """(start, end) of every non-empty line: the seeds put one paragraph on a line."""
    return [(m.start(), m.end()) for m in re.finditer(r"^.*\S.*$", text, re.MULTILINE)]


def _paragraph_at(paras: list[tuple[int, int]], pos: int) -> int:
    return next(i for i, (s, e) in enumerate(paras) if s <= pos <= e)


def _quotation_spans(text: str) -> list[tuple[int, int, list[str]]]:
    """(start, end, notes) inside the quotation marks of every quotation, paragraphs joined."""
    paras = paragraphs(text)
    spans: list[tuple[int, int, list[str]]] = []
    i = 0
    while i < len(text):
        mark = text[i]
        if mark not in OPEN_CLOSE or (mark == '"' and _is_closing_straight(text, i)):
            i += 1
            continue
        close_mark, start = OPEN_CLOSE[mark], i + 1
        p = _paragraph_at(paras, i)
        notes: list[str] = []
        while True:
            para_end = paras[p][1]
            close = text.find(close_mark, start if p == _paragraph_at(paras, i) else paras[p][0] + 1, para_end)
            if close != -1:
                break
            nxt = paras[p + 1] if p + 1 < len(paras) else None
            if nxt is not None and text[nxt[0]] == mark:
                p += 1  # the quotation goes on in the next paragraph, which opens with a mark again
                continue
            close = para_end
            notes.append("the quotation has no closing mark: it is taken to end with its paragraph")
            break
        if close > start:
            spans.append((start, close, notes))
        i = close + 1
    return spans


def _is_closing_straight(text: str, i: int) -> bool:
    """A straight quote after a letter, digit or punctuation with no space before closes a quotation."""
    return i > 0 and not text[i - 1].isspace() and text[i - 1] not in "([{—–-"


def _attribute(text: str, start: int, end: int, notes: list[str]) -> Quote:
    paras = paragraphs(text)
    p = _paragraph_at(paras, start - 1)
    before = text[paras[p][0]:start - 1]
    last_para_end = paras[_paragraph_at(paras, end)][1]
    after = text[end + 1:last_para_end] if end < last_para_end else ""
    exact = text[start:end]
    quote = Quote(start, end, exact, "direct-quote", None, list(notes))
    if before.strip():
        if INTRO.search(before):
            quote.attribution = before.strip()
            return quote
        quote.mode = "partial-quote"
        sentence = SENTENCE_END.split(before)[-1]
        verbs = list(VERB.finditer(sentence))
        if verbs:
            # The clause that says it, as printed up to the quotation mark ("… but in the latest update
            # inspectors said there had been"); the speaker is named before its verb.
            cut = CLAUSE_BREAK.match(sentence[:verbs[-1].start()])
            begin = cut.end() if cut else 0
            quote.attribution = sentence[begin:].strip()
            quote.speaker_words = sentence[begin:verbs[-1].end()].strip()
            return quote
    if (m := AFTER.match(after)) is not None:
        quote.attribution = m.group("attr").strip()
        return quote
    if quote.mode == "direct-quote" and p > 0 and INTRO.search(text[paras[p - 1][0]:paras[p - 1][1]]):
        quote.attribution = text[paras[p - 1][0]:paras[p - 1][1]].strip()
        return quote
    if quote.mode == "direct-quote":
        quote.continues_previous = True
        quote.notes.append("no attribution next to the quotation: taken to continue the previous speaker")
    else:
        quote.notes.append("no speaker found for these quoted words: is it a quotation at all?")
    return quote


def _reported_speech(text: str) -> list[Quote]:
    """Sentences "SUBJECT said (that) CLAUSE." and "… concerns SUBJECT raised …"; the occurrence is
    the clause (or the sentence), with the list that follows a clause ending in a colon."""
    found: list[Quote] = []
    paras = paragraphs(text)
    for p, (p_start, p_end) in enumerate(paras):
        for s_start, s_end in sentences(text, p_start, p_end):
            sentence = text[s_start:s_end]
            m = REPORTED.match(sentence)
            if m is not None:
                start, end, attr, who = s_start + m.start("clause"), s_start + m.end("clause"), m.group("attr"), m.group("subject")
            elif (r := RAISED.search(sentence)) is not None:
                start, end, attr, who = s_start, s_end, r.group("attr"), r.group("subject")
            else:
                continue
            if text[end - 1] == ":":
                end = _list_end(text, paras, p, end)
            found.append(Quote(start, end, text[start:end], "reported-speech", attr.strip(),
                               ["reported speech: the source's own words, not a quotation"], speaker_words=who))
    return found


def sentences(text: str, start: int, end: int) -> list[tuple[int, int]]:
    """(start, end) of each sentence of text[start:end], surrounding spaces left out."""
    spans, at = [], start
    for m in list(SENTENCE_END.finditer(text, start, end)) + [None]:
        stop = m.start() if m else end
        chunk = text[at:stop]
        lead = len(chunk) - len(chunk.lstrip())
        if chunk.strip():
            spans.append((at + lead, at + len(chunk.rstrip())))
        at = m.end() if m else end
    return spans


def _list_end(text: str, paras: list[tuple[int, int]], p: int, end: int) -> int:
    """The end of the list items (bulleted paragraphs) that follow paragraph p."""
    while p + 1 < len(paras) and LIST_ITEM.match(text[paras[p + 1][0]:paras[p + 1][1]]):
        p += 1
        end = paras[p][1]
    return end
