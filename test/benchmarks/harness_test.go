package benchmarks

import (
	"context"
	"fmt"
	"os"
	"runtime"
	"sync/atomic"
	"syscall"
	"testing"
	"time"

	"github.com/open-telemetry/opentelemetry-collector-contrib/processor/groupbytraceprocessor"
	"github.com/open-telemetry/opentelemetry-collector-contrib/processor/transformprocessor"
	"go.opentelemetry.io/collector/component"
	"go.opentelemetry.io/collector/component/componenttest"
	"go.opentelemetry.io/collector/confmap"
	"go.opentelemetry.io/collector/consumer"
	"go.opentelemetry.io/collector/consumer/consumertest"
	"go.opentelemetry.io/collector/pdata/ptrace"
	"go.opentelemetry.io/collector/processor"
	"go.opentelemetry.io/collector/processor/processorhelper"
	"go.opentelemetry.io/collector/processor/processortest"

	errordiagnosis "github.com/errordiagnosis/errordiagnosisprocessor"
	"github.com/errordiagnosis/errordiagnosisprocessor/test/benchmarks/workload"
	writesonlyprocessor "github.com/errordiagnosis/errordiagnosisprocessor/test/loadtest/writesonly"
)

// statusAttr is the attribute every processor under test reads.
const statusAttr = "http.response.status_code"

// transformStatement is the peer a user would reach for first.
const transformStatement = `set(span.attributes["diagnosis.category"], "unknown") where span.attributes["http.response.status_code"] == 500`

var idSeq atomic.Int64

// settings returns nop settings with a unique component ID: errordiagnosis
// shares one instance per ID between pipelines.
func settings(typ component.Type) processor.Settings {
	set := processortest.NewNopSettings(typ)
	set.ID = component.NewIDWithName(typ, fmt.Sprintf("bench%d", idSeq.Add(1)))
	return set
}

// newFloor is the floor: a processor that iterates the spans and reads the
// HTTP status attribute, and does nothing else.
func newFloor(tb testing.TB, next consumer.Traces) processor.Traces {
	var hits int
	p, err := processorhelper.NewTraces(context.Background(), settings(component.MustNewType("floor")), struct{}{}, next,
		func(_ context.Context, td ptrace.Traces) (ptrace.Traces, error) {
			rss := td.ResourceSpans()
			for i := 0; i < rss.Len(); i++ {
				sss := rss.At(i).ScopeSpans()
				for j := 0; j < sss.Len(); j++ {
					spans := sss.At(j).Spans()
					for k := 0; k < spans.Len(); k++ {
						if v, ok := spans.At(k).Attributes().Get(statusAttr); ok && v.Int() == 500 {
							hits++
						}
					}
				}
			}
			return td, nil
		}, processorhelper.WithCapabilities(consumer.Capabilities{MutatesData: true}))
	if err != nil {
		tb.Fatal(err)
	}
	return p
}

// newWrites is the attribute contract alone: the load test's writes-only
// processor (test/loadtest/writesonly), which writes on every 500 server
// span the attributes errordiagnosis wrote on the mixed workload (captured,
// with their types, sizes and order) and does nothing else. It reads the
// status of server spans only, as errordiagnosis does, so it can cost less
// than the floor where few spans fail. No design of the processor can cost
// less than this: it is the price of the attributes themselves with pdata's
// API.
func newWrites(tb testing.TB, next consumer.Traces) processor.Traces {
	f := writesonlyprocessor.NewFactory()
	p, err := f.CreateTraces(context.Background(), settings(f.Type()), f.CreateDefaultConfig(), next)
	if err != nil {
		tb.Fatal(err)
	}
	return p
}

func newTransform(tb testing.TB, next consumer.Traces) processor.Traces {
	f := transformprocessor.NewFactory()
	cfg := f.CreateDefaultConfig()
	err := confmap.NewFromStringMap(map[string]any{
		"trace_statements": []any{map[string]any{
			"context":    "span",
			"statements": []any{transformStatement},
		}},
	}).Unmarshal(cfg)
	if err != nil {
		tb.Fatal(err)
	}
	p, err := f.CreateTraces(context.Background(), settings(f.Type()), cfg, next)
	if err != nil {
		tb.Fatal(err)
	}
	return p
}

// newErrorDiagnosis: wait < 0 keeps the default wait_duration.
func newErrorDiagnosis(tb testing.TB, wait time.Duration, next consumer.Traces) processor.Traces {
	f := errordiagnosis.NewFactory()
	cfg := f.CreateDefaultConfig().(*errordiagnosis.Config)
	if wait >= 0 {
		cfg.WaitDuration = wait
	}
	p, err := f.CreateTraces(context.Background(), settings(f.Type()), cfg, next)
	if err != nil {
		tb.Fatal(err)
	}
	return p
}

