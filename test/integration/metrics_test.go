package integration

import (
	"context"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TestMetricsBed (issue 26): a real pool of one exhausted under a request
// deadline, whose trace shows only `context deadline exceeded`, is
// diagnosed pool_exhausted from the pool's readings that the OTel SDK
// exported to the real collector, in the current names and in the older
// ones; a query slower than the deadline on a pool with room keeps the
// trace's diagnosis.
func TestMetricsBed(t *testing.T) {
	b := StartMetricsBed(t, MetricsBedOptions{})
	ctx := context.Background()
	pg, err := StartPostgres(filepath.Join(b.Dir, "pg"))
	must(t, err)
	t.Cleanup(pg.Stop)
	_, err = pg.Psql("CREATE TABLE stock (sku text PRIMARY KEY, n int NOT NULL); INSERT INTO stock VALUES ('SKU-1', 3)")
	must(t, err)

	s, err := StartStockroom(ctx, b.OTLP, pg.DSN("postgres", "postgres-secret", "postgres"), "stockroom-1")
	must(t, err)
	defer s.Close(ctx)
	get := func(path string) string {
		code, trace := b.Get(t, s.URL+path)
		if code != http.StatusInternalServerError {
			t.Errorf("GET %s: %d, want 500", path, code)
		}
		return trace
	}
	// The pools open a connection first, as under earlier traffic.
	for _, path := range []string{"/pool/stock", "/legacy/stock"} {
		if code, _ := b.Get(t, s.URL+path); code != http.StatusOK {
			t.Fatalf("GET %s: %d before the pool is held", path, code)
		}
	}

	// The pool of one held (as a slow request would), its reading exported.
	conn, err := s.Pool.Conn(ctx)
	must(t, err)
	must(t, s.MP.ForceFlush(ctx))
	pool := get("/pool/stock")
	must(t, conn.Close())
	// The same with the pool reported in the older names.
	legacy, err := s.Legacy.Conn(ctx)
	must(t, err)
	must(t, s.MP.ForceFlush(ctx))
	older := get("/legacy/stock")
	must(t, legacy.Close())
	must(t, s.MP.ForceFlush(ctx)) // the pools free again: used 0 of 1
	slow := get("/slow/stock")
	must(t, s.TP.ForceFlush(ctx))
	must(t, s.MP.ForceFlush(ctx))

	// What the trace alone shows is the deadline, not the pool.
	const deadline = "dependency_failure/upstream_timeout"
	b.Check(t, []MetricsWant{
		{Name: "GET /pool/stock", Trace: pool, Alone: deadline, With: "database_connection/pool_exhausted",
			Rule: "metrics.pool_used_at_max", Evidence: "db.client.connection.count used 1 of max 1, pool stockroom-one, "},
		{Name: "GET /legacy/stock", Trace: older, Alone: deadline, With: "database_connection/pool_exhausted",
			Rule: "metrics.pool_used_at_max", Evidence: "db.client.connections.usage used 1 of max 1, pool stockroom-legacy, "},
		{Name: "GET /slow/stock", Trace: slow, Alone: "database_timeout/query_canceled", With: "database_timeout/query_canceled"},
	})

	// The metrics passed through to the exporter.
	out, err := os.ReadFile(filepath.Join(b.Dir, "metrics.json"))
	must(t, err)
	if !strings.Contains(string(out), `"db.client.connection.count"`) {
		t.Errorf("the pool's metrics did not reach the metrics exporter")
	}
	captureMetricsBed(t, b.Dir)
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
