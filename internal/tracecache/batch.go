package tracecache

import (
	"time"

	"go.opentelemetry.io/collector/pdata/pcommon"

	"github.com/errordiagnosis/errordiagnosisprocessor/internal/diagnosis"
)

// SetBatchOnly makes the cache one that lives no longer than the batch
// recorded into it (wait_duration 0): AddEvidence keeps the items it is given
// as they are, in the caller's memory, instead of copying them and their
// text out of the batch; and Reset keeps the traces it empties, with their
// nodes' memory, for the traces of the next batch. The caller must then
// neither change the items given to AddEvidence nor use a *Trace or *Node of
// the cache after Reset.
func (c *Cache) SetBatchOnly() { c.batchOnly = true }

// BatchOnly reports whether SetBatchOnly was called: the cache gets no
// span of its traces after the batch.
func (c *Cache) BatchOnly() bool { return c.batchOnly }

// newTrace returns an empty trace, a kept one when there is one.
func (c *Cache) newTrace(id pcommon.TraceID, now time.Time) *Trace {
	var t *Trace
	if n := len(c.spare); n > 0 {
		t, c.spare = c.spare[n-1], c.spare[:n-1]
	} else {
		t = &Trace{}
	}
	t.ID, t.lastSeen, t.total = id, now, &c.bytes
	t.serial = traceSerials.Add(1)
	// What the trace kept counts as allocated now: the accounting does not
	// depend on whether its memory is new.
	t.grow(traceSize + t.kept())
	return t
}

// keepSpare empties the remembered traces into the spare ones.
func (c *Cache) keepSpare() {
	for _, t := range c.traces {
		t.recycle()
		c.spare = append(c.spare, t)
	}
}

// recycle empties a trace, keeping the memory of its chunks of nodes, its
// service names and its extras, and dropping every string and evidence item
// it refers to.
func (t *Trace) recycle() {
	for i := range t.chunks {
		t.chunks[i] = t.chunks[i][:0]
	}
	clear(t.services)
	clear(t.extras)
	clear(t.decisions)
	if s := t.side; s != nil {
		clear(s.detached)
		clear(s.borrowed)
		s.detached, s.borrowed = s.detached[:0], s.borrowed[:0]
	}
	*t = Trace{
		chunks: t.chunks[:0], services: t.services[:0], extras: t.extras[:0], decisions: t.decisions[:0],
		evidenceNodes: t.evidenceNodes[:0], side: t.side,
	}
}

// kept is the memory an empty trace kept from recycle, in bytes.
func (t *Trace) kept() int {
	n := cap(t.chunks)*chunkSize + cap(t.services)*textRefSize + cap(t.extras)*extraSize + cap(t.decisions)*decidedSize +
		cap(t.evidenceNodes)*placeSize
	if s := t.side; s != nil {
		n += sideSize + cap(s.detached)*pointerSize + cap(s.borrowed)*borrowedSize
	}
	for _, chunk := range t.chunks[:cap(t.chunks)] {
		n += cap(chunk) * nodeSize
	}
	return n
}

// borrow adds items to the evidence of x without copying their text: the
// first items of a node are kept in the caller's memory, later ones
// appended to a copy, so the caller's slice is never written.
func (t *Trace) borrow(x *nodeExtra, items []diagnosis.Evidence) {
	s := t.sideOf()
	if x.borrowed == 0 {
		before := cap(s.borrowed)
		s.borrowed = append(s.borrowed, items[:len(items):len(items)])
		t.grown(before, cap(s.borrowed), borrowedSize)
		x.borrowed = uint32(len(s.borrowed))
	} else {
		b := &s.borrowed[x.borrowed-1]
		*b = append((*b)[:len(*b):len(*b)], items...)
	}
	// Counted as the copy would be: the items are the trace's while it lives.
	t.grow(len(items) * packedItemSize)
	for i := range items {
		t.grow(packedLen(&items[i]))
	}
}
