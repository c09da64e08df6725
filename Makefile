# Two commands set up everything on a fresh machine with Python 3.11:
#   make serve   start the service on http://127.0.0.1:$(PORT) with the seed graph loaded
#   make test    run the test suite
#   make bench   compare the service with Oxigraph server and rdflib-endpoint (BENCH_SIZES=10k,100k,1M)
PYTHON ?= python3
VENV   ?= .venv
PORT   ?= 8000
HOST   ?= 127.0.0.1
BIN     = $(VENV)/bin
STAMP   = $(VENV)/.installed
BENCH_STAMP = $(VENV)/.installed-bench
BENCH_SIZES ?= 10k

.PHONY: serve test install bench clean

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e '.[test]'
	touch $(STAMP)

install: $(STAMP)

serve: $(STAMP)
	$(BIN)/oversight serve --host $(HOST) --port $(PORT)

test: $(STAMP)
	$(BIN)/python -m pytest $(PYTEST_ARGS)

$(BENCH_STAMP): $(STAMP) pyproject.toml
	$(BIN)/pip install --quiet -e '.[test,bench]'
	touch $(BENCH_STAMP)

bench: $(BENCH_STAMP)
	BENCH_SIZES=$(BENCH_SIZES) $(BIN)/python bench/run.py

clean:
	rm -rf $(VENV) .pytest_cache build *.egg-info service/*.egg-info

# Per-query cost of the executor's query processes against in-process pyoxigraph (executor.py).
.PHONY: bench-validation
# SHACL validation times: seed graph, synthetic 10k/100k/1M (BENCH_VALIDATION_SIZES), one added document
bench-validation: $(STAMP)
	$(BIN)/python bench/validation.py

.PHONY: bench-executor
bench-executor: $(STAMP)
	$(BIN)/python bench/executor_overhead.py

# Latency of the linked-data pages (resource pages, statements, timelines, VoID, dumps) on the seed graph.
.PHONY: bench-pages
bench-pages: $(STAMP)
	$(BIN)/python bench/pages.py

# Bounded load test: LOAD_CLIENTS (8-32) concurrent clients for LOAD_SECONDS against a real server on 127.0.0.1.
LOAD_CLIENTS ?= 16
LOAD_SECONDS ?= 60
.PHONY: bench-load
bench-load: $(STAMP)
	$(BIN)/python bench/load.py --clients $(LOAD_CLIENTS) --seconds $(LOAD_SECONDS)
