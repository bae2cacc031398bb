package engine // import "github.com/errordiagnosis/errordiagnosisprocessor/internal/engine"

import (
	"time"

	"go.opentelemetry.io/collector/pdata/pcommon"
	"go.opentelemetry.io/collector/pdata/ptrace"

	"github.com/errordiagnosis/errordiagnosisprocessor/internal/evidence"
	"github.com/errordiagnosis/errordiagnosisprocessor/internal/tracecache"
)

// target is a target span of the batch, recorded.
type target struct {
	mark  *batchMark
	trace *tracecache.Trace
	node  *tracecache.Node
	// duplicate: the same span was seen before (a retry upstream); it is
	// annotated in place, never held twice.
	duplicate bool
}

// recording is what recording a batch into a cache learned.
type recording struct {
	targets []target
	// touched are the traces that got a new span: it may complete a parent
	// chain or be the downstream side of a call, so their held targets are
	// looked at again.
	touched []*tracecache.Trace
	// late are traces already diagnosed that got evidence from a span other
	// than a target, once per such span.
	late []*tracecache.Trace
}

// record adds the batch to the cache: the nodes of the traces that matter,
// the evidence prepared for the error-ish spans and the targets, and says
// what it learned in rec, whose buffers it reuses. The shared cache is
// recorded into under the lock; a cache of the batch alone (per-batch mode)
// without it.
func record(c *tracecache.Cache, td ptrace.Traces, scan *Scan, now time.Time, rec *recording) {
	rec.reset()
	c.BeginBatch()
	rss := td.ResourceSpans()
	// Traces of the marked spans first, so that their other spans in this
	// batch are recorded whatever their order.
	var first lastTrace
	for i := range scan.marks {
		m := &scan.marks[i]
		span := SpanAt(td, m.SpanPos)
		if span.TraceID().IsEmpty() || span.SpanID().IsEmpty() {
			continue // malformed: passed through untouched
		}
		t := first.remember(c, span.TraceID(), now)
		if m.errorish && span.Kind() == ptrace.SpanKindClient {
			t.FailedCall = true
		}
	}
	// Retry reasoning (tracecache.retriedBy) reads the operation of client
	// spans only in a trace with a failed one: a cache of the batch alone
	// knows which traces have one, the shared cache may get it later.
	allOps := !c.BatchOnly()

	marks := scan.marks
	mi := 0
	service, serviceRS := "", -1
	var last lastTrace
	for _, r := range scan.runs {
		i, j := int(r.rs), int(r.ss)
		hasMark := mi < len(marks) && marks[mi].rs == i && marks[mi].ss == j && marks[mi].span < int(r.end)
		if !hasMark && !c.MayContain(r.bucket) {
			// Most runs of a batch: skipped without touching their spans.
			continue
		}
		rs := rss.At(i)
		spans := rs.ScopeSpans().At(j).Spans()
		for k := int(r.start); k < int(r.end); k++ {
			var m *batchMark
			if mi < len(marks) && marks[mi].rs == i && marks[mi].ss == j && marks[mi].span == k {
				m = &marks[mi]
				mi++
			}
			span := spans.At(k)
			var t *tracecache.Trace
			if m == nil {
				// An empty trace id is never in the cache.
				if t = last.get(c, span.TraceID()); t == nil {
					continue
				}
			}
			if span.SpanID().IsEmpty() || span.TraceID().IsEmpty() {
				continue // malformed: passed through untouched
			}
			if m != nil {
				// Remembered again if a tiny max_traces forgot it earlier in this batch.
				t = last.remember(c, span.TraceID(), now)
			}
			if serviceRS != i {
				service, serviceRS = evidence.ServiceName(rs.Resource()), i
			}
			if t.NodeCount() == 0 {
				// The rest of the run is usually the rest of the trace.
				c.Expect(t, int(r.end)-k)
			}
			n := c.AddNode(t, span.SpanID())
			if n == nil {
				if m == nil {
					continue // per-trace or global node budget reached
				}
				// A target or evidence is never skipped: keep it outside the budget.
				n = tracecache.Detached(span.SpanID())
			}
			duplicate := n.Known
			n.Known = true
			n.Parent = span.ParentSpanID()
			n.Kind = span.Kind()
			t.SetService(n, service)
			if !duplicate {
				// Times tell retries apart (tracecache.retriedBy) and which
				// request a span of a broken chain ran in (Trace.owner).
				n.Start, n.End = tracecache.Micros(span.StartTimestamp()), tracecache.Micros(span.EndTimestamp())
			}
			if n.Kind == ptrace.SpanKindClient && !duplicate {
				// What retry reasoning needs: only client spans of traces
				// with evidence get here.
				n.Failed = m != nil && m.errorish
				if allOps || t.FailedCall {
					n.Op = evidence.OperationKey(span)
				}
			}
			c.Touch(t, now)
			if !duplicate && c.FirstTouch(t) {
				rec.touched = append(rec.touched, t)
			}
			if m == nil {
				continue
			}
			if m.read && !duplicate {
				if t.Diagnosed && !m.target {
					rec.late = append(rec.late, t)
				}
				c.AddEvidence(t, n, scan.evidenceOf(m))
			}
			if m.target {
				n.Status = int32(m.status)
				rec.targets = append(rec.targets, target{mark: m, trace: t, node: n, duplicate: duplicate})
			}
		}
	}
}

// reset empties the buffers, dropping the traces they point to.
func (rec *recording) reset() {
	clear(rec.targets)
	clear(rec.touched)
	clear(rec.late)
	rec.targets, rec.touched, rec.late = rec.targets[:0], rec.touched[:0], rec.late[:0]
}

// lastTrace is the trace of the last span looked up: the spans of a run are
// usually one trace's, so the cache is looked up once a run rather than once
// a span. A Remember may forget any other trace: it sets the last one anew.
type lastTrace struct {
	id pcommon.TraceID
	t  *tracecache.Trace
	ok bool
}

// remember is c.Remember(id, now) but for the touch when id is the last
// trace and remembered: the recorder touches it again with each node.
func (l *lastTrace) remember(c *tracecache.Cache, id pcommon.TraceID, now time.Time) *tracecache.Trace {
	if !l.ok || l.id != id || l.t == nil {
		*l = lastTrace{id: id, t: c.Remember(id, now), ok: true}
	}
	return l.t
}

func (l *lastTrace) get(c *tracecache.Cache, id pcommon.TraceID) *tracecache.Trace {
	if !l.ok || l.id != id {
		*l = lastTrace{id: id, t: c.Get(id), ok: true}
	}
	return l.t
}
