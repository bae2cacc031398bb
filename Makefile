# errordiagnosis: OpenTelemetry Collector processor that diagnoses HTTP 500 spans.
#
#   make run        build the collector (if needed) and run it on config/default.yaml
#   make demo       send demo traces to it (ENDPOINT=http://127.0.0.1:4318)
#   make test       go vet + race-enabled unit tests of the component
#   make help       all targets

SHELL := bash
.SHELLFLAGS := -eu -o pipefail -c
.DEFAULT_GOAL := help
.DELETE_ON_ERROR:

GO          ?= go
TOOLS_DIR   := $(CURDIR)/.tools

# ocb, the OpenTelemetry Collector Builder, pinned with the collector (docs/design.md §7).
OCB_VERSION := v0.161.0
OCB         := $(TOOLS_DIR)/ocb-$(OCB_VERSION)/builder
# mdatagen is built from internal/tools/go.mod, which pins it.
MDATAGEN    := $(TOOLS_DIR)/mdatagen
# golangci-lint is built from internal/tools/golangci-lint/go.mod, which pins it (its own module: its
# dependencies would move mdatagen's).
GOLANGCI_LINT := $(TOOLS_DIR)/golangci-lint

DIST_NAME   := otelcol-errordiagnosis
BUILD_DIR   := build
BIN_DIR     := bin
COLLECTOR   := $(BIN_DIR)/$(DIST_NAME)

CONFIG      ?= config/default.yaml
ENDPOINT    ?= http://127.0.0.1:4318
TEST_TIMEOUT ?= 15m
TEST_FLAGS  ?=
BENCH       ?=
BENCH_COUNT ?= 6
BENCH_OUT   ?= bench.txt

# The component's sources: every non-test .go file of the root module except
# the demo, the tools module, the test harnesses and generated output.
COMPONENT_SRCS := $(shell find . \( -path ./build -o -path ./bin -o -path ./.tools -o -path ./.git \
	-o -path ./cmd -o -path ./internal/tools -o -path ./test -o -path ./scripts -o -path ./examples \) -prune \
	-o -type f -name '*.go' ! -name '*_test.go' -print)

# Go files checked by gofmt (everything we own, not the generated ./build).
GOFMT_SRCS = $(shell find . \( -path ./build -o -path ./bin -o -path ./.tools -o -path ./.git \) -prune \
	-o -type f -name '*.go' -print)

.PHONY: help
help: ## show the targets
	@grep -hE '^[a-zA-Z_-]+:.*## ' $(MAKEFILE_LIST) | sort | \
		awk 'BEGIN {FS = ":.*## "}; {printf "  %-18s %s\n", $$1, $$2}'

## ---- the collector -------------------------------------------------------

.PHONY: build
build: $(COLLECTOR) ## build bin/otelcol-errordiagnosis with ocb (no-op when up to date)

# ocb generates ./build/ (main.go, components.go, go.mod) and compiles it; the
# binary is then moved into bin/ atomically, so a running collector is not hit.
$(COLLECTOR): builder-config.yaml go.mod go.sum $(COMPONENT_SRCS) | $(OCB)
	$(OCB) --config builder-config.yaml
	@mkdir -p $(BIN_DIR)
	cp $(BUILD_DIR)/$(DIST_NAME) $@.tmp
	mv -f $@.tmp $@
	@echo "built $@"

$(OCB):
	@mkdir -p $(dir $@)
	GOBIN=$(dir $@) $(GO) install go.opentelemetry.io/collector/cmd/builder@$(OCB_VERSION)

.PHONY: ocb
ocb: $(OCB) ## install the pinned ocb into .tools/

.PHONY: run
run: $(COLLECTOR) ## run the collector on CONFIG (default config/default.yaml)
	$(COLLECTOR) --config $(CONFIG)

.PHONY: demo
demo: ## send demo traces, one per diagnosis category, to ENDPOINT (OTLP/HTTP)
	$(GO) run ./cmd/demo -endpoint $(ENDPOINT)

