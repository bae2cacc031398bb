package tracecache

import (
	"bytes"
	"fmt"
	"math/rand/v2"
	"slices"
	"testing"
	"time"

	"github.com/stretchr/testify/require"
	"go.opentelemetry.io/collector/pdata/pcommon"
	"go.opentelemetry.io/collector/pdata/ptrace"

	"github.com/errordiagnosis/errordiagnosisprocessor/internal/diagnosis"
)

// attributeWalk is Attribute as a walk up from every evidence node of the
// trace (depthTo), the broken chain's owner asked each time: the reference
// the index (reach) must agree with.
func (t *Trace) attributeWalk(target *Node, dst []Attributed) []Attributed {
	start := len(dst)
	for _, at := range t.evidenceNodes {
		n := t.nodeAt(at)
		depth, linked, ok := t.depthTo(n, target)
		if !ok {
			continue
		}
		if !linked && (!sameService(n, target) || t.owner(n) != target) {
			continue
		}
		for _, e := range t.Evidence(n, nil) {
			e.Depth = depth
			dst = append(dst, Attributed{Evidence: e, Node: n, Linked: linked})
		}
	}
	own := t.withoutRecovered(dst[start:])
	dst = dst[:start+len(own)]
	slices.SortStableFunc(dst, func(a, b Attributed) int { return compareStart(a.Node, b.Node) })
	return dst
}

// depthTo is walkUp by look-ups of the parents, without the index: the
// reference.
func (t *Trace) depthTo(n, target *Node) (depth int, linked, ok bool) {
	cur := n
	for d := 0; d <= maxWalk; d++ {
		if cur == target {
			return d, true, true
		}
		if t.isBoundary(cur, target) {
			return 0, false, false
		}
		if !cur.Known {
			return d + 1, false, true
		}
		if cur.Parent.IsEmpty() {
			return 0, false, false // reached the root without meeting target
		}
		p := t.Lookup(cur.Parent)
		if p == nil {
			return d + 1, false, true
		}
		cur = p
	}
	return 0, false, false
}

// downstreamScan is Downstream as a scan of every node: the reference.
func (t *Trace) downstreamScan(client pcommon.SpanID) []*Node {
	var dst []*Node
	t.ForEachNode(func(n *Node) bool {
		if n.Known && n.Kind == ptrace.SpanKindServer && n.Parent == client {
			dst = append(dst, n)
		}
		return true
	})
	slices.SortFunc(dst, func(a, b *Node) int { return bytes.Compare(a.ID[:], b.ID[:]) })
	return dst
}

// randomTrace fills a trace with random nodes: parents among a pool of ids
// larger than the trace (missing ones), empty, or the node itself (cycles);
// every kind, a few services, times with and without, across the 32-bit
// wrap, some never seen as spans (Known false), some detached with
// evidence, retried and superseded calls, and sometimes a chain deeper than
// maxWalk.
func randomTrace(rng *rand.Rand, c *Cache, tr *Trace) {
	kinds := []ptrace.SpanKind{ptrace.SpanKindInternal, ptrace.SpanKindServer, ptrace.SpanKindClient, ptrace.SpanKindProducer, ptrace.SpanKindConsumer}
	services := []string{"", "a", "b", "c"}
	nodes := 1 + rng.IntN(60)
	pool := nodes + 1 + rng.IntN(nodes)
	id := func(k int) pcommon.SpanID { return pcommon.SpanID{0: byte(k >> 8), 1: byte(k), 7: 1} }
	set := func(n *Node, k int) {
		n.Known = rng.IntN(10) != 0
		switch rng.IntN(10) {
		case 0:
			n.Parent = pcommon.SpanID{}
		case 1:
			n.Parent = n.ID
		default:
			n.Parent = id(rng.IntN(pool))
		}
		n.Kind = kinds[rng.IntN(len(kinds))]
		if rng.IntN(3) != 0 {
			n.Start = uint32(rng.IntN(1000)) - 500 // around the wrap
			n.End = n.Start + uint32(rng.IntN(300))
		}
		n.Failed = rng.IntN(2) == 0
		n.Op = uint32(rng.IntN(3))
		tr.SetService(n, services[rng.IntN(len(services))])
		if rng.IntN(2) == 0 {
			msg := "m"
			if rng.IntN(4) == 0 {
				msg = badConn
			}
			ev := []diagnosis.Evidence{{ExceptionType: fmt.Sprintf("e%d", k), ExceptionMessage: msg}}
			if rng.IntN(4) == 0 {
				ev = append(ev, diagnosis.Evidence{ExceptionType: "shared", StatusMessage: "x"})
			}
			c.AddEvidence(tr, n, ev)
		}
	}
	for k := range nodes {
		n := c.AddNode(tr, id(rng.IntN(pool)))
		if n == nil {
			n = Detached(id(rng.IntN(pool)))
		}
		set(n, k)
	}
	if rng.IntN(8) == 0 { // deeper than maxWalk
		for k := range maxWalk + 8 {
			n := c.AddNode(tr, id(pool+k))
			if n == nil {
				break
			}
			n.Known, n.Kind, n.Parent = true, ptrace.SpanKindInternal, id(pool+k-1)
			tr.SetService(n, "a")
			if k%16 == 0 {
				c.AddEvidence(tr, n, []diagnosis.Evidence{{ExceptionType: fmt.Sprintf("deep%d", k)}})
			}
		}
	}
	for range rng.IntN(4) {
		n := Detached(id(rng.IntN(pool)))
		set(n, nodes)
		n.Known = true
	}
	c.Touch(tr, t0)
}

