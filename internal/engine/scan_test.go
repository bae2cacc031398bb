package engine

import (
	"context"
	"slices"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"go.opentelemetry.io/collector/pdata/pcommon"
	"go.opentelemetry.io/collector/pdata/ptrace"

	"github.com/errordiagnosis/errordiagnosisprocessor/internal/diagnosis"
	"github.com/errordiagnosis/errordiagnosisprocessor/internal/testtraces"
)

// TestScan: the marks are the targets and the error-ish spans, in batch
// order; the runs cover every span once, cut where the trace changes; the
// SERVER spans are counted per resource.
func TestScan(t *testing.T) {
	type mark struct {
		name             string
		target, errorish bool
	}
	healthy := testtraces.Server("shop", "go", "GET", "/", 200, testtraces.Internal("render"))
	for _, tc := range []struct {
		name    string
		td      func() ptrace.Traces
		marks   []mark
		runs    int
		servers []int
	}{
		{"healthy", func() ptrace.Traces { return testtraces.Build(healthy, testtraces.Options{Seed: 1}) },
			nil, 1, []int{1}},
		{"a 500 and its failed query", func() ptrace.Traces { return dbDown(1) },
			[]mark{{"SELECT carts", false, true}, {"GET /cart", true, true}}, 2, []int{1}},
		{"two traces of one service, one scope", func() ptrace.Traces {
			td := testtraces.Build(healthy, testtraces.Options{Seed: 1})
			testtraces.AppendTo(td, healthy, testtraces.Options{Seed: 2})
			return td
		}, nil, 2, []int{2}},
		{"a 503 is not a target but is error-ish", func() ptrace.Traces {
			return testtraces.Build(testtraces.Server("shop", "go", "GET", "/", 503), testtraces.Options{Seed: 1})
		}, []mark{{"GET /", false, true}}, 1, []int{1}},
		{"a client's 500 is not a target", func() ptrace.Traces {
			return testtraces.Build(testtraces.Server("shop", "go", "GET", "/", 200,
				testtraces.HTTPClient("payments", "POST", "/pay", 500)), testtraces.Options{Seed: 1})
		}, []mark{{"POST", false, true}}, 2, []int{1}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			td := tc.td()
			s := &Scan{}
			s.scan(td, serverTargets())
			var got []mark
			for _, m := range s.marks {
				got = append(got, mark{SpanAt(td, m.SpanPos).Name(), m.target, m.errorish})
			}
			assert.Equal(t, tc.marks, got)
			assert.Len(t, s.runs, tc.runs)
			assert.Equal(t, tc.servers, s.Servers())
			covered := 0
			for _, r := range s.runs {
				spans := td.ResourceSpans().At(int(r.rs)).ScopeSpans().At(int(r.ss)).Spans()
				for k := r.start; k < r.end; k++ {
					assert.Equal(t, r.bucket, bucketOf(spans.At(int(k)).TraceID()), "a run is one bucket")
					covered++
				}
			}
			assert.Equal(t, td.SpanCount(), covered, "the runs cover every span once")
		})
	}
}

// TestScanHealthyAllocatesNothing: the hot path of healthy traffic.
func TestScanHealthyAllocatesNothing(t *testing.T) {
	e, _ := testEngine(10)
	td := testtraces.Build(testtraces.Server("shop", "go", "GET", "/", 200, testtraces.Internal("render")), testtraces.Options{Seed: 1})
	e.Recycle(e.Scan(td), nil) // the spare scan's buffers grown
	allocs := testing.AllocsPerRun(50, func() { e.Recycle(e.Scan(td), nil) })
	assert.Zero(t, allocs)
}

// TestScansReuse: a scan given back is handed out again, emptied and
// holding no evidence text; a second concurrent caller gets one of its own.
func TestScansReuse(t *testing.T) {
	var p scans
	first := p.get()
	td := dbDown(1)
	first.scan(td, serverTargets())
	first.prepare(context.Background(), td, noRules{})
	require.NotEmpty(t, first.marks)
	require.NotEmpty(t, first.items)
	items := first.items[:cap(first.items)]
	second := p.get()
	assert.NotSame(t, first, second, "taken: a concurrent call gets its own")
	p.put(first)
	again := p.get()
	assert.Same(t, first, again)
	assert.Empty(t, again.marks)
	assert.Empty(t, again.runs)
	assert.Empty(t, again.items)
	assert.Empty(t, again.servers)
	for i := range items {
		assert.Zero(t, items[i], "the spare keeps no evidence text of its batch")
	}
}

