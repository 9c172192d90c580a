# Ambassador — one target per stage, plus the nightly job, tests and benchmarks.
#   make nightly                      the main job on the bundled samples
#   make test                         every test (installs what is missing first)
#   make backfill FROM=2026-01-01 TO=2026-03-31
# PIPELINE= and WAREHOUSE= choose the pipeline file and override its warehouse.

SHELL := /bin/bash
.SHELLFLAGS := -eu -o pipefail -c
export PATH := $(PATH):/opt/swift/usr/bin

PIPELINE ?= pipelines/sample.yml
WAREHOUSE ?=
SWIFT ?= swift
BIN := .build/release/ambassador
ARGS := --pipeline $(PIPELINE) $(if $(WAREHOUSE),--warehouse $(WAREHOUSE),)
# What building and running need; the tests and the report check also need a browser.
SYSTEM_PACKAGES := libsqlite3-dev libxml2-dev libpq-dev pkg-config sqlite3 time
TEST_PACKAGES := chromium postgresql
SOURCES := $(shell find Sources -type f) Package.swift

.PHONY: help deps test-deps install-packages build test fault-test fuzz nightly run extract normalize load score report report-check backfill status samples bench clean

help: ## List the targets
	@grep -E '^[a-z-]+:.*## ' $(MAKEFILE_LIST) | sed -e 's|$$(PIPELINE)|$(PIPELINE)|g' -e 's|$$(REPORT_DIR)|$(REPORT_DIR)|g' | awk -F':.*## ' '{printf "  make %-10s %s\n", $$1, $$2}'

deps: ## Install missing system packages (apt-get) and check the Swift toolchain
	@$(MAKE) --no-print-directory install-packages PACKAGES="$(SYSTEM_PACKAGES)"
	@command -v $(SWIFT) >/dev/null || { echo "swift not found: install Swift 6.1 or newer (https://swift.org/install)"; exit 1; }

test-deps: deps ## Also install what the tests need (a headless browser for the report check)
	@$(MAKE) --no-print-directory install-packages PACKAGES="$(TEST_PACKAGES)"

install-packages:
	@missing=""; \
	for p in $(PACKAGES); do dpkg -s "$$p" >/dev/null 2>&1 || missing="$$missing $$p"; done; \
	if [ -n "$$missing" ]; then \
	  echo "installing:$$missing"; \
	  sudo=""; [ "$$(id -u)" -eq 0 ] || sudo="sudo"; \
	  $$sudo apt-get update -qq && DEBIAN_FRONTEND=noninteractive $$sudo apt-get install -y -qq --no-install-recommends $$missing >/dev/null; \
	fi

$(BIN): $(SOURCES)
	$(SWIFT) build -c release --product ambassador

build: deps $(BIN) ## Build the release binary

test: test-deps ## Run every test (XCTest): real SQLite files, and a throw-away PostgreSQL cluster (.ci/with-postgres)
	$(SWIFT) build --build-tests
	.ci/with-postgres $(SWIFT) test --skip-build

fault-test: test-deps ## Crash safety: SIGKILL at 50 seeded moments across all stages on each engine, rerun, compare (a few minutes)
	$(SWIFT) build --build-tests
	AMBASSADOR_FAULT_POINTS=$${FAULT_POINTS:-50} AMBASSADOR_REQUIRE_POSTGRES=1 .ci/with-postgres $(SWIFT) test --skip-build --filter FaultInjectionTests 2>&1 | tee /tmp/ambassador-fault-test.log
	@grep -E "^fault-test" /tmp/ambassador-fault-test.log

FUZZ_SECONDS ?= 60
fuzz: deps ## Coverage-guided fuzzing (libFuzzer) of the CSV, JSON and XML readers, FUZZ_SECONDS each
	$(SWIFT) build -c release --scratch-path .build-fuzz --product ambassador-fuzz -Xswiftc -sanitize=fuzzer -Xswiftc -DFUZZING
	@for format in csv json xml; do \
	  mkdir -p .build-fuzz/corpus-$$format .build-fuzz/seeds-$$format Tests/Fuzz/crashes; \
	  find Tests/Fixtures -type f -name "*.$$format" -exec cp {} .build-fuzz/seeds-$$format/ \; 2>/dev/null || true; \
	  echo "== fuzz $$format for $(FUZZ_SECONDS) s"; \
	  AMBASSADOR_FUZZ_FORMAT=$$format .build-fuzz/release/ambassador-fuzz .build-fuzz/corpus-$$format .build-fuzz/seeds-$$format \
	    -max_total_time=$(FUZZ_SECONDS) -timeout=10 -rss_limit_mb=1024 -max_len=65536 -print_final_stats=1 \
	    -artifact_prefix=Tests/Fuzz/crashes/$$format- 2>&1 | grep -E "^(Done|stat::number_of_executed_units|stat::peak_rss_mb)|ERROR|SUMMARY|crash|deadly" ; \
	  test "$${PIPESTATUS[0]}" -eq 0 || { echo "fuzz $$format: failure saved under Tests/Fuzz/crashes/ — commit it as a fixture"; exit 1; }; \
	done

