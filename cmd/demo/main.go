// Command demo sends a handful of realistic traces to an OpenTelemetry
// Collector running the errordiagnosis processor: one or more failing
// requests per diagnosis category, shaped as the OpenTelemetry SDKs and
// instrumentations of several languages emit them (the scenarios of
// internal/testtraces, also used by the golden tests), plus healthy requests.
//
//	make run                       # terminal 1: the collector on 127.0.0.1:4317/4318
//	make demo                      # terminal 2: go run ./cmd/demo -endpoint http://127.0.0.1:4318
//
// The traces are posted as OTLP/HTTP protobuf to ENDPOINT/v1/traces, one
// request per service, the downstream service first (as SDKs export them: the
// inner request ends first), so cross-batch attribution is exercised too.
package main

import (
	"bytes"
	"context"
	"crypto/rand"
	"encoding/binary"
	"flag"
	"fmt"
	"io"
	"net/http"
	"os"
	"sort"
	"strings"
	"time"

	"go.opentelemetry.io/collector/pdata/ptrace"

	"github.com/errordiagnosis/errordiagnosisprocessor/internal/testtraces"
)

func main() {
	endpoint := flag.String("endpoint", defaultEndpoint(), "OTLP/HTTP endpoint of the collector (host:port or URL); /v1/traces is appended")
	dryRun := flag.Bool("dry-run", false, "build and print the traces without sending them")
	timeout := flag.Duration("timeout", 10*time.Second, "timeout of each request")
	flag.Parse()

	if err := run(os.Stdout, *endpoint, *dryRun, *timeout); err != nil {
		fmt.Fprintln(os.Stderr, "demo:", err)
		os.Exit(1)
	}
}

func defaultEndpoint() string {
	if e := os.Getenv("OTEL_EXPORTER_OTLP_ENDPOINT"); e != "" {
		return e
	}
	return "http://127.0.0.1:4318"
}

// tracesURL turns "127.0.0.1:4318", "http://host:4318" or "http://host:4318/"
// into the OTLP/HTTP traces URL.
func tracesURL(endpoint string) string {
	e := strings.TrimRight(strings.TrimSpace(endpoint), "/")
	if !strings.Contains(e, "://") {
		e = "http://" + e
	}
	if strings.HasSuffix(e, "/v1/traces") {
		return e
	}
	return e + "/v1/traces"
}

// request is one demo request: its trace, split in one batch per service.
type request struct {
	Name    string
	Expect  string // "service: category/cause, ..." of the 500 spans; "" when healthy
	Trace   ptrace.Traces
	Batches []ptrace.Traces
}

// buildRequests builds the scenarios with fresh random trace ids.
func buildRequests(now time.Time) []request {
	var out []request
	for _, sc := range testtraces.Scenarios() {
		var seed [8]byte
		_, _ = rand.Read(seed[:])
		td := testtraces.Build(sc.Root, testtraces.Options{Seed: binary.LittleEndian.Uint64(seed[:]), Start: now})
		out = append(out, request{Name: sc.Name, Expect: expectation(sc.Want), Trace: td, Batches: perService(td)})
	}
	return out
}

func expectation(want map[string]string) string {
	services := make([]string, 0, len(want))
	for s := range want {
		services = append(services, s)
	}
	sort.Strings(services)
	parts := make([]string, 0, len(services))
	for _, s := range services {
		parts = append(parts, s+": "+want[s])
	}
	return strings.Join(parts, ", ")
}

// perService splits a trace into one Traces per service, in the order the
// builder emitted them (the service whose spans end first comes first).
func perService(td ptrace.Traces) []ptrace.Traces {
	var out []ptrace.Traces
	for i := 0; i < td.ResourceSpans().Len(); i++ {
		b := ptrace.NewTraces()
		td.ResourceSpans().At(i).CopyTo(b.ResourceSpans().AppendEmpty())
		out = append(out, b)
	}
	return out
}

func run(out io.Writer, endpoint string, dryRun bool, timeout time.Duration) error {
	requests := buildRequests(time.Now())
	url := tracesURL(endpoint)
	client := &http.Client{Timeout: timeout}
	p := &printer{w: out}
	if dryRun {
		p.printf("dry run: %d traces built, nothing sent\n\n", len(requests))
	} else {
		p.printf("sending %d traces to %s\n\n", len(requests), url)
	}
	p.printf("%-34s %-34s %s\n", "request", "trace id", "expected diagnosis")
	for _, r := range requests {
		if !dryRun {
			for _, batch := range r.Batches {
				if err := post(client, url, batch); err != nil {
					return fmt.Errorf("%s: %w", r.Name, err)
				}
			}
		}
		expect := r.Expect
		if expect == "" {
			expect = "- (healthy: no diagnosis)"
		}
		traceID := r.Trace.ResourceSpans().At(0).ScopeSpans().At(0).Spans().At(0).TraceID()
		p.printf("%-34s %-34s %s\n", r.Name, traceID, expect)
	}
	p.println(`
What to look for in the collector output (debug exporter, verbosity: detailed):
the HTTP 500 server span of each failing trace carries diagnosis.* attributes, e.g.
     -> diagnosis.category: Str(database_connection)
     -> diagnosis.cause: Str(connection_refused)
     -> diagnosis.evidence: Str(...)
The healthy traces and the non-server spans are left unchanged. With the default
wait_duration (5s) an inconclusive 500 span is printed up to 5s later.
  e.g.  make run 2>&1 | grep -E 'diagnosis\.(category|cause|root_cause)'`)
	return p.err
}

// printer writes to w and keeps the first error, which run returns.
type printer struct {
	w   io.Writer
	err error
}

func (p *printer) printf(format string, args ...any) {
	if p.err == nil {
		_, p.err = fmt.Fprintf(p.w, format, args...)
	}
}

func (p *printer) println(args ...any) {
	if p.err == nil {
		_, p.err = fmt.Fprintln(p.w, args...)
	}
}

// marshalRequest encodes an OTLP ExportTraceServiceRequest. Its protobuf
// layout is that of TracesData (field 1: repeated ResourceSpans), so pdata's
// TracesData marshaler writes it without pulling in the gRPC packages.
func marshalRequest(td ptrace.Traces) ([]byte, error) {
	var m ptrace.ProtoMarshaler
	return m.MarshalTraces(td)
}

func post(client *http.Client, url string, td ptrace.Traces) error {
	body, err := marshalRequest(td)
	if err != nil {
		return fmt.Errorf("marshal: %w", err)
	}
	req, err := http.NewRequestWithContext(context.Background(), http.MethodPost, url, bytes.NewReader(body))
	if err != nil {
		return err
	}
	req.Header.Set("Content-Type", "application/x-protobuf")
	resp, err := client.Do(req)
	if err != nil {
		return fmt.Errorf("post %s: %w (is the collector running? try `make run`)", url, err)
	}
	defer func() { _ = resp.Body.Close() }() // read to the end below; a failed close loses nothing
	respBody, _ := io.ReadAll(io.LimitReader(resp.Body, 1<<20))
	if resp.StatusCode != http.StatusOK {
		return fmt.Errorf("post %s: %s: %s", url, resp.Status, strings.TrimSpace(string(respBody)))
	}
	return nil
}
