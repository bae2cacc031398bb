package errordiagnosisprocessor

import (
	"context"
	"slices"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"go.opentelemetry.io/collector/consumer/consumertest"
	"go.opentelemetry.io/collector/pdata/pcommon"
	"go.opentelemetry.io/collector/pdata/ptrace"
	"go.opentelemetry.io/collector/processor/processortest"

	"github.com/errordiagnosis/errordiagnosisprocessor/internal/metadata"
	"github.com/errordiagnosis/errordiagnosisprocessor/internal/testtraces"
)

// versioned returns a trace of one span of service cart at version (no
// service.version when ""), answering route with status.
func versioned(seed uint64, version, route string, status int) ptrace.Traces {
	td := testtraces.Build(testtraces.Server("cart", "go", "GET", route, status), testtraces.Options{Seed: seed})
	attrs := td.ResourceSpans().At(0).Resource().Attributes()
	attrs.Remove("service.version")
	if version != "" {
		attrs.PutStr("service.version", version)
	}
	return td
}

// firstSeen is what a diagnosed span says of its error group.
type firstSeen struct {
	FirstSeen, Version string
	Regression         bool
	Occurrences        int64
	Present            []string // which of the four attributes are on the span
}

func firstSeenOf(t *testing.T, td ptrace.Traces, prefix string) firstSeen {
	t.Helper()
	var out firstSeen
	n := 0
	forEachSpan(td, func(_ ptrace.ResourceSpans, span ptrace.Span) {
		if _, ok := span.Attributes().Get(prefix + "category"); !ok {
			return
		}
		n++
		a := span.Attributes()
		for _, k := range []string{"first_seen", "first_seen.version", "regression", "occurrences"} {
			if _, ok := a.Get(prefix + k); ok {
				out.Present = append(out.Present, k)
			}
		}
		if v, ok := a.Get(prefix + "first_seen"); ok {
			out.FirstSeen = v.Str()
		}
		if v, ok := a.Get(prefix + "first_seen.version"); ok {
			out.Version = v.Str()
		}
		if v, ok := a.Get(prefix + "regression"); ok {
			require.Equal(t, pcommon.ValueTypeBool, v.Type())
			out.Regression = v.Bool()
		}
		if v, ok := a.Get(prefix + "occurrences"); ok {
			require.Equal(t, pcommon.ValueTypeInt, v.Type())
			out.Occurrences = v.Int()
		}
	})
	require.Equal(t, 1, n, "one diagnosed span")
	return out
}

var allFour = []string{"first_seen", "first_seen.version", "regression", "occurrences"}

// newClockedDiagnoser returns a diagnoser on the clock *clock, not started
// (the test releases held spans with releaseDue), feeding sink.
func newClockedDiagnoser(t *testing.T, cfg *Config, sink *consumertest.TracesSink, clock *time.Time) *diagnoser {
	t.Helper()
	require.NoError(t, cfg.Validate())
	d, err := newDiagnoser(processortest.NewNopSettings(metadata.Type), cfg)
	require.NoError(t, err)
	d.out.next = sink
	d.now = func() time.Time { return *clock }
	return d
}

// TestFirstSeenAndRegression: the registry's attributes over a deploy, in
// both modes: A first seen in 1.0 is new; after 1.1 appeared (healthy
// traffic), B first seen in 1.1 is a regression and A is still not.
func TestFirstSeenAndRegression(t *testing.T) {
	for _, mode := range []struct {
		name string
		cfg  *Config
	}{{"per batch", perBatchConfig()}, {"cross batch", defaultConfig()}} {
		t.Run(mode.name, func(t *testing.T) {
			sink := &consumertest.TracesSink{}
			clock := time.Date(2026, 12, 2, 6, 10, 0, 0, time.UTC)
			d := newClockedDiagnoser(t, mode.cfg, sink, &clock)
			ctx := context.Background()
			send := func(td ptrace.Traces) ptrace.Traces {
				t.Helper()
				before, n := sink.SpanCount(), td.SpanCount()
				consume(t, d, sink, td)
				if sink.SpanCount() == before { // held: released when its wait is over
					clock = clock.Add(mode.cfg.WaitDuration + time.Second)
					d.releaseDue(ctx)
				}
				require.Equal(t, before+n, sink.SpanCount(), "spans in == spans out")
				return sink.AllTraces()[len(sink.AllTraces())-1]
			}

			got := firstSeenOf(t, send(versioned(1, "1.0", "/a", 500)), "diagnosis.")
			// When it was diagnosed: held spans are diagnosed after their wait.
			first := clock.Format(time.RFC3339)
			assert.Equal(t, firstSeen{first, "1.0", false, 1, allFour}, got, "A: new in the first version")
			clock = clock.Add(time.Minute)
			got = firstSeenOf(t, send(versioned(2, "1.0", "/a", 500)), "diagnosis.")
			assert.Equal(t, firstSeen{first, "1.0", false, 2, allFour}, got)

			clock = clock.Add(time.Hour)
			send(versioned(3, "1.1", "/a", 200)) // the deploy: 1.1 appears, healthy
			clock = clock.Add(time.Minute)
			b := firstSeenOf(t, send(versioned(4, "1.1", "/b", 500)), "diagnosis.")
			assert.True(t, b.Regression, "B first seen in 1.1, which came after 1.0")
			assert.Equal(t, "1.1", b.Version)
			assert.Equal(t, int64(1), b.Occurrences)
			a := firstSeenOf(t, send(versioned(5, "1.1", "/a", 500)), "diagnosis.")
			assert.Equal(t, firstSeen{first, "1.0", false, 3, allFour}, a, "A was there before the deploy")
			require.NoError(t, d.shutdown(ctx))
		})
	}
}