func newGroupByTrace(tb testing.TB, wait time.Duration, next consumer.Traces) processor.Traces {
	f := groupbytraceprocessor.NewFactory()
	cfg := f.CreateDefaultConfig().(*groupbytraceprocessor.Config)
	cfg.WaitDuration = wait
	p, err := f.CreateTraces(context.Background(), settings(f.Type()), cfg, next)
	if err != nil {
		tb.Fatal(err)
	}
	return p
}

// chain starts the processors (the last one first) and returns the first
// one and a stop function that shuts them down in pipeline order.
func chain(tb testing.TB, ps ...processor.Traces) (processor.Traces, func()) {
	for i := len(ps) - 1; i >= 0; i-- {
		if err := ps[i].Start(context.Background(), componenttest.NewNopHost()); err != nil {
			tb.Fatal(err)
		}
	}
	return ps[0], func() {
		for _, p := range ps {
			if err := p.Shutdown(context.Background()); err != nil {
				tb.Error(err)
			}
		}
	}
}

// countingSink counts the spans it receives.
type countingSink struct {
	spans atomic.Int64
}

func (c *countingSink) consumer() consumer.Traces {
	next, _ := consumer.NewTraces(func(_ context.Context, td ptrace.Traces) error {
		c.spans.Add(int64(td.SpanCount()))
		return nil
	})
	return next
}

func nopSink() consumer.Traces { return consumertest.NewNop() }

// pool hands out fresh copies of pre-built batches. Processors mutate their
// input, so every ConsumeTraces gets a batch equal to its template, prepared
// outside the timed region: when all copies are used, the timer is stopped
// once and every copy is restored (one timer stop per len(copies) iterations).
//
// A full CopyTo costs about 25 times the floor's processing of the batch, so
// a copy is restored cheaply where possible: the processors under test change
// only spans whose HTTP status is 500 (attributes added) and may remove held
// 500 spans (errordiagnosis in cross-batch mode). Restoring copies back the
// span slices of the scopes that hold such spans ("dirty" scopes); when the
// shape of the batch changed (a scope or resource was removed: only dirty scopes lose spans), the whole
// batch is copied. Every restore gives the trace ids a new generation so that
// the cross-batch cache never sees a trace id twice. TestPoolRestore checks
// that a restored batch is byte-for-byte its template.
type pool struct {
	tmpl, copies []ptrace.Traces
	dirty        [][][2]int // per template: (resource, scope) of the scopes with a 500 span
	shape        [][]int    // per template: -1, scope count, per resource
	next         int
	gen          uint32
	spans        int // spans per batch (all batches have the same size)
	fullCopies   int // restores that copied the whole batch

	// Process CPU time of the timed region (refreshes excluded), when timing.
	timing   bool
	cpu      time.Duration
	segStart time.Duration
}

// startCPU starts accounting the process CPU time of the timed region (call
// next to b.ResetTimer); stopCPU ends it and returns the total.
func (p *pool) startCPU() { p.timing, p.cpu, p.segStart = true, 0, cpuTime() }

func (p *pool) stopCPU() time.Duration {
	if p.timing {
		p.cpu += cpuTime() - p.segStart
		p.timing = false
	}
	return p.cpu
}

func newPool(tmpl []ptrace.Traces) *pool {
	p := &pool{tmpl: tmpl, copies: make([]ptrace.Traces, len(tmpl)), spans: tmpl[0].SpanCount()}
	for i, t := range tmpl {
		p.copies[i] = ptrace.NewTraces()
		t.CopyTo(p.copies[i])
		var dirty [][2]int
		rss := t.ResourceSpans()
		for r := 0; r < rss.Len(); r++ {
			sss := rss.At(r).ScopeSpans()
			for j := 0; j < sss.Len(); j++ {
				spans := sss.At(j).Spans()
				for k := 0; k < spans.Len(); k++ {
					if v, ok := spans.At(k).Attributes().Get(statusAttr); ok && v.Int() == 500 {
						dirty = append(dirty, [2]int{r, j})
						break
					}
				}
			}
		}
		p.dirty = append(p.dirty, dirty)
		p.shape = append(p.shape, shapeOf(t))
	}
	p.gen++
	for _, c := range p.copies {
		workload.SetGeneration(c, p.gen)
	}
	return p
}

func shapeOf(td ptrace.Traces) []int {
	var out []int
	rss := td.ResourceSpans()
	for r := 0; r < rss.Len(); r++ {
		sss := rss.At(r).ScopeSpans()
		out = append(out, -1) // resource marker
		out = append(out, sss.Len())
	}
	return out
}

