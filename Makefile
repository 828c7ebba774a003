# The two commands a new user needs: `make run` and `make test`.
PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin
HOST ?= 127.0.0.1
PORT ?= 8000
WORKERS ?= 2
PYTEST_ARGS ?=
BENCH_SIZES ?= 2500 10000 50000

# Marker file: reinstall only when the dependencies change.
INSTALLED := $(VENV)/.installed-stamp
SECRET_KEY_FILE := instance/secret_key

.PHONY: run test dev lint format bench install clean

install: $(INSTALLED)

$(INSTALLED): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[test,postgres,dev]'
	touch $@

# A random key kept in the instance folder for local use; deployments set QUIZAPP_SECRET_KEY.
$(SECRET_KEY_FILE): | $(INSTALLED)
	$(BIN)/python -c "from pathlib import Path; from quizapp.config import resolve_secret_key; resolve_secret_key(Path('instance'), may_generate=True)"

run: $(INSTALLED) $(SECRET_KEY_FILE)
	$(BIN)/flask db upgrade
	$(BIN)/flask bank load
	$(BIN)/flask demo setup
	@echo ""
	@echo "QuizApp is serving on http://$(HOST):$(PORT)/  (Ctrl+C stops it)"
	@echo "Students sign up at http://$(HOST):$(PORT)/signup and log in at /login."
	@echo "Create a teacher account with:"
	@echo "  $(BIN)/flask users create you@example.org --role teacher"
	@echo ""
	$(BIN)/gunicorn --bind $(HOST):$(PORT) --workers $(WORKERS) --access-logfile - 'wsgi:app'

test: $(INSTALLED)
	$(BIN)/python -m pytest $(PYTEST_ARGS)

dev: $(INSTALLED) $(SECRET_KEY_FILE)
	$(BIN)/flask db upgrade
	$(BIN)/flask bank load
	$(BIN)/flask --debug run --host $(HOST) --port $(PORT)

# Benchmarks are run on demand; see bench/README.md. BENCH_HTTP picks the HTTP ones
# (ceiling, length, exam-start, attempts or all) and BENCH_HTTP_ARGS passes options.
BENCH_HTTP ?= all
BENCH_HTTP_ARGS ?=
bench: $(INSTALLED)
	$(BIN)/python bench/bench_reports.py $(BENCH_SIZES)
	$(BIN)/python bench/bench_http.py $(BENCH_HTTP) $(BENCH_HTTP_ARGS)

# Ruff for style, mypy for types (strict on quizapp/domain; settings in pyproject.toml).
lint: $(INSTALLED)
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/mypy

format: $(INSTALLED)
	$(BIN)/ruff format .
	$(BIN)/ruff check --fix .

clean:
	rm -rf $(VENV) .pytest_cache .ruff_cache
