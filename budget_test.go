package errordiagnosisprocessor

import (
	"context"
	"os"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"go.opentelemetry.io/collector/component/componenttest"
	"go.opentelemetry.io/collector/pdata/ptrace"
	"go.opentelemetry.io/collector/processor/processorhelper"
	"go.opentelemetry.io/otel/sdk/metric/metricdata"

	"github.com/errordiagnosis/errordiagnosisprocessor/internal/engine"
	"github.com/errordiagnosis/errordiagnosisprocessor/internal/metadatatest"
	"github.com/errordiagnosis/errordiagnosisprocessor/internal/testtraces"
)

// The memory budgets (max_held_mib, max_evidence_mib): what the held spans
// and the remembered evidence account for is what they take on the heap,
// and a storm that would take more stays under the budgets, with spans in
// == spans out.

// failingBatch builds a batch of the failing scenarios, traces seed..seed+n-1,
// one whole trace each.
func failingBatch(seed uint64, n int) ptrace.Traces {
	var fail []testtraces.Scenario
	for _, sc := range testtraces.Scenarios() {
		if len(sc.Want) > 0 {
			fail = append(fail, sc)
		}
	}
	td := ptrace.NewTraces()
	for i := range n {
		s := seed + uint64(i)
		testtraces.AppendTo(td, fail[s%uint64(len(fail))].Root, testtraces.Options{Seed: s})
	}
	return td
}

// TestBytesAccounted: the bytes the cache and the queue account for, against
// the live heap they add (runtime/metrics after a collection), over 4,000
// traces of the failing scenarios, nothing released or forgotten. The
// accounting may over-count (interned names are counted for every summary
// that carries them) but not under-count by more than the allocator's
// rounding to size classes (up to 12.5 %).
func TestBytesAccounted(t *testing.T) {
	if testing.Short() {
		t.Skip("heap measurement")
	}
	cfg := defaultConfig()
	cfg.MaxTraces, cfg.MaxHeldSpans = 1_000_000, 1_000_000
	cfg.MaxHeldMiB, cfg.MaxEvidenceMiB = 1024, 1024
	cfg.EvidenceTTL = time.Hour
	cfg.WaitDuration = time.Hour
	d, err := newDiagnoser(metadatatest.NewSettings(componenttest.NewTelemetry()), cfg)
	require.NoError(t, err)
	d.out.next = &countingSink{}
	clock := time.Date(2026, 12, 2, 6, 0, 0, 0, time.UTC)
	d.now = func() time.Time { return clock }
	ctx := context.Background()
	send := func(from uint64, traces int) {
		for b := 0; b < traces; b += 100 {
			_, err := d.processTraces(ctx, failingBatch(from+uint64(b), 100))
			if err != nil {
				require.ErrorIs(t, err, processorhelper.ErrSkipProcessingData)
			}
		}
	}
	// Warm up: pools, interned names, memo tables.
	send(1, 1000)
	liveBefore := liveHeap()
	evBefore, heldBefore, nHeldBefore, nTraceBefore := int(d.engine.Stats().EvidenceBytes), int(d.engine.Stats().HeldBytes), int(d.engine.Stats().Held), int(d.engine.Stats().Traces)
	send(100_000, 4000)
	liveAfter := liveHeap()
	evAfter, heldAfter, nHeldAfter, nTraceAfter := int(d.engine.Stats().EvidenceBytes), int(d.engine.Stats().HeldBytes), int(d.engine.Stats().Held), int(d.engine.Stats().Traces)

	live := float64(liveAfter) - float64(liveBefore)
	accounted := float64(evAfter-evBefore) + float64(heldAfter-heldBefore)
	traces, held := nTraceAfter-nTraceBefore, nHeldAfter-nHeldBefore
	t.Logf("%d traces, %d held spans: live heap +%.0f bytes, accounted +%.0f (evidence %d, held %d): %.2f× the live heap; %.0f evidence bytes per trace, %.0f bytes per held span",
		traces, held, live, accounted, evAfter-evBefore, heldAfter-heldBefore, accounted/live,
		float64(evAfter-evBefore)/float64(traces), float64(heldAfter-heldBefore)/float64(held))
	require.Equal(t, 4000, traces)
	require.Positive(t, held)
	assert.GreaterOrEqual(t, accounted, 0.875*live, "the accounting under-counts the heap")
	assert.LessOrEqual(t, accounted, 1.5*live, "the accounting over-counts the heap by more than half")
	require.NoError(t, d.shutdown(ctx))
}

