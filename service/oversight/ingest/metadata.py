"""What a document says about itself: title, date, a letter's From/To/Cc blocks, an article's
author and publication lines. Everything found keeps its offsets so a curator can check it."""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from .dates import DateValue, find_dates, latest_mentioned, parse_date

KINDS = ("letter", "news-article", "news-release", "report")

# Lines that head a letter's address blocks (gov.uk "Letter information" layout).
BLOCK_HEADS = {"from": "from", "to": "to", "cc": "cc", "sent on": "sent", "date": "sent"}
HONORIFICS = re.compile(r"\s+\b(KPM|QPM|OBE|MBE|CBE|KBE|DBE|QFSM|KFSM|DL)\b")


@dataclass
class Party:
    """One From/To/Cc block: a name line, then post and organisation lines, as printed."""

    role: str  # from | to | cc
    name: str
    honorific: str | None
    lines: list[str]
    start: int
    end: int

    @property
    def as_printed(self) -> str:
        return "\n".join(self.lines)


@dataclass
class Metadata:
    title: str | None = None
    date: DateValue | None = None
    date_source: str | None = None  # where the date came from, for the review note
    date_sent: DateValue | None = None
    author: str | None = None
    parties: list[Party] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)


def extract_metadata(text: str, kind: str, published: str | None = None, author: str | None = None) -> Metadata:
    """Read the metadata a document prints about itself; `published`/`author` (from the curator) win."""
    meta = Metadata(title=_title(text))
    if kind == "letter":
        meta.parties, sent = _letter_blocks(text)
        if sent is not None:
            meta.date_sent, meta.date, meta.date_source = sent, sent, 'the "Sent on" line'
    if meta.date is None:
        m = re.search(r"Published(?: on)?:?[ \t]*(.+)", text)  # "HookingsPublished 24th Nov 2023": no \b
        if m and (found := find_dates(m.group(1))) and found[0].start == 0 and found[0].date is not None:
            meta.date, meta.date_source = found[0].date, f'the line "{m.group(0).strip()}"'
    m = re.search(r"\b(?:Author:|By)\s+((?:[A-Z][\w’'-]+)(?:\s+[A-Z][\w’'-]+?)+?)(?=Published|\n|$|,)", text)
    if m:
        meta.author = m.group(1).strip()
    if published:
        value = parse_date(published)
        if value is None:
            raise ValueError(f"--published: cannot read {published!r} as a date (e.g. 2024-09-18, 18 September 2024, 2024-07-23..2024-07-29)")
        meta.date, meta.date_source = value, "--published"
    if author:
        meta.author = author
    if meta.date is None:
        meta.date, meta.date_source = _undated_bounds(text)
    return meta


def _title(text: str) -> str | None:
    for line in text.splitlines():
        if line.strip():
            return line.strip()
    return None


def _letter_blocks(text: str) -> tuple[list[Party], DateValue | None]:
    """The From/To/Cc blocks and the "Sent on" date of a letter: each heading line is followed by
    its lines up to a blank line or the next heading; the blocks end with the date sent."""
    parties: list[Party] = []
    role: str | None = None
    body: list[tuple[int, str]] = []

    def close() -> None:
        if role in ("from", "to", "cc") and body:
            first = body[0][1].strip()
            honorific = HONORIFICS.search(first)
            parties.append(Party(role, HONORIFICS.sub("", first).strip(), honorific.group(1) if honorific else None,
                                 [line.strip() for _, line in body], body[0][0], body[-1][0] + len(body[-1][1])))

    for m in re.finditer(r"^.*$", text, re.MULTILINE):
        line = m.group(0)
        head = BLOCK_HEADS.get(line.strip().lower().rstrip(":"))
        if head is not None:
            close()
            role, body = head, []
        elif role == "sent" and line.strip():
            return parties, parse_date(line)
        elif role is not None and line.strip() and len(body) < 6:
            body.append((m.start(), line))
        elif role is not None and body:
            close()
            role, body = None, []
    close()
    return parties, None


def _undated_bounds(text: str) -> tuple[DateValue | None, str | None]:
    """An undated page is no earlier than the latest date it reports (its latest bound is left to
    the curator, who knows when the page was captured)."""
    latest = latest_mentioned(find_dates(text))
    if latest is None:
        return None, None
    note = (f"the page is undated; it reports {latest.as_printed or latest.value or latest.earliest.isoformat()} "
            "as past, so it is no earlier than that")
    note += f"; the latest bound ({latest.latest.isoformat()}) is the end of that period: confirm it"
    return DateValue.between(latest.earliest, latest.latest, note=note), "the latest date the text reports"
