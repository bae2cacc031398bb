package errordiagnosisprocessor // import "github.com/errordiagnosis/errordiagnosisprocessor"

import (
	"context"
	"errors"
	"time"

	"go.opentelemetry.io/collector/consumer"
	"go.opentelemetry.io/collector/pdata/pcommon"
	"go.opentelemetry.io/collector/pdata/pmetric"
	"go.opentelemetry.io/collector/pdata/ptrace"
	"go.opentelemetry.io/otel/attribute"
	"go.opentelemetry.io/otel/metric"

	"github.com/errordiagnosis/errordiagnosisprocessor/internal/diagnosis"
	"github.com/errordiagnosis/errordiagnosisprocessor/internal/engine"
	"github.com/errordiagnosis/errordiagnosisprocessor/internal/metadata"
	"github.com/errordiagnosis/errordiagnosisprocessor/internal/readings"
	"github.com/errordiagnosis/errordiagnosisprocessor/internal/redact"
)

// Metrics as evidence (README "Metrics as evidence"): a metrics pipeline of
// the same component ID keeps the latest readings of its instances; a 500
// whose own evidence is a timeout or nothing takes the cause a saturated
// reading of its instance names.

// metricConfidence is below a direct exception type's 0.85 and a message
// pattern's 0.75: a saturated pool or heap explains the failures of its
// instance at that time, not this request's for certain.
const metricConfidence = 0.70

// metricsCapabilities: metrics pass through unchanged.
var metricsCapabilities = consumer.Capabilities{MutatesData: false}

// metricEvidence keeps the readings of the metrics pipeline and refines the
// diagnoses of the traces pipeline with them.
type metricEvidence struct {
	store    *readings.Store
	window   time.Duration
	redactor *redact.Redactor
	now      func() time.Time
}

func newMetricEvidence(cfg MetricsConfig, red *redact.Redactor, now func() time.Time) *metricEvidence {
	// Forgotten after two windows without an update: no span of a later
	// time could count its readings.
	return &metricEvidence{store: readings.New(cfg.MaxReadingsMiB<<20, 2*cfg.Window), window: cfg.Window, redactor: red, now: now}
}

// process keeps the readings of the table's metrics; md passes unchanged.
func (m *metricEvidence) process(_ context.Context, md pmetric.Metrics) (pmetric.Metrics, error) {
	m.store.Record(md, m.now())
	return md, nil
}

// refine replaces a diagnosis whose own evidence is a timeout or nothing by
// the cause a saturated reading of the span's instance names, read within
// the window before the span.
func (m *metricEvidence) refine(resource pcommon.Resource, span ptrace.Span, res *engine.Result) {
	if m.store.Instances() == 0 || !refinable(res) {
		return
	}
	f, ok := m.store.Saturation(resource, span.StartTimestamp(), span.EndTimestamp(), m.window)
	if !ok {
		return
	}
	cat, cause := diagnosis.ResourceExhaustion, "out_of_memory"
	switch f.Cause {
	case readings.PoolExhausted:
		cat, cause = diagnosis.DatabaseConnection, "pool_exhausted"
	case readings.DiskFull:
		cause = "disk_full"
	}
	*res = engine.Result{
		Result:          diagnosis.Result{Match: diagnosis.Match{Category: cat, Cause: cause, Rule: f.Rule, Strength: diagnosis.StrengthPattern}, Confidence: metricConfidence, Conclusive: true},
		Service:         res.Service,
		EvidenceService: res.Service,
		Dependency:      f.Subject,
		Final:           true,
		MetricEvidence:  f.Text,
	}
}

// evidence is the evidence text to write: the reading's when a reading
// decided, else the trace's.
func (m *metricEvidence) evidence(res *engine.Result, fromTrace string) string {
	if res.MetricEvidence == "" {
		return fromTrace
	}
	return m.redactor.Redact(res.MetricEvidence)
}

// timeoutCauses are the causes of a bare timeout: what a pool that handed
// out no connection, or a runtime collecting without end, shows in a trace.
var timeoutCauses = map[string]bool{"upstream_timeout": true, "statement_timeout": true, "query_canceled": true, "connect_timeout": true}

// refinable reports whether a diagnosis is a timeout or nothing: no user
// rule, no structured code, no exception more specific than a language's
// generic timeout, and no failed outgoing call (its timeout names the
// downstream, not this instance).
func refinable(res *engine.Result) bool {
	if res.UserRule != diagnosis.NoUserRule || res.Strength >= diagnosis.StrengthCode {
		return false
	}
	if res.Category == diagnosis.Unknown {
		return true
	}
	ev := res.Deciding()
	if ev == nil || ev.Kind == diagnosis.KindClient || !timeoutCauses[res.Cause] {
		return false
	}
	return res.Strength <= diagnosis.StrengthPattern || genericTimeoutRules[res.Rule]
}

// genericTimeoutRules are the rows of a language's own timeout types
// (TimeoutError, Go's context.DeadlineExceeded, .NET's TaskCanceledException):
// they say a deadline passed, not what it was spent waiting for. Go's
// database/sql records nothing else when a request's deadline passes while
// it waits for a connection of an exhausted pool (test/integration
// TestMetricsBed).
var genericTimeoutRules = map[string]bool{"lang.TimeoutError": true, "go.context.DeadlineExceeded": true, "dotnet.TaskCanceledException": true}

// registerGauges reports the readings kept, in instances and bytes, and the
// instances forgotten.
func (m *metricEvidence) registerGauges(tb *metadata.TelemetryBuilder) error {
	byBudget := metric.WithAttributeSet(attribute.NewSet(attribute.String("reason", readings.ReasonBudget)))
	byAge := metric.WithAttributeSet(attribute.NewSet(attribute.String("reason", readings.ReasonExpired)))
	return errors.Join(
		tb.RegisterProcessorErrordiagnosisMetricReadingsInstancesCallback(func(_ context.Context, o metric.Int64Observer) error {
			o.Observe(m.store.Instances())
			return nil
		}),
		tb.RegisterProcessorErrordiagnosisMetricReadingsBytesCallback(func(_ context.Context, o metric.Int64Observer) error {
			o.Observe(m.store.Bytes())
			return nil
		}),
		tb.RegisterProcessorErrordiagnosisMetricReadingsForgottenCallback(func(_ context.Context, o metric.Int64Observer) error {
			budget, expired := m.store.Forgotten()
			o.Observe(budget, byBudget)
			o.Observe(expired, byAge)
			return nil
		}),
	)
}
