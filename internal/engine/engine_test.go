package engine

import (
	"context"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/errordiagnosis/errordiagnosisprocessor/internal/diagnosis"
	"github.com/errordiagnosis/errordiagnosisprocessor/internal/holdqueue"
	"github.com/errordiagnosis/errordiagnosisprocessor/internal/testtraces"
	"github.com/errordiagnosis/errordiagnosisprocessor/internal/tracecache"
)

// TestOutcomes: each call says what it concluded — held, due, released
// early for a forgotten trace, drained — and the engine refuses to hold
// again once drained.
func TestOutcomes(t *testing.T) {
	e, clock := testEngine(1)
	healthy := testtraces.Build(testtraces.Server("shop", "go", "GET", "/cart", 200), testtraces.Options{Seed: 9})
	scan := e.Scan(healthy)
	assert.Nil(t, e.Apply(context.Background(), healthy, scan, nil), "nothing remembered, nothing marked: no outcome")
	e.Recycle(scan, nil)

	final, released, taken, _, _ := apply(t, e, bare500(1))
	assert.Equal(t, []int{0, 0, 1}, []int{final, released, taken}, "a 500 with no evidence is held: taken out of its batch")
	assert.Equal(t, Stats{Held: 1, HeldBytes: e.Stats().HeldBytes, Traces: 1, Nodes: 1, EvidenceBytes: e.Stats().EvidenceBytes}, e.Stats())

	// A second trace, more than a tick later, forgets the first (max_traces 1).
	*clock = clock.Add(2 * e.Tick())
	_, released, taken, forgotten, reasons := apply(t, e, bare500(2))
	assert.Equal(t, 1, taken)
	assert.Equal(t, 1, released, "the forgotten trace's held span leaves")
	assert.Equal(t, []string{ReasonMaxTraces}, reasons)
	assert.Equal(t, int64(1), forgotten[tracecache.ForgetMaxTraces])

	out := e.Due()
	assert.Empty(t, out.Released, "not due yet")
	e.Recycle(nil, out)
	*clock = clock.Add(5 * time.Second)
	out = e.Due()
	require.Len(t, out.Released, 1)
	assert.Empty(t, out.Released[0].Reason, "due: not early")
	assert.Equal(t, diagnosis.Unknown, out.Released[0].Res.Category)
	assert.True(t, e.Requeue([]*holdqueue.Held{out.Released[0].Held}), "a failed delivery is held again")
	e.Recycle(nil, out)

	out = e.Drain()
	require.Len(t, out.Released, 1)
	assert.Equal(t, ReasonShutdown, out.Released[0].Reason)
	h := out.Released[0].Held
	e.Recycle(nil, out)
	assert.False(t, e.Requeue([]*holdqueue.Held{h}), "drained: nothing would release it again")
	assert.Zero(t, e.Stats().Held)

	final, _, taken, _, _ = apply(t, e, bare500(3))
	assert.Equal(t, []int{1, 0}, []int{final, taken}, "after the drain a batch is diagnosed on its own")
}

// TestTick: a tenth of wait_duration, within [minTick, maxTick]; holding
// only with a positive wait.
func TestTick(t *testing.T) {
	for _, tc := range []struct {
		wait  time.Duration
		tick  time.Duration
		holds bool
	}{
		{0, minTick, false},
		{50 * time.Millisecond, minTick, true},
		{2 * time.Second, 200 * time.Millisecond, true},
		{time.Minute, maxTick, true},
	} {
		t.Run(tc.wait.String(), func(t *testing.T) {
			e := New(Config{WaitDuration: tc.wait, MaxTraces: 1, Targets: serverTargets(), Rules: noRules{}, Now: time.Now})
			assert.Equal(t, tc.tick, e.Tick())
			assert.Equal(t, tc.holds, e.Holds())
		})
	}
}

// TestNoOutcome: the calls that conclude nothing return nil: a batch with
// nothing marked while no trace is remembered, Due and Drain of an engine
// that does not hold.
func TestNoOutcome(t *testing.T) {
	perBatch := New(Config{Targets: serverTargets(), Rules: noRules{}})
	assert.Nil(t, perBatch.Due())
	assert.Nil(t, perBatch.Drain())
	assert.True(t, perBatch.Closed())

	e, _ := testEngine(10)
	healthy := testtraces.Build(testtraces.Server("shop", "go", "GET", "/", 200), testtraces.Options{Seed: 9})
	assert.Nil(t, applied(e, healthy), "nothing remembered")
	require.Len(t, applied(e, bare500(1)).Taken, 1)
	assert.NotNil(t, applied(e, healthy), "a trace is remembered: the batch is looked at")
	assert.False(t, e.Closed())
}

// TestStatsFollowTheCalls: Stats are what the last call left: held spans
// and their bytes, traces, nodes and evidence bytes, down to none once
// drained.
func TestStatsFollowTheCalls(t *testing.T) {
	e, clock := testEngine(10)
	require.Len(t, applied(e, bare500(1)).Taken, 1)
	applied(e, dbDown(2))
	st := e.Stats()
	assert.Equal(t, int64(1), st.Held)
	assert.Positive(t, st.HeldBytes)
	assert.Equal(t, int64(2), st.Traces)
	assert.Equal(t, int64(3), st.Nodes, "the held 500, the other 500 and its query")
	assert.Positive(t, st.EvidenceBytes)

	*clock = clock.Add(6 * time.Second)
	out := e.Due()
	require.Len(t, out.Released, 1)
	assert.Zero(t, e.Stats().Held)
	assert.Zero(t, e.Stats().HeldBytes)
	assert.Equal(t, int64(2), e.Stats().Traces, "remembered until evidence_ttl")
	*clock = clock.Add(time.Minute)
	e.Due()
	assert.Zero(t, e.Stats().Traces, "expired")

	require.Len(t, applied(e, bare500(3)).Taken, 1)
	e.Drain()
	assert.Equal(t, Stats{}, e.Stats())
}

// TestApplyAfterClose: closed but not drained, a batch is diagnosed on its
// own: nothing more is held.
func TestApplyAfterClose(t *testing.T) {
	e, _ := testEngine(10)
	e.Close()
	out := applied(e, bare500(1))
	require.NotNil(t, out)
	assert.Len(t, out.Final, 1)
	assert.Empty(t, out.Taken)
	assert.Zero(t, e.Stats().Held)
}
