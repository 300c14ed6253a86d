# `make demo`: fresh venv, install, ingest the sample reports, ask a question.
# `make test`: fresh venv with test extras, run the whole suite.
PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin
KB_DIR ?= indexes
QUESTION ?= KV cache quantization for video

.PHONY: demo test install install-dev notebook bench eval clean

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install -q --upgrade pip

# compat: the checkout goes on sys.path as a path entry, so a folder named `kb` beside a script
# (a knowledge base, say) cannot shadow the package, as it does with setuptools' import-hook editable install.
EDITABLE := --config-settings editable_mode=compat

$(VENV)/.installed: $(BIN)/python pyproject.toml
	$(BIN)/pip install -q $(EDITABLE) -e .
	touch $@

# torch is pinned to the local CPU build; an unpinned torch pulls GBs of CUDA wheels.
$(VENV)/.installed-dev: $(BIN)/python pyproject.toml
	$(BIN)/pip install -q torch==2.13.0
	$(BIN)/pip install -q $(EDITABLE) -e '.[dev,st]'
	touch $@

install: $(VENV)/.installed
# The browser tests drive Debian's chromium (Playwright's own browser download is not reachable).
install-dev: $(VENV)/.installed-dev
	@test -x /usr/bin/chromium || { SUDO=$$([ "$$(id -u)" = 0 ] || echo sudo); \
		$$SUDO apt-get update -q && $$SUDO apt-get install -y -q chromium; }

demo: install
	$(BIN)/kb --kb $(KB_DIR) ingest data/
	$(BIN)/kb --kb $(KB_DIR) ask "$(QUESTION)" --top-k 5

# pytest exits 5 when it collects nothing; that must fail, not pass.
test: install-dev
	$(BIN)/python -m pytest -q; status=$$?; \
	if [ $$status -eq 5 ]; then echo "pytest collected no tests" >&2; exit 1; fi; exit $$status

# JupyterLab started from the venv uses the venv's Python as its kernel.
notebook: $(BIN)/python
	$(BIN)/pip install -q $(EDITABLE) -e '.[notebook]'
	$(BIN)/jupyter lab notebooks/

eval: install
	$(BIN)/kb --kb $(KB_DIR) ingest data/
	$(BIN)/kb --kb $(KB_DIR) eval bench/queries.jsonl bench/queries_blind.jsonl

clean:
	rm -rf $(VENV) $(KB_DIR)/kb.duckdb $(KB_DIR)/gen-* $(KB_DIR)/ingest.lock
