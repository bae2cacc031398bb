package tracecache

import (
	"fmt"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"go.opentelemetry.io/collector/pdata/pcommon"
	"go.opentelemetry.io/collector/pdata/ptrace"

	"github.com/errordiagnosis/errordiagnosisprocessor/internal/diagnosis"
)

func TestAttribute(t *testing.T) {
	c := New(Limits{MaxTraces: 10, MaxNodesPerTrace: 100, MaxNodes: 100, MaxEvidenceNodes: 100, MaxEvidencePerNode: 16, TTL: time.Minute})
	tr := c.Remember(tid(1), t0)
	tree(c, tr,
		node{id: 1, kind: ptrace.SpanKindServer, service: "a", evidence: "own"},
		node{id: 2, parent: 1, kind: ptrace.SpanKindInternal, service: "a"},
		node{id: 3, parent: 2, kind: ptrace.SpanKindClient, service: "a", evidence: "db"},
		node{id: 4, parent: 1, kind: ptrace.SpanKindClient, service: "a", evidence: "call"},
		node{id: 5, parent: 4, kind: ptrace.SpanKindServer, service: "b", evidence: "downstream-own"},
		node{id: 6, parent: 5, kind: ptrace.SpanKindClient, service: "b", evidence: "downstream-db"},
	)
	got := map[string]int{}
	for _, a := range tr.Attribute(tr.Lookup(sid(1)), nil) {
		got[a.Evidence.ExceptionType] = a.Evidence.Depth
		assert.True(t, a.Linked)
	}
	assert.Equal(t, map[string]int{"own": 0, "db": 2, "call": 1}, got, "the downstream server's subtree is its own")

	got = map[string]int{}
	for _, a := range tr.Attribute(tr.Lookup(sid(5)), nil) {
		got[a.Evidence.ExceptionType] = a.Evidence.Depth
	}
	assert.Equal(t, map[string]int{"downstream-own": 0, "downstream-db": 1}, got)

	downs := tr.Downstream(sid(4), nil)
	require.Len(t, downs, 1)
	assert.Equal(t, sid(5), downs[0].ID)
}

func TestAttributeNestedServerSpans(t *testing.T) {
	c := New(Limits{MaxTraces: 10, MaxNodesPerTrace: 100, MaxNodes: 100, MaxEvidenceNodes: 100, MaxEvidencePerNode: 16, TTL: time.Minute})
	tr := c.Remember(tid(1), t0)
	tree(c, tr,
		node{id: 1, kind: ptrace.SpanKindServer, service: "a"},            // web server span
		node{id: 2, parent: 1, kind: ptrace.SpanKindServer, service: "a"}, // framework span inside it
		node{id: 3, parent: 2, kind: ptrace.SpanKindClient, service: "a", evidence: "db"},
		node{id: 4, parent: 1, kind: ptrace.SpanKindClient, service: "a"}, // a call to itself
		node{id: 5, parent: 4, kind: ptrace.SpanKindServer, service: "a", evidence: "self-call"},
	)
	var got []string
	for _, a := range tr.Attribute(tr.Lookup(sid(1)), nil) {
		got = append(got, a.Evidence.ExceptionType)
	}
	assert.Equal(t, []string{"db"}, got, "nested server span is not a boundary; a self-call is")
}

func TestAttributeBrokenChain(t *testing.T) {
	c := New(Limits{MaxTraces: 10, MaxNodesPerTrace: 100, MaxNodes: 100, MaxEvidenceNodes: 100, MaxEvidencePerNode: 16, TTL: time.Minute})
	tr := c.Remember(tid(1), t0)
	tree(c, tr,
		node{id: 1, kind: ptrace.SpanKindServer, service: "a"},
		node{id: 3, parent: 2, kind: ptrace.SpanKindClient, service: "a", evidence: "db"}, // 2 never seen
		node{id: 7, parent: 9, kind: ptrace.SpanKindClient, service: "other", evidence: "elsewhere"},
	)
	items := tr.Attribute(tr.Lookup(sid(1)), nil)
	require.Len(t, items, 1, "same service, sole server span: attributed")
	assert.Equal(t, "db", items[0].Evidence.ExceptionType)
	assert.False(t, items[0].Linked)

	tree(c, tr, node{id: 8, kind: ptrace.SpanKindServer, service: "a"})
	assert.Empty(t, tr.Attribute(tr.Lookup(sid(1)), nil), "two server spans of the service: ambiguous, not attributed")
}

