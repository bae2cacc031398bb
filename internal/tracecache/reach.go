package tracecache

import (
	"cmp"
	"encoding/binary"
	"slices"
	"sync"
	"sync/atomic"

	"go.opentelemetry.io/collector/pdata/pcommon"
	"go.opentelemetry.io/collector/pdata/ptrace"
)

// reach is a trace's index of who reaches whom, as of one version of its
// nodes: the children of each node and the evidence that a broken chain
// gives to its owner. A target then walks down its own subtree instead of
// walking up from every evidence node of the trace, so a diagnosis costs
// what its own request holds, not the trace's length; the index is built
// once per version and shared by every target of that version (the targets
// of a batch and the held spans diagnosed again).
//
// Nodes are numbered by ordinal: the trace's nodes in arrival order, then
// its detached nodes (placeOf). The lists are index+1 links, 0 ending them.
// They live in one buffer, a scratch that the traces share (reachScratch),
// and reach is a view of it: its lengths follow from the trace's counts,
// which change only with its version. The traces keep no memory for it: a
// trace that changed is indexed anew whatever it kept, and the index of a
// trace that did not change is usually still in the scratch.
type reach struct {
	// chunkStart is the ordinal of each chunk's first node; places the
	// place (nodeAt) of each ordinal.
	chunkStart, places []uint32
	// parent is the ordinal+1 of each known node's parent in the trace (0:
	// none: a walk up from it stops there); firstChild and nextSibling
	// link the nodes under it.
	parent, firstChild, nextSibling []uint32
	// orphans are the ordinals of the known nodes of the trace (not
	// detached) whose parent is empty or not in the trace, by parent id:
	// Downstream's and siblings' answers for a parent that is not a node of
	// the trace.
	orphans []uint32
	// ownFirst links, per ordinal, the evidence nodes (by index in
	// evidenceNodes, ownNext) of broken chains that the node owns
	// (Trace.owner), at ownDepth.
	ownFirst, ownNext, ownDepth []uint32
	// servers, onlyServer and untimed count, per service index (0: none),
	// the known server spans of the trace (not detached), the ordinal+1 of
	// the last one and those without times: owner's answer when no span
	// can be below the one it is asked for.
	servers, onlyServer, untimed []uint32
	// hits and stack are Attribute's room: an evidence node reaches a
	// target at most once, a walk down visits a node at most once.
	// A hit is a reachHit, a step of the walk down ordinal<<8 | depth.
	hits, stack []uint32
}

// reachHit is an evidence node (index in evidenceNodes) that reaches the
// target: index<<8 | depth<<1 | linked.
type reachHit uint32

func (h reachHit) evidence() uint32 { return uint32(h) >> 8 }
func (h reachHit) depth() int       { return int(uint32(h) >> 1 & 0x7f) }
func (h reachHit) linked() bool     { return h&1 != 0 }

func hitOf(evidence uint32, depth int, linked bool) uint32 {
	h := evidence<<8 | uint32(depth)<<1
	if linked {
		h |= 1
	}
	return h
}

// reachScratch holds an index and names the trace (serial) and version it
// was built for.
type reachScratch struct {
	serial, version uint64
	buf             []uint32
}

// reachScratches: one a goroutine that attributes (a cache is used by one
// goroutine at a time), the last one put back usually the next one got.
var reachScratches = sync.Pool{New: func() any { return new(reachScratch) }}

// traceSerials numbers the traces (Trace.serial); 0 is none.
var traceSerials atomic.Uint64

// reachIndex sets r to the trace's index, from a scratch that holds it or
// built anew (the nodes or the evidence changed since: version). The caller
// puts the scratch back (reachScratches) when done with r.
func (t *Trace) reachIndex(r *reach) *reachScratch {
	sc := reachScratches.Get().(*reachScratch)
	detached := 0
	if t.side != nil {
		detached = len(t.side.detached)
	}
	all, evidence, services := t.nodes+detached, len(t.evidenceNodes), len(t.services)+1
	// buf[0] counts the orphans.
	size := 1 + len(t.chunks) + 6*all + 3*evidence + t.nodes + 3*services
	built := t.serial != 0 && sc.serial == t.serial && sc.version == t.version
	if !built {
		if size > cap(sc.buf) {
			sc.buf = make([]uint32, size)
		}
		clear(sc.buf[:size])
	}
	buf := sc.buf[:size]
	take := func(n int) []uint32 {
		s := buf[:n:n]
		buf = buf[n:]
		return s
	}
	orphans := &take(1)[0]
	r.chunkStart, r.places = take(len(t.chunks)), take(all)
	r.parent, r.firstChild, r.nextSibling, r.ownFirst = take(all), take(all), take(all), take(all)
	r.servers, r.onlyServer, r.untimed = take(services), take(services), take(services)
	r.ownNext, r.ownDepth = take(evidence), take(evidence)
	r.orphans = take(t.nodes)[:*orphans]
	r.hits, r.stack = take(evidence)[:0], take(all)[:0]
	if !built {
		t.buildReach(r, detached)
		*orphans = uint32(len(r.orphans))
		sc.serial, sc.version = t.serial, t.version
	}
	return sc
}

