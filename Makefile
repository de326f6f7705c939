# giveback: `make demo` and `make test` work on a fresh machine with only Python 3.11.
PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

.PHONY: install demo test bench hostile scale web record startup udf addin serve clean

install: $(STAMP)

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[test,server]'
	touch $(STAMP)

demo: install
	$(BIN)/giveback recommend -- 2 4 4 -10 3 -3
	$(BIN)/giveback recommend -- -20 3
	$(BIN)/giveback loops --on 1 --off 1 -- 2 4 4 -10 3 -3
	$(BIN)/giveback demo out/

test: install
	$(BIN)/python -m pytest -q

bench: install
	$(BIN)/python bench/engine.py

hostile: install  # every hostile case through giveback reconcile, each in a fresh process
	$(BIN)/python bench/hostile_cli.py

scale: install  # large workbooks end to end (builds bench/.books/ on first use: ~1 min)
	$(BIN)/python bench/scale.py

record: install  # the run record's cost on the 200k-row book (SPEC section 11)
	$(BIN)/python bench/record.py

web: install  # Excel on the web: payload sizes against its 5 MB limit, times in process and over HTTP (~5 min)
	$(BIN)/python bench/web.py

startup: install  # each command's start against a bare python, and the libraries it loads
	$(BIN)/python bench/startup.py

udf: install  # the Excel functions through the real xlwings Server over HTTP (~1 min)
	$(BIN)/python bench/udf.py

# Desktop ribbon add-in from xlwings' template, its VBA module built in: dist/giveback.xlam
# (+ giveback_ribbon.bas, the module's source, a fallback).
addin: install
	$(BIN)/python -m addin.build_xlam dist

# Office.js add-in: xlwings Server on 127.0.0.1 serving addin/ (xlwings PRO licence for
# commercial use; the noncommercial key is the default for development).
SERVE_PORT ?= 8000
SERVE_ARGS ?=
XLWINGS_LICENSE_KEY ?= noncommercial
serve: install
	XLWINGS_PROJECT_DIR=$(CURDIR)/addin/server XLWINGS_ENABLE_SOCKETIO=false \
	XLWINGS_LICENSE_KEY=$(XLWINGS_LICENSE_KEY) \
	$(BIN)/uvicorn xlwings_server.main:main_app --host 127.0.0.1 --port $(SERVE_PORT) $(SERVE_ARGS)

clean:
	rm -rf $(VENV) build dist out *.egg-info .pytest_cache .hypothesis
