// Package tracecache remembers, per trace, the few facts needed to attribute
// evidence that arrives in other batches: parent links of the spans that
// matter, evidence summaries of error-ish spans and the diagnoses already
// released. Never whole spans. Bounded by count of traces, nodes per trace,
// nodes in all and by a TTL. Not safe for concurrent use: the engine
// (internal/engine) serialises access.
package tracecache // import "github.com/errordiagnosis/errordiagnosisprocessor/internal/tracecache"

import (
	"strings"
	"time"
	"unsafe"

	"go.opentelemetry.io/collector/pdata/pcommon"
	"go.opentelemetry.io/collector/pdata/ptrace"

	"github.com/errordiagnosis/errordiagnosisprocessor/internal/diagnosis"
)

// Limits bound the cache.
type Limits struct {
	// MaxTraces is the number of traces remembered at once.
	MaxTraces int
	// MaxNodesPerTrace is the number of spans of one trace remembered.
	MaxNodesPerTrace int
	// MaxNodes is the number of spans remembered in all traces.
	MaxNodes int
	// MaxEvidenceNodes is the number of spans with evidence per trace.
	MaxEvidenceNodes int
	// MaxEvidencePerNode is the number of evidence items of one span (its
	// exception events and the exception log records that name it).
	MaxEvidencePerNode int
	// TTL is how long a trace is remembered after it was last seen.
	TTL time.Duration
	// MaxBytes bounds the memory of all traces (see Cache.Bytes); 0: no bound.
	MaxBytes int
}

// ForgetReason says why a trace was forgotten.
type ForgetReason uint8

const (
	// ForgetTTL: not seen for TTL.
	ForgetTTL ForgetReason = iota
	// ForgetMaxTraces: MaxTraces traces, or MaxNodes nodes, were remembered.
	ForgetMaxTraces
	// ForgetMaxBytes: the traces took more than MaxBytes.
	ForgetMaxBytes
)

// Node is what is remembered of one span. It holds no pointer, so the
// garbage collector never scans the chunks of nodes: the service name, the
// evidence and the decision live in the trace, by index (see the Trace
// methods of the same names).
type Node struct {
	ID     pcommon.SpanID
	Parent pcommon.SpanID
	Kind   ptrace.SpanKind
	// Status is the HTTP response status of the span, when it is a target.
	Status int32
	// Known is false for a node created only by a log record, before its span arrived.
	Known bool
	// detached: a node the budget left out of its trace (see Detached).
	detached bool
	// Failed: the span's status is Error or it recorded an exception.
	Failed  bool
	service uint16 // index+1 in Trace.services; 0: none
	extra   uint32 // index+1 in Trace.extras; 0: none
	// Op identifies the operation of a client span (evidence.OperationKey),
	// 0 for other spans. Start and End are the span's times in
	// microseconds, truncated to 32 bits (see Micros), End 0 when not kept:
	// enough to see a retry (the same operation again under the same parent,
	// after the failed attempt) and which request a span of a broken chain
	// ran in (Trace.owner).
	Op         uint32
	Start, End uint32
}

// clientTimes reports whether n is a client span with its times kept.
func (n *Node) clientTimes() bool { return n.Kind == ptrace.SpanKindClient && n.End != 0 }

// Detached returns a node for a span that the node budget leaves out of its
// trace: a target or a span with evidence is never skipped. Lookup does not
// find it; the trace keeps it only through its evidence (within
// MaxEvidenceNodes), and what only a look-up would read (its released
// diagnosis) is not kept, so a trace that never ends keeps no more than its
// limits.
func Detached(id pcommon.SpanID) *Node { return &Node{ID: id, detached: true} }

// nodeExtra is what only some nodes have: evidence, a released decision.
// It holds no pointer: the items are the trace's (packed.go), by index.
type nodeExtra struct {
	// first and last are the index+1 of the node's first and last packed
	// item in Trace.items, 0: none; packed counts them. borrowed is the
	// index+1 of its items in Trace.borrowed, in a cache of one batch.
	first, last, packed, borrowed uint32
	// evidence is the index+1 of the node in Trace.evidenceNodes, 0: none.
	evidence uint32
	// decided is the index+1 of the node's released diagnosis in
	// Trace.decisions, 0: none.
	decided uint32
}

