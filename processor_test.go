package errordiagnosisprocessor

import (
	"context"
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/open-telemetry/opentelemetry-collector-contrib/pkg/golden"
	"github.com/open-telemetry/opentelemetry-collector-contrib/pkg/pdatatest/ptracetest"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"go.opentelemetry.io/collector/component/componenttest"
	"go.opentelemetry.io/collector/consumer"
	"go.opentelemetry.io/collector/consumer/consumertest"
	"go.opentelemetry.io/collector/pdata/pcommon"
	"go.opentelemetry.io/collector/pdata/ptrace"
	"go.opentelemetry.io/collector/processor"
	"go.opentelemetry.io/collector/processor/processortest"

	"github.com/errordiagnosis/errordiagnosisprocessor/internal/metadata"
	"github.com/errordiagnosis/errordiagnosisprocessor/internal/testtraces"
)

var update = flag.Bool("update", false, "rewrite the golden files under testdata/golden")

// newClockedProcessor is newTestProcessor with the diagnoser's clock set to
// clock: the golden files' diagnosis.first_seen.
func newClockedProcessor(tb testing.TB, cfg *Config, next consumer.Traces, clock time.Time) processor.Traces {
	tb.Helper()
	require.NoError(tb, cfg.Validate())
	f := &factory{diagnosers: newSharedDiagnosers()}
	set := processortest.NewNopSettings(metadata.Type)
	p, err := f.createTraces(context.Background(), set, cfg, next)
	require.NoError(tb, err)
	f.diagnosers.byID[set.ID].d.now = func() time.Time { return clock }
	require.NoError(tb, p.Start(context.Background(), componenttest.NewNopHost()))
	return p
}

// goldenClock is the time of the golden files.
var goldenClock = time.Date(2026, 12, 2, 6, 10, 0, 0, time.UTC)

// TestGoldenScenarios replays the realistic scenarios through the processor
// in per-batch mode and compares with the reviewed golden output; the
// expected categories are also asserted directly from the scenario table.
func TestGoldenScenarios(t *testing.T) {
	for _, sc := range testtraces.Scenarios() {
		t.Run(sc.Name, func(t *testing.T) {
			inPath := filepath.Join("testdata", "golden", sc.Name, "input.yaml")
			wantPath := filepath.Join("testdata", "golden", sc.Name, "expected.yaml")
			if *update {
				require.NoError(t, os.MkdirAll(filepath.Dir(inPath), 0o750))
				require.NoError(t, golden.WriteTracesToFile(inPath, testtraces.Build(sc.Root, testtraces.Options{Seed: 1})))
			}
			input, err := golden.ReadTraces(inPath)
			require.NoError(t, err)

			sink := &consumertest.TracesSink{}
			p := newClockedProcessor(t, perBatchConfig(), sink, goldenClock)
			require.NoError(t, p.ConsumeTraces(context.Background(), input))
			require.NoError(t, p.Shutdown(context.Background()))
			require.Len(t, sink.AllTraces(), 1)
			got := sink.AllTraces()[0]

			assert.Equal(t, wantOrEmpty(sc.Want), diagnoses(got))
			if sc.WantRootCause != "" {
				assertRootCause(t, got, sc.WantRootCause)
			}
			if *update {
				require.NoError(t, golden.WriteTracesToFile(wantPath, got))
			}
			want, err := golden.ReadTraces(wantPath)
			require.NoError(t, err)
			require.NoError(t, ptracetest.CompareTraces(want, got))
		})
	}
}

func wantOrEmpty(m map[string]string) map[string]string {
	if m == nil {
		return map[string]string{}
	}
	return m
}

func assertRootCause(t *testing.T, td ptrace.Traces, want string) {
	t.Helper()
	found := false
	forEachSpan(td, func(_ ptrace.ResourceSpans, span ptrace.Span) {
		if v, ok := span.Attributes().Get("diagnosis.root_cause.category"); ok {
			found = true
			assert.Equal(t, want, v.Str())
		}
	})
	assert.True(t, found, "no span has diagnosis.root_cause.category")
}

