"""The `oversight` command line: serve, query, export, stats, validate, ingest, add."""

from __future__ import annotations

import dataclasses
import json
import os
import sys
from collections.abc import Callable
from pathlib import Path

import click
import pyoxigraph as ox

from .auth import validate_token
from .config import Settings
from .loader import open_store, parse_graph_assignment
from .store import LoadError, RdfSource, Store
from . import results, stats as stats_module
from .ingest import draft as ingest_draft
from .ingest.index import GraphIndex
from .queries import load_query

EXPORT_FORMATS = {
    "trig": ox.RdfFormat.TRIG,
    "nquads": ox.RdfFormat.N_QUADS,
    "turtle": ox.RdfFormat.TURTLE,
    "json-ld": ox.RdfFormat.JSON_LD,
}


def data_options(command):
    """The options every command that opens the graph shares."""
    command = click.option("--store", "store_path", type=click.Path(file_okay=False, path_type=Path),
                           help="On-disk store directory (created if missing; reopened without reloading).")(command)
    command = click.option("--data", "data_files", multiple=True, type=click.Path(dir_okay=False, path_type=Path),
                           help="Serve this RDF file instead of the seed graph (repeatable; graph-aware formats keep their graphs).")(command)
    command = click.option("--graph", "graph_files", multiple=True, metavar="IRI=FILE",
                           help="Load FILE into the named graph IRI (repeatable).")(command)
    # The backend options reach settings_from through the click context, not every command's signature.
    command = click.option("--update-url", default=None, expose_value=False, callback=_remember,
                           envvar="OVERSIGHT_UPDATE_URL", metavar="URL",
                           help="SPARQL 1.1 Update endpoint of the remote store (--backend sparql; none: read-only).")(command)
    command = click.option("--query-url", default=None, expose_value=False, callback=_remember,
                           envvar="OVERSIGHT_QUERY_URL", metavar="URL",
                           help="SPARQL 1.1 Query endpoint of the remote store (--backend sparql).")(command)
    command = click.option("--backend", type=click.Choice(["oxigraph", "sparql"]), default="oxigraph",
                           show_default=True, expose_value=False, callback=_remember, envvar="OVERSIGHT_BACKEND",
                           help="oxigraph: the embedded store (in memory, or --store DIR); "
                                "sparql: a remote SPARQL 1.1 server shared by any number of replicas.")(command)
    return command


def gate_option(command):
    """`--allow-invalid` for every command that publishes or reads the loaded data."""
    command = click.option("--skip-validation", is_flag=True, envvar="OVERSIGHT_SKIP_VALIDATION", expose_value=False,
                           callback=_remember, help="Do not validate at all (benchmarks of uncurated data); "
                           "the service says the data was not checked.")(command)
    return click.option("--allow-invalid", is_flag=True, envvar="OVERSIGHT_ALLOW_INVALID",
                        help="Use the data even if it violates the SHACL shapes (the service then says so).")(command)


def open_checked_store(settings: Settings, allow_invalid: bool):
    """Open the store and validate it first: data with violations is refused (the report goes to
    standard error, exit 1) unless `allow_invalid`. Returns the store and the validation status."""
    from .validation import InvalidData, gate

    store = open_store(settings)
    try:
        skip = bool(click.get_current_context().meta.get("oversight.skip_validation"))
        report, status = gate(store, allow_invalid, shapes_dir=settings.shapes_dir, skip=skip)
    except InvalidData as refused:
        click.echo(refused.report.text(), err=True)
        raise click.ClickException(str(refused)) from None
    if report is not None and not report.conforms:
        click.echo(f"oversight: warning: serving data that does NOT conform ({len(report.violations)} "
                   "violation(s)) because of --allow-invalid", err=True)
    return store, status


def _remember(ctx: click.Context, param: click.Parameter, value):
    ctx.meta[f"oversight.{param.name}"] = value
    return value