// Decided is a released diagnosis, kept for callers that want it as root cause.
type Decided struct {
	Category diagnosis.Category
	Cause    string
	// RootCategory and RootService: for a dependency failure, the deepest
	// known cause down the chain of calls.
	RootCategory diagnosis.Category
	RootService  string
}

// Trace is what is remembered of one trace.
type Trace struct {
	ID pcommon.TraceID
	// chunks hold the nodes in arrival order. A chunk never grows past its
	// capacity, so a *Node stays valid; a few chunks instead of an object
	// per node keep the garbage collector's work per trace small.
	chunks [][]Node
	nodes  int
	// index finds a node (its place, nodeAt) once the trace outgrows a
	// linear scan; nil before.
	index map[pcommon.SpanID]uint32
	// services are the service names of the nodes, each once, in text.
	services []textRef
	// extras hold the evidence and decision of the nodes that have one;
	// items and text are the arenas of their packed evidence (packed.go),
	// side the items of a cache of one batch (batch.go).
	extras []nodeExtra
	items  []packedItem
	// text is the text chunk appended to, texts the full ones before it
	// (packed.go: reserveText), textLen the bytes in texts.
	text  strings.Builder
	texts []string
	// decisions are the released diagnoses of the nodes (nodeExtra.decided),
	// their texts in text.
	decisions []decidedRef
	// evidenceNodes are the places (nodeAt) of the nodes with evidence, in
	// arrival order; side keeps the detached ones among them.
	evidenceNodes []uint32
	side          *traceSide
	// version changes whenever a node may have changed (the recorder sets a
	// node's fields between AddNode and Touch, both of which count) or a
	// node gained evidence. serial tells the trace from any other, even
	// one at the same address (a recycled trace): the index of who reaches
	// whom (reach.go) is shared by all traces and names the serial and
	// version it was built for.
	version, serial uint64
	// Diagnosed: a target of this trace was diagnosed and released.
	Diagnosed bool
	// FailedCall: a failed client span of the trace is being recorded, set
	// by the caller; in a batch-only cache the operation of a client span
	// (Node.Op) matters only then.
	FailedCall bool
	textLen    uint32
	// batch is the Cache.batch that last touched the trace (FirstTouch).
	batch    uint64
	lastSeen time.Time
	// prev and next link the traces in the cache's LRU order; inLRU is
	// false once the trace is forgotten.
	prev, next *Trace
	inLRU      bool
	// bytes is the memory the trace accounts for, also added to *total,
	// the cache's sum (see Cache.Bytes).
	bytes int
	total *int
}

// traceSide is what few traces have, apart so that every trace is smaller:
// the detached nodes with evidence (placeOf) and, in a cache of one batch,
// the items borrowed from it (batch.go).
type traceSide struct {
	borrowed [][]diagnosis.Evidence
	detached []*Node
}

// sideOf returns the trace's side, adding one when it has none.
func (t *Trace) sideOf() *traceSide {
	if t.side == nil {
		t.side = &traceSide{}
		t.grow(sideSize)
	}
	return t.side
}

// maxServices bounds the service names of one trace; the nodes of further
// services are of no service.
const maxServices = 256

// Filter sizes: between 4 and 32 one-byte buckets per remembered trace (see
// fitFilter), at least minFilter, at most 4 per max_traces and maxFilter
// (4 MiB, a million traces).
const (
	minFilter = 64
	maxFilter = 1 << 22
)

// Cache is the set of remembered traces.
type Cache struct {
	limits Limits
	traces map[pcommon.TraceID]*Trace
	lru    lruList
	// forgotten are the traces Remember and Expired forgot since the last
	// TakeForgotten, for the caller to release what it keeps for them.
	forgotten []Forgot
	// batch numbers the batches (BeginBatch), for FirstTouch.
	batch uint64
	nodes int
	bytes int
	// filter counts traces per hash bucket, a cheap pre-check before the
	// map that every run of spans of a batch goes through. Its size follows
	// the number of traces remembered (see fitFilter), not max_traces: a
	// cache of a few thousand traces keeps a filter of a few KiB in the CPU
	// cache instead of probing one sized for max_traces (512 KiB by
	// default) at random. A bucket that reaches 255 stays there until the
	// next resize recounts it: only more map look-ups, never a missed trace.
	filter     []uint8
	filterMask uint32
	// maxFilterSize is the largest filter for limits.MaxTraces.
	maxFilterSize int
	// batchOnly and spare: see SetBatchOnly.
	batchOnly bool
	spare     []*Trace
	// pressure is the last trace forgotten for a budget: see Horizon.
	pressure pressure
}

