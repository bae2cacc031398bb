package errordiagnosisprocessor

import (
	"context"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"
	"go.opentelemetry.io/collector/consumer/consumertest"
	"go.opentelemetry.io/collector/pdata/pcommon"
	"go.opentelemetry.io/collector/pdata/ptrace"
)

// TestBlind replays the traces of testdata/blind/<stack>/ (stacks the test
// bed does not run, captured by test/blind/<stack>/run.sh, labelled from the
// induced fault before the processor saw them; same format as
// testdata/realtraces) through NewFactory() with the default configuration,
// the whole trace in one batch and again one span per batch in reverse order,
// and logs per stack and overall the category macro-F1, the accuracy
// (category and cause) and the coverage of the 500 server spans, and the
// spans outside them that changed.
//
// The score is a measurement, not a pass mark: the test fails only on a
// malformed fixture, a lost or added span, or a changed span that is no
// target. EDX_BLIND_MISSES=1 also logs each miss (`make blind` sets it).
func TestBlind(t *testing.T) {
	stacks, err := filepath.Glob(filepath.Join("testdata", "blind", "*"))
	require.NoError(t, err)
	if len(stacks) == 0 {
		t.Skip("no stacks under testdata/blind")
	}
	total := map[string]*blindScore{}
	var report []string
	for _, dir := range stacks {
		fixtures := blindFixtures(t, dir)
		for _, mode := range blindModes {
			sc := &blindScore{}
			for _, fx := range fixtures {
				sc.add(replayBlind(t, fx, mode.feed))
				sc.fixtures++
			}
			stack := filepath.Base(dir)
			report = append(report, sc.row(stack, mode.name))
			if total[mode.name] == nil {
				total[mode.name] = &blindScore{}
			}
			total[mode.name].merge(sc)
			if os.Getenv("EDX_BLIND_MISSES") != "" {
				for _, m := range sc.misses {
					t.Logf("miss %s %s: %s", stack, mode.name, m)
				}
			}
		}
	}
	for _, mode := range blindModes {
		report = append(report, total[mode.name].row("all", mode.name))
	}
	t.Logf("blind score (testdata/blind, default config)\n| stack | replay | traces | macro-F1 | accuracy | coverage | nothing else marked |\n|---|---|---|---|---|---|---|\n%s",
		strings.Join(report, "\n"))
}

// blindFixture is one captured trace and its labels.
type blindFixture struct {
	name   string
	traces ptrace.Traces
	labels realFixture
}

func blindFixtures(t *testing.T, dir string) []blindFixture {
	t.Helper()
	paths, err := filepath.Glob(filepath.Join(dir, "*.json"))
	require.NoError(t, err)
	var out []blindFixture
	for _, p := range paths {
		if strings.HasSuffix(p, ".expected.json") {
			continue
		}
		fx := blindFixture{name: strings.TrimSuffix(p, ".json"), traces: readOTLPJSONLines(t, p)}
		eb, err := os.ReadFile(fx.name + ".expected.json")
		require.NoError(t, err, "every fixture has its .expected.json")
		require.NoError(t, json.Unmarshal(eb, &fx.labels), fx.name)
		for id, l := range fx.labels.Spans {
			require.NotEmpty(t, l.Category, "%s: span %s has no expected category", fx.name, id)
			require.NotEmpty(t, l.Cause, "%s: span %s has no expected cause", fx.name, id)
		}
		out = append(out, fx)
	}
	require.NotEmpty(t, out, "%s holds no fixture", dir)
	return out
}

// blindModes are the two ways a fixture reaches the processor.
var blindModes = []struct {
	name string
	feed func(ptrace.Traces) []ptrace.Traces
}{
	{"whole", func(td ptrace.Traces) []ptrace.Traces { return []ptrace.Traces{td} }},
	{"reverse-single-span", reverseSingleSpans},
}

// reverseSingleSpans splits td into one batch per span, each under a copy of
// its resource and scope, the last span first.
func reverseSingleSpans(td ptrace.Traces) []ptrace.Traces {
	var out []ptrace.Traces
	for i := 0; i < td.ResourceSpans().Len(); i++ {
		rs := td.ResourceSpans().At(i)
		for j := 0; j < rs.ScopeSpans().Len(); j++ {
			ss := rs.ScopeSpans().At(j)
			for k := 0; k < ss.Spans().Len(); k++ {
				b := ptrace.NewTraces()
				r := b.ResourceSpans().AppendEmpty()
				rs.Resource().CopyTo(r.Resource())
				r.SetSchemaUrl(rs.SchemaUrl())
				s := r.ScopeSpans().AppendEmpty()
				ss.Scope().CopyTo(s.Scope())
				s.SetSchemaUrl(ss.SchemaUrl())
				ss.Spans().At(k).CopyTo(s.Spans().AppendEmpty())
				out = append(out, b)
			}
		}
	}
	for i, j := 0, len(out)-1; i < j; i, j = i+1, j-1 {
		out[i], out[j] = out[j], out[i]
	}
	return out
}

// blindOutcome is what one replay of one fixture gave.
type blindOutcome struct {
	scored    []scoredSpan
	exact     int // category and cause as labelled
	diagnosed int // targets with any diagnosis.category
	others    int // spans that are no target, all unchanged (a change fails the test)
	misses    []string
}