// TestNoTargetsIsByteIdentical: a batch with no 500 passes through unchanged
// to the byte, in both modes.
func TestNoTargetsIsByteIdentical(t *testing.T) {
	for _, cfg := range []*Config{perBatchConfig(), defaultConfig()} {
		td := ptrace.NewTraces()
		for i, sc := range testtraces.Scenarios() {
			if sc.Want == nil {
				testtraces.AppendTo(td, sc.Root, testtraces.Options{Seed: uint64(i)})
			}
		}
		before, err := (&ptrace.ProtoMarshaler{}).MarshalTraces(td)
		require.NoError(t, err)
		sink := &consumertest.TracesSink{}
		p := newTestProcessor(t, cfg, sink)
		require.NoError(t, p.ConsumeTraces(context.Background(), td))
		require.NoError(t, p.Shutdown(context.Background()))
		require.Len(t, sink.AllTraces(), 1)
		after, err := (&ptrace.ProtoMarshaler{}).MarshalTraces(sink.AllTraces()[0])
		require.NoError(t, err)
		assert.Equal(t, before, after)
	}
}

// TestOnlyTargetsChange: every span but the 500 server spans is identical
// after processing, and spans in == spans out.
func TestOnlyTargetsChange(t *testing.T) {
	td := ptrace.NewTraces()
	for i, sc := range testtraces.Scenarios() {
		testtraces.AppendTo(td, sc.Root, testtraces.Options{Seed: uint64(i + 1)})
	}
	before := spansByID(cloneTraces(td))
	sink := &consumertest.TracesSink{}
	p := newTestProcessor(t, perBatchConfig(), sink)
	require.NoError(t, p.ConsumeTraces(context.Background(), td))
	require.NoError(t, p.Shutdown(context.Background()))
	after := spansByID(sink.AllTraces()[0])
	require.Len(t, after, len(before))
	targets := 0
	for id, b := range before {
		a, ok := after[id]
		require.True(t, ok, "span %s lost", id)
		status, _ := b.Attributes().Get("http.response.status_code")
		if b.Kind() == ptrace.SpanKindServer && status.Int() == 500 {
			targets++
			_, ok := a.Attributes().Get("diagnosis.category")
			assert.True(t, ok, "500 server span %s %q not diagnosed", id, b.Name())
			continue
		}
		assert.NoError(t, ptracetest.CompareSpan(b, a), "span %s %q changed", id, b.Name())
	}
	wantTargets := 0
	for _, sc := range testtraces.Scenarios() {
		wantTargets += len(sc.Want)
	}
	assert.Equal(t, wantTargets, targets)
}

func spansByID(td ptrace.Traces) map[string]ptrace.Span {
	out := map[string]ptrace.Span{}
	forEachSpan(td, func(_ ptrace.ResourceSpans, s ptrace.Span) { out[s.TraceID().String()+s.SpanID().String()] = s })
	return out
}

func TestAttributeContract(t *testing.T) {
	cfg := perBatchConfig()
	cfg.RunbookURLTemplate = "https://runbooks.example.com/{category}/{cause}?svc={service}"
	sink := &consumertest.TracesSink{}
	p := newTestProcessor(t, cfg, sink)
	sc := scenario(t, "go_pgx_statement_timeout")
	require.NoError(t, p.ConsumeTraces(context.Background(), testtraces.Build(sc.Root, testtraces.Options{Seed: 7})))
	span := targetSpans(sink.AllTraces()[0])[0]
	a := span.Attributes().AsRaw()
	assert.Equal(t, "database_timeout", a["diagnosis.category"])
	assert.Equal(t, "statement_timeout", a["diagnosis.cause"])
	assert.Equal(t, "medium", a["diagnosis.likelihood"])
	assert.Equal(t, "hard", a["diagnosis.fix.effort"])
	assert.Equal(t, "catalog", a["diagnosis.evidence.service"])
	assert.Equal(t, "https://runbooks.example.com/database_timeout/statement_timeout?svc=catalog", a["diagnosis.runbook.url"])
	assert.Regexp(t, `^[0-9a-f]{16}$`, a["diagnosis.fingerprint"])
	assert.Regexp(t, `^[0-9a-f]{16}$`, a["diagnosis.evidence.span_id"])
	assert.NotEqual(t, span.SpanID().String(), a["diagnosis.evidence.span_id"], "evidence is on the DB span")
	assert.Contains(t, a["diagnosis.evidence"], "statement timeout")
	assert.NotEmpty(t, a["diagnosis.rule"])
	conf, ok := a["diagnosis.confidence"].(float64)
	require.True(t, ok)
	assert.Greater(t, conf, 0.5)
	assert.LessOrEqual(t, conf, 1.0)
	require.NoError(t, p.Shutdown(context.Background()))
}

