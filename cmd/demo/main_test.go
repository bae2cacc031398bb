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

// categories of DESIGN.md §3 that the demo must cover.
var wantCategories = []string{
	"application_exception", "database_connection", "database_timeout", "database_query",
	"dependency_failure", "resource_exhaustion", "configuration_error", "security", "unknown",
}

func statusCode(sp ptrace.Span) int64 {
	v, ok := sp.Attributes().Get("http.response.status_code")
	if !ok {
		return 0
	}
	return v.Int()
}

func TestScenarios(t *testing.T) {
	scenarios := buildScenarios(time.Now())
	seen := map[string]bool{}
	traceIDs := map[pcommon.TraceID]bool{}
	healthy := 0
	for _, s := range scenarios {
		t.Run(s.Name, func(t *testing.T) {
			if traceIDs[s.TraceID] {
				t.Fatalf("trace id %s reused", s.TraceID)
			}
			traceIDs[s.TraceID] = true
			if len(s.Batches) == 0 {
				t.Fatal("no batches")
			}
			servers500, spans := 0, 0
			spanIDs := map[pcommon.SpanID]bool{}
			for _, td := range s.Batches {
				for i := 0; i < td.ResourceSpans().Len(); i++ {
					rs := td.ResourceSpans().At(i)
					for _, k := range []string{"service.name", "telemetry.sdk.name", "telemetry.sdk.language", "telemetry.sdk.version"} {
						if _, ok := rs.Resource().Attributes().Get(k); !ok {
							t.Errorf("resource attribute %s missing", k)
						}
					}
					for j := 0; j < rs.ScopeSpans().Len(); j++ {
						ss := rs.ScopeSpans().At(j)
						for k := 0; k < ss.Spans().Len(); k++ {
							sp := ss.Spans().At(k)
							spans++
							spanIDs[sp.SpanID()] = true
							if sp.TraceID() != s.TraceID {
								t.Errorf("span %q: trace id %s, want %s", sp.Name(), sp.TraceID(), s.TraceID)
							}
							if sp.EndTimestamp() < sp.StartTimestamp() {
								t.Errorf("span %q ends before it starts", sp.Name())
							}
							if sp.Kind() == ptrace.SpanKindServer && statusCode(sp) == 500 {
								servers500++
							}
						}
					}
				}
				if _, err := marshalRequest(td); err != nil {
					t.Fatalf("marshal: %v", err)
				}
			}
			// Every parent is in the trace.
			for _, td := range s.Batches {
				for i := 0; i < td.ResourceSpans().Len(); i++ {
					for j := 0; j < td.ResourceSpans().At(i).ScopeSpans().Len(); j++ {
						spansOf := td.ResourceSpans().At(i).ScopeSpans().At(j).Spans()
						for k := 0; k < spansOf.Len(); k++ {
							if p := spansOf.At(k).ParentSpanID(); !p.IsEmpty() && !spanIDs[p] {
								t.Errorf("span %q: parent %s not in the trace", spansOf.At(k).Name(), p)
							}
						}
					}
				}
			}
			if s.Expect == "" {
				healthy++
				if servers500 != 0 {
					t.Errorf("healthy trace has %d HTTP 500 server spans", servers500)
				}
			} else {
				seen[s.Expect] = true
				if servers500 == 0 {
					t.Errorf("no HTTP 500 server span")
				}
			}
			if spans == 0 {
				t.Error("no spans")
			}
		})
	}
	for _, c := range wantCategories {
		if !seen[c] {
			t.Errorf("no scenario for category %s", c)
		}
	}
	if healthy < 2 {
		t.Errorf("%d healthy traces, want at least 2", healthy)
	}
}

func TestMarshalRoundTrip(t *testing.T) {
	for _, s := range buildScenarios(time.Now()) {
		for _, td := range s.Batches {
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
				t.Fatalf("%s: %d spans after round trip, want %d", s.Name, got.SpanCount(), td.SpanCount())
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
		" http://collector:4318 ":         "http://collector:4318/v1/traces",
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
	for _, s := range buildScenarios(time.Now()) {
		wantReq += len(s.Batches)
		for _, td := range s.Batches {
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