// replayBlind feeds the batches of fx to a processor of the default
// configuration and compares what comes out with the labels. A malformed
// fixture, a span lost or added, or a changed non-target span fails t.
func replayBlind(t *testing.T, fx blindFixture, feed func(ptrace.Traces) []ptrace.Traces) blindOutcome {
	t.Helper()
	before := map[pcommon.SpanID]ptrace.Span{}
	keep := ptrace.NewTraces()
	fx.traces.CopyTo(keep)
	forEachSpan(keep, func(_ ptrace.ResourceSpans, s ptrace.Span) { before[s.SpanID()] = s })

	sink := &consumertest.TracesSink{}
	p := newTestProcessor(t, defaultConfig(), sink)
	in := ptrace.NewTraces()
	fx.traces.CopyTo(in)
	for _, b := range feed(in) {
		require.NoError(t, p.ConsumeTraces(context.Background(), b))
	}
	require.NoError(t, p.Shutdown(context.Background()))

	var o blindOutcome
	out, seen := 0, map[string]bool{}
	for _, td := range sink.AllTraces() {
		out += td.SpanCount()
		forEachSpan(td, func(_ ptrace.ResourceSpans, s ptrace.Span) {
			id := s.SpanID().String()
			orig, ok := before[s.SpanID()]
			require.True(t, ok, "%s: span %s came out but did not go in", fx.name, id)
			label, labelled := fx.labels.Spans[id]
			if !isBlindTarget(s) {
				require.False(t, labelled, "%s: span %s (%s) is labelled but is no 500 server span", fx.name, id, s.Name())
				o.others++
				require.Equal(t, orig.Attributes().AsRaw(), s.Attributes().AsRaw(), "%s: non-target span %s (%s) changed", fx.name, id, s.Name())
				return
			}
			require.True(t, labelled, "%s: 500 server span %s (%s) has no label", fx.name, id, s.Name())
			seen[id] = true
			get := func(k string) string {
				if v, ok := s.Attributes().Get("diagnosis." + k); ok {
					return v.AsString()
				}
				return ""
			}
			o.scored = append(o.scored, scoredSpan{label.Category, get("category")})
			if get("category") != "" {
				o.diagnosed++
			}
			got, want := get("category")+"/"+get("cause"), label.Category+"/"+label.Cause
			if got == want {
				o.exact++
			} else {
				o.misses = append(o.misses, fmt.Sprintf("%s span %s (%s of %s): expected %s, got %s (rule %s)",
					filepath.Base(fx.name), id, s.Name(), label.Service, want, got, get("rule")))
			}
		})
	}
	require.Equal(t, keep.SpanCount(), out, "%s: spans in == spans out", fx.name)
	for id := range fx.labels.Spans {
		require.True(t, seen[id], "%s: labelled span %s is not in the fixture", fx.name, id)
	}
	return o
}

// isBlindTarget: a SERVER span answered with HTTP 500 (either convention,
// int or string), the default targets.
func isBlindTarget(s ptrace.Span) bool {
	status, ok := s.Attributes().Get("http.response.status_code")
	if !ok {
		status, ok = s.Attributes().Get("http.status_code")
	}
	return ok && s.Kind() == ptrace.SpanKindServer && status.AsString() == "500"
}

// blindScore adds up the outcomes of one stack (or all) in one mode.
type blindScore struct {
	blindOutcome
	fixtures int
}

func (b *blindScore) add(o blindOutcome) {
	b.scored = append(b.scored, o.scored...)
	b.exact += o.exact
	b.diagnosed += o.diagnosed
	b.others += o.others
	b.misses = append(b.misses, o.misses...)
}

func (b *blindScore) merge(o *blindScore) {
	b.add(o.blindOutcome)
	b.fixtures += o.fixtures
}

func (b *blindScore) row(stack, mode string) string {
	n := len(b.scored)
	return fmt.Sprintf("| %s | %s | %d | %.3f | %d/%d (%.3f) | %d/%d (%.3f) | %d/%d unchanged |",
		stack, mode, b.fixtures, macroF1(b.scored), b.exact, n, ratio(b.exact, n), b.diagnosed, n, ratio(b.diagnosed, n),
		b.others, b.others)
}

func ratio(a, n int) float64 {
	if n == 0 {
		return 1
	}
	return float64(a) / float64(n)
}

// TestBlindScoreArithmetic: the report's figures from known outcomes.
func TestBlindScoreArithmetic(t *testing.T) {
	sc := blindScore{fixtures: 2}
	sc.add(blindOutcome{scored: []scoredSpan{{"a", "a"}, {"b", "a"}}, exact: 1, diagnosed: 2, others: 5})
	sc.add(blindOutcome{scored: []scoredSpan{{"b", ""}}, diagnosed: 0, others: 3})
	var all blindScore
	all.merge(&sc)
	all.merge(&sc)
	require.Equal(t, "| s | whole | 2 | 0.222 | 1/3 (0.333) | 2/3 (0.667) | 8/8 unchanged |", sc.row("s", "whole"))
	require.Equal(t, 4, all.fixtures)
	require.Len(t, all.scored, 6)

	td := ptrace.NewTraces()
	for _, svc := range []string{"a", "b"} {
		rs := td.ResourceSpans().AppendEmpty()
		rs.Resource().Attributes().PutStr("service.name", svc)
		ss := rs.ScopeSpans().AppendEmpty()
		for _, n := range []string{"1", "2"} {
			ss.Spans().AppendEmpty().SetName(svc + n)
		}
	}
	var names []string
	for _, b := range reverseSingleSpans(td) {
		require.Equal(t, 1, b.SpanCount())
		svc, _ := b.ResourceSpans().At(0).Resource().Attributes().Get("service.name")
		names = append(names, svc.Str()+":"+b.ResourceSpans().At(0).ScopeSpans().At(0).Spans().At(0).Name())
	}
	require.Equal(t, []string{"b:b2", "b:b1", "a:a2", "a:a1"}, names)
}