// TestScansConcurrentReuse: scans given back by concurrent calls are all
// kept, up to maxSpares, and handed out again; beyond, one is dropped.
func TestScansConcurrentReuse(t *testing.T) {
	var p scans
	taken := make([]*Scan, maxSpares+1)
	for i := range taken {
		taken[i] = p.get()
		for j := range i {
			require.NotSame(t, taken[j], taken[i], "each concurrent call gets its own")
		}
	}
	for _, s := range taken {
		p.put(s)
	}
	// By identity: an empty scan equals another one.
	isTaken := func(s *Scan) bool { return slices.Contains(taken, s) }
	kept := map[*Scan]bool{}
	for range maxSpares {
		s := p.get()
		assert.True(t, isTaken(s), "a scan given back is handed out again")
		kept[s] = true
	}
	assert.Len(t, kept, maxSpares)
	assert.False(t, isTaken(p.get()), "the spares are full: the last one given back was dropped")
}

// TestPrepare: the marked spans are read, a server's own 5xx status is not
// evidence, malformed spans are left alone, and each item is matched: by
// the user rule its span matched, else by the tables.
func TestPrepare(t *testing.T) {
	userMatch := diagnosis.Match{Category: diagnosis.ConfigurationError, Cause: "feature_flag", Rule: "flags", Strength: diagnosis.StrengthUser, UserRule: 1}
	for _, tc := range []struct {
		name  string
		td    func() ptrace.Traces
		rules Rules
		span  string
		read  bool
		items int
		match diagnosis.Match // of the first item, when items > 0
	}{
		{"a failed query, by the tables", func() ptrace.Traces { return dbDown(1) }, noRules{}, "SELECT carts", true, 1,
			diagnosis.Match{Category: diagnosis.DatabaseConnection, Cause: "connection_refused"}},
		{"a bare 500's own status is no evidence", func() ptrace.Traces { return bare500(1) }, noRules{}, "GET /cart", true, 0, diagnosis.Match{}},
		{"a user rule decides its span's items", func() ptrace.Traces { return dbDown(1) }, namedRule{"SELECT carts", userMatch}, "SELECT carts", true, 1, userMatch},
		{"a target a user rule matches is read", func() ptrace.Traces {
			return testtraces.Build(testtraces.Server("shop", "go", "GET", "/", 500).Failed("flag off"), testtraces.Options{Seed: 1})
		}, namedRule{"GET /", userMatch}, "GET /", true, 1, userMatch},
		{"malformed: no trace id", func() ptrace.Traces {
			td := dbDown(1)
			testtraces.ForEachSpan(td, func(_, _, _ int, _ ptrace.ResourceSpans, sp ptrace.Span) { sp.SetTraceID(pcommon.TraceID{}) })
			return td
		}, noRules{}, "SELECT carts", false, 0, diagnosis.Match{}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			td := tc.td()
			s := scanned(td, tc.rules)
			m := markOf(t, td, s, tc.span)
			assert.Equal(t, tc.read, m.read)
			items := s.evidenceOf(m)
			require.Len(t, items, tc.items)
			if tc.items > 0 {
				got := items[0].Match
				if tc.match.Rule == "" {
					got.Rule, got.Strength = "", 0 // the table row is the tables' business
				}
				assert.Equal(t, tc.match, got)
			}
		})
	}
}

// TestMatchItems: a known user rule decides; an unknown one, or none,
// leaves the decision to the tables.
func TestMatchItems(t *testing.T) {
	userMatch := diagnosis.Match{Category: diagnosis.Security, Cause: "blocked", Rule: "waf", Strength: diagnosis.StrengthUser, UserRule: 1}
	refused := diagnosis.Evidence{Kind: diagnosis.KindDB, DBSystem: "postgresql", StatusError: true, StatusMessage: "dial tcp 10.0.0.5:5432: connect: connection refused"}
	for _, tc := range []struct {
		name string
		rule diagnosis.UserRule
		want diagnosis.Category
	}{
		{"user rule", 1, diagnosis.Security},
		{"unknown user rule", 2, diagnosis.DatabaseConnection},
		{"none", diagnosis.NoUserRule, diagnosis.DatabaseConnection},
	} {
		t.Run(tc.name, func(t *testing.T) {
			items := []diagnosis.Evidence{refused}
			items[0].UserRule = tc.rule
			MatchItems(items, namedRule{match: userMatch})
			assert.Equal(t, tc.want, items[0].Match.Category)
		})
	}
}
