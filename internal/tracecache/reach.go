package tracecache

import (
	"bytes"
	"slices"
	"unsafe"

	"go.opentelemetry.io/collector/pdata/pcommon"
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
type reach struct {
	version uint64
	built   bool
	// buf holds the lists below, one allocation for all.
	buf []uint32
	// chunkStart is the ordinal of each chunk's first node; places the
	// place (nodeAt) of each ordinal.
	chunkStart, places []uint32
	// firstChild and nextSibling link each known node that has a parent in
	// the trace under that parent: a walk up from it steps there.
	firstChild, nextSibling []uint32
	// orphans are the ordinals of the known nodes of the trace (not
	// detached) whose parent is empty or not in the trace, by parent id:
	// Downstream's and siblings' answers for a parent that is not a node of
	// the trace.
	orphans []uint32
	// ownFirst links, per ordinal, the evidence nodes (by index in
	// evidenceNodes, ownNext) of broken chains that the node owns
	// (Trace.owner), at ownDepth.
	ownFirst, ownNext, ownDepth []uint32
	// hits and stack are Attribute's room: an evidence node reaches a
	// target at most once, a walk down visits a node at most once.
	hits  []reachHit
	stack []reachStep
}

// reachHit is an evidence node (index in evidenceNodes) that reaches the
// target: index<<8 | depth<<1 | linked.
type reachHit uint32

func (h reachHit) evidence() uint32 { return uint32(h) >> 8 }
func (h reachHit) depth() int       { return int(uint32(h) >> 1 & 0x7f) }
func (h reachHit) linked() bool     { return h&1 != 0 }

func hit(evidence uint32, depth int, linked bool) reachHit {
	h := reachHit(evidence<<8 | uint32(depth)<<1)
	if linked {
		h |= 1
	}
	return h
}

// reachStep is a node of a walk down: ordinal<<8 | depth.
type reachStep uint32

const reachSize = int(unsafe.Sizeof(reach{}))

// reachIndex returns the trace's index, built anew when the nodes or the
// evidence changed since (version).
func (t *Trace) reachIndex() *reach {
	if t.reach == nil {
		t.reach = &reach{}
		t.grow(reachSize)
	}
	r := t.reach
	if r.built && r.version == t.version {
		return r
	}
	r.version, r.built = t.version, true
	t.buildReach(r)
	return r
}

func (t *Trace) buildReach(r *reach) {
	detached := 0
	if t.side != nil {
		detached = len(t.side.detached)
	}
	all, evidence := t.nodes+detached, len(t.evidenceNodes)
	size := len(t.chunks) + 5*all + 3*evidence + t.nodes
	before := cap(r.buf)
	if size > before {
		r.buf = make([]uint32, size)
		t.grown(before, size, placeSize)
	}
	buf := r.buf[:size]
	clear(buf)
	take := func(n int) []uint32 {
		s := buf[:n:n]
		buf = buf[n:]
		return s
	}
	r.chunkStart, r.places = take(len(t.chunks)), take(all)
	r.firstChild, r.nextSibling, r.ownFirst = take(all), take(all), take(all)
	r.ownNext, r.ownDepth = take(evidence), take(evidence)
	r.orphans = take(t.nodes)[:0]
	hits, stack := take(evidence), take(all)
	r.hits = unsafe.Slice((*reachHit)(unsafe.SliceData(hits)), len(hits))[:0]
	r.stack = unsafe.Slice((*reachStep)(unsafe.SliceData(stack)), len(stack))[:0]

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
		if !n.Parent.IsEmpty() {
			if p, ok := t.lookupPlace(n.Parent); ok {
				po := r.ordOf(p)
				r.nextSibling[o] = r.firstChild[po]
				r.firstChild[po] = uint32(o) + 1
				continue
			}
		}
		if o < t.nodes {
			r.orphans = append(r.orphans, uint32(o))
		}
	}
	slices.SortFunc(r.orphans, func(a, b uint32) int {
		return bytes.Compare(t.nodeAt(r.places[a]).Parent[:], t.nodeAt(r.places[b]).Parent[:])
	})

	for i, at := range t.evidenceNodes {
		n := t.nodeAt(at)
		// A walk that meets no target, as one of n's service would see
		// it: only a walk that ends at a broken chain can be attributed
		// by owner.
		if _, linked, ok := t.depthTo(n, &Node{service: n.service}); !ok || linked {
			continue
		}
		o := t.owner(n)
		if o == nil {
			continue
		}
		depth, linked, ok := t.depthTo(n, o)
		if !ok || linked {
			continue // n is in o's subtree, or behind a boundary of o's
		}
		p, _ := t.lookupPlace(o.ID) // o is a node of the trace
		po := r.ordOf(p)
		r.ownNext[i] = r.ownFirst[po]
		r.ownFirst[po] = uint32(i) + 1
		r.ownDepth[i] = uint32(depth)
	}
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

// reachOf collects into r.hits the evidence nodes whose walk up (depthTo)
// attributes them to target: its own, those of its subtree within its
// boundaries, and those of broken chains it owns.
func (t *Trace) reachOf(r *reach, target *Node) []reachHit {
	hits := r.hits[:0]
	if ev := t.evidenceOf(target); ev != 0 {
		hits = append(hits, hit(ev-1, 0, true))
	}
	if to, ok := t.ordOfNode(r, target); ok {
		stack := r.stack[:0]
		for c := r.firstChild[to]; c != 0; c = r.nextSibling[c-1] {
			stack = append(stack, reachStep((c-1)<<8|1))
		}
		for len(stack) > 0 {
			s := stack[len(stack)-1]
			stack = stack[:len(stack)-1]
			o, depth := uint32(s)>>8, uint32(s)&0xff
			n := t.nodeAt(r.places[o])
			if n == target || t.isBoundary(n, target) {
				continue
			}
			if ev := t.evidenceOf(n); ev != 0 {
				hits = append(hits, hit(ev-1, int(depth), true))
			}
			if depth < maxWalk {
				for c := r.firstChild[o]; c != 0; c = r.nextSibling[c-1] {
					stack = append(stack, reachStep((c-1)<<8|(depth+1)))
				}
			}
		}
		for i := r.ownFirst[to]; i != 0; i = r.ownNext[i-1] {
			hits = append(hits, hit(i-1, int(r.ownDepth[i-1]), false))
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
	r := t.reachIndex()
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
	parent := func(o uint32) *pcommon.SpanID { return &t.nodeAt(r.places[o]).Parent }
	i, _ := slices.BinarySearchFunc(r.orphans, id, func(o uint32, id pcommon.SpanID) int { return bytes.Compare(parent(o)[:], id[:]) })
	for ; i < len(r.orphans) && *parent(r.orphans[i]) == id; i++ {
		if !f(t.nodeAt(r.places[r.orphans[i]])) {
			return
		}
	}
}

// kept is the memory of the index, in bytes, for Trace.kept.
func (r *reach) kept() int { return reachSize + cap(r.buf)*placeSize }
