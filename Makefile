# giveback: `make demo` and `make test` work on a fresh machine with only Python 3.11.
PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

.PHONY: install demo test bench scale addin serve clean

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

scale: install  # large workbooks end to end (builds bench/.books/ on first use: ~1 min)
	$(BIN)/python bench/scale.py

clean:
	rm -rf $(VENV) build dist out *.egg-info .pytest_cache .hypothesis
