"""The /sparql endpoint over real HTTP: the three ways to send a query, datasets, formats and
negotiation, every refusal, conditional requests, CORS, Graph Store reads and `serve --data/--graph`."""

from __future__ import annotations

import csv
import io
from collections.abc import Iterator

import pyoxigraph as ox
import pytest
import requests
import rdflib
from rdflib.compare import isomorphic

from conftest import Server
from endpoint_data import EX, PEOPLE, PLACES, PLACES_GRAPH, parsed, sample, start_sample_server  # noqa: F401 (sample: fixture)
from oversight.formats import GRAPH_FORMATS, RESULTS_FORMATS

SD = rdflib.Namespace("http://www.w3.org/ns/sparql-service-description#")
VOID = rdflib.Namespace("http://rdfs.org/ns/void#")
PEOPLE_QUERY = "PREFIX ex: <http://example.org/> SELECT ?name ?age WHERE { ?p a ex:Person ; ex:name ?name ; ex:age ?age } ORDER BY ?age"
COUNT_ALL = "SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }"


def sparql(server: Server, query: str, accept: str = "application/sparql-results+json", **params) -> requests.Response:
    return requests.get(server.url + "/sparql", params={"query": query, **params}, headers={"Accept": accept}, timeout=30)


def solutions(response: requests.Response) -> list[dict[str, str]]:
    assert response.status_code == 200, response.text
    return [{k: v["value"] for k, v in b.items()} for b in response.json()["results"]["bindings"]]


def count(server: Server, query: str = COUNT_ALL, **params) -> int:
    return int(solutions(sparql(server, query, **params))[0]["n"])


def refused(response: requests.Response, status: int, *words: str) -> None:
    """A refusal: the status, one short line of plain text that says why, no traceback."""
    assert response.status_code == status, (response.status_code, response.text)
    assert response.headers["Content-Type"].startswith("text/plain")
    assert len(response.text) < 500 and "Traceback" not in response.text
    for word in words:
        assert word.lower() in response.text.lower(), response.text


# -- serve --data / --graph: any RDF, union default graph ------------------------------------------

def test_serves_files_given_on_the_command_line(sample: Server) -> None:
    people, places = parsed(PEOPLE), parsed(PLACES)
    assert count(sample) == len(people) + len(places)  # the default graph is the union
    assert count(sample, f"SELECT (COUNT(*) AS ?n) WHERE {{ GRAPH <{PLACES_GRAPH}> {{ ?s ?p ?o }} }}") == len(places)
    names = [r["name"] for r in solutions(sparql(sample, PEOPLE_QUERY))]
    assert names == [str(o) for o in sorted(people.objects(None, EX.name), key=lambda n: int(people.value(
        next(people.subjects(EX.name, n)), EX.age)))]


def test_query_by_get_form_post_and_direct_post_agree(sample: Server) -> None:
    url, accept = sample.url + "/sparql", {"Accept": "application/sparql-results+json"}
    by_get = requests.get(url, params={"query": PEOPLE_QUERY}, headers=accept, timeout=10)
    by_form = requests.post(url, data={"query": PEOPLE_QUERY}, headers=accept, timeout=10)
    direct = requests.post(url, data=PEOPLE_QUERY.encode(), timeout=10,
                           headers={**accept, "Content-Type": "application/sparql-query"})
    assert solutions(by_get) == solutions(by_form) == solutions(direct) and len(solutions(by_get)) == 3


def test_protocol_dataset_replaces_the_union(sample: Server) -> None:
    places = len(parsed(PLACES))
    assert count(sample, **{"default-graph-uri": PLACES_GRAPH}) == places
    # Naming only named graphs leaves an empty default graph.
    assert count(sample, **{"named-graph-uri": PLACES_GRAPH}) == 0
    in_named = "SELECT (COUNT(*) AS ?n) WHERE { GRAPH ?g { ?s ?p ?o } }"
    assert count(sample, in_named, **{"named-graph-uri": PLACES_GRAPH}) == places


