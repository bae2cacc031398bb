package tracecache

import (
	"strings"
	"testing"
	"time"
	"unsafe"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"go.opentelemetry.io/collector/pdata/pcommon"
	"go.opentelemetry.io/collector/pdata/ptrace"

	"github.com/errordiagnosis/errordiagnosisprocessor/internal/diagnosis"
)

var t0 = time.Date(2026, 11, 25, 10, 0, 0, 0, time.UTC)

func tid(b byte) pcommon.TraceID { return pcommon.TraceID{15: b, 0: 1} }
func sid(b byte) pcommon.SpanID  { return pcommon.SpanID{0: b, 7: 1} }

func limits() Limits {
	return Limits{MaxTraces: 3, MaxNodesPerTrace: 4, MaxNodes: 10, MaxEvidenceNodes: 2, MaxEvidencePerNode: 16, TTL: time.Minute}
}

// forgetLog collects the traces a cache forgot, as TakeForgotten gives them.
type forgetLog struct {
	c   *Cache
	all []Forgot
}

func forgotten(c *Cache) *forgetLog { return &forgetLog{c: c} }

// traces are the traces forgotten so far, in order.
func (l *forgetLog) traces() []*Trace {
	l.all = l.c.TakeForgotten(l.all)
	var out []*Trace
	for _, f := range l.all {
		out = append(out, f.Trace)
	}
	return out
}

// reasons are why, in the same order.
func (l *forgetLog) reasons() []ForgetReason {
	l.all = l.c.TakeForgotten(l.all)
	var out []ForgetReason
	for _, f := range l.all {
		out = append(out, f.Why)
	}
	return out
}

func TestRememberForgetsLeastRecentlySeen(t *testing.T) {
	c := New(limits())
	ev := forgotten(c)
	for i := byte(1); i <= 3; i++ {
		c.Remember(tid(i), t0)
	}
	require.Empty(t, ev.traces())
	c.Remember(tid(1), t0.Add(time.Second)) // touch 1: 2 is now the oldest
	c.Remember(tid(4), t0.Add(2*time.Second))
	require.Len(t, ev.traces(), 1)
	assert.Equal(t, tid(2), ev.traces()[0].ID)
	assert.Nil(t, c.Get(tid(2)))
	assert.NotNil(t, c.Get(tid(1)))
	assert.Equal(t, 3, c.Len())
}

func TestNodeBudgets(t *testing.T) {
	c := New(limits())
	tr := c.Remember(tid(1), t0)
	for i := byte(1); i <= 4; i++ {
		require.NotNil(t, c.AddNode(tr, sid(i)))
	}
	assert.Nil(t, c.AddNode(tr, sid(5)), "per-trace budget")
	assert.NotNil(t, c.AddNode(tr, sid(1)), "existing nodes are still returned")
	assert.True(t, c.AddEvidence(tr, tr.Lookup(sid(1)), []diagnosis.Evidence{{}}))
	assert.True(t, c.AddEvidence(tr, tr.Lookup(sid(2)), []diagnosis.Evidence{{}}))
	assert.False(t, c.AddEvidence(tr, tr.Lookup(sid(3)), []diagnosis.Evidence{{}}), "evidence node budget")
	assert.Equal(t, 4, c.NodeCount())
	c.Remove(tr)
	assert.Equal(t, 0, c.NodeCount())
	assert.Equal(t, 0, c.Len())
}

func TestExpired(t *testing.T) {
	c := New(limits())
	ev := forgotten(c)
	a := c.Remember(tid(1), t0)
	b := c.Remember(tid(2), t0.Add(30*time.Second))
	c.Expired(t0.Add(61 * time.Second))
	require.Equal(t, []*Trace{a}, ev.traces(), "forgotten after the TTL")
	assert.Nil(t, c.Get(tid(1)))
	assert.Equal(t, b, c.Get(tid(2)))
	c.Expired(t0.Add(89 * time.Second))
	assert.Len(t, ev.traces(), 1)
	c.Expired(t0.Add(91 * time.Second))
	assert.Equal(t, []*Trace{a, b}, ev.traces())
	assert.Equal(t, 0, c.Len())
}

func TestFirstTouch(t *testing.T) {
	c := New(limits())
	a := c.Remember(tid(1), t0)
	c.BeginBatch()
	assert.True(t, c.FirstTouch(a))
	assert.False(t, c.FirstTouch(a), "once per batch")
	c.BeginBatch()
	assert.True(t, c.FirstTouch(a))
}

// tree builds nodes: id → parent, kind, service, with evidence on some.
func tree(c *Cache, tr *Trace, spans ...node) {
	for _, s := range spans {
		n := c.AddNode(tr, sid(s.id))
		n.Known = true
		n.Parent = pcommon.SpanID{}
		if s.parent != 0 {
			n.Parent = sid(s.parent)
		}
		n.Kind = s.kind
		tr.SetService(n, s.service)
		if s.evidence != "" {
			c.AddEvidence(tr, n, []diagnosis.Evidence{{ExceptionType: s.evidence}})
		}
	}
}

