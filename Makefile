# Every target installs what it needs into .venv first (Python 3.11+ and make are all a machine needs).
PYTHON ?= python3
VENV   ?= .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed-stamp
PYTEST_ARGS ?=

.PHONY: install test demo plan bench readme pack clean browser

$(STAMP): requirements.txt requirements-dev.txt pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install -q --upgrade pip
	$(BIN)/python -m pip install -q -r requirements-dev.txt
	$(BIN)/python -m pip install -q --no-deps -e .
	touch $(STAMP)

install: $(STAMP)

## Debian's chromium for the HTML report's headless-browser test; a no-op when a chromium is present.
## Installing needs root (CI runs as root); otherwise say so, and the browser tests skip (fail under CI=true).
browser:
	@command -v chromium >/dev/null 2>&1 || command -v chromium-browser >/dev/null 2>&1 || \
	  if [ "$$(id -u)" = 0 ]; then \
	    apt-get update -q && DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends chromium; \
	  else echo "make: chromium is missing and installing it needs root: apt-get install chromium"; fi

## asl-validator (npm, pinned by tools/asl-validator/package-lock.json) checks the ContinuousAudit state machine.
ASL_DIR   := tools/asl-validator
ASL_STAMP := $(ASL_DIR)/node_modules/.installed-stamp
$(ASL_STAMP): $(ASL_DIR)/package.json $(ASL_DIR)/package-lock.json
	npm ci --prefix $(ASL_DIR) --no-audit --no-fund --loglevel=error
	touch $(ASL_STAMP)

## The test suite: rules, collectors (moto), components (Pulumi mocks), policy pack, HTML in a browser, end to end.
test: $(STAMP) $(ASL_STAMP) browser
	TRAILGUARD_REQUIRE_ASL_VALIDATOR=1 $(BIN)/python -m pytest -n 2 $(PYTEST_ARGS)

## The main job: provision the organization trail into a local AWS emulator, then audit it.
demo: $(STAMP)
	$(BIN)/python -m sandbox demo

## Print the resource plan of the Pulumi program under mocks (no AWS, no Pulumi CLI).
plan: $(STAMP)
	$(BIN)/python -m sandbox plan

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
