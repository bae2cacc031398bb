package integration

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"sync"
	"syscall"
	"testing"
	"time"
)

// TestMetricsBedJava (issue 26): the Spring Boot jar of the Java bed under
// the OpenTelemetry Java agent 2.31.1 with its metrics exported every
// second, twice: in the default database conventions (the agent's HikariCP
// metrics as db.client.connections.usage, state, pool.name) and with
// OTEL_SEMCONV_STABILITY_OPT_IN=database (db.client.connection.count,
// db.client.connection.state, db.client.connection.pool.name). Its trace
// alone cannot show either fault:
//   - HikariCP pool pg-busy (2 connections) held by two slow reports, and
//     a request that waits 300 ms for a worker using that pool: the trace
//     has only java.util.concurrent.TimeoutException on the server span;
//   - the heap filled with reachable arrays to 97 % of its limit (G1, whose
//     old generation holds -Xmx), then a bare 500 that records nothing.
func TestMetricsBedJava(t *testing.T) {
	jar, agent := JavaJarPaths()
	for _, f := range []string{jar, agent} {
		if _, err := os.Stat(f); err != nil {
			needed(t, true, fmt.Sprintf("%s missing: run test/integration/run.sh (it builds java/ with Maven): %v", f, err))
		}
	}
	b := StartMetricsBed(t, MetricsBedOptions{})
	pg, err := StartPostgres(filepath.Join(b.Dir, "pg"))
	must(t, err)
	t.Cleanup(pg.Stop)
	_, err = pg.Psql("CREATE DATABASE shop")
	must(t, err)

	closed := fmt.Sprintf("http://127.0.0.1:%d", MustFreePort())
	start := func(name string, env ...string) (*JavaService, error) {
		cfg := JavaConfig{Jar: jar, Agent: agent, Dir: filepath.Join(b.Dir, name), Collector: b.OTLP,
			PGPort: pg.Port, MyPort: MustFreePort(), DBUser: "postgres", PGPassword: "postgres-secret", MyPassword: "none",
			InventoryURL: closed, ClosedURL: closed,
			Env: append([]string{"OTEL_METRICS_EXPORTER=otlp", "OTEL_METRIC_EXPORT_INTERVAL=1000",
				"OTEL_RESOURCE_ATTRIBUTES=service.version=1.0.0,service.instance.id=" + name + "-1"}, env...)}
		if err := os.MkdirAll(filepath.Join(cfg.Dir, "export"), 0o755); err != nil {
			return nil, err
		}
		j := &JavaService{Name: name}
		port := MustFreePort()
		j.URL = fmt.Sprintf("http://127.0.0.1:%d", port)
		// G1, the JVM's default on a server: its heap limit is the old
		// generation's, -Xmx.
		args := []string{"-Xmx256m", "-Xss512k", "-XX:+UseG1GC", "-XX:TieredStopAtLevel=1",
			"-javaagent:" + agent, "-jar", jar,
			"--spring.autoconfigure.exclude=io.opentelemetry.instrumentation.spring.autoconfigure.OpenTelemetryAutoConfiguration"}
		err := j.start(context.Background(), cfg, port, args, "")
		if j.proc != nil {
			t.Cleanup(func() { j.proc.Stop(syscall.SIGTERM, 20*time.Second) })
		}
		return j, err
	}
	var older, stable *JavaService
	var errOlder, errStable error
	var wg sync.WaitGroup
	wg.Add(2)
	go func() { defer wg.Done(); older, errOlder = start("pantry-java", "OTEL_SEMCONV_STABILITY_OPT_IN=") }()
	go func() {
		defer wg.Done()
		stable, errStable = start("pantry-java-stable", "OTEL_SEMCONV_STABILITY_OPT_IN=database")
	}()
	wg.Wait()
	must(t, errOlder)
	must(t, errStable)

	status := func(want int, url string) string {
		t.Helper()
		code, trace := b.Get(t, url)
		if code != want {
			t.Fatalf("%s: %d, want %d", url, code, want)
		}
		return trace
	}
	var wants []MetricsWant

	// The pool opens a connection first, as under earlier traffic.
	status(200, older.URL+"/busy/stock")
	status(200, stable.URL+"/busy/stock")
	b.WaitPoints(t, "the heap of pantry-java", time.Now(), 20*time.Second, heapAtLeast(older.Name, 0))
	wants = append(wants, MetricsWant{Name: "bare 500, heap with room", Trace: status(500, older.URL+"/legacy"),
		Alone: "unknown/no_evidence", With: "unknown/no_evidence"})

	// The heap filled to 97 %.
	status(200, "POST "+older.URL+"/heap/fill?percent=97")
	filled := time.Now()
	pts := b.WaitPoints(t, "pantry-java's heap at 95 % of its limit", filled, 20*time.Second, heapAtLeast(older.Name, 0.95))
	t.Logf("pantry-java heap: %s", heapText(older.Name, pts))
	wants = append(wants, MetricsWant{Name: "bare 500, heap at its limit", Trace: status(500, older.URL+"/legacy"),
		Alone: "unknown/no_evidence", With: "resource_exhaustion/out_of_memory",
		Rule: "metrics.jvm_heap_at_limit", Evidence: "jvm.memory.used heap "})
	status(200, "POST "+older.URL+"/heap/free")

	// Each pool of two held by two slow reports.
	for _, s := range []struct {
		svc      *JavaService
		evidence string
	}{
		{older, "db.client.connections.usage used 2 of max 2, pool pg-busy, "},
		{stable, "db.client.connection.count used 2 of max 2, pool pg-busy, "},
	} {
		held := time.Now()
		wait := b.Hold(t, 2, s.svc.URL+"/busy/report?ms=4000")
		b.WaitPoints(t, s.svc.Name+"'s pool pg-busy used 2", held, 20*time.Second, poolAt(s.svc.Name, "pg-busy", 2))
		wants = append(wants, MetricsWant{Name: s.svc.Name + " pool held", Trace: status(500, s.svc.URL+"/busy/stock"),
			Alone: "dependency_failure/upstream_timeout", With: "database_connection/pool_exhausted",
			Rule: "metrics.pool_used_at_max", Evidence: s.evidence})
		wait()
	}
	b.Check(t, wants)
}

// heapAtLeast tests an export: the service's heap pools use share of the
// limits they report, or more.
func heapAtLeast(service string, share float64) func([]Point) bool {
	return func(pts []Point) bool {
		used, limit := heapOf(service, pts)
		return used > 0 && limit > 0 && used >= share*limit
	}
}

func heapOf(service string, pts []Point) (used, limit float64) {
	return usedOf(pts, service, "jvm.memory.used", "jvm.memory.limit", "jvm.memory.type", "heap")
}

func heapText(service string, pts []Point) string {
	used, limit := heapOf(service, pts)
	return fmt.Sprintf("used %.1f MiB of %.1f MiB (%.1f %%)", used/(1<<20), limit/(1<<20), 100*used/limit)
}