type node struct {
	id, parent byte
	kind       ptrace.SpanKind
	service    string
	evidence   string
}

// TestFilterSaturation: more traces in one filter bucket than a byte counts
// never hide a trace, before or after removals.
func TestFilterSaturation(t *testing.T) {
	c := New(Limits{MaxTraces: 1000, MaxNodesPerTrace: 1, MaxNodes: 1, MaxEvidenceNodes: 1, MaxEvidencePerNode: 16, TTL: time.Minute})
	var traces []*Trace
	for i := range 300 {
		id := pcommon.TraceID{0: byte(i), 1: byte(i >> 8), 14: 7, 15: 7} // same bucket
		tr := c.Remember(id, t0)
		traces = append(traces, tr)
	}
	for _, tr := range traces[:200] {
		c.Remove(tr)
	}
	for _, tr := range traces[200:] {
		assert.Equal(t, tr, c.Get(tr.ID))
	}
	for _, tr := range traces[:200] {
		assert.Nil(t, c.Get(tr.ID))
	}
}

// TestNodesStayPutAsTheTraceGrows: nodes live in chunks that never move, so
// a *Node taken early stays the node Lookup finds, across the switch from a
// linear scan to the index.
func TestNodesStayPutAsTheTraceGrows(t *testing.T) {
	c := New(Limits{MaxTraces: 1, MaxNodesPerTrace: 1000, MaxNodes: 1000, MaxEvidenceNodes: 1, MaxEvidencePerNode: 16, TTL: time.Minute})
	tr := c.Remember(tid(1), t0)
	id := func(i int) pcommon.SpanID { return pcommon.SpanID{0: byte(i >> 8), 1: byte(i), 7: 1} }
	var first []*Node
	for i := range 600 {
		n := c.AddNode(tr, id(i))
		require.NotNil(t, n)
		n.Status = int32(i)
		first = append(first, n)
	}
	assert.Equal(t, 600, tr.NodeCount())
	for i, n := range first {
		require.Same(t, n, tr.Lookup(id(i)), "node %d moved", i)
		require.Equal(t, int32(i), n.Status)
		require.Same(t, n, c.AddNode(tr, id(i)), "an existing node is returned, not a new one")
	}
	assert.Nil(t, tr.Lookup(id(600)))
	order := 0
	tr.ForEachNode(func(n *Node) bool {
		assert.Equal(t, int32(order), n.Status, "arrival order")
		order++
		return true
	})
	assert.Equal(t, 600, order)
}

// TestEvidenceKeepsNothingOfTheBatch: the texts of stored evidence are
// packed into the node's own string, so a batch's strings are not kept alive.
func TestEvidenceKeepsNothingOfTheBatch(t *testing.T) {
	c := New(limits())
	tr := c.Remember(tid(1), t0)
	n := c.AddNode(tr, sid(1))
	batch := strings.Repeat("x", 64) + "connection refused" + strings.Repeat("y", 64)
	in := diagnosis.Evidence{ExceptionType: "E", ExceptionMessage: batch[64:82], StatusMessage: batch[:10], Stacktrace: batch[100:]}
	require.True(t, c.AddEvidence(tr, n, []diagnosis.Evidence{in}))
	got := tr.Evidence(n, nil)[0]
	assert.Equal(t, in, got, "same text")
	inBatch := func(s string) bool {
		p, b := uintptr(unsafe.Pointer(unsafe.StringData(s))), uintptr(unsafe.Pointer(unsafe.StringData(batch)))
		return p >= b && p < b+uintptr(len(batch))
	}
	for _, s := range []string{got.ExceptionMessage, got.StatusMessage, got.Stacktrace} {
		assert.False(t, inBatch(s), "%q still points into the batch", s)
	}
}

