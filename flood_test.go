package errordiagnosisprocessor

import (
	"context"
	"encoding/binary"
	"os"
	"runtime"
	"runtime/metrics"
	"sync/atomic"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"go.opentelemetry.io/collector/component/componenttest"
	"go.opentelemetry.io/collector/consumer"
	"go.opentelemetry.io/collector/pdata/pcommon"
	"go.opentelemetry.io/collector/pdata/ptrace"
	"go.opentelemetry.io/collector/processor/processorhelper"
	"go.opentelemetry.io/otel/sdk/metric/metricdata"

	"github.com/errordiagnosis/errordiagnosisprocessor/internal/engine"
	"github.com/errordiagnosis/errordiagnosisprocessor/internal/metadatatest"
	"github.com/errordiagnosis/errordiagnosisprocessor/internal/testtraces"
)

// Flood tests (issue 6): floods of 500 spans with no conclusive evidence,
// in distinct traces and in one never-ending trace, through tiny limits.
// Memory (heap in use after GC) stays under a bound that does not depend
// on the number of spans, early releases are counted, spans in == spans out.
//
// The bound, for max_traces T = 16 and max_held_spans H = 64:
//   - held spans: H copies of one span with its resource and scope, ~3 KB
//     each in pdata = 0.2 MB;
//   - the evidence cache: T traces × (8 nodes on average, ≤ 1024 in one
//     trace) × ~200 B, plus ≤ 256 evidence nodes per trace × a few hundred
//     bytes of summaries (exception type and message here) = ≤ 1.5 MB;
//   - the trace filter 128 KB, telemetry, pools: < 1 MB;
//   - one batch in flight and the garbage of the last batches: ~1 MB.
//
// So ≤ 4 MB grows with the limits; we assert 16 MB (race-detector shadow
// memory and allocator slack included), that the heap at the end of the
// flood is within 4 MB of the heap half way and, the check that linear
// growth cannot pass whatever the flood's length, that the slope of the
// live heap over the flood after its first quarter (a least-squares fit of
// floodSamples samples) is under floodSlope bytes per span: a leak of
// 50 bytes per span is 10 times that.
const (
	floodMaxTraces = 16
	floodMaxHeld   = 64
	floodBound     = 16 << 20
	floodGrowth    = 4 << 20
	floodBatch     = 100
	floodSamples   = 40
	floodSlope     = 5.0
)

// countingSink counts spans and drops them: the flood must not be kept.
type countingSink struct {
	spans    atomic.Int64
	diagnose atomic.Int64
}

func (s *countingSink) Capabilities() consumer.Capabilities { return consumer.Capabilities{} }

func (s *countingSink) ConsumeTraces(_ context.Context, td ptrace.Traces) error {
	s.spans.Add(int64(td.SpanCount()))
	forEachSpan(td, func(_ ptrace.ResourceSpans, sp ptrace.Span) {
		if _, ok := sp.Attributes().Get("diagnosis.category"); ok {
			s.diagnose.Add(1)
		}
	})
	return nil
}

// liveHeap is the heap marked live by a fresh garbage collection: exact
// object bytes, without the page granularity of HeapInuse.
func liveHeap() uint64 {
	runtime.GC()
	s := []metrics.Sample{{Name: "/gc/heap/live:bytes"}}
	metrics.Read(s)
	return s[0].Value.Uint64()
}

// slope is the least-squares slope of y over x.
func slope(x, y []float64) float64 {
	n := float64(len(x))
	var sx, sy, sxx, sxy float64
	for i := range x {
		sx += x[i]
		sy += y[i]
		sxx += x[i] * x[i]
		sxy += x[i] * y[i]
	}
	if d := n*sxx - sx*sx; d != 0 {
		return (n*sxy - sx*sy) / d
	}
	return 0
}

func heapInUse() uint64 {
	runtime.GC()
	runtime.GC()
	var ms runtime.MemStats
	runtime.ReadMemStats(&ms)
	return ms.HeapInuse
}