def settings_from(store_path: Path | None, data_files: tuple[Path, ...], graph_files: tuple[str, ...], **extra) -> Settings:
    sources = [RdfSource(p) for p in data_files]
    try:
        sources += [parse_graph_assignment(g) for g in graph_files]
    except ValueError as err:
        raise click.BadParameter(str(err), param_hint="--graph") from None
    meta = click.get_current_context().meta
    backend = meta.get("oversight.backend", "oxigraph")
    query_url, update_url = meta.get("oversight.query_url"), meta.get("oversight.update_url")
    if backend == "sparql":
        if not query_url:
            raise click.UsageError("--backend sparql needs --query-url URL")
        if store_path or sources:
            raise click.UsageError("--backend sparql serves the remote store as it is: load it with its own tools "
                                   "(e.g. the Graph Store Protocol), not --store/--data/--graph")
    elif query_url or update_url:
        raise click.UsageError("--query-url and --update-url need --backend sparql")
    return Settings(store_path=store_path, sources=sources, backend=backend, query_url=query_url,
                    update_url=update_url, **extra)


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(package_name="oversight-graph")
def cli() -> None:
    """Oversight Graph: a knowledge graph of police inspectorate oversight."""


def limit_options(command):
    """`serve` options for the query limits (executor.py); each also reads an environment variable."""
    defaults = {f.name: f.default for f in dataclasses.fields(Settings)}
    for name, kind, help_text in reversed(LIMIT_OPTIONS):
        command = click.option(f"--{name.replace('_', '-')}", name, type=kind, default=None, show_envvar=True,
                               envvar=f"OVERSIGHT_{name.upper()}",
                               help=f"{help_text} [default: {defaults[name]}]")(command)
    return command


LIMIT_OPTIONS = [
    ("query_timeout_s", click.FloatRange(min=0.01), "Seconds a query may run before it is stopped (503)."),
    ("max_result_rows", click.IntRange(1), "Rows (or triples) a result may hold; more are cut, and the response says so."),
    ("max_response_bytes", click.IntRange(1), "Bytes a result may hold (compact TSV/N-Triples form); cut and stated past it."),
    ("max_query_bytes", click.IntRange(1), "Longest query accepted (400 past it)."),
    ("max_nesting_depth", click.IntRange(1), "Deepest nesting of brackets accepted (400 past it)."),
    ("max_body_bytes", click.IntRange(1), "Largest request body accepted (413 past it)."),
    ("cache_bytes", click.IntRange(0), "Result cache per worker, in bytes (0: off)."),
    ("query_processes", click.IntRange(0), "Query processes per worker (0: one per CPU, at least 2)."),
    ("query_memory_bytes", click.IntRange(0), "Memory a query process may take beyond the loaded store (0: no limit); past it, 503."),
    ("query_process_retire_bytes", click.IntRange(0),
     "A query process that has made this much memory its own is replaced after its answer (fork cost vs. memory)."),
]


@cli.command()
@data_options
@limit_options
@click.option("--host", default="127.0.0.1", show_default=True, help="Interface to listen on.")
@click.option("--port", default=8000, show_default=True, type=click.IntRange(0, 65535))
@click.option("--workers", default=1, show_default=True, type=click.IntRange(1), help="Worker processes.")
@click.option("--threads", default=2 * (os.cpu_count() or 1) + 1, show_default="2 x CPUs + 1", type=click.IntRange(1),
              help="Threads per worker (they mostly wait for query processes; Granian's own advice is at most 2 x CPUs + 1).")
@click.option("--public-base", default=None, help="Public URL of this deployment, e.g. https://example.org.")
@gate_option
@click.option("--cors-origin", "cors_origins", multiple=True, metavar="ORIGIN",
              help="Origin whose web pages may read responses (repeatable; default '*', any; 'none' turns CORS off).")
@click.option("--write-token-file", type=click.Path(dir_okay=False, exists=True, path_type=Path),
              help="Enable writes (SPARQL Update, Graph Store writes) for clients sending this file's token as a "
                   "bearer token (also: environment variable OVERSIGHT_WRITE_TOKEN). Without it the service is read-only.")
@click.option("--shared-cache-s", type=click.IntRange(0), default=0, show_default=True, metavar="S",
              help="Let shared caches (a CDN in front of several replicas) serve pages, results and dumps for S "
                   "seconds without asking again; 0: every cache revalidates each time (cheap 304s).")
@click.option("--allow-remote-host", "remote_hosts", multiple=True, metavar="HOST",
              help="Let SERVICE (in queries and updates) and LOAD (in updates) fetch from HOST (repeatable; default: none).")
