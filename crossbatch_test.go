package errordiagnosisprocessor

import (
	"context"
	"math/rand/v2"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"go.opentelemetry.io/collector/consumer/consumertest"
	"go.opentelemetry.io/collector/pdata/pcommon"
	"go.opentelemetry.io/collector/pdata/ptrace"

	"github.com/errordiagnosis/errordiagnosisprocessor/internal/engine"
	"github.com/errordiagnosis/errordiagnosisprocessor/internal/testtraces"
)

// diagnosisKeys are the attributes compared between whole-trace and split runs.
var diagnosisKeys = []string{
	"diagnosis.category", "diagnosis.cause", "diagnosis.evidence.span_id",
	"diagnosis.evidence.service", "diagnosis.root_cause.category", "diagnosis.root_cause.service",
}

// diagnosisBySpan returns span id → the compared diagnosis attributes.
func diagnosisBySpan(tds []ptrace.Traces) map[pcommon.SpanID]map[string]any {
	out := map[pcommon.SpanID]map[string]any{}
	for _, td := range tds {
		forEachSpan(td, func(_ ptrace.ResourceSpans, s ptrace.Span) {
			if _, ok := s.Attributes().Get("diagnosis.category"); !ok {
				return
			}
			m := map[string]any{}
			for _, k := range diagnosisKeys {
				if v, ok := s.Attributes().Get(k); ok {
					m[k] = v.AsRaw()
				}
			}
			out[s.SpanID()] = m
		})
	}
	return out
}

func countSpans(tds []ptrace.Traces) int {
	n := 0
	for _, td := range tds {
		n += td.SpanCount()
	}
	return n
}

// TestSplitOrderEqualsWholeTrace: each scenario split into single-span
// batches and replayed in reverse order and in many random orders gives the
// diagnosis of the whole trace in one batch.
func TestSplitOrderEqualsWholeTrace(t *testing.T) {
	rng := rand.New(rand.NewPCG(1, 2))
	for si, sc := range testtraces.Scenarios() {
		if sc.Want == nil {
			continue
		}
		t.Run(sc.Name, func(t *testing.T) {
			whole := testtraces.Build(sc.Root, testtraces.Options{Seed: uint64(si)})
			wholeSink := &consumertest.TracesSink{}
			p := newTestProcessor(t, perBatchConfig(), wholeSink)
			require.NoError(t, p.ConsumeTraces(context.Background(), cloneTraces(whole)))
			require.NoError(t, p.Shutdown(context.Background()))
			want := diagnosisBySpan(wholeSink.AllTraces())
			require.Len(t, want, len(sc.Want))

			parts := splitSpans(whole)
			orders := [][]int{reversed(len(parts)), identity(len(parts))}
			for range 60 {
				orders = append(orders, rng.Perm(len(parts)))
			}
			for _, order := range orders {
				if sc.Retried && !exportOrder(parts, order) {
					continue // see exportOrder
				}
				sink := &consumertest.TracesSink{}
				p := newTestProcessor(t, defaultConfig(), sink)
				for _, idx := range order {
					require.NoError(t, p.ConsumeTraces(context.Background(), cloneTraces(parts[idx])))
				}
				require.NoError(t, p.Shutdown(context.Background()))
				require.Equal(t, len(parts), countSpans(sink.AllTraces()), "spans in == spans out, order %v", order)
				assert.Equal(t, want, diagnosisBySpan(sink.AllTraces()), "order %v", order)
			}
		})
	}
}

// exportOrder reports whether order delivers the spans of a retry
// scenario as its service's SDK exports them (in end order): the failed
// attempt, then its retry, then the server span. A retry delivered before
// any failure of its trace is not remembered (the processor keeps nothing
// of a trace without evidence), and one delivered after the server span
// was released comes too late to change its diagnosis.
func exportOrder(parts []ptrace.Traces, order []int) bool {
	failedSeen, serverSeen := false, false
	for _, idx := range order {
		span := parts[idx].ResourceSpans().At(0).ScopeSpans().At(0).Spans().At(0)
		switch {
		case span.Kind() == ptrace.SpanKindServer:
			serverSeen = true
		case span.Kind() != ptrace.SpanKindClient:
		case serverSeen:
			return false
		case span.Status().Code() == ptrace.StatusCodeError:
			failedSeen = true
		case !failedSeen:
			return false
		}
	}
	return true
}

func reversed(n int) []int {
	out := make([]int, n)
	for i := range out {
		out[i] = n - 1 - i
	}
	return out
}

func identity(n int) []int {
	out := make([]int, n)
	for i := range out {
		out[i] = i
	}
	return out
}

func TestConclusiveIsReleasedAtOnce(t *testing.T) {
	sink := &consumertest.TracesSink{}
	d := newTestDiagnoser(t, defaultConfig(), sink)
	sc := scenario(t, "go_pgx_statement_timeout")
	consume(t, d, sink, testtraces.Build(sc.Root, testtraces.Options{Seed: 9}))
	assert.Equal(t, 2, sink.SpanCount(), "a 500 decided by a failed DB call is not held")
	assert.Equal(t, map[string]string{"catalog": "database_timeout/statement_timeout"}, diagnoses(sink.AllTraces()[0]))
	require.NoError(t, d.shutdown(context.Background()))
}

