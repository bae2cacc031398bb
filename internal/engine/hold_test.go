package engine

import (
	"context"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"go.opentelemetry.io/collector/client"
	"go.opentelemetry.io/collector/extension/xextension/storage"

	"github.com/errordiagnosis/errordiagnosisprocessor/internal/heldstore"
	"github.com/errordiagnosis/errordiagnosisprocessor/internal/origin"
	"github.com/errordiagnosis/errordiagnosisprocessor/internal/tracecache"
)

// releasedReasons are the reasons of an outcome's released spans, in order.
func releasedReasons(out *Outcome) []string {
	var reasons []string
	for _, r := range out.Released {
		reasons = append(reasons, r.Reason)
	}
	return reasons
}

// TestHoldBudgets: beyond max_held_spans or max_held_mib the oldest held
// spans are released early, with the budget as the reason; within them
// nothing is.
func TestHoldBudgets(t *testing.T) {
	for _, tc := range []struct {
		name         string
		spans, bytes int
		batches      int
		held         int64
		reasons      []string // of the last batch's releases
	}{
		{"within", 10, 1 << 20, 3, 3, nil},
		{"max_held_spans", 2, 1 << 20, 3, 2, []string{ReasonMaxHeldSpans}},
		{"max_held_mib", 10, 1, 3, 0, []string{ReasonMaxHeldMiB}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			e, _ := testEngine(10)
			e.SetHeldBudget(tc.spans, tc.bytes)
			var out *Outcome
			for i := range tc.batches {
				out = applied(e, bare500(uint64(i+1)))
			}
			assert.Equal(t, tc.reasons, releasedReasons(out))
			assert.Len(t, out.Taken, 1, "the last batch's target is held, or released early")
			assert.Equal(t, tc.held, e.Stats().Held)
			if tc.name == "max_held_spans" {
				first := bare500(1)
				assert.Equal(t, SpanAt(first, posOf(t, first, "GET /cart")).TraceID(), out.Released[0].Held.Trace.ID, "the oldest leaves")
			}
		})
	}
}

// TestHoldWhenTheCacheForgetsWithinATick: when max_traces forgets a trace
// less than a tick after it was seen, holding would gather nothing: the
// waiting targets are final in their batch, early for that budget.
func TestHoldWhenTheCacheForgetsWithinATick(t *testing.T) {
	e, _ := testEngine(1)
	out := applied(e, bare500(1))
	require.Len(t, out.Taken, 1)
	out = applied(e, bare500(2)) // at once: the first trace is forgotten
	assert.Equal(t, []string{ReasonMaxTraces}, releasedReasons(out), "the forgotten trace's held span")
	require.Len(t, out.Final, 1, "not held")
	assert.Equal(t, ReasonMaxTraces, out.Final[0].Early)
	assert.Empty(t, out.Taken)
	assert.Zero(t, e.Stats().Held)
}

// TestHoldStores: with storage each new held span gets a slot and is to
// be written; its batch's evidence is stored beside it when it had any. A
// span read back from storage is held again in its slot until its own
// deadline, final or not, and is not written again.
func TestHoldStores(t *testing.T) {
	e, clock := testEngine(10)
	e.StoreIn(heldstore.New(storage.NewNopClient()))

	td := bare500(1)
	scan := e.Scan(td)
	out := e.Apply(context.Background(), td, scan, nil)
	require.Len(t, out.Stored, 1)
	assert.NotZero(t, out.Stored[0].Stored, "a slot reserved")
	assert.Equal(t, [][]byte(nil), out.StoredEvidence(td, scan), "no evidence in its batch")

	deadline := clock.Add(20 * time.Second)
	re := &Restoring{Deadline: deadline, Ref: 42}
	final := dbDown(2)
	out = e.Apply(context.Background(), final, e.Scan(final), re)
	assert.Empty(t, out.Final, "restored: held again, even final")
	assert.Len(t, out.Taken, 1)
	assert.Empty(t, out.Stored, "already in storage")
	assert.Equal(t, int64(2), e.Stats().Held)

	*clock = clock.Add(6 * time.Second) // past wait_duration, within evidence_ttl
	out = e.Due()
	require.Len(t, out.Released, 1, "the first is due, the restored one keeps its own deadline")
	_, settled := out.Released[0].Held.Trace.Decided(out.Released[0].Held.Node)
	assert.True(t, settled, "released: settled")
	*clock = deadline
	out = e.Due()
	require.Len(t, out.Released, 1)
	assert.Equal(t, heldstore.Ref(42), out.Released[0].Held.Stored)
}

// TestHoldRestoredUnderPressure: a span read back from storage is held
// again even when the cache forgets within a tick: storage keeps it until
// its own deadline.
func TestHoldRestoredUnderPressure(t *testing.T) {
	e, clock := testEngine(1)
	require.Len(t, applied(e, bare500(1)).Taken, 1)
	td := bare500(2)
	out := e.Apply(context.Background(), td, e.Scan(td), &Restoring{Deadline: clock.Add(time.Second), Ref: 7})
	assert.Empty(t, out.Final)
	assert.Len(t, out.Taken, 1, "held again")
	assert.Equal(t, []string{ReasonMaxTraces}, releasedReasons(out), "the trace it made the cache forget")
}

// TestHoldKeepsTheOrigin: a held span keeps the client information of the
// request that brought it; a batch without a target reads none.
func TestHoldKeepsTheOrigin(t *testing.T) {
	e, _ := testEngine(10)
	ctx := client.NewContext(context.Background(), client.Info{Metadata: client.NewMetadata(map[string][]string{"x-tenant": {"a"}})})
	td := bare500(1)
	scan := e.Scan(td)
	require.NotNil(t, scan.origin(ctx))
	out := e.Apply(ctx, td, scan, nil)
	require.Len(t, out.Taken, 1)
	drained := e.Drain()
	require.Len(t, drained.Released, 1)
	assert.True(t, origin.Same(origin.FromContext(ctx), drained.Released[0].Held.Origin))
	assert.Equal(t, []string{"a"}, drained.Released[0].Held.Origin.Info().Metadata.Get("x-tenant"))

	healthy := e.Scan(twoTraces())
	for i := range healthy.marks {
		healthy.marks[i].target = false
	}
	assert.Nil(t, healthy.origin(ctx), "no target: nothing to hold, no origin read")
}

// TestForgottenReason: the telemetry reason of each tracecache reason.
func TestForgottenReason(t *testing.T) {
	for why, want := range map[tracecache.ForgetReason]struct{ forgotten, released string }{
		tracecache.ForgetTTL:       {ReasonEvidenceTTL, ReasonMaxTraces},
		tracecache.ForgetMaxTraces: {ReasonMaxTraces, ReasonMaxTraces},
		tracecache.ForgetMaxBytes:  {ReasonMaxEvidenceMiB, ReasonMaxEvidenceMiB},
	} {
		assert.Equal(t, want.forgotten, ForgottenReason(int(why)))
		assert.Equal(t, want.released, forgetReason[why].released)
	}
}
