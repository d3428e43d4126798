# BatchGen build entry points. `make demo` and `make test` are the two set-up commands (see README).
SHELL := /bin/bash
DOTNET ?= dotnet
CONFIG ?= Release
BIN := artifacts/bin/batchgen
RESULTS := artifacts/test-results
export DOTNET_CLI_TELEMETRY_OPTOUT := 1
export DOTNET_NOLOGO := 1
export DOTNET_SKIP_FIRST_TIME_EXPERIENCE := 1

.PHONY: all build test demo bench bench-quick bench-e2e bench-e2e-quick bench-workers soak pack clean pg-test-cluster

all: build

# The published CLI is precompiled (ReadyToRun) for this machine's platform: a short run (a re-run of a finished batch,
# status, plan) spends less of its time in the JIT. `dotnet build` and the tests stay portable (JIT only).
RID ?= $(shell $(DOTNET) --info 2>/dev/null | awk '/^ *RID:/ {print $$2; exit}')
READY_TO_RUN := $(if $(RID),-r $(RID) --self-contained false -p:PublishReadyToRun=true)

build:
	$(DOTNET) publish src/BatchGen.Cli/BatchGen.Cli.csproj -c $(CONFIG) -o artifacts/bin --nologo -v quiet $(READY_TO_RUN)
	@test -x $(BIN) && echo "built $(BIN)"

test: build
	rm -rf $(RESULTS)
	@# The closing "N passed, N failed, N skipped" line is printed whatever the outcome; the exit status stays non-zero on failure.
	@# Every process the run starts inherits BATCHGEN_TEST_RUN: any batchgen/chromium one still alive afterwards is stopped.
	@status=0; run_id=$$$$-$$(date +%s); \
	BATCHGEN_TEST_RUN=$$run_id $(DOTNET) test BatchGen.sln -c $(CONFIG) --nologo \
	  --logger "trx" --logger "console;verbosity=minimal" --results-directory $(RESULTS) \
	  -- RunConfiguration.TestSessionTimeout=1500000 || status=$$?; \
	bash scripts/kill-test-leftovers.sh $$run_id; \
	bash scripts/test-summary.sh $(RESULTS) $$status

demo: build
	$(BIN) plan manifests/quickstart.yaml
	$(BIN) run manifests/quickstart.yaml --simulate --progress plain

bench:
	$(DOTNET) run -c Release --project benchmarks/BatchGen.Benchmarks -- --filter '*' --artifacts benchmarks/results/raw

# Load harness (README "Performance at the limit"): the simulator and the CLI as separate processes, results under
# benchmarks/results/. The full suite takes about 20 minutes, the quick one a few.
bench-e2e: build
	$(BIN) bench $(BENCH_ARGS)

bench-e2e-quick: build
	$(BIN) bench --quick $(BENCH_ARGS)

bench-workers: build
	bash scripts/bench-workers.sh

soak: build
	BATCHGEN_SOAK=1 $(DOTNET) test tests/BatchGen.IntegrationTests -c $(CONFIG) --nologo --filter "Category=Soak" --logger "console;verbosity=normal"

# A throwaway PostgreSQL 15 cluster on 127.0.0.1 for trying --ledger by hand; prints its URL (the tests start their own).
pg-test-cluster:
	bash scripts/pg-test-cluster.sh start

pack:
	$(DOTNET) pack src/BatchGen.Cli/BatchGen.Cli.csproj -c $(CONFIG) -o artifacts/packages --nologo

clean:
	rm -rf artifacts out
	$(DOTNET) clean BatchGen.sln --nologo -v quiet
