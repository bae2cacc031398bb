package errordiagnosisprocessor // import "github.com/errordiagnosis/errordiagnosisprocessor"

import (
	"context"

	"go.opentelemetry.io/collector/pdata/plog"
)

// processLogs reads exception log records into the evidence of their traces
// (engine.ApplyLogs) and delivers the held spans they make final; the logs
// themselves pass through unchanged.
func (d *diagnoser) processLogs(ctx context.Context, ld plog.Logs) (plog.Logs, error) {
	out := d.engine.ApplyLogs(ld)
	if out == nil {
		return ld, nil
	}
	d.counters.late(ctx, out.Late)
	d.counters.forgotten(out.Forgotten)
	dl := d.writer.annotateReleased(ctx, out.Released)
	d.engine.Recycle(nil, out)
	d.out.deliver(dl)
	return ld, nil
}
