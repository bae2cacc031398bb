package integration

import (
	"bufio"
	"context"
	"crypto/rand"
	"encoding/json"
	"errors"
	"fmt"
	"net"
	"net/http"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"sync/atomic"
	"syscall"
	"testing"
	"time"

	"go.etcd.io/bbolt"
	"go.opentelemetry.io/contrib/instrumentation/net/http/otelhttp"
	"go.opentelemetry.io/otel/attribute"
	"go.opentelemetry.io/otel/exporters/otlp/otlptrace/otlptracehttp"
	"go.opentelemetry.io/otel/sdk/resource"
	sdktrace "go.opentelemetry.io/otel/sdk/trace"
	semconv "go.opentelemetry.io/otel/semconv/v1.40.0"
)

// TestRestart runs the real collector (bin/otelcol-errordiagnosis) with
// contrib's file_storage keeping the processor's fingerprint registry, and
// the incident connector writing its log records to a file, around real OTel
// Go SDK traffic of one service:
//
//  1. version 1.0 fails with error A: A is new (first seen set, not a
//     regression), one incident record (new);
//  2. the collector is stopped (SIGTERM) and started again on the same
//     storage directory; version 1.1 fails with A and B: B is a regression,
//     A is not and keeps its first_seen; one incident record (B, regression),
//     none for A;
//  3. the stored registry is cut in half, as a write cut short would leave
//     it: the collector says so in its log and starts with an empty
//     registry (A new again, a record);
//  4. a plain restart: the registry phase 3 wrote replaced the corrupt one;
//  5. the storage file is overwritten with random bytes: a warning, an empty
//     registry;
//  6. the storage file is deleted: an empty registry again.
//
// In every phase the spans the SDK exported equal the spans the collector
// wrote out.
func TestRestart(t *testing.T) {
	bin, dir := collectorAndDir(t, "edx-restart-")
	t0 := time.Now()
	storage := filepath.Join(dir, "storage")
	ctx := context.Background()

	// ---- 1. version 1.0, error A
	p1 := runRestartPhase(ctx, t, bin, dir, storage, 1, "1.0", []string{"/a", "/a", "/a"})
	a1 := p1.group(t, "GET /a")
	assertOccurrences(t, a1, 1, 2, 3)
	firstSeenA := a1[0].Attrs["diagnosis.first_seen"]
	seen, err := time.Parse(time.RFC3339Nano, firstSeenA)
	if err != nil || seen.Before(t0.Add(-time.Second)) || seen.After(time.Now()) {
		t.Errorf("A: diagnosis.first_seen %q is not an RFC 3339 time within the test (%v)", firstSeenA, err)
	}
	for _, s := range a1 {
		wantAttrs(t, "phase 1, A", s, map[string]string{
			"diagnosis.first_seen": firstSeenA, "diagnosis.first_seen.version": "1.0", "diagnosis.regression": "false",
		})
	}
	fpA := a1[0].Attrs["diagnosis.fingerprint"]
	p1.wantRecords(t, wantRecord{fingerprint: fpA, kind: "new", severity: "WARN", version: "1.0", span: a1[0]})

	// ---- 2. restart on the same storage, version 1.1, errors A and B
	p2 := runRestartPhase(ctx, t, bin, dir, storage, 2, "1.1", []string{"/a", "/b", "/a", "/b", "/a", "/b"})
	a2, b2 := p2.group(t, "GET /a"), p2.group(t, "GET /b")
	assertOccurrences(t, a2, 4, 5, 6)
	assertOccurrences(t, b2, 1, 2, 3)
	for _, s := range a2 {
		wantAttrs(t, "phase 2, A after the restart", s, map[string]string{
			"diagnosis.fingerprint": fpA, "diagnosis.first_seen": firstSeenA, "diagnosis.first_seen.version": "1.0",
			"diagnosis.regression": "false",
		})
	}
	fpB := b2[0].Attrs["diagnosis.fingerprint"]
	if fpB == fpA {
		t.Fatalf("A and B have one fingerprint %s: the test needs two groups", fpA)
	}
	for _, s := range b2 {
		wantAttrs(t, "phase 2, B", s, map[string]string{"diagnosis.first_seen.version": "1.1", "diagnosis.regression": "true"})
	}
	p2.wantRecords(t, wantRecord{fingerprint: fpB, kind: "regression", severity: "ERROR", version: "1.1", span: b2[0]})

	// ---- 3. the stored registry cut in half (a value written partly)
	file := storageFile(t, storage)
	full := truncateStoredRegistry(t, file)
	p3 := runRestartPhase(ctx, t, bin, dir, storage, 3, "1.1", []string{"/a", "/a"})
	wantStorageWarning(t, p3, "unreadable", fmt.Sprintf("the stored registry cut from %d to %d bytes", full, full/2))
	a3 := p3.group(t, "GET /a")
	assertOccurrences(t, a3, 1, 2)
	firstSeenA3 := a3[0].Attrs["diagnosis.first_seen"]
	for _, s := range a3 {
		wantAttrs(t, "phase 3, A with an empty registry", s, map[string]string{
			"diagnosis.fingerprint": fpA, "diagnosis.first_seen": firstSeenA3, "diagnosis.first_seen.version": "1.1",
			"diagnosis.regression": "false",
		})
	}
	if firstSeenA3 == firstSeenA {
		t.Errorf("phase 3: A kept first_seen %s from the corrupt registry", firstSeenA)
	}
	p3.wantRecords(t, wantRecord{fingerprint: fpA, kind: "new", severity: "WARN", version: "1.1", span: a3[0]})

	// ---- 4. a plain restart: what phase 3 learned was written over the corrupt value
	p4 := runRestartPhase(ctx, t, bin, dir, storage, 4, "1.1", []string{"/a", "/a"})
	if line := storageLogLine(p4.log); line != "" {
		t.Errorf("phase 4: the storage is sound again, yet: %s", line)
	}
	a4 := p4.group(t, "GET /a")
	assertOccurrences(t, a4, 3, 4)
	for _, s := range a4 {
		wantAttrs(t, "phase 4, A as phase 3 stored it", s, map[string]string{
			"diagnosis.fingerprint": fpA, "diagnosis.first_seen": firstSeenA3, "diagnosis.regression": "false",
		})
	}
	p4.wantRecords(t)

	// ---- 5. the storage file overwritten with random bytes
	garbage := make([]byte, 64<<10)
	_, _ = rand.Read(garbage)
	must(t, os.WriteFile(file, garbage, 0o600))
	p5 := runRestartPhase(ctx, t, bin, dir, storage, 5, "1.1", []string{"/a", "/a"})
	wantStorageWarning(t, p5, "could not open", "the storage file overwritten with random bytes")
	a5 := p5.group(t, "GET /a")
	assertOccurrences(t, a5, 1, 2)
	for _, s := range a5 {
		wantAttrs(t, "phase 5, A with an empty registry", s, map[string]string{
			"diagnosis.fingerprint": fpA, "diagnosis.first_seen.version": "1.1", "diagnosis.regression": "false",
		})
	}
	p5.wantRecords(t, wantRecord{fingerprint: fpA, kind: "new", severity: "WARN", version: "1.1", span: a5[0]})

	// ---- 6. the storage file deleted
	must(t, os.Remove(file))
	p6 := runRestartPhase(ctx, t, bin, dir, storage, 6, "1.2", []string{"/b", "/b"})
	b6 := p6.group(t, "GET /b")
	assertOccurrences(t, b6, 1, 2)
	for _, s := range b6 {
		wantAttrs(t, "phase 6, B with an empty registry", s, map[string]string{
			"diagnosis.fingerprint": fpB, "diagnosis.first_seen.version": "1.2", "diagnosis.regression": "false",
		})
	}
	p6.wantRecords(t, wantRecord{fingerprint: fpB, kind: "new", severity: "WARN", version: "1.2", span: b6[0]})

	spans := 0
	for _, p := range []*restartPhase{p1, p2, p3, p4, p5, p6} {
		spans += p.spans
	}
	t.Logf("restart test: 6 collector runs, %d spans in = out, %.1fs", spans, time.Since(t0).Seconds())
}

