package integration

import (
	"context"
	"fmt"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"
)

// metricsCollectorConfig runs errordiagnosis in a traces and a metrics
// pipeline of one component ID, with a window of a few export intervals;
// raw pipelines keep what the service sent, for EDX_CAPTURE_METRICS.
func metricsCollectorConfig(httpPort, healthPort int, dir string) string {
	return fmt.Sprintf(`receivers:
  otlp:
    protocols:
      http:
        endpoint: 127.0.0.1:%d
processors:
  errordiagnosis:
    wait_duration: 2s
    metrics:
      window: 10s
exporters:
  file/traces:
    path: %s
    format: json
    flush_interval: 100ms
  file/metrics:
    path: %s
    format: json
    flush_interval: 100ms
  file/raw-traces:
    path: %s
    format: json
    flush_interval: 100ms
  file/raw-metrics:
    path: %s
    format: json
    flush_interval: 100ms
extensions:
  health_check:
    endpoint: 127.0.0.1:%d
service:
  extensions: [health_check]
  telemetry:
    metrics:
      level: none
  pipelines:
    traces:
      receivers: [otlp]
      processors: [errordiagnosis]
      exporters: [file/traces]
    metrics:
      receivers: [otlp]
      processors: [errordiagnosis]
      exporters: [file/metrics]
    traces/raw:
      receivers: [otlp]
      exporters: [file/raw-traces]
    metrics/raw:
      receivers: [otlp]
      exporters: [file/raw-metrics]
`, httpPort, filepath.Join(dir, "traces.json"), filepath.Join(dir, "metrics.json"),
		filepath.Join(dir, "raw-traces.json"), filepath.Join(dir, "raw-metrics.json"), healthPort)
}

