package errordiagnosisprocessor

import (
	"context"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"go.opentelemetry.io/collector/component/componenttest"
	"go.opentelemetry.io/collector/consumer/consumertest"
	"go.opentelemetry.io/collector/processor/processortest"

	"github.com/errordiagnosis/errordiagnosisprocessor/internal/metadata"
)

// manualTickers are the tickers of a diagnoser, by period, fired by the
// test: a tick is received when tick returns, and handled when the next
// tick of the same ticker returns.
type manualTickers struct {
	mu     sync.Mutex
	byTick map[time.Duration]*manualTicker
}

type manualTicker struct{ c chan time.Time }

func (m *manualTicker) C() <-chan time.Time { return m.c }
func (m *manualTicker) Stop()               {}

func newManualTickers() *manualTickers {
	return &manualTickers{byTick: map[time.Duration]*manualTicker{}}
}

func (m *manualTickers) ticker(d time.Duration) *manualTicker {
	m.mu.Lock()
	defer m.mu.Unlock()
	t := m.byTick[d]
	if t == nil {
		t = &manualTicker{c: make(chan time.Time)}
		m.byTick[d] = t
	}
	return t
}

func (m *manualTickers) newTicker(d time.Duration) ticker { return m.ticker(d) }

// tick fires the ticker of period d n times; all but the last have been
// handled when it returns.
func (m *manualTickers) tick(d time.Duration, n int) {
	t := m.ticker(d)
	for range n {
		t.c <- time.Time{}
	}
}

// TestTickLoopOnInjectedTicker: the tick loop releases a held span when its
// ticker fires after the deadline, not before.
func TestTickLoopOnInjectedTicker(t *testing.T) {
	cfg := defaultConfig()
	d, err := newDiagnoser(processortest.NewNopSettings(metadata.Type), cfg)
	require.NoError(t, err)
	sink := new(consumertest.TracesSink)
	d.out.next = sink
	clock := time.Date(2026, 12, 7, 1, 0, 0, 0, time.UTC)
	var mu sync.Mutex
	d.now = func() time.Time { mu.Lock(); defer mu.Unlock(); return clock }
	tickers := newManualTickers()
	d.loops.newTicker = tickers.newTicker
	require.NoError(t, d.start(context.Background(), componenttest.NewNopHost()))

	out, err := d.processTraces(context.Background(), bare500(1))
	require.Error(t, err, "held: nothing left in the batch")
	require.Zero(t, out.SpanCount())
	tick := d.engine.Tick()
	tickers.tick(tick, 2)
	assert.Zero(t, sink.SpanCount(), "before its deadline")

	mu.Lock()
	clock = clock.Add(cfg.WaitDuration)
	mu.Unlock()
	tickers.tick(tick, 2)
	assert.Equal(t, 1, sink.SpanCount(), "released on the first tick past its deadline")
	require.NoError(t, d.shutdown(context.Background()))
}