// collectorAndDir returns the collector binary, skipping the test without
// one (failing it with EDX_REQUIRE=1), and a directory for its runs, removed
// after the test unless EDX_KEEP is set.
func collectorAndDir(t *testing.T, prefix string) (bin, dir string) {
	t.Helper()
	bin = envOr("EDX_COLLECTOR_BIN", "../../bin/otelcol-errordiagnosis")
	if _, err := os.Stat(bin); err != nil || driveOnly() {
		msg := fmt.Sprintf("collector %q missing (%v): run make build or test/integration/run.sh", bin, err)
		if os.Getenv("EDX_REQUIRE") == "1" && !driveOnly() {
			t.Fatal(msg)
		}
		t.Skip(msg)
	}
	dir, err := os.MkdirTemp("", prefix)
	must(t, err)
	if os.Getenv("EDX_KEEP") == "" {
		t.Cleanup(func() { os.RemoveAll(dir) })
	} else {
		t.Logf("keeping %s", dir)
	}
	return bin, dir
}

// wantStorageWarning: the collector's log has a warning about the registry's
// storage that says what (e.g. "unreadable").
func wantStorageWarning(t *testing.T, ph *restartPhase, what, fault string) {
	t.Helper()
	line := storageLogLine(ph.log)
	switch {
	case line == "":
		t.Errorf("phase %d (%s): no warning about the registry's storage in the collector's log:\n%s", ph.n, fault, restartTail(ph.log, 3000))
	case !strings.Contains(line, what):
		t.Errorf("phase %d (%s): the warning does not say %q: %s", ph.n, fault, what, line)
	default:
		t.Logf("phase %d, %s; the collector logs: %s", ph.n, fault, line)
	}
}