func TestExistingAttributesKeptUnlessOverwrite(t *testing.T) {
	for _, overwrite := range []bool{false, true} {
		t.Run(fmt.Sprint("overwrite=", overwrite), func(t *testing.T) {
			cfg := perBatchConfig()
			cfg.Overwrite = overwrite
			sc := scenario(t, "go_pgx_statement_timeout")
			td := testtraces.Build(sc.Root, testtraces.Options{Seed: 3})
			targetSpans(td)[0].Attributes().PutStr("diagnosis.category", "set_by_tier_one")
			sink := &consumertest.TracesSink{}
			p := newTestProcessor(t, cfg, sink)
			require.NoError(t, p.ConsumeTraces(context.Background(), td))
			got, _ := targetSpans(sink.AllTraces()[0])[0].Attributes().Get("diagnosis.category")
			if overwrite {
				assert.Equal(t, "database_timeout", got.Str())
			} else {
				assert.Equal(t, "set_by_tier_one", got.Str())
			}
			require.NoError(t, p.Shutdown(context.Background()))
		})
	}
}

func TestAttributePrefix(t *testing.T) {
	cfg := perBatchConfig()
	cfg.AttributePrefix = "triage."
	sink := &consumertest.TracesSink{}
	p := newTestProcessor(t, cfg, sink)
	sc := scenario(t, "bare_500")
	require.NoError(t, p.ConsumeTraces(context.Background(), testtraces.Build(sc.Root, testtraces.Options{})))
	a := targetSpans(sink.AllTraces()[0])[0].Attributes().AsRaw()
	assert.Equal(t, "unknown", a["triage.category"])
	assert.Equal(t, "no_evidence", a["triage.cause"])
	assert.NotContains(t, a, "triage.likelihood", "unknown has no likelihood")
	assert.NotContains(t, a, "diagnosis.category")
	require.NoError(t, p.Shutdown(context.Background()))
}

// TestTargetDetection covers docs/design.md §1: both status attribute names, int and
// string values, server spans and root spans of kind UNSPECIFIED only.
func TestTargetDetection(t *testing.T) {
	tests := []struct {
		name   string
		kind   ptrace.SpanKind
		root   bool
		attrs  map[string]any
		codes  []int
		target bool
	}{
		{"current name int", ptrace.SpanKindServer, true, map[string]any{"http.response.status_code": int64(500)}, nil, true},
		{"old name int", ptrace.SpanKindServer, true, map[string]any{"http.status_code": int64(500)}, nil, true},
		{"string value", ptrace.SpanKindServer, false, map[string]any{"http.response.status_code": "500"}, nil, true},
		{"double value", ptrace.SpanKindServer, false, map[string]any{"http.response.status_code": 500.0}, nil, true},
		{"current name wins", ptrace.SpanKindServer, false, map[string]any{"http.response.status_code": int64(200), "http.status_code": int64(500)}, nil, false},
		{"unspecified root", ptrace.SpanKindUnspecified, true, map[string]any{"http.response.status_code": int64(500)}, nil, true},
		{"unspecified child", ptrace.SpanKindUnspecified, false, map[string]any{"http.response.status_code": int64(500)}, nil, false},
		{"client span", ptrace.SpanKindClient, false, map[string]any{"http.response.status_code": int64(500)}, nil, false},
		{"internal span", ptrace.SpanKindInternal, true, map[string]any{"http.response.status_code": int64(500)}, nil, false},
		{"502 not by default", ptrace.SpanKindServer, true, map[string]any{"http.response.status_code": int64(502)}, nil, false},
		{"503 not by default", ptrace.SpanKindServer, true, map[string]any{"http.response.status_code": int64(503)}, nil, false},
		{"502 when listed", ptrace.SpanKindServer, true, map[string]any{"http.response.status_code": int64(502)}, []int{500, 502}, true},
		{"wrong type bool", ptrace.SpanKindServer, true, map[string]any{"http.response.status_code": true}, nil, false},
		{"garbage string", ptrace.SpanKindServer, true, map[string]any{"http.response.status_code": "5OO"}, nil, false},
		{"fractional double", ptrace.SpanKindServer, true, map[string]any{"http.response.status_code": 500.5}, nil, false},
		{"no status", ptrace.SpanKindServer, true, map[string]any{}, nil, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			cfg := perBatchConfig()
			if tt.codes != nil {
				cfg.StatusCodes = tt.codes
			}
			td := ptrace.NewTraces()
			span := td.ResourceSpans().AppendEmpty().ScopeSpans().AppendEmpty().Spans().AppendEmpty()
			span.SetTraceID(pcommon.TraceID{1, 2, 3})
			span.SetSpanID(pcommon.SpanID{4, 5, 6})
			if !tt.root {
				span.SetParentSpanID(pcommon.SpanID{7})
			}
			span.SetKind(tt.kind)
			require.NoError(t, span.Attributes().FromRaw(tt.attrs))
			sink := &consumertest.TracesSink{}
			p := newTestProcessor(t, cfg, sink)
			require.NoError(t, p.ConsumeTraces(context.Background(), td))
			_, diagnosed := sink.AllTraces()[0].ResourceSpans().At(0).ScopeSpans().At(0).Spans().At(0).Attributes().Get("diagnosis.category")
			assert.Equal(t, tt.target, diagnosed)
			require.NoError(t, p.Shutdown(context.Background()))
		})
	}
}

