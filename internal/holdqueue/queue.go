// Package holdqueue keeps the target spans that wait for late evidence,
// ordered by deadline: a span is released when its deadline passes, when
// evidence makes its diagnosis final, or early, earliest deadline first,
// when there are too many. A span whose delivery failed is held again with a
// backoff and keeps its place by deadline among the others. Not safe for
// concurrent use: the engine (internal/engine) serialises access.
package holdqueue // import "github.com/errordiagnosis/errordiagnosisprocessor/internal/holdqueue"

import (
	"container/heap"
	"time"
	"unsafe"

	"github.com/errordiagnosis/errordiagnosisprocessor/internal/heldstore"
	"github.com/errordiagnosis/errordiagnosisprocessor/internal/origin"
	"github.com/errordiagnosis/errordiagnosisprocessor/internal/tracecache"
)

// Held is a target span waiting for evidence, with its resource and scope.
type Held struct {
	Trace *tracecache.Trace
	Node  *tracecache.Node
	// Data is the span with its resource and scope, OTLP-encoded: one object
	// for the garbage collector, and a retry starts from the span as it arrived.
	Data     []byte
	Status   int
	Deadline time.Time
	// Origin is the client information of the request that brought the
	// span, shared by the spans of that request; nil when it had none.
	Origin *origin.Origin
	// Attempts counts failed deliveries to the next consumer.
	Attempts int
	// Stored is its slot in the held-span store; 0 when not stored.
	Stored heldstore.Ref

	seq        uint64 // order of the first hold: ties between deadlines, order within a trace
	index      int    // in the heap; -1 when not held
	prev, next *Held  // in the trace's list, by seq
	size       int    // bytes accounted while held (see Size)
}

// Memory accounted per held span besides its Data, in bytes: the Held
// itself, its slot in the deadline heap with the slice's growth slack (16)
// and, shared by the held spans of one trace, its list and map entry (about
// 60), counted in full for each so that a trace of one held span is not
// under-counted. TestBytesAccounted (root package) checks the whole against
// runtime/metrics.
const heldOverhead = int(unsafe.Sizeof(Held{})) + 16 + 64

// Size is the memory a held span accounts for: the capacity of its Data
// (the OTLP encoding with its resource and scope), its origin and
// heldOverhead.
func Size(h *Held) int { return cap(h.Data) + h.Origin.Size() + heldOverhead }

// Backoff is the wait before a retry: Step per failed attempt, at most Max.
type Backoff struct {
	Step, Max time.Duration
}

func (b Backoff) after(attempts int) time.Duration {
	return min(time.Duration(attempts)*b.Step, b.Max)
}

// traceList links the held spans of one trace in hold order.
type traceList struct {
	first, last *Held
	n           int
}

// Queue is the set of held spans.
type Queue struct {
	byDeadline deadlineHeap
	byTrace    map[*tracecache.Trace]*traceList
	backoff    Backoff
	seq        uint64
	bytes      int
}

// New returns an empty queue that retries with the given backoff.
func New(backoff Backoff) *Queue {
	return &Queue{byTrace: map[*tracecache.Trace]*traceList{}, backoff: backoff}
}

// Len is the number of held spans.
func (q *Queue) Len() int { return len(q.byDeadline) }

// Bytes is the memory the held spans account for (see Size).
func (q *Queue) Bytes() int { return q.bytes }

// Hold adds a span, due at h.Deadline.
func (q *Queue) Hold(h *Held) {
	if h.seq == 0 {
		q.seq++
		h.seq = q.seq
	}
	heap.Push(&q.byDeadline, h)
	h.size = Size(h)
	q.bytes += h.size
	l := q.byTrace[h.Trace]
	if l == nil {
		l = &traceList{}
		q.byTrace[h.Trace] = l
	}
	l.insert(h)
}

// Requeue holds again a span whose delivery failed, due after the backoff
// of its attempts so far.
func (q *Queue) Requeue(h *Held, now time.Time) {
	h.Attempts++
	h.Deadline = now.Add(q.backoff.after(h.Attempts))
	q.Hold(h)
}

