"""The W3C SPARQL 1.1 Protocol and Service Description test suites, run over real HTTP.

The manifests are read as RDF: every ht:Request (method, path, headers, body and its encoding) is
sent as written, and every ht:Response expectation (status class, result format, boolean) checked.
The data the tests need (ut:graphData) is loaded with `serve --graph LABEL=FILE`: into a read-only
server for the query tests, and into a server with writes enabled for the update tests, whose
requests get that server's bearer token added.
"""

from __future__ import annotations

import os
import secrets
from dataclasses import dataclass, field
from pathlib import Path

import pyoxigraph as ox
import pytest
import requests
from rdflib import Graph, Namespace, URIRef
from rdflib.collection import Collection
from rdflib.namespace import RDF, RDFS

from conftest import REPO, SHARED, Server, start_server



def _w3c_dir() -> Path:
    """$OVERSIGHT_W3C_DIR, else shared/w3c beside the checkout (or beside its parent, for a git
    worktree kept one level deeper, as in wt/NAME)."""
    if os.environ.get("OVERSIGHT_W3C_DIR"):
        return Path(os.environ["OVERSIGHT_W3C_DIR"])
    candidates = [SHARED / "w3c", REPO.parent.parent / "shared" / "w3c"]
    return next((c for c in candidates if c.is_dir()), candidates[0])


W3C = _w3c_dir()
PROTOCOL_MANIFEST = W3C / "sparql11-protocol" / "manifest.ttl"
SD_MANIFEST = W3C / "sparql11-service-description-manifest.ttl"

MF = Namespace("http://www.w3.org/2001/sw/DataAccess/tests/test-manifest#")
HT = Namespace("http://www.w3.org/2011/http#")
HTS = Namespace("http://www.w3.org/2011/http-statusCodes#")
CNT = Namespace("http://www.w3.org/2011/content#")
UT = Namespace("http://www.w3.org/2009/sparql/tests/test-update#")
SD = Namespace("http://www.w3.org/ns/sparql-service-description#")

# What each mf:expectedFormat allows, by the names the manifest's test titles give.
BOOLEAN_TYPES = {"application/sparql-results+json", "application/sparql-results+xml"}
TABULAR_TYPES = BOOLEAN_TYPES | {"text/csv", "text/tab-separated-values"}
RDF_TYPES = {"application/rdf+xml", "text/turtle", "application/n-triples"}


@dataclass
class HttpRequest:
    method: str
    path: str
    headers: dict[str, str]
    body: bytes | None
    status_classes: set[str]
    expected_format: str | None
    expected_boolean: bool | None


@dataclass
class ProtocolTest:
    name: str
    title: str
    requests: list[HttpRequest]
    graph_data: list[tuple[str, Path]] = field(default_factory=list)


def _manifest(path: Path) -> tuple[Graph, list[URIRef]]:
    graph = Graph().parse(path, format="turtle", publicID=path.as_uri())
    manifest = next(graph.subjects(RDF.type, MF.Manifest))
    return graph, list(Collection(graph, graph.value(manifest, MF.entries)))


def _request(graph: Graph, node) -> HttpRequest:
    headers = {}
    if (header_list := graph.value(node, HT.headers)) is not None:
        for header in Collection(graph, header_list):
            headers[str(graph.value(header, HT.fieldName))] = str(graph.value(header, HT.fieldValue))
    body = None
    if (content := graph.value(node, HT.body)) is not None:
        encoding = str(graph.value(content, CNT.characterEncoding) or "UTF-8")
        body = str(graph.value(content, CNT.chars)).encode(encoding)
    response = graph.value(node, HT.resp)
    statuses = {str(s).rsplit("StatusCode", 1)[1][0] for s in graph.objects(response, MF.expectedStatus)}
    boolean = graph.value(response, MF.expectedBoolean)
    expected_format = graph.value(response, MF.expectedFormat)
    return HttpRequest(
        str(graph.value(node, HT.methodName)), str(graph.value(node, HT.absolutePath)), headers, body,
        statuses, str(expected_format) if expected_format is not None else None,
        boolean.toPython() if boolean is not None else None,
    )


def protocol_tests() -> list[ProtocolTest]:
    graph, entries = _manifest(PROTOCOL_MANIFEST)
    tests = []
    for entry in entries:
        connection = graph.value(entry, MF.action)
        data = [(str(graph.value(d, RDFS.label)), Path(str(graph.value(d, UT.graph)).removeprefix("file://")))
                for d in graph.objects(entry, UT.graphData)]
        http = [_request(graph, r) for r in Collection(graph, graph.value(connection, HT.requests))]
        tests.append(ProtocolTest(entry.fragment, str(graph.value(entry, MF.name)), http, data))
    return tests


def _params(updates: bool):
    """The manifest's tests: those that update (or try to) when `updates`, the others otherwise."""
    if not PROTOCOL_MANIFEST.exists():
        return [pytest.param(None, marks=pytest.mark.skip(
            reason=f"W3C SPARQL 1.1 Protocol manifest not found at {PROTOCOL_MANIFEST} (set OVERSIGHT_W3C_DIR)"))]
    return [pytest.param(t, id=t.name) for t in protocol_tests() if ("update" in t.name) == updates]


def _start(*extra: str) -> Server:
    if not PROTOCOL_MANIFEST.exists():
        pytest.skip(f"W3C manifests not found under {W3C} (set OVERSIGHT_W3C_DIR)")
    data = {label: path for test in protocol_tests() for label, path in test.graph_data}
    assert len(data) == 3, "the manifest's ut:graphData should name data1.nt to data3.nt"
    return start_server(*[arg for label, path in sorted(data.items()) for arg in ("--graph", f"{label}={path}")], *extra)


