package errordiagnosisprocessor

import (
	"context"
	"slices"
	"sync"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"go.opentelemetry.io/collector/component/componenttest"
	"go.opentelemetry.io/collector/consumer/consumertest"
	"go.opentelemetry.io/otel/metric"
	"go.opentelemetry.io/otel/metric/noop"

	"github.com/errordiagnosis/errordiagnosisprocessor/internal/metadatatest"
)

// droppingMeterProvider records the injected attributes a component asks
// to drop, as the collector's meter provider supports.
type droppingMeterProvider struct {
	noop.MeterProvider
	mu      sync.Mutex
	dropped [][]string
}

func (p *droppingMeterProvider) DropInjectedAttributes(attrs ...string) metric.MeterProvider {
	p.mu.Lock()
	defer p.mu.Unlock()
	p.dropped = append(p.dropped, slices.Clone(attrs))
	return p
}

// TestSharedInstancePerFactory: the traces and the logs pipelines of one
// component ID share a diagnoser of their factory, whose telemetry names no
// pipeline; another factory shares nothing with it.
func TestSharedInstancePerFactory(t *testing.T) {
	cfg := defaultConfig()
	set := metadatatest.NewSettings(componenttest.NewTelemetry())
	mp := &droppingMeterProvider{}
	set.MeterProvider = mp

	one, other := NewFactory(), NewFactory()
	tp, err := one.CreateTraces(context.Background(), set, cfg, consumertest.NewNop())
	require.NoError(t, err)
	lp, err := one.CreateLogs(context.Background(), set, cfg, consumertest.NewNop())
	require.NoError(t, err)
	op, err := other.CreateLogs(context.Background(), set, cfg, consumertest.NewNop())
	require.NoError(t, err)

	// One diagnoser built per factory (traces and logs of one shared; the
	// other factory's its own), each without the pipeline attributes.
	assert.Equal(t, [][]string{{"otelcol.signal", "otelcol.pipeline.id"}, {"otelcol.signal", "otelcol.pipeline.id"}}, mp.dropped,
		"diagnosers built")
	for _, c := range []interface{ Shutdown(context.Context) error }{tp, lp, op} {
		require.NoError(t, c.Shutdown(context.Background()))
	}
}
