package errordiagnosisprocessor

import (
	"context"
	"errors"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"go.opentelemetry.io/collector/component/componenttest"
	"go.opentelemetry.io/collector/pdata/ptrace"
	"go.opentelemetry.io/collector/processor/processortest"
	"go.opentelemetry.io/otel/attribute"
	"go.opentelemetry.io/otel/sdk/metric/metricdata"
	"go.opentelemetry.io/otel/sdk/metric/metricdata/metricdatatest"
	"go.uber.org/zap"
	"go.uber.org/zap/zapcore"
	"go.uber.org/zap/zaptest/observer"

	"github.com/errordiagnosis/errordiagnosisprocessor/internal/metadata"
	"github.com/errordiagnosis/errordiagnosisprocessor/internal/metadatatest"
	"github.com/errordiagnosis/errordiagnosisprocessor/internal/testtraces"
)

// Held spans in a storage extension: a diagnoser "crashes" (its release
// loop stops, nothing is drained, nothing is shut down) and another starts
// on the same storage.

// heldBed is a started diagnoser holding spans in st, with a clock of its own.
type heldBed struct {
	d     *diagnoser
	sink  *originSink
	logs  *observer.ObservedLogs
	tt    *componenttest.Telemetry
	clock time.Time
}

func startHeldBed(t *testing.T, st *memStorage, cfg *Config, clock time.Time) *heldBed {
	t.Helper()
	cfg.Storage = &storageID
	require.NoError(t, cfg.Validate())
	tt := componenttest.NewTelemetry()
	t.Cleanup(func() { require.NoError(t, tt.Shutdown(context.Background())) })
	set := metadatatest.NewSettings(tt)
	core, logs := observer.New(zapcore.InfoLevel)
	set.Logger = zap.New(core)
	d, err := newDiagnoser(set, cfg)
	require.NoError(t, err)
	b := &heldBed{d: d, sink: &originSink{}, logs: logs, tt: tt, clock: clock}
	d.out.next = b.sink
	d.now = func() time.Time { return b.clock }
	require.NoError(t, d.start(context.Background(), hostWithStorage(st)))
	return b
}

// crash stops the tick loop without draining anything.
func (b *heldBed) crash() {
	close(b.d.loops.stop)
	<-b.d.loops.done
}

func (b *heldBed) send(t *testing.T, tenant string, seed uint64) {
	t.Helper()
	_, err := b.d.processTraces(tenantCtx(t, tenant), tenant500(tenant, seed))
	require.Error(t, err, "held: nothing left in the batch")
}

func minuteWait() *Config {
	cfg := defaultConfig()
	cfg.WaitDuration = time.Minute // the tick never releases during a test
	cfg.EvidenceTTL = 2 * time.Minute
	return cfg
}

var heldClock = time.Date(2026, 12, 6, 12, 0, 0, 0, time.UTC)

func heldSpansIn(st *memStorage) int {
	st.mu.Lock()
	defer st.mu.Unlock()
	n := 0
	for k := range st.data {
		if strings.HasPrefix(k, "held/") && k != "held/slots" && !strings.HasSuffix(k, "/r") {
			n++
		}
	}
	return n
}

func TestHeldSpansSurviveACrash(t *testing.T) {
	st := newMemStorage()
	a := startHeldBed(t, st, minuteWait(), heldClock)
	a.send(t, "a", 1)
	a.send(t, "b", 2)
	a.send(t, "a", 3)
	assert.Equal(t, 3, heldSpansIn(st), "stored when held, before the batch is acknowledged")
	a.crash()

	b := startHeldBed(t, st, minuteWait(), heldClock.Add(10*time.Second))
	assert.Empty(t, b.sink.heldCalls(), "held again until their deadline")
	assert.Equal(t, int64(3), b.d.engine.Stats().Held)
	metadatatest.AssertEqualProcessorErrordiagnosisHeldStoreRestored(t, b.tt, []metricdata.DataPoint[int64]{{Value: 3}}, metricdatatest.IgnoreTimestamp())
	b.clock = heldClock.Add(61 * time.Second)
	b.d.releaseDue(context.Background())
	calls := b.sink.heldCalls()
	require.Len(t, calls, 2, "one call per tenant")
	assertOwnTenant(t, calls)
	assert.Equal(t, []string{"a", "b"}, []string{calls[0].tenant, calls[1].tenant})
	assert.Len(t, calls[0].spanIDs, 2)
	assert.Zero(t, heldSpansIn(st), "removed once delivered")
	require.NoError(t, b.d.shutdown(context.Background()))
	_, dup := b.tt.GetMetric("otelcol_processor_errordiagnosis_held_store_duplicates")
	assert.Error(t, dup, "no delivery was under way: no duplicates")
}

