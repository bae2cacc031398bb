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
