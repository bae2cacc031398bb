package errordiagnosisprocessor

import (
	"context"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"go.opentelemetry.io/collector/consumer"
	"go.opentelemetry.io/collector/consumer/consumertest"
	"go.opentelemetry.io/collector/processor/processortest"

	"github.com/errordiagnosis/errordiagnosisprocessor/internal/metadata"
)

// TestDefaultConfig: the empty configuration is valid and diagnoses what
// the README says: 500s of server spans, held up to 5 s.
func TestDefaultConfig(t *testing.T) {
	cfg := NewFactory().CreateDefaultConfig().(*Config)
	require.NoError(t, cfg.Validate())
	assert.Equal(t, []int{500}, cfg.StatusCodes)
	assert.Equal(t, []string{"server"}, cfg.SpanKinds)
	assert.Equal(t, defaultWaitDuration, cfg.WaitDuration)
	assert.Equal(t, "diagnosis.", cfg.AttributePrefix)
	assert.NotSame(t, cfg, NewFactory().CreateDefaultConfig(), "a fresh configuration each time")
}

// TestFactoryCapabilities: the traces and logs processors write the
// diagnosis on spans they are given (logs pass unchanged but share the
// instance that does); the metrics processor declares its own.
func TestFactoryCapabilities(t *testing.T) {
	f := NewFactory()
	cfg := f.CreateDefaultConfig()
	set := processortest.NewNopSettings(metadata.Type)
	tp, err := f.CreateTraces(context.Background(), set, cfg, consumertest.NewNop())
	require.NoError(t, err)
	lp, err := f.CreateLogs(context.Background(), set, cfg, consumertest.NewNop())
	require.NoError(t, err)
	mp, err := f.CreateMetrics(context.Background(), set, cfg, consumertest.NewNop())
	require.NoError(t, err)
	assert.Equal(t, consumer.Capabilities{MutatesData: true}, tp.Capabilities())
	assert.Equal(t, consumer.Capabilities{MutatesData: true}, lp.Capabilities())
	assert.Equal(t, metricsCapabilities, mp.Capabilities())
	for _, c := range []interface{ Shutdown(context.Context) error }{tp, lp, mp} {
		require.NoError(t, c.Shutdown(context.Background()))
	}
}