// TestFilterFollowsTheTraces: the filter grows and shrinks with the number of
// traces remembered, within 4 to 32 buckets per trace and the bounds of
// max_traces, never hides a remembered trace across resizes, and counts
// exactly after one.
func TestFilterFollowsTheTraces(t *testing.T) {
	const maxTraces = 5000
	c := New(Limits{MaxTraces: maxTraces, MaxNodesPerTrace: 1, MaxNodes: 1, MaxEvidenceNodes: 1, MaxEvidencePerNode: 16, TTL: time.Minute})
	assert.Len(t, c.filter, minFilter, "an empty cache has the smallest filter")
	id := func(i int) pcommon.TraceID {
		return pcommon.TraceID{0: byte(i), 1: byte(i >> 8), 13: byte(i * 7), 14: byte(i * 131), 15: byte(i * 31)}
	}
	inBounds := func() {
		t.Helper()
		n, size := c.Len(), len(c.filter)
		require.LessOrEqual(t, size, filterSize(4*maxTraces))
		if size > minFilter {
			require.LessOrEqual(t, size, 32*n, "%d buckets for %d traces", size, n)
		}
		if size < filterSize(4*maxTraces) {
			require.GreaterOrEqual(t, size, 4*n, "%d buckets for %d traces", size, n)
		}
	}
	var traces []*Trace
	for i := range maxTraces {
		tr := c.Remember(id(i), t0)
		traces = append(traces, tr)
		inBounds()
	}
	assert.Len(t, c.filter, filterSize(4*maxTraces), "a full cache has the filter max_traces gives")
	for i, tr := range traces {
		require.Same(t, tr, c.Get(tr.ID), "trace %d hidden", i)
	}
	for i, tr := range traces[:maxTraces-10] {
		c.Remove(tr)
		inBounds()
		require.Nil(t, c.Get(tr.ID), "trace %d forgotten", i)
	}
	assert.Len(t, c.filter, filterSize(16*10), "shrunk with the traces")
	for _, tr := range traces[maxTraces-10:] {
		require.Same(t, tr, c.Get(tr.ID))
	}
	// Filter counts are exact after a resize: each remaining bucket holds
	// exactly its traces.
	total := 0
	for _, n := range c.filter {
		total += int(n)
	}
	assert.Equal(t, 10, total)
}

// TestNeverEndingTraceStaysBounded: a trace that never ends gets detached
// targets, log records on one span and new services forever; what is kept
// of it stays within the limits.
func TestNeverEndingTraceStaysBounded(t *testing.T) {
	c := New(limits())
	tr := c.Remember(tid(1), t0)
	logged := c.AddNode(tr, sid(1))
	for i := range 10_000 {
		n := Detached(pcommon.SpanID{0: byte(i >> 8), 1: byte(i), 7: 2})
		require.Nil(t, tr.Lookup(n.ID), "a detached node is not found by look-up")
		tr.SetService(n, "service-"+strings.Repeat("x", i%300))
		tr.SetDecided(n, Decided{Category: diagnosis.Unknown})
		_, decided := tr.Decided(n)
		require.False(t, decided, "no diagnosis is kept for a detached node")
		c.AddEvidence(tr, logged, []diagnosis.Evidence{{ExceptionType: "E"}})
	}
	assert.Len(t, tr.extras, 1, "only the logged node has an extra")
	assert.Len(t, tr.Evidence(logged, nil), limits().MaxEvidencePerNode, "evidence items per node")
	assert.Len(t, tr.services, maxServices, "service names per trace")
	assert.False(t, c.AddEvidence(tr, logged, []diagnosis.Evidence{{}}), "evidence beyond the node's limit is reported")
}

// TestByteBudget: the bytes of a trace grow with its nodes and evidence and
// leave with it; beyond MaxBytes, Expired forgets the least recently seen
// traces, saying why, until the cache is within the budget.
func TestByteBudget(t *testing.T) {
	lim := Limits{MaxTraces: 100, MaxNodesPerTrace: 100, MaxNodes: 1000, MaxEvidenceNodes: 100, MaxEvidencePerNode: 16, TTL: time.Minute}
	fill := func(c *Cache, id byte, now time.Time) *Trace {
		tr := c.Remember(tid(id), now)
		for i := byte(1); i <= 40; i++ { // past linearNodes: the index too
			n := c.AddNode(tr, sid(i))
			tr.SetService(n, "checkout")
			c.AddEvidence(tr, n, []diagnosis.Evidence{{ExceptionType: "java.sql.SQLException", ExceptionMessage: strings.Repeat("m", 300)}})
		}
		return tr
	}
	c := New(lim)
	a := fill(c, 1, t0)
	one := c.Bytes()
	assert.Greater(t, one, 40*(packedItemSize+len("java.sql.SQLException")+300+nodeSize+extraSize), "nodes, evidence items and their text are counted")
	b := fill(c, 2, t0.Add(time.Second))
	assert.Equal(t, 2*one, c.Bytes(), "the same trace accounts for the same bytes")
	c.Remove(a)
	assert.Equal(t, one, c.Bytes())
	c.Remove(b)
	assert.Zero(t, c.Bytes())

	lim.MaxBytes = 3*one + one/2
	c = New(lim)
	log := forgotten(c)
	var traces []*Trace
	for i := byte(1); i <= 5; i++ {
		traces = append(traces, fill(c, i, t0.Add(time.Duration(i)*time.Second)))
	}
	c.Expired(t0.Add(6 * time.Second))
	assert.Equal(t, []*Trace{traces[0], traces[1]}, log.traces(), "the least recently seen first")
	assert.Equal(t, []ForgetReason{ForgetMaxBytes, ForgetMaxBytes}, log.reasons())
	assert.Equal(t, 3*one, c.Bytes())
	c.Expired(t0.Add(2 * time.Minute))
	why := log.reasons()
	assert.Equal(t, ForgetTTL, why[len(why)-1])
	assert.Zero(t, c.Bytes())
}