// TestAttributeBrokenChainNotTheCallee: a self-call's client span whose own
// parent was not seen yet (its caller's server span arrives last) belongs to
// no server span that its call reached, even when that is the only one known.
func TestAttributeBrokenChainNotTheCallee(t *testing.T) {
	c := New(Limits{MaxTraces: 10, MaxNodesPerTrace: 100, MaxNodes: 100, MaxEvidenceNodes: 100, MaxEvidencePerNode: 16, TTL: time.Minute})
	tr := c.Remember(tid(1), t0)
	tree(c, tr,
		node{id: 2, parent: 1, kind: ptrace.SpanKindClient, service: "a", evidence: "call"}, // 1 not seen yet
		node{id: 3, parent: 2, kind: ptrace.SpanKindServer, service: "a"},
		node{id: 4, parent: 3, kind: ptrace.SpanKindInternal, service: "a", evidence: "own"},
	)
	var got []string
	for _, a := range tr.Attribute(tr.Lookup(sid(3)), nil) {
		got = append(got, a.Evidence.ExceptionType)
	}
	assert.Equal(t, []string{"own"}, got, "the callee's own evidence only, not its caller's call")

	tree(c, tr, node{id: 1, kind: ptrace.SpanKindServer, service: "a"})
	got = got[:0]
	for _, a := range tr.Attribute(tr.Lookup(sid(1)), nil) {
		got = append(got, a.Evidence.ExceptionType)
	}
	assert.Equal(t, []string{"call"}, got, "the caller, once seen, owns its call")
}

// TestAttributeBrokenChainOwner: with several server spans of the service
// (a self-call: one request's server span runs within the other's), a span
// of a broken chain belongs to the innermost one whose time range holds it;
// without times to tell, to none.
func TestAttributeBrokenChainOwner(t *testing.T) {
	type span struct{ start, end uint32 } // end 0: no times kept
	for _, c := range []struct {
		name           string
		outer, inner   span // the caller's server span, the self-call's
		ev             span
		outerGot, want []string
	}{
		{"within the self-call: the inner request's", span{100, 900}, span{300, 600}, span{400, 500}, nil, []string{"ev"}},
		{"before the self-call: the caller's", span{100, 900}, span{300, 600}, span{150, 200}, []string{"ev"}, nil},
		{"around the self-call (the call waiting on it): the caller's", span{100, 900}, span{300, 600}, span{250, 700}, []string{"ev"}, nil},
		{"across the 32-bit wrap", span{0xffffff00, 0x500}, span{0xffffff80, 0x100}, span{0xffffffa0, 0x10}, nil, []string{"ev"}},
		{"the evidence has no times: ambiguous", span{100, 900}, span{300, 600}, span{0, 0}, nil, nil},
		{"a server span has no times: ambiguous", span{0, 0}, span{300, 600}, span{400, 500}, nil, nil},
		{"in neither: nobody's", span{100, 900}, span{300, 600}, span{950, 990}, nil, nil},
	} {
		t.Run(c.name, func(t *testing.T) {
			cache := New(Limits{MaxTraces: 10, MaxNodesPerTrace: 100, MaxNodes: 100, MaxEvidenceNodes: 100, MaxEvidencePerNode: 16, TTL: time.Minute})
			tr := cache.Remember(tid(1), t0)
			tree(cache, tr,
				node{id: 1, kind: ptrace.SpanKindServer, service: "a"},
				node{id: 2, parent: 7, kind: ptrace.SpanKindServer, service: "a"}, // under a client span 7 not seen
				node{id: 3, parent: 9, kind: ptrace.SpanKindInternal, service: "a", evidence: "ev"},
			)
			for id, s := range map[byte]span{1: c.outer, 2: c.inner, 3: c.ev} {
				n := tr.Lookup(sid(id))
				n.Start, n.End = s.start, s.end
			}
			names := func(target byte) []string {
				var got []string
				for _, a := range tr.Attribute(tr.Lookup(sid(target)), nil) {
					assert.False(t, a.Linked)
					got = append(got, a.Evidence.ExceptionType)
				}
				return got
			}
			assert.Equal(t, c.outerGot, names(1), "the caller's server span")
			assert.Equal(t, c.want, names(2), "the self-call's server span")
		})
	}
}

// TestAttributeOwnerFollowsChanges: the owners of a broken chain's spans are
// remembered between targets, and asked again once the trace's nodes change
// (a new server span, times that the recorder set before touching the trace).
func TestAttributeOwnerFollowsChanges(t *testing.T) {
	cache := New(Limits{MaxTraces: 10, MaxNodesPerTrace: 100, MaxNodes: 100, MaxEvidenceNodes: 100, MaxEvidencePerNode: 16, TTL: time.Minute})
	tr := cache.Remember(tid(1), t0)
	tree(cache, tr,
		node{id: 1, kind: ptrace.SpanKindServer, service: "a"},
		node{id: 3, parent: 9, kind: ptrace.SpanKindInternal, service: "a", evidence: "ev"}, // 9 never seen
	)
	tr.Lookup(sid(1)).Start, tr.Lookup(sid(1)).End = 100, 900
	tr.Lookup(sid(3)).Start, tr.Lookup(sid(3)).End = 400, 500
	cache.Touch(tr, t0)
	outer := tr.Lookup(sid(1))
	require.Len(t, tr.Attribute(outer, nil), 1, "the sole server span of the service owns it")
	require.Len(t, tr.Attribute(outer, nil), 1, "asked again, unchanged")

	tree(cache, tr, node{id: 2, parent: 7, kind: ptrace.SpanKindServer, service: "a"}) // a self-call, times not yet set
	assert.Empty(t, tr.Attribute(outer, nil), "a server span without times: ambiguous")

	inner := tr.Lookup(sid(2))
	inner.Start, inner.End = 300, 600
	cache.Touch(tr, t0)
	assert.Empty(t, tr.Attribute(outer, nil), "the self-call's span holds it now")
	assert.Len(t, tr.Attribute(inner, nil), 1, "the self-call's span holds it now")
}

