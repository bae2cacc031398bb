package benchmarks

import (
	"context"
	"runtime"
	"strconv"
	"syscall"
	"testing"
	"time"

	"go.opentelemetry.io/collector/consumer"
	"go.opentelemetry.io/collector/pdata/ptrace"
	"go.opentelemetry.io/collector/processor"

	"github.com/errordiagnosis/errordiagnosisprocessor/test/benchmarks/workload"
)

// procs are the processors compared side by side on every workload.
var procs = []struct {
	name string
	make func(testing.TB, consumer.Traces) processor.Traces
}{
	{"floor", newFloor},
	{"writes", newWrites},
	{"transform", newTransform},
	{"ed_wait0", func(tb testing.TB, next consumer.Traces) processor.Traces { return newErrorDiagnosis(tb, 0, next) }},
	{"ed_wait5s", func(tb testing.TB, next consumer.Traces) processor.Traces { return newErrorDiagnosis(tb, -1, next) }},
}

// BenchmarkTraces: one op = ConsumeTraces of one batch of 1,000 spans.
// ed_wait5s is the default config (cross-batch, wait_duration 5s).
// ns/span is wall time; cpu-ns/span is the CPU time of the whole process in
// the timed region (getrusage; GC workers and the processor's own goroutines
// included, batch restores excluded), which does not count the time the
// benchmark was descheduled: on a loaded machine it is the steadier figure.
func BenchmarkTraces(b *testing.B) {
	for _, l := range loads {
		for _, pr := range procs {
			b.Run("load="+l.name+"/proc="+pr.name, func(b *testing.B) {
				p, stop := chain(b, pr.make(b, nopSink()))
				defer stop()
				pl := newPool(batchesFor(l))
				ctx := context.Background()
				b.ReportAllocs()
				b.ResetTimer()
				pl.startCPU()
				for i := 0; i < b.N; i++ {
					if err := p.ConsumeTraces(ctx, pl.get(b)); err != nil {
						b.Fatal(err)
					}
				}
				cpu := pl.stopCPU()
				b.StopTimer()
				b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N*pl.spans), "ns/span")
				b.ReportMetric(float64(cpu.Nanoseconds())/float64(b.N*pl.spans), "cpu-ns/span")
			})
		}
	}
}

// crossProcs: the cross-batch mode, at the same wait, against whole-trace
// buffering (groupbytrace) followed by errordiagnosis per batch.
var crossWait = 2 * time.Second

var crossProcs = []struct {
	name string
	make func(testing.TB, consumer.Traces) (processor.Traces, func())
}{
	{"gbt2s+ed_wait0", func(tb testing.TB, next consumer.Traces) (processor.Traces, func()) {
		ed := newErrorDiagnosis(tb, 0, next)
		return chain(tb, newGroupByTrace(tb, crossWait, ed), ed)
	}},
	{"ed_wait2s", func(tb testing.TB, next consumer.Traces) (processor.Traces, func()) {
		return chain(tb, newErrorDiagnosis(tb, crossWait, next))
	}},
}

const rusageThread = 1 // RUSAGE_THREAD on Linux

func threadCPU() time.Duration {
	var ru syscall.Rusage
	if err := syscall.Getrusage(rusageThread, &ru); err != nil {
		return 0
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}

// BenchmarkCrossBatch measures throughput in the cross-batch mode. groupbytrace
// works on its own goroutines (ConsumeTraces only enqueues), so wall time on
// the calling goroutine understates its cost: the figure that counts is the
// CPU time of the whole process (all goroutines, GC included) from the first
// batch until the sink has received every span, minus the CPU time of the
// untimed batch copies (measured on the locked calling thread). cpu-ns/span is
// that CPU time per span, spans/cpu-s its inverse: the throughput per core.
func BenchmarkCrossBatch(b *testing.B) {
	for _, l := range loads[1:3] { // 1pct, 10pct
		for _, pr := range crossProcs {
			b.Run("load="+l.name+"/proc="+pr.name, func(b *testing.B) {
				runtime.LockOSThread()
				defer runtime.UnlockOSThread()
				sink := &countingSink{}
				p, stop := pr.make(b, sink.consumer())
				pl := newPool(batchesFor(l))
				ctx := context.Background()
				var copyCPU time.Duration
				get := func() ptrace.Traces {
					if pl.next == len(pl.copies) {
						b.StopTimer()
						t0 := threadCPU()
						pl.refresh()
						copyCPU += threadCPU() - t0
						b.StartTimer()
					}
					td := pl.copies[pl.next]
					pl.next++
					return td
				}
				b.ReportAllocs()
				b.ResetTimer()
				cpu0 := cpuTime()
				for i := 0; i < b.N; i++ {
					if err := p.ConsumeTraces(ctx, get()); err != nil {
						b.Fatal(err)
					}
				}
				b.StopTimer()
				sent := int64(b.N * pl.spans)
				if !waitFor(sink, sent, crossWait+30*time.Second) {
					b.Errorf("sink received %d of %d spans", sink.spans.Load(), sent)
				}
				cpu := cpuTime() - cpu0 - copyCPU
				stop()
				b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(sent), "ns/span")
				b.ReportMetric(float64(cpu.Nanoseconds())/float64(sent), "cpu-ns/span")
				b.ReportMetric(float64(sent)/cpu.Seconds(), "spans/cpu-s")
			})
		}
	}
}

