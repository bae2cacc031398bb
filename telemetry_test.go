package errordiagnosisprocessor

import (
	"context"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"go.opentelemetry.io/collector/component"
	"go.opentelemetry.io/collector/component/componenttest"
	"go.opentelemetry.io/collector/consumer/consumertest"
	"go.opentelemetry.io/collector/pdata/plog"
	"go.opentelemetry.io/collector/processor/processorhelper"
	"go.opentelemetry.io/otel/attribute"
	"go.opentelemetry.io/otel/sdk/metric/metricdata"
	"go.opentelemetry.io/otel/sdk/metric/metricdata/metricdatatest"

	"github.com/errordiagnosis/errordiagnosisprocessor/internal/engine"
	"github.com/errordiagnosis/errordiagnosisprocessor/internal/metadatatest"
	"github.com/errordiagnosis/errordiagnosisprocessor/internal/testtraces"
)

func TestTelemetry(t *testing.T) {
	tt := componenttest.NewTelemetry()
	t.Cleanup(func() { require.NoError(t, tt.Shutdown(context.Background())) })
	cfg := defaultConfig()
	cfg.MaxHeldSpans = 1
	sink := &consumertest.TracesSink{}
	p, err := NewFactory().CreateTraces(context.Background(), metadatatest.NewSettings(tt), cfg, sink)
	require.NoError(t, err)
	require.NoError(t, p.Start(context.Background(), componenttest.NewNopHost()))

	sc := scenario(t, "go_pgx_statement_timeout")
	parts := splitSpans(testtraces.Build(sc.Root, testtraces.Options{Seed: 11}))
	require.NoError(t, p.ConsumeTraces(context.Background(), parts[0]))   // evidence first
	require.NoError(t, p.ConsumeTraces(context.Background(), parts[1]))   // conclusive at once
	require.NoError(t, p.ConsumeTraces(context.Background(), bare500(1))) // held
	metadatatest.AssertEqualProcessorErrordiagnosisSpansHeld(t, tt, []metricdata.DataPoint[int64]{{Value: 1}}, metricdatatest.IgnoreTimestamp())
	require.NoError(t, p.ConsumeTraces(context.Background(), bare500(2))) // held, pushes the first out early
	metadatatest.AssertEqualProcessorErrordiagnosisSpansEarlyReleased(t, tt, []metricdata.DataPoint[int64]{
		{Value: 1, Attributes: attribute.NewSet(attribute.String("reason", "max_held_spans"))},
	}, metricdatatest.IgnoreTimestamp())
	metadatatest.AssertEqualProcessorErrordiagnosisEvidenceCacheTraces(t, tt, []metricdata.DataPoint[int64]{{Value: 3}}, metricdatatest.IgnoreTimestamp())

	// A late DB error for the already released pgx trace is counted.
	late := cloneTraces(parts[0])
	late.ResourceSpans().At(0).ScopeSpans().At(0).Spans().At(0).SetSpanID([8]byte{9, 9, 9})
	require.NoError(t, p.ConsumeTraces(context.Background(), late))
	metadatatest.AssertEqualProcessorErrordiagnosisLateEvidence(t, tt, []metricdata.DataPoint[int64]{{Value: 1}}, metricdatatest.IgnoreTimestamp())

	require.NoError(t, p.Shutdown(context.Background()))
	metadatatest.AssertEqualProcessorErrordiagnosisSpansDiagnosed(t, tt, []metricdata.DataPoint[int64]{
		{Value: 1, Attributes: attribute.NewSet(attribute.String("category", "database_timeout"))},
		{Value: 2, Attributes: attribute.NewSet(attribute.String("category", "unknown"))},
	}, metricdatatest.IgnoreTimestamp())
	metadatatest.AssertEqualProcessorErrordiagnosisSpansEarlyReleased(t, tt, []metricdata.DataPoint[int64]{
		{Value: 1, Attributes: attribute.NewSet(attribute.String("reason", "max_held_spans"))},
		{Value: 1, Attributes: attribute.NewSet(attribute.String("reason", "shutdown"))},
	}, metricdatatest.IgnoreTimestamp())
	metadatatest.AssertEqualProcessorErrordiagnosisHeldSpansSent(t, tt, []metricdata.DataPoint[int64]{
		{Value: 2, Attributes: attribute.NewSet(attribute.String("outcome", "accepted"))},
	}, metricdatatest.IgnoreTimestamp())
	assert.Equal(t, 5, sink.SpanCount())
}

