package errordiagnosisprocessor

import (
	"context"
	"math/rand/v2"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"go.opentelemetry.io/collector/consumer/consumertest"
	"go.opentelemetry.io/collector/pdata/pcommon"
	"go.opentelemetry.io/collector/pdata/ptrace"

	"github.com/errordiagnosis/errordiagnosisprocessor/internal/testtraces"
)

// TestReplayManyTracesAcrossBatches replays many traces of every scenario
// the way a collector receives them: one chunk per service and trace, the
// downstream service first, chunks of different traces interleaved and
// grouped into batches; then the same with every batch split into single
// spans in reverse order. Every 500 server span must get its expected
// category and cause, no other span may change, spans in == spans out.
func TestReplayManyTracesAcrossBatches(t *testing.T) {
	type chunk struct {
		td    ptrace.Traces
		trace int
	}
	rng := rand.New(rand.NewPCG(7, 11))
	scenarios := testtraces.Scenarios()
	want := map[pcommon.SpanID]string{} // target span → category/cause
	var perTrace [][]chunk
	totalSpans := 0
	for i := range 300 {
		sc := scenarios[rng.IntN(len(scenarios))]
		td := testtraces.Build(sc.Root, testtraces.Options{Seed: uint64(1000 + i)})
		totalSpans += td.SpanCount()
		forEachSpan(td, func(rs ptrace.ResourceSpans, s ptrace.Span) {
			svc, _ := rs.Resource().Attributes().Get("service.name")
			if w, ok := sc.Want[svc.Str()]; ok && s.Kind() == ptrace.SpanKindServer {
				want[s.SpanID()] = w
			}
		})
		var chunks []chunk
		for r := 0; r < td.ResourceSpans().Len(); r++ {
			c := ptrace.NewTraces()
			td.ResourceSpans().At(r).CopyTo(c.ResourceSpans().AppendEmpty())
			chunks = append(chunks, chunk{c, i})
		}
		perTrace = append(perTrace, chunks)
	}
	// Interleave: repeatedly take the next chunk of a random unfinished trace.
	var order []chunk
	for left := len(perTrace); left > 0; {
		i := rng.IntN(len(perTrace))
		if len(perTrace[i]) == 0 {
			continue
		}
		order = append(order, perTrace[i][0])
		perTrace[i] = perTrace[i][1:]
		if len(perTrace[i]) == 0 {
			left--
		}
	}
	// Batches of up to 8 chunks, as a batch processor in front would make.
	var batches []ptrace.Traces
	for len(order) > 0 {
		n := min(1+rng.IntN(8), len(order))
		b := ptrace.NewTraces()
		for _, c := range order[:n] {
			c.td.ResourceSpans().At(0).CopyTo(b.ResourceSpans().AppendEmpty())
		}
		batches = append(batches, b)
		order = order[n:]
	}

	for _, mode := range []string{"batches", "single spans reversed"} {
		t.Run(mode, func(t *testing.T) {
			sink := &consumertest.TracesSink{}
			p := newTestProcessor(t, defaultConfig(), sink)
			for _, b := range batches {
				if mode == "batches" {
					require.NoError(t, p.ConsumeTraces(context.Background(), cloneTraces(b)))
					continue
				}
				parts := splitSpans(b)
				for i := len(parts) - 1; i >= 0; i-- {
					require.NoError(t, p.ConsumeTraces(context.Background(), parts[i]))
				}
			}
			require.NoError(t, p.Shutdown(context.Background()))
			require.Equal(t, totalSpans, countSpans(sink.AllTraces()), "spans in == spans out")

			got := map[pcommon.SpanID]string{}
			others := 0
			for _, td := range sink.AllTraces() {
				forEachSpan(td, func(_ ptrace.ResourceSpans, s ptrace.Span) {
					cat, ok := s.Attributes().Get("diagnosis.category")
					if _, isTarget := want[s.SpanID()]; !isTarget {
						if ok {
							others++
						}
						return
					}
					cause, _ := s.Attributes().Get("diagnosis.cause")
					got[s.SpanID()] = cat.Str() + "/" + cause.Str()
				})
			}
			assert.Zero(t, others, "only 500 server spans are annotated")
			mismatches := 0
			for id, w := range want {
				if got[id] != w {
					mismatches++
					if mismatches <= 5 {
						t.Errorf("span %s: got %q, want %q", id, got[id], w)
					}
				}
			}
			assert.Zero(t, mismatches, "of %d targets", len(want))
		})
	}
}
