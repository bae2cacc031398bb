package tracecache

import (
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"go.opentelemetry.io/collector/pdata/ptrace"

	"github.com/errordiagnosis/errordiagnosisprocessor/internal/diagnosis"
)

// TestBatchOnlyReuse: a batch-only cache keeps the items it is given without
// writing them, and a trace remembered after Reset, on the memory of one
// before it, shows nothing of that one and accounts for the same bytes as
// the same trace in a new cache.
func TestBatchOnlyReuse(t *testing.T) {
	lim := Limits{MaxTraces: 4, MaxNodesPerTrace: 64, MaxNodes: 256, MaxEvidenceNodes: 16, MaxEvidencePerNode: 16, TTL: 1}
	fill := func(c *Cache, id byte, nodes int, items []diagnosis.Evidence) *Trace {
		tr := c.Remember(tid(id), t0)
		for i := 0; i < nodes; i++ {
			n := c.AddNode(tr, sid(byte(i+1)))
			n.Known, n.Kind = true, ptrace.SpanKindClient
			tr.SetService(n, "svc-"+string(rune('a'+id)))
			if i%3 == 0 {
				require.True(t, c.AddEvidence(tr, n, items))
			}
		}
		return tr
	}
	items := []diagnosis.Evidence{{ExceptionType: "E1", ExceptionMessage: "first"}, {ExceptionType: "E2"}}
	mine := append([]diagnosis.Evidence(nil), items...)

	c := New(lim)
	c.SetBatchOnly()
	first := fill(c, 1, 40, items) // past linearNodes: an index too
	n1 := first.Lookup(sid(1))
	require.True(t, c.AddEvidence(first, n1, []diagnosis.Evidence{{ExceptionType: "E3"}}))
	assert.Equal(t, mine, items, "the caller's items are not written")
	assert.Len(t, first.Evidence(n1, nil), 3)

	c.Reset(lim)
	assert.Zero(t, c.Bytes())
	other := []diagnosis.Evidence{{ExceptionType: "X"}}
	tr := fill(c, 2, 5, other)
	assert.Same(t, first, tr, "the trace's memory is reused")
	assert.Equal(t, 5, tr.NodeCount())
	assert.Nil(t, tr.Lookup(sid(6)), "no node of the trace before")
	var seen int
	tr.ForEachNode(func(n *Node) bool {
		seen++
		assert.Equal(t, "svc-c", tr.Service(n))
		_, decided := tr.Decided(n)
		assert.False(t, decided)
		return true
	})
	assert.Equal(t, 5, seen)
	assert.Len(t, tr.EvidenceNodes, 2)
	for _, n := range tr.EvidenceNodes {
		assert.Equal(t, other, tr.Evidence(n, nil))
	}
	assert.Equal(t, []string{"svc-c"}, tr.services)

	// The same trace in a new cache: as many bytes as in the reused one
	// when it is as large as the one before.
	c.Reset(lim)
	fill(c, 1, 40, items)
	fresh := New(lim)
	fresh.SetBatchOnly()
	fill(fresh, 1, 40, items)
	assert.Equal(t, fresh.Bytes(), c.Bytes())
}

// TestRecycle: a forgotten trace's memory goes to the next trace
// remembered, which shows nothing of it; a pinned trace, one still
// remembered and one beyond the spare bounds are left alone.
func TestRecycle(t *testing.T) {
	lim := Limits{MaxTraces: 2, MaxNodesPerTrace: 256, MaxNodes: 1024, MaxEvidenceNodes: 16, MaxEvidencePerNode: 16, TTL: time.Minute}
	fill := func(c *Cache, id byte, nodes int) *Trace {
		tr := c.Remember(tid(id), t0)
		for i := 0; i < nodes; i++ {
			n := c.AddNode(tr, sid(byte(i+1)))
			n.Known = true
			tr.SetService(n, "svc-"+string(rune('a'+id)))
			if i == 0 {
				c.AddEvidence(tr, n, []diagnosis.Evidence{{ExceptionType: "E"}})
				tr.SetDecided(n, Decided{Category: diagnosis.Unknown})
			}
		}
		return tr
	}
	tests := []struct {
		name     string
		setup    func(c *Cache, tr *Trace)
		nodes    int
		recycled bool
	}{
		{"forgotten", nil, 5, true},
		{"pinned by a held span", func(_ *Cache, tr *Trace) { tr.Pin() }, 5, false},
		{"beyond maxSpareBytes", nil, maxSpareBytes/nodeSize + 1, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c := New(lim)
			first := fill(c, 1, tt.nodes)
			if tt.setup != nil {
				tt.setup(c, first)
			}
			fill(c, 2, 3)
			third := fill(c, 3, 3) // forgets the first (max_traces 2)
			forgot := c.TakeForgotten(nil)
			require.Len(t, forgot, 1)
			require.Same(t, first, forgot[0].Trace)
			c.Recycle(first)
			tr := fill(c, 4, 2)
			assert.Equal(t, tt.recycled, tr == first, "the forgotten trace's memory reused")
			assert.Equal(t, 2, tr.NodeCount())
			assert.Nil(t, tr.Lookup(sid(3)), "no node of the trace before")
			assert.Len(t, tr.EvidenceNodes, 1)
			assert.Equal(t, []string{"svc-e"}, tr.services)
			_, decided := tr.Decided(tr.Lookup(sid(2)))
			assert.False(t, decided)
			assert.Equal(t, third.bytes+tr.bytes, c.Bytes(), "the remembered traces' bytes, kept memory included")
			fresh := New(lim)
			assert.GreaterOrEqual(t, tr.bytes, fill(fresh, 4, 2).bytes)
		})
	}

	c := New(lim)
	still := fill(c, 1, 3)
	c.Recycle(still)
	assert.Same(t, still, c.Get(tid(1)), "a trace still remembered is not recycled")
	assert.Equal(t, 3, still.NodeCount())
	assert.Empty(t, c.spare)
}
