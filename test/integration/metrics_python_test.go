package integration

import (
	"context"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"syscall"
	"testing"
	"time"
)

// TestMetricsBedPython (issue 26): pantry-py (Flask, SQLAlchemy 2.0 over
// psycopg2, opentelemetry-instrument with the metrics exporter every
// second) with two QueuePools of two held by slow reports, and a request
// that waits 300 ms for a worker needing a connection: the trace has only
// TimeoutError on the server span. The SQLAlchemy instrumentation reports
// db.client.connections.usage; the pool whose limit the service reports as
// db.client.connections.max is diagnosed pool_exhausted, the other keeps
// the trace's diagnosis.
func TestMetricsBedPython(t *testing.T) {
	venv := os.Getenv("EDX_PYTHON_VENV")
	instrument := filepath.Join(venv, "bin", "opentelemetry-instrument")
	if _, err := os.Stat(instrument); venv == "" || err != nil {
		needed(t, true, fmt.Sprintf("virtualenv %q incomplete: run test/integration/run.sh (it builds it)", venv))
	}
	b := StartMetricsBed(t, MetricsBedOptions{})
	pg, err := StartPostgres(filepath.Join(b.Dir, "pg"))
	must(t, err)
	t.Cleanup(pg.Stop)

	src, err := filepath.Abs("python")
	must(t, err)
	const svc = "pantry-py"
	port := MustFreePort()
	url := fmt.Sprintf("http://127.0.0.1:%d", port)
	cmd := exec.CommandContext(context.Background(), instrument, filepath.Join(venv, "bin", "python"), filepath.Join(src, "pantry_flask.py"))
	cmd.Dir = src
	cmd.Env = append(cleanEnv(), pythonOTel(PythonConfig{Collector: b.OTLP}, svc, "1.0.0")...)
	cmd.Env = append(cmd.Env, "OTEL_METRICS_EXPORTER=otlp", "OTEL_METRIC_EXPORT_INTERVAL=1000",
		"OTEL_RESOURCE_ATTRIBUTES=service.version=1.0.0,service.instance.id="+svc+"-1",
		"EDX_PORT="+strconv.Itoa(port), "PG_URL="+SQLAlchemyURL("postgresql+psycopg2", "postgres", "postgres-secret", pg.Port, "postgres"))
	p, err := StartProc(svc, cmd, filepath.Join(b.Dir, svc+".log"))
	must(t, err)
	t.Cleanup(func() { p.Stop(syscall.SIGTERM, 15*time.Second) })
	must(t, WaitHTTP(p, url+"/health", 60*time.Second))

	var wants []MetricsWant
	for _, c := range []struct{ pool, name, with, rule, evidence string }{
		// Usage alone: no limit to be at.
		{"bare", "pantry-bare", "dependency_failure/upstream_timeout", "", ""},
		{"reported", "pantry-reported", "database_connection/pool_exhausted", "metrics.pool_used_at_max",
			"db.client.connections.usage used 2 of max 2, pool pantry-reported, "},
	} {
		// The pool opens a connection first, as under earlier traffic.
		if code, _ := b.Get(t, url+"/"+c.pool+"/stock"); code != 200 {
			t.Fatalf("/%s/stock before the pool is held: %d", c.pool, code)
		}
		held := time.Now()
		wait := b.Hold(t, 2, url+"/"+c.pool+"/report?ms=3000")
		b.WaitPoints(t, "pool "+c.name+" used 2", held, 20*time.Second, poolAt(svc, c.name, 2))
		code, trace := b.Get(t, url+"/"+c.pool+"/stock")
		if code != 500 {
			t.Errorf("/%s/stock with the pool held: %d, want 500", c.pool, code)
		}
		wants = append(wants, MetricsWant{Name: "pool " + c.name + " held", Trace: trace,
			Alone: "dependency_failure/upstream_timeout", With: c.with, Rule: c.rule, Evidence: c.evidence})
		wait()
	}
	b.Check(t, wants)
}
