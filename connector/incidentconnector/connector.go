package incidentconnector // import "github.com/errordiagnosis/errordiagnosisprocessor/connector/incidentconnector"

import (
	"context"
	"slices"
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
	"github.com/errordiagnosis/errordiagnosisprocessor/internal/contract"
	"github.com/errordiagnosis/errordiagnosisprocessor/internal/registry"
)

// incidentConnector emits one log record per first sighting, relapse and
// resolution of an error group and never changes the spans it reads.
type incidentConnector struct {
	next      consumer.Logs
	logger    *zap.Logger
	names     contract.Names
	limiter   *ratelimit.Limiter
	now       func() time.Time
	telemetry *metadata.TelemetryBuilder
	version   string
	// feed is the processor's, whose ID is processor; resolved reads it
	// from Start to Shutdown.
	feed      *registry.Feed
	processor string
	resolved  *registry.Reader

	noRegistryOnce sync.Once
}

var (
	kinds       = [...]incident.Kind{incident.KindNew, incident.KindRegression, incident.KindRelapse, incident.KindResolved}
	emittedOpts = func() map[incident.Kind]metric.AddOption {
		m := make(map[incident.Kind]metric.AddOption, len(kinds))
		for _, k := range kinds {
			m[k] = metric.WithAttributeSet(attribute.NewSet(attribute.String("kind", string(k))))
		}
		return m
	}()
	rateLimitedOpt = metric.WithAttributeSet(attribute.NewSet(attribute.String("reason", "rate_limited")))
	malformedOpt   = metric.WithAttributeSet(attribute.NewSet(attribute.String("reason", "malformed")))
	refusedOpt     = metric.WithAttributeSet(attribute.NewSet(attribute.String("reason", "refused")))
	lostOpt        = metric.WithAttributeSet(attribute.NewSet(attribute.String("reason", "lost")))
)

func newConnector(set connector.Settings, cfg *Config, next consumer.Logs, now func() time.Time) (*incidentConnector, error) {
	tb, err := metadata.NewTelemetryBuilder(set.TelemetrySettings)
	if err != nil {
		return nil, err
	}
	c := &incidentConnector{
		next:      next,
		logger:    set.Logger,
		names:     contract.NewNames(cfg.AttributePrefix),
		limiter:   ratelimit.New(cfg.RateLimit.Interval, cfg.RateLimit.MaxGroups),
		now:       now,
		telemetry: tb,
		version:   set.BuildInfo.Version,
		feed:      registry.FeedOf(cfg.Processor.String()),
		processor: cfg.Processor.String(),
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

// Start reads the groups the processor resolves from now on.
func (c *incidentConnector) Start(context.Context, component.Host) error {
	if !c.feed.HasPublisher() {
		c.logger.Warn("No errordiagnosis processor of this collector has the component ID of the connector's processor setting: no records of resolved error groups. Set processor to the processor's ID, e.g. errordiagnosis/tier2.",
			zap.String("processor", c.processor))
	}
	c.resolved = c.feed.Subscribe()
	return nil
}

func (c *incidentConnector) Shutdown(context.Context) error {
	if c.resolved != nil {
		c.resolved.Close()
		c.resolved = nil
	}
	c.telemetry.Shutdown()
	return nil
}

// ConsumeTraces reads the diagnosed spans and the groups the processor
// resolved since the last call, and sends their incident records, if any,
// to the logs pipelines. An error of the logs pipeline is logged and
// counted, never returned (see below).
func (c *incidentConnector) ConsumeTraces(ctx context.Context, td ptrace.Traces) error {
	now := c.now()
	var (
		logs    plog.Logs
		emitted [len(kinds)]int64
	)
	count := func(kind incident.Kind) {
		emitted[slices.Index(kinds[:], kind)]++
	}
	newResource := func() plog.ResourceLogs {
		if logs == (plog.Logs{}) {
			logs = plog.NewLogs()
		}
		rl := logs.ResourceLogs().AppendEmpty()
		return rl
	}
	records := func(rl plog.ResourceLogs) plog.LogRecordSlice {
		sl := rl.ScopeLogs().AppendEmpty()
		sl.Scope().SetName(metadata.ScopeName)
		sl.Scope().SetVersion(c.version)
		return sl.LogRecords()
	}
	observed := pcommon.NewTimestampFromTime(now)
	for _, ev := range c.readResolved(ctx) {
		if !c.limiter.Allow(limiterKey(ev.Key, incident.KindResolved), now) {
			c.telemetry.ConnectorIncidentRecordsSuppressed.Add(ctx, 1, rateLimitedOpt)
			continue
		}
		rl := newResource()
		incident.ResolvedIdentity(ev, rl.Resource().Attributes())
		incident.FillResolved(records(rl).AppendEmpty(), ev, c.names, observed)
		count(incident.KindResolved)
	}
	for _, rs := range td.ResourceSpans().All() {
		resource := rs.Resource().Attributes()
		var recs plog.LogRecordSlice
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
							": set the errordiagnosis processor's attributes.error_group to true (the default), or check that attribute_prefix is the processor's; no incident records until then",
							zap.String("fingerprint", fp))
					})
					continue
				default:
					continue
				}
				if !c.limiter.Allow(limiterKey(contract.GroupID{Service: contract.ServiceOf(resource), Fingerprint: fp}, kind), now) {
					c.telemetry.ConnectorIncidentRecordsSuppressed.Add(ctx, 1, rateLimitedOpt)
					continue
				}
				if recs == (plog.LogRecordSlice{}) {
					rl := newResource()
					incident.CopyIdentity(resource, rl.Resource().Attributes())
					recs = records(rl)
				}
				incident.Fill(recs.AppendEmpty(), span, resource, kind, c.names, observed)
				count(kind)
			}
		}
	}
	if logs == (plog.Logs{}) {
		return nil
	}
	var total int64
	for _, n := range emitted {
		total += n
	}
	// The records are derived from spans the traces pipeline's other
	// consumers have already taken: an error here would make the sender
	// retry the whole batch (duplicates in the traces backend) and the
	// processor count its released spans as refused. Logged and counted.
	if err := c.next.ConsumeLogs(ctx, logs); err != nil {
		c.telemetry.ConnectorIncidentRecordsSuppressed.Add(ctx, total, refusedOpt)
		c.logger.Warn("The logs pipeline refused incident records; they are not sent again (their groups are no longer first sightings). Give the logs exporter a sending_queue.",
			zap.Int64("records", total), zap.Error(err))
		return nil
	}
	for i, n := range emitted {
		if n > 0 {
			c.telemetry.ConnectorIncidentRecordsEmitted.Add(ctx, n, emittedOpts[kinds[i]])
		}
	}
	return nil
}

// readResolved returns the groups the processor resolved since the last
// call; those lost to the feed's bound are counted.
func (c *incidentConnector) readResolved(ctx context.Context) []registry.Event {
	if c.resolved == nil {
		return nil // not started
	}
	events, lost := c.resolved.Read()
	if lost > 0 {
		c.telemetry.ConnectorIncidentRecordsSuppressed.Add(ctx, int64(lost), lostOpt)
	}
	return events
}

// limiterKey is the rate limiter's key of the records of kind of error
// group g.
func limiterKey(g contract.GroupID, kind incident.Kind) string {
	return g.Name + "\x00" + g.Environment + "\x00" + g.Fingerprint + "\x00" + string(kind)
}
