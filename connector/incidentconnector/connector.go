package incidentconnector // import "github.com/errordiagnosis/errordiagnosisprocessor/connector/incidentconnector"

import (
	"context"
	"sync"
	"time"

	"go.opentelemetry.io/collector/component"
	"go.opentelemetry.io/collector/connector"
	"go.opentelemetry.io/collector/consumer"
	"go.opentelemetry.io/collector/pdata/pcommon"
	"go.opentelemetry.io/collector/pdata/plog"
	"go.opentelemetry.io/collector/pdata/ptrace"
	"go.opentelemetry.io/otel/attribute"
	"go.opentelemetry.io/otel/metric"
	"go.uber.org/zap"

	"github.com/errordiagnosis/errordiagnosisprocessor/connector/incidentconnector/internal/incident"
	"github.com/errordiagnosis/errordiagnosisprocessor/connector/incidentconnector/internal/metadata"
	"github.com/errordiagnosis/errordiagnosisprocessor/connector/incidentconnector/internal/ratelimit"
)

// incidentConnector emits one log record per first sighting of an error group
// and never changes the spans it reads.
type incidentConnector struct {
	next      consumer.Logs
	logger    *zap.Logger
	names     incident.Names
	limiter   *ratelimit.Limiter
	now       func() time.Time
	telemetry *metadata.TelemetryBuilder
	version   string

	noRegistryOnce sync.Once
}

var (
	emittedOpts = map[incident.Kind]metric.AddOption{
		incident.KindNew:        metric.WithAttributeSet(attribute.NewSet(attribute.String("kind", string(incident.KindNew)))),
		incident.KindRegression: metric.WithAttributeSet(attribute.NewSet(attribute.String("kind", string(incident.KindRegression)))),
	}
	rateLimitedOpt = metric.WithAttributeSet(attribute.NewSet(attribute.String("reason", "rate_limited")))
	malformedOpt   = metric.WithAttributeSet(attribute.NewSet(attribute.String("reason", "malformed")))
	refusedOpt     = metric.WithAttributeSet(attribute.NewSet(attribute.String("reason", "refused")))
)

func newConnector(set connector.Settings, cfg *Config, next consumer.Logs, now func() time.Time) (*incidentConnector, error) {
	tb, err := metadata.NewTelemetryBuilder(set.TelemetrySettings)
	if err != nil {
		return nil, err
	}
	c := &incidentConnector{
		next:      next,
		logger:    set.Logger,
		names:     incident.NewNames(cfg.AttributePrefix),
		limiter:   ratelimit.New(cfg.RateLimit.Interval, cfg.RateLimit.MaxGroups),
		now:       now,
		telemetry: tb,
		version:   set.BuildInfo.Version,
	}
	if err := tb.RegisterConnectorIncidentTrackedGroupsCallback(func(_ context.Context, o metric.Int64Observer) error {
		o.Observe(int64(c.limiter.Len()))
		return nil
	}); err != nil {
		tb.Shutdown()
		return nil, err
	}
	return c, nil
}

func (*incidentConnector) Capabilities() consumer.Capabilities {
	return consumer.Capabilities{MutatesData: false}
}

func (*incidentConnector) Start(context.Context, component.Host) error { return nil }

func (c *incidentConnector) Shutdown(context.Context) error {
	c.telemetry.Shutdown()
	return nil
}

// ConsumeTraces reads the diagnosed spans and sends their incident records,
// if any, to the logs pipelines. An error of the logs pipeline is returned,
// as other connectors do; the records of that call are not sent again (their
// groups are no longer first sightings).
func (c *incidentConnector) ConsumeTraces(ctx context.Context, td ptrace.Traces) error {
	now := c.now()
	var (
		logs    plog.Logs
		emitted [2]int64 // new, regression
	)
	for _, rs := range td.ResourceSpans().All() {
		resource := rs.Resource().Attributes()
		var records plog.LogRecordSlice
		for _, ss := range rs.ScopeSpans().All() {
			for _, span := range ss.Spans().All() {
				outcome, kind, fp := incident.Read(span.Attributes(), c.names)
				switch outcome {
				case incident.FirstSighting:
				case incident.Malformed:
					c.telemetry.ConnectorIncidentRecordsSuppressed.Add(ctx, 1, malformedOpt)
					continue
				case incident.NoRegistry:
					c.noRegistryOnce.Do(func() {
						c.logger.Warn("diagnosed spans carry no "+c.names.Occurrences+
							": enable the errordiagnosis processor's fingerprint registry, or check that attribute_prefix is the processor's; no incident records until then",
							zap.String("fingerprint", fp))
					})
					continue
				default:
					continue
				}
				if !c.limiter.Allow(groupKey(resource, fp), now) {
					c.telemetry.ConnectorIncidentRecordsSuppressed.Add(ctx, 1, rateLimitedOpt)
					continue
				}
				if records == (plog.LogRecordSlice{}) {
					if logs == (plog.Logs{}) {
						logs = plog.NewLogs()
					}
					rl := logs.ResourceLogs().AppendEmpty()
					incident.CopyIdentity(resource, rl.Resource().Attributes())
					sl := rl.ScopeLogs().AppendEmpty()
					sl.Scope().SetName(metadata.ScopeName)
					sl.Scope().SetVersion(c.version)
					records = sl.LogRecords()
				}
				incident.Fill(records.AppendEmpty(), span, resource, kind, c.names, pcommon.NewTimestampFromTime(now))
				if kind == incident.KindRegression {
					emitted[1]++
				} else {
					emitted[0]++
				}
			}
		}
	}
	if logs == (plog.Logs{}) {
		return nil
	}
	// The records are derived from spans the traces pipeline's other
	// consumers have already taken: an error here would make the sender
	// retry the whole batch (duplicates in the traces backend) and the
	// processor count its released spans as refused. Logged and counted.
	if err := c.next.ConsumeLogs(ctx, logs); err != nil {
		c.telemetry.ConnectorIncidentRecordsSuppressed.Add(ctx, emitted[0]+emitted[1], refusedOpt)
		c.logger.Warn("The logs pipeline refused incident records; they are not sent again (their groups are no longer first sightings). Give the logs exporter a sending_queue.",
			zap.Int64("records", emitted[0]+emitted[1]), zap.Error(err))
		return nil
	}
	if emitted[0] > 0 {
		c.telemetry.ConnectorIncidentRecordsEmitted.Add(ctx, emitted[0], emittedOpts[incident.KindNew])
	}
	if emitted[1] > 0 {
		c.telemetry.ConnectorIncidentRecordsEmitted.Add(ctx, emitted[1], emittedOpts[incident.KindRegression])
	}
	return nil
}

// groupKey identifies an error group as the processor's registry does:
// service and environment of the resource, and the fingerprint.
func groupKey(resource pcommon.Map, fp string) string {
	return attrStr(resource, "service.name") + "\x00" + attrStr(resource, "deployment.environment.name") + "\x00" + fp
}

func attrStr(m pcommon.Map, k string) string {
	if v, ok := m.Get(k); ok {
		return v.AsString()
	}
	return ""
}
