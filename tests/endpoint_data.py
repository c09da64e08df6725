"""Test data for the endpoint tests (tests/data/endpoint-*.ttl) and a server that serves it."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
import rdflib

from conftest import Server, start_server

DATA = Path(__file__).parent / "data"
PEOPLE = DATA / "endpoint-people.ttl"  # loaded with --data: the default graph
PLACES = DATA / "endpoint-places.ttl"  # loaded with --graph into PLACES_GRAPH
PLACES_GRAPH = "http://example.org/graph/places"
EX = rdflib.Namespace("http://example.org/")


def start_sample_server(*extra: str) -> Server:
    """`oversight serve --data PEOPLE --graph PLACES_GRAPH=PLACES`, as a user would serve their own RDF."""
    return start_server("--data", str(PEOPLE), "--graph", f"{PLACES_GRAPH}={PLACES}", *extra)


def parsed(path: Path) -> rdflib.Graph:
    return rdflib.Graph().parse(path)


@pytest.fixture(scope="module")
def sample() -> Iterator[Server]:
    """The sample server, one per test module (import this fixture by name)."""
    srv = start_sample_server()
    yield srv
    srv.stop()
