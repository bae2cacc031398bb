package integration

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"go.opentelemetry.io/otel/attribute"
	"go.opentelemetry.io/otel/exporters/otlp/otlptrace/otlptracehttp"
	"go.opentelemetry.io/otel/sdk/resource"
	sdktrace "go.opentelemetry.io/otel/sdk/trace"
	semconv "go.opentelemetry.io/otel/semconv/v1.40.0"
	"go.opentelemetry.io/otel/trace"
)

// TestTenants runs the real collector with two tenants, a and b, each an
// OTel Go SDK sending with its own `x-tenant` header, and checks that every
// held 500 span is delivered as the tenant that sent it, on every path
// that releases it. The otlp receiver keeps the headers
// (include_metadata), the batch processor batches per tenant
// (metadata_keys: [x-tenant]) and the attributes processor after it writes
// the tenant of the context each span is delivered in (from_context) as
// `delivered.tenant`; the sender writes its own as `sent.tenant`. One
// pipeline per path, each with its own receiver port:
//
//   - tick: wait_duration 1s, the spans leave on the release tick;
//   - early: wait_duration 1m and max_held_spans 1, so each tenant's span
//     is released early inside the next request, of the other tenant;
//   - retry: no batch processor; the otlphttp exporter (no queue, no retry)
//     sends to a server of the test that answers 503 to its first two
//     requests: the processor holds the spans again and retries them;
//   - shutdown: wait_duration 1m; SIGTERM drains them.
func TestTenants(t *testing.T) {
	bin, dir := collectorAndDir(t, "edx-tenants-")
	ctx := context.Background()
	backend := newFlakyBackend(2)
	defer backend.Close()

	paths := []string{"tick", "early", "retry", "shutdown"}
	ports := map[string]int{}
	for _, p := range paths {
		ports[p] = MustFreePort()
	}
	health := MustFreePort()
	traces := filepath.Join(dir, "traces.json")
	proc, err := startWithConfig(ctx, "collector-tenants", bin, dir, tenantsConfig(ports, health, traces, backend.URL),
		fmt.Sprintf("http://127.0.0.1:%d/", health), fmt.Sprintf("127.0.0.1:%d", ports["shutdown"]))
	if proc != nil {
		defer proc.Stop(syscall.SIGKILL, 5*time.Second)
	}
	if err != nil {
		t.Fatalf("start the collector: %v\n%s", err, proc.Tail(3000))
	}

	// Each tenant sends one 500 per path, alternating a, b, a, b: in the
	// early pipeline each request releases the other tenant's span.
	var sent []string
	for _, p := range paths {
		for i, tenant := range []string{"a", "b", "a", "b"} {
			name := fmt.Sprintf("%s-%s-%d", p, tenant, i)
			must(t, sendTenant500(ctx, fmt.Sprintf("127.0.0.1:%d", ports[p]), tenant, p, name))
			sent = append(sent, name)
		}
	}
	// The tick and retry spans arrive within seconds; the early ones but
	// the last (still held), once released by the next request.
	waitFor(t, 30*time.Second, func() bool {
		got := deliveredTenants(t, traces, backend)
		n := 0
		for name := range got {
			if !strings.HasPrefix(name, "shutdown-") {
				n++
			}
		}
		return n >= 4+4+3
	})
	if got := deliveredTenants(t, traces, backend); countPrefix(got, "shutdown-") != 0 {
		t.Fatalf("spans of the shutdown pipeline left before shutdown: %v", got)
	}
	proc.Stop(syscall.SIGTERM, 30*time.Second)
	if !proc.Exited() {
		t.Fatal("the collector did not stop")
	}

	got := deliveredTenants(t, traces, backend)
	for _, name := range sent {
		d, ok := got[name]
		switch {
		case !ok:
			t.Errorf("span %s never arrived", name)
		case d.delivered != d.sent:
			t.Errorf("span %s of tenant %s was delivered as tenant %q", name, d.sent, d.delivered)
		case d.category == "":
			t.Errorf("span %s arrived without its diagnosis", name)
		}
	}
	if len(got) != len(sent) {
		t.Errorf("spans in %d, out %d (duplicates or strangers): %v", len(sent), len(got), got)
	}
	if n := backend.refused(); n != 2 {
		t.Errorf("the backend refused %d requests, want 2: the retry path was not taken", n)
	}
	if t.Failed() {
		return
	}
	t.Logf("%d held spans of two tenants, each delivered as its own through the tick, early release, retry (%d refused) and shutdown", len(got), backend.refused())
}

func countPrefix(m map[string]tenantSpan, prefix string) int {
	n := 0
	for k := range m {
		if strings.HasPrefix(k, prefix) {
			n++
		}
	}
	return n
}

func waitFor(t *testing.T, timeout time.Duration, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(timeout)
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatalf("not done after %v", timeout)
		}
		time.Sleep(100 * time.Millisecond)
	}
}

