"""Dates as a source prints them, at the precision it gives (docs/modelling.md, "Dates").

"24 November 2023" is a day, "September 2023" a month, "May and June 2024" a span of months;
"Tuesday 17 September", "in December" and "earlier this month" only make sense relative to the
document's own date, so they are resolved against it (and left unresolved without it).
"""

from __future__ import annotations

import calendar
import re
from dataclasses import dataclass, replace
from datetime import date, timedelta

MONTHS = {name.lower(): i for i, name in enumerate(calendar.month_name) if name}
MONTHS.update({name.lower(): i for i, name in enumerate(calendar.month_abbr) if name})
MONTHS["sept"] = 9
WEEKDAYS = {name.lower(): i for i, name in enumerate(calendar.day_name)}

_MONTH = r"(?P<{0}>" + "|".join(sorted((m.capitalize() for m in MONTHS), key=len, reverse=True)) + r")\.?"
_WEEKDAY = r"(?:(?P<weekday>" + "|".join(calendar.day_name) + r"),?\s+)?"
_DAY = r"(?P<day>[0-3]?\d)(?:st|nd|rd|th)?"
_YEAR = r"(?P<year>(?:19|20)\d\d)"

# Most specific first: a longer match at a position wins over a shorter one.
PATTERNS: list[tuple[str, re.Pattern[str]]] = [
    ("day", re.compile(rf"\b{_WEEKDAY}{_DAY}\s+{_MONTH.format('month')}(?:,?\s+{_YEAR})?\b")),
    ("month-span", re.compile(rf"\b{_MONTH.format('month')}\s+(?:and|to|-|–)\s+{_MONTH.format('month2')}\s+{_YEAR}\b")),
    ("month", re.compile(rf"\b{_MONTH.format('month')}\s+{_YEAR}\b")),
    ("bare-month", re.compile(rf"\b(?<=[Ii]n ){_MONTH.format('month')}\b(?!\s+(?:19|20)\d\d)")),
    ("relative", re.compile(r"\b(?P<rel>earlier|later) this (?P<unit>month|year)\b")),
    ("weekday", re.compile(r"\b(?<=on )(?P<weekday>" + "|".join(calendar.day_name) + r")\b(?!\s+[0-3]?\d)")),
]


@dataclass(frozen=True)
class DateValue:
    """One date at its precision: `value` is the lexical form of `datatype` (date, gYearMonth, gYear),
    or None for a span ("between") that only its bounds describe."""

    precision: str  # day | month | year | between
    earliest: date
    latest: date
    value: str | None = None
    datatype: str | None = None
    start: str | None = None  # for spans: gYearMonth / date of the first and last part
    end: str | None = None
    span_datatype: str | None = None
    as_printed: str | None = None
    note: str | None = None

    @classmethod
    def day(cls, d: date, as_printed: str | None = None) -> "DateValue":
        return cls("day", d, d, d.isoformat(), "date", as_printed=as_printed)

    @classmethod
    def month(cls, year: int, month: int, as_printed: str | None = None) -> "DateValue":
        last = calendar.monthrange(year, month)[1]
        return cls("month", date(year, month, 1), date(year, month, last), f"{year:04d}-{month:02d}",
                   "gYearMonth", as_printed=as_printed)

    @classmethod
    def between(cls, earliest: date, latest: date, as_printed: str | None = None, note: str | None = None) -> "DateValue":
        return cls("between", earliest, latest, as_printed=as_printed, note=note)


@dataclass(frozen=True)
class DateMention:
    """A date printed in the text, where it is (code-point offsets) and what it resolves to."""

    start: int
    end: int
    text: str
    date: DateValue | None  # None: cannot be resolved without the document's date