// buildReach fills the lists of an empty index.
func (t *Trace) buildReach(r *reach, detached int) {
	all := len(r.places)
	ord := 0
	for c, chunk := range t.chunks {
		r.chunkStart[c] = uint32(ord)
		for i := range chunk {
			r.places[ord] = place(c, i)
			ord++
		}
	}
	for k := range detached {
		r.places[t.nodes+k] = detachedPlace | uint32(k)
	}
	for o := range all {
		n := t.nodeAt(r.places[o])
		if !n.Known {
			continue // a walk up stops at it
		}
		if o < t.nodes && n.Kind == ptrace.SpanKindServer {
			r.servers[n.service]++
			r.onlyServer[n.service] = uint32(o) + 1
			if n.End == 0 {
				r.untimed[n.service]++
			}
		}
		if !n.Parent.IsEmpty() {
			if p, ok := t.lookupPlace(n.Parent); ok {
				po := r.ordOf(p)
				r.parent[o] = po + 1
				r.nextSibling[o] = r.firstChild[po]
				r.firstChild[po] = uint32(o) + 1
				continue
			}
		}
		if o < t.nodes {
			r.orphans = append(r.orphans, uint32(o))
		}
	}
	byParent := func(a, b uint32) int { return cmp.Compare(r.parentKey(t, a), r.parentKey(t, b)) }
	if !slices.IsSortedFunc(r.orphans, byParent) { // often: roots, all of the empty id
		slices.SortFunc(r.orphans, byParent)
	}

	for i, at := range t.evidenceNodes {
		n, o := t.nodeAt(at), r.ordOfPlace(at, t.nodes)
		// A walk that meets no target, as one of n's service would see
		// it: only a walk that ends at a broken chain can be attributed
		// by owner.
		if _, linked, ok := t.walkUp(r, o, &Node{service: n.service}); !ok || linked {
			continue
		}
		owner := t.ownerIn(r, n)
		if owner == nil {
			continue
		}
		depth, linked, ok := t.walkUp(r, o, owner)
		if !ok || linked {
			continue // n is in the owner's subtree, or behind a boundary of its
		}
		p, _ := t.lookupPlace(owner.ID) // the owner is a node of the trace
		po := r.ordOf(p)
		r.ownNext[i] = r.ownFirst[po]
		r.ownFirst[po] = uint32(i) + 1
		r.ownDepth[i] = uint32(depth)
	}
}

// walkUp walks up from the node at ordinal o, by the index's parents. ok
// is false when the walk meets another server span (a downstream boundary)
// or reaches the root or maxWalk; linked is false when it meets an unknown
// ancestor (a broken chain) before reaching target.
func (t *Trace) walkUp(r *reach, o uint32, target *Node) (depth int, linked, ok bool) {
	for d := 0; d <= maxWalk; d++ {
		cur := t.nodeAt(r.places[o])
		if cur == target {
			return d, true, true
		}
		if t.boundaryAt(r, o, cur, target) {
			return 0, false, false
		}
		if !cur.Known {
			return d + 1, false, true
		}
		if cur.Parent.IsEmpty() {
			return 0, false, false
		}
		p := r.parent[o]
		if p == 0 {
			return d + 1, false, true
		}
		o = p - 1
	}
	return 0, false, false
}

// boundaryAt is isBoundary(n, target) for the node n at ordinal o, its
// parent read from the index.
func (t *Trace) boundaryAt(r *reach, o uint32, n, target *Node) bool {
	if !n.Known || n.Kind != ptrace.SpanKindServer || n == target {
		return false
	}
	if !sameService(n, target) {
		return true
	}
	if n.Parent.IsEmpty() {
		// A root: isBoundary would look up the empty id, but a walk stops
		// at a root either way, and a walk down never meets one.
		return true
	}
	p := r.parent[o]
	if p == 0 {
		return true
	}
	pn := t.nodeAt(r.places[p-1])
	return !pn.Known || pn.Kind == ptrace.SpanKindClient || pn.Kind == ptrace.SpanKindProducer
}

// ownerIn is owner(n), from the index's count of server spans when no
// span of the trace is a child of n (so none is below it): the sole server
// span of n's service, or none when one of them or n has no times; owner
// tells the others.
func (t *Trace) ownerIn(r *reach, n *Node) *Node {
	hasChild := false
	t.childrenOf(r, n.ID, func(*Node) bool {
		hasChild = true
		return false
	})
	s := n.service
	switch {
	case hasChild:
	case r.servers[s] == 1:
		return t.nodeAt(r.places[r.onlyServer[s]-1])
	case r.servers[s] == 0 || r.untimed[s] != 0 || n.End == 0:
		return nil
	}
	return t.owner(n)
}