// pressure is when a budget (max_traces, the node or the byte budget) last
// forgot a trace, why, and how long after the trace was last seen.
type pressure struct {
	at  time.Time
	age time.Duration
	why ForgetReason
}

// New returns an empty cache.
func New(limits Limits) *Cache {
	c := &Cache{traces: make(map[pcommon.TraceID]*Trace)}
	c.Reset(limits)
	return c
}

// Reset empties the cache and sets new limits, keeping its memory: a cache
// per batch (wait_duration 0) is reused instead of allocated each time.
func (c *Cache) Reset(limits Limits) {
	c.limits = limits
	for t := c.lru.front; t != nil; {
		next := t.next
		t.prev, t.next, t.inLRU = nil, nil, false
		t = next
	}
	c.lru = lruList{}
	if c.batchOnly {
		c.keepSpare()
	}
	clear(c.traces)
	c.nodes = 0
	c.bytes = 0
	c.pressure = pressure{}
	clear(c.forgotten)
	c.forgotten = c.forgotten[:0]
	c.maxFilterSize = filterSize(4 * limits.MaxTraces)
	c.resizeFilter(minFilter)
}

// filterSize is the smallest power of two >= n within the filter bounds.
func filterSize(n int) int {
	size := minFilter
	for size < maxFilter && size < n {
		size <<= 1
	}
	return size
}

// fitFilter resizes the filter to 16 to 32 buckets per trace when the number
// of traces left the range of 4 to 32 buckets per trace: a resize recounts
// about as many traces as were added or removed since the last one.
func (c *Cache) fitFilter() {
	n, size := len(c.traces), len(c.filter)
	switch {
	case 4*n > size && size < c.maxFilterSize:
		c.resizeFilter(min(filterSize(16*n), c.maxFilterSize))
	case 32*n < size && size > minFilter:
		c.resizeFilter(filterSize(16 * n))
	}
}

// resizeFilter sets the filter size and recounts the remembered traces.
func (c *Cache) resizeFilter(size int) {
	if cap(c.filter) >= size {
		c.filter = c.filter[:size]
		clear(c.filter)
	} else {
		c.filter = make([]uint8, size)
	}
	c.filterMask = uint32(size - 1)
	for id := range c.traces {
		if b := c.bucket(id); c.filter[b] < 255 {
			c.filter[b]++
		}
	}
}

// Bucket24 is the part of a trace id the filter looks at. Trace ids are
// random (W3C): the last bytes are as good as a hash.
func Bucket24(id pcommon.TraceID) uint32 {
	return uint32(id[13])<<16 | uint32(id[14])<<8 | uint32(id[15])
}

func (c *Cache) bucket(id pcommon.TraceID) uint32 {
	return Bucket24(id) & c.filterMask
}

// MayContain reports whether a trace whose Bucket24 is b may be remembered:
// false means it is not, without a map look-up.
func (c *Cache) MayContain(b uint32) bool {
	return len(c.traces) > 0 && c.filter[b&c.filterMask] != 0
}

// Len is the number of traces remembered.
func (c *Cache) Len() int { return len(c.traces) }

// NodeCount is the number of spans remembered in all traces.
func (c *Cache) NodeCount() int { return c.nodes }

// Bytes is the memory the remembered traces account for: what each trace
// allocated for its nodes, service names, evidence items and their text,
// and a fixed share per trace of the cache's map and filter (see the size
// constants). A node's evidence texts are its own copy (packed.go); the
// service names of the nodes are counted once a trace. Checked against the
// live heap by TestBytesAccounted.
func (c *Cache) Bytes() int { return c.bytes }

// Forgot is a trace Remember or Expired forgot, and why.
type Forgot struct {
	Trace *Trace
	Why   ForgetReason
}

// TakeForgotten appends the traces forgotten since the last call to dst,
// in the order they were forgotten, so that what the caller keeps for them
// (held spans) can be released; the cache keeps them until then.
func (c *Cache) TakeForgotten(dst []Forgot) []Forgot {
	dst = append(dst, c.forgotten...)
	clear(c.forgotten)
	c.forgotten = c.forgotten[:0]
	return dst
}