// TestRemoveNotRemembered: removing a trace removed before, or remembered
// before a Reset, changes nothing of what the cache remembers now.
func TestRemoveNotRemembered(t *testing.T) {
	c := New(limits())
	a := c.Remember(tid(1), t0)
	c.AddNode(a, sid(1))
	b := c.Remember(tid(2), t0)
	c.AddNode(b, sid(1))
	c.Remove(a)
	bytes, nodes := c.Bytes(), c.NodeCount()
	c.Remove(a)
	assert.Equal(t, 1, c.Len())
	assert.Equal(t, []int{bytes, nodes}, []int{c.Bytes(), c.NodeCount()}, "removed twice: counted once")
	assert.Same(t, b, c.Get(tid(2)))

	c.Reset(limits())
	fresh := c.Remember(tid(2), t0)
	c.AddNode(fresh, sid(1))
	bytes, nodes = c.Bytes(), c.NodeCount()
	c.Remove(b)
	assert.Equal(t, 1, c.Len())
	assert.Equal(t, []int{bytes, nodes}, []int{c.Bytes(), c.NodeCount()}, "a trace of before the Reset is not the one remembered now")
	assert.Same(t, fresh, c.Get(tid(2)))
	c.Expired(t0.Add(time.Hour))
	assert.Zero(t, c.Len(), "the LRU list is intact")
}

// TestHorizon: only a budget sets the horizon, with the age of the trace it
// forgot; a trace that expires does not, an old forgetting stops counting
// after `within`, and Reset clears it.
func TestHorizon(t *testing.T) {
	c := New(limits())
	_, _, ok := c.Horizon(t0, time.Second)
	assert.False(t, ok, "an empty cache is under no pressure")

	c.Remember(tid(1), t0)
	c.Expired(t0.Add(time.Minute))
	_, _, ok = c.Horizon(t0.Add(time.Minute), time.Second)
	assert.False(t, ok, "a trace forgotten for its TTL is no pressure")

	for i := byte(1); i <= 3; i++ {
		c.Remember(tid(i), t0.Add(2*time.Minute))
	}
	now := t0.Add(2*time.Minute + 300*time.Millisecond)
	c.Remember(tid(4), now) // max_traces forgets trace 1, seen 300 ms ago
	age, why, ok := c.Horizon(now, time.Second)
	require.True(t, ok)
	assert.Equal(t, 300*time.Millisecond, age)
	assert.Equal(t, ForgetMaxTraces, why)

	_, _, ok = c.Horizon(now.Add(2*time.Second), time.Second)
	assert.False(t, ok, "a forgetting older than within is no pressure")

	c.Reset(limits())
	_, _, ok = c.Horizon(now, time.Second)
	assert.False(t, ok, "Reset clears the pressure")
}

// TestExpect: a trace told how many spans to expect keeps them in one chunk
// of that size, accounted for; a trace that has nodes, and a batch-only
// cache, are left as they are.
func TestExpect(t *testing.T) {
	tests := []struct {
		name      string
		batchOnly bool
		expect    int
		wantCaps  []int
	}{
		{"the run's spans", false, 17, []int{17}},
		{"at least minChunk", false, 1, []int{minChunk, 2 * minChunk, 4 * minChunk}},
		{"at most maxChunk", false, 10_000, []int{maxChunk}},
		{"no hint", false, 0, []int{firstChunk, 2 * firstChunk}},
		{"batch-only: its recycled chunks", true, 17, []int{firstChunk, 2 * firstChunk}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c := New(Limits{MaxTraces: 3, MaxNodesPerTrace: 100, MaxNodes: 100, MaxEvidenceNodes: 2, MaxEvidencePerNode: 16, TTL: time.Minute})
			if tt.batchOnly {
				c.SetBatchOnly()
			}
			tr := c.Remember(tid(1), t0)
			if tt.expect > 0 {
				c.Expect(tr, tt.expect)
			}
			for i := byte(1); i <= 17; i++ {
				require.NotNil(t, c.AddNode(tr, sid(i)))
				c.Expect(tr, 100) // a trace with nodes keeps its chunks
			}
			var caps []int
			want := traceSize
			for _, chunk := range tr.chunks {
				caps = append(caps, cap(chunk))
				want += cap(chunk) * nodeSize
			}
			assert.Equal(t, tt.wantCaps, caps)
			assert.Equal(t, want+cap(tr.chunks)*chunkSize, c.Bytes(), "every chunk accounted for")
			assert.Equal(t, 17, tr.NodeCount())
		})
	}
}
