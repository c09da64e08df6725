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
# Reported speech: a short subject, a verb of saying (not "continued", which mostly means "went on
# doing"), an optional "that", and a clause with no quotation marks of any kind.
REPORTING_VERBS = r"said|says|added|adds|stated|warned|insisted|argued|claimed|acknowledged|admitted|told (?:us|me|them|reporters|the \w+)"
REPORTED = re.compile(rf"^(?P<attr>(?P<subject>(?:[^“”\"‘’\s]+\s+){{0,11}}?[^“”\"‘’\s]+)\s+(?P<verb>{REPORTING_VERBS}))\s+"
                      rf"(?:that\s+)?(?P<clause>[^“”\"‘]+?)[.:]?\s*$")
CLAUSE_BREAK = re.compile(r".*(?:,\s+|\bbut\s+|\bwhile\s+)")
SENTENCE_END = re.compile(r"(?<=[.!?])\s+(?=[A-Z“\"‘])")


@dataclass
class Quote:
    """A quotation or a piece of reported speech found in a text."""

    start: int
    end: int
    exact: str
    mode: str  # direct-quote | partial-quote | reported-speech
    attribution: str | None  # how the text names the speaker, verbatim ("Lee Freeman said:")
    notes: list[str] = field(default_factory=list)
    continues_previous: bool = False  # no attribution of its own: same speaker as the quote before


def find_quotes(text: str) -> list[Quote]:
    """Every quotation and piece of reported speech in `text`, in reading order."""
    quotes = [_attribute(text, s, e, notes) for s, e, notes in _quotation_spans(text)]
    quoted = [(q.start - 1, q.end + 1) for q in quotes]
    quotes += [q for q in _reported_speech(text) if not any(s < q.end and q.start < e for s, e in quoted)]
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
            # The clause that says it: "… but in the latest update inspectors said" -> "inspectors said".
            clause = sentence[:verbs[-1].end()]
            cut = CLAUSE_BREAK.match(clause[:verbs[-1].start()])
            quote.attribution = clause[cut.end() if cut else 0:].strip()
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
    """Sentences "SUBJECT said (that) CLAUSE." with no quotation marks; the clause is the occurrence."""
    found: list[Quote] = []
    for p_start, p_end in paragraphs(text):
        para = text[p_start:p_end]
        offset = 0
        for sentence in SENTENCE_END.split(para):
            s_start = p_start + para.index(sentence, offset)
            offset = s_start - p_start + len(sentence)
            m = REPORTED.match(sentence.strip())
            if m is None or sentence.rstrip().endswith(":") and not m.group("clause").strip():
                continue
            lead = len(sentence) - len(sentence.lstrip())
            c_start = s_start + lead + m.start("clause")
            c_end = s_start + lead + m.end("clause")
            found.append(Quote(c_start, c_end, text[c_start:c_end], "reported-speech", m.group("attr").strip(),
                               ["reported speech: the source's own words, not a quotation"]))
    return found