// TestFloodUnderBudget: floods whose held spans or evidence would take many
// times a budget of 1 MiB, with counts that never bind: the accounted bytes
// stay under the budget plus one batch, the live heap does not grow with
// the flood, early releases and forgotten traces are counted by reason,
// spans in == spans out. It runs in make flood (ERRORDIAGNOSIS_FLOOD=1,
// without the race detector, under which it takes a dozen times as long);
// TestFlood100k keeps a flood under the race detector in make test. At
// fewer spans the budgets do not fill and the slope check means nothing.
func TestFloodUnderBudget(t *testing.T) {
	if testing.Short() || os.Getenv("ERRORDIAGNOSIS_FLOOD") != "1" {
		t.Skip("set ERRORDIAGNOSIS_FLOOD=1 (make flood) to run the budget floods")
	}
	n := 100_000
	tests := []struct {
		name             string
		never            bool
		heldMiB, evMiB   int
		early, forgotten string // the reasons counted; "" none
	}{
		{"distinct traces, max_held_mib", false, 1, 8, engine.ReasonMaxHeldMiB, ""},
		{"distinct traces, max_evidence_mib", false, 8, 1, engine.ReasonMaxEvidenceMiB, engine.ReasonMaxEvidenceMiB},
		{"never-ending trace, max_held_mib", true, 1, 8, engine.ReasonMaxHeldMiB, ""},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			r := runBudgetFlood(t, n, tc.never, tc.heldMiB, tc.evMiB)
			checkFlood(t, tc.name, r.floodResult)
			t.Logf("%s: max held bytes %d, max evidence bytes %d; early releases by reason %v; traces forgotten by reason %v",
				tc.name, r.maxHeldBytes, r.maxEvidenceBytes, r.early, r.forgotten)
			slack := floodBatch * 4096 // one batch
			assert.LessOrEqual(t, r.maxHeldBytes, tc.heldMiB<<20+slack, "held bytes beyond max_held_mib and one batch")
			assert.LessOrEqual(t, r.maxEvidenceBytes, tc.evMiB<<20+slack, "evidence bytes beyond max_evidence_mib and one batch")
			assert.Positive(t, r.early[tc.early], "early releases for %s are counted", tc.early)
			if tc.forgotten != "" {
				assert.Positive(t, r.forgotten[tc.forgotten], "traces forgotten for %s are counted", tc.forgotten)
			}
			assert.Zero(t, r.early[engine.ReasonMaxHeldSpans], "the count limit bound")
			assert.Zero(t, r.forgotten[engine.ReasonMaxTraces], "the count limit bound")
		})
	}
}

type budgetFloodResult struct {
	floodResult
	maxHeldBytes, maxEvidenceBytes int
	early, forgotten               map[string]int64
}

