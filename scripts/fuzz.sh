#!/usr/bin/env bash
# Fuzz every target of the component for a bounded time, one after the other,
# and print the executions of each (issue 6). `make test` runs only the seed
# corpora (f.Add and testdata/fuzz/<Target>/), as go test always does.
#
#   FUZZTIME=60s        time per target (go test -fuzztime: 60s, 10m, 500000x)
#   FUZZ_PARALLEL=2     fuzzing workers per target (the machines have 2 cores)
#   FUZZ_MINIMIZE=20x   minimisation budget of each new input (go default 60s; the
#                       processor target runs ~4000 execs/s unminimised, ~10/s when
#                       every interesting input is minimised for a minute)
#   FUZZTIME_<Target>=10m   time for one target, e.g. FUZZTIME_FuzzProcessTraces=10m
#   FUZZ_TARGETS="FuzzProcessTraces FuzzRedact"   run only these
#   FLOOD=1             also run the million-span flood test (flood_test.go)
#
# A failure stops the script; Go writes the failing input to
# testdata/fuzz/<Target>/ of the package: commit it with the fix, it then runs
# in every `go test` as a regression test.
set -Eeuo pipefail
cd "$(dirname "$0")/.."

FUZZTIME="${FUZZTIME:-60s}"
FUZZ_PARALLEL="${FUZZ_PARALLEL:-2}"
FUZZ_MINIMIZE="${FUZZ_MINIMIZE:-20x}"
LOG_DIR="${FUZZ_LOG_DIR:-$(mktemp -d)}"
mkdir -p "$LOG_DIR"

# package  target
TARGETS=(
	". FuzzProcessTraces"
	". FuzzProcessLogs"
	". FuzzClassify"
	"./internal/redact FuzzRedact"
	"./internal/redact FuzzRedactArbitrary"
	"./internal/fingerprint FuzzNormalize"
	"./internal/registry FuzzDecode"
	"./connector/incidentconnector/internal/incident FuzzReadFill"
)

total=0
summary=()
for entry in "${TARGETS[@]}"; do
	read -r pkg target <<<"$entry"
	if [[ -n "${FUZZ_TARGETS:-}" && " ${FUZZ_TARGETS} " != *" ${target} "* ]]; then
		continue
	fi
	log="$LOG_DIR/$target.log"
	var="FUZZTIME_${target}"
	fuzztime="${!var:-$FUZZTIME}"
	echo "::: $target ($pkg) for $fuzztime, $FUZZ_PARALLEL workers; log $log"
	t0=$SECONDS
	if ! go test -timeout 0 -run '^$' -fuzz "^${target}\$" -fuzztime "$fuzztime" -fuzzminimizetime "$FUZZ_MINIMIZE" -parallel "$FUZZ_PARALLEL" "$pkg" 2>&1 | tee "$log" | grep -E '^(fuzz: elapsed|---|FAIL|ok|PASS)' ; then
		:
	fi
	if grep -qE '^(FAIL|--- FAIL)' "$log"; then
		echo "::: $target FAILED: see $log; the failing input is under $pkg/testdata/fuzz/$target/" >&2
		exit 1
	fi
	# The largest "execs: N" reported is the total of the run.
	execs=$(grep -oE 'execs: [0-9]+' "$log" | awk '{print $2}' | sort -n | tail -1)
	execs=${execs:-0}
	total=$((total + execs))
	summary+=("$(printf '%-22s %-24s %12d execs %6ss' "$target" "$pkg" "$execs" "$((SECONDS - t0))")")
done

if [[ "${FLOOD:-}" == 1 ]]; then
	echo "::: flood: 1,000,000 500 spans through tiny limits"
	ERRORDIAGNOSIS_FLOOD=1 go test -count=1 -run '^TestFloodMillion$' -v -timeout 30m . | grep -E '^(=== RUN|--- |\s+flood_test|ok|FAIL|PASS)'
fi

echo
echo "::: fuzzing summary (FUZZTIME=$FUZZTIME, parallel=$FUZZ_PARALLEL)"
printf '%s\n' "${summary[@]}"
printf '%-47s %12d execs, no failure\n' "total" "$total"
