"""Properties of the quotation finder and the date reader that must hold for any text, not only for
the seeds: generated texts of paragraphs with quotation marks, attributions and dates."""

from __future__ import annotations

from datetime import date

import pyoxigraph as ox
from hypothesis import given, settings, strategies as st

from oversight.ingest import GraphIndex, Options, build_draft, render
from oversight.ingest.dates import DateValue, find_dates
from oversight.ingest.quotes import find_quotes

WORDS = st.sampled_from(["the", "force", "said", "says", "added:", "Chief", "Constable", "Jane", "Smith", "we",
                         "will", "improve", "“", "”", '"', "‘", "’", ",", ".", ":", "that", "In", "December",
                         "earlier", "this", "month", "Tuesday", "17", "September", "2024", "•", "-", "—"])
PARAGRAPH = st.lists(WORDS, min_size=1, max_size=25).map(" ".join)
TEXT = st.lists(PARAGRAPH, min_size=1, max_size=8).flatmap(
    lambda paras: st.sampled_from(["\n", "\n\n"]).map(lambda sep: sep.join(paras)))


@settings(max_examples=300, deadline=None)
@given(TEXT)
def test_every_quote_is_the_text_at_its_offsets(text: str) -> None:
    for quote in find_quotes(text):
        assert 0 <= quote.start < quote.end <= len(text)
        assert text[quote.start:quote.end] == quote.exact
        assert quote.mode in {"direct-quote", "partial-quote", "reported-speech"}


@settings(max_examples=300, deadline=None)
@given(TEXT, st.dates(min_value=date(2000, 1, 1), max_value=date(2030, 12, 31)))
def test_every_date_has_bounds_in_order(text: str, published: date) -> None:
    for mention in find_dates(text, DateValue.day(published)):
        assert text[mention.start:mention.end] == mention.text
        if mention.date is not None:
            assert mention.date.earliest <= mention.date.latest


@settings(max_examples=150, deadline=None)
@given(TEXT, st.sampled_from(["letter", "news-article", "news-release", "report"]))
def test_every_draft_is_turtle_whose_selectors_hold(text: str, kind: str) -> None:
    draft = build_draft(text, Options(kind, "generated.txt", published="2024-09-18"), GraphIndex())
    store = ox.Store()
    store.load(render(draft).encode("utf-8"), format=ox.RdfFormat.TURTLE)
    rows = store.query("""PREFIX oa: <http://www.w3.org/ns/oa#>
        SELECT ?exact ?start ?end WHERE { ?o oa:hasSelector ?q, ?p . ?q oa:exact ?exact . ?p oa:start ?start ; oa:end ?end }""")
    for row in rows:
        assert text[int(row["start"].value):int(row["end"].value)] == row["exact"].value
