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
# FROM is a keyword only in a dataset clause; not part of ?from, ex:from or from:x.
_FROM = re.compile(r"(?<![\w?$:.-])FROM(?![\w:-])", re.IGNORECASE)


def declares_dataset(query: str) -> bool:
    """True when the query has its own FROM / FROM NAMED clause, which must then be honoured."""
    return bool(_FROM.search(_NOISE.sub(" ", query)))
