# Samsyn — the two commands a new user needs are `make run` and `make test`.
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed-stamp
# The OpenID Connect provider the sign-in test starts (node-oidc-provider, from the npm registry).
IDP    := tests/idp
IDP_STAMP := $(IDP)/node_modules/.installed-stamp
# The .xlsb writer of the import test (SheetJS, from the npm registry): no Python library writes .xlsb.
XLSB   := tests/xlsb
XLSB_STAMP := $(XLSB)/node_modules/.installed-stamp
PORT   ?= 8501

.PHONY: install run serve-shared test bench lint sample lock clean

$(STAMP): pyproject.toml requirements.lock
	@sh scripts/system-deps.sh python
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -c requirements.lock -e '.[test]'
	touch $(STAMP)

install: $(STAMP)

## Install everything and start the dashboard on the Exempelstad sample.
run: install
	$(BIN)/samsyn serve --port $(PORT)

## Several Samsyn processes behind nginx on one PostgreSQL, for a shared server (docs/shared-server.md):
##   make serve-shared CONFIG=/etc/samsyn/samsyn.toml PROCESSES=3 LISTEN=0.0.0.0:8080
CONFIG    ?= samsyn.toml
PROCESSES ?= 3
LISTEN    ?= 0.0.0.0:8080
serve-shared: install
	@sh scripts/system-deps.sh shared
	$(BIN)/python -m deploy.shared --config $(CONFIG) --processes $(PROCESSES) --listen $(LISTEN)

$(IDP_STAMP): $(IDP)/package.json $(IDP)/package-lock.json
	cd $(IDP) && npm ci --no-audit --no-fund --loglevel=error
	touch $(IDP_STAMP)

$(XLSB_STAMP): $(XLSB)/package.json $(XLSB)/package-lock.json
	cd $(XLSB) && npm ci --no-audit --no-fund --loglevel=error
	touch $(XLSB_STAMP)

## Install everything (system packages for browser and database tests included) and run every test.
test: install
	@sh scripts/system-deps.sh test
	@$(MAKE) --no-print-directory $(IDP_STAMP) $(XLSB_STAMP)
	$(BIN)/ruff check .
	$(BIN)/python -m pytest

## Benchmarks as JSON lines: import, analysis, hotspots, dashboard, cli_aggregate (samsyn aggregate end to
## end against pandas + sjoin in the same run). `make bench BENCH=cli_aggregate` runs only the ones named.
bench: install
	$(BIN)/python -m bench $(BENCH)

lint: install
	$(BIN)/ruff check .

sample: install
	$(BIN)/samsyn sample --out data/sample

## Re-pin requirements.lock from the current environment.
lock:
	$(BIN)/python -m pip freeze --exclude-editable | grep -v '^samsyn' > requirements.lock

clean:
	rm -rf $(VENV) .pytest_cache
