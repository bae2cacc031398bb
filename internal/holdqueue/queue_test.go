package holdqueue

import (
	"context"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"go.opentelemetry.io/collector/client"
	"go.opentelemetry.io/collector/pdata/pcommon"

	"github.com/errordiagnosis/errordiagnosisprocessor/internal/origin"
	"github.com/errordiagnosis/errordiagnosisprocessor/internal/tracecache"
)

var t0 = time.Date(2026, 11, 25, 10, 0, 0, 0, time.UTC)

func at(s int) time.Time { return t0.Add(time.Duration(s) * time.Second) }

type fixture struct {
	q      *Queue
	traces []*tracecache.Trace
	held   map[string]*Held
}

func newFixture() *fixture {
	return &fixture{
		q:      New(Backoff{Step: 3 * time.Second, Max: 5 * time.Second}),
		traces: []*tracecache.Trace{{ID: pcommon.TraceID{1}}, {ID: pcommon.TraceID{2}}},
		held:   map[string]*Held{},
	}
}

// hold holds span name of trace tr due at second s.
func (f *fixture) hold(name string, tr, s int) *Held {
	h := &Held{Trace: f.traces[tr], Node: &tracecache.Node{}, Deadline: at(s)}
	f.held[name] = h
	f.q.Hold(h)
	return h
}

func (f *fixture) names(hs []*Held) []string {
	var out []string
	for _, h := range hs {
		for name, x := range f.held {
			if x == h {
				out = append(out, name)
			}
		}
	}
	return out
}

func TestPopDueInDeadlineOrder(t *testing.T) {
	tests := []struct {
		name  string
		setup func(f *fixture)
		now   int
		want  []string
		left  int
	}{
		{"nothing held", func(*fixture) {}, 100, nil, 0},
		{"arrival order", func(f *fixture) { f.hold("a", 0, 30); f.hold("b", 0, 40); f.hold("c", 1, 50) }, 45, []string{"a", "b"}, 1},
		{"equal deadlines in hold order", func(f *fixture) { f.hold("a", 0, 30); f.hold("b", 1, 30); f.hold("c", 0, 30) }, 30, []string{"a", "b", "c"}, 0},
		{"out of order deadlines", func(f *fixture) { f.hold("late", 0, 60); f.hold("early", 1, 20) }, 30, []string{"early"}, 1},
		{"a retry is due before later holds", func(f *fixture) {
			a := f.hold("a", 0, 30)
			f.hold("b", 0, 40)
			f.q.Remove(a)
			f.q.Requeue(a, at(30)) // due at 33
		}, 35, []string{"a"}, 1},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			f := newFixture()
			tt.setup(f)
			assert.Equal(t, tt.want, f.names(f.q.PopDue(at(tt.now), nil)))
			assert.Equal(t, tt.left, f.q.Len())
		})
	}
}

func TestPopOldestIsTheEarliestDeadline(t *testing.T) {
	f := newFixture()
	a := f.hold("a", 0, 30)
	f.hold("b", 0, 40)
	require.True(t, f.q.Remove(a))
	f.q.Requeue(a, at(30))
	f.hold("c", 1, 61)
	assert.Same(t, a, f.q.PopOldest(), "the retry due at 33 s, not the first in line")
	assert.Equal(t, 1, a.Attempts)
	assert.Equal(t, at(33), a.Deadline)
	assert.Equal(t, []string{"b", "c"}, f.names(f.q.TakeAll(nil)))
	assert.Nil(t, f.q.PopOldest())
}

func TestBackoffGrowsToItsMax(t *testing.T) {
	f := newFixture()
	h := f.hold("a", 0, 30)
	var waits []time.Duration
	for range 3 {
		require.Same(t, h, f.q.PopOldest())
		f.q.Requeue(h, at(100))
		waits = append(waits, h.Deadline.Sub(at(100)))
	}
	assert.Equal(t, []time.Duration{3 * time.Second, 5 * time.Second, 5 * time.Second}, waits)
}

func TestHeldOfATrace(t *testing.T) {
	f := newFixture()
	a := f.hold("a", 0, 30)
	f.hold("b", 1, 31)
	c := f.hold("c", 0, 32)
	d := f.hold("d", 0, 33)
	assert.True(t, f.q.Holds(f.traces[0]))
	assert.Equal(t, []string{"a", "c", "d"}, f.names(f.q.Of(f.traces[0], nil)))
	assert.Same(t, c, f.q.OfNode(f.traces[0], c.Node))
	assert.Nil(t, f.q.OfNode(f.traces[1], c.Node))

	// A requeued span keeps its place in its trace's hold order.
	require.True(t, f.q.Remove(a))
	assert.False(t, f.q.Remove(a), "removed once")
	f.q.Requeue(a, at(40))
	assert.Equal(t, []string{"a", "c", "d"}, f.names(f.q.Of(f.traces[0], nil)))

	assert.Equal(t, []string{"a", "c", "d"}, f.names(f.q.TakeTrace(f.traces[0], nil)))
	assert.False(t, f.q.Holds(f.traces[0]))
	assert.Nil(t, f.q.OfNode(f.traces[0], d.Node))
	assert.Equal(t, 1, f.q.Len())
	assert.Equal(t, []string{"b"}, f.names(f.q.PopDue(at(100), nil)))
	assert.False(t, f.q.Holds(f.traces[1]))
}

// TestManyHeldOfOneTrace: a never-ending trace holding thousands of spans
// releases them in deadline order, each removal without a scan.
func TestManyHeldOfOneTrace(t *testing.T) {
	q := New(Backoff{Step: time.Second, Max: 5 * time.Second})
	tr := &tracecache.Trace{}
	const n = 10_000
	for i := range n {
		q.Hold(&Held{Trace: tr, Node: &tracecache.Node{}, Deadline: at(n - i)})
	}
	prev := time.Time{}
	for i := range n {
		h := q.PopOldest()
		require.NotNil(t, h, "pop %d", i)
		require.False(t, h.Deadline.Before(prev))
		prev = h.Deadline
	}
	assert.Zero(t, q.Len())
	assert.False(t, q.Holds(tr))
}

// TestBytes: the queue accounts for each held span's Data and overhead while
// it is held, however it leaves, and again when it is requeued.
func TestBytes(t *testing.T) {
	f := newFixture()
	a := f.hold("a", 0, 1)
	a.Data = make([]byte, 1000)
	f.q.Remove(a)
	f.q.Hold(a)
	b := f.hold("b", 1, 2)
	c := f.hold("c", 1, 3)
	assert.Equal(t, 1000+3*heldOverhead, f.q.Bytes())
	assert.Equal(t, 1000+heldOverhead, Size(a))
	assert.Same(t, a, f.q.PopOldest())
	assert.Equal(t, 2*heldOverhead, f.q.Bytes())
	f.q.Requeue(a, at(10))
	assert.Equal(t, 1000+3*heldOverhead, f.q.Bytes())
	f.q.Remove(b)
	f.q.TakeTrace(f.traces[1], nil)
	assert.Equal(t, 1000+heldOverhead, f.q.Bytes())
	f.q.TakeAll(nil)
	assert.Zero(t, f.q.Bytes())
	_ = c
	big := origin.FromContext(client.NewContext(context.Background(), client.Info{
		Metadata: client.NewMetadata(map[string][]string{"cookie": {string(make([]byte, 4096))}}),
	}))
	d := f.hold("d", 1, 4)
	f.q.Remove(d)
	d.Origin = big
	f.q.Hold(d)
	assert.Equal(t, heldOverhead+big.Size(), f.q.Bytes(), "the client information of its request counts too")
}
