package errordiagnosisprocessor // import "github.com/errordiagnosis/errordiagnosisprocessor"

import (
	"context"

	"go.opentelemetry.io/collector/pdata/pcommon"
	"go.opentelemetry.io/collector/pdata/plog"

	"github.com/errordiagnosis/errordiagnosisprocessor/internal/diagnosis"
	"github.com/errordiagnosis/errordiagnosisprocessor/internal/evidence"
	"github.com/errordiagnosis/errordiagnosisprocessor/internal/holdqueue"
)

// loggedException is an exception log record that names its span.
type loggedException struct {
	trace   pcommon.TraceID
	span    pcommon.SpanID
	service string
	item    [1]diagnosis.Evidence
}

// processLogs reads exception log records into the evidence of their traces;
// the logs themselves pass through unchanged. The records are read and
// matched before the lock.
func (d *diagnoser) processLogs(ctx context.Context, ld plog.Logs) (plog.Logs, error) {
	if d.cfg.WaitDuration <= 0 || d.closed.Load() {
		return ld, nil
	}
	logged := readLoggedExceptions(ld, d.rules)
	if len(logged) == 0 {
		return ld, nil
	}
	d.mu.Lock()
	if d.closed.Load() {
		d.mu.Unlock()
		return ld, nil
	}
	now := d.now()
	var ready []*holdqueue.Held
	late := 0
	for i := range logged {
		le := &logged[i]
		t := d.cache.Remember(le.trace, now)
		n := d.cache.AddNode(t, le.span)
		if n == nil {
			continue
		}
		if t.Service(n) == "" {
			t.SetService(n, le.service)
		}
		if t.Diagnosed && !d.held.Holds(t) {
			late++
		}
		d.cache.AddEvidence(t, n, le.item[:])
		for _, h := range d.held.Of(t, nil) {
			if diagnose(h.Trace, h.Node, h.Status, maxCallChain).final {
				d.held.Remove(h)
				ready = append(ready, h)
			}
		}
	}
	// Diagnosed again with the evidence of every record.
	rel := releaseLocked(nil, ready, "")
	rel = d.releaseForgottenLocked(rel)
	d.updateGaugesLocked()
	d.mu.Unlock()
	d.countLate(ctx, late)
	d.deliver(d.annotateReleased(ctx, rel))
	return ld, nil
}

// readLoggedExceptions reads the exception log records that carry a trace
// and span id, each matched.
func readLoggedExceptions(ld plog.Logs, rules *userRules) []loggedException {
	var out []loggedException
	rls := ld.ResourceLogs()
	for i := 0; i < rls.Len(); i++ {
		rl := rls.At(i)
		service, read := "", false
		sls := rl.ScopeLogs()
		for j := 0; j < sls.Len(); j++ {
			lrs := sls.At(j).LogRecords()
			for k := 0; k < lrs.Len(); k++ {
				lr := lrs.At(k)
				if lr.TraceID().IsEmpty() || lr.SpanID().IsEmpty() {
					continue
				}
				if !read {
					service, read = evidence.ServiceName(rl.Resource()), true
				}
				item, ok := evidence.ReadLogRecord(service, lr)
				if !ok {
					continue
				}
				le := loggedException{trace: lr.TraceID(), span: lr.SpanID(), service: service, item: [1]diagnosis.Evidence{item}}
				matchItems(le.item[:], rules)
				out = append(out, le)
			}
		}
	}
	return out
}