// TestTelemetryHeldSpansSent: held spans that leave through the processor's
// own call to the next consumer are counted by outcome: retried after a
// retryable error, then accepted; rejected for good after a permanent one.
func TestTelemetryHeldSpansSent(t *testing.T) {
	tt := componenttest.NewTelemetry()
	t.Cleanup(func() { require.NoError(t, tt.Shutdown(context.Background())) })
	cfg := defaultConfig()
	cfg.WaitDuration = time.Second
	sink := newFaultSink(0, false)
	d, err := newDiagnoser(metadatatest.NewSettings(tt), cfg)
	require.NoError(t, err)
	d.out.next = sink
	clock := time.Date(2026, 12, 1, 10, 0, 0, 0, time.UTC)
	d.now = func() time.Time { return clock }
	ctx := context.Background()

	for i := range 3 {
		_, err = d.processTraces(ctx, bare500(uint64(i)))
		require.ErrorIs(t, err, processorhelper.ErrSkipProcessingData, "held: nothing left in the batch")
	}
	sink.setFailNext(1, false)
	clock = clock.Add(cfg.WaitDuration)
	d.releaseDue(ctx) // 3 due, the delivery fails: held again
	clock = clock.Add(engine.MaxRetryBackoff)
	d.releaseDue(ctx) // delivered
	_, err = d.processTraces(ctx, bare500(10))
	require.ErrorIs(t, err, processorhelper.ErrSkipProcessingData)
	sink.setFailNext(1, true)
	clock = clock.Add(engine.MaxRetryBackoff)
	d.releaseDue(ctx) // rejected for good
	require.NoError(t, d.shutdown(ctx))

	metadatatest.AssertEqualProcessorErrordiagnosisHeldSpansSent(t, tt, []metricdata.DataPoint[int64]{
		{Value: 3, Attributes: attribute.NewSet(attribute.String("outcome", "accepted"))},
		{Value: 3, Attributes: attribute.NewSet(attribute.String("outcome", "retried"))},
		{Value: 1, Attributes: attribute.NewSet(attribute.String("outcome", "rejected"))},
	}, metricdatatest.IgnoreTimestamp())
	distinct, dup := sink.counts()
	assert.Equal(t, 3, distinct)
	assert.Zero(t, dup)
	assert.Equal(t, 4, sink.rejected, "3 retried, then 1 rejected")
}

// TestExceptionLogRecordsAreEvidence: an exception recorded as a log record
// (OTEL_SEMCONV_EXCEPTION_SIGNAL_OPT_IN) on the 500 span explains it, through
// the shared traces+logs instance.
func TestExceptionLogRecordsAreEvidence(t *testing.T) {
	cfg := defaultConfig()
	cfg.WaitDuration = time.Hour
	set := metadatatest.NewSettings(componenttest.NewTelemetry())
	traceSink, logSink := &consumertest.TracesSink{}, &consumertest.LogsSink{}
	f := NewFactory() // one factory per component type, as in a collector
	tp, err := f.CreateTraces(context.Background(), set, cfg, traceSink)
	require.NoError(t, err)
	lp, err := f.CreateLogs(context.Background(), set, cfg, logSink)
	require.NoError(t, err)
	require.NoError(t, tp.Start(context.Background(), componenttest.NewNopHost()))
	require.NoError(t, lp.Start(context.Background(), componenttest.NewNopHost()))

	td := bare500(42)
	span := td.ResourceSpans().At(0).ScopeSpans().At(0).Spans().At(0)
	traceID, spanID := span.TraceID(), span.SpanID() // td belongs to the pipeline once consumed
	require.NoError(t, tp.ConsumeTraces(context.Background(), td))
	assert.Equal(t, 0, traceSink.SpanCount(), "held: no evidence yet")

	ld := plog.NewLogs()
	rl := ld.ResourceLogs().AppendEmpty()
	rl.Resource().Attributes().PutStr("service.name", "api")
	lr := rl.ScopeLogs().AppendEmpty().LogRecords().AppendEmpty()
	lr.SetTraceID(traceID)
	lr.SetSpanID(spanID)
	lr.Attributes().PutStr("exception.type", "java.lang.OutOfMemoryError")
	lr.Attributes().PutStr("exception.message", "Java heap space")
	require.NoError(t, lp.ConsumeLogs(context.Background(), ld))
	assert.Equal(t, 1, logSink.LogRecordCount(), "logs pass through")

	require.NoError(t, lp.Shutdown(context.Background()))
	assert.Equal(t, 0, traceSink.SpanCount(), "the traces pipeline still runs")
	require.NoError(t, tp.Shutdown(context.Background()))
	require.Equal(t, 1, traceSink.SpanCount())
	assert.Equal(t, map[string]string{"api": "resource_exhaustion/out_of_memory"}, diagnoses(traceSink.AllTraces()[0]))
}

// TestTwoTracesPipelinesKeepTheirSpans: the same processor ID in two traces
// pipelines (and a logs pipeline): each pipeline's held spans are released
// into its own next consumer.
func TestTwoTracesPipelinesKeepTheirSpans(t *testing.T) {
	cfg := defaultConfig()
	cfg.WaitDuration = time.Hour
	set := metadatatest.NewSettings(componenttest.NewTelemetry())
	sinkA, sinkB := &consumertest.TracesSink{}, &consumertest.TracesSink{}
	f := NewFactory()
	lp, err := f.CreateLogs(context.Background(), set, cfg, &consumertest.LogsSink{})
	require.NoError(t, err)
	pa, err := f.CreateTraces(context.Background(), set, cfg, sinkA)
	require.NoError(t, err)
	pb, err := f.CreateTraces(context.Background(), set, cfg, sinkB)
	require.NoError(t, err)
	for _, c := range []interface {
		Start(context.Context, component.Host) error
	}{lp, pa, pb} {
		require.NoError(t, c.Start(context.Background(), componenttest.NewNopHost()))
	}
	require.NoError(t, pa.ConsumeTraces(context.Background(), bare500(1)))
	require.NoError(t, pb.ConsumeTraces(context.Background(), bare500(2)))
	require.NoError(t, pb.ConsumeTraces(context.Background(), bare500(3)))
	require.NoError(t, pa.Shutdown(context.Background()))
	require.NoError(t, pb.Shutdown(context.Background()))
	require.NoError(t, lp.Shutdown(context.Background()))
	assert.Equal(t, 1, sinkA.SpanCount())
	assert.Equal(t, 2, sinkB.SpanCount())
}
