package tracecache

import (
	"testing"

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
	assert.Len(t, tr.evidenceNodes, 2)
	for _, at := range tr.evidenceNodes {
		assert.Equal(t, other, tr.Evidence(tr.nodeAt(at), nil))
	}
	require.Len(t, tr.services, 1)
	assert.Equal(t, "svc-c", tr.textOf(tr.services[0]))

	// The same trace in a new cache: as many bytes as in the reused one
	// when it is as large as the one before.
	c.Reset(lim)
	fill(c, 1, 40, items)
	fresh := New(lim)
	fresh.SetBatchOnly()
	fill(fresh, 1, 40, items)
	assert.Equal(t, fresh.Bytes(), c.Bytes())
}