// TestRestoredPastDeadlineDeliveredAtStart: spans whose deadline passed
// while the collector was down are diagnosed and delivered during start.
func TestRestoredPastDeadlineDeliveredAtStart(t *testing.T) {
	st := newMemStorage()
	a := startHeldBed(t, st, minuteWait(), heldClock)
	a.send(t, "a", 1)
	a.crash()
	b := startHeldBed(t, st, minuteWait(), heldClock.Add(5*time.Minute))
	calls := b.sink.heldCalls()
	require.Len(t, calls, 1)
	assertOwnTenant(t, calls)
	assert.Zero(t, heldSpansIn(st))
	require.NoError(t, b.d.shutdown(context.Background()))
}

// TestCrashAfterDeliveryBeforeRemoval: the spans were delivered but their
// removal failed (as if the process died between the two): they are read
// back as possible duplicates, counted, and delivered again.
func TestCrashAfterDeliveryBeforeRemoval(t *testing.T) {
	st := newMemStorage()
	a := startHeldBed(t, st, minuteWait(), heldClock)
	a.send(t, "a", 1)
	a.send(t, "a", 2)
	a.send(t, "b", 3)             // still held at the crash: not a duplicate
	drained := a.d.engine.Drain() // the two oldest are delivered, the third stays stored
	out := a.d.writer.annotateReleased(context.Background(), drained.Released[:2])
	a.d.heldStore.delivering(context.Background(), out.groups[0].held)
	require.NoError(t, a.sink.ConsumeTraces(out.groups[0].origin.Context(context.Background()), out.groups[0].td))
	a.crash() // before the removal

	b := startHeldBed(t, st, minuteWait(), heldClock.Add(2*time.Minute))
	metadatatest.AssertEqualProcessorErrordiagnosisHeldStoreRestored(t, b.tt, []metricdata.DataPoint[int64]{{Value: 3}}, metricdatatest.IgnoreTimestamp())
	metadatatest.AssertEqualProcessorErrordiagnosisHeldStoreDuplicates(t, b.tt, []metricdata.DataPoint[int64]{{Value: 2}}, metricdatatest.IgnoreTimestamp())
	calls := b.sink.heldCalls()
	require.Len(t, calls, 2, "delivered again at start, past their deadline")
	assertOwnTenant(t, calls)
	require.NoError(t, b.d.shutdown(context.Background()))
}