// BeginBatch starts a batch: FirstTouch reports each trace once per batch.
func (c *Cache) BeginBatch() { c.batch++ }

// FirstTouch reports whether the trace is touched for the first time in the
// current batch, and marks it touched.
func (c *Cache) FirstTouch(t *Trace) bool {
	if t.batch == c.batch {
		return false
	}
	t.batch = c.batch
	return true
}

// Get returns the trace or nil. Cheap when the trace is not remembered.
func (c *Cache) Get(id pcommon.TraceID) *Trace {
	if len(c.traces) == 0 || c.filter[c.bucket(id)] == 0 {
		return nil
	}
	return c.traces[id]
}

// Remember returns the trace, seen now, and starts remembering it when it
// is new. A new trace beyond MaxTraces forgets the least recently seen trace
// first (see TakeForgotten).
func (c *Cache) Remember(id pcommon.TraceID, now time.Time) *Trace {
	if t := c.Get(id); t != nil {
		c.touch(t, now)
		return t
	}
	for len(c.traces) >= c.limits.MaxTraces && c.lru.back != nil {
		c.forgetTrace(c.lru.back, ForgetMaxTraces, now)
	}
	t := c.newTrace(id, now)
	c.lru.pushFront(t)
	c.traces[id] = t
	if b := c.bucket(id); c.filter[b] < 255 {
		c.filter[b]++
	}
	c.fitFilter()
	return t
}

// Touch marks the trace as seen now.
func (c *Cache) touch(t *Trace, now time.Time) {
	t.lastSeen = now
	t.version++
	if t.inLRU && c.lru.front != t {
		c.lru.remove(t)
		c.lru.pushFront(t)
	}
}

// Touch marks the trace as seen now.
func (c *Cache) Touch(t *Trace, now time.Time) { c.touch(t, now) }

// AddNode returns the node of a span in the trace, adding it when it is new
// and the limits allow; nil when they do not.
func (c *Cache) AddNode(t *Trace, id pcommon.SpanID) *Node {
	t.version++
	if n := t.Lookup(id); n != nil {
		return n
	}
	if t.nodes >= c.limits.MaxNodesPerTrace || c.nodes >= c.limits.MaxNodes {
		return nil
	}
	c.nodes++
	return t.add(id)
}

// Expect sizes the first chunk of nodes of a trace that has none for about
// spans spans (within [minChunk, maxChunk]): the spans of a trace usually
// arrive together, and a chunk of their number takes less than the doubling
// chunks that would hold them. A batch-only cache keeps its recycled chunks.
func (c *Cache) Expect(t *Trace, spans int) {
	if c.batchOnly || cap(t.chunks) > 0 {
		return
	}
	size := min(max(spans, minChunk), maxChunk)
	t.chunks = append(t.chunks, make([]Node, 0, size))
	t.grown(0, cap(t.chunks), chunkSize)
	t.grow(size * nodeSize)
}

// Sizes of what a trace allocates, in bytes. The struct sizes are the
// compiler's; the map and filter shares are measured (TestBytesAccounted):
// a Go map entry costs its key and value over the load factor plus control
// bytes, and the filter keeps up to 32 one-byte buckets per trace.
const (
	nodeSize       = int(unsafe.Sizeof(Node{}))
	extraSize      = int(unsafe.Sizeof(nodeExtra{}))
	decidedSize    = int(unsafe.Sizeof(decidedRef{}))
	packedItemSize = int(unsafe.Sizeof(packedItem{}))
	textRefSize    = int(unsafe.Sizeof(textRef{}))
	pointerSize    = int(unsafe.Sizeof((*Node)(nil)))
	placeSize      = int(unsafe.Sizeof(uint32(0)))
	chunkSize      = int(unsafe.Sizeof([]Node(nil)))
	stringSize     = int(unsafe.Sizeof(""))
	borrowedSize   = int(unsafe.Sizeof([]diagnosis.Evidence(nil)))
	sideSize       = int(unsafe.Sizeof(traceSide{}))
	// traceSize: the Trace, its entry in the cache's map (a 16-byte key and
	// a pointer) and its share of the filter.
	traceSize = int(unsafe.Sizeof(Trace{})) + 48 + 32
	// indexEntrySize: an entry of a trace's node index (an 8-byte key and a
	// pointer), the map sized for twice the nodes.
	indexEntrySize = 48
)

