package engine

import (
	"runtime"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/errordiagnosis/errordiagnosisprocessor/internal/diagnosis"
	"github.com/errordiagnosis/errordiagnosisprocessor/internal/holdqueue"
	"github.com/errordiagnosis/errordiagnosisprocessor/internal/testtraces"
	"github.com/errordiagnosis/errordiagnosisprocessor/internal/tracecache"
)

// TestOutcomeReset: a reset outcome is empty and its buffers point at
// nothing of the calls before.
func TestOutcomeReset(t *testing.T) {
	h := &holdqueue.Held{Data: []byte("span")}
	out := &Outcome{
		Final:     []Verdict{{Early: ReasonMaxTraces}},
		Released:  []Released{{Held: h}},
		Taken:     []SpanPos{At(0, 0, 1)},
		Stored:    []*holdqueue.Held{h},
		Late:      2,
		Forgotten: [ForgetReasons]int64{1, 2, 3},
		evidenced: []heldTarget{{stored: 1}},
		waiting:   []Verdict{{Early: ReasonShutdown}},
		scratch:   []*holdqueue.Held{h},
		ready:     []*holdqueue.Held{h},
		rec:       recording{targets: []target{{trace: &tracecache.Trace{}}}, touched: []*tracecache.Trace{{}}, late: []*tracecache.Trace{{}}},
	}
	final, released, stored, scratch, ready := out.Final, out.Released, out.Stored, out.scratch, out.ready
	targets, touched, late := out.rec.targets, out.rec.touched, out.rec.late
	out.reset()
	assert.Empty(t, out.Final)
	assert.Empty(t, out.Released)
	assert.Empty(t, out.Taken)
	assert.Empty(t, out.Stored)
	assert.Empty(t, out.evidenced)
	assert.Empty(t, out.waiting)
	assert.Empty(t, out.scratch)
	assert.Empty(t, out.ready)
	assert.Zero(t, out.Late)
	assert.Equal(t, [ForgetReasons]int64{}, out.Forgotten)
	assert.Zero(t, final[0])
	assert.Nil(t, released[0].Held)
	assert.Nil(t, stored[0])
	assert.Nil(t, scratch[0])
	assert.Nil(t, ready[0])
	assert.Empty(t, out.rec.targets)
	assert.Empty(t, out.rec.touched)
	assert.Empty(t, out.rec.late)
	assert.Zero(t, targets[0])
	assert.Nil(t, touched[0])
	assert.Nil(t, late[0])
	assert.Equal(t, 1, cap(out.Final), "the memory is kept")
	assert.Equal(t, 1, cap(out.rec.targets), "the memory is kept")
}

// TestOutcomeKeptAcrossCollections: an outcome given back is handed out
// again after a garbage collection, emptied, with the buffers its batch
// grew: a sync.Pool would drop them, and the next batches grow them again.
func TestOutcomeKeptAcrossCollections(t *testing.T) {
	e, _ := testEngine(16)
	out := applied(e, bare500(1))
	require.NotNil(t, out)
	require.NotEmpty(t, out.Taken)
	require.NotEmpty(t, out.rec.targets)
	e.Recycle(nil, out)
	runtime.GC()
	runtime.GC()
	again := e.outcome()
	assert.Same(t, out, again)
	assert.Empty(t, again.Taken)
	assert.Empty(t, again.rec.targets)
	assert.Positive(t, cap(again.rec.targets), "the buffers are kept")
}

// TestDiagnoseBatch: per batch every target is final in it, diagnosed from
// its batch alone; a batch without a marked span has no outcome; the
// batch's cache, given back, refers to nothing of it.
func TestDiagnoseBatch(t *testing.T) {
	e := New(Config{Targets: serverTargets(), Rules: noRules{}})
	require.False(t, e.Holds())
	td := dbDown(1)
	testtraces.AppendTo(td, testtraces.Server("shop", "go", "GET", "/cart", 500), testtraces.Options{Seed: 2})
	out := applied(e, td)
	require.NotNil(t, out)
	require.Len(t, out.Final, 2)
	got := map[diagnosis.Category]bool{}
	for _, v := range out.Final {
		got[v.Res.Category] = true
		assert.Nil(t, v.trace, "the batch's cache is emptied on return: the verdict keeps only place and diagnosis")
	}
	assert.Equal(t, map[diagnosis.Category]bool{diagnosis.DatabaseConnection: true, diagnosis.Unknown: true}, got)
	assert.Empty(t, out.Taken, "nothing held")
	c := e.batchCaches.Get().(*tracecache.Cache)
	assert.Zero(t, c.Len())
	assert.Zero(t, c.NodeCount())

	healthy := testtraces.Build(testtraces.Server("shop", "go", "GET", "/", 200), testtraces.Options{Seed: 3})
	assert.Nil(t, applied(e, healthy))
	assert.Nil(t, e.diagnoseBatch(healthy, e.Scan(healthy)))
}
