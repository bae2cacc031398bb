package errordiagnosisprocessor

import (
	"context"
	"encoding/json"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"
	"go.opentelemetry.io/collector/consumer/consumertest"
	"go.opentelemetry.io/collector/pdata/pcommon"
	"go.opentelemetry.io/collector/pdata/ptrace"
)

// realFixture is one trace captured from a real instrumentation in the test
// bed (test/integration, EDX_CAPTURE): testdata/realtraces/<language>/<case>.json
// holds the trace as the services sent it, OTLP JSON as the file exporter
// writes it (one request per line); <case>.expected.json the expected
// diagnosis of every HTTP 500 server span, by span id.
type realFixture struct {
	Case  string `json:"case"`
	Spans map[string]struct {
		Service           string `json:"service"`
		Category          string `json:"category"`
		Cause             string `json:"cause"`
		RootCauseCategory string `json:"root_cause_category"`
		RootCauseService  string `json:"root_cause_service"`
	} `json:"spans"`
}

// TestRealTraces replays every fixture of testdata/realtraces/*/ through the
// factory's processor with the default configuration (what users run; the
// held 500 spans are released by the shutdown drain): every 500 server span
// gets its expected category and cause, and root cause where one is
// expected (calls between services), every other span comes
// out unchanged, spans in == spans out. It reports the category macro-F1
// over all fixtures.
func TestRealTraces(t *testing.T) {
	paths, err := filepath.Glob(filepath.Join("testdata", "realtraces", "*", "*.json"))
	require.NoError(t, err)
	var inputs []string
	for _, p := range paths {
		if !strings.HasSuffix(p, ".expected.json") {
			inputs = append(inputs, p)
		}
	}
	if len(inputs) == 0 {
		t.Skip("no fixtures under testdata/realtraces")
	}
	var scored []scoredSpan
	for _, in := range inputs {
		name := strings.TrimPrefix(strings.TrimSuffix(in, ".json"), filepath.Join("testdata", "realtraces")+string(filepath.Separator))
		t.Run(name, func(t *testing.T) {
			var fx realFixture
			eb, err := os.ReadFile(strings.TrimSuffix(in, ".json") + ".expected.json")
			require.NoError(t, err, "every fixture has its .expected.json")
			require.NoError(t, json.Unmarshal(eb, &fx))

			td := readOTLPJSONLines(t, in)
			before := map[pcommon.SpanID]ptrace.Span{}
			inCopy := ptrace.NewTraces()
			td.CopyTo(inCopy)
			forEachSpan(inCopy, func(_ ptrace.ResourceSpans, s ptrace.Span) { before[s.SpanID()] = s })

			sink := &consumertest.TracesSink{}
			p := newTestProcessor(t, defaultConfig(), sink)
			require.NoError(t, p.ConsumeTraces(context.Background(), td))
			require.NoError(t, p.Shutdown(context.Background()))

			out := 0
			seen := map[string]bool{}
			for _, o := range sink.AllTraces() {
				out += o.SpanCount()
				forEachSpan(o, func(_ ptrace.ResourceSpans, s ptrace.Span) {
					id := s.SpanID().String()
					orig, ok := before[s.SpanID()]
					require.True(t, ok, "span %s came out but did not go in", id)
					status, ok := s.Attributes().Get("http.response.status_code")
					if !ok {
						status, ok = s.Attributes().Get("http.status_code")
					}
					target := ok && s.Kind() == ptrace.SpanKindServer && status.AsString() == "500"
					w, expected := fx.Spans[id]
					if !target {
						require.False(t, expected, "span %s (%s) is expected to be diagnosed but is no 500 server span", id, s.Name())
						require.Equal(t, orig.Attributes().AsRaw(), s.Attributes().AsRaw(), "non-target span %s (%s) changed", id, s.Name())
						return
					}
					seen[id] = true
					require.True(t, expected, "500 server span %s (%s) has no expectation", id, s.Name())
					get := func(k string) string {
						if v, ok := s.Attributes().Get("diagnosis." + k); ok {
							return v.AsString()
						}
						return ""
					}
					scored = append(scored, scoredSpan{w.Category, get("category")})
					// The root cause is asserted where the case table names one (calls between services).
					gotDiag, wantDiag := get("category")+"/"+get("cause"), w.Category+"/"+w.Cause
					if w.RootCauseCategory != "" {
						gotDiag += " root=" + get("root_cause.category") + "@" + get("root_cause.service")
						wantDiag += " root=" + w.RootCauseCategory + "@" + w.RootCauseService
					}
					if gotDiag != wantDiag {
						t.Errorf("%s (%s of %s): got %s, want %s; evidence %q (rule %s)", id, s.Name(), w.Service, gotDiag, wantDiag, get("evidence"), get("rule"))
					}
					// Only diagnosis.* attributes were added.
					raw := s.Attributes().AsRaw()
					for k := range raw {
						if strings.HasPrefix(k, "diagnosis.") {
							delete(raw, k)
						}
					}
					require.Equal(t, orig.Attributes().AsRaw(), raw, "target span %s changed outside diagnosis.*", id)
				})
			}
			require.Equal(t, inCopy.SpanCount(), out, "spans in == spans out")
			for id := range fx.Spans {
				require.True(t, seen[id], "expected 500 server span %s is not in the output", id)
			}
		})
	}
	t.Logf("category macro-F1 over %d diagnosed spans of %d fixtures: %.3f", len(scored), len(inputs), macroF1(scored))
}

