package tracecache // import "github.com/errordiagnosis/errordiagnosisprocessor/internal/tracecache"

import (
	"bytes"
	"slices"

	"go.opentelemetry.io/collector/pdata/pcommon"
	"go.opentelemetry.io/collector/pdata/ptrace"

	"github.com/errordiagnosis/errordiagnosisprocessor/internal/diagnosis"
)

// maxWalk bounds a walk up the parent links: deeper trees and cycles stop there.
const maxWalk = 64

// Attributed is an evidence item attributed to a target, with the node that holds it.
type Attributed struct {
	Evidence diagnosis.Evidence
	Node     *Node
	// Linked is false when the parent chain to the target is incomplete and
	// the item was attributed because it sits in the target's service.
	Linked bool
}

// Attribute collects the evidence of target: its own and that of its
// descendants within its service boundary — a walk up from an evidence node
// that meets another server span first belongs to that server span. When
// a chain is broken (an ancestor not seen: spans that arrived before the
// trace had failed are not kept), the evidence is attributed only if it is
// in the target's service and the target is that service's server span that
// owns it (owner). The items of a call that a sibling
// retried with success are left out unless their failure was propagated up
// (withoutRecovered). Items are ordered so that the result does not depend
// on arrival order: spans whose times are kept (client spans) first, the one
// that started first before the others — a first failure often causes the
// later ones — then by span id; a span's items keep their event order.
func (t *Trace) Attribute(target *Node, dst []Attributed) []Attributed {
	start := len(dst)
	var r reach
	sc := t.reachIndex(&r)
	for _, packed := range t.reachOf(&r, target) {
		h := reachHit(packed)
		n := t.nodeAt(t.evidenceNodes[h.evidence()])
		depth := h.depth()
		x := &t.extras[n.extra-1]
		if x.borrowed != 0 {
			for _, e := range t.side.borrowed[x.borrowed-1] {
				dst = append(dst, Attributed{Evidence: e, Node: n, Linked: h.linked()})
				dst[len(dst)-1].Evidence.Depth = depth
			}
		}
		for j := x.first; j != 0; {
			dst = append(dst, Attributed{Node: n, Linked: h.linked()})
			a := &dst[len(dst)-1]
			p := &t.items[j-1]
			j = unpack(&a.Evidence, p, t.textChunk(p.chunk))
			a.Evidence.Depth = depth
		}
	}
	reachScratches.Put(sc)
	own := t.withoutRecovered(dst[start:])
	dst = dst[:start+len(own)]
	slices.SortStableFunc(dst, func(a, b Attributed) int {
		return compareStart(a.Node, b.Node)
	})
	return dst
}

// compareStart orders client spans by start time, before the other spans,
// then by span id. Start times are compared by their difference, as
// retriedBy does, so the 32-bit wrap does not reorder them.
func compareStart(a, b *Node) int {
	if ta, tb := a.clientTimes(), b.clientTimes(); ta != tb {
		if ta {
			return -1
		}
		return 1
	} else if ta && a.Start != b.Start {
		if int32(a.Start-b.Start) < 0 {
			return -1
		}
		return 1
	}
	return bytes.Compare(a.ID[:], b.ID[:])
}

// isBoundary reports whether n, met on the way up to target, starts the
// subtree of another request: a server span of another service, or of the
// same service when it was called through a client span (a self-call). A
// server span directly inside another one of the same service is nested
// instrumentation (a framework span under a web-server span), not a boundary.
func (t *Trace) isBoundary(n, target *Node) bool {
	if !n.Known || n.Kind != ptrace.SpanKindServer || n == target {
		return false
	}
	if !sameService(n, target) {
		return true
	}
	p := t.Lookup(n.Parent)
	return p == nil || !p.Known || p.Kind == ptrace.SpanKindClient || p.Kind == ptrace.SpanKindProducer
}

// owner returns the server span of n's service that a span n of a
// broken chain belongs to: the only one the trace knows, or else the
// innermost one whose time range holds n's, since a request's spans run
// within it (a self-call's server span runs within its caller's). nil when
// that cannot be told: n has no times, or a candidate has none.
func (t *Trace) owner(n *Node) *Node {
	var only, inner *Node
	count := 0
	ambiguous := false
	t.ForEachNode(func(s *Node) bool {
		if !s.Known || s.Kind != ptrace.SpanKindServer || !sameService(s, n) || t.below(s, n) {
			return true
		}
		count++
		only = s
		if s.End == 0 {
			ambiguous = true
			return true
		}
		if n.End != 0 && within(n, s) && (inner == nil || within(s, inner)) {
			inner = s
		}
		return true
	})
	switch {
	case count == 1:
		return only
	case ambiguous || n.End == 0:
		return nil
	}
	return inner
}

// below reports whether n is an ancestor of s: a server span that n's own
// call reached (a self-call's callee) runs inside n and cannot own it.
func (t *Trace) below(s, n *Node) bool {
	cur := s
	for d := 0; d < maxWalk && cur.Known && !cur.Parent.IsEmpty(); d++ {
		if cur.Parent == n.ID {
			return true
		}
		if cur = t.Lookup(cur.Parent); cur == nil {
			return false
		}
	}
	return false
}

// within reports whether a's time range lies in b's (differences, as
// compareStart, for the 32-bit wrap).
func within(a, b *Node) bool {
	return int32(a.Start-b.Start) >= 0 && int32(b.End-a.End) >= 0
}

// Downstream returns the server spans whose parent is the given client span:
// the other side of a call. Ordered by span id.
func (t *Trace) Downstream(client pcommon.SpanID, dst []*Node) []*Node {
	start := len(dst)
	t.forEachChild(client, func(n *Node) bool {
		if n.Kind == ptrace.SpanKindServer {
			dst = append(dst, n)
		}
		return true
	})
	slices.SortFunc(dst[start:], func(a, b *Node) int {
		return bytes.Compare(a.ID[:], b.ID[:])
	})
	return dst
}