// TestNoServiceVersion: without service.version no version is written and
// nothing is a regression.
func TestNoServiceVersion(t *testing.T) {
	sink := &consumertest.TracesSink{}
	d := newTestDiagnoser(t, perBatchConfig(), sink)
	consume(t, d, sink, versioned(1, "1.0", "/x", 200))
	consume(t, d, sink, versioned(2, "", "/a", 500))
	got := firstSeenOf(t, sink.AllTraces()[1], "diagnosis.")
	assert.False(t, got.Regression)
	assert.Equal(t, []string{"first_seen", "regression", "occurrences"}, got.Present)
	require.NoError(t, d.shutdown(context.Background()))
}

// TestRegistryAttributesOverwrite: attributes already on the span (an
// earlier tier's) are kept unless overwrite; the prefix applies.
func TestRegistryAttributesOverwrite(t *testing.T) {
	earlier := func() ptrace.Traces {
		td := versioned(1, "1.0", "/a", 500)
		a := td.ResourceSpans().At(0).ScopeSpans().At(0).Spans().At(0).Attributes()
		a.PutStr("triage.first_seen", "2020-01-01T00:00:00Z")
		a.PutBool("triage.regression", true)
		a.PutInt("triage.occurrences", 99)
		return td
	}
	for _, overwrite := range []bool{false, true} {
		cfg := perBatchConfig()
		cfg.AttributePrefix = "triage."
		cfg.Overwrite = overwrite
		sink := &consumertest.TracesSink{}
		clock := time.Date(2026, 12, 2, 6, 10, 0, 0, time.UTC)
		d := newClockedDiagnoser(t, cfg, sink, &clock)
		consume(t, d, sink, earlier())
		got := firstSeenOf(t, sink.AllTraces()[0], "triage.")
		if overwrite {
			assert.Equal(t, firstSeen{"2026-12-02T06:10:00Z", "1.0", false, 1, allFour}, got)
		} else {
			assert.Equal(t, firstSeen{"2020-01-01T00:00:00Z", "1.0", true, 99, allFour}, got)
		}
		require.NoError(t, d.shutdown(context.Background()))
	}
}

// serversOf is the scan's count of the server spans of each ResourceSpans
// of td.
func serversOf(d *diagnoser, td ptrace.Traces) []int {
	s := d.engine.Scan(td)
	defer d.engine.Recycle(s, nil)
	return slices.Clone(s.Servers())
}

// TestObserveVersionsAllocatesNothing: learning the versions of a batch
// whose versions are known, and counting its requests, allocates nothing.
func TestObserveVersionsAllocatesNothing(t *testing.T) {
	d, err := newDiagnoser(processortest.NewNopSettings(metadata.Type), perBatchConfig())
	require.NoError(t, err)
	td := versioned(1, "1.0", "/x", 200)
	versioned(2, "1.1", "/x", 200).ResourceSpans().MoveAndAppendTo(td.ResourceSpans())
	servers := serversOf(d, td)
	require.Equal(t, []int{1, 1}, servers)
	d.registry.observeVersions(td, servers)
	assert.Zero(t, testing.AllocsPerRun(1000, func() { d.registry.observeVersions(td, servers) }))
}

// TestScanCountsServerSpans: the scan counts the SERVER spans of each
// ResourceSpans, and only those: the requests of the registry.
func TestScanCountsServerSpans(t *testing.T) {
	d, err := newDiagnoser(processortest.NewNopSettings(metadata.Type), perBatchConfig())
	require.NoError(t, err)
	td := versioned(1, "1.0", "/x", 200)
	rs := td.ResourceSpans().AppendEmpty()
	spans := rs.ScopeSpans().AppendEmpty().Spans()
	for _, k := range []ptrace.SpanKind{ptrace.SpanKindServer, ptrace.SpanKindClient, ptrace.SpanKindServer, ptrace.SpanKindInternal} {
		spans.AppendEmpty().SetKind(k)
	}
	td.ResourceSpans().AppendEmpty() // no spans
	assert.Equal(t, []int{1, 2, 0}, serversOf(d, td))
}

// BenchmarkObserveVersions: the registry's cost on the hot path, per
// ResourceSpans whose version is known (make bench-unit).
func BenchmarkObserveVersions(b *testing.B) {
	d, err := newDiagnoser(processortest.NewNopSettings(metadata.Type), perBatchConfig())
	require.NoError(b, err)
	td := versioned(1, "1.0", "/x", 200)
	servers := serversOf(d, td)
	d.registry.observeVersions(td, servers)
	b.ReportAllocs()
	for range b.N {
		d.registry.observeVersions(td, servers)
	}
}
