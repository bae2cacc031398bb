#!/usr/bin/env bash
# Soak test of the real collector (make soak; not part of make test or CI).
#
# bin/otelcol-errordiagnosis (or $COLLECTOR) runs on free loopback ports with
# the default errordiagnosis config (wait_duration 5s, max_traces 100000,
# max_held_spans 10000):
#   otlp receiver (HTTP) -> errordiagnosis -> otlphttp exporter -> counting sink
# and its Prometheus self-telemetry on a loopback port. test/benchmarks'
# loadgen soak sends a mixed load for DURATION (calm traffic, 500 bursts, a
# few never-ending traces, traces split across batches), samples the
# collector's RSS and the processor's gauges every second, and judges spans
# in == spans out and the RSS after WARMUP flat (growth under MAX_GROWTH_MB,
# least squares and last minute against first).
#
#   DURATION=10m WARMUP=2m bash test/soak/run.sh
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
GO="${GO:-go}"
DURATION="${DURATION:-10m}"
WARMUP="${WARMUP:-2m}"
MAX_GROWTH_MB="${MAX_GROWTH_MB:-16}"
SAMPLES="${SAMPLES:-}"
COLLECTOR="${COLLECTOR:-$root/bin/otelcol-errordiagnosis}"

if [ ! -x "$COLLECTOR" ]; then
	echo "soak: $COLLECTOR missing: make build"
	make -C "$root" --no-print-directory build
fi

work="$(mktemp -d /tmp/edsoak.XXXXXX)"
colpid=""
cleanup() {
	if [ -n "$colpid" ] && kill -0 "$colpid" 2>/dev/null; then
		kill "$colpid" 2>/dev/null || true
		wait "$colpid" 2>/dev/null || true
	fi
	rm -rf "$work"
}
trap cleanup EXIT

echo "soak: building the generator"
(cd "$root/test/benchmarks" && "$GO" build -o "$work/loadgen" ./cmd/loadgen)

ports=()
while [ "${#ports[@]}" -lt 3 ]; do
	p="$("$work/loadgen" freeport)"
	[[ " ${ports[*]} " == *" $p "* ]] || ports+=("$p")
done
rport="${ports[0]}" sport="${ports[1]}" mport="${ports[2]}"

cat >"$work/soak.yaml" <<YAML
receivers:
  otlp:
    protocols:
      http:
        endpoint: 127.0.0.1:$rport
processors:
  errordiagnosis: {}
exporters:
  otlp_http:
    endpoint: http://127.0.0.1:$sport
    compression: none
    sending_queue:
      enabled: false
    retry_on_failure:
      enabled: false
service:
  telemetry:
    logs:
      level: warn
    metrics:
      level: normal
      readers:
        - pull:
            exporter:
              prometheus:
                host: 127.0.0.1
                port: $mport
  pipelines:
    traces:
      receivers: [otlp]
      processors: [errordiagnosis]
      exporters: [otlp_http]
YAML

"$COLLECTOR" --config "$work/soak.yaml" >"$work/collector.log" 2>&1 &
colpid=$!
echo "soak: $(date -u +%FT%TZ), collector pid $colpid on 127.0.0.1:$rport, sink 127.0.0.1:$sport, metrics 127.0.0.1:$mport; $DURATION, warm-up $WARMUP"
echo "soak: machine: $(nproc) cores, load average $(cut -d' ' -f1-3 /proc/loadavg)"
samples_flag=()
[ -n "$SAMPLES" ] && samples_flag=(-samples "$SAMPLES")
if ! "$work/loadgen" soak -target "http://127.0.0.1:$rport/v1/traces" -sink-port "$sport" -pid "$colpid" \
	-metrics "http://127.0.0.1:$mport/metrics" -duration "$DURATION" -warmup "$WARMUP" \
	-max-growth-mb "$MAX_GROWTH_MB" "${samples_flag[@]}"; then
	echo "soak: FAILED; collector log:"
	tail -20 "$work/collector.log"
	exit 1
fi
echo "soak: load average at the end $(cut -d' ' -f1-3 /proc/loadavg)"
echo "soak: passed"
