package errordiagnosisprocessor // import "github.com/errordiagnosis/errordiagnosisprocessor"

import (
	"context"
	"errors"
	"maps"
	"slices"
	"sync/atomic"

	"go.opentelemetry.io/otel/attribute"
	"go.opentelemetry.io/otel/metric"

	"github.com/errordiagnosis/errordiagnosisprocessor/internal/diagnosis"
	"github.com/errordiagnosis/errordiagnosisprocessor/internal/metadata"
)

// The processor's own telemetry (documentation.md).

// Outcomes of held spans sent to the next consumer, the values of the
// "outcome" telemetry attribute.
const (
	outcomeAccepted = "accepted"
	outcomeRetried  = "retried"
	outcomeRejected = "rejected"
)

// attributeOpts returns the add options of a counter with one attribute,
// per value, built once: metric.WithAttributes builds a set on every call.
func attributeOpts[V ~string](key string, values ...V) map[V]metric.AddOption {
	m := make(map[V]metric.AddOption, len(values))
	for _, v := range values {
		m[v] = metric.WithAttributeSet(attribute.NewSet(attribute.String(key, string(v))))
	}
	return m
}

var (
	// earlyReleasedOpts are the attribute options of spans_early_released.
	earlyReleasedOpts = attributeOpts("reason", reasonMaxHeldSpans, reasonMaxHeldMiB, reasonMaxTraces, reasonMaxEvidenceMiB, reasonShutdown)
	// forgottenOpts are the attribute options of evidence_cache_forgotten.
	forgottenOpts = attributeOpts("reason", reasonEvidenceTTL, reasonMaxTraces, reasonMaxEvidenceMiB)
	// heldSentOpts are the attribute options of held_spans_sent.
	heldSentOpts = attributeOpts("outcome", outcomeAccepted, outcomeRetried, outcomeRejected)
	// diagnosedOpts are the attribute options of spans_diagnosed.
	diagnosedOpts = attributeOpts("category", slices.Collect(maps.Keys(diagnosis.Categories))...)
	// storageFailureOpts are the attribute options of registry_storage_failures.
	storageFailureOpts = attributeOpts("operation", operationLoad, operationFlush)
	// evictedByEntries and evictedByAge are the attributes of registry_evictions.
	evictedByEntries = metric.WithAttributeSet(attribute.NewSet(attribute.String("limit", "max_entries")))
	evictedByAge     = metric.WithAttributeSet(attribute.NewSet(attribute.String("limit", "max_age")))
)

// registerGauges reports the held spans and the remembered traces, in
// number and in bytes, as last stored by updateGaugesLocked, and the
// registry's groups and evictions.
func (d *diagnoser) registerGauges(tb *metadata.TelemetryBuilder) error {
	gauge := func(v *atomic.Int64) metric.Int64Callback {
		return func(_ context.Context, o metric.Int64Observer) error {
			o.Observe(v.Load())
			return nil
		}
	}
	return errors.Join(
		tb.RegisterProcessorErrordiagnosisSpansHeldCallback(gauge(&d.heldGauge)),
		tb.RegisterProcessorErrordiagnosisSpansHeldBytesCallback(gauge(&d.heldBytesGauge)),
		tb.RegisterProcessorErrordiagnosisEvidenceCacheTracesCallback(gauge(&d.traceGauge)),
		tb.RegisterProcessorErrordiagnosisEvidenceCacheBytesCallback(gauge(&d.evidenceBytesGauge)),
		tb.RegisterProcessorErrordiagnosisRegistryEntriesCallback(func(_ context.Context, o metric.Int64Observer) error {
			o.Observe(int64(d.registry.Len()))
			return nil
		}),
		tb.RegisterProcessorErrordiagnosisRegistryEvictionsCallback(func(_ context.Context, o metric.Int64Observer) error {
			byEntries, byAge := d.registry.Evictions()
			o.Observe(byEntries, evictedByEntries)
			o.Observe(byAge, evictedByAge)
			return nil
		}),
	)
}

// updateGaugesLocked stores what the gauges report and counts the traces
// forgotten since the last call.
func (d *diagnoser) updateGaugesLocked() {
	d.heldGauge.Store(int64(d.held.Len()))
	d.heldBytesGauge.Store(int64(d.held.Bytes()))
	d.traceGauge.Store(int64(d.cache.Len()))
	d.evidenceBytesGauge.Store(int64(d.cache.Bytes()))
	for why, n := range d.forgets {
		if n > 0 {
			d.telemetry.ProcessorErrordiagnosisEvidenceCacheForgotten.Add(context.Background(), n, forgottenOpts[forgetReason[why].forgotten])
			d.forgets[why] = 0
		}
	}
}

func (d *diagnoser) countDiagnosed(ctx context.Context, res result) {
	opt, ok := diagnosedOpts[res.Category]
	if !ok {
		opt = metric.WithAttributes(attribute.String("category", string(res.Category)))
	}
	d.telemetry.ProcessorErrordiagnosisSpansDiagnosed.Add(ctx, 1, opt)
}

func (d *diagnoser) countEarly(ctx context.Context, reason string) {
	d.telemetry.ProcessorErrordiagnosisSpansEarlyReleased.Add(ctx, 1, earlyReleasedOpts[reason])
}

// countSent counts n held spans sent to the next consumer with an outcome.
func (d *diagnoser) countSent(ctx context.Context, n int, outcome string) {
	d.telemetry.ProcessorErrordiagnosisHeldSpansSent.Add(ctx, int64(n), heldSentOpts[outcome])
}

// countLate counts evidence that arrived for traces whose targets were all
// diagnosed and released already.
func (d *diagnoser) countLate(ctx context.Context, n int) {
	if n > 0 {
		d.telemetry.ProcessorErrordiagnosisLateEvidence.Add(ctx, int64(n))
	}
}