def parse_date(text: str) -> DateValue | None:
    """A stand-alone date such as "18 September 2024", "24th Nov 2023", "2024-09-18" or "September 2023",
    or bounds "2024-07-23..2024-07-29" for a date the source does not print."""
    text = text.strip()
    if ".." in text:
        first, _, last = text.partition("..")
        low, high = parse_date(first), parse_date(last)
        if low is None or high is None or high.latest < low.earliest:
            return None
        return DateValue.between(low.earliest, high.latest, note=f"bounded by the curator: {text}")
    if re.fullmatch(r"\d{4}-\d\d-\d\d", text):
        return DateValue.day(date.fromisoformat(text))
    if re.fullmatch(r"\d{4}-\d\d", text):
        return DateValue.month(int(text[:4]), int(text[5:]))
    mentions = find_dates(text)
    if len(mentions) == 1 and mentions[0].date is not None:
        return mentions[0].date
    return None


def find_dates(text: str, reference: DateValue | None = None) -> list[DateMention]:
    """Every date printed in `text`, resolved at its precision; relative ones against `reference`."""
    found: list[DateMention] = []
    taken: list[tuple[int, int]] = []
    for kind, pattern in PATTERNS:
        for m in pattern.finditer(text):
            if any(s < m.end() and m.start() < e for s, e in taken):
                continue
            taken.append((m.start(), m.end()))
            found.append(DateMention(m.start(), m.end(), m.group(0), _resolve(kind, m, reference)))
    return sorted(found, key=lambda d: d.start)


def _resolve(kind: str, m: re.Match[str], ref: DateValue | None) -> DateValue | None:
    printed = m.group(0)
    groups = m.groupdict()
    month = MONTHS.get((groups.get("month") or "").lower())
    year = int(groups["year"]) if groups.get("year") else None
    if kind == "day":
        day = int(groups["day"])
        if year is None:
            if ref is None:
                return None
            year = _year_not_after(month, ref.latest, day)
        try:
            return DateValue.day(date(year, month, day), as_printed=printed if not groups.get("year") or groups.get("weekday") else None)
        except ValueError:
            return None
    if kind == "month":
        return DateValue.month(year, month)
    if kind == "month-span":
        month2 = MONTHS[groups["month2"].lower()]
        first, last = DateValue.month(year, month), DateValue.month(year, month2)
        return replace(DateValue.between(first.earliest, last.latest, as_printed=printed),
                       start=first.value, end=last.value, span_datatype="gYearMonth")
    if ref is None:
        return None
    if kind == "bare-month":
        year = _year_not_after(month, ref.latest)
        return replace(DateValue.month(year, month), as_printed=printed,
                       note=f"year from the document's date ({ref.latest.isoformat()}): the latest {printed} not after it")
    if kind == "relative":
        anchor = ref.latest
        first = anchor.replace(day=1) if groups["unit"] == "month" else anchor.replace(month=1, day=1)
        last = anchor.replace(day=calendar.monthrange(anchor.year, anchor.month)[1]) if groups["unit"] == "month" else anchor.replace(month=12, day=31)
        if groups["rel"] == "earlier":
            return DateValue.between(first, anchor, as_printed=printed, note=f"before the document's date, {anchor.isoformat()}, in the same {groups['unit']}")
        return DateValue.between(anchor, last, as_printed=printed, note=f"after the document's date, {anchor.isoformat()}, in the same {groups['unit']}")
    if kind == "weekday":
        back = (ref.latest.weekday() - WEEKDAYS[groups["weekday"].lower()]) % 7
        day = ref.latest - timedelta(days=back)
        if ref.precision != "day":
            return None
        return DateValue.day(day, as_printed=printed)
    return None


def _year_not_after(month: int, anchor: date, day: int = 1) -> int:
    """The year that puts `month` (and `day`) on or before `anchor`: sources speak of the recent past."""
    return anchor.year if (month, day) <= (anchor.month, anchor.day) else anchor.year - 1


def latest_mentioned(mentions: list[DateMention]) -> DateValue | None:
    """The latest resolved date in a text (bounds an undated page from below)."""
    dated = [m.date for m in mentions if m.date is not None]
    return max(dated, key=lambda d: d.earliest) if dated else None