def serve(store_path, data_files, graph_files, host, port, workers, threads, public_base, cors_origins, allow_invalid,
          write_token_file, shared_cache_s, remote_hosts, **limits) -> None:
    """Start the HTTP service (SPARQL endpoint and linked-data pages) under Granian."""
    from .wsgi import run_server

    extra = {name: value for name, value in limits.items() if value is not None}
    if cors_origins:
        extra["cors_origins"] = tuple(o for o in cors_origins if o != "none")
    extra["remote_hosts"] = tuple(remote_hosts)
    extra["shared_cache_s"] = shared_cache_s
    if write_token_file is not None:
        extra["write_token"] = write_token_file.read_text(encoding="utf-8")
    settings = settings_from(store_path, data_files, graph_files, public_base=public_base, **extra)
    if settings.write_token is not None:
        try:
            settings.write_token = validate_token(settings.write_token)
        except ValueError as err:
            raise click.BadParameter(str(err), param_hint="--write-token-file / OVERSIGHT_WRITE_TOKEN") from None
        if workers > 1:
            # Each worker process holds its own copy of the store: a write would reach only one of them.
            raise click.BadParameter("writes need a single worker process (use --threads for concurrency)",
                                     param_hint="--workers")

    def open_validated() -> tuple[Store, dict]:
        store, validation = open_checked_store(settings, allow_invalid)
        click.echo(f"Oversight Graph: {len(store)} quads in {len(store.named_graphs())} graphs; "
                   f"serving on http://{host}:{port}/", err=True)
        return store, validation

    if settings.store_path is None:
        store, validation = open_validated()
    else:  # open, load and validate in a child; each worker then reopens the store
        store, validation = None, run_in_child_returning(lambda: open_validated()[1])
    run_server(settings, store, host=host, port=port, workers=workers, threads=threads, validation=validation)


@cli.command()
@data_options
@click.argument("query")
@click.option("--format", "fmt", type=click.Choice(results.CLI_FORMATS), default="table", show_default=True)
@gate_option
def query(store_path, data_files, graph_files, query, fmt, allow_invalid) -> None:
    """Run QUERY (a SPARQL string or a path to a .rq file) against the graph."""
    text = Path(query).read_text(encoding="utf-8") if query.endswith(".rq") else query
    store, _ = open_checked_store(settings_from(store_path, data_files, graph_files), allow_invalid)
    try:
        result = store.query(text)
    except SyntaxError as err:
        raise click.ClickException(f"malformed query: {err}") from None
    results.write_cli(result, fmt, click.get_binary_stream("stdout"))


@cli.command()
@data_options
@click.option("--format", "fmt", type=click.Choice(list(EXPORT_FORMATS)), default="trig", show_default=True)
@click.option("-o", "--output", type=click.Path(dir_okay=False, path_type=Path), help="Write to FILE instead of standard output.")
@gate_option
def export(store_path, data_files, graph_files, fmt, output, allow_invalid) -> None:
    """Export the whole graph (every named graph) as TriG, N-Quads, Turtle or JSON-LD."""
    store, _ = open_checked_store(settings_from(store_path, data_files, graph_files), allow_invalid)
    rdf_format = EXPORT_FORMATS[fmt]
    if output is None:
        store_dump(store, rdf_format, click.get_binary_stream("stdout"))
        return
    tmp = output.with_name(output.name + ".part")
    with tmp.open("wb") as out:
        store_dump(store, rdf_format, out)
    tmp.replace(output)  # never leave a half-written export behind


def store_dump(store: Store, fmt: ox.RdfFormat, out) -> None:
    if fmt.supports_datasets:
        store.dump(out, fmt)
    else:
        # Turtle has no graphs: export the union of all graphs.
        store.query(load_query("union-graph")).serialize(out, format=fmt)


@cli.command()
@data_options
@gate_option
def stats(store_path, data_files, graph_files, allow_invalid) -> None:
    """Triples per named graph and entities per class."""
    store, _ = open_checked_store(settings_from(store_path, data_files, graph_files), allow_invalid)
    click.echo(stats_module.render(stats_module.compute(store)))


@cli.command()
@data_options
@click.argument("files", nargs=-1, type=click.Path(dir_okay=False, path_type=Path))
@click.option("--format", "fmt", type=click.Choice(["text", "turtle", "json-ld", "json"]), default="text",
              show_default=True, help="text: readable, grouped by shape; turtle/json-ld: the sh:ValidationReport; json: plain.")
@click.option("--engine", type=click.Choice(["fast", "pyshacl"]), default="fast", show_default=True,
              help="fast: the shapes compiled to SPARQL on pyoxigraph; pyshacl: the reference engine.")