// floodBatchOf builds batch number b of a flood: floodBatch spans, every
// other one a 500 server span with no evidence, the others internal spans
// that failed with an exception (evidence, but not conclusive: an exception
// may still be explained by a deeper span). never: all in one trace id;
// otherwise 10 traces of 10 spans each.
func floodBatchOf(template ptrace.Traces, b int, never bool) ptrace.Traces {
	td := ptrace.NewTraces()
	template.CopyTo(td)
	spans := td.ResourceSpans().At(0).ScopeSpans().At(0).Spans()
	for k := 0; k < spans.Len(); k++ {
		n := uint64(b*floodBatch + k + 1)
		var tid pcommon.TraceID
		var sid, parent pcommon.SpanID
		binary.BigEndian.PutUint64(tid[:8], 0xf100d)
		if !never { // 10 traces of 10 spans per batch
			binary.BigEndian.PutUint64(tid[8:], mixID(uint64(b*10+k/10)))
		}
		binary.BigEndian.PutUint64(sid[:], mixID(n))
		if k%2 == 1 {
			binary.BigEndian.PutUint64(parent[:], mixID(n-1)) // child of the 500 before it
		}
		sp := spans.At(k)
		sp.SetTraceID(tid)
		sp.SetSpanID(sid)
		sp.SetParentSpanID(parent)
	}
	return td
}

func mixID(x uint64) uint64 {
	x += 0x9e3779b97f4a7c15
	x = (x ^ (x >> 30)) * 0xbf58476d1ce4e5b9
	x = (x ^ (x >> 27)) * 0x94d049bb133111eb
	return x ^ (x >> 31)
}

func floodTemplate() ptrace.Traces {
	td := ptrace.NewTraces()
	rs := td.ResourceSpans().AppendEmpty()
	testtraces.SetResource(rs.Resource(), "flood", "java")
	ss := rs.ScopeSpans().AppendEmpty()
	ss.Scope().SetName("io.opentelemetry.tomcat-10.0")
	for k := range floodBatch {
		sp := ss.Spans().AppendEmpty()
		if k%2 == 0 {
			sp.SetName("GET /orders/{id}")
			sp.SetKind(ptrace.SpanKindServer)
			sp.Attributes().PutInt("http.response.status_code", 500)
			sp.Attributes().PutStr("http.route", "/orders/{id}")
			sp.Attributes().PutStr("url.path", "/orders/12345")
			sp.Status().SetCode(ptrace.StatusCodeError)
			continue
		}
		sp.SetName("OrderService.load")
		sp.SetKind(ptrace.SpanKindInternal)
		sp.Status().SetCode(ptrace.StatusCodeError)
		ev := sp.Events().AppendEmpty()
		ev.SetName("exception")
		ev.Attributes().PutStr("exception.type", "java.lang.IllegalStateException")
		ev.Attributes().PutStr("exception.message", "order state is inconsistent")
	}
	return td
}

type floodResult struct {
	in, out, early       int64
	start, mid, end      uint64
	maxHeld, maxTraceLen int
	// spans and live are the live heap sampled after the first quarter of
	// the flood, against the spans sent so far.
	spans, live []float64
}

// runFlood sends n spans through tiny limits and returns the figures.
func runFlood(t *testing.T, n int, never bool) floodResult {
	cfg := defaultConfig()
	cfg.WaitDuration = time.Second
	cfg.EvidenceTTL = 2 * time.Second
	cfg.MaxTraces = floodMaxTraces
	cfg.MaxHeldSpans = floodMaxHeld
	template := floodTemplate()
	f := driveFlood(t, cfg, n/floodBatch, func(b int) ptrace.Traces { return floodBatchOf(template, b, never) }, func(d *diagnoser, b int) {
		if b%500 == 0 {
			require.LessOrEqual(t, int(d.engine.Stats().Held), floodMaxHeld)
			require.LessOrEqual(t, int(d.engine.Stats().Traces), floodMaxTraces)
			require.LessOrEqual(t, int(d.engine.Stats().Nodes), floodMaxTraces*engine.NodesPerTrace)
		}
	})
	m, err := f.tt.GetMetric("otelcol_processor_errordiagnosis_spans_early_released")
	require.NoError(t, err)
	f.early = sumInt64(m)
	return f.floodResult
}

// flooded is a diagnoser after a flood, shut down, with its sink and
// telemetry for the caller's checks.
type flooded struct {
	floodResult
	d    *diagnoser
	sink *countingSink
	tt   *componenttest.Telemetry
}