// TestAttributeMatchesWalk: on random trees, every node (and detached
// ones) as target gets from the index what the walk gives, in its order,
// and Downstream what a scan gives; again after the nodes change.
func TestAttributeMatchesWalk(t *testing.T) {
	rng := rand.New(rand.NewPCG(24, 8))
	for round := range 1000 {
		maxNodes := 100
		if round%3 == 0 {
			maxNodes = 1 + rng.IntN(40) // the budget leaves nodes detached
		}
		c := New(Limits{MaxTraces: 10, MaxNodesPerTrace: maxNodes, MaxNodes: maxNodes, MaxEvidenceNodes: 1 + rng.IntN(100), MaxEvidencePerNode: 1 + rng.IntN(3), TTL: time.Minute})
		tr := c.Remember(tid(1), t0)
		for step := range 2 {
			randomTrace(rng, c, tr)
			var targets []*Node
			tr.ForEachNode(func(n *Node) bool { targets = append(targets, n); return true })
			for _, at := range tr.evidenceNodes {
				if n := tr.nodeAt(at); n.detached {
					targets = append(targets, n)
				}
			}
			for _, target := range targets {
				want := tr.attributeWalk(target, nil)
				got := tr.Attribute(target, nil)
				require.Equal(t, want, got, "round %d step %d target %v", round, step, target.ID)
				for i := range got {
					require.Same(t, want[i].Node, got[i].Node, "round %d step %d target %v item %d", round, step, target.ID, i)
				}
				wantDown := tr.downstreamScan(target.ID)
				gotDown := tr.Downstream(target.ID, nil)
				require.Equal(t, wantDown, gotDown, "round %d step %d downstream of %v", round, step, target.ID)
			}
			require.Equal(t, tr.downstreamScan(pcommon.SpanID{}), tr.Downstream(pcommon.SpanID{}, nil), "round %d: the roots", round)
			require.Equal(t, tr.downstreamScan(pcommon.SpanID{0: 0xff}), tr.Downstream(pcommon.SpanID{0: 0xff}, nil), "round %d: an id not seen", round)
		}
	}
}

// TestReachFollowsEvidence: evidence added without a node's change (a log
// record's) is in the next attribution.
func TestReachFollowsEvidence(t *testing.T) {
	c := New(Limits{MaxTraces: 10, MaxNodesPerTrace: 100, MaxNodes: 100, MaxEvidenceNodes: 100, MaxEvidencePerNode: 16, TTL: time.Minute})
	tr := c.Remember(tid(1), t0)
	tree(c, tr,
		node{id: 1, kind: ptrace.SpanKindServer, service: "a"},
		node{id: 2, parent: 1, kind: ptrace.SpanKindInternal, service: "a"},
	)
	require.Empty(t, tr.Attribute(tr.Lookup(sid(1)), nil))
	c.AddEvidence(tr, tr.Lookup(sid(2)), []diagnosis.Evidence{{ExceptionType: "late"}})
	got := tr.Attribute(tr.Lookup(sid(1)), nil)
	require.Len(t, got, 1)
	require.Equal(t, 1, got[0].Evidence.Depth)
}

// BenchmarkAttributeAfterChange is BenchmarkAttributeByTraceLength with
// the trace touched before each diagnosis: the index built anew each time,
// as for the first target of a batch. Building it walks the whole trace
// once; the targets of the same version share it.
func BenchmarkAttributeAfterChange(b *testing.B) {
	for _, n := range []int{1, 16, 128, 256} {
		b.Run(fmt.Sprintf("requests=%d", n), func(b *testing.B) {
			c, tr, target := requestsTrace(n)
			var dst []Attributed
			b.ResetTimer()
			for range b.N {
				c.Touch(tr, t0)
				dst = tr.Attribute(target, dst[:0])
			}
			if len(dst) != 1 {
				b.Fatalf("attributed %d items, want the target's own 1", len(dst))
			}
		})
	}
}

// TestReachNotStale: the shared index is not taken for a trace's when it
// was built for another trace at the same address and version (a batch-only
// cache recycles its traces).
func TestReachNotStale(t *testing.T) {
	limits := Limits{MaxTraces: 10, MaxNodesPerTrace: 100, MaxNodes: 100, MaxEvidenceNodes: 100, MaxEvidencePerNode: 16, TTL: time.Minute}
	c := New(limits)
	c.SetBatchOnly()
	a := c.Remember(tid(1), t0)
	tree(c, a,
		node{id: 1, kind: ptrace.SpanKindServer, service: "a"},
		node{id: 2, parent: 1, kind: ptrace.SpanKindInternal, service: "a", evidence: "a's"},
	)
	require.Len(t, a.Attribute(a.Lookup(sid(1)), nil), 1)
	c.Reset(limits)
	b := c.Remember(tid(1), t0)
	require.Same(t, a, b, "the trace is recycled")
	tree(c, b,
		node{id: 1, kind: ptrace.SpanKindServer, service: "a"},
		node{id: 2, parent: 9, kind: ptrace.SpanKindInternal, service: "other", evidence: "b's"},
	)
	require.Empty(t, b.Attribute(b.Lookup(sid(1)), nil), "another service's broken chain")
}