def test_from_in_the_query_is_honoured(sample: Server) -> None:
    places = len(parsed(PLACES))
    assert count(sample, f"SELECT (COUNT(*) AS ?n) FROM <{PLACES_GRAPH}> WHERE {{ ?s ?p ?o }}") == places
    assert count(sample, "SELECT (COUNT(*) AS ?n) FROM <http://example.org/none> WHERE { ?s ?p ?o }") == 0
    # ...but a variable or literal that merely says "from" does not switch the union off.
    assert count(sample, 'SELECT (COUNT(*) AS ?n) WHERE { ?from ?p ?o FILTER(?o != "FROM <x>") }') == count(sample)


def test_relative_iris_resolve_against_the_endpoint(sample: Server) -> None:
    response = sparql(sample, "SELECT ?x WHERE { BIND(<thing> AS ?x) }")
    assert solutions(response) == [{"x": sample.url + "/thing"}]
    response = sparql(sample, "BASE <http://example.org/> SELECT ?x WHERE { BIND(<thing> AS ?x) }")
    assert solutions(response) == [{"x": "http://example.org/thing"}]


# -- formats and negotiation --------------------------------------------------------------------

@pytest.mark.parametrize("fmt", RESULTS_FORMATS, ids=lambda f: f.name)
def test_select_in_every_results_format(sample: Server, fmt) -> None:
    response = sparql(sample, PEOPLE_QUERY, accept=fmt.media_type)
    assert response.status_code == 200
    assert response.headers["Content-Type"] == f"{fmt.media_type}; charset=utf-8"
    if fmt.name == "csv":  # lossy by design (no term types): pyoxigraph will not parse it back
        names = [row["name"] for row in csv.DictReader(io.StringIO(response.content.decode("utf-8")))]
    else:
        rows = ox.parse_query_results(response.content, ox.QueryResultsFormat.from_media_type(fmt.media_type))
        names = [r["name"].value for r in rows]
    assert names == [r["name"] for r in solutions(sparql(sample, PEOPLE_QUERY))]
    assert "Zoë Ødegård" in response.content.decode("utf-8")


@pytest.mark.parametrize("fmt", GRAPH_FORMATS, ids=lambda f: f.name)
def test_construct_in_every_graph_format(sample: Server, fmt) -> None:
    query = f"CONSTRUCT {{ ?s ?p ?o }} WHERE {{ GRAPH <{PLACES_GRAPH}> {{ ?s ?p ?o }} }}"
    response = sparql(sample, query, accept=fmt.media_type)
    assert response.status_code == 200 and response.headers["Content-Type"].startswith(fmt.media_type)
    triples = {q.triple for q in ox.parse(response.content, format=ox.RdfFormat.from_media_type(fmt.media_type))}
    expected = {q.triple for q in ox.parse(path=PLACES, format=ox.RdfFormat.TURTLE)}
    assert triples == expected


@pytest.mark.parametrize("accept, media_type", [
    (None, "application/sparql-results+json"),
    ("*/*", "application/sparql-results+json"),
    ("text/csv;q=0.5, application/sparql-results+xml", "application/sparql-results+xml"),
    ("text/*", "text/csv"),
    ("application/json", "application/sparql-results+json"),
    ("image/png, text/tab-separated-values;q=0.9", "text/tab-separated-values"),
])
def test_negotiation_with_q_values_and_wildcards(sample: Server, accept, media_type) -> None:
    headers = {"Accept": accept} if accept else {}
    response = requests.get(sample.url + "/sparql", params={"query": "ASK {}"}, headers=headers, timeout=10)
    if accept is None:  # requests sends */* unless told otherwise; send none at all
        response = requests.Session().get(sample.url + "/sparql", params={"query": "ASK {}"},
                                          headers={"Accept": None}, timeout=10)
    assert response.status_code == 200 and response.headers["Content-Type"].split(";")[0] == media_type
    assert "Accept" in response.headers["Vary"]


