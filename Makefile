# Two commands set up everything on a fresh machine with Python 3.11:
#   make serve   start the service on http://127.0.0.1:$(PORT) with the seed graph loaded
#   make test    run the test suite
PYTHON ?= python3
VENV   ?= .venv
PORT   ?= 8000
HOST   ?= 127.0.0.1
BIN     = $(VENV)/bin
STAMP   = $(VENV)/.installed

.PHONY: serve test install clean

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

clean:
	rm -rf $(VENV) .pytest_cache build *.egg-info service/*.egg-info

# Per-query cost of the executor's query processes against in-process pyoxigraph (executor.py).
.PHONY: bench-executor
bench-executor: $(STAMP)
	$(BIN)/python bench/executor_overhead.py
