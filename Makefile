# Two commands do all the set-up on a fresh machine:
#   make serve   build the portal from this repository and serve it on http://127.0.0.1:8000/
#   make test    run the whole test suite
# Both create .venv and install nianbao (editable) with its pinned dependencies when needed.

PYTHON ?= python3
VENV   ?= .venv
PY      = $(VENV)/bin/python
STAMP   = $(VENV)/.installed-stamp

.PHONY: serve build validate test test-tools clean

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --disable-pip-version-check -e '.[test]'
	touch $(STAMP)

serve: $(STAMP)
	$(VENV)/bin/mkdocs serve

build: $(STAMP)
	$(VENV)/bin/mkdocs build --strict

validate: $(STAMP)
	$(VENV)/bin/nianbao validate

test-tools:
	scripts/install-test-tools

test: $(STAMP) test-tools
	$(PY) -m pytest

clean:
	rm -rf site build test-artifacts .pytest_cache