def test_format_parameter_overrides_accept(sample: Server) -> None:
    response = sparql(sample, PEOPLE_QUERY, accept="application/sparql-results+json", format="tsv")
    assert response.headers["Content-Type"].startswith("text/tab-separated-values")
    # SPARQLWrapper names formats loosely: "json" for a CONSTRUCT means JSON-LD, "xml" RDF/XML.
    construct = "CONSTRUCT WHERE { ?s a ?t }"
    assert sparql(sample, construct, accept="*/*", format="json").headers["Content-Type"].startswith("application/ld+json")
    assert sparql(sample, construct, accept="*/*", output="xml").headers["Content-Type"].startswith("application/rdf+xml")


def test_nothing_acceptable_is_406(sample: Server) -> None:
    refused(sparql(sample, PEOPLE_QUERY, accept="image/png"), 406, "text/csv")
    refused(sparql(sample, "CONSTRUCT WHERE { ?s ?p ?o }", accept="text/csv"), 406, "text/turtle")
    refused(sparql(sample, PEOPLE_QUERY, format="xlsx"), 406)


def test_head_answers_like_get_without_a_body(sample: Server) -> None:
    response = requests.head(sample.url + "/sparql", params={"query": PEOPLE_QUERY}, headers={"Accept": "text/csv"}, timeout=10)
    assert response.status_code == 200 and response.headers["Content-Type"].startswith("text/csv")
    assert response.content == b""


# -- refusals ---------------------------------------------------------------------------------------

def test_syntax_error_is_400_with_its_position(sample: Server) -> None:
    for query in ("SELECT * WHERE { ?s ?p ?o } LIMT 3", "PREFIX ex: <http://example.org/>\nSELECT * WHERE {\n  ?s ex:p ?o ."):
        with pytest.raises(SyntaxError) as parser:
            ox.Store().query(query)
        position = str(parser.value).split(":")[0:2]  # "error at L", "C"
        refused(sparql(sample, query), 400, "malformed query", ":".join(position))


def test_missing_empty_and_repeated_queries_are_400(sample: Server) -> None:
    url = sample.url + "/sparql"
    refused(requests.post(url, data={"default-graph-uri": PLACES_GRAPH}, timeout=10), 400, "missing")
    refused(requests.get(url, params={"default-graph-uri": PLACES_GRAPH}, timeout=10), 400, "missing")
    refused(requests.get(url, params={"query": " "}, timeout=10), 400, "empty")
    refused(requests.get(url, params=[("query", "ASK {}"), ("query", "ASK {}")], timeout=10), 400, "several")
    refused(requests.post(url + "?query=ASK%20%7B%7D", data=b"ASK {}", timeout=10,
                          headers={"Content-Type": "application/sparql-query"}), 400, "several")


def test_query_and_update_together_are_400(sample: Server) -> None:
    response = requests.post(sample.url + "/sparql", data={"query": "ASK {}", "update": "CLEAR ALL"}, timeout=10)
    refused(response, 400, "not both")


def test_wrong_or_missing_media_type_is_400(sample: Server) -> None:
    url = sample.url + "/sparql"
    refused(requests.post(url, data=b"ASK {}", headers={"Content-Type": "text/plain"}, timeout=10), 400, "text/plain")
    refused(requests.post(url, data=b"query=ASK%20%7B%7D", timeout=10), 400, "no Content-Type")


def test_non_utf8_bodies_are_400(sample: Server) -> None:
    url = sample.url + "/sparql"
    latin1 = 'SELECT * WHERE { ?s ?p "café" }'.encode("latin-1")
    refused(requests.post(url, data=latin1, headers={"Content-Type": "application/sparql-query"}, timeout=10), 400, "UTF-8")
    refused(requests.post(url, data="ASK {}".encode("utf-16"), timeout=10,
                          headers={"Content-Type": "application/sparql-query; charset=UTF-16"}), 400, "UTF-8")
    refused(requests.post(url, data=b"query=ASK%20%7B%20%22caf%E9%22%20%7D", timeout=10,
                          headers={"Content-Type": "application/x-www-form-urlencoded"}), 400, "UTF-8")