func TestGatewayStatusesWhenListed(t *testing.T) {
	cfg := perBatchConfig()
	cfg.StatusCodes = []int{500, 502, 503, 504}
	for status, want := range map[int]string{
		502: "dependency_failure/bad_upstream_response",
		503: "dependency_failure/service_unavailable",
		504: "dependency_failure/upstream_timeout",
	} {
		sink := &consumertest.TracesSink{}
		p := newTestProcessor(t, cfg, sink)
		root := testtraces.Server("edge-proxy", "go", "GET", "/api", status)
		require.NoError(t, p.ConsumeTraces(context.Background(), testtraces.Build(root, testtraces.Options{Seed: uint64(status)})))
		assert.Equal(t, map[string]string{"edge-proxy": want}, diagnoses(sink.AllTraces()[0]), "status %d", status)
		require.NoError(t, p.Shutdown(context.Background()))
	}
}

func TestUserRuleWins(t *testing.T) {
	cfg := perBatchConfig()
	cfg.Rules = []RuleConfig{{
		Name:      "payments-declined",
		Condition: `attributes["payment.outcome"] == "declined"`,
		Category:  "dependency_failure",
		Cause:     "payment_declined",
		Fix:       "Check the payment provider's status page.",
		FixEffort: "easy",
	}}
	root := testtraces.Server("payments", "java", "POST", "/pay", 500,
		testtraces.Internal("charge").Failed("boom", testtraces.Exception{Type: "java.lang.NullPointerException", Message: "x"}).With("payment.outcome", "declined"))
	sink := &consumertest.TracesSink{}
	p := newTestProcessor(t, cfg, sink)
	require.NoError(t, p.ConsumeTraces(context.Background(), testtraces.Build(root, testtraces.Options{})))
	a := targetSpans(sink.AllTraces()[0])[0].Attributes().AsRaw()
	assert.Equal(t, "dependency_failure", a["diagnosis.category"])
	assert.Equal(t, "payment_declined", a["diagnosis.cause"])
	assert.Equal(t, "user.payments-declined", a["diagnosis.rule"])
	assert.Equal(t, "Check the payment provider's status page.", a["diagnosis.fix"])
	assert.Equal(t, "easy", a["diagnosis.fix.effort"])
	require.NoError(t, p.Shutdown(context.Background()))
}

// TestEvidenceIsRedacted: a password in an exception message never reaches
// a diagnosis attribute.
func TestEvidenceIsRedacted(t *testing.T) {
	root := testtraces.Server("billing", "go", "GET", "/x", 500,
		testtraces.DB("postgresql", "SELECT", "t", "SELECT 1").Failed("failed to connect",
			testtraces.Exception{Type: "*pgconn.ConnectError", Message: "failed to connect to postgres://app:S3cr3tPassw0rd@db.internal:5432/shop: dial tcp 10.0.0.5:5432: connect: connection refused"}))
	sink := &consumertest.TracesSink{}
	p := newTestProcessor(t, perBatchConfig(), sink)
	require.NoError(t, p.ConsumeTraces(context.Background(), testtraces.Build(root, testtraces.Options{})))
	for k, v := range targetSpans(sink.AllTraces()[0])[0].Attributes().AsRaw() {
		if strings.HasPrefix(k, "diagnosis.") {
			assert.NotContains(t, fmt.Sprint(v), "S3cr3tPassw0rd", k)
		}
	}
	ev, _ := targetSpans(sink.AllTraces()[0])[0].Attributes().Get("diagnosis.evidence")
	assert.Contains(t, ev.Str(), "connection refused")
	assert.LessOrEqual(t, len([]rune(ev.Str())), 256)
	require.NoError(t, p.Shutdown(context.Background()))
}

var _ = time.Second