@pytest.fixture(scope="module")
def w3c_server():
    """The read-only endpoint, for the query and service description tests."""
    srv = _start()
    yield srv
    srv.stop()


@pytest.fixture(scope="module")
def w3c_write_server(tmp_path_factory):
    """The endpoint with writes enabled: the update tests send its token as a bearer token (the
    manifest's requests carry no credentials; a public endpoint must not take updates without)."""
    token = secrets.token_urlsafe(32)
    token_file = tmp_path_factory.mktemp("w3c") / "token"
    token_file.write_text(token)
    srv = _start("--write-token-file", str(token_file))
    yield srv, token
    srv.stop()


def _check(response: requests.Response, expected: HttpRequest, title: str) -> None:
    status_class = str(response.status_code)[0]
    assert status_class in expected.status_classes, f"{title}: got {response.status_code}: {response.text[:300]}"
    media_type = response.headers.get("Content-Type", "").split(";")[0].strip()
    if status_class == "4":
        # Refusals are a short line of text that says why, never a page or a traceback.
        assert media_type == "text/plain" and 0 < len(response.text) < 500, response.text
        assert "Traceback" not in response.text
    if expected.expected_format == "boolean":
        assert media_type in BOOLEAN_TYPES, media_type
        result = ox.parse_query_results(response.content, ox.QueryResultsFormat.from_media_type(media_type))
        assert isinstance(result, ox.QueryBoolean)
        if expected.expected_boolean is not None:
            assert bool(result) is expected.expected_boolean, title
    elif expected.expected_format == "tabular":
        assert media_type in TABULAR_TYPES, media_type
        result = ox.parse_query_results(response.content, ox.QueryResultsFormat.from_media_type(media_type))
        assert isinstance(result, ox.QuerySolutions) and [v.value for v in result.variables] == ["value"]
        assert [row["value"].value for row in result] == ["1"]
    elif expected.expected_format == "RDF":
        assert media_type in RDF_TYPES, media_type
        list(ox.parse(response.content, format=ox.RdfFormat.from_media_type(media_type)))


def _run(server: Server, test: ProtocolTest, extra_headers: dict[str, str]) -> None:
    for request in test.requests:
        response = requests.request(request.method, server.url + request.path, data=request.body, timeout=60,
                                    headers={**request.headers, **extra_headers}, allow_redirects=False)
        _check(response, request, test.title)


@pytest.mark.parametrize("test", _params(updates=False))
def test_protocol_query(w3c_server: Server, test: ProtocolTest) -> None:
    _run(w3c_server, test, {})


@pytest.mark.parametrize("test", _params(updates=True))
def test_protocol_update(w3c_write_server: tuple[Server, str], test: ProtocolTest) -> None:
    server, token = w3c_write_server
    _run(server, test, {"Authorization": f"Bearer {token}"})


def test_updates_need_the_token(w3c_write_server: tuple[Server, str]) -> None:
    server, _ = w3c_write_server
    response = requests.post(server.url + "/sparql/", data=b"CLEAR ALL", timeout=10,
                             headers={"Content-Type": "application/sparql-update"})
    assert response.status_code == 401


# -- Service description -----------------------------------------------------------------------

def _sd_params():
    if not SD_MANIFEST.exists():
        return [pytest.param(None, marks=pytest.mark.skip(reason=f"{SD_MANIFEST} not found (set OVERSIGHT_W3C_DIR)"))]
    _, entries = _manifest(SD_MANIFEST)
    return [pytest.param(entry.fragment, id=entry.fragment) for entry in entries]


def _description(server: Server) -> tuple[str, requests.Response, Graph]:
    endpoint = server.url + "/sparql"
    response = requests.get(endpoint, timeout=10)
    media_type = response.headers["Content-Type"].split(";")[0]
    return endpoint, response, Graph().parse(data=response.content, format=media_type)


def _returns_rdf(server: Server) -> None:
    _, response, graph = _description(server)
    assert response.status_code == 200 and len(graph) > 0


def _has_endpoint_triple(server: Server) -> None:
    endpoint, _, graph = _description(server)
    assert any(True for _ in graph.subjects(SD.endpoint, URIRef(endpoint)))


def _conforms_to_schema(server: Server) -> None:
    # The W3C validator's check (every sd:NamedGraph has an sd:name), plus the domains and
    # ranges of the properties this service uses.
    _, _, graph = _description(server)
    named = list(graph.subjects(RDF.type, SD.NamedGraph))
    assert len(named) == 3 and all(len(list(graph.objects(n, SD.name))) == 1 for n in named)
    assert all(isinstance(graph.value(n, SD.name), URIRef) for n in named)
    for prop, domain in [(SD.endpoint, SD.Service), (SD.supportedLanguage, SD.Service),
                         (SD.resultFormat, SD.Service), (SD.feature, SD.Service),
                         (SD.defaultDataset, SD.Service), (SD.namedGraph, SD.Dataset),
                         (SD.defaultGraph, SD.Dataset), (SD.name, SD.NamedGraph), (SD.graph, SD.NamedGraph)]:
        subjects = set(graph.subjects(prop, None))
        assert subjects and all((s, RDF.type, domain) in graph for s in subjects), prop
    for language in graph.objects(None, SD.supportedLanguage):
        assert language in (SD.SPARQL10Query, SD.SPARQL11Query, SD.SPARQL11Update)


SD_TESTS = {"returns-rdf": _returns_rdf, "has-endpoint-triple": _has_endpoint_triple,
            "conforms-to-schema": _conforms_to_schema}


@pytest.mark.parametrize("name", _sd_params())
def test_service_description(w3c_server: Server, name: str) -> None:
    assert name in SD_TESTS, f"no runner for service description test {name}"
    SD_TESTS[name](w3c_server)