def test_bad_graph_iri_is_400(sample: Server) -> None:
    refused(sparql(sample, "ASK {}", **{"default-graph-uri": "not an iri"}), 400, "default-graph-uri")


def test_wrong_methods_are_405_with_allow(sample: Server) -> None:
    for method in ("PUT", "DELETE", "PATCH"):
        response = requests.request(method, sample.url + "/sparql", params={"query": "ASK {}"}, timeout=10)
        refused(response, 405)
        assert {"GET", "POST"} <= {m.strip() for m in response.headers["Allow"].split(",")}


def test_body_over_the_limit_is_413(sample: Server) -> None:
    padding = "#" + "x" * 1_100_000 + "\nASK {}"
    refused(requests.post(sample.url + "/sparql", data=padding.encode(), timeout=30,
                          headers={"Content-Type": "application/sparql-query"}), 413, "1000000 bytes")
    refused(requests.post(sample.url + "/sparql", data={"query": padding}, timeout=30), 413)


@pytest.fixture(scope="module")
def configured() -> Iterator[Server]:
    """A server with the endpoint's options set: a small body limit, one CORS origin."""
    srv = start_sample_server("--max-body-bytes", "2000", "--cors-origin", "https://ok.example")
    yield srv
    srv.stop()


def test_body_limit_is_configurable(configured: Server) -> None:
    url, direct = configured.url + "/sparql", {"Content-Type": "application/sparql-query"}
    just_under = ("#" + "x" * 1900 + "\nASK {}").encode()
    assert requests.post(url, data=just_under, headers=direct, timeout=10).status_code == 200
    refused(requests.post(url, data=b"#" * 2001 + b"\nASK {}", headers=direct, timeout=10), 413, "2000 bytes")


def test_updates_are_refused_on_the_read_only_endpoint(sample: Server) -> None:
    url = sample.url + "/sparql"
    before = count(sample)
    refused(requests.post(url, data={"update": "CLEAR ALL"}, timeout=10), 403, "read-only")
    refused(requests.post(url, data=b"CLEAR ALL", headers={"Content-Type": "application/sparql-update"}, timeout=10),
            403, "read-only")
    refused(requests.get(url, params={"update": "CLEAR ALL"}, timeout=10), 400, "POST")
    assert count(sample) == before


def test_update_dataset_named_twice_is_400(sample: Server) -> None:
    # SPARQL 1.1 Protocol 2.2.3: using-graph-uri with USING/WITH in the update is a client error.
    update = "WITH <http://example.org/g> DELETE { ?s ?p ?o } WHERE { ?s ?p ?o }"
    url = sample.url + "/sparql?using-named-graph-uri=http%3A%2F%2Fexample.org%2Fpeople"
    refused(requests.post(url, data=update.encode(), headers={"Content-Type": "application/sparql-update"},
                          timeout=10), 400, "USING or WITH")
    # Without the keyword (here only inside a string), the protocol is satisfied: read-only says no.
    harmless = 'DELETE WHERE { ?s ?p "WITH" }'
    refused(requests.post(url, data=harmless.encode(), headers={"Content-Type": "application/sparql-update"},
                          timeout=10), 403)


def test_unknown_paths_are_plain_text_404(sample: Server) -> None:
    refused(requests.get(sample.url + "/no/such/page", timeout=10), 404)


# -- conditional requests and caching ---------------------------------------------------------------