// grow adds n bytes to the memory the trace accounts for.
func (t *Trace) grow(n int) {
	t.bytes += n
	if t.total != nil {
		*t.total += n
	}
}

// grown accounts for the growth of a slice's backing array, from capacity
// before to after, of elements of size bytes.
func (t *Trace) grown(before, after, size int) {
	if after > before {
		t.grow((after - before) * size)
	}
}

// Chunk sizes: the first chunk fits a typical failing trace; each next one
// doubles, up to maxChunk.
const (
	firstChunk = 16
	// firstExtras is the first capacity of a trace's extras.
	firstExtras = 4
	minChunk    = 4
	maxChunk    = 256
	// linearNodes is the size up to which a look-up scans the nodes: cheaper
	// than a map for the small traces most are, and no map to allocate.
	linearNodes = 32
)

// Lookup returns the node of a span, or nil.
func (t *Trace) Lookup(id pcommon.SpanID) *Node {
	if t.index != nil {
		if at, ok := t.index[id]; ok {
			return t.nodeAt(at)
		}
		return nil
	}
	for _, chunk := range t.chunks {
		for i := range chunk {
			if chunk[i].ID == id {
				return &chunk[i]
			}
		}
	}
	return nil
}

// A node's place in its trace: chunk<<16 | index in the chunk, or
// detachedPlace | index in Trace.detached. Places instead of pointers keep
// the trace's lists of nodes pointer-free (evidenceNodes, owners, index).
const (
	placeBits     = 16
	detachedPlace = 1 << 31
)

func place(chunk, i int) uint32 { return uint32(chunk)<<placeBits | uint32(i) }

// nodeAt returns the node at a place of the trace.
func (t *Trace) nodeAt(at uint32) *Node {
	if at&detachedPlace != 0 {
		return t.side.detached[at&^detachedPlace]
	}
	return &t.chunks[at>>placeBits][at&(1<<placeBits-1)]
}

// placeOf returns the place of a node of the trace, keeping a detached
// node in the trace (it has no other place).
func (t *Trace) placeOf(n *Node) uint32 {
	if n.detached {
		s := t.sideOf()
		before := cap(s.detached)
		s.detached = append(s.detached, n)
		t.grown(before, cap(s.detached), pointerSize)
		return detachedPlace | uint32(len(s.detached)-1)
	}
	// From the last node: a node gets its evidence as it is recorded.
	for c := len(t.chunks) - 1; c >= 0; c-- {
		for i := len(t.chunks[c]) - 1; i >= 0; i-- {
			if &t.chunks[c][i] == n {
				return place(c, i)
			}
		}
	}
	panic("tracecache: a node of another trace")
}

func (t *Trace) add(id pcommon.SpanID) *Node {
	last := len(t.chunks) - 1
	if last < 0 || len(t.chunks[last]) == cap(t.chunks[last]) {
		size := firstChunk
		if last >= 0 {
			size = min(2*cap(t.chunks[last]), maxChunk)
		}
		if last+1 < cap(t.chunks) && cap(t.chunks[:last+2][last+1]) == size {
			t.chunks = t.chunks[:last+2] // a chunk kept by recycle, accounted for by newTrace
		} else {
			before := cap(t.chunks)
			t.chunks = append(t.chunks, make([]Node, 0, size))
			t.grown(before, cap(t.chunks), chunkSize)
			t.grow(size * nodeSize)
		}
		last++
	}
	t.chunks[last] = append(t.chunks[last], Node{ID: id})
	n := &t.chunks[last][len(t.chunks[last])-1]
	t.nodes++
	switch {
	case t.index != nil:
		t.index[id] = place(last, len(t.chunks[last])-1)
		t.grow(indexEntrySize)
	case t.nodes > linearNodes:
		t.index = make(map[pcommon.SpanID]uint32, 2*t.nodes)
		t.grow(t.nodes * indexEntrySize)
		for c, chunk := range t.chunks {
			for i := range chunk {
				t.index[chunk[i].ID] = place(c, i)
			}
		}
	}
	return n
}