// heapRate is the offered load of BenchmarkCrossBatchHeap, in spans/s.
const heapRate = 20_000

// BenchmarkCrossBatchHeap measures the heap in use at steady state under the
// same offered load (heapRate spans/s, paced) for both cross-batch set-ups.
// Steady state: groupbytrace holds every span for its wait (reached after
// wait); errordiagnosis holds 500 spans for the wait and evidence summaries
// for evidence_ttl (reached after evidence_ttl + wait). Each set-up is fed for
// its own steady-state time plus 1 s (BENCH_HEAP_WINDOW overrides both), then
// heap-MB = HeapInuse after GC minus HeapInuse before the processors were
// created (their fixed structures count), live-MB the same with HeapAlloc
// (live bytes, no page fragmentation), traffic-MB = HeapInuse minus HeapInuse
// after they were started (only what the traffic makes them hold). A few
// hundred KB either way are noise (page-level fragmentation).
// One op = the whole paced run: ns/op means nothing here.
func BenchmarkCrossBatchHeap(b *testing.B) {
	l := loads[1] // 1pct
	for _, pr := range crossProcs {
		b.Run("load="+l.name+"/proc="+pr.name, func(b *testing.B) {
			window := crossWait + time.Second
			if pr.name == "ed_wait2s" {
				window = 30*time.Second + crossWait + time.Second // default evidence_ttl
			}
			window = envDuration("BENCH_HEAP_WINDOW", window)
			pl := newPool(batchesFor(l))
			sink := &countingSink{}
			// groupbytrace's timers keep a shut-down instance's traces
			// reachable for its wait: let those of an earlier run fire first.
			time.Sleep(crossWait + 500*time.Millisecond)
			in0, live0 := heapAfterGC()
			p, stop := pr.make(b, sink.consumer())
			defer stop()
			in1, _ := heapAfterGC()
			ctx := context.Background()
			interval := time.Duration(float64(time.Second) * float64(pl.spans) / heapRate)
			var in2, live2 float64
			for i := 0; i < b.N; i++ {
				start := time.Now()
				for n := 0; ; n++ {
					due := start.Add(time.Duration(n) * interval)
					if due.Sub(start) >= window {
						break
					}
					time.Sleep(time.Until(due))
					if err := p.ConsumeTraces(ctx, pl.get(nil)); err != nil {
						b.Fatal(err)
					}
				}
				in2, live2 = heapAfterGC()
			}
			b.ReportMetric((in2-in0)/1e6, "heap-MB")
			b.ReportMetric((live2-live0)/1e6, "live-MB")
			b.ReportMetric((in2-in1)/1e6, "traffic-MB")
		})
	}
}

// BenchmarkAllocScaling: batches of N healthy spans plus one failing trace.
// allocs/op must not grow with N (0 allocations per non-target span).
func BenchmarkAllocScaling(b *testing.B) {
	for _, pr := range procs {
		if pr.name == "transform" {
			continue
		}
		for _, size := range []int{1000, 10000} {
			b.Run("proc="+pr.name+"/spans="+strconv.Itoa(size), func(b *testing.B) {
				p, stop := chain(b, pr.make(b, nopSink()))
				defer stop()
				pl := newPool(scalingBatches(size, 8))
				ctx := context.Background()
				b.ReportAllocs()
				b.ResetTimer()
				for i := 0; i < b.N; i++ {
					if err := p.ConsumeTraces(ctx, pl.get(b)); err != nil {
						b.Fatal(err)
					}
				}
			})
		}
	}
}

// scalingBatches: n batches of size healthy spans plus one failing trace.
func scalingBatches(size, n int) []ptrace.Traces {
	bs, _ := workload.BatchesOf(n, size, 0, 2)
	for i, td := range bs {
		workload.AppendFailing(td, i, 3)
	}
	return bs
}