nightly: build ## The nightly job: every stage on $(PIPELINE)
	$(BIN) run $(ARGS)

run: nightly

extract: build ## Check, count and archive new or changed inbox files (raw_* only with keep_raw)
	$(BIN) extract $(ARGS)

normalize: build ## Map raw records to the canonical model; quarantine bad rows
	$(BIN) normalize $(ARGS)

load: build ## Merge staged rows into dim_* and fact_*; run the data checks
	$(BIN) load $(ARGS)

score: build ## Compute the score tables
	$(BIN) score $(ARGS)

report: build ## Write out/report.html, report.md and the CSV extracts
	$(BIN) report $(ARGS)

REPORT_DIR ?= out
report-check: test-deps report ## Render $(REPORT_DIR)/report.html in headless Chromium at a laptop and a phone width: no console message, two PNGs
	@for shot in report:1280 report-phone:390; do \
	  name=$${shot%%:*}; width=$${shot##*:}; profile=$$(mktemp -d); \
	  chromium --headless --no-sandbox --disable-gpu --hide-scrollbars --user-data-dir="$$profile" --enable-logging=stderr --v=0 \
	    --window-size=$$width,7000 --screenshot=$(REPORT_DIR)/$$name.png "file://$$(realpath $(REPORT_DIR)/report.html)" 2> $(REPORT_DIR)/chromium-$$name.log; \
	  rm -rf "$$profile"; \
	  if grep ':CONSOLE' $(REPORT_DIR)/chromium-$$name.log; then echo "report-check: console messages above ($$name)"; exit 1; fi; \
	  test -s $(REPORT_DIR)/$$name.png || { echo "report-check: no $(REPORT_DIR)/$$name.png"; exit 1; }; \
	  echo "report-check: rendered $(REPORT_DIR)/$$name.png at $$width px with no console message"; \
	done

backfill: build ## Reprocess a date range: make backfill FROM=YYYY-MM-DD TO=YYYY-MM-DD
	@[ -n "$(FROM)" ] && [ -n "$(TO)" ] || { echo "usage: make backfill FROM=YYYY-MM-DD TO=YYYY-MM-DD"; exit 64; }
	$(BIN) backfill --from $(FROM) --to $(TO) $(ARGS)

status: build ## Last runs, counts, rejects, checks
	$(BIN) status $(ARGS)

samples: build ## Regenerate samples/ from the generator (deterministic)
	rm -rf samples
	$(BIN) generate --out samples --teams 50 --tickets 20000 --months 6 --seed 20261122 --scenario realistic
	$(BIN) generate --out samples/vendors/zendesk --teams 6 --tickets 1500 --months 2 --seed 7 --formats zendesk_json
	$(BIN) generate --out samples/vendors/servicenow-workday --teams 6 --tickets 1500 --months 2 --seed 8 --formats servicenow_xml,workday_xml
	$(BIN) generate --out samples/vendors/freshdesk-bamboohr --teams 6 --tickets 1500 --months 2 --seed 9 --formats freshdesk_json,bamboohr_json,qualtrics_xml,jsonl,event_log_csv

bench: build test-deps ## Benchmarks against baselines in the same run; writes BENCHMARKS.md (about 90 minutes, ~14 GB of scratch disk: the 10 M-ticket run)
	$(SWIFT) build -c release --product ambassador-bench
	$(SWIFT) build -c release --product bench-c-insert
	@python3 -c "import statsmodels" 2>/dev/null || python3 -m pip install --quiet statsmodels \
	  || echo "statsmodels unavailable: the score bench runs without its comparison"
	.ci/with-postgres .build/release/ambassador-bench --rows 1000000 --runs 5 --c-baseline .build/release/bench-c-insert \
	  --ambassador $(BIN) --extract-rows 1000000 --large-rows 10000000 --preview-rows 7500000 --out BENCHMARKS.md

clean: ## Remove build output, the sample warehouse and reports
	rm -rf .build var out bench-work
