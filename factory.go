package errordiagnosisprocessor // import "github.com/errordiagnosis/errordiagnosisprocessor"

import (
	"context"
	"time"

	"go.opentelemetry.io/collector/component"
	"go.opentelemetry.io/collector/consumer"
	"go.opentelemetry.io/collector/processor"
	"go.opentelemetry.io/collector/processor/processorhelper"

	"github.com/errordiagnosis/errordiagnosisprocessor/internal/contract"
	"github.com/errordiagnosis/errordiagnosisprocessor/internal/metadata"
)

const (
	// defaultWaitDuration matches the OpenTelemetry SDKs' default batch span
	// processor schedule delay (OTEL_BSP_SCHEDULE_DELAY = 5s): a downstream
	// service's spans reach the collector at most about one schedule delay
	// after the caller's.
	defaultWaitDuration = 5 * time.Second
	defaultEvidenceTTL  = 30 * time.Second
	defaultMaxTraces    = 100_000
	defaultMaxHeld      = 10_000
	// The memory budgets (docs/performance.md §5), from the measured 1.6 KB
	// of evidence per failing trace and 1.2 KB per held span of the mixed
	// storm: about 7,700 failing traces (1,500 a second over wait_duration)
	// and 6,700 held spans, so that an outage does not take the collector's
	// memory; the counts bind first in calm traffic. 16 MiB of evidence
	// diagnosed no more of an outage than 12 in the load test, and took the
	// collector's peak RSS over twice that of a collector without it (§8).
	defaultMaxHeldMiB     = 8
	defaultMaxEvidenceMiB = 12
	// The registry's defaults (README "Registry"): a group unseen for 30
	// days is new again; 10,000 groups are a few MB.
	defaultRegistryEntries  = 10_000
	defaultRegistryMaxAge   = 30 * 24 * time.Hour
	defaultRegistryServices = 1000
	defaultRegistryVersions = 16
	defaultRegistryFlush    = 10 * time.Second
	// A version resolves a group after 1,000 requests without it: a group
	// that failed 1 request in 200 would have shown in 1,000 with a
	// probability of 1-(1-1/200)^1000 = 99.3 %. A rarer one may be resolved
	// too early; its relapse then gets a record, not silence.
	defaultResolveAfterRequests = 1000
)

// NewFactory returns the factory of the errordiagnosis processor.
func NewFactory() processor.Factory {
	f := &factory{diagnosers: newSharedDiagnosers()}
	return processor.NewFactory(
		metadata.Type,
		createDefaultConfig,
		processor.WithTraces(f.createTraces, metadata.TracesStability),
		processor.WithLogs(f.createLogs, metadata.LogsStability),
		processor.WithMetrics(f.createMetrics, metadata.MetricsStability),
	)
}

// factory shares one diagnoser between the traces, logs and metrics
// pipelines of the same component ID, as memory_limiter shares its state:
// exception log records must reach the evidence cache that the spans use,
// metric readings the instance's readings the diagnoses consult.
type factory struct {
	diagnosers *sharedDiagnosers
}

func createDefaultConfig() component.Config {
	return &Config{
		StatusCodes:     []int{500},
		SpanKinds:       []string{"server"},
		WaitDuration:    defaultWaitDuration,
		EvidenceTTL:     defaultEvidenceTTL,
		MaxTraces:       defaultMaxTraces,
		MaxHeldSpans:    defaultMaxHeld,
		MaxHeldMiB:      defaultMaxHeldMiB,
		MaxEvidenceMiB:  defaultMaxEvidenceMiB,
		AttributePrefix: contract.DefaultPrefix,
		Attributes:      contract.AllAttributes(),
		Redaction:       RedactionConfig{MaxLength: contract.DefaultMaxLength},
		Registry: RegistryConfig{
			MaxEntries:            defaultRegistryEntries,
			MaxAge:                defaultRegistryMaxAge,
			MaxServices:           defaultRegistryServices,
			MaxVersionsPerService: defaultRegistryVersions,
			FlushInterval:         defaultRegistryFlush,
			ResolveAfterRequests:  defaultResolveAfterRequests,
		},
		Metrics: defaultMetricsConfig(),
	}
}

var processorCapabilities = consumer.Capabilities{MutatesData: true}

func (f *factory) createTraces(ctx context.Context, set processor.Settings, cfg component.Config, next consumer.Traces) (processor.Traces, error) {
	p, err := f.diagnosers.acquire(set, cfg.(*Config), next)
	if err != nil {
		return nil, err
	}
	return processorhelper.NewTraces(ctx, set, cfg, next, p.processTraces,
		processorhelper.WithCapabilities(processorCapabilities),
		processorhelper.WithStart(p.start),
		processorhelper.WithShutdown(func(ctx context.Context) error { return f.diagnosers.drop(ctx, set.ID, p, true) }))
}

func (f *factory) createLogs(ctx context.Context, set processor.Settings, cfg component.Config, next consumer.Logs) (processor.Logs, error) {
	p, err := f.diagnosers.acquire(set, cfg.(*Config), nil)
	if err != nil {
		return nil, err
	}
	return processorhelper.NewLogs(ctx, set, cfg, next, p.processLogs,
		processorhelper.WithCapabilities(processorCapabilities),
		processorhelper.WithStart(p.start),
		processorhelper.WithShutdown(func(ctx context.Context) error { return f.diagnosers.drop(ctx, set.ID, p, false) }))
}

func (f *factory) createMetrics(ctx context.Context, set processor.Settings, cfg component.Config, next consumer.Metrics) (processor.Metrics, error) {
	p, err := f.diagnosers.acquire(set, cfg.(*Config), nil)
	if err != nil {
		return nil, err
	}
	return processorhelper.NewMetrics(ctx, set, cfg, next, p.metrics.process,
		processorhelper.WithCapabilities(metricsCapabilities),
		processorhelper.WithStart(p.start),
		processorhelper.WithShutdown(func(ctx context.Context) error { return f.diagnosers.drop(ctx, set.ID, p, false) }))
}
