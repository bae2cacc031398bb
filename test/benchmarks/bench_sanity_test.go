package benchmarks

import (
	"github.com/errordiagnosis/errordiagnosisprocessor/internal/testtraces"

	"context"
	"runtime"
	"runtime/debug"
	"testing"

	"go.opentelemetry.io/collector/consumer"
	"go.opentelemetry.io/collector/consumer/consumertest"
	"go.opentelemetry.io/collector/pdata/ptrace"
	"go.opentelemetry.io/collector/processor"

	"github.com/errordiagnosis/errordiagnosisprocessor/test/benchmarks/workload"
)

func TestWorkloadShares(t *testing.T) {
	for _, l := range loads {
		bs, st := workload.BatchesShaped(poolBatches, l.size, l.pct, 1, l.shape)
		t.Logf("%s: %s", l.name, st)
		for _, td := range bs {
			if td.SpanCount() != l.size {
				t.Fatalf("%s: batch of %d spans", l.name, td.SpanCount())
			}
		}
		share := 100 * float64(st.FailingTraces) / float64(st.Traces)
		if l.pct > 0 && (share < l.pct*0.8 || share > l.pct*1.05) {
			t.Errorf("%s: %.2f%% failing traces", l.name, share)
		}
		if l.pct == 0 && st.FailingTraces != 0 {
			t.Errorf("%s: failing traces", l.name)
		}
	}
}

// countAttr counts the spans with attribute key.
func countAttr(tds []ptrace.Traces, key string) int {
	n := 0
	for _, td := range tds {
		testtraces.ForEachSpan(td, func(_, _, _ int, _ ptrace.ResourceSpans, s ptrace.Span) {
			if _, ok := s.Attributes().Get(key); ok {
				n++
			}
		})
	}
	return n
}

// TestProcessorsDoTheirJob: the peers really do the work they are timed for.
func TestProcessorsDoTheirJob(t *testing.T) {
	bs, st := workload.Batches(4, 10, 5)
	for _, pr := range procs {
		if pr.name != "writes" && pr.name != "transform" && pr.name != "ed_wait0" {
			continue
		}
		sink := new(consumertest.TracesSink)
		p, stop := chain(t, pr.make(t, sink))
		for _, td := range bs {
			cp := ptrace.NewTraces()
			td.CopyTo(cp)
			if err := p.ConsumeTraces(context.Background(), cp); err != nil {
				t.Fatal(err)
			}
		}
		stop()
		want := st.TargetSpans // errordiagnosis and writes: the 500 server spans
		if pr.name == "transform" {
			want = countStatus500(bs) // the statement has no span-kind condition
		}
		if got := countAttr(sink.AllTraces(), "diagnosis.category"); got != want {
			t.Errorf("%s: %d spans annotated, want %d", pr.name, got, want)
		}
	}
}

func countStatus500(tds []ptrace.Traces) int {
	n := 0
	for _, td := range tds {
		testtraces.ForEachSpan(td, func(_, _, _ int, _ ptrace.ResourceSpans, s ptrace.Span) {
			if v, ok := s.Attributes().Get(statusAttr); ok && v.Int() == 500 {
				n++
			}
		})
	}
	return n
}

// allocsPerBatch is the average number of heap allocations of one
// ConsumeTraces, copies excluded. The garbage collector is off while it
// counts: a collection during a call empties sync.Pools and unique's
// interning map, whose refills would be counted against that call, and
// larger batches (more copying between calls) collect more often. One
// batch goes first, uncounted: it teaches the fingerprint registry the
// versions of the batch's services, which it learns once, not per batch.
func allocsPerBatch(t *testing.T, p consumer.Traces, pl *pool, runs int) float64 {
	if err := p.ConsumeTraces(context.Background(), pl.get(nil)); err != nil {
		t.Fatal(err)
	}
	runtime.GC()
	defer debug.SetGCPercent(debug.SetGCPercent(-1))
	var ms runtime.MemStats
	var total uint64
	for i := 0; i < runs; i++ {
		td := pl.get(nil)
		runtime.ReadMemStats(&ms)
		before := ms.Mallocs
		if err := p.ConsumeTraces(context.Background(), td); err != nil {
			t.Fatal(err)
		}
		runtime.ReadMemStats(&ms)
		total += ms.Mallocs - before
	}
	return float64(total) / float64(runs)
}

// TestZeroAllocsPerNonTargetSpan: allocations per batch do not grow with the
// number of non-target spans, in both modes; a healthy batch allocates no
// more than the floor (processorhelper's own per-call allocations).
func TestZeroAllocsPerNonTargetSpan(t *testing.T) {
	healthy, _ := workload.BatchesOf(8, 10000, 0, 6)
	var floorAllocs float64
	for _, pr := range procs {
		if pr.name == "transform" {
			continue
		}
		t.Run(pr.name, func(t *testing.T) {
			mk := func() (processor.Traces, func()) { return chain(t, pr.make(t, consumertest.NewNop())) }
			p, stop := mk()
			a := allocsPerBatch(t, p, newPool(healthy), 32)
			if pr.name == "floor" {
				floorAllocs = a
			} else if a > floorAllocs+0.5 {
				// +0.5: sync.Pool refills after a GC.
				t.Errorf("healthy batch of 10,000 spans: %.1f allocations, the floor makes %.1f", a, floorAllocs)
			}
			t.Logf("healthy batch of 10,000 spans: %.2f allocations (floor %.2f)", a, floorAllocs)
			small := allocsPerBatch(t, p, newPool(scalingBatches(1000, 8)), 32)
			large := allocsPerBatch(t, p, newPool(scalingBatches(10000, 8)), 32)
			stop()
			t.Logf("allocations per batch with one failing trace: %.1f with 1,000 spans, %.1f with 10,000", small, large)
			// 9,000 more non-target spans: at most a rounding difference.
			if large > small+2 {
				t.Errorf("allocations grow with non-target spans: %.1f -> %.1f (%.4f per extra span)", small, large, (large-small)/9000)
			}
		})
	}
}
