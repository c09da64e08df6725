"""Lexical facts about a SPARQL query that pyoxigraph does not expose before evaluation."""

from __future__ import annotations

import re

# IRIs, strings (long and short, both quotes) and comments: removed before looking for keywords,
# so that a FROM inside <...>, "..." or after # does not count.
_NOISE = re.compile(
    r'"""(?:[^"\\]|\\.|"(?!""))*"""'
    r"|'''(?:[^'\\]|\\.|'(?!''))*'''"
    r'|"(?:[^"\\\n]|\\.)*"'
    r"|'(?:[^'\\\n]|\\.)*'"
    r"|<[^<>\"{}|^`\\\s]*>"
    r"|#[^\n]*",
    re.DOTALL,
)

def has_keyword(text: str, *keywords: str) -> bool:
    """True when one of `keywords` occurs as a keyword: not inside an IRI, string or comment, and
    not as part of a name (?from, ex:with, using:x)."""
    words = "|".join(re.escape(k) for k in keywords)
    pattern = re.compile(rf"(?<![\w?$:.-])(?:{words})(?![\w:-])", re.IGNORECASE)
    return bool(pattern.search(_NOISE.sub(" ", text)))


_IRI = r'<[^<>"{}|^`\\\x00-\x20]*>'
_SPACE = r'(?:\s|#[^\n]*(?:\n|\Z))*'  # white space and comments
# A query that is nothing but DESCRIBE of IRIs written out in full: after its prologue (BASE, and
# PREFIX declarations that nothing uses), the keyword, the IRIs, and no WHERE clause.
_DESCRIBE_IRIS = re.compile(
    rf'\A{_SPACE}(?:(?:BASE{_SPACE}{_IRI}|PREFIX{_SPACE}[\w.-]*:{_SPACE}{_IRI}){_SPACE})*'
    rf'DESCRIBE((?:{_SPACE}{_IRI})+){_SPACE}\Z', re.IGNORECASE)


def described_iris(query: str) -> list[str] | None:
    """The IRIs of a query of the form `DESCRIBE <iri> …` (absolute IRIs, no WHERE clause, no
    dataset clause); None for any other query."""
    match = _DESCRIBE_IRIS.match(query)
    if match is None:
        return None
    return re.findall(r"<([^>]*)>", match.group(1))


def declares_dataset(query: str) -> bool:
    """True when the query has its own FROM / FROM NAMED clause (FROM appears nowhere else in the
    grammar), which must then be honoured."""
    return has_keyword(query, "FROM")


def declares_update_dataset(update: str) -> bool:
    """True when an update names its own dataset (USING, USING NAMED, WITH: only there in the grammar)."""
    return has_keyword(update, "USING", "WITH")


_UPDATE_TOKEN = re.compile(r"[{}]|(?<![\w?$:.-])[A-Za-z]+(?![\w:-])")


def with_using(update: str, graphs: tuple[str, ...], named_graphs: tuple[str, ...]) -> str:
    """The update with `USING <g>` / `USING NAMED <g>` before the WHERE of every DELETE/INSERT … WHERE
    operation: what the protocol's using-graph-uri / using-named-graph-uri parameters mean, for an
    engine (pyoxigraph) that takes no dataset with an update. `DELETE WHERE` takes no USING."""
    clause = " ".join([f"USING <{g}>" for g in graphs] + [f"USING NAMED <{g}>" for g in named_graphs])
    masked = _NOISE.sub(lambda m: " " * len(m.group()), update)  # same length: positions still match
    depth, previous, cuts = 0, "", []
    for token in _UPDATE_TOKEN.finditer(masked):
        word = token.group()
        if word == "{":
            depth += 1
        elif word == "}":
            depth -= 1
        elif depth == 0 and word.upper() == "WHERE" and previous.upper() != "DELETE":
            cuts.append(token.start())
        if depth == 0 or word in "{}":
            previous = word
    for cut in reversed(cuts):
        update = f"{update[:cut]}{clause} {update[cut:]}"
    return update