// runBudgetFlood is runFlood with budgets, not counts, that bind: 5,000
// spans held per second of wait (about 1 KB each), every trace remembered
// for a minute.
func runBudgetFlood(t *testing.T, n int, never bool, heldMiB, evMiB int) budgetFloodResult {
	cfg := defaultConfig()
	cfg.WaitDuration = time.Second
	cfg.EvidenceTTL = time.Minute
	cfg.MaxTraces, cfg.MaxHeldSpans = 1_000_000, 1_000_000
	cfg.MaxHeldMiB, cfg.MaxEvidenceMiB = heldMiB, evMiB
	var r budgetFloodResult
	template := floodTemplate()
	f := driveFlood(t, cfg, n/floodBatch, func(b int) ptrace.Traces { return floodBatchOf(template, b, never) }, func(d *diagnoser, _ int) {
		r.maxHeldBytes = max(r.maxHeldBytes, int(d.engine.Stats().HeldBytes))
		r.maxEvidenceBytes = max(r.maxEvidenceBytes, int(d.engine.Stats().EvidenceBytes))
	})
	r.floodResult = f.floodResult
	r.early = sumByReason(t, f.tt, "otelcol_processor_errordiagnosis_spans_early_released")
	r.forgotten = sumByReason(t, f.tt, "otelcol_processor_errordiagnosis_evidence_cache_forgotten")
	for _, v := range r.early {
		r.floodResult.early += v
	}
	return r
}

// sumByReason adds the data points of an int64 counter by their reason; a
// counter never added to has none.
func sumByReason(t *testing.T, tt *componenttest.Telemetry, name string) map[string]int64 {
	out := map[string]int64{}
	m, err := tt.GetMetric(name)
	if err != nil {
		require.ErrorContains(t, err, "not found")
		return out
	}
	if s, ok := m.Data.(metricdata.Sum[int64]); ok {
		for _, dp := range s.DataPoints {
			v, _ := dp.Attributes.Value("reason")
			out[v.AsString()] += dp.Value
		}
	}
	return out
}

// TestShortHorizonIsNotHeld: when a budget forgets traces less than a
// release tick after they were last seen, a 500 that would wait is
// diagnosed in its batch and counted as released early for that budget,
// instead of held only to be released early at once; once the cache keeps
// traces longer than a tick, targets are held again.
func TestShortHorizonIsNotHeld(t *testing.T) {
	tt := componenttest.NewTelemetry()
	cfg := defaultConfig()
	cfg.WaitDuration = time.Second // a release tick of 100 ms
	cfg.MaxTraces = 2
	d, err := newDiagnoser(metadatatest.NewSettings(tt), cfg)
	require.NoError(t, err)
	sink := &countingSink{}
	d.out.next = sink
	clock := time.Date(2026, 12, 2, 6, 0, 0, 0, time.UTC)
	d.now = func() time.Time { return clock }
	ctx := context.Background()
	passed := 0
	process := func(seed uint64) ptrace.Traces {
		out, err := d.processTraces(ctx, bare500(seed))
		if err != nil {
			require.ErrorIs(t, err, processorhelper.ErrSkipProcessingData)
			return ptrace.NewTraces()
		}
		passed += out.SpanCount()
		return out
	}

	for seed := range uint64(2) {
		assert.Zero(t, process(seed).SpanCount(), "a bare 500 waits for evidence")
	}
	require.Equal(t, 2, int(d.engine.Stats().Held))

	// max_traces forgets trace 0, seen 0 s ago: trace 2 would be forgotten
	// as soon, and its 500 is diagnosed now.
	out := process(2)
	assert.Equal(t, 1, out.SpanCount(), "not held under a horizon shorter than a tick")
	assert.Len(t, diagnoses(out), 1)
	assert.Equal(t, 1, int(d.engine.Stats().Held), "trace 0's held span released early, trace 2's never held")
	assert.Equal(t, map[string]int64{engine.ReasonMaxTraces: 2}, sumByReason(t, tt, "otelcol_processor_errordiagnosis_spans_early_released"))

	// Two ticks later, max_traces forgets a trace seen 200 ms ago: the
	// horizon is longer than a tick and the new 500 waits again.
	clock = clock.Add(200 * time.Millisecond)
	assert.Zero(t, process(3).SpanCount(), "held under a horizon longer than a tick")
	assert.Equal(t, 1, int(d.engine.Stats().Held))

	require.NoError(t, d.shutdown(ctx))
	assert.Equal(t, 4, passed+int(sink.spans.Load()), "spans in == spans out")
}
