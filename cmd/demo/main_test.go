package main

import (
	"bytes"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"

	"go.opentelemetry.io/collector/pdata/pcommon"
	"go.opentelemetry.io/collector/pdata/ptrace"
)

// categories of docs/design.md §3 that the demo must cover.
var wantCategories = []string{
	"application_exception", "database_connection", "database_timeout", "database_query",
	"dependency_failure", "resource_exhaustion", "configuration_error", "security", "unknown",
}

func TestRequests(t *testing.T) {
	seen := map[string]bool{}
	traceIDs := map[pcommon.TraceID]bool{}
	healthy := 0
	for _, r := range buildRequests(time.Now()) {
		traceID := r.Trace.ResourceSpans().At(0).ScopeSpans().At(0).Spans().At(0).TraceID()
		if traceIDs[traceID] {
			t.Fatalf("%s: trace id %s reused", r.Name, traceID)
		}
		traceIDs[traceID] = true
		if r.Expect == "" {
			healthy++
		}
		for _, part := range strings.Split(r.Expect, ", ") {
			if _, cc, ok := strings.Cut(part, ": "); ok {
				cat, _, _ := strings.Cut(cc, "/")
				seen[cat] = true
			}
		}
		n := 0
		for _, b := range r.Batches {
			if b.ResourceSpans().Len() != 1 {
				t.Errorf("%s: a batch holds %d services, want 1", r.Name, b.ResourceSpans().Len())
			}
			n += b.SpanCount()
		}
		if n != r.Trace.SpanCount() || n == 0 {
			t.Errorf("%s: batches hold %d spans, trace %d", r.Name, n, r.Trace.SpanCount())
		}
	}
	for _, c := range wantCategories {
		if !seen[c] {
			t.Errorf("no request for category %s", c)
		}
	}
	if healthy < 2 {
		t.Errorf("%d healthy requests, want at least 2", healthy)
	}
}

func TestMarshalRoundTrip(t *testing.T) {
	for _, r := range buildRequests(time.Now()) {
		for _, td := range r.Batches {
			b, err := marshalRequest(td)
			if err != nil {
				t.Fatal(err)
			}
			var u ptrace.ProtoUnmarshaler
			got, err := u.UnmarshalTraces(b)
			if err != nil {
				t.Fatal(err)
			}
			if got.SpanCount() != td.SpanCount() {
				t.Fatalf("%s: %d spans after round trip, want %d", r.Name, got.SpanCount(), td.SpanCount())
			}
		}
	}
}

func TestTracesURL(t *testing.T) {
	for in, want := range map[string]string{
		"127.0.0.1:4318":                  "http://127.0.0.1:4318/v1/traces",
		"http://127.0.0.1:4318/":          "http://127.0.0.1:4318/v1/traces",
		"https://otel.example.com":        "https://otel.example.com/v1/traces",
		"http://127.0.0.1:4318/v1/traces": "http://127.0.0.1:4318/v1/traces",
		" http://collector:4318 ":         "http://collector:4318/v1/traces", //nolint:gocritic // the spaces are the input under test: they are trimmed
	} {
		if got := tracesURL(in); got != want {
			t.Errorf("tracesURL(%q) = %q, want %q", in, got, want)
		}
	}
}

// TestRunPosts checks that run sends every batch as OTLP/HTTP protobuf.
func TestRunPosts(t *testing.T) {
	var mu sync.Mutex
	requests, spans := 0, 0
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path != "/v1/traces" || r.Header.Get("Content-Type") != "application/x-protobuf" {
			http.Error(w, "bad request", http.StatusBadRequest)
			return
		}
		body, _ := io.ReadAll(r.Body)
		var u ptrace.ProtoUnmarshaler
		td, err := u.UnmarshalTraces(body)
		if err != nil {
			http.Error(w, err.Error(), http.StatusBadRequest)
			return
		}
		mu.Lock()
		requests++
		spans += td.SpanCount()
		mu.Unlock()
		w.Header().Set("Content-Type", "application/x-protobuf")
	}))
	defer srv.Close()

	var out bytes.Buffer
	if err := run(&out, srv.URL, false, 5*time.Second); err != nil {
		t.Fatal(err)
	}
	wantReq, wantSpans := 0, 0
	for _, r := range buildRequests(time.Now()) {
		wantReq += len(r.Batches)
		for _, td := range r.Batches {
			wantSpans += td.SpanCount()
		}
	}
	if requests != wantReq || spans != wantSpans {
		t.Errorf("server got %d requests / %d spans, want %d / %d", requests, spans, wantReq, wantSpans)
	}
	if !strings.Contains(out.String(), "diagnosis.category") {
		t.Errorf("output does not say what to look for:\n%s", out.String())
	}
}

func TestRunReportsServerError(t *testing.T) {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) {
		http.Error(w, "overloaded", http.StatusServiceUnavailable)
	}))
	defer srv.Close()
	if err := run(io.Discard, srv.URL, false, 5*time.Second); err == nil || !strings.Contains(err.Error(), "503") {
		t.Fatalf("err = %v, want a 503 error", err)
	}
}