// truncateStoredRegistry cuts the registry's value in file_storage's bbolt
// file (bucket "default", the processor's key "registry") to half its bytes,
// as a write cut short would leave it; it returns the full length.
func truncateStoredRegistry(t *testing.T, file string) int {
	t.Helper()
	db, err := bbolt.Open(file, 0o600, &bbolt.Options{Timeout: 5 * time.Second})
	must(t, err)
	defer db.Close()
	n := 0
	must(t, db.Update(func(tx *bbolt.Tx) error {
		b := tx.Bucket([]byte("default"))
		if b == nil {
			return errors.New("file_storage's bucket \"default\" is missing")
		}
		v := b.Get([]byte("registry"))
		if len(v) < 2 {
			return fmt.Errorf("no stored registry under the key \"registry\" (%d bytes)", len(v))
		}
		n = len(v)
		return b.Put([]byte("registry"), slices.Clone(v[:n/2]))
	}))
	return n
}

// restartPhase is what one collector run wrote.
type restartPhase struct {
	n       int
	spans   int                // spans exported by the SDK = spans written out
	byRoute map[string][]*Span // the diagnosed server spans, by name ("GET /a")
	records []incidentRecord
	log     string
}

// runRestartPhase starts the collector on storage, runs a service of version
// version sending one request per path, stops the service (flushing its
// spans) and the collector (SIGTERM), and reads what the collector wrote.
func runRestartPhase(ctx context.Context, t *testing.T, bin, dir, storage string, n int, version string, paths []string) *restartPhase {
	t.Helper()
	return runPhase(ctx, t, phaseSpec{bin: bin, dir: dir, storage: storage, n: n, version: version, paths: paths})
}

// phaseSpec is one collector run: the service's version and revision, its
// requests (healthyPath answers 200, the others fail) and the processor's
// registry settings (YAML under registry:, "" for the defaults).
type phaseSpec struct {
	bin, dir, storage string
	n                 int
	version, revision string
	paths             []string
	registry          string
}

// healthyPath is the service's route that answers 200.
const healthyPath = "/ok"