// sendTenant500 exports a SERVER span with HTTP status 500 and no evidence
// (held) for each name, through the SDK with the tenant's header.
func sendTenant500(ctx context.Context, endpoint, tenant, path string, names ...string) error {
	exp, err := otlptracehttp.New(ctx, otlptracehttp.WithEndpoint(endpoint), otlptracehttp.WithInsecure(),
		otlptracehttp.WithHeaders(map[string]string{"X-Tenant": tenant}))
	if err != nil {
		return err
	}
	res := resource.NewWithAttributes(semconv.SchemaURL, semconv.ServiceName("tenants-"+path), attribute.String("sent.tenant", tenant))
	// One export request for all names: they arrive in one batch, so they are
	// held with one deadline and released by the same tick.
	tp := sdktrace.NewTracerProvider(sdktrace.WithResource(res),
		sdktrace.WithBatcher(exp, sdktrace.WithBatchTimeout(time.Hour), sdktrace.WithMaxExportBatchSize(len(names))))
	for _, name := range names {
		_, span := tp.Tracer("tenants").Start(ctx, name, trace.WithSpanKind(trace.SpanKindServer),
			trace.WithAttributes(attribute.Int("http.response.status_code", 500), attribute.String("http.route", "/"+name)))
		span.End()
	}
	return tp.Shutdown(ctx)
}

// tenantSpan is what arrived of a sent span.
type tenantSpan struct{ sent, delivered, category string }

// deliveredTenants reads the spans of the file exporter and of the
// backend, by name.
func deliveredTenants(t *testing.T, file string, backend *flakyBackend) map[string]tenantSpan {
	t.Helper()
	out := map[string]tenantSpan{}
	add := func(s *Span) {
		if _, dup := out[s.Name]; dup {
			s.Name += " (again)"
		}
		out[s.Name] = tenantSpan{sent: s.Resource["sent.tenant"], delivered: s.Attrs["delivered.tenant"], category: s.Attrs["diagnosis.category"]}
	}
	byTrace, _, err := ReadSpans(file)
	if err != nil && !os.IsNotExist(err) {
		t.Fatal(err)
	}
	for _, spans := range byTrace {
		for _, s := range spans {
			add(s)
		}
	}
	for _, s := range backend.spans() {
		add(s)
	}
	return out
}

// flakyBackend is an OTLP/HTTP JSON endpoint that answers 503 to its first
// failFirst requests and keeps the spans of the others.
type flakyBackend struct {
	*httptest.Server
	mu        sync.Mutex
	failFirst int
	refusals  int
	got       []*Span
}

func newFlakyBackend(failFirst int) *flakyBackend {
	b := &flakyBackend{failFirst: failFirst}
	b.Server = httptest.NewServer(http.HandlerFunc(b.serve))
	return b
}

func (b *flakyBackend) serve(w http.ResponseWriter, r *http.Request) {
	body, err := io.ReadAll(r.Body)
	if err != nil {
		http.Error(w, err.Error(), http.StatusBadRequest)
		return
	}
	b.mu.Lock()
	defer b.mu.Unlock()
	if b.refusals < b.failFirst {
		b.refusals++
		http.Error(w, "backend starting", http.StatusServiceUnavailable)
		return
	}
	var req exportRequest
	if err := json.Unmarshal(body, &req); err != nil {
		http.Error(w, err.Error(), http.StatusBadRequest)
		return
	}
	b.got = append(b.got, req.spans()...)
	w.Header().Set("Content-Type", "application/json")
	_, _ = w.Write([]byte(`{}`))
}

func (b *flakyBackend) spans() []*Span {
	b.mu.Lock()
	defer b.mu.Unlock()
	return append([]*Span(nil), b.got...)
}

func (b *flakyBackend) refused() int {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.refusals
}

func tenantsConfig(ports map[string]int, health int, traces, backend string) string {
	var b strings.Builder
	b.WriteString("receivers:\n")
	names := make([]string, 0, len(ports))
	for p := range ports {
		names = append(names, p)
	}
	sort.Strings(names)
	for _, p := range names {
		fmt.Fprintf(&b, "  otlp/%s:\n    protocols:\n      http:\n        endpoint: 127.0.0.1:%d\n        include_metadata: true\n", p, ports[p])
	}
	fmt.Fprintf(&b, `processors:
  errordiagnosis/tick:
    wait_duration: 1s
  errordiagnosis/early:
    wait_duration: 1m
    evidence_ttl: 2m
    max_held_spans: 1
  errordiagnosis/retry:
    wait_duration: 1s
  errordiagnosis/shutdown:
    wait_duration: 1m
    evidence_ttl: 2m
  batch:
    timeout: 100ms
    metadata_keys: [x-tenant]
  attributes/tenant:
    actions:
      - key: delivered.tenant
        from_context: metadata.x-tenant
        action: insert
exporters:
  file:
    path: %s
    format: json
    flush_interval: 100ms
  otlphttp/backend:
    endpoint: %s
    encoding: json
    compression: none
    sending_queue:
      enabled: false
    retry_on_failure:
      enabled: false
extensions:
  health_check:
    endpoint: 127.0.0.1:%d
service:
  extensions: [health_check]
  telemetry:
    metrics:
      level: none
  pipelines:
    traces/tick:
      receivers: [otlp/tick]
      processors: [errordiagnosis/tick, batch, attributes/tenant]
      exporters: [file]
    traces/early:
      receivers: [otlp/early]
      processors: [errordiagnosis/early, batch, attributes/tenant]
      exporters: [file]
    traces/retry:
      receivers: [otlp/retry]
      processors: [errordiagnosis/retry, attributes/tenant]
      exporters: [otlphttp/backend]
    traces/shutdown:
      receivers: [otlp/shutdown]
      processors: [errordiagnosis/shutdown, batch, attributes/tenant]
      exporters: [file]
`, traces, backend, health)
	return b.String()
}
