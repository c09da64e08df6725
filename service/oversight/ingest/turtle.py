"""Writing Turtle by hand, so that a draft reads well and carries `# TODO review` comments."""

from __future__ import annotations

from ..namespaces import PREFIXES
from .dates import DateValue

DRAFT_PREFIXES = ("og", "schema", "foaf", "org", "prov", "dct", "oa", "xsd", "rdfs")
_ESCAPES = {"\\": "\\\\", '"': '\\"', "\n": "\\n", "\r": "\\r", "\t": "\\t"}


def prefixes() -> str:
    return "".join(f"@prefix {p}: <{PREFIXES[p]}> .\n" for p in DRAFT_PREFIXES)


def iri(value: str) -> str:
    return f"<{value}>"


def literal(value: str, datatype: str | None = None, lang: str | None = None) -> str:
    """A one-line Turtle string: every character kept, line breaks escaped."""
    text = '"' + "".join(_ESCAPES.get(c, c) for c in value) + '"'
    if lang:
        return f"{text}@{lang}"
    return f"{text}^^xsd:{datatype}" if datatype else text


def integer(value: int) -> str:
    return str(value)


def node(subject: str, properties: list[tuple[str, str | list[str]]], indent: str = "    ") -> str:
    """`subject p1 o1 ; p2 o2a, o2b .` with one property per line; empty values are skipped.
    og:needsReview comes right after the type, so a curator can delete its line and nothing else."""
    properties = sorted(properties, key=lambda pv: {"a": 0, "og:needsReview": 1}.get(pv[0], 2))
    lines = []
    for prop, value in properties:
        values = value if isinstance(value, list) else [value]
        values = [v for v in values if v]
        if values:
            lines.append(f"{indent}{prop} {', '.join(values)}")
    return subject + "\n" + " ;\n".join(lines) + " .\n"


def date_properties(value: DateValue | None, precision_iri: str) -> list[tuple[str, str]]:
    """The dating properties of docs/modelling.md for one DateValue."""
    if value is None:
        return []
    props: list[tuple[str, str]] = []
    if value.value:
        props.append(("og:date", literal(value.value, value.datatype)))
    if value.start and value.end:
        props += [("og:startDate", literal(value.start, value.span_datatype)), ("og:endDate", literal(value.end, value.span_datatype))]
    props += [
        ("og:datePrecision", iri(precision_iri + value.precision)),
        ("og:earliestDate", literal(value.earliest.isoformat(), "date")),
        ("og:latestDate", literal(value.latest.isoformat(), "date")),
    ]
    if value.as_printed:
        props.append(("og:dateAsPrinted", literal(value.as_printed)))
    if value.note:
        props.append(("og:dateNote", literal(value.note)))
    return props