func runPhase(ctx context.Context, t *testing.T, spec phaseSpec) *restartPhase {
	t.Helper()
	bin, dir, storage, n, version, paths := spec.bin, spec.dir, spec.storage, spec.n, spec.version, spec.paths
	start := time.Now()
	tracesFile := filepath.Join(dir, fmt.Sprintf("traces-%d.json", n))
	recordsFile := filepath.Join(dir, fmt.Sprintf("incidents-%d.json", n))
	httpPort, healthPort := MustFreePort(), MustFreePort()
	name := fmt.Sprintf("collector-%d", n)
	proc, err := startWithConfig(ctx, name, bin, dir, restartConfig(httpPort, healthPort, storage, tracesFile, recordsFile, spec.registry),
		fmt.Sprintf("http://127.0.0.1:%d/", healthPort), fmt.Sprintf("127.0.0.1:%d", httpPort))
	if proc != nil {
		t.Cleanup(func() { proc.Stop(syscall.SIGKILL, 5*time.Second) })
	}
	if err != nil {
		t.Fatalf("phase %d: start the collector: %v", n, err)
	}

	exported := &atomic.Int64{}
	svc, err := startRestartService(ctx, fmt.Sprintf("127.0.0.1:%d", httpPort), version, spec.revision, exported)
	must(t, err)
	client := &http.Client{Timeout: 10 * time.Second}
	for _, p := range paths {
		resp, err := client.Get(svc.url + p)
		must(t, err)
		resp.Body.Close()
		want := http.StatusInternalServerError
		if p == healthyPath {
			want = http.StatusOK
		}
		if resp.StatusCode != want {
			t.Fatalf("phase %d: GET %s answered %d, want %d", n, p, resp.StatusCode, want)
		}
	}
	svc.close(ctx)
	if got := exported.Load(); got != int64(len(paths)) {
		t.Fatalf("phase %d: the SDK exported %d spans for %d requests", n, got, len(paths))
	}

	// The collector writes the spans out after at most wait_duration.
	ph := &restartPhase{n: n, spans: len(paths), byRoute: map[string][]*Span{}}
	deadline := time.Now().Add(20 * time.Second)
	var out int
	for {
		_, out, _ = ReadSpans(tracesFile)
		if out >= len(paths) || time.Now().After(deadline) {
			break
		}
		time.Sleep(100 * time.Millisecond)
	}
	proc.Stop(syscall.SIGTERM, 20*time.Second)
	if !proc.Exited() {
		t.Fatalf("phase %d: the collector did not stop", n)
	}
	logb, _ := os.ReadFile(proc.Log)
	ph.log = string(logb)

	traces, out, err := ReadSpans(tracesFile)
	must(t, err)
	if out != len(paths) {
		t.Fatalf("phase %d: spans in %d, spans out %d:\n%s", n, len(paths), out, restartTail(ph.log, 3000))
	}
	for _, spans := range traces {
		for _, s := range spans {
			if s.Name == "GET "+healthyPath {
				if s.Attrs["diagnosis.fingerprint"] != "" {
					t.Errorf("phase %d: healthy span %s diagnosed: %v", n, s.SpanID, s.Attrs)
				}
				continue
			}
			if s.Attrs["diagnosis.fingerprint"] == "" {
				t.Errorf("phase %d: span %s %s not diagnosed: %v", n, s.Name, s.SpanID, s.Attrs)
				continue
			}
			ph.byRoute[s.Name] = append(ph.byRoute[s.Name], s)
		}
	}
	ph.records, err = readIncidentRecords(recordsFile)
	must(t, err)
	t.Logf("phase %d (version %s): %d spans in = out, %d incident records, %.1fs", n, version, out, len(ph.records), time.Since(start).Seconds())
	return ph
}

func restartConfig(httpPort, healthPort int, storage, tracesFile, recordsFile, registry string) string {
	if registry != "" {
		registry = "\n    registry:\n      " + strings.ReplaceAll(strings.TrimSpace(registry), "\n", "\n      ")
	}
	return fmt.Sprintf(`receivers:
  otlp:
    protocols:
      http:
        endpoint: 127.0.0.1:%d
processors:
  errordiagnosis:
    wait_duration: 1s
    storage: file_storage%s
  batch:
    timeout: 100ms
connectors:
  incident:
exporters:
  file/traces:
    path: %s
    format: json
    flush_interval: 100ms
  file/incidents:
    path: %s
    format: json
    flush_interval: 100ms
extensions:
  health_check:
    endpoint: 127.0.0.1:%d
  file_storage:
    directory: %s
    create_directory: true
service:
  extensions: [health_check, file_storage]
  telemetry:
    metrics:
      level: none
    logs:
      level: info
  pipelines:
    traces:
      receivers: [otlp]
      processors: [errordiagnosis, batch]
      exporters: [file/traces, incident]
    logs/incidents:
      receivers: [incident]
      exporters: [file/incidents]
`, httpPort, registry, tracesFile, recordsFile, healthPort, storage)
}

// restartService is the service under test: /a and /b fail with two different
// panics (two error groups), /ok answers 200.
type restartService struct {
	url   string
	tp    *sdktrace.TracerProvider
	srv   *http.Server
	count *atomic.Int64
}

type restartEntry struct{ Amount int }

func findRestartEntry(string) *restartEntry { return nil }

// entryAmount dereferences a missing entry (error A: nil pointer).
func entryAmount(e *restartEntry) int { return e.Amount }

// pageOf indexes past the end of the pages (error B: index out of range).
func pageOf(pages []string, i int) string { return pages[i] }