def validate(store_path, data_files, graph_files, files, fmt, engine) -> None:
    """Validate FILES (or, without FILES, the configured graph) against the SHACL shapes.

    Files are loaded as the loader would (documents/KEY.ttl into its document graph, with
    texts/KEY.txt beside it; reference.ttl into the reference graph), with the ontology.
    Exit 0: conforms (warnings allowed); 1: violations; 2: unreadable input."""
    from .validation import store_for_files, validate_store

    settings = settings_from(store_path, data_files, graph_files)
    if files:
        missing = [str(f) for f in files if not f.is_file()]
        if missing:
            raise LoadError(missing[0], "no such file")
        store = store_for_files(files, settings.ontology_dir)
    else:
        store = open_store(settings)
        if not isinstance(store, Store):
            raise click.UsageError("validate checks local data: give FILES, or use the oxigraph backend")
    report = validate_store(store, engine=engine, shapes_dir=settings.shapes_dir, ontology_dir=settings.ontology_dir)
    click.echo(report.serialize(fmt), nl=False)
    if fmt != "text":
        click.echo(report.summary(), err=True)
    sys.exit(0 if report.conforms else 1)


@cli.command()
@click.option("--triples", "size", required=True, metavar="N",
              help="How many triples to generate: a number or 10k, 100k, 1M.")
@click.option("--seed", default=0, show_default=True, type=int, help="The same seed gives the same file.")
@click.option("-o", "--output", required=True, type=click.Path(dir_okay=False, path_type=Path),
              help="The TriG (.trig) or N-Quads (.nq) file to write.")
def generate(size, seed, output) -> None:
    """Write a synthetic graph of N triples in the project's ontology (for benchmarks)."""
    import time

    from . import generate as generator

    try:
        triples = generator.parse_size(size)
    except ValueError as err:
        raise click.BadParameter(str(err), param_hint="--triples") from None
    started = time.monotonic()
    quads = generator.generate(triples, seed)
    try:
        generator.write(quads, output)
    except ValueError as err:
        raise click.BadParameter(str(err), param_hint="--output") from None
    click.echo(f"{len(quads)} triples in {len({q.graph_name for q in quads})} graphs written to {output} "
               f"in {time.monotonic() - started:.1f} s", err=True)


