package errordiagnosisprocessor // import "github.com/errordiagnosis/errordiagnosisprocessor"

import (
	"context"
	"sync"

	"go.opentelemetry.io/collector/component"
	"go.opentelemetry.io/collector/consumer"
	"go.opentelemetry.io/collector/processor"
	"go.opentelemetry.io/otel/metric"
	"go.opentelemetry.io/otel/trace"
	"go.uber.org/zap"
	"go.uber.org/zap/zapcore"
)

// sharedDiagnosers hands out one diagnoser per component ID, counting its
// users; the last user's shutdown shuts it down. Each factory has its own,
// as memory_limiter's factory keeps its shared instances.
type sharedDiagnosers struct {
	mu   sync.Mutex
	byID map[component.ID]*sharedDiagnoser
}

type sharedDiagnoser struct {
	d    *diagnoser
	refs int
}

func newSharedDiagnosers() *sharedDiagnosers {
	return &sharedDiagnosers{byID: map[component.ID]*sharedDiagnoser{}}
}

// acquire returns the diagnoser of set.ID. next is the traces pipeline's
// next consumer (nil for a logs pipeline): released held spans go there, so
// one diagnoser serves at most one traces pipeline; a second traces pipeline
// with the same processor ID gets a diagnoser of its own.
func (s *sharedDiagnosers) acquire(set processor.Settings, cfg *Config, next consumer.Traces) (*diagnoser, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	sd, ok := s.byID[set.ID]
	if ok && sd.d.cfg == cfg && (next == nil || sd.d.out.next == nil) {
		sd.refs++
		if next != nil {
			sd.d.out.next = next
		}
		return sd.d, nil
	}
	set.TelemetrySettings = withoutPipelineAttributes(set.TelemetrySettings)
	d, err := newDiagnoser(set, cfg)
	if err != nil {
		return nil, err
	}
	d.out.next = next
	if !ok || sd.d.cfg != cfg {
		s.byID[set.ID] = &sharedDiagnoser{d: d, refs: 1}
	}
	return d, nil
}

// drop drops one user of d. The last user's drop shuts d down; so does
// the traces pipeline's, whatever users remain: the collector shuts a
// pipeline's components down in order, so the traces pipeline's next
// consumer stops right after it, and the held spans must reach it first. A
// logs pipeline still running then passes its records through unchanged.
func (s *sharedDiagnosers) drop(ctx context.Context, id component.ID, d *diagnoser, traces bool) error {
	s.mu.Lock()
	sd, ok := s.byID[id]
	last := true
	if ok && sd.d == d {
		sd.refs--
		last = sd.refs <= 0
		if last {
			delete(s.byID, id)
		}
	}
	s.mu.Unlock()
	if !last && !traces {
		return nil
	}
	return d.shutdown(ctx)
}

// pipelineAttributes are the attributes the collector adds to a component's
// telemetry that name one pipeline: a diagnoser serves the traces and the
// logs pipelines of its component ID, so its logs and metrics carry the
// component ID only.
var pipelineAttributes = []string{"otelcol.signal", "otelcol.pipeline.id"}

// withoutPipelineAttributes drops the pipeline attributes from telemetry
// settings whose providers support it (the collector's do).
func withoutPipelineAttributes(ts component.TelemetrySettings) component.TelemetrySettings {
	type dropCore interface {
		DropInjectedAttributes(...string) zapcore.Core
	}
	type dropTracer interface {
		DropInjectedAttributes(...string) trace.TracerProvider
	}
	type dropMeter interface {
		DropInjectedAttributes(...string) metric.MeterProvider
	}
	if ts.Logger != nil {
		ts.Logger = ts.Logger.WithOptions(zap.WrapCore(func(c zapcore.Core) zapcore.Core {
			if dc, ok := c.(dropCore); ok {
				return dc.DropInjectedAttributes(pipelineAttributes...)
			}
			return c
		}))
	}
	if dt, ok := ts.TracerProvider.(dropTracer); ok {
		ts.TracerProvider = dt.DropInjectedAttributes(pipelineAttributes...)
	}
	if dm, ok := ts.MeterProvider.(dropMeter); ok {
		ts.MeterProvider = dm.DropInjectedAttributes(pipelineAttributes...)
	}
	return ts
}