func startRestartService(ctx context.Context, collector, version, revision string, exported *atomic.Int64) (*restartService, error) {
	exp, err := otlptracehttp.New(ctx, otlptracehttp.WithEndpoint(collector), otlptracehttp.WithInsecure())
	if err != nil {
		return nil, err
	}
	attrs := []attribute.KeyValue{semconv.ServiceName("restart-ledger"), semconv.ServiceVersion(version),
		semconv.DeploymentEnvironmentName("restart-test"), semconv.TelemetrySDKLanguageGo, semconv.TelemetrySDKName("opentelemetry")}
	if revision != "" {
		attrs = append(attrs, attribute.String("vcs.ref.head.revision", revision))
	}
	res := resource.NewWithAttributes(semconv.SchemaURL, attrs...)
	tp := sdktrace.NewTracerProvider(sdktrace.WithResource(res),
		sdktrace.WithBatcher(countingSpanExporter{exp, exported}, sdktrace.WithBatchTimeout(100*time.Millisecond)))
	mux := http.NewServeMux()
	mux.HandleFunc("GET /a", func(w http.ResponseWriter, r *http.Request) {
		writeJSON(w, entryAmount(findRestartEntry(r.URL.Query().Get("id"))))
	})
	mux.HandleFunc("GET /b", func(w http.ResponseWriter, r *http.Request) {
		writeJSON(w, pageOf([]string{"p1", "p2"}, 2+len(r.URL.Query().Get("page"))))
	})
	mux.HandleFunc("GET "+healthyPath, func(w http.ResponseWriter, _ *http.Request) { writeJSON(w, "ok") })
	h := otelhttp.NewHandler(Recover(mux), "restart-ledger", otelhttp.WithTracerProvider(tp), otelhttp.WithPropagators(propagator),
		otelhttp.WithSpanNameFormatter(func(_ string, r *http.Request) string { return r.Method + " " + r.URL.Path }))
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return nil, err
	}
	l := &restartService{url: "http://" + ln.Addr().String(), tp: tp, srv: &http.Server{Handler: h, ReadHeaderTimeout: 5 * time.Second}}
	go func() { _ = l.srv.Serve(ln) }()
	return l, nil
}

func (l *restartService) close(ctx context.Context) {
	_ = l.srv.Close()
	_ = l.tp.Shutdown(ctx)
}

// countingSpanExporter counts the spans exp exported successfully.
type countingSpanExporter struct {
	sdktrace.SpanExporter
	n *atomic.Int64
}

func (c countingSpanExporter) ExportSpans(ctx context.Context, spans []sdktrace.ReadOnlySpan) error {
	err := c.SpanExporter.ExportSpans(ctx, spans)
	if err == nil {
		c.n.Add(int64(len(spans)))
	}
	return err
}

func (ph *restartPhase) group(t *testing.T, route string) []*Span {
	t.Helper()
	spans := ph.byRoute[route]
	if len(spans) == 0 {
		t.Fatalf("phase %d: no diagnosed span for %s (routes: %v)", ph.n, route, ph.byRoute)
	}
	fp := spans[0].Attrs["diagnosis.fingerprint"]
	for _, s := range spans {
		if s.Attrs["diagnosis.fingerprint"] != fp {
			t.Fatalf("phase %d: %s spans have two fingerprints, %s and %s", ph.n, route, fp, s.Attrs["diagnosis.fingerprint"])
		}
	}
	// By occurrences, so that spans[0] is the group's first sighting.
	slices.SortFunc(spans, func(a, b *Span) int {
		x, _ := strconv.Atoi(a.Attrs["diagnosis.occurrences"])
		y, _ := strconv.Atoi(b.Attrs["diagnosis.occurrences"])
		return x - y
	})
	return spans
}

func assertOccurrences(t *testing.T, spans []*Span, want ...int) {
	t.Helper()
	var got []int
	for _, s := range spans {
		n, err := strconv.Atoi(s.Attrs["diagnosis.occurrences"])
		if err != nil {
			t.Errorf("span %s: diagnosis.occurrences %q is not an int", s.SpanID, s.Attrs["diagnosis.occurrences"])
		}
		got = append(got, n)
	}
	if !slices.Equal(got, want) {
		t.Errorf("diagnosis.occurrences of the %s spans: %v, want %v", spans[0].Name, got, want)
	}
}

func wantAttrs(t *testing.T, what string, s *Span, want map[string]string) {
	t.Helper()
	for k, v := range want {
		if s.Attrs[k] != v {
			t.Errorf("%s: span %s %s = %q, want %q", what, s.SpanID, k, s.Attrs[k], v)
		}
	}
}

