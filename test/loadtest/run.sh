#!/usr/bin/env bash
# End-to-end load test of issue 5 (make loadtest; not part of make test).
#
# The custom collector (bin/otelcol-errordiagnosis, or $COLLECTOR) runs on
# free loopback ports, once without and once with errordiagnosis (default
# config: wait_duration 5s) in the traces pipeline:
#   otlp receiver (HTTP) -> [errordiagnosis] -> otlphttp exporter -> counting sink
# fed by test/benchmarks/cmd/loadgen, which replays pre-encoded OTLP/HTTP
# requests of realistic traces (1 % with an HTTP 500, 1,000 spans each, new
# trace ids on every replay) as fast as the collector accepts them for
# DURATION, then waits for the sink to receive every accepted span.
# Reported per run: spans/s, collector CPU seconds (/proc/PID/stat), peak RSS
# (VmHWM), spans in == spans out; then throughput with / without
# (target >= 0.95).
#
#   DURATION=20s ROUNDS=3 SENDERS=4 bash test/loadtest/run.sh
#
# Outages (issue 11): PCT=10, 50 or 100 percent of the traces with a 500;
# SHAPE=mixed (default: every failing scenario in turn, several causes,
# services and cross-service chains) or SHAPE=dbdown (one shared cause, the
# database refusing connections); SPANS per request (default 1000; SDKs send
# at most 512, the batch processor 8192).
#
#   PCT=100 SHAPE=dbdown ROUNDS=3 DURATION=10s bash test/loadtest/run.sh
#
# PROCESSOR is the processor's configuration, a YAML flow mapping (default
# {}: the defaults), e.g. the memory budgets out of the way:
#
#   PCT=100 PROCESSOR='{max_evidence_mib: 4096, max_held_mib: 4096}' bash test/loadtest/run.sh
#
# SIGNAL=metrics (issue 26) runs a metrics-only pipeline instead, fed by
# `loadgen metrics`: Java-agent-like exports of 16 instances per request
# (HTTP durations, JVM memory and GC, a HikariCP pool), timestamps moving on
# at every replay; reported in data points, target >= 0.97:
#
#   SIGNAL=metrics ROUNDS=3 DURATION=20s bash test/loadtest/run.sh
#
# STORAGE=1 measures what keeping the held spans in storage costs (issue
# 28): both runs of a round have errordiagnosis, "with" adds
# `storage: file_storage` (a directory of its own per round); target >= 0.9:
#
#   STORAGE=1 PCT=10 ROUNDS=3 DURATION=10s bash test/loadtest/run.sh
#
# PROFILE=DIR writes a CPU profile of the collector of every run, taken by
# the pprof extension over the load's DURATION, to DIR/<mode>-<round>.pprof
# (read with `go tool pprof -top bin/otelcol-errordiagnosis DIR/with-1.pprof`).
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
GO="${GO:-go}"
DURATION="${DURATION:-20s}"
ROUNDS="${ROUNDS:-3}"
SENDERS="${SENDERS:-4}"
PCT="${PCT:-1}"
SHAPE="${SHAPE:-mixed}"
SPANS="${SPANS:-1000}"
PROCESSOR="${PROCESSOR:-{\}}"
PROFILE="${PROFILE:-}"
SIGNAL="${SIGNAL:-traces}"
STORAGE="${STORAGE:-}"
case "$SIGNAL" in
traces) unit=spans TARGET="${TARGET:-$([ -n "$STORAGE" ] && echo 0.9 || echo 0.95)}" ;;
metrics) unit=points TARGET="${TARGET:-0.97}" ;;
*) echo "loadtest: SIGNAL=$SIGNAL: use traces or metrics"; exit 2 ;;
esac
COLLECTOR="${COLLECTOR:-$root/bin/otelcol-errordiagnosis}"

if [ ! -x "$COLLECTOR" ]; then
	echo "loadtest: $COLLECTOR missing: make build"
	make -C "$root" --no-print-directory build
fi

work="$(mktemp -d /tmp/edloadtest.XXXXXX)"
colpid=""
cleanup() {
	if [ -n "$colpid" ] && kill -0 "$colpid" 2>/dev/null; then
		kill "$colpid" 2>/dev/null || true
		wait "$colpid" 2>/dev/null || true
	fi
	rm -rf "$work"
}
trap cleanup EXIT

echo "loadtest: building the generator"
(cd "$root/test/benchmarks" && "$GO" build -o "$work/loadgen" ./cmd/loadgen)

