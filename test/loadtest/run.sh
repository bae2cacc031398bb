#!/usr/bin/env bash
# End-to-end load test of issue 5 (make loadtest; not part of make test).
#
# The load test's collector (bin/otelcol-loadtest, built by make loadtest
# from test/loadtest/builder-config.yaml, or $COLLECTOR) runs on free
# loopback ports three times a round: without a processor, with the
# writes-only processor (test/loadtest/writesonly: the diagnosis attributes
# errordiagnosis writes, written on the same 500 spans, nothing read — the
# output's own floor) and with errordiagnosis (default config: wait_duration
# 5s) in the traces pipeline:
#   otlp receiver (HTTP) -> [writesonly | errordiagnosis] -> otlphttp exporter -> counting sink
# fed by test/benchmarks/cmd/loadgen, which replays pre-encoded OTLP/HTTP
# requests of realistic traces (1 % with an HTTP 500, 1,000 spans each, new
# trace ids on every replay) as fast as the collector accepts them for
# DURATION, then waits for the sink to receive every accepted span.
# Reported per run: spans/s, collector CPU seconds (/proc/PID/stat), peak RSS
# (VmHWM), spans in == spans out; then the medians over the rounds of
# with/without (target >= 0.97 at PCT <= 1, else 0.95), writes-only/without
# and with/writes-only.
#
#   DURATION=20s ROUNDS=3 SENDERS=4 bash test/loadtest/run.sh
#
# MODES are the runs of a round, in order (default "without writesonly
# with"; "without with" skips the floor). ATTRIBUTES, a YAML flow mapping,
# is the `attributes` switches of both errordiagnosis and the writes-only
# processor, e.g. the contract without its constant texts and error group:
#
#   PCT=100 ATTRIBUTES='{cause_texts: false, error_group: false}' bash test/loadtest/run.sh
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
# DIAGNOSES=1 has the sink count the diagnosed spans it receives and those
# diagnosed unknown/no_evidence (every failing scenario of the workload
# carries evidence: each no_evidence is a diagnosis lost, e.g. to a budget
# forgetting the trace), printed per run and summed per mode; it costs the
# sink, on the same cores, a walk over every span's attributes:
#
#   DIAGNOSES=1 PCT=10 PROCESSOR='{max_evidence_mib: 8}' bash test/loadtest/run.sh
#
# PROFILE=DIR writes a CPU profile of the collector of every run, taken by
# the pprof extension over the load's DURATION, to DIR/<mode>-<round>.pprof,
# and its heap profile at the end of that DURATION to
# DIR/<mode>-<round>.heap.pprof, and the contention on its mutexes (one
# event in 10 sampled) to DIR/<mode>-<round>.mutex.pprof (read with `go tool
# pprof -top bin/otelcol-loadtest DIR/with-1.pprof`; `-sample_index=alloc_space`
# or `inuse_space` for the heap).
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
ATTRIBUTES="${ATTRIBUTES:-}"
PROFILE="${PROFILE:-}"
SIGNAL="${SIGNAL:-traces}"
STORAGE="${STORAGE:-}"
DIAGNOSES="${DIAGNOSES:-}"
case "$SIGNAL" in
# Issue 24's targets: 0.97 at 1 % (or less) of traces failing, 0.95 above, 0.9 with crash-safe holding.
traces) unit=spans TARGET="${TARGET:-$(if [ -n "$STORAGE" ]; then echo 0.9; elif awk -v p="$PCT" 'BEGIN { exit !(p <= 1) }'; then echo 0.97; else echo 0.95; fi)}" ;;
metrics) unit=points TARGET="${TARGET:-0.97}" ;;
*) echo "loadtest: SIGNAL=$SIGNAL: use traces or metrics"; exit 2 ;;
esac
# with/writes-only: the processor against the output's own floor.
FLOOR_TARGET="${FLOOR_TARGET:-0.9}"
if [ -n "$STORAGE" ] || [ "$SIGNAL" = metrics ]; then
	MODES="${MODES:-without with}"
else
	MODES="${MODES:-without writesonly with}"
fi
for m in $MODES; do
	case "$m" in without | writesonly | with) ;; *) echo "loadtest: MODES: $m: use without, writesonly and with"; exit 2 ;; esac
done
COLLECTOR="${COLLECTOR:-$root/bin/otelcol-loadtest}"

if [ ! -x "$COLLECTOR" ]; then
	echo "loadtest: $COLLECTOR missing: make loadtest-collector"
	make -C "$root" --no-print-directory loadtest-collector
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

