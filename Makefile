# OrgLife — the two commands of the README: `make run` and `make test`.
PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin
PORT ?= 5000
# Test processes (pytest-xdist): every process has its own database; 1 runs the suite in-process.
JOBS ?= auto
FLASK := $(BIN)/flask --app wsgi
CATALOGS := $(wildcard meetings/translations/*/LC_MESSAGES/messages.po)
COMPILED := $(CATALOGS:.po=.mo)

.PHONY: run test test-pg test-e2e lint translations i18n-extract clean

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip

$(VENV)/.runtime: requirements.txt | $(BIN)/python
	$(BIN)/pip install --quiet -r requirements.txt
	touch $@

$(VENV)/.dev: requirements-dev.txt requirements.txt | $(BIN)/python
	$(BIN)/pip install --quiet -r requirements-dev.txt
	touch $@ $(VENV)/.runtime

%.mo: %.po $(VENV)/.runtime
	$(BIN)/pybabel compile --statistics -i $< -o $@

translations: $(COMPILED)

## run: migrate the database, seed the demo if empty, serve on 127.0.0.1:$(PORT) with a mail worker
## (it says where mail goes: SMTP_URL, or .eml files in instance/mail/)
# Links in mail and calendars point at this port unless BASE_URL says otherwise.
run: export ORGLIFE_PORT := $(PORT)
run: export REPLY_ADDRESS ?= rsvp@orglife.local
run: $(VENV)/.runtime translations
	$(FLASK) db upgrade
	$(FLASK) seed-demo
	$(FLASK) send-mail --interval 5 & worker=$$!; trap 'kill $$worker 2>/dev/null' EXIT INT TERM; \
	$(FLASK) run --host 127.0.0.1 --port $(PORT)

## test: install dev requirements and run the whole suite (PostgreSQL/Chromium parts skip, with a reason, when absent)
test: $(VENV)/.dev translations
	$(BIN)/pytest -n $(JOBS)

test-pg: $(VENV)/.dev translations
	TEST_DATABASE_URL=$${TEST_DATABASE_URL:-postgresql+psycopg://postgres@127.0.0.1/orglife_test} $(BIN)/pytest -n $(JOBS) -m "not e2e"

test-e2e: $(VENV)/.dev translations
	$(BIN)/pytest -m e2e

lint: $(VENV)/.dev
	$(BIN)/ruff check meetings tests bench scripts migrations/env.py

## i18n-extract: refresh the English catalog from the Chinese source strings
i18n-extract: $(VENV)/.dev
	$(BIN)/pybabel extract -F babel.cfg -k _l -k lazy_pgettext:1c,2 --ignore-dirs ".* __pycache__ node_modules" -o meetings/translations/messages.pot .
	$(BIN)/pybabel update -i meetings/translations/messages.pot -d meetings/translations --no-fuzzy-matching

clean:
	rm -rf $(VENV) .pytest_cache
