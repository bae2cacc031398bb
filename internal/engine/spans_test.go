package engine

import (
	"runtime"
	"runtime/metrics"
	"testing"

	"go.opentelemetry.io/collector/pdata/ptrace"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/errordiagnosis/errordiagnosisprocessor/internal/holdqueue"
)

// TestHeldSpanRoundTrip: a span moved out of its batch, held as pdata or
// encoded, comes back as itself with its resource and scope; a
// byte-identical copy of it is the same span, another is not; RemoveSpans
// drops the emptied place.
func TestHeldSpanRoundTrip(t *testing.T) {
	for _, c := range []struct {
		name string
		hold func(ptrace.Traces, SpanPos) *holdqueue.Held
	}{
		{"pdata", func(td ptrace.Traces, p SpanPos) *holdqueue.Held {
			one, n := holdSpan(td, p)
			return &holdqueue.Held{Span: one, SpanBytes: n}
		}},
		{"encoded", func(td ptrace.Traces, p SpanPos) *holdqueue.Held {
			data, ok := holdData(td, p)
			require.True(t, ok)
			return &holdqueue.Held{Data: data}
		}},
	} {
		t.Run(c.name, func(t *testing.T) {
			td := twoTraces()
			want := twoTraces()
			p := posOf(t, td, "GET /a")
			h := c.hold(td, p)
			one, err := HeldSpan(h)
			require.NoError(t, err)
			require.Equal(t, 1, one.SpanCount())
			rs := one.ResourceSpans().At(0)
			wantRS := want.ResourceSpans().At(p.rs)
			assert.Equal(t, wantRS.Resource().Attributes().AsRaw(), rs.Resource().Attributes().AsRaw())
			assert.Equal(t, wantRS.ScopeSpans().At(p.ss).Scope().Name(), rs.ScopeSpans().At(0).Scope().Name())
			assert.Equal(t, SpanAt(want, p).SpanID(), rs.ScopeSpans().At(0).Spans().At(0).SpanID())
			// What is delivered is a copy: a retry starts from the span as it arrived.
			rs.ScopeSpans().At(0).Spans().At(0).Attributes().PutStr("diagnosis.category", "x")
			assert.True(t, sameSpan(want, p, h), "the span as it arrived, sent again")
			assert.False(t, sameSpan(want, posOf(t, want, "GET /b"), h))

			RemoveSpans(td, []SpanPos{p})
			assert.Equal(t, 3, td.SpanCount())
			assert.Equal(t, without(namesOf(want), "GET /a"), namesOf(td), "the others keep their order")
		})
	}
}

// TestHeldSpanBytes: the estimate of the memory held spans take as pdata
// is within [0.875, 1.5] of what the heap grows by when they are held.
func TestHeldSpanBytes(t *testing.T) {
	if testing.Short() {
		t.Skip("heap measurement")
	}
	const n = 5000
	p := posOf(t, twoTraces(), "GET /a")
	held := make([]ptrace.Traces, n)
	before := liveHeapBytes()
	estimated := 0
	for i := range held {
		// The batch goes after the hold, as it does once delivered.
		var size int
		held[i], size = holdSpan(twoTraces(), p)
		estimated += size
	}
	after := liveHeapBytes()
	live := float64(after) - float64(before)
	t.Logf("%d held spans: live heap +%.0f bytes, estimated %d: %.2f×", n, live, estimated, float64(estimated)/live)
	assert.GreaterOrEqual(t, float64(estimated), 0.875*live, "the estimate under-counts the heap")
	assert.LessOrEqual(t, float64(estimated), 1.5*live, "the estimate over-counts the heap by more than half")
	runtime.KeepAlive(held)
}

func liveHeapBytes() uint64 {
	runtime.GC()
	runtime.GC()
	s := []metrics.Sample{{Name: "/gc/heap/live:bytes"}}
	metrics.Read(s)
	return s[0].Value.Uint64()
}

// TestRemoveSpans: removed spans go, scopes and resources left empty go,
// the others keep their order.
func TestRemoveSpans(t *testing.T) {
	for _, c := range []struct {
		name   string
		remove []string
		rss    int
	}{
		{"none", nil, 2},
		{"one", []string{"a-child"}, 2},
		{"a whole resource", []string{"GET /a", "a-child"}, 1},
		{"all", []string{"GET /a", "a-child", "GET /b", "b-child"}, 0},
		{"out of batch order", []string{"b-child", "a-child", "GET /a"}, 1},
	} {
		t.Run(c.name, func(t *testing.T) {
			td := twoTraces()
			var remove []SpanPos
			for _, n := range c.remove {
				remove = append(remove, posOf(t, td, n))
			}
			want := without(namesOf(td), c.remove...)
			RemoveSpans(td, remove)
			assert.Equal(t, want, namesOf(td))
			assert.Equal(t, c.rss, td.ResourceSpans().Len())
		})
	}
}