.PHONY: validate-examples
validate-examples: $(COLLECTOR) ## check config/default.yaml, examples/*.yaml and the Kubernetes example's collector configs with `otelcol validate`
	@for f in config/default.yaml examples/*.yaml examples/kubernetes/collector-*.yaml; do \
		echo "validate $$f"; \
		$(COLLECTOR) validate --config $$f || { echo "FAIL: $$f"; exit 1; }; \
	done
	@echo "all example configs are valid"

## ---- Prometheus alert rules (examples/prometheus) -------------------------

PROM_DIR := examples/prometheus

.PHONY: check-alerts
check-alerts: ## promtool: check the example Prometheus config and alert rules, run their unit tests (installs Debian's prometheus when missing)
	bash scripts/install-prometheus.sh
	promtool check config $(PROM_DIR)/prometheus.yaml
	cd $(PROM_DIR) && promtool test rules errordiagnosis-alerts.test.yaml

.PHONY: check-dashboard
check-dashboard: ## the Grafana dashboard against the dashboard schema (grafana-foundation-sdk) and its PromQL with Prometheus's parser (test/dashboard)
	cd test/dashboard && $(GO) vet ./... && $(GO) test -count=1 ./...

## ---- a user's distribution (test/distribution) ----------------------------

# A user-style manifest with the usual contrib components and errordiagnosis,
# built by ocb into build/distribution/. The binary is cached in
# DIST_CACHE_DIR under a key made of the manifest, go.mod, go.sum, the
# component's sources and the ocb version, so a warm run (even from a fresh
# clone) does not build it again.
DIST_MANIFEST   := test/distribution/builder-config.yaml
DIST_CONFIG     := test/distribution/config.yaml
DIST_CHECK_NAME := otelcol-distribution-check
DIST_CACHE_DIR  ?= $(HOME)/.cache/errordiagnosis
DIST_CHECK_KEY  := $(shell { echo $(OCB_VERSION); sha256sum $(DIST_MANIFEST) go.mod go.sum $(sort $(COMPONENT_SRCS)); } | sha256sum | cut -c1-16)
DIST_CHECK_BIN  := $(DIST_CACHE_DIR)/$(DIST_CHECK_NAME)-$(DIST_CHECK_KEY)

# ocb is installed only when the binary has to be built.
$(DIST_CHECK_BIN):
	@$(MAKE) --no-print-directory $(OCB)
	@mkdir -p $(BUILD_DIR) $(dir $@)
	$(OCB) --config $(DIST_MANIFEST)
	cp $(BUILD_DIR)/distribution/$(DIST_CHECK_NAME) $@.tmp
	mv -f $@.tmp $@
	@# Keep the two newest keys (another checkout may use the other one).
	@ls -t $(DIST_CACHE_DIR)/$(DIST_CHECK_NAME)-* | tail -n +3 | xargs -r rm -f
	@echo "built $@"

.PHONY: distribution-check
distribution-check: $(DIST_CHECK_BIN) ## build the user-style distribution of test/distribution (cached) and check it lists errordiagnosis and incident and validates its config
	@out="$$($(DIST_CHECK_BIN) components)"; \
	for c in errordiagnosis incident; do \
		if ! grep -qx " *- name: $$c" <<<"$$out"; then echo "$(DIST_MANIFEST): $$c is not in the components"; exit 1; fi; \
	done
	$(DIST_CHECK_BIN) validate --config $(DIST_CONFIG)
	@echo "$(DIST_CHECK_NAME) lists errordiagnosis and incident and validates $(DIST_CONFIG)"

.PHONY: distribution-path
distribution-path: ## print the path of the cached user-style distribution binary
	@echo $(DIST_CHECK_BIN)

## ---- checks --------------------------------------------------------------

.PHONY: test
# The 100k-span flood runs without the race detector: it drives one goroutine,
# so the detector finds nothing in it and makes it 13 times slower.
test: ## go vet + go test -race of the root module, then its flood test without -race (does not build the collector)
	$(GO) vet ./...
	$(GO) test -race -timeout $(TEST_TIMEOUT) -skip '^TestFlood100k$$' $(TEST_FLAGS) ./...
	$(GO) test -count=1 -timeout $(TEST_TIMEOUT) -run '^TestFlood100k$$' $(TEST_FLAGS) .

.PHONY: lint
lint: $(GOLANGCI_LINT) ## gofmt check, go vet and golangci-lint (.golangci.yml) of the root module; tool pins verified
	@out="$$(gofmt -l $(GOFMT_SRCS))"; \
	if [ -n "$$out" ]; then echo "gofmt: these files need formatting (run gofmt -w):"; echo "$$out"; exit 1; fi
	$(GO) vet ./...
	$(GOLANGCI_LINT) run ./...
	@# internal/tools and internal/tools/golangci-lint hold only a tools.go (build tag "tools", nothing to
	@# vet): check that their go.mod matches it and that the pinned modules verify.
	cd internal/tools && $(GO) mod tidy -diff && $(GO) mod verify
	cd internal/tools/golangci-lint && $(GO) mod tidy -diff && $(GO) mod verify

$(GOLANGCI_LINT): internal/tools/golangci-lint/go.mod internal/tools/golangci-lint/go.sum
	@mkdir -p $(TOOLS_DIR)
	cd internal/tools/golangci-lint && $(GO) build -o $(GOLANGCI_LINT) github.com/golangci/golangci-lint/v2/cmd/golangci-lint

.PHONY: blind
blind: ## score the blind fixtures (testdata/blind/<stack>/, captured by test/blind/<stack>/run.sh): macro-F1, accuracy, coverage per stack, misses listed
	EDX_BLIND_MISSES=1 $(GO) test -run '^TestBlind$$' -count=1 -v .

.PHONY: flood
flood: ## memory growth check: 2-million-span floods (distinct traces, one never-ending trace) through tiny limits
	ERRORDIAGNOSIS_FLOOD=1 $(GO) test -run '^TestFlood' -count=1 -v -timeout $(TEST_TIMEOUT) .

.PHONY: bench
bench: ## benchmarks vs the floor, transformprocessor and groupbytrace (test/benchmarks): benchstat + target ratios
	BENCH='$(BENCH)' BENCH_COUNT=$(BENCH_COUNT) BENCH_OUT='$(abspath $(BENCH_OUT))' bash scripts/bench.sh

.PHONY: bench-unit
bench-unit: ## micro-benchmarks of the root module's packages (classifier, redactor, fingerprint, memo)
	$(GO) test -run '^$$' -bench . -benchmem -count $(BENCH_COUNT) ./... | tee $(BENCH_OUT)

.PHONY: generate
generate: $(MDATAGEN) ## regenerate internal/metadata, documentation.md and generated tests from metadata.yaml (the processor's and the incident connector's)
	@# mdatagen names the package of its test files after the directory, and a
	@# checkout may be named anything (wt-x is not even a Go name): run it
	@# through a link named after the package.
	@tmp=$$(mktemp -d) && ln -s $(CURDIR) $$tmp/errordiagnosisprocessor && \
		(cd $$tmp/errordiagnosisprocessor && $(MDATAGEN) metadata.yaml); rc=$$?; rm -rf $$tmp; exit $$rc
	cd connector/incidentconnector && $(MDATAGEN) metadata.yaml

$(MDATAGEN): internal/tools/go.mod internal/tools/go.sum
	@mkdir -p $(TOOLS_DIR)
	cd internal/tools && $(GO) build -o $(MDATAGEN) go.opentelemetry.io/collector/cmd/mdatagen

.PHONY: integration
integration: $(COLLECTOR) ## end-to-end tests (test/integration/run.sh)
	@if [ ! -f test/integration/run.sh ]; then echo "test/integration/run.sh not found"; exit 1; fi
	COLLECTOR=$(abspath $(COLLECTOR)) bash test/integration/run.sh

.PHONY: restart-test
restart-test: $(COLLECTOR) ## the real collector restarted on file_storage: first seen, regressions, incident records, a corrupt or deleted storage file, error groups resolved and relapsing across deploys (TestRestart, TestLifecycle; part of make integration)
	cd test/integration && EDX_COLLECTOR_BIN=$(abspath $(COLLECTOR)) EDX_REQUIRE=1 $(GO) test -count=1 -v -run '^(TestRestart|TestLifecycle)$$' .

.PHONY: fuzz
fuzz: ## fuzz the parsers (scripts/fuzz.sh)
	@if [ -f scripts/fuzz.sh ]; then bash scripts/fuzz.sh; else echo "scripts/fuzz.sh not present: nothing to fuzz yet"; fi

# The load test's own collector: errordiagnosis and the test-only writes-only
# processor (test/loadtest/writesonly) in one binary, from its own manifest;
# not part of make build, make test or CI.
LOADTEST_MANIFEST  := test/loadtest/builder-config.yaml
LOADTEST_NAME      := otelcol-loadtest
LOADTEST_COLLECTOR := $(BIN_DIR)/$(LOADTEST_NAME)
LOADTEST_SRCS      := $(shell find test/loadtest/writesonly -type f \( -name '*.go' ! -name '*_test.go' -o -name '*.json' -o -name 'go.*' \))

$(LOADTEST_COLLECTOR): $(LOADTEST_MANIFEST) go.mod go.sum $(COMPONENT_SRCS) $(LOADTEST_SRCS) | $(OCB)
	@mkdir -p $(BUILD_DIR)
	$(OCB) --config $(LOADTEST_MANIFEST)
	@mkdir -p $(BIN_DIR)
	cp $(BUILD_DIR)/loadtest/$(LOADTEST_NAME) $@.tmp
	mv -f $@.tmp $@
	@echo "built $@"

.PHONY: loadtest-collector
loadtest-collector: $(LOADTEST_COLLECTOR) ## build bin/otelcol-loadtest, the load test's collector (no-op when up to date)

.PHONY: loadtest
loadtest: $(LOADTEST_COLLECTOR) ## load test: without, writes-only and with errordiagnosis per round (test/loadtest/run.sh)
	COLLECTOR=$(abspath $(LOADTEST_COLLECTOR)) bash test/loadtest/run.sh

.PHONY: soak
soak: ## 10-minute soak of the collector: mixed load, RSS and gauges every second (test/soak/run.sh; DURATION, WARMUP)
	$(MAKE) --no-print-directory build
	COLLECTOR=$(abspath $(COLLECTOR)) bash test/soak/run.sh

.PHONY: clean
clean: ## remove build output (build/, bin/, bench output); keeps .tools/
	rm -rf $(BUILD_DIR) $(BIN_DIR) $(BENCH_OUT)

.PHONY: clean-tools
clean-tools: ## remove the installed tools (.tools/)
	rm -rf $(TOOLS_DIR)
