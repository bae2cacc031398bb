package errordiagnosisprocessor // import "github.com/errordiagnosis/errordiagnosisprocessor"

import (
	"context"

	"go.opentelemetry.io/collector/consumer/consumererror"
	"go.opentelemetry.io/collector/pdata/ptrace"
	"go.uber.org/zap"

	"github.com/errordiagnosis/errordiagnosisprocessor/internal/holdqueue"
)

// Release, after the lock: released spans go to the next consumer on their
// own, held again with a backoff when it fails with a retryable error.

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
