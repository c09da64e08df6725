"""Named SPARQL queries, kept as .rq files that users can read and reuse."""

from __future__ import annotations

from functools import cache
from pathlib import Path

QUERY_DIR = Path(__file__).parent


@cache
def load_query(name: str) -> str:
    """The text of queries/NAME.rq."""
    return (QUERY_DIR / f"{name}.rq").read_text(encoding="utf-8")


def query_names() -> list[str]:
    return sorted(p.stem for p in QUERY_DIR.glob("*.rq"))
