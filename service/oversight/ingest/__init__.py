"""Adding documents: from a source text to a drafted, reviewed and validated named graph.

    oversight ingest FILE.txt --kind …   -> draft Turtle (build_draft + render)
    oversight ingest --check DRAFT.ttl   -> shapes gate + what is left to review (review.check_draft)
    oversight add DRAFT.ttl              -> atomic merge into the store (review.add_draft)
"""

from .draft import Draft, Options, build_draft, render
from .index import GraphIndex

__all__ = ["Draft", "GraphIndex", "Options", "build_draft", "render"]