func TestInconclusiveIsHeldThenReleased(t *testing.T) {
	sink := &consumertest.TracesSink{}
	cfg := defaultConfig()
	cfg.WaitDuration = 50 * time.Millisecond
	cfg.EvidenceTTL = time.Second
	d := newTestDiagnoser(t, cfg, sink)
	consume(t, d, sink, bare500(1))
	assert.Equal(t, 0, sink.SpanCount(), "a 500 with no evidence waits")
	assert.Equal(t, int64(1), d.engine.Stats().Held)
	require.Eventually(t, func() bool { return sink.SpanCount() == 1 }, 5*time.Second, 5*time.Millisecond)
	assert.Equal(t, map[string]string{"api": "unknown/no_evidence"}, diagnoses(sink.AllTraces()[len(sink.AllTraces())-1]))
	assert.Equal(t, int64(0), d.engine.Stats().Held)
	require.NoError(t, d.shutdown(context.Background()))
}

// TestLateEvidenceReleasesHeldSpan: the DB span arriving after its 500
// server span releases it at once with the right diagnosis.
func TestLateEvidenceReleasesHeldSpan(t *testing.T) {
	sink := &consumertest.TracesSink{}
	d := newTestDiagnoser(t, defaultConfig(), sink)
	sc := scenario(t, "go_pgx_statement_timeout")
	parts := splitSpans(testtraces.Build(sc.Root, testtraces.Options{Seed: 5}))
	require.Len(t, parts, 2)
	consume(t, d, sink, parts[1]) // the server span first
	assert.Equal(t, 0, sink.SpanCount())
	consume(t, d, sink, parts[0]) // then its DB child
	assert.Equal(t, 2, sink.SpanCount())
	got := diagnosisBySpan(sink.AllTraces())
	require.Len(t, got, 1)
	for _, m := range got {
		assert.Equal(t, "database_timeout", m["diagnosis.category"])
	}
	require.NoError(t, d.shutdown(context.Background()))
}

// TestLimitsAndShutdown floods tiny limits with 500 spans that have no
// evidence: nothing is dropped, the cache stays within its limits, early
// releases happen, shutdown releases everything and empties the cache.
func TestLimitsAndShutdown(t *testing.T) {
	sink := &consumertest.TracesSink{}
	cfg := defaultConfig()
	cfg.MaxTraces = 20
	cfg.MaxHeldSpans = 10
	cfg.WaitDuration = time.Hour
	cfg.EvidenceTTL = time.Hour
	d := newTestDiagnoser(t, cfg, sink)
	const n = 5000
	for i := range n {
		td := bare500(uint64(i))
		if i%3 == 0 { // and traces with evidence to fill the evidence cache
			td = testtraces.Build(testtraces.Internal("job").Failed("boom", testtraces.Exception{Type: "java.lang.IllegalStateException"}), testtraces.Options{Seed: uint64(n + i)})
		}
		consume(t, d, sink, td)
		assert.LessOrEqual(t, int(d.engine.Stats().Held), cfg.MaxHeldSpans)
		assert.LessOrEqual(t, int(d.engine.Stats().Traces), cfg.MaxTraces)
		assert.LessOrEqual(t, int(d.engine.Stats().Nodes), cfg.MaxTraces*engine.NodesPerTrace)
	}
	require.NoError(t, d.shutdown(context.Background()))
	assert.Equal(t, n, sink.SpanCount(), "spans in == spans out")
	assert.Equal(t, int64(0), d.engine.Stats().Held)
	assert.Equal(t, int64(0), d.engine.Stats().Traces)
	assert.Equal(t, 0, int(d.engine.Stats().Held))
	assert.Equal(t, 0, int(d.engine.Stats().Traces))
	targets := 0
	for _, td := range sink.AllTraces() {
		targets += len(targetSpans(td))
		for _, s := range targetSpans(td) {
			_, ok := s.Attributes().Get("diagnosis.category")
			assert.True(t, ok)
		}
	}
	assert.Equal(t, n-(n+2)/3, targets)
}

// TestConcurrentConsumeWhileReleasing runs ConsumeTraces from several
// goroutines while the tick loop fires; run with -race.
func TestConcurrentConsumeWhileReleasing(t *testing.T) {
	sink := &consumertest.TracesSink{}
	cfg := defaultConfig()
	cfg.WaitDuration = 5 * time.Millisecond
	cfg.EvidenceTTL = 50 * time.Millisecond
	cfg.MaxHeldSpans = 50
	p := newTestProcessor(t, cfg, sink)
	scenarios := testtraces.Scenarios()
	var wg sync.WaitGroup
	const workers, perWorker = 4, 200
	total := 0
	for w := range workers {
		for i := range perWorker {
			total += testtraces.Build(scenarios[(w+i)%len(scenarios)].Root, testtraces.Options{}).SpanCount()
		}
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := range perWorker {
				sc := scenarios[(w+i)%len(scenarios)]
				td := testtraces.Build(sc.Root, testtraces.Options{Seed: uint64(w*perWorker + i)})
				for _, part := range splitSpans(td) {
					assert.NoError(t, p.ConsumeTraces(context.Background(), part))
				}
			}
		}()
	}
	wg.Wait()
	require.NoError(t, p.Shutdown(context.Background()))
	assert.Equal(t, total, sink.SpanCount())
}
