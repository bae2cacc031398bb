package errordiagnosisprocessor // import "github.com/errordiagnosis/errordiagnosisprocessor"

import (
	"context"

	"go.opentelemetry.io/collector/consumer"
	"go.opentelemetry.io/collector/consumer/consumererror"
	"go.opentelemetry.io/collector/pdata/ptrace"
	"go.uber.org/zap"

	"github.com/errordiagnosis/errordiagnosisprocessor/internal/engine"
	"github.com/errordiagnosis/errordiagnosisprocessor/internal/holdqueue"
	"github.com/errordiagnosis/errordiagnosisprocessor/internal/origin"
)

// Delivery, after the lock: released spans go to the next consumer on their
// own, one call per origin (the client information of the request that
// brought them), held again with a backoff when it fails with a retryable
// error.

// deliverer sends released spans to the next consumer.
type deliverer struct {
	// next receives released held spans; set when the traces processor is created.
	next     consumer.Traces
	engine   *engine.Engine
	store    *heldStorage
	counters counters
	logger   *zap.Logger
}

// delivery is released spans of one origin, decoded and annotated: td
// holds one ResourceSpans per held span, in the order of held.
type delivery struct {
	origin *origin.Origin
	td     ptrace.Traces
	held   []*holdqueue.Held
}

// deliveries groups released spans by origin, groups in the order of
// their first span, spans in release order within their group: the held
// spans of a trace that came from one request keep their order. Spans of
// different requests were never ordered: the requests were concurrent.
type deliveries struct {
	groups []delivery
	// byKey indexes groups by origin key; the last group is tried first,
	// since the spans of one request are released together.
	byKey map[string]int
}

// add appends a decoded held span, one moved into the delivery of its
// origin.
func (out *deliveries) add(h *holdqueue.Held, one ptrace.Traces) {
	i := len(out.groups) - 1
	if i < 0 || !origin.Same(out.groups[i].origin, h.Origin) {
		if out.byKey == nil {
			out.byKey = map[string]int{}
		}
		var ok bool
		if i, ok = out.byKey[h.Origin.Key()]; !ok {
			i = len(out.groups)
			out.byKey[h.Origin.Key()] = i
			out.groups = append(out.groups, delivery{origin: h.Origin, td: ptrace.NewTraces()})
		}
	}
	g := &out.groups[i]
	one.ResourceSpans().MoveAndAppendTo(g.td.ResourceSpans())
	g.held = append(g.held, h)
}

// deliver sends released spans to the next consumer, each origin's in a
// context of its own that carries its client information and no request's
// deadline. On a retryable error the spans of that call are held again
// and retried with a backoff; a permanent error means the next consumer
// rejects them for good, as it would any batch.
func (d *deliverer) deliver(out deliveries) {
	if d.next == nil {
		return
	}
	for _, g := range out.groups {
		d.deliverOne(g)
	}
}

// deliverOne delivers the spans of one origin. Stored ones are marked while
// their delivery is under way, removed once it ended (accepted or
// rejected for good), unmarked when they are held again or, failing at
// shutdown, left for the next start.
func (d *deliverer) deliverOne(g delivery) {
	ctx := context.Background()
	d.store.delivering(ctx, g.held)
	err := d.next.ConsumeTraces(g.origin.Context(ctx), g.td)
	if err == nil {
		d.store.delivered(ctx, g.held)
		d.counters.sent(ctx, len(g.held), outcomeAccepted)
		return
	}
	spans := zap.Int("spans", len(g.held))
	if consumererror.IsPermanent(err) {
		d.store.delivered(ctx, g.held)
	} else {
		d.store.undelivered(ctx, g.held)
	}
	if consumererror.IsPermanent(err) || d.engine.Closed() {
		d.logger.Error("next consumer rejected released spans", spans, zap.Error(err))
		d.counters.sent(ctx, len(g.held), outcomeRejected)
		return
	}
	d.logger.Warn("next consumer failed on released spans; they stay held and are retried", spans, zap.Error(err))
	if !d.engine.Requeue(g.held) {
		// Drained at shutdown meanwhile: nothing would release them again.
		d.logger.Error("next consumer failed on released spans during shutdown", spans, zap.Error(err))
		d.counters.sent(ctx, len(g.held), outcomeRejected)
		return
	}
	d.counters.sent(ctx, len(g.held), outcomeRetried)
}

// deliverAtShutdown sends the spans drained at shutdown, each origin's
// with its client information under the shutdown's deadline: nothing
// would retry them, so the spans that failed and the first error are
// returned.
func (d *deliverer) deliverAtShutdown(ctx context.Context, out deliveries) (failed int, first error) {
	if d.next == nil {
		return 0, nil
	}
	for _, g := range out.groups {
		d.store.delivering(ctx, g.held)
		if err := d.next.ConsumeTraces(g.origin.Context(ctx), g.td); err != nil {
			d.store.undelivered(ctx, g.held)
			d.logger.Error("could not deliver the held spans at shutdown", zap.Int("spans", len(g.held)), zap.Error(err))
			d.counters.sent(context.Background(), len(g.held), outcomeRejected)
			failed += len(g.held)
			if first == nil {
				first = err
			}
			continue
		}
		d.store.delivered(ctx, g.held)
		d.counters.sent(context.Background(), len(g.held), outcomeAccepted)
	}
	return failed, first
}