# with_field MAPPING FIELD: FIELD ("key: value") added to a YAML flow mapping.
with_field() {
	local m="${1%\}}"
	m="${m%"${m##*[![:space:]]}"}"
	if [ "$m" = "{" ]; then echo "{$2}"; else echo "$m, $2}"; fi
}

config() { # $1 = processors list, $2 = receiver port, $3 = sink port, $4 = pprof port or "", $5 = storage directory or ""
	local exts="" proc="$PROCESSOR" writes="{shape: $SHAPE}"
	if [ -n "$ATTRIBUTES" ]; then
		proc="$(with_field "$proc" "attributes: $ATTRIBUTES")"
		writes="$(with_field "$writes" "attributes: $ATTRIBUTES")"
	fi
	if [ -n "$4" ] || [ -n "$5" ]; then
		echo "extensions:"
	fi
	if [ -n "$4" ]; then
		printf '  pprof:\n    endpoint: 127.0.0.1:%s\n    mutex_profile_fraction: 10\n' "$4"
		exts="pprof"
	fi
	if [ -n "$5" ]; then
		printf '  file_storage:\n    directory: %s\n    create_directory: true\n' "$5"
		exts="${exts:+$exts, }file_storage"
		proc="$(with_field "$proc" "storage: file_storage")"
	fi
	cat <<EOF
receivers:
  otlp:
    protocols:
      http:
        endpoint: 127.0.0.1:$2
processors:
  errordiagnosis: $proc
  writesonly: $writes
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
	for mode in $MODES; do
		procs="" store=""
		[ "$mode" = with ] && procs="errordiagnosis"
		[ "$mode" = writesonly ] && procs="writesonly"
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
			 curl -sf -o "$PROFILE/$mode-$round.pprof" "http://127.0.0.1:$pport/debug/pprof/profile?seconds=$secs"
			 curl -sf -o "$PROFILE/$mode-$round.heap.pprof" "http://127.0.0.1:$pport/debug/pprof/heap"
			 curl -sf -o "$PROFILE/$mode-$round.mutex.pprof" "http://127.0.0.1:$pport/debug/pprof/mutex") &
			profpid=$!
		fi
		echo "loadtest: round $round, $mode${STORAGE:+ storage for errordiagnosis}: collector pid $colpid on 127.0.0.1:$rport, sink 127.0.0.1:$sport, $DURATION"
		if [ "$SIGNAL" = metrics ]; then
			load=(metrics -target "http://127.0.0.1:$rport/v1/metrics")
		else
			load=(run -target "http://127.0.0.1:$rport/v1/traces" -pct "$PCT" -shape "$SHAPE" -spans "$SPANS")
			[ -n "$DIAGNOSES" ] && load+=(-diagnoses)
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
# The modes of a round run back to back: each round's ratio compares runs a
# few seconds apart, which a shared machine's drifting speed affects less
# than the means over all rounds do. Targets are judged on the medians of
# the per-round ratios.
[ -n "$STORAGE" ] && echo "STORAGE=1: without = errordiagnosis, with = errordiagnosis with storage: file_storage"
awk -v unit="$unit" -v target="$TARGET" -v floor_target="$FLOOR_TARGET" -v modes="$MODES" '
	{ mode = $1; sub(":", "", mode); r = ++n[mode]
	  for (i = 2; i <= NF; i++) { split($i, kv, "="); v[mode, kv[1]] += kv[2]; x[mode, r, kv[1]] = kv[2] } }
	function median(a, k,   i, j, t) {
		for (i = 1; i <= k; i++) for (j = i + 1; j <= k; j++) if (a[j] < a[i]) { t = a[i]; a[i] = a[j]; a[j] = t }
		return (k % 2 ? a[(k + 1) / 2] : (a[k / 2] + a[k / 2 + 1]) / 2)
	}
	# ratio prints the per-round ratios of mode a to mode b and their median.
	function ratio(a, b, name, tgt,   r, q, med) {
		if (!n[a] || !n[b]) return
		for (r = 1; r <= rounds; r++) q[r] = x[a, r, unit "_per_s"] / x[b, r, unit "_per_s"]
		printf "%s per round:", name
		for (r = 1; r <= rounds; r++) printf " %.3f", q[r]
		med = median(q, rounds)
		printf "; median of %d rounds = %.3f", rounds, med
		if (tgt != "") printf " (target >= %s) %s", tgt, (med >= tgt + 0 ? "met" : "MISSED")
		printf "\n"
	}
	END {
		split(modes, ms, " ")
		rounds = 0
		for (m in n) if (!rounds || n[m] < rounds) rounds = n[m]
		for (r = 1; r <= rounds; r++) {
			printf "round %d:", r
			for (i = 1; i in ms; i++) printf " %s %.0f %s/s", ms[i], x[ms[i], r, unit "_per_s"], unit
			printf "\n"
		}
		per = (unit == "spans" ? "span" : "point")
		printf "throughput (means):"
		for (i = 1; i in ms; i++) printf " %s %.0f %s/s", ms[i], v[ms[i], unit "_per_s"] / n[ms[i]], unit
		printf "\n"
		ratio("with", "without", "with/without", target)
		ratio("writesonly", "without", "writes-only/without", "")
		ratio("with", "writesonly", "with/writes-only", floor_target)
		printf "collector CPU per %s:", per
		for (i = 1; i in ms; i++) printf " %s %.3f us", ms[i], v[ms[i], "cpu_us_per_" per] / n[ms[i]]
		printf "; peak RSS:"
		for (i = 1; i in ms; i++) printf " %s %.0f MB", ms[i], v[ms[i], "peak_rss_mb"] / n[ms[i]]
		printf "\n"
		if (unit == "spans") {
			# What the sink received, uncompressed: writes-only and with
			# write the same output when these agree.
			printf "exported bytes per span:"
			for (i = 1; i in ms; i++) printf " %s %.1f", ms[i], v[ms[i], "out_bytes_per_span"] / n[ms[i]]
			printf "\n"
		}
		if (("with", "diagnosed") in v) {
			printf "diagnosed by errordiagnosis (all rounds): %d spans, %d unknown/no_evidence: %.2f%% with evidence\n",
				v["with", "diagnosed"], v["with", "no_evidence"], 100 * (v["with", "diagnosed"] - v["with", "no_evidence"]) / max1(v["with", "diagnosed"])
		}
	}
	function max1(x) { return x > 1 ? x : 1 }' "$results"
