package engine

import (
	"context"
	"slices"
	"testing"
	"time"

	"github.com/stretchr/testify/require"
	"go.opentelemetry.io/collector/pdata/pcommon"
	"go.opentelemetry.io/collector/pdata/ptrace"

	"github.com/errordiagnosis/errordiagnosisprocessor/internal/diagnosis"
	"github.com/errordiagnosis/errordiagnosisprocessor/internal/evidence"
	"github.com/errordiagnosis/errordiagnosisprocessor/internal/testtraces"
	"github.com/errordiagnosis/errordiagnosisprocessor/internal/tracecache"
)

// The package's test helpers: engines on a clock the test moves, the
// batches they are given, and what to read of a batch.

// testEngine holds across batches, on a clock the test moves.
func testEngine(maxTraces int) (*Engine, *time.Time) {
	clock := time.Date(2026, 12, 7, 0, 0, 0, 0, time.UTC)
	e := New(Config{
		WaitDuration: 5 * time.Second, EvidenceTTL: 30 * time.Second,
		MaxTraces: maxTraces, MaxHeldSpans: 100, MaxHeldBytes: 1 << 20, MaxEvidenceBytes: 1 << 20,
		Targets: evidence.NewTargetSpec([]int{500}, []string{"server"}),
		Rules:   noRules{},
		Now:     func() time.Time { return clock },
	})
	return e, &clock
}

// bare500 is a 500 with nothing to go on: it waits.
func bare500(seed uint64) ptrace.Traces {
	return testtraces.Build(testtraces.Server("shop", "go", "GET", "/cart", 500), testtraces.Options{Seed: seed})
}

// apply runs a batch through the engine and returns its outcome, copied
// out of the engine's buffers.
func apply(t *testing.T, e *Engine, td ptrace.Traces) (final, released, taken int, forgotten [ForgetReasons]int64, reasons []string) {
	t.Helper()
	scan := e.Scan(td)
	out := e.Apply(context.Background(), td, scan, nil)
	defer e.Recycle(scan, out)
	if out == nil {
		return 0, 0, 0, forgotten, nil
	}
	for _, r := range out.Released {
		reasons = append(reasons, r.Reason)
	}
	return len(out.Final), len(out.Released), len(out.Taken), out.Forgotten, reasons
}

// twoTraces is two traces of a server span and its child, each service in
// its own resource.
func twoTraces() ptrace.Traces {
	td := testtraces.Build(testtraces.Server("a", "go", "GET", "/a", 500, testtraces.Internal("a-child")), testtraces.Options{Seed: 1})
	testtraces.AppendTo(td, testtraces.Server("b", "go", "GET", "/b", 500, testtraces.Internal("b-child")), testtraces.Options{Seed: 2})
	return td
}

// posOf is the place of the span named name.
func posOf(t *testing.T, td ptrace.Traces, name string) SpanPos {
	t.Helper()
	var pos SpanPos
	found := false
	testtraces.ForEachSpan(td, func(i, j, k int, _ ptrace.ResourceSpans, sp ptrace.Span) {
		if sp.Name() == name {
			pos, found = At(i, j, k), true
		}
	})
	require.True(t, found, name)
	return pos
}

// without is names in order, but those of drop.
func without(names []string, drop ...string) []string {
	var out []string
	for _, n := range names {
		if !slices.Contains(drop, n) {
			out = append(out, n)
		}
	}
	return out
}

// namesOf lists the span names of td, in order.
func namesOf(td ptrace.Traces) []string {
	var out []string
	testtraces.ForEachSpan(td, func(_, _, _ int, _ ptrace.ResourceSpans, sp ptrace.Span) { out = append(out, sp.Name()) })
	return out
}

// noRules is a configuration without user rules.
type noRules struct{}

func (noRules) Match(context.Context, ptrace.ResourceSpans, ptrace.ScopeSpans, ptrace.Span) diagnosis.UserRule {
	return diagnosis.NoUserRule
}

func (noRules) MatchOf(diagnosis.UserRule) (diagnosis.Match, bool) { return diagnosis.Match{}, false }

// serverTargets are the default targets: 500s of server spans.
func serverTargets() *evidence.TargetSpec {
	return evidence.NewTargetSpec([]int{500}, []string{"server"})
}

// scanned is td scanned and prepared.
func scanned(td ptrace.Traces, rules Rules) *Scan {
	s := &Scan{}
	s.scan(td, serverTargets())
	s.prepare(context.Background(), td, rules)
	return s
}

// markOf is the mark of the span named name.
func markOf(t *testing.T, td ptrace.Traces, s *Scan, name string) *batchMark {
	t.Helper()
	for i := range s.marks {
		if SpanAt(td, s.marks[i].SpanPos).Name() == name {
			return &s.marks[i]
		}
	}
	require.Failf(t, "no mark", "%s", name)
	return nil
}

// namedRule is a configuration with one user rule, whose condition is the
// span's name; it decides match.
type namedRule struct {
	name  string
	match diagnosis.Match
}

func (r namedRule) Match(_ context.Context, _ ptrace.ResourceSpans, _ ptrace.ScopeSpans, sp ptrace.Span) diagnosis.UserRule {
	if sp.Name() == r.name {
		return 1
	}
	return diagnosis.NoUserRule
}

func (r namedRule) MatchOf(u diagnosis.UserRule) (diagnosis.Match, bool) {
	if u == 1 {
		return r.match, true
	}
	return diagnosis.Match{}, false
}

// dbDown is a 500 whose query was refused: final in its batch.
func dbDown(seed uint64) ptrace.Traces {
	return testtraces.Build(testtraces.Server("cart", "go", "GET", "/cart", 500,
		testtraces.DB("postgresql", "SELECT", "carts", "SELECT 1").Failed("dial tcp 10.0.0.5:5432: connect: connection refused")),
		testtraces.Options{Seed: seed})
}

// bucketOf is the bucket runs are cut by.
func bucketOf(id pcommon.TraceID) uint32 { return tracecache.Bucket24(id) }

// sharedCache is an evidence cache as Engine.New makes it, for ten traces
// of nodesPerTrace spans.
func sharedCache(nodesPerTrace int) *tracecache.Cache {
	const maxTraces = 10
	return tracecache.New(tracecache.Limits{
		MaxTraces: maxTraces, MaxNodesPerTrace: nodesPerTrace, MaxNodes: maxTraces * nodesPerTrace,
		MaxEvidenceNodes: maxEvidencePerTrace, MaxEvidencePerNode: maxEvidencePerNode, TTL: time.Minute,
	})
}

// spanNamed is the span named name.
func spanNamed(t *testing.T, td ptrace.Traces, name string) ptrace.Span {
	t.Helper()
	return SpanAt(td, posOf(t, td, name))
}

// scenario is the root of the testtraces scenario named name.
func scenario(t *testing.T, name string) *testtraces.Span {
	t.Helper()
	for _, sc := range testtraces.Scenarios() {
		if sc.Name == name {
			return sc.Root
		}
	}
	require.Failf(t, "no scenario", "%s", name)
	return nil
}

// withoutService removes the spans of service from td.
func withoutService(td ptrace.Traces, service string) ptrace.Traces {
	td.ResourceSpans().RemoveIf(func(rs ptrace.ResourceSpans) bool { return evidence.ServiceName(rs.Resource()) == service })
	return td
}

// applied runs a batch through the engine; its outcome (nil when none) is
// the test's, not given back.
func applied(e *Engine, td ptrace.Traces) *Outcome {
	return e.Apply(context.Background(), td, e.Scan(td), nil)
}
