#!/usr/bin/env bash
# Benchmarks of issue 5 (test/benchmarks, its own module): errordiagnosis side
# by side with the floor, transformprocessor and groupbytrace in one
# `go test -bench` run, then benchstat and the target ratios.
#
#   bash scripts/bench.sh                  # everything, -count 6 (about 15 min on 2 cores)
#   BENCH='BenchmarkTraces' bash scripts/bench.sh
#   BENCH_COUNT=10 BENCH_OUT=/tmp/b.txt bash scripts/bench.sh
#   BENCH_HEAP_WINDOW=5s bash scripts/bench.sh   # shorter (not steady-state) heap runs
#
# Raw output: BENCH_OUT (default bench.txt at the repository root).
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
GO="${GO:-go}"
BENCH="${BENCH:-BenchmarkTraces|BenchmarkAllocScaling|BenchmarkCrossBatch}"
BENCH_COUNT="${BENCH_COUNT:-6}"
BENCH_OUT="${BENCH_OUT:-$root/bench.txt}"
case "$BENCH_OUT" in /*) ;; *) BENCH_OUT="$root/$BENCH_OUT" ;; esac
# benchstat, pinned.
BENCHSTAT="golang.org/x/perf/cmd/benchstat@v0.0.0-20260908200009-22c9c6c9d4da"

cd "$root/test/benchmarks"
echo "# machine: $(nproc) cores, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2- | sed 's/^ //'), load average $(cut -d' ' -f1-3 /proc/loadavg)" | tee "$BENCH_OUT"
echo "# $("$GO" version)" | tee -a "$BENCH_OUT"
# One test binary, run BENCH_COUNT times with -count 1: every round measures
# each processor once, back to back, so a slow spell of a shared machine
# (seen: the same benchmark 50 to 110 ns/span from one second to the next)
# falls on all of them instead of on the samples of one. benchstat and
# benchratio take the medians over the rounds.
"$GO" test -c -o "$BENCH_OUT.test" .
trap 'rm -f "$BENCH_OUT.test"' EXIT
for round in $(seq 1 "$BENCH_COUNT"); do
	echo "# round $round of $BENCH_COUNT" | tee -a "$BENCH_OUT"
	"$BENCH_OUT.test" -test.run '^$' -test.bench "$BENCH" -test.benchmem -test.count 1 -test.timeout 90m | tee -a "$BENCH_OUT"
done

stat() { "$GO" run "$BENCHSTAT" "$@" "$BENCH_OUT"; }
echo
echo "## benchstat: BenchmarkTraces, one column per processor"
stat -filter '.name:Traces' -row /load -col /proc || true
if grep -q '^BenchmarkAllocScaling' "$BENCH_OUT"; then
	echo
	echo "## benchstat: BenchmarkAllocScaling"
	stat -filter '.name:AllocScaling' -row /proc -col /spans || true
fi
if grep -q '^BenchmarkCrossBatch/' "$BENCH_OUT"; then
	echo
	echo "## benchstat: BenchmarkCrossBatch (throughput, same wait 2s)"
	stat -filter '.name:CrossBatch' -row /load -col /proc || true
fi
if grep -q '^BenchmarkCrossBatchHeap' "$BENCH_OUT"; then
	echo
	echo "## benchstat: BenchmarkCrossBatchHeap (heap at steady state, 20,000 spans/s)"
	stat -filter '.name:CrossBatchHeap' -row /load -col /proc || true
fi
echo
"$GO" run ./cmd/benchratio "$BENCH_OUT"
