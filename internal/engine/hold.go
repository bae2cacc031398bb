package engine // import "github.com/errordiagnosis/errordiagnosisprocessor/internal/engine"

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
// queue; they are released (leave it, diagnosed and settled) when their
// deadline passes, when evidence makes them final, or early (limits,
// forgotten traces, shutdown), for the processor to write and deliver.

// Early release reasons, the values of the "reason" telemetry attribute.
const (
	ReasonMaxHeldSpans   = "max_held_spans"
	ReasonMaxHeldMiB     = "max_held_mib"
	ReasonMaxTraces      = "max_traces"
	ReasonMaxEvidenceMiB = "max_evidence_mib"
	ReasonShutdown       = "shutdown"
	// ReasonEvidenceTTL is why a trace is forgotten, not a held span released.
	ReasonEvidenceTTL = "evidence_ttl"
)

// ForgetReasons is the number of tracecache.ForgetReason values.
const ForgetReasons = int(tracecache.ForgetMaxBytes) + 1

// forgetReason is the telemetry reason of a trace forgotten (the
// evidence_cache_forgotten counter) and of the early release of its held
// spans: a held span of a trace that expires is past its own deadline
// unless a retry's backoff kept it, which max_traces has always counted.
var forgetReason = [ForgetReasons]struct{ forgotten, released string }{
	tracecache.ForgetTTL:       {ReasonEvidenceTTL, ReasonMaxTraces},
	tracecache.ForgetMaxTraces: {ReasonMaxTraces, ReasonMaxTraces},
	tracecache.ForgetMaxBytes:  {ReasonMaxEvidenceMiB, ReasonMaxEvidenceMiB},
}

// ForgottenReason is the telemetry reason of traces forgotten, by the
// index of Outcome.Forgotten.
func ForgottenReason(why int) string { return forgetReason[why].forgotten }

// Released is a span taken out of the queue with its diagnosis; Reason
// says why it left before its deadline, "" when it did not.
type Released struct {
	Held   *holdqueue.Held
	Res    Result
	Reason string
}

// settle marks a target diagnosed and released: callers down a chain of
// calls read its diagnosis as their root cause.
func settle(t *tracecache.Trace, n *tracecache.Node, res *Result) {
	if _, decided := t.Decided(n); !decided {
		t.SetDecided(n, res.decided())
	}
	t.Diagnosed = true
}

// hold moves the waiting targets of a batch out of it into the queue, and
// releases the spans to release now: those the batch made final, the
// oldest beyond max_held_spans and max_held_mib.
//
// When a budget of the evidence cache forgets traces less than a release
// tick after they were last seen, a held span would be released early, for
// that budget, before its trace could gather more evidence than its batch
// had: the waiting targets are then diagnosed in their batch and counted as
// released early for that budget, without the cost of holding them.
//
// The held spans keep org, the client information of the batch's request.
// With storage, each new one gets its slot and goes in out.Stored, to be
// written after the lock; a span read back from storage (re) is held again
// whatever its verdict, in its slot, until its own deadline.
func (e *Engine) hold(td ptrace.Traces, out *Outcome, now time.Time, org *origin.Origin, re *Restoring) {
	tick := e.Tick()
	age, why, pressed := e.cache.Horizon(now, tick)
	short := pressed && age < tick
	if re != nil {
		out.waiting = append(out.waiting, out.Final...)
		clear(out.Final)
		out.Final = out.Final[:0]
		short = false
	}
	for _, v := range out.waiting {
		var data []byte
		var ids heldTarget
		ok := false
		if short {
			v.Early = forgetReason[why].released
		} else {
			sp := SpanAt(td, v.mark.SpanPos)
			ids = heldTarget{stored: len(out.Stored), spanIDs: spanIDs{sp.TraceID(), sp.SpanID()}}
			data, ok = holdData(td, v.mark.SpanPos)
		}
		if !ok {
			settle(v.trace, v.node, &v.Res)
			out.Final = append(out.Final, v)
			continue
		}
		h := &holdqueue.Held{
			Trace:    v.trace,
			Node:     v.node,
			Data:     data,
			Status:   v.mark.status,
			Deadline: now.Add(e.cfg.WaitDuration),
			Origin:   org,
		}
		if re != nil {
			h.Deadline, h.Stored = re.Deadline, re.Ref
		} else if e.slots != nil {
			h.Stored = e.slots.Reserve()
			if v.Res.HasItem {
				out.evidenced = append(out.evidenced, ids)
			}
			out.Stored = append(out.Stored, h)
		}
		e.held.Hold(h)
		out.Taken = append(out.Taken, v.mark.SpanPos)
	}
	// Made final by the batch (decide).
	for i := range out.Released {
		r := &out.Released[i]
		e.held.Remove(r.Held)
		settle(r.Held.Trace, r.Held.Node, &r.Res)
	}
	// Limits: diagnose early rather than grow.
	out.scratch = out.scratch[:0]
	for e.held.Len() > e.cfg.MaxHeldSpans {
		out.scratch = append(out.scratch, e.held.PopOldest())
	}
	out.scratch = out.release(out.scratch, ReasonMaxHeldSpans)
	for e.held.Bytes() > e.cfg.MaxHeldBytes {
		out.scratch = append(out.scratch, e.held.PopOldest())
	}
	out.scratch = out.release(out.scratch, ReasonMaxHeldMiB)
}

// Restoring is a span read back from storage: its deadline and slot.
type Restoring struct {
	Deadline time.Time
	Ref      heldstore.Ref
}

// origin is the client information of the batch's request when it has a
// target, which may be held; read before the lock.
func (s *Scan) origin(ctx context.Context) *origin.Origin {
	for i := range s.marks {
		if s.marks[i].target {
			return origin.FromContext(ctx)
		}
	}
	return nil
}

// release diagnoses spans taken out of the queue, settles them and adds
// them to the released ones; it returns held emptied, for reuse.
func (out *Outcome) release(held []*holdqueue.Held, reason string) []*holdqueue.Held {
	for _, h := range held {
		out.Released = append(out.Released, Released{Held: h, Reason: reason})
		r := &out.Released[len(out.Released)-1]
		diagnoseInto(&r.Res, h.Trace, h.Node, h.Status, maxCallChain)
		settle(h.Trace, h.Node, &r.Res)
	}
	clear(held)
	return held[:0]
}

// collectForgotten takes out of the queue the held spans of the traces the
// cache forgot since the last call, at once: a span is never held again
// for a trace forgotten. It counts the traces by reason.
func (e *Engine) collectForgotten(out *Outcome) {
	out.forgot = e.cache.TakeForgotten(out.forgot[:0])
	for _, f := range out.forgot {
		out.Forgotten[f.Why]++
		out.forgotten[f.Why] = e.held.TakeTrace(f.Trace, out.forgotten[f.Why])
	}
	clear(out.forgot)
}

// releaseForgotten releases the spans collectForgotten took, by reason.
func (out *Outcome) releaseForgotten() {
	for why := range out.forgotten {
		out.forgotten[why] = out.release(out.forgotten[why], forgetReason[why].released)
	}
}