// driveFlood sends batches batch(0), batch(1)... through a diagnoser of cfg
// as a collector would: 100 batches a second on a fake clock, the due spans
// released every tenth batch (the ticker: a tenth of wait_duration), the
// output to a counting sink, then shutdown. observe sees the diagnoser
// after every batch, under its lock.
func driveFlood(t *testing.T, cfg *Config, batches int, batch func(b int) ptrace.Traces, observe func(d *diagnoser, b int)) flooded {
	tt := componenttest.NewTelemetry()
	t.Cleanup(func() { require.NoError(t, tt.Shutdown(context.Background())) })
	sink := &countingSink{}
	d, err := newDiagnoser(metadatatest.NewSettings(tt), cfg)
	require.NoError(t, err)
	d.out.next = sink
	clock := time.Date(2026, 11, 25, 10, 0, 0, 0, time.UTC)
	d.now = func() time.Time { return clock } // not started: the test ticks
	ctx := context.Background()

	var res floodResult
	res.start = heapInUse()
	for b := range batches {
		td := batch(b)
		res.in += int64(td.SpanCount())
		out, perr := d.processTraces(ctx, td)
		if perr != nil {
			require.ErrorIs(t, perr, processorhelper.ErrSkipProcessingData)
		} else {
			require.NoError(t, sink.ConsumeTraces(ctx, out))
		}
		clock = clock.Add(10 * time.Millisecond)
		holds := d.engine.Holds() // wait_duration 0 holds and remembers nothing
		if holds && b%10 == 9 {
			d.releaseDue(ctx)
		}
		if holds {
			res.maxHeld = max(res.maxHeld, int(d.engine.Stats().Held))
			res.maxTraceLen = max(res.maxTraceLen, int(d.engine.Stats().Traces))
		}
		observe(d, b)
		if b == batches/2 {
			res.mid = heapInUse()
		}
		if every := max(batches/floodSamples, 1); b >= batches/4 && b%every == every-1 {
			res.spans = append(res.spans, float64(res.in))
			res.live = append(res.live, float64(liveHeap()))
		}
	}
	res.end = heapInUse()
	require.NoError(t, d.shutdown(ctx))
	res.out = sink.spans.Load()
	return flooded{floodResult: res, d: d, sink: sink, tt: tt}
}

func checkFlood(t *testing.T, name string, r floodResult) {
	growth := int64(r.end) - int64(r.start)
	perSpan := slope(r.spans, r.live)
	t.Logf("%s: spans in %d, out %d; early releases %d; heap in use %.1f MB at start, %.1f MB half way, %.1f MB at the end (+%.1f MB); live heap slope %.2f bytes per span over %d samples; max held %d, max traces %d",
		name, r.in, r.out, r.early, mb(r.start), mb(r.mid), mb(r.end), float64(growth)/(1<<20), perSpan, len(r.live), r.maxHeld, r.maxTraceLen)
	assert.Equal(t, r.in, r.out, "spans in == spans out")
	assert.Positive(t, r.early, "early releases are counted")
	assert.Less(t, growth, int64(floodBound), "heap in use grew beyond the bound")
	assert.Less(t, int64(r.end)-int64(r.mid), int64(floodGrowth), "heap in use grows with the number of spans")
	assert.Less(t, perSpan, floodSlope, "the live heap grows with the number of spans (bytes per span, least-squares slope)")
}

func mb(b uint64) float64 { return float64(b) / (1 << 20) }

// TestFlood100k runs in every go test: 100,000 spans, 50,000 of them 500s.
// make test runs it without the race detector: one goroutine drives it.
func TestFlood100k(t *testing.T) {
	n := 100_000
	if testing.Short() {
		n = 20_000
	}
	for _, never := range []bool{false, true} {
		name := map[bool]string{false: "distinct traces", true: "never-ending trace"}[never]
		t.Run(name, func(t *testing.T) { checkFlood(t, name, runFlood(t, n, never)) })
	}
}

// TestFloodMillion: 2,000,000 spans (1,000,000 500s) per shape. Run it with
// ERRORDIAGNOSIS_FLOOD=1 (scripts/fuzz.sh does with FLOOD=1).
func TestFloodMillion(t *testing.T) {
	if testing.Short() || os.Getenv("ERRORDIAGNOSIS_FLOOD") != "1" {
		t.Skip("set ERRORDIAGNOSIS_FLOOD=1 to run the 2-million-span flood")
	}
	for _, never := range []bool{false, true} {
		name := map[bool]string{false: "distinct traces", true: "never-ending trace"}[never]
		t.Run(name, func(t *testing.T) { checkFlood(t, name, runFlood(t, 2_000_000, never)) })
	}
}

// sumInt64 adds the data points of an int64 counter.
func sumInt64(m metricdata.Metrics) int64 {
	var total int64
	if s, ok := m.Data.(metricdata.Sum[int64]); ok {
		for _, dp := range s.DataPoints {
			total += dp.Value
		}
	}
	return total
}