func TestHeldStorageFaults(t *testing.T) {
	t.Run("writes fail: held in memory, logged once, counted", func(t *testing.T) {
		st := newMemStorage()
		a := startHeldBed(t, st, minuteWait(), heldClock)
		st.set(func(m *memStorage) { m.setErr = errors.New("disk detached") })
		for i := range 3 {
			a.send(t, "a", uint64(i+1))
		}
		require.NoError(t, a.d.shutdown(context.Background()))
		calls := a.sink.heldCalls()
		require.Len(t, calls, 1)
		assert.Len(t, calls[0].spanIDs, 3, "every span delivered all the same")
		var logged []string
		for _, e := range a.logs.FilterLevelExact(zapcore.ErrorLevel).All() {
			if strings.Contains(e.Message, "held spans' storage") {
				logged = append(logged, e.Message)
			}
		}
		assert.Len(t, logged, 1, "logged once: %v", logged)
		// One failure a batch; the spans never stored are neither marked
		// nor removed.
		pts := []metricdata.DataPoint[int64]{{Value: 3, Attributes: attribute.NewSet(attribute.String("operation", storeWrite))}}
		metadatatest.AssertEqualProcessorErrordiagnosisHeldStoreFailures(t, a.tt, pts, metricdatatest.IgnoreTimestamp())
	})
	t.Run("no client: held in memory", func(t *testing.T) {
		st := newMemStorage()
		st.clientErr = errors.New("no such directory")
		cfg := minuteWait()
		cfg.Storage = &storageID
		d, err := newDiagnoser(processortest.NewNopSettings(metadata.Type), cfg)
		require.NoError(t, err)
		// The registry's client fails the same way: a logged fault, not a failed start.
		require.NoError(t, d.start(context.Background(), hostWithStorage(st)))
		assert.Nil(t, d.heldStore.store)
		require.NoError(t, d.shutdown(context.Background()))
	})
	t.Run("undecodable entries skipped, removed and counted", func(t *testing.T) {
		st := newMemStorage()
		a := startHeldBed(t, st, minuteWait(), heldClock)
		a.send(t, "a", 1)
		a.send(t, "a", 2)
		a.send(t, "a", 3)
		a.crash()
		st.set(func(m *memStorage) {
			m.data["held/1"] = m.data["held/1"][:7]                          // truncated
			m.data["held/2"] = []byte{1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12} // a header, then no span
		})
		b := startHeldBed(t, st, minuteWait(), heldClock)
		metadatatest.AssertEqualProcessorErrordiagnosisHeldStoreUndecodable(t, b.tt, []metricdata.DataPoint[int64]{{Value: 2}}, metricdatatest.IgnoreTimestamp())
		assert.Equal(t, int64(1), b.d.engine.Stats().Held, "the intact span is held again")
		assert.Equal(t, 1, heldSpansIn(st), "the undecodable ones are removed")
		require.NoError(t, b.d.shutdown(context.Background()))
		assert.Len(t, b.sink.heldCalls(), 1)
	})
}

// TestRestoredWithinTheBudget: more spans stored than max_held_spans of
// this start allows are released early, as any beyond the budget.
func TestRestoredWithinTheBudget(t *testing.T) {
	st := newMemStorage()
	a := startHeldBed(t, st, minuteWait(), heldClock)
	for i := range 5 {
		a.send(t, "a", uint64(i+1))
	}
	a.crash()
	cfg := minuteWait()
	cfg.MaxHeldSpans = 2
	b := startHeldBed(t, st, cfg, heldClock)
	assert.Equal(t, int64(2), b.d.engine.Stats().Held)
	assert.Equal(t, 2, heldSpansIn(st), "the store holds no more than the budget")
	require.NoError(t, b.d.shutdown(context.Background()))
	n := 0
	for _, c := range b.sink.heldCalls() {
		n += len(c.spanIDs)
	}
	assert.Equal(t, 5, n)
}

// TestRestoredDiagnosedAsWithoutACrash: every scenario, its services'
// batches sent as the demo sends them, diagnosed alike with and without a
// crash while its 500s are held: a span held with evidence its batch
// brought (not final: deeper evidence could still come) is stored with it;
// the evidence spans, which passed through before the crash, are not sent
// again.
func TestRestoredDiagnosedAsWithoutACrash(t *testing.T) {
	for i, sc := range testtraces.Scenarios() {
		t.Run(sc.Name, func(t *testing.T) {
			run := func(crash bool) (diagnoses []string, spans int) {
				st := newMemStorage()
				a := startHeldBed(t, st, minuteWait(), heldClock)
				td := testtraces.Build(sc.Root, testtraces.Options{Seed: uint64(100 + i)})
				for j := range td.ResourceSpans().Len() {
					batch := ptrace.NewTraces()
					td.ResourceSpans().At(j).CopyTo(batch.ResourceSpans().AppendEmpty())
					out, err := a.d.processTraces(tenantCtx(t, "a"), batch)
					if err == nil {
						require.NoError(t, a.sink.ConsumeTraces(context.Background(), out))
					}
				}
				last := a
				if crash {
					a.crash()
					last = startHeldBed(t, st, minuteWait(), heldClock.Add(5*time.Minute))
				}
				require.NoError(t, last.d.shutdown(context.Background()))
				for _, b := range []*heldBed{a, last} {
					for _, c := range b.sink.calls {
						diagnoses = append(diagnoses, c.diagnoses...)
						spans += len(c.spanIDs)
					}
					if !crash {
						break
					}
				}
				slices.Sort(diagnoses)
				return diagnoses, spans
			}
			want, n := run(false)
			got, m := run(true)
			assert.Equal(t, want, got)
			assert.Equal(t, n, m, "spans in == spans out, none twice")
		})
	}
}