type wantRecord struct {
	fingerprint, kind, severity, version string
	span                                 *Span // the group's first sighting
}

// wantRecords: exactly these incident records, linked to their spans.
func (ph *restartPhase) wantRecords(t *testing.T, want ...wantRecord) {
	t.Helper()
	if len(ph.records) != len(want) {
		t.Errorf("phase %d: %d incident records, want %d: %+v", ph.n, len(ph.records), len(want), ph.records)
		return
	}
	for i, w := range want {
		r := ph.records[i]
		got := [...]string{r.attrs["diagnosis.fingerprint"], r.attrs["diagnosis.incident.kind"], r.severity,
			r.resource["service.name"], r.resource["service.version"], r.eventName, r.traceID, r.spanID}
		exp := [...]string{w.fingerprint, w.kind, w.severity, "restart-ledger", w.version, "errordiagnosis.incident",
			w.span.TraceID, w.span.SpanID}
		if got != exp {
			t.Errorf("phase %d: incident record %d\n got  %q\n want %q", ph.n, i, got, exp)
		}
		if r.body == "" || r.attrs["diagnosis.occurrences"] != "1" {
			t.Errorf("phase %d: incident record %d: body %q, occurrences %q", ph.n, i, r.body, r.attrs["diagnosis.occurrences"])
		}
	}
}

// incidentRecord is the part of an exported incident log record the test reads.
type incidentRecord struct {
	resource, attrs                      map[string]string
	traceID, spanID, severity, eventName string
	body                                 string
}

// readIncidentRecords parses the file exporter's JSON lines of logs.
func readIncidentRecords(path string) ([]incidentRecord, error) {
	f, err := os.Open(path)
	if errors.Is(err, os.ErrNotExist) {
		return nil, nil // nothing exported
	}
	if err != nil {
		return nil, err
	}
	defer f.Close()
	var out []incidentRecord
	sc := bufio.NewScanner(f)
	sc.Buffer(make([]byte, 1<<20), 16<<20)
	for sc.Scan() {
		if len(sc.Bytes()) == 0 {
			continue
		}
		var req struct {
			ResourceLogs []struct {
				Resource struct {
					Attributes []keyValue `json:"attributes"`
				} `json:"resource"`
				ScopeLogs []struct {
					LogRecords []struct {
						TraceID      string     `json:"traceId"`
						SpanID       string     `json:"spanId"`
						SeverityText string     `json:"severityText"`
						EventName    string     `json:"eventName"`
						Body         anyValue   `json:"body"`
						Attributes   []keyValue `json:"attributes"`
					} `json:"logRecords"`
				} `json:"scopeLogs"`
			} `json:"resourceLogs"`
		}
		if err := json.Unmarshal(sc.Bytes(), &req); err != nil {
			return out, fmt.Errorf("%s: %w", path, err)
		}
		for _, rl := range req.ResourceLogs {
			res := attrMap(rl.Resource.Attributes)
			for _, sl := range rl.ScopeLogs {
				for _, lr := range sl.LogRecords {
					out = append(out, incidentRecord{resource: res, attrs: attrMap(lr.Attributes),
						traceID: strings.ToLower(lr.TraceID), spanID: lr.SpanID, severity: lr.SeverityText,
						eventName: lr.EventName, body: lr.Body.String()})
				}
			}
		}
	}
	return out, sc.Err()
}

// storageFile is the registry's file among those file_storage keeps in dir.
func storageFile(t *testing.T, dir string) string {
	t.Helper()
	entries, err := os.ReadDir(dir)
	must(t, err)
	var files []string
	for _, e := range entries {
		// The held spans have a file of their own (crash_test.go).
		if e.Type().IsRegular() && !strings.HasSuffix(e.Name(), "_held_spans") {
			files = append(files, e.Name())
		}
	}
	if len(files) != 1 {
		t.Fatalf("the storage directory %s holds %v, want the registry's one file", dir, files)
	}
	return filepath.Join(dir, files[0])
}

// storageLogLine is the collector's first warning or error naming the
// registry and its storage.
func storageLogLine(log string) string {
	for line := range strings.SplitSeq(log, "\n") {
		l := strings.ToLower(line)
		if (strings.Contains(l, "\twarn\t") || strings.Contains(l, "\terror\t")) &&
			strings.Contains(l, "registry") && strings.Contains(l, "storage") {
			return line
		}
	}
	return ""
}

func restartTail(s string, n int) string {
	if len(s) > n {
		return s[len(s)-n:]
	}
	return s
}