func TestAttributeCycleTerminates(t *testing.T) {
	c := New(Limits{MaxTraces: 10, MaxNodesPerTrace: 100, MaxNodes: 100, MaxEvidenceNodes: 100, MaxEvidencePerNode: 16, TTL: time.Minute})
	tr := c.Remember(tid(1), t0)
	tree(c, tr,
		node{id: 1, kind: ptrace.SpanKindServer, service: "a"},
		node{id: 2, parent: 3, kind: ptrace.SpanKindInternal, service: "a", evidence: "x"},
		node{id: 3, parent: 2, kind: ptrace.SpanKindInternal, service: "a"},
		node{id: 4, parent: 4, kind: ptrace.SpanKindInternal, service: "a", evidence: "self"},
	)
	assert.Empty(t, tr.Attribute(tr.Lookup(sid(1)), nil))
}

// TestAttributeOrder: items come in start order (client spans, whose times
// are kept), then spans without times, each group by span id; the order does
// not follow the span ids where the times differ.
func TestAttributeOrder(t *testing.T) {
	for _, c := range []struct {
		name  string
		start map[byte]uint32 // span id → start (0: no times kept)
		want  []string
	}{
		{"the one that started first, whatever its id", map[byte]uint32{2: 200, 3: 100}, []string{"s3", "s2"}},
		{"the lower id started first", map[byte]uint32{2: 100, 3: 200}, []string{"s2", "s3"}},
		{"across the 32-bit wrap of the clock", map[byte]uint32{2: 0x10, 3: 0xffffff00}, []string{"s3", "s2"}},
		{"same start: by span id", map[byte]uint32{2: 100, 3: 100}, []string{"s2", "s3"}},
		{"times kept before no times", map[byte]uint32{2: 0, 3: 100}, []string{"s3", "s2"}},
		{"no times: by span id", map[byte]uint32{2: 0, 3: 0}, []string{"s2", "s3"}},
	} {
		t.Run(c.name, func(t *testing.T) {
			cache := New(Limits{MaxTraces: 10, MaxNodesPerTrace: 100, MaxNodes: 100, MaxEvidenceNodes: 100, MaxEvidencePerNode: 16, TTL: time.Minute})
			tr := cache.Remember(tid(1), t0)
			tree(cache, tr, node{id: 1, kind: ptrace.SpanKindServer, service: "a"})
			for _, id := range []byte{3, 2} {
				tree(cache, tr, node{id: id, parent: 1, kind: ptrace.SpanKindClient, service: "a", evidence: "s" + string('0'+rune(id))})
				if s := c.start[id]; s != 0 {
					n := tr.Lookup(sid(id))
					n.Start, n.End = s, s+10
				}
			}
			var got []string
			for _, a := range tr.Attribute(tr.Lookup(sid(1)), nil) {
				got = append(got, a.Evidence.ExceptionType)
			}
			assert.Equal(t, c.want, got)
		})
	}
}

// BenchmarkAttributeByTraceLength: one request's diagnosis in a trace of
// n requests (a server span and a failed child with evidence each), as in a
// long-running failing trace: the cost per diagnosis against the trace's length.
func BenchmarkAttributeByTraceLength(b *testing.B) {
	for _, n := range []int{1, 16, 128, 256} {
		b.Run(fmt.Sprintf("requests=%d", n), func(b *testing.B) {
			_, tr, target := requestsTrace(n)
			var dst []Attributed
			b.ResetTimer()
			for range b.N {
				dst = tr.Attribute(target, dst[:0])
			}
			if len(dst) != 1 {
				b.Fatalf("attributed %d items, want the target's own 1", len(dst))
			}
		})
	}
}

// requestsTrace is a trace of n requests, each a server span and a failed
// child with evidence, and the server span of the last request.
func requestsTrace(n int) (*Cache, *Trace, *Node) {
	c := New(Limits{MaxTraces: 10, MaxNodesPerTrace: 4096, MaxNodes: 4096, MaxEvidenceNodes: 4096, MaxEvidencePerNode: 16, TTL: time.Minute})
	tr := c.Remember(tid(1), t0)
	id := func(k int) pcommon.SpanID { return pcommon.SpanID{0: byte(k >> 8), 1: byte(k), 7: 1} }
	for r := range n {
		s := c.AddNode(tr, id(2*r+1))
		s.Known, s.Kind = true, ptrace.SpanKindServer
		tr.SetService(s, "a")
		e := c.AddNode(tr, id(2*r+2))
		e.Known, e.Kind, e.Parent = true, ptrace.SpanKindInternal, id(2*r+1)
		tr.SetService(e, "a")
		c.AddEvidence(tr, e, []diagnosis.Evidence{{ExceptionType: "IllegalStateException"}})
	}
	return c, tr, tr.Lookup(id(2*n - 1))
}
