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


def declares_dataset(query: str) -> bool:
    """True when the query has its own FROM / FROM NAMED clause (FROM appears nowhere else in the
    grammar), which must then be honoured."""
    return has_keyword(query, "FROM")


def declares_update_dataset(update: str) -> bool:
    """True when an update names its own dataset (USING, USING NAMED, WITH: only there in the grammar)."""
    return has_keyword(update, "USING", "WITH")
