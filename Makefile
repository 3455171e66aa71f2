# Every target installs what it needs into .venv first (Python 3.11+ and make are all a machine needs).
PYTHON ?= python3
VENV   ?= .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed-stamp
PYTEST_ARGS ?=

.PHONY: install test demo plan bench readme pack clean

$(STAMP): requirements.txt requirements-dev.txt pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install -q --upgrade pip
	$(BIN)/python -m pip install -q -r requirements-dev.txt
	$(BIN)/python -m pip install -q --no-deps -e .
	touch $(STAMP)

install: $(STAMP)

## The test suite: rules, collectors (moto), components (Pulumi mocks), policy pack, end to end.
test: $(STAMP)
	$(BIN)/python -m pytest -n 2 $(PYTEST_ARGS)

## The main job: provision the organization trail into a local AWS emulator, then audit it.
demo: $(STAMP)
	$(BIN)/python -m checks.sandbox demo

## Print the resource plan of the Pulumi program under mocks (no AWS, no Pulumi CLI).
plan: $(STAMP)
	$(BIN)/python -m checks.sandbox plan

bench: $(STAMP)
	$(BIN)/python bench/startup.py

## Rebuild README.md's generated part from docs/*.md (a test fails when it is stale).
readme:
	$(PYTHON) docs/build_readme.py

## A self-contained copy of the policy pack for `pulumi policy publish` (out/policy-pack).
pack: $(STAMP)
	$(BIN)/python policies/build_pack.py out/policy-pack

clean:
	rm -rf $(VENV) out .pytest_cache
