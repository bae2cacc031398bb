package errordiagnosisprocessor // import "github.com/errordiagnosis/errordiagnosisprocessor"

import (
	"context"
	"time"

	"go.opentelemetry.io/collector/consumer/consumererror"
	"go.opentelemetry.io/collector/pdata/ptrace"
	"go.uber.org/zap"

	"github.com/errordiagnosis/errordiagnosisprocessor/internal/holdqueue"
	"github.com/errordiagnosis/errordiagnosisprocessor/internal/tracecache"
)

// Holding and release: the targets that wait are held in the deadline
// queue; they leave it when their deadline passes, when evidence makes them
// final, or early (limits, shutdown), and go to the next consumer on their
// own, held again with a backoff when it fails with a retryable error.

// Early release reasons, the values of the "reason" telemetry attribute.
const (
	reasonMaxHeldSpans = "max_held_spans"
	reasonMaxTraces    = "max_traces"
	reasonShutdown     = "shutdown"
)

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
func (d *diagnoser) holdLocked(td ptrace.Traces, dec *decisions, now time.Time) []released {
	for _, v := range dec.waiting {
		data, ok := holdData(td, v.mark.spanPos)
		if !ok {
			settle(v.trace, v.node, v.res)
			dec.final = append(dec.final, v)
			continue
		}
		d.held.Hold(&holdqueue.Held{
			Trace:    v.trace,
			Node:     v.node,
			Data:     data,
			Status:   v.mark.status,
			Deadline: now.Add(d.cfg.WaitDuration),
		})
		dec.taken = append(dec.taken, v.mark.spanPos)
	}
	rel := dec.ready
	for _, r := range rel {
		d.held.Remove(r.held)
		settle(r.held.Trace, r.held.Node, r.res)
	}
	// Limits: diagnose early rather than grow.
	var early []*holdqueue.Held
	for d.held.Len() > d.cfg.MaxHeldSpans {
		early = append(early, d.held.PopOldest())
	}
	rel = releaseLocked(rel, early, reasonMaxHeldSpans)
	d.cache.Expired(now)
	return d.releaseForgottenLocked(rel)
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
func (d *diagnoser) forgetHeld(t *tracecache.Trace) {
	d.forgotten = d.held.TakeTrace(t, d.forgotten)
}

// releaseForgottenLocked releases the held spans of the traces forgotten
// since the last call.
func (d *diagnoser) releaseForgottenLocked(rel []released) []released {
	rel = releaseLocked(rel, d.forgotten, reasonMaxTraces)
	clear(d.forgotten)
	d.forgotten = d.forgotten[:0]
	return rel
}

// releaseDue releases the held spans whose deadline has passed; the
// release loop calls it on every tick.
func (d *diagnoser) releaseDue(ctx context.Context) {
	d.mu.Lock()
	now := d.now()
	rel := releaseLocked(nil, d.held.PopDue(now, nil), "")
	d.cache.Expired(now)
	rel = d.releaseForgottenLocked(rel)
	d.updateGaugesLocked()
	d.mu.Unlock()
	d.deliver(ctx, d.annotateReleased(ctx, rel))
}

// delivery is released spans decoded and annotated: td holds one
// ResourceSpans per held span, in the order of held.
type delivery struct {
	td   ptrace.Traces
	held []*holdqueue.Held
}

// deliver sends released spans to the next consumer. On a retryable error
// every one of them is held again and retried with a backoff; a permanent
// error means the next consumer rejects them for good, as it would any batch.
func (d *diagnoser) deliver(ctx context.Context, out delivery) {
	if len(out.held) == 0 || d.next == nil {
		return
	}
	err := d.next.ConsumeTraces(ctx, out.td)
	if err == nil {
		d.countSent(ctx, len(out.held), outcomeAccepted)
		return
	}
	spans := zap.Int("spans", len(out.held))
	if consumererror.IsPermanent(err) || d.closed.Load() {
		d.logger.Error("next consumer rejected released spans", spans, zap.Error(err))
		d.countSent(ctx, len(out.held), outcomeRejected)
		return
	}
	d.logger.Warn("next consumer failed on released spans; they stay held and are retried", spans, zap.Error(err))
	d.mu.Lock()
	defer d.mu.Unlock()
	if d.closed.Load() {
		// Drained at shutdown meanwhile: nothing would release them again.
		d.logger.Error("next consumer failed on released spans during shutdown", spans, zap.Error(err))
		d.countSent(ctx, len(out.held), outcomeRejected)
		return
	}
	d.countSent(ctx, len(out.held), outcomeRetried)
	now := d.now()
	for _, h := range out.held {
		d.held.Requeue(h, now)
	}
	d.updateGaugesLocked()
}

// deliverAtShutdown sends the spans drained at shutdown: nothing would
// retry them, so a failure is returned.
func (d *diagnoser) deliverAtShutdown(ctx context.Context, out delivery) error {
	if len(out.held) == 0 || d.next == nil {
		return nil
	}
	if err := d.next.ConsumeTraces(ctx, out.td); err != nil {
		d.logger.Error("could not deliver the held spans at shutdown", zap.Int("spans", len(out.held)), zap.Error(err))
		d.countSent(context.Background(), len(out.held), outcomeRejected)
		return err
	}
	d.countSent(context.Background(), len(out.held), outcomeAccepted)
	return nil
}