// NodeCount is the number of spans of the trace remembered.
func (t *Trace) NodeCount() int { return t.nodes }

// ForEachNode calls f for every node, in arrival order, until f returns false.
func (t *Trace) ForEachNode(f func(*Node) bool) {
	for _, chunk := range t.chunks {
		for i := range chunk {
			if !f(&chunk[i]) {
				return
			}
		}
	}
}

// AddEvidence appends evidence to a node, within MaxEvidenceNodes per trace
// and MaxEvidencePerNode per node; it reports whether all of it was kept.
func (c *Cache) AddEvidence(t *Trace, n *Node, items []diagnosis.Evidence) bool {
	if len(items) == 0 {
		return true
	}
	have := t.EvidenceLen(n)
	if have == 0 {
		if len(t.evidenceNodes) >= c.limits.MaxEvidenceNodes {
			return false
		}
		before := cap(t.evidenceNodes)
		t.evidenceNodes = append(t.evidenceNodes, t.placeOf(n))
		t.grown(before, cap(t.evidenceNodes), placeSize)
		if n.detached {
			t.grow(nodeSize) // allocated on its own (Detached)
		}
		t.extraOf(n).evidence = uint32(len(t.evidenceNodes))
		t.version++
	}
	all := true
	if room := c.limits.MaxEvidencePerNode - have; len(items) > room {
		items, all = items[:max(room, 0)], false
	}
	x := t.extraOf(n)
	if c.batchOnly {
		t.borrow(x, items)
		return all
	}
	t.pack(x, items)
	return all
}

// Service returns the service name of a node of the trace.
func (t *Trace) Service(n *Node) string {
	if n.service == 0 {
		return ""
	}
	return t.textOf(t.services[n.service-1])
}

// SetService sets the service name of a node of the trace.
func (t *Trace) SetService(n *Node, service string) {
	t.version++
	if service == "" {
		n.service = 0
		return
	}
	for i, s := range t.services {
		if t.textOf(s) == service {
			n.service = uint16(i + 1)
			return
		}
	}
	if len(t.services) == maxServices {
		n.service = 0 // beyond any real trace; the node is then of no service
		return
	}
	before := cap(t.services)
	t.services = append(t.services, t.keepText(service))
	t.grown(before, cap(t.services), textRefSize)
	n.service = uint16(len(t.services))
}

// sameService reports whether two nodes of the trace are of one service.
func sameService(a, b *Node) bool { return a.service == b.service }

// EvidenceLen is the number of evidence items of a node of the trace.
func (t *Trace) EvidenceLen(n *Node) int {
	if n.extra == 0 {
		return 0
	}
	x := &t.extras[n.extra-1]
	count := int(x.packed)
	if x.borrowed != 0 {
		count += len(t.side.borrowed[x.borrowed-1])
	}
	return count
}

// Evidence appends the evidence items of a node of the trace to dst, with
// their texts.
func (t *Trace) Evidence(n *Node, dst []diagnosis.Evidence) []diagnosis.Evidence {
	if n.extra == 0 {
		return dst
	}
	x := &t.extras[n.extra-1]
	if x.borrowed != 0 {
		dst = append(dst, t.side.borrowed[x.borrowed-1]...)
	}
	for i := x.first; i != 0; {
		dst = append(dst, diagnosis.Evidence{})
		p := &t.items[i-1]
		i = unpack(&dst[len(dst)-1], p, t.textChunk(p.chunk))
	}
	return dst
}

// Decided returns the released diagnosis of a node of the trace; ok is
// false when there is none.
func (t *Trace) Decided(n *Node) (d Decided, ok bool) {
	if n.extra == 0 {
		return Decided{}, false
	}
	x := &t.extras[n.extra-1]
	if x.decided == 0 {
		return Decided{}, false
	}
	r := &t.decisions[x.decided-1]
	return Decided{
		Category: diagnosis.Category(t.textOf(r.category)), Cause: t.textOf(r.cause),
		RootCategory: diagnosis.Category(t.textOf(r.rootCategory)), RootService: t.textOf(r.rootService),
	}, true
}

// decidedRef is a Decided kept in the trace's text.
type decidedRef struct {
	category, cause, rootCategory, rootService textRef
}