func sameShape(td ptrace.Traces, want []int) bool {
	rss := td.ResourceSpans()
	x := 0
	for r := 0; r < rss.Len(); r++ {
		if x >= len(want) || want[x] != -1 {
			return false
		}
		x++
		if x >= len(want) || want[x] != rss.At(r).ScopeSpans().Len() {
			return false
		}
		x++
	}
	return x == len(want)
}

// restore makes copy i equal to its template again, with trace ids of
// generation gen.
func (p *pool) restore(i int, gen uint32) {
	c, t := p.copies[i], p.tmpl[i]
	if !sameShape(c, p.shape[i]) {
		t.CopyTo(c)
		p.fullCopies++
	} else {
		for _, d := range p.dirty[i] {
			t.ResourceSpans().At(d[0]).ScopeSpans().At(d[1]).Spans().CopyTo(
				c.ResourceSpans().At(d[0]).ScopeSpans().At(d[1]).Spans())
		}
	}
	workload.SetGeneration(c, gen)
}

func (p *pool) refresh() {
	p.gen++
	for i := range p.copies {
		p.restore(i, p.gen)
	}
	p.next = 0
}

// get returns a fresh batch; b may be nil (no timer to stop).
func (p *pool) get(b *testing.B) ptrace.Traces {
	if p.next == len(p.copies) {
		if b != nil {
			b.StopTimer()
		}
		if p.timing {
			p.cpu += cpuTime() - p.segStart
		}
		p.refresh()
		if p.timing {
			p.segStart = cpuTime()
		}
		if b != nil {
			b.StartTimer()
		}
	}
	td := p.copies[p.next]
	p.next++
	return td
}

// load is a workload: the share of traces that are 500 traces, what they
// fail with, and the spans per batch (SDK batch span processors export at most
// 512, the collector's batch processor sends 8,192).
type load struct {
	name  string
	pct   float64
	shape workload.Shape
	size  int
	// long > 0: the traces of the pool's batches are put under that many
	// trace ids, long traces that span every batch of a generation (a job
	// or a stream failing in every request, as in the soak).
	long int
}

// loads are the workloads. The first four are the calm ones and the mixed
// storm at 10 % and 100 %; the outages follow: 50 %, one shared cause (the
// database is down) at 10 %, 50 % and 100 %, and the storm in SDK-sized and
// batch-processor-sized batches.
var loads = []load{
	{"0pct", 0, workload.Mixed, workload.BatchSize, 0},
	{"1pct", 1, workload.Mixed, workload.BatchSize, 0},
	{"10pct", 10, workload.Mixed, workload.BatchSize, 0},
	{"100pct", 100, workload.Mixed, workload.BatchSize, 0},
	{"50pct", 50, workload.Mixed, workload.BatchSize, 0},
	{"10pct-dbdown", 10, workload.SharedCause, workload.BatchSize, 0},
	{"50pct-dbdown", 50, workload.SharedCause, workload.BatchSize, 0},
	{"100pct-dbdown", 100, workload.SharedCause, workload.BatchSize, 0},
	{"100pct-512", 100, workload.Mixed, 512, 0},
	{"100pct-8192", 100, workload.Mixed, 8192, 0},
	{"100pct-long", 100, workload.Mixed, workload.BatchSize, 4},
}

// poolBatches is the number of distinct batches per workload.
const poolBatches = 32

var batchCache = map[string][]ptrace.Traces{}

func batchesFor(l load) []ptrace.Traces {
	if b, ok := batchCache[l.name]; ok {
		return b
	}
	b, _ := workload.BatchesShaped(poolBatches, l.size, l.pct, 1, l.shape)
	if l.long > 0 {
		for _, td := range b {
			workload.LongTraces(td, l.long)
		}
	}
	batchCache[l.name] = b
	return b
}

// heapAfterGC returns HeapInuse and HeapAlloc (live bytes) after two GCs.
func heapAfterGC() (inuse, live float64) {
	runtime.GC()
	runtime.GC()
	var ms runtime.MemStats
	runtime.ReadMemStats(&ms)
	return float64(ms.HeapInuse), float64(ms.HeapAlloc)
}

func cpuTime() time.Duration {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		return 0
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}

func envDuration(name string, def time.Duration) time.Duration {
	if v := os.Getenv(name); v != "" {
		if d, err := time.ParseDuration(v); err == nil {
			return d
		}
	}
	return def
}

func waitFor(sink *countingSink, want int64, timeout time.Duration) bool {
	deadline := time.Now().Add(timeout)
	for sink.spans.Load() < want {
		if time.Now().After(deadline) {
			return false
		}
		time.Sleep(5 * time.Millisecond)
	}
	return true
}