def test_etag_and_last_modified_give_304(sample: Server) -> None:
    first = sparql(sample, PEOPLE_QUERY)
    etag, modified = first.headers["ETag"], first.headers["Last-Modified"]
    again = requests.get(first.url, headers={"Accept": "application/sparql-results+json", "If-None-Match": etag}, timeout=10)
    assert again.status_code == 304 and again.content == b"" and again.headers["ETag"] == etag
    since = requests.get(first.url, headers={"Accept": "application/sparql-results+json", "If-Modified-Since": modified}, timeout=10)
    assert since.status_code == 304
    # Another representation or another query is another entity.
    assert sparql(sample, PEOPLE_QUERY, accept="text/csv").headers["ETag"] != etag
    stale = requests.get(first.url, headers={"Accept": "text/csv", "If-None-Match": etag}, timeout=10)
    assert stale.status_code == 200
    assert sparql(sample, COUNT_ALL).headers["ETag"] != etag
    # A POSTed query always runs.
    posted = requests.post(sample.url + "/sparql", data={"query": PEOPLE_QUERY}, timeout=10,
                           headers={"Accept": "application/sparql-results+json", "If-None-Match": etag})
    assert posted.status_code == 200 and posted.headers["ETag"] == etag


def test_the_same_data_gives_the_same_etag_in_another_process(sample: Server, configured: Server) -> None:
    # Another server on the same files (as another worker, or after a restart): the same validators.
    tags = [graph_store(s, graph=PLACES_GRAPH).headers["ETag"] for s in (sample, configured)]
    assert tags[0] == tags[1]


# -- CORS --------------------------------------------------------------------------------------------

def test_cors_for_any_origin_by_default(sample: Server) -> None:
    response = sparql(sample, "ASK {}", Origin="ignored")  # a parameter, not a header: no CORS headers
    assert "Access-Control-Allow-Origin" not in response.headers
    response = requests.get(sample.url + "/sparql", params={"query": "ASK {}"}, headers={"Origin": "https://yasgui.org"}, timeout=10)
    assert response.headers["Access-Control-Allow-Origin"] == "*"
    assert "ETag" in response.headers["Access-Control-Expose-Headers"]
    preflight = requests.options(sample.url + "/sparql", timeout=10, headers={
        "Origin": "https://yasgui.org", "Access-Control-Request-Method": "POST",
        "Access-Control-Request-Headers": "content-type"})
    assert preflight.status_code in (200, 204)
    assert "POST" in preflight.headers["Access-Control-Allow-Methods"]
    assert "content-type" in preflight.headers["Access-Control-Allow-Headers"].lower()


def test_cors_limited_to_configured_origins(configured: Server) -> None:
    url, params = configured.url + "/sparql", {"query": "ASK {}"}
    ok = requests.get(url, params=params, headers={"Origin": "https://ok.example"}, timeout=10)
    assert ok.headers["Access-Control-Allow-Origin"] == "https://ok.example" and "Origin" in ok.headers["Vary"]
    other = requests.get(url, params=params, headers={"Origin": "https://evil.example"}, timeout=10)
    assert other.status_code == 200 and "Access-Control-Allow-Origin" not in other.headers


# -- Graph Store Protocol reads -----------------------------------------------------------------------

def graph_store(server: Server, accept: str = "text/turtle", method: str = "GET", **params) -> requests.Response:
    return requests.request(method, server.url + "/sparql/graph", params=params, headers={"Accept": accept}, timeout=10)


def test_graph_store_named_graph(sample: Server) -> None:
    response = graph_store(sample, graph=PLACES_GRAPH)
    assert response.status_code == 200 and response.headers["Content-Type"] == "text/turtle; charset=utf-8"
    assert isomorphic(rdflib.Graph().parse(data=response.text, format="turtle"), parsed(PLACES))
    nquads = graph_store(sample, accept="application/n-quads", graph=PLACES_GRAPH)
    quads = list(ox.parse(nquads.content, format=ox.RdfFormat.N_QUADS))
    assert len(quads) == len(parsed(PLACES)) and {q.graph_name.value for q in quads} == {PLACES_GRAPH}
    head = graph_store(sample, method="HEAD", graph=PLACES_GRAPH)
    assert head.status_code == 200 and head.content == b""