// SetDecided records the released diagnosis of a node of the trace; not for
// a detached node, which no look-up finds.
func (t *Trace) SetDecided(n *Node, d Decided) {
	if n.detached {
		return
	}
	x := t.extraOf(n)
	r := decidedRef{
		category: t.keepText(string(d.Category)), cause: t.keepText(d.Cause),
		rootCategory: t.keepText(string(d.RootCategory)), rootService: t.keepText(d.RootService),
	}
	if x.decided != 0 {
		t.decisions[x.decided-1] = r
		return
	}
	before := cap(t.decisions)
	t.decisions = append(t.decisions, r)
	t.grown(before, cap(t.decisions), decidedSize)
	x.decided = uint32(len(t.decisions))
}

// extraOf returns the extra of a node, adding one when it has none. The
// pointer is valid until the next call.
func (t *Trace) extraOf(n *Node) *nodeExtra {
	if n.extra == 0 {
		before := cap(t.extras)
		if before == 0 {
			// A failing trace's target and the spans of its evidence: one
			// allocation rather than three doublings.
			t.extras = make([]nodeExtra, 0, firstExtras)
		}
		t.extras = append(t.extras, nodeExtra{})
		t.grown(before, cap(t.extras), extraSize)
		n.extra = uint32(len(t.extras))
	}
	return &t.extras[n.extra-1]
}

// Remove forgets a trace; nothing when it is not remembered (removed
// before, or remembered before a Reset). A trace is in the map exactly
// while it is in the LRU list, so inLRU says so without a look-up.
func (c *Cache) Remove(t *Trace) {
	if !t.inLRU {
		return
	}
	delete(c.traces, t.ID)
	if b := c.bucket(t.ID); c.filter[b] < 255 {
		c.filter[b]--
	}
	c.fitFilter()
	c.nodes -= t.nodes
	c.bytes -= t.bytes
	t.total = nil
	c.lru.remove(t)
}

// forgetTrace removes a trace and keeps it for TakeForgotten.
func (c *Cache) forgetTrace(t *Trace, why ForgetReason, now time.Time) {
	if why != ForgetTTL {
		c.pressure = pressure{at: now, age: now.Sub(t.lastSeen), why: why}
	}
	c.Remove(t)
	c.forgotten = append(c.forgotten, Forgot{Trace: t, Why: why})
}

// Expired forgets the traces not seen for TTL, and the least recently seen
// traces while the node or the byte budget is exceeded (see TakeForgotten).
func (c *Cache) Expired(now time.Time) {
	for t := c.lru.back; t != nil; {
		prev := t.prev
		var why ForgetReason
		switch {
		case now.Sub(t.lastSeen) >= c.limits.TTL:
			why = ForgetTTL
		case c.nodes > c.limits.MaxNodes:
			why = ForgetMaxTraces
		case c.limits.MaxBytes > 0 && c.bytes > c.limits.MaxBytes:
			why = ForgetMaxBytes
		default:
			return
		}
		c.forgetTrace(t, why, now)
		t = prev
	}
}

// Horizon is how long the cache keeps a trace under pressure: when a budget
// forgot a trace within the last `within`, age is how long after that trace
// was last seen, why is the budget, and ok is true. A trace seen now is
// then likely forgotten about age from now unless more of it arrives, and
// with it anything kept for it (see TakeForgotten).
func (c *Cache) Horizon(now time.Time, within time.Duration) (age time.Duration, why ForgetReason, ok bool) {
	p := c.pressure
	if p.at.IsZero() || now.Sub(p.at) > within {
		return 0, 0, false
	}
	return p.age, p.why, true
}

// lruList links the traces from the most (front) to the least (back)
// recently seen, through the traces themselves: no element object per trace.
type lruList struct {
	front, back *Trace
}

func (l *lruList) pushFront(t *Trace) {
	t.prev, t.next, t.inLRU = nil, l.front, true
	if l.front != nil {
		l.front.prev = t
	} else {
		l.back = t
	}
	l.front = t
}

func (l *lruList) remove(t *Trace) {
	if t.prev != nil {
		t.prev.next = t.next
	} else {
		l.front = t.next
	}
	if t.next != nil {
		t.next.prev = t.prev
	} else {
		l.back = t.prev
	}
	t.prev, t.next, t.inLRU = nil, nil, false
}