// macroF1 is the unweighted mean over the categories (expected or predicted)
// of the per-category F1.
// scoredSpan is the expected and the given category of one diagnosed span.
type scoredSpan struct{ want, got string }

func macroF1(pairs []scoredSpan) float64 {
	tp, fp, fn := map[string]int{}, map[string]int{}, map[string]int{}
	cats := map[string]bool{}
	for _, q := range pairs {
		cats[q.want], cats[q.got] = true, true
		if q.want == q.got {
			tp[q.want]++
		} else {
			fn[q.want]++
			fp[q.got]++
		}
	}
	if len(cats) == 0 {
		return 1
	}
	names := make([]string, 0, len(cats))
	for c := range cats {
		names = append(names, c)
	}
	sort.Strings(names)
	sum := 0.0
	for _, c := range names {
		if d := 2*tp[c] + fp[c] + fn[c]; d > 0 {
			sum += float64(2*tp[c]) / float64(d)
		}
	}
	return sum / float64(len(names))
}

// TestRealTraceQueryAfterTarget: under the Java agent, HikariCP validated a
// connection the restarted PostgreSQL had closed (two failed JDBC spans,
// 57P01), took another, and the query on it ran into the statement timeout
// the server span recorded. When the query's span arrives after the server
// span, the validation failure must not decide at once: the decision waits,
// and the later query supersedes it.
func TestRealTraceQueryAfterTarget(t *testing.T) {
	td := readOTLPJSONLines(t, filepath.Join("testdata", "realtraces", "java", "java_pg_statement_timeout.json"))
	var server, query ptrace.Traces
	rest := ptrace.NewTraces()
	forEachSpan(td, func(rs ptrace.ResourceSpans, s ptrace.Span) {
		b := ptrace.NewTraces()
		r := b.ResourceSpans().AppendEmpty()
		rs.Resource().CopyTo(r.Resource())
		s.CopyTo(r.ScopeSpans().AppendEmpty().Spans().AppendEmpty())
		switch {
		case s.Kind() == ptrace.SpanKindServer:
			server = b
		case s.Name() == "SELECT shop.products":
			query = b
		default:
			b.ResourceSpans().MoveAndAppendTo(rest.ResourceSpans())
		}
	})
	require.Equal(t, 3, rest.SpanCount())
	sink := &consumertest.TracesSink{}
	p := newTestProcessor(t, defaultConfig(), sink)
	for _, b := range []ptrace.Traces{rest, server, query} {
		require.NoError(t, p.ConsumeTraces(context.Background(), b))
	}
	require.NoError(t, p.Shutdown(context.Background()))
	got := diagnoses(mergeTraces(sink.AllTraces()))
	require.Equal(t, map[string]string{"ledger-java": "database_timeout/statement_timeout"}, got)
}

func mergeTraces(all []ptrace.Traces) ptrace.Traces {
	out := ptrace.NewTraces()
	for _, td := range all {
		for i := 0; i < td.ResourceSpans().Len(); i++ {
			td.ResourceSpans().At(i).CopyTo(out.ResourceSpans().AppendEmpty())
		}
	}
	return out
}