// TestMetricsBed (issue 26): a real pool of one exhausted under a request
// deadline, whose trace shows only `context deadline exceeded`, is
// diagnosed pool_exhausted from the pool's readings that the OTel SDK
// exported to the real collector, in the current names and in the older
// ones; a query slower than the deadline on a pool with room keeps the
// trace's diagnosis.
func TestMetricsBed(t *testing.T) {
	bin := envOr("EDX_COLLECTOR_BIN", "../../bin/otelcol-errordiagnosis")
	if _, err := os.Stat(bin); err != nil || driveOnly() {
		msg := fmt.Sprintf("collector %q missing (%v): run make build or test/integration/run.sh", bin, err)
		if os.Getenv("EDX_REQUIRE") == "1" && !driveOnly() {
			t.Fatal(msg)
		}
		t.Skip(msg)
	}
	dir, err := os.MkdirTemp("", "edx-metrics-")
	must(t, err)
	must(t, os.Chmod(dir, 0o755)) // PostgreSQL runs as its own user
	if os.Getenv("EDX_KEEP") == "" {
		t.Cleanup(func() { os.RemoveAll(dir) })
	} else {
		t.Logf("keeping %s", dir)
	}
	ctx := context.Background()

	pg, err := StartPostgres(filepath.Join(dir, "pg"))
	must(t, err)
	t.Cleanup(pg.Stop)
	_, err = pg.Psql("CREATE TABLE stock (sku text PRIMARY KEY, n int NOT NULL); INSERT INTO stock VALUES ('SKU-1', 3)")
	must(t, err)

	httpPort, healthPort := MustFreePort(), MustFreePort()
	p, err := startWithConfig(ctx, "collector", bin, dir, metricsCollectorConfig(httpPort, healthPort, dir),
		fmt.Sprintf("http://127.0.0.1:%d/", healthPort), fmt.Sprintf("127.0.0.1:%d", httpPort))
	if p != nil {
		t.Cleanup(func() { p.Stop(syscall.SIGTERM, 20*time.Second) })
	}
	must(t, err)

	s, err := StartStockroom(ctx, fmt.Sprintf("127.0.0.1:%d", httpPort), pg.DSN("postgres", "postgres-secret", "postgres"), "stockroom-1")
	must(t, err)
	defer s.Close(ctx)
	get := func(path string) int {
		resp, err := http.Get(s.URL + path)
		must(t, err)
		resp.Body.Close()
		return resp.StatusCode
	}
	// The pools open a connection first, as under earlier traffic.
	for _, path := range []string{"/pool/stock", "/legacy/stock"} {
		if code := get(path); code != http.StatusOK {
			t.Fatalf("GET %s: %d before the pool is held", path, code)
		}
	}

	// The pool of one held (as a slow request would), its reading exported.
	conn, err := s.Pool.Conn(ctx)
	must(t, err)
	must(t, s.MP.ForceFlush(ctx))
	if code := get("/pool/stock"); code != http.StatusInternalServerError {
		t.Errorf("GET /pool/stock with the pool held: %d, want 500", code)
	}
	must(t, conn.Close())
	// The same with the pool reported in the older names.
	legacy, err := s.Legacy.Conn(ctx)
	must(t, err)
	must(t, s.MP.ForceFlush(ctx))
	if code := get("/legacy/stock"); code != http.StatusInternalServerError {
		t.Errorf("GET /legacy/stock with the pool held: %d, want 500", code)
	}
	must(t, legacy.Close())
	must(t, s.MP.ForceFlush(ctx)) // the pools free again: used 0 of 1
	if code := get("/slow/stock"); code != http.StatusInternalServerError {
		t.Errorf("GET /slow/stock: %d, want 500", code)
	}
	must(t, s.TP.ForceFlush(ctx))
	must(t, s.MP.ForceFlush(ctx))

	want := map[string]struct{ diagnosis, evidence, rule string }{
		"GET /pool/stock": {"database_connection/pool_exhausted",
			"db.client.connection.count used 1 of max 1, pool stockroom-one, ", "metrics.pool_used_at_max"},
		"GET /legacy/stock": {"database_connection/pool_exhausted",
			"db.client.connections.usage used 1 of max 1, pool stockroom-legacy, ", "metrics.pool_used_at_max"},
		"GET /slow/stock": {"database_timeout/query_canceled", "", ""},
	}
	var got map[string]*Span
	for deadline := time.Now().Add(30 * time.Second); time.Now().Before(deadline); time.Sleep(200 * time.Millisecond) {
		byTrace, _, _ := ReadSpans(filepath.Join(dir, "traces.json"))
		got = map[string]*Span{}
		for _, spans := range byTrace {
			for _, sp := range spans {
				if isTarget(sp) && sp.Attrs["diagnosis.category"] != "" {
					got[sp.Name] = sp
				}
			}
		}
		if len(got) == len(want) {
			break
		}
	}
	for name, w := range want {
		sp := got[name]
		if sp == nil {
			t.Errorf("%s: no diagnosed 500 server span; collector log:\n%s", name, p.Tail(2000))
			continue
		}
		d := sp.Attrs["diagnosis.category"] + "/" + sp.Attrs["diagnosis.cause"]
		t.Logf("%s: %s, rule %s, confidence %s, evidence %q", name, d, sp.Attrs["diagnosis.rule"], sp.Attrs["diagnosis.confidence"], sp.Attrs["diagnosis.evidence"])
		if d != w.diagnosis {
			t.Errorf("%s: diagnosed %s, want %s", name, d, w.diagnosis)
		}
		if w.rule != "" && sp.Attrs["diagnosis.rule"] != w.rule {
			t.Errorf("%s: rule %s, want %s", name, sp.Attrs["diagnosis.rule"], w.rule)
		}
		if !strings.HasPrefix(sp.Attrs["diagnosis.evidence"], w.evidence) || (w.evidence != "" && !strings.HasSuffix(sp.Attrs["diagnosis.evidence"], " before the span")) {
			t.Errorf("%s: evidence %q, want %q... before the span", name, sp.Attrs["diagnosis.evidence"], w.evidence)
		}
		// What the trace alone shows: the deadline, not the pool.
		for _, e := range sp.Exceptions() {
			if strings.Contains(strings.ToLower(e), "pool") {
				t.Errorf("%s: the trace names the pool (%q): the case needs a trace that cannot show it", name, e)
			}
		}
	}

	// The metrics passed through to the exporter.
	b, err := os.ReadFile(filepath.Join(dir, "metrics.json"))
	must(t, err)
	if !strings.Contains(string(b), `"db.client.connection.count"`) {
		t.Errorf("the pool's metrics did not reach the metrics exporter")
	}
	captureMetricsBed(t, dir)
}

// captureMetricsBed copies what the service sent (the raw pipelines'
// output: OTLP JSON, one request per line) into $EDX_CAPTURE_METRICS (such
// as ../../testdata/realmetrics/go), the fixture of the root package's
// TestRealMetrics. Nothing happens without it.
func captureMetricsBed(t *testing.T, dir string) {
	out := os.Getenv("EDX_CAPTURE_METRICS")
	if out == "" {
		return
	}
	must(t, os.MkdirAll(out, 0o755))
	for _, f := range [...]struct{ from, to string }{{"raw-traces.json", "pool_exhausted.traces.json"}, {"raw-metrics.json", "pool_exhausted.metrics.json"}} {
		b, err := os.ReadFile(filepath.Join(dir, f.from))
		must(t, err)
		must(t, os.WriteFile(filepath.Join(out, f.to), b, 0o644))
	}
}