config() { # $1 = processors list, $2 = receiver port, $3 = sink port, $4 = pprof port or "", $5 = storage directory or ""
	local exts="" proc="$PROCESSOR"
	if [ -n "$4" ] || [ -n "$5" ]; then
		echo "extensions:"
	fi
	if [ -n "$4" ]; then
		printf '  pprof:\n    endpoint: 127.0.0.1:%s\n' "$4"
		exts="pprof"
	fi
	if [ -n "$5" ]; then
		printf '  file_storage:\n    directory: %s\n    create_directory: true\n' "$5"
		exts="${exts:+$exts, }file_storage"
		# storage: file_storage, added to the flow mapping of PROCESSOR.
		proc="${PROCESSOR%\}}"
		proc="${proc%"${proc##*[![:space:]]}"}"
		if [ "$proc" = "{" ]; then proc="{storage: file_storage}"; else proc="$proc, storage: file_storage}"; fi
	fi
	cat <<EOF
receivers:
  otlp:
    protocols:
      http:
        endpoint: 127.0.0.1:$2
processors:
  errordiagnosis: $proc
exporters:
  otlp_http:
    endpoint: http://127.0.0.1:$3
    compression: none
    sending_queue:
      enabled: false
    retry_on_failure:
      enabled: false
service:
  extensions: [$exts]
  telemetry:
    logs:
      level: warn
    metrics:
      level: none
  pipelines:
    $SIGNAL:
      receivers: [otlp]
      processors: [$1]
      exporters: [otlp_http]
EOF
}

results="$work/results.txt"
: >"$results"
echo "loadtest: machine: $(nproc) cores, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2- | sed 's/^ //'), load average $(cut -d' ' -f1-3 /proc/loadavg)"
for round in $(seq 1 "$ROUNDS"); do
	for mode in without with; do
		procs="" store=""
		[ "$mode" = with ] && procs="errordiagnosis"
		if [ -n "$STORAGE" ]; then
			procs="errordiagnosis"
			[ "$mode" = with ] && store="$work/storage-$round"
		fi
		rport="$("$work/loadgen" freeport)"
		sport="$("$work/loadgen" freeport)"
		while [ "$sport" = "$rport" ]; do sport="$("$work/loadgen" freeport)"; done
		pport=""
		if [ -n "$PROFILE" ]; then
			pport="$("$work/loadgen" freeport)"
			while [ "$pport" = "$rport" ] || [ "$pport" = "$sport" ]; do pport="$("$work/loadgen" freeport)"; done
		fi
		config "$procs" "$rport" "$sport" "$pport" "$store" >"$work/$mode.yaml"
		"$COLLECTOR" --config "$work/$mode.yaml" >"$work/$mode.log" 2>&1 &
		colpid=$!
		if [ -n "$PROFILE" ]; then
			mkdir -p "$PROFILE"
			secs="$(awk -v d="$DURATION" 'BEGIN { sub(/s$/, "", d); print int(d) }')"
			# The profile starts once the extension answers, at the start of the load.
			(until curl -sf -o /dev/null "http://127.0.0.1:$pport/debug/pprof/"; do sleep 0.1; done
			 curl -sf -o "$PROFILE/$mode-$round.pprof" "http://127.0.0.1:$pport/debug/pprof/profile?seconds=$secs") &
			profpid=$!
		fi
		echo "loadtest: round $round, $mode ${STORAGE:+storage for }errordiagnosis: collector pid $colpid on 127.0.0.1:$rport, sink 127.0.0.1:$sport, $DURATION"
		if [ "$SIGNAL" = metrics ]; then
			load=(metrics -target "http://127.0.0.1:$rport/v1/metrics")
		else
			load=(run -target "http://127.0.0.1:$rport/v1/traces" -pct "$PCT" -shape "$SHAPE" -spans "$SPANS")
		fi
		if ! "$work/loadgen" "${load[@]}" -label "$mode" -sink-port "$sport" \
			-pid "$colpid" -duration "$DURATION" -senders "$SENDERS" | tee -a "$results"; then
			echo "loadtest: FAILED ($mode); collector log:"
			tail -20 "$work/$mode.log"
			exit 1
		fi
		if [ -n "$PROFILE" ]; then
			wait "$profpid" || echo "loadtest: no profile of the $mode run"
		fi
		kill "$colpid"
		wait "$colpid" 2>/dev/null || true
		colpid=""
	done
done

echo
# Rounds run without then with, back to back: each round's ratio compares two
# runs a few seconds apart, which a shared machine's drifting speed affects
# less than the means over all rounds do. The target is judged on the median
# of the per-round ratios.
[ -n "$STORAGE" ] && echo "STORAGE=1: without = errordiagnosis, with = errordiagnosis with storage: file_storage"
awk -v unit="$unit" -v target="$TARGET" '
	{ mode = $1; sub(":", "", mode); r = ++n[mode]
	  for (i = 2; i <= NF; i++) { split($i, kv, "="); v[mode, kv[1]] += kv[2]; x[mode, r, kv[1]] = kv[2] } }
	END {
		rounds = (n["with"] < n["without"] ? n["with"] : n["without"])
		for (r = 1; r <= rounds; r++) {
			ratio[r] = x["with", r, unit "_per_s"] / x["without", r, unit "_per_s"]
			printf "round %d: without %.0f %s/s, with %.0f %s/s: with/without = %.3f\n",
				r, x["without", r, unit "_per_s"], unit, x["with", r, unit "_per_s"], unit, ratio[r]
		}
		for (i = 1; i <= rounds; i++) for (j = i + 1; j <= rounds; j++) if (ratio[j] < ratio[i]) { t = ratio[i]; ratio[i] = ratio[j]; ratio[j] = t }
		med = (rounds % 2 ? ratio[(rounds + 1) / 2] : (ratio[rounds / 2] + ratio[rounds / 2 + 1]) / 2)
		for (m in n) { rate[m] = v[m, unit "_per_s"] / n[m] }
		per = (unit == "spans" ? "span" : "point")
		printf "throughput (means): without %.0f %s/s, with %.0f %s/s\n", rate["without"], unit, rate["with"], unit
		printf "with/without, median of %d rounds = %.3f (target >= %s) %s\n", rounds, med, target, (med >= target + 0 ? "met" : "MISSED")
		printf "collector CPU per %s: without %.3f us, with %.3f us; peak RSS: without %.0f MB, with %.0f MB\n", per,
			v["without", "cpu_us_per_" per] / n["without"], v["with", "cpu_us_per_" per] / n["with"],
			v["without", "peak_rss_mb"] / n["without"], v["with", "peak_rss_mb"] / n["with"]
	}' "$results"