def test_graph_store_default_graph_is_the_union(sample: Server) -> None:
    response = graph_store(sample, accept="application/n-triples", default="")
    assert response.status_code == 200
    union = parsed(PEOPLE) + parsed(PLACES)
    assert isomorphic(rdflib.Graph().parse(data=response.text, format="nt"), union)


def test_graph_store_refusals(sample: Server) -> None:
    refused(graph_store(sample, graph="http://example.org/graph/none"), 404, "no graph")
    refused(graph_store(sample), 400, "?graph=IRI or ?default")
    refused(graph_store(sample, graph=PLACES_GRAPH, default=""), 400)
    refused(graph_store(sample, graph="no iri"), 400)
    refused(graph_store(sample, accept="text/csv", graph=PLACES_GRAPH), 406)
    refused(requests.put(sample.url + "/sparql/graph", params={"graph": PLACES_GRAPH}, data=b"", timeout=10), 405)


def test_graph_store_conditional_get(sample: Server) -> None:
    first = graph_store(sample, graph=PLACES_GRAPH)
    again = requests.get(first.url, headers={"Accept": "text/turtle", "If-None-Match": first.headers["ETag"]}, timeout=10)
    assert again.status_code == 304


# -- service description ------------------------------------------------------------------------------

@pytest.mark.parametrize("accept, rdflib_format", [
    ("text/turtle", "turtle"), ("application/rdf+xml", "xml"), ("application/ld+json", "json-ld")])
def test_service_description_by_accept(sample: Server, accept: str, rdflib_format: str) -> None:
    response = requests.get(sample.url + "/sparql", headers={"Accept": accept}, timeout=10)
    assert response.status_code == 200 and response.headers["Content-Type"].startswith(accept)
    graph = rdflib.Graph().parse(data=response.content, format=rdflib_format)
    service = graph.value(predicate=SD.endpoint, object=rdflib.URIRef(sample.url + "/sparql"))
    assert service is not None and (service, SD.feature, SD.UnionDefaultGraph) in graph
    formats = {str(f) for f in graph.objects(service, SD.resultFormat)}
    from oversight.service_description import result_format_iris
    assert formats == set(result_format_iris()) and len(formats) == len(RESULTS_FORMATS) + len(GRAPH_FORMATS)
    assert "http://www.w3.org/ns/formats/JSON-LD" in formats
    dataset = graph.value(service, SD.defaultDataset)
    assert (dataset, rdflib.RDFS.seeAlso, rdflib.URIRef(sample.url + "/.well-known/void")) in graph
    named = {graph.value(n, SD.name): graph.value(graph.value(n, SD.graph), VOID.triples)
             for n in graph.objects(dataset, SD.namedGraph)}
    assert {str(k): int(v) for k, v in named.items()} == {PLACES_GRAPH: len(parsed(PLACES))}


def test_service_description_406_and_304(sample: Server) -> None:
    refused(requests.get(sample.url + "/sparql", headers={"Accept": "image/png"}, timeout=10), 406)
    first = requests.get(sample.url + "/sparql", timeout=10)
    again = requests.get(sample.url + "/sparql", headers={"If-None-Match": first.headers["ETag"]}, timeout=10)
    assert again.status_code == 304


def test_service_description_links_to_a_void_description_that_exists(sample: Server) -> None:
    graph = rdflib.Graph().parse(data=requests.get(sample.url + "/sparql", timeout=10).text, format="turtle")
    links = set(graph.objects(None, rdflib.RDFS.seeAlso))
    assert links == {rdflib.URIRef(sample.url + "/.well-known/void")}
    void = requests.get(str(links.pop()), headers={"Accept": "text/turtle"}, timeout=10)
    assert void.status_code == 200
    described = rdflib.Graph().parse(data=void.text, format="turtle")
    assert (None, VOID.sparqlEndpoint, rdflib.URIRef(sample.url + "/sparql")) in described