// PopDue removes the spans due at now, earliest deadline first, and
// appends them to dst.
func (q *Queue) PopDue(now time.Time, dst []*Held) []*Held {
	for len(q.byDeadline) > 0 && !q.byDeadline[0].Deadline.After(now) {
		dst = append(dst, q.PopOldest())
	}
	return dst
}

// PopOldest removes the span with the earliest deadline; nil when none is held.
func (q *Queue) PopOldest() *Held {
	if len(q.byDeadline) == 0 {
		return nil
	}
	h := heap.Pop(&q.byDeadline).(*Held)
	q.unlink(h)
	return h
}

// Remove removes a held span; false when it was not held.
func (q *Queue) Remove(h *Held) bool {
	if h.index < 0 || h.index >= len(q.byDeadline) || q.byDeadline[h.index] != h {
		return false
	}
	heap.Remove(&q.byDeadline, h.index)
	q.unlink(h)
	return true
}

// Holds reports whether a span of the trace is held.
func (q *Queue) Holds(t *tracecache.Trace) bool { return q.byTrace[t] != nil }

// Of appends the held spans of a trace to dst, in hold order.
func (q *Queue) Of(t *tracecache.Trace, dst []*Held) []*Held {
	if l := q.byTrace[t]; l != nil {
		for h := l.first; h != nil; h = h.next {
			dst = append(dst, h)
		}
	}
	return dst
}

// OfNode returns the held span of a node of the trace, or nil.
func (q *Queue) OfNode(t *tracecache.Trace, n *tracecache.Node) *Held {
	if l := q.byTrace[t]; l != nil {
		for h := l.first; h != nil; h = h.next {
			if h.Node == n {
				return h
			}
		}
	}
	return nil
}

// TakeTrace removes the held spans of a trace and appends them to dst, in
// hold order: the trace is forgotten, they are released now.
func (q *Queue) TakeTrace(t *tracecache.Trace, dst []*Held) []*Held {
	start := len(dst)
	dst = q.Of(t, dst)
	for _, h := range dst[start:] {
		q.Remove(h)
	}
	return dst
}

// TakeAll removes every held span and appends them to dst, earliest
// deadline first.
func (q *Queue) TakeAll(dst []*Held) []*Held {
	for len(q.byDeadline) > 0 {
		dst = append(dst, q.PopOldest())
	}
	return dst
}

func (q *Queue) unlink(h *Held) {
	q.bytes -= h.size
	h.size = 0
	l := q.byTrace[h.Trace]
	if l == nil {
		return
	}
	l.remove(h)
	if l.n == 0 {
		delete(q.byTrace, h.Trace)
	}
}

// insert links h by seq: at the end for a new hold, further up for a
// requeued one.
func (l *traceList) insert(h *Held) {
	after := l.last
	for after != nil && after.seq > h.seq {
		after = after.prev
	}
	h.prev = after
	if after == nil {
		h.next, l.first = l.first, h
	} else {
		h.next, after.next = after.next, h
	}
	if h.next == nil {
		l.last = h
	} else {
		h.next.prev = h
	}
	l.n++
}

func (l *traceList) remove(h *Held) {
	if h.prev == nil {
		l.first = h.next
	} else {
		h.prev.next = h.next
	}
	if h.next == nil {
		l.last = h.prev
	} else {
		h.next.prev = h.prev
	}
	h.prev, h.next = nil, nil
	l.n--
}

// deadlineHeap orders held spans by deadline, then by first hold.
type deadlineHeap []*Held

func (h deadlineHeap) Len() int { return len(h) }

func (h deadlineHeap) Less(i, j int) bool {
	if !h[i].Deadline.Equal(h[j].Deadline) {
		return h[i].Deadline.Before(h[j].Deadline)
	}
	return h[i].seq < h[j].seq
}

func (h deadlineHeap) Swap(i, j int) {
	h[i], h[j] = h[j], h[i]
	h[i].index, h[j].index = i, j
}

func (h *deadlineHeap) Push(x any) {
	e := x.(*Held)
	e.index = len(*h)
	*h = append(*h, e)
}

func (h *deadlineHeap) Pop() any {
	old := *h
	e := old[len(old)-1]
	old[len(old)-1] = nil
	*h = old[:len(old)-1]
	e.index = -1
	return e
}