@cli.command()
@data_options
@click.argument("file", required=False, type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--kind", type=click.Choice(ingest_draft.KINDS), help="What the source is (required to draft).")
@click.option("--url", help="Where the source is published.")
@click.option("--published", help="Publication date, when the text does not print it (2024-09-17, 17 September 2024, or bounds 2024-07-23..2024-07-29).")
@click.option("--publisher", help="Publisher: an IRI, or a name matched to organisations in the graph.")
@click.option("--author", help="Author, when the text does not print an author line.")
@click.option("--key", help="Document key (default: publisher-kind-date-title).")
@click.option("-o", "--output", type=click.Path(dir_okay=False, path_type=Path), help="Write the draft to FILE instead of standard output.")
@click.option("--check", "check_path", type=click.Path(exists=True, dir_okay=False, path_type=Path), metavar="DRAFT.ttl",
              help="Check a draft instead: the shapes gate on draft and graph together, and what is left to review.")
def ingest(store_path, data_files, graph_files, file, kind, url, published, publisher, author, key, output, check_path) -> None:
    """Draft the named graph of a source text (FILE.txt) for a curator to review, or --check a draft.

    Exit codes of --check: 0 ready to add; 1 the draft is invalid or fails the shapes gate;
    3 valid, but items are still marked og:needsReview."""
    from .ingest import review

    store = open_store(settings_from(store_path, data_files, graph_files))
    if check_path is not None:
        if file is not None:
            raise click.UsageError("give either FILE to draft or --check DRAFT.ttl, not both")
        result = review.check_draft(check_path, store)
        click.echo(result.text())
        sys.exit(0 if result.ready else 1 if not result.conforms else 3)
    if file is None or kind is None:
        raise click.UsageError("drafting needs FILE and --kind (or use --check DRAFT.ttl)")
    try:
        text = file.read_bytes().decode("utf-8")  # bytes: offsets count the characters as stored
    except UnicodeDecodeError as err:
        raise click.ClickException(f"{file}: not UTF-8 text ({err.reason} at byte {err.start})") from None
    options = ingest_draft.Options(kind, file.name, url=url, published=published, publisher=publisher,
                                   author=author, key=key)
    try:
        draft = ingest_draft.build_draft(text, options, GraphIndex.from_store(store))
    except ValueError as err:
        raise click.BadParameter(str(err)) from None
    write_text(ingest_draft.render(draft), output)
    click.echo(f"drafted <{draft.graph}>: {len(draft.statements)} statement(s), {len(draft.mentions)} mention(s), "
               f"{len(draft.new_people())} new person(s) to confirm", err=True)


@cli.command()
@data_options
@click.argument("draft", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--data-dir", type=click.Path(file_okay=False, path_type=Path),
              help="Add to a graph_data/ directory instead (documents/KEY.ttl and texts/KEY.txt), checked against the graph it holds.")
def add(store_path, data_files, graph_files, draft, data_dir) -> None:
    """Merge a reviewed DRAFT.ttl into the store (--store DIR, or a remote one with --backend sparql)
    in one transaction, or write it into a graph_data/ directory (--data-dir DIR).

    Refuses, leaving the store (or directory) unchanged, while the draft fails the shapes gate or
    still has items marked og:needsReview."""
    from .ingest import review

    settings = settings_from(store_path, data_files, graph_files)
    remote = settings.backend == "sparql"
    if [store_path is not None, data_dir is not None, remote].count(True) != 1:
        raise click.UsageError("add writes to one place: give --store DIR, --data-dir DIR or --backend sparql")
    if data_dir is not None:
        settings.data_dir = data_dir
    store = open_store(settings)
    where = store_path or data_dir or settings.query_url
    result = review.add_draft(draft, store, persist=data_dir is None)
    if not result.ready:
        click.echo(result.text(), err=True)
        raise click.ClickException(f"{draft} was not added: {where} is unchanged")
    if data_dir is not None:
        ttl_path, txt_path = review.write_to_data_dir(draft, result, data_dir)
        click.echo(f"added <{result.graph}>: wrote {ttl_path} and {txt_path}")
    else:
        click.echo(f"added <{result.graph}> ({len(result.quads)} triples) to {where}")


def write_text(text: str, output: Path | None) -> None:
    """Standard output, or FILE written whole (never half-written)."""
    if output is None:
        click.echo(text, nl=False)
        return
    tmp = output.with_name(output.name + ".part")
    tmp.write_text(text, encoding="utf-8")
    tmp.replace(output)


def main() -> None:
    """Entry point: errors become one clear line and a non-zero exit, never a traceback."""
    sys.exit(run_reporting_errors(lambda: cli.main(prog_name="oversight", standalone_mode=False)))


def run_reporting_errors(action: Callable[[], object]) -> int:
    """Run `action`; return the exit code, having reported any error as one line on standard error."""
    try:
        action()
    except click.exceptions.Exit as done:
        return done.exit_code
    except click.Abort:
        click.echo("oversight: aborted", err=True)
        return 130
    except click.ClickException as err:
        click.echo(f"oversight: error: {err.format_message()}", err=True)
        return err.exit_code
    except (LoadError, OSError) as err:
        click.echo(f"oversight: error: {err}", err=True)
        return 2
    except Exception as err:  # noqa: BLE001 - the last line of defence against tracebacks
        click.echo(f"oversight: internal error: {type(err).__name__}: {err}", err=True)
        return 70
    return 0


def run_in_child_returning(action: Callable[[], object]) -> object:
    """run_in_child, handing the action's JSON-serialisable result back to the parent through a pipe."""
    read_end, write_end = os.pipe()

    def act_and_send() -> None:
        with os.fdopen(write_end, "w") as pipe:
            json.dump(action(), pipe)

    run_in_child(act_and_send)
    os.close(write_end)
    with os.fdopen(read_end) as pipe:
        return json.load(pipe)


def run_in_child(action: Callable[[], object]) -> None:
    """Run `action` in a forked child and exit with its code if it fails.

    RocksDB starts a process-wide thread pool the first time a store is opened, and fork() does not
    copy threads: a worker forked from a process that opened an on-disk store hangs on its
    first write. Opening and loading the store in a short-lived child keeps the server process clean.
    """
    sys.stdout.flush()
    sys.stderr.flush()
    pid = os.fork()
    if pid == 0:
        code = run_reporting_errors(action)
        sys.stdout.flush()
        sys.stderr.flush()
        os._exit(code)
    code = os.waitstatus_to_exitcode(os.waitpid(pid, 0)[1])
    if code != 0:
        sys.exit(code if code > 0 else 70)
