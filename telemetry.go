package errordiagnosisprocessor // import "github.com/errordiagnosis/errordiagnosisprocessor"

import (
	"context"
	"errors"
	"maps"
	"slices"

	"go.opentelemetry.io/otel/attribute"
	"go.opentelemetry.io/otel/metric"

	"github.com/errordiagnosis/errordiagnosisprocessor/internal/diagnosis"
	"github.com/errordiagnosis/errordiagnosisprocessor/internal/engine"
	"github.com/errordiagnosis/errordiagnosisprocessor/internal/metadata"
	"github.com/errordiagnosis/errordiagnosisprocessor/internal/registry"
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
	earlyReleasedOpts = attributeOpts("reason", engine.ReasonMaxHeldSpans, engine.ReasonMaxHeldMiB, engine.ReasonMaxTraces, engine.ReasonMaxEvidenceMiB, engine.ReasonShutdown)
	// forgottenOpts are the attribute options of evidence_cache_forgotten.
	forgottenOpts = attributeOpts("reason", engine.ReasonEvidenceTTL, engine.ReasonMaxTraces, engine.ReasonMaxEvidenceMiB)
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

// counters are the processor's counters.
type counters struct {
	tb *metadata.TelemetryBuilder
}

// registerGauges reports the held spans and the remembered traces, in
// number and in bytes, as the engine's last call left them, and the
// registry's groups and evictions.
func (c counters) registerGauges(e *engine.Engine, reg *registry.Registry) error {
	gauge := func(v func(engine.Stats) int64) metric.Int64Callback {
		return func(_ context.Context, o metric.Int64Observer) error {
			o.Observe(v(e.Stats()))
			return nil
		}
	}
	return errors.Join(
		c.tb.RegisterProcessorErrordiagnosisSpansHeldCallback(gauge(func(s engine.Stats) int64 { return s.Held })),
		c.tb.RegisterProcessorErrordiagnosisSpansHeldBytesCallback(gauge(func(s engine.Stats) int64 { return s.HeldBytes })),
		c.tb.RegisterProcessorErrordiagnosisEvidenceCacheTracesCallback(gauge(func(s engine.Stats) int64 { return s.Traces })),
		c.tb.RegisterProcessorErrordiagnosisEvidenceCacheBytesCallback(gauge(func(s engine.Stats) int64 { return s.EvidenceBytes })),
		c.tb.RegisterProcessorErrordiagnosisRegistryEntriesCallback(func(_ context.Context, o metric.Int64Observer) error {
			o.Observe(int64(reg.Len()))
			return nil
		}),
		c.tb.RegisterProcessorErrordiagnosisRegistryEvictionsCallback(func(_ context.Context, o metric.Int64Observer) error {
			byEntries, byAge := reg.Evictions()
			o.Observe(byEntries, evictedByEntries)
			o.Observe(byAge, evictedByAge)
			return nil
		}),
	)
}

// forgotten counts the traces the engine forgot, by reason.
func (c counters) forgotten(n [engine.ForgetReasons]int64) {
	for why, k := range n {
		if k > 0 {
			c.tb.ProcessorErrordiagnosisEvidenceCacheForgotten.Add(context.Background(), k, forgottenOpts[engine.ForgottenReason(why)])
		}
	}
}

func (c counters) diagnosed(ctx context.Context, res *engine.Result) {
	opt, ok := diagnosedOpts[res.Category]
	if !ok {
		opt = metric.WithAttributes(attribute.String("category", string(res.Category)))
	}
	c.tb.ProcessorErrordiagnosisSpansDiagnosed.Add(ctx, 1, opt)
}

func (c counters) early(ctx context.Context, reason string) {
	c.tb.ProcessorErrordiagnosisSpansEarlyReleased.Add(ctx, 1, earlyReleasedOpts[reason])
}

// sent counts n held spans sent to the next consumer with an outcome.
func (c counters) sent(ctx context.Context, n int, outcome string) {
	c.tb.ProcessorErrordiagnosisHeldSpansSent.Add(ctx, int64(n), heldSentOpts[outcome])
}

// late counts evidence that arrived for traces whose targets were all
// diagnosed and released already.
func (c counters) late(ctx context.Context, n int) {
	if n > 0 {
		c.tb.ProcessorErrordiagnosisLateEvidence.Add(ctx, int64(n))
	}
}

// storageFailure counts a failure of the registry's storage.
func (c counters) storageFailure(ctx context.Context, operation string) {
	c.tb.ProcessorErrordiagnosisRegistryStorageFailures.Add(ctx, 1, storageFailureOpts[operation])
}