def test_browsers_are_sent_to_the_query_page(sample: Server) -> None:
    browser = {"Accept": "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8"}
    bare = requests.get(sample.url + "/sparql", headers=browser, allow_redirects=False, timeout=10)
    assert bare.status_code == 303 and bare.headers["Location"].endswith("/query") and "Accept" in bare.headers["Vary"]
    asked = requests.get(sample.url + "/sparql", params={"query": PEOPLE_QUERY}, headers=browser, timeout=10)
    assert asked.status_code == 200 and asked.headers["Content-Type"].startswith("text/html")
    assert "Zoë Ødegård" in asked.text


def test_a_write_changes_the_validators_and_the_description(tmp_path) -> None:
    token = "t" * 40
    (tmp_path / "token").write_text(token)
    server = start_sample_server("--write-token-file", str(tmp_path / "token"))
    try:
        before = sparql(server, COUNT_ALL)
        description = requests.get(server.url + "/sparql", timeout=10)
        stored = graph_store(server, graph=PLACES_GRAPH)
        insert = f'INSERT DATA {{ GRAPH <{PLACES_GRAPH}> {{ <http://example.org/hull> a <http://example.org/City> }} }}'
        written = requests.post(server.url + "/sparql", data={"update": insert}, timeout=60,
                                headers={"Authorization": f"Bearer {token}"})
        assert written.status_code == 200, written.text
        after = requests.get(before.url, timeout=10, headers={
            "Accept": "application/sparql-results+json", "If-None-Match": before.headers["ETag"]})
        assert after.status_code == 200 and after.headers["ETag"] != before.headers["ETag"]
        assert int(solutions(after)[0]["n"]) == int(solutions(before)[0]["n"]) + 1
        for earlier in (description, stored):
            again = requests.get(earlier.url, timeout=10, headers={"If-None-Match": earlier.headers["ETag"]})
            assert again.status_code == 200 and again.headers["ETag"] != earlier.headers["ETag"]
        graph = rdflib.Graph().parse(data=requests.get(server.url + "/sparql", timeout=10).text, format="turtle")
        assert {int(n) for n in graph.objects(None, VOID.triples)} == {len(parsed(PLACES)) + 1}
    finally:
        server.stop()


def test_describe_of_iris_answered_in_the_web_process_equals_the_engine(server: Server) -> None:
    """`DESCRIBE <iri>` is answered from the index in the web process (executor._describe_here);
    `DESCRIBE <iri> WHERE {}` still goes to pyoxigraph in a query process. Both must give the same
    graph for every subject of the seed graph (blank-node closures included)."""
    def described(query: str) -> rdflib.Graph:
        reply = requests.post(server.url + "/sparql", data={"query": query}, headers={"Accept": "application/n-triples"},
                              timeout=30)
        assert reply.status_code == 200, reply.text
        return rdflib.Graph().parse(data=reply.text, format="nt")

    listed = requests.post(server.url + "/sparql", headers={"Accept": "application/sparql-results+json"}, timeout=30,
                           data={"query": "SELECT DISTINCT ?s WHERE { ?s ?p ?o FILTER(isIRI(?s)) }"}).json()
    subjects = [row["s"]["value"] for row in listed["results"]["bindings"]]
    assert len(subjects) > 250
    with_blank_nodes = 0
    for iri in subjects:
        fast, engine = described(f"DESCRIBE <{iri}>"), described(f"DESCRIBE <{iri}> WHERE {{}}")
        assert len(fast) > 0 and isomorphic(fast, engine), iri
        with_blank_nodes += any(isinstance(o, rdflib.BNode) for o in fast.objects())
    assert with_blank_nodes > 20  # selectors, intervals: the closure was exercised
    two = described(f"DESCRIBE <{subjects[0]}> <{subjects[1]}>")
    assert isomorphic(two, described(f"DESCRIBE <{subjects[0]}> <{subjects[1]}> WHERE {{}}"))
