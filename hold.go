package errordiagnosisprocessor // import "github.com/errordiagnosis/errordiagnosisprocessor"

import (
	"context"
	"time"

	"go.opentelemetry.io/collector/pdata/ptrace"

	"github.com/errordiagnosis/errordiagnosisprocessor/internal/heldstore"
	"github.com/errordiagnosis/errordiagnosisprocessor/internal/holdqueue"
	"github.com/errordiagnosis/errordiagnosisprocessor/internal/origin"
	"github.com/errordiagnosis/errordiagnosisprocessor/internal/tracecache"
)

// Holding, under the lock: the targets that wait are held in the deadline
// queue; they leave it when their deadline passes, when evidence makes them
// final, or early (limits, forgotten traces, shutdown), diagnosed and
// settled, for annotate.go to write and release.go to deliver.

// Early release reasons, the values of the "reason" telemetry attribute.
const (
	reasonMaxHeldSpans   = "max_held_spans"
	reasonMaxHeldMiB     = "max_held_mib"
	reasonMaxTraces      = "max_traces"
	reasonMaxEvidenceMiB = "max_evidence_mib"
	reasonShutdown       = "shutdown"
	// reasonEvidenceTTL is why a trace is forgotten, not a held span released.
	reasonEvidenceTTL = "evidence_ttl"
)

// forgetReasons is the number of tracecache.ForgetReason values.
const forgetReasons = int(tracecache.ForgetMaxBytes) + 1

// forgetReason is the telemetry reason of a trace forgotten (the
// evidence_cache_forgotten counter) and of the early release of its held
// spans: a held span of a trace that expires is past its own deadline
// unless a retry's backoff kept it, which max_traces has always counted.
var forgetReason = [forgetReasons]struct{ forgotten, released string }{
	tracecache.ForgetTTL:       {reasonEvidenceTTL, reasonMaxTraces},
	tracecache.ForgetMaxTraces: {reasonMaxTraces, reasonMaxTraces},
	tracecache.ForgetMaxBytes:  {reasonMaxEvidenceMiB, reasonMaxEvidenceMiB},
}

// released is a span taken out of the queue with its diagnosis; reason
// says why it left before its deadline, "" when it did not.
type released struct {
	held   *holdqueue.Held
	res    result
	reason string
}

// settle marks a target diagnosed and released: callers down a chain of
// calls read its diagnosis as their root cause.
func settle(t *tracecache.Trace, n *tracecache.Node, res result) {
	if _, decided := t.Decided(n); !decided {
		t.SetDecided(n, res.decided())
	}
	t.Diagnosed = true
}

// holdLocked moves the waiting targets of a batch out of it into the queue,
// and takes out of the queue the spans to release now: those the batch made
// final, the oldest beyond max_held_spans, those of forgotten traces.
//
// When a budget of the evidence cache forgets traces less than a release
// tick after they were last seen, a held span would be released early, for
// that budget, before its trace could gather more evidence than its batch
// had: the waiting targets are then diagnosed in their batch and counted as
// released early for that budget, without the cost of holding them.
//
// The held spans keep org, the client information of the batch's request.
// With storage, each new one gets its slot and goes in dec.stored, to be
// written after the lock; a span read back from storage (re) is held again
// whatever its verdict, in its slot, until its own deadline.
func (d *diagnoser) holdLocked(td ptrace.Traces, dec *decisions, now time.Time, org *origin.Origin, re *restoring) []released {
	tick := d.releaseTick()
	age, why, pressed := d.cache.Horizon(now, tick)
	short := pressed && age < tick
	if re != nil {
		dec.waiting = append(dec.waiting, dec.final...)
		dec.final = dec.final[:0]
		short = false
	}
	for _, v := range dec.waiting {
		var data []byte
		var ids heldTarget
		ok := false
		if short {
			v.early = forgetReason[why].released
		} else {
			sp := spanAt(td, v.mark.spanPos)
			ids = heldTarget{stored: len(dec.stored), spanIDs: spanIDs{sp.TraceID(), sp.SpanID()}}
			data, ok = holdData(td, v.mark.spanPos)
		}
		if !ok {
			settle(v.trace, v.node, v.res)
			dec.final = append(dec.final, v)
			continue
		}
		h := &holdqueue.Held{
			Trace:    v.trace,
			Node:     v.node,
			Data:     data,
			Status:   v.mark.status,
			Deadline: now.Add(d.cfg.WaitDuration),
			Origin:   org,
		}
		if re != nil {
			h.Deadline, h.Stored = re.deadline, re.ref
		} else if d.heldStore != nil {
			d.heldStore.reserve(h)
			if v.res.hasEv {
				dec.evidenced = append(dec.evidenced, ids)
			}
			dec.stored = append(dec.stored, h)
		}
		d.held.Hold(h)
		dec.taken = append(dec.taken, v.mark.spanPos)
	}
	rel := dec.ready
	for _, r := range rel {
		d.held.Remove(r.held)
		settle(r.held.Trace, r.held.Node, r.res)
	}
	// Limits: diagnose early rather than grow.
	early := dec.early[:0]
	for d.held.Len() > d.cfg.MaxHeldSpans {
		early = append(early, d.held.PopOldest())
	}
	rel = releaseLocked(rel, early, reasonMaxHeldSpans)
	clear(early)
	early = early[:0]
	for d.held.Bytes() > d.maxHeldBytes {
		early = append(early, d.held.PopOldest())
	}
	rel = releaseLocked(rel, early, reasonMaxHeldMiB)
	dec.early = early
	d.cache.Expired(now)
	return d.releaseForgottenLocked(rel)
}

// restoring is a span read back from storage: its deadline and slot.
type restoring struct {
	deadline time.Time
	ref      heldstore.Ref
}

// origin is the client information of the batch's request when it has a
// target, which may be held; read before the lock.
func (s *batchScan) origin(ctx context.Context) *origin.Origin {
	for i := range s.marks {
		if s.marks[i].target {
			return origin.FromContext(ctx)
		}
	}
	return nil
}

// releaseLocked diagnoses spans taken out of the queue and settles them.
func releaseLocked(rel []released, held []*holdqueue.Held, reason string) []released {
	for _, h := range held {
		res := diagnose(h.Trace, h.Node, h.Status, maxCallChain)
		settle(h.Trace, h.Node, res)
		rel = append(rel, released{held: h, res: res, reason: reason})
	}
	return rel
}

// forgetHeld is the cache's OnForget: the held spans of a forgotten trace
// are released early.
func (d *diagnoser) forgetHeld(t *tracecache.Trace, why tracecache.ForgetReason) {
	d.forgets[why]++
	d.forgotten[why] = d.held.TakeTrace(t, d.forgotten[why])
}

// releaseForgottenLocked releases the held spans of the traces forgotten
// since the last call.
func (d *diagnoser) releaseForgottenLocked(rel []released) []released {
	for why := range d.forgotten {
		rel = releaseLocked(rel, d.forgotten[why], forgetReason[why].released)
		clear(d.forgotten[why])
		d.forgotten[why] = d.forgotten[why][:0]
	}
	return rel
}