// ordOfPlace is the ordinal of a place of the trace, nodes the trace's
// count of nodes (not detached).
func (r *reach) ordOfPlace(at uint32, nodes int) uint32 {
	if at&detachedPlace != 0 {
		return uint32(nodes) + at&^detachedPlace
	}
	return r.ordOf(at)
}

// ordOf is the ordinal of a place of the trace's nodes (not detached).
func (r *reach) ordOf(p uint32) uint32 {
	return r.chunkStart[p>>placeBits] + p&(1<<placeBits-1)
}

// lookupPlace is Lookup's place.
func (t *Trace) lookupPlace(id pcommon.SpanID) (uint32, bool) {
	if t.index != nil {
		at, ok := t.index[id]
		return at, ok
	}
	for c, chunk := range t.chunks {
		for i := range chunk {
			if chunk[i].ID == id {
				return place(c, i), true
			}
		}
	}
	return 0, false
}

// ordOfNode is the ordinal of target when it is a node of the trace that
// Lookup finds (not detached: no walk up reaches a detached node).
func (t *Trace) ordOfNode(r *reach, n *Node) (uint32, bool) {
	if n.detached {
		return 0, false
	}
	p, ok := t.lookupPlace(n.ID)
	if !ok || t.nodeAt(p) != n {
		return 0, false
	}
	return r.ordOf(p), true
}

// reachOf collects into r.hits the evidence nodes whose walk up (walkUp)
// attributes them to target: its own, those of its subtree within its
// boundaries, and those of broken chains it owns.
func (t *Trace) reachOf(r *reach, target *Node) []uint32 {
	hits := r.hits[:0]
	if ev := t.evidenceOf(target); ev != 0 {
		hits = append(hits, hitOf(ev-1, 0, true))
	}
	if to, ok := t.ordOfNode(r, target); ok {
		stack := r.stack[:0]
		for c := r.firstChild[to]; c != 0; c = r.nextSibling[c-1] {
			stack = append(stack, (c-1)<<8|1)
		}
		for len(stack) > 0 {
			s := stack[len(stack)-1]
			stack = stack[:len(stack)-1]
			o, depth := s>>8, s&0xff
			n := t.nodeAt(r.places[o])
			if n == target || t.boundaryAt(r, o, n, target) {
				continue
			}
			if ev := t.evidenceOf(n); ev != 0 {
				hits = append(hits, hitOf(ev-1, int(depth), true))
			}
			if depth < maxWalk {
				for c := r.firstChild[o]; c != 0; c = r.nextSibling[c-1] {
					stack = append(stack, (c-1)<<8|(depth+1))
				}
			}
		}
		for i := r.ownFirst[to]; i != 0; i = r.ownNext[i-1] {
			hits = append(hits, hitOf(i-1, int(r.ownDepth[i-1]), false))
		}
	}
	// In the order of the evidence, as a walk over it would find them.
	slices.Sort(hits)
	return hits
}

// evidenceOf is the index+1 of n in the trace's evidenceNodes, 0: none.
func (t *Trace) evidenceOf(n *Node) uint32 {
	if n.extra == 0 {
		return 0
	}
	return t.extras[n.extra-1].evidence
}

// forEachChild calls f for each known node of the trace (not detached)
// whose parent is id, until f returns false.
func (t *Trace) forEachChild(id pcommon.SpanID, f func(*Node) bool) {
	var r reach
	sc := t.reachIndex(&r)
	t.childrenOf(&r, id, f)
	reachScratches.Put(sc)
}

func (t *Trace) childrenOf(r *reach, id pcommon.SpanID, f func(*Node) bool) {
	if !id.IsEmpty() {
		if p, ok := t.lookupPlace(id); ok {
			for c := r.firstChild[r.ordOf(p)]; c != 0; c = r.nextSibling[c-1] {
				if int(c-1) < t.nodes && !f(t.nodeAt(r.places[c-1])) {
					return
				}
			}
			return
		}
	}
	key := binary.BigEndian.Uint64(id[:])
	i, _ := slices.BinarySearchFunc(r.orphans, key, func(o uint32, key uint64) int { return cmp.Compare(r.parentKey(t, o), key) })
	for ; i < len(r.orphans) && r.parentKey(t, r.orphans[i]) == key; i++ {
		if !f(t.nodeAt(r.places[r.orphans[i]])) {
			return
		}
	}
}

// parentKey is the parent id of the node at ordinal o, as a number to order by.
func (r *reach) parentKey(t *Trace, o uint32) uint64 {
	return binary.BigEndian.Uint64(t.nodeAt(r.places[o]).Parent[:])
}
