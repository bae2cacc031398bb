package heldstore

import (
	"context"
	"errors"
	"math/rand/v2"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"go.opentelemetry.io/collector/extension/xextension/storage"
)

// memClient is a storage client in memory that fails the next failNext
// operations or batches.
type memClient struct {
	mu       sync.Mutex
	data     map[string][]byte
	failNext int
	batches  int
}

func newMemClient() *memClient { return &memClient{data: map[string][]byte{}} }

var errStorage = errors.New("storage: disk I/O error")

func (c *memClient) fail() bool {
	if c.failNext > 0 {
		c.failNext--
		return true
	}
	return false
}

func (c *memClient) Get(_ context.Context, k string) ([]byte, error) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.fail() {
		return nil, errStorage
	}
	return c.data[k], nil
}

func (c *memClient) Set(_ context.Context, k string, v []byte) error {
	return c.Batch(context.Background(), storage.SetOperation(k, v))
}

func (c *memClient) Delete(_ context.Context, k string) error {
	return c.Batch(context.Background(), storage.DeleteOperation(k))
}

func (c *memClient) Batch(_ context.Context, ops ...*storage.Operation) error {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.fail() {
		return errStorage
	}
	c.batches++
	for _, op := range ops {
		switch op.Type {
		case storage.Get:
			op.Value = c.data[op.Key]
		case storage.Set:
			c.data[op.Key] = append([]byte(nil), op.Value...)
		case storage.Delete:
			delete(c.data, op.Key)
		}
	}
	return nil
}

func (c *memClient) Close(context.Context) error { return nil }

func (c *memClient) keys() int {
	c.mu.Lock()
	defer c.mu.Unlock()
	return len(c.data)
}

func span(i int) Span {
	sp := Span{Deadline: time.Unix(1_800_000_000+int64(i), 5).UTC(), Status: 500, Origin: []byte{1, 0, byte(i)}, Data: []byte{10, byte(i), 1, 2, 3}}
	if i%2 == 1 {
		sp.Evidence = []byte{10, 9, byte(i)}
	}
	return sp
}

// hold reserves and writes n spans, as one consumed batch.
func hold(t *testing.T, s *Store, from, n int) []Ref {
	t.Helper()
	refs := make([]Ref, n)
	spans := make([]Span, n)
	for i := range n {
		refs[i] = s.Reserve()
		spans[i] = span(from + i)
	}
	require.NoError(t, s.Write(context.Background(), refs, spans))
	return refs
}

func load(t *testing.T, c storage.Client) (*Store, Loaded) {
	t.Helper()
	s := New(c)
	l, err := s.Load(context.Background())
	require.NoError(t, err)
	return s, l
}

func TestRestartRestoresWhatIsNotDelivered(t *testing.T) {
	ctx := context.Background()
	c := newMemClient()
	s := New(c)
	refs := hold(t, s, 0, 4)
	assert.Equal(t, 1, c.batches, "one storage batch for a consumed batch")
	require.NoError(t, s.MarkDelivering(ctx, refs[:1]))
	require.NoError(t, s.Remove(ctx, refs[:1])) // delivered
	require.NoError(t, s.MarkDelivering(ctx, refs[1:2]))
	// crash: refs[1] was being delivered, refs[2:] held

	s2, l := load(t, c)
	require.Len(t, l.Spans, 3)
	assert.Zero(t, l.Undecodable)
	for i, r := range l.Spans {
		assert.Equal(t, refs[i+1], r.Ref)
		assert.Equal(t, span(i+1), r.Span)
		assert.Equal(t, i == 0, r.Interrupted, "only the span whose delivery had begun may be a duplicate")
	}
	_, again := load(t, c)
	for _, r := range again.Spans {
		assert.False(t, r.Interrupted, "marks are removed once read")
	}
	assert.NotContains(t, []Ref{refs[1], refs[2], refs[3]}, s2.Reserve(), "slots of restored spans are not reused")
}

func TestSlotsAreReused(t *testing.T) {
	ctx := context.Background()
	c := newMemClient()
	s := New(c)
	for i := range 100 {
		refs := hold(t, s, i, 3)
		require.NoError(t, s.Remove(ctx, refs))
	}
	assert.Equal(t, 1, c.keys(), "only held/slots remains")
	assert.Equal(t, []byte{3}, c.data[slotsKey], "three slots were ever in use at once")
	_, l := load(t, c)
	assert.Empty(t, l.Spans)
}

func TestRemovedBeforeWritten(t *testing.T) {
	ctx := context.Background()
	c := newMemClient()
	s := New(c)
	r := s.Reserve()
	require.NoError(t, s.Remove(ctx, []Ref{r})) // released by another goroutine first
	require.NoError(t, s.Write(ctx, []Ref{r}, []Span{span(1)}))
	assert.Zero(t, c.keys(), "a span delivered before its write is not stored")
	assert.Equal(t, r, s.Reserve(), "its slot is free again")
}

func TestFaults(t *testing.T) {
	ctx := context.Background()
	t.Run("write fails: only in memory, removed without I/O", func(t *testing.T) {
		c := newMemClient()
		s := New(c)
		r := s.Reserve()
		c.failNext = 1
		require.ErrorIs(t, s.Write(ctx, []Ref{r}, []Span{span(1)}), errStorage)
		assert.Zero(t, c.keys())
		before := c.batches
		require.NoError(t, s.Remove(ctx, []Ref{r}))
		assert.Equal(t, before, c.batches)
	})
	t.Run("remove fails: retried with the next removal, the slot kept meanwhile", func(t *testing.T) {
		c := newMemClient()
		s := New(c)
		a := hold(t, s, 0, 1)
		c.failNext = 1
		require.ErrorIs(t, s.Remove(ctx, a), errStorage)
		b := hold(t, s, 1, 1)
		assert.NotEqual(t, a[0], b[0], "a slot whose delete failed is not reused")
		require.NoError(t, s.Remove(ctx, b))
		assert.Equal(t, 1, c.keys(), "both deleted, held/slots remains")
	})
	t.Run("load fails", func(t *testing.T) {
		c := newMemClient()
		hold(t, New(c), 0, 2)
		c.failNext = 1
		_, err := New(c).Load(ctx)
		require.ErrorIs(t, err, errStorage)
	})
	t.Run("retry unmarks", func(t *testing.T) {
		c := newMemClient()
		s := New(c)
		refs := hold(t, s, 0, 2)
		require.NoError(t, s.MarkDelivering(ctx, refs))
		require.NoError(t, s.Unmark(ctx, refs)) // the next consumer failed: held again
		_, l := load(t, c)
		require.Len(t, l.Spans, 2)
		assert.False(t, l.Spans[0].Interrupted || l.Spans[1].Interrupted)
	})
}

func TestUndecodableEntriesAreSkippedAndRemoved(t *testing.T) {
	c := newMemClient()
	refs := hold(t, New(c), 0, 4)
	good := Encode(span(9))
	c.data[spanKey(refs[1])] = good[:5]                             // truncated
	c.data[spanKey(refs[2])] = []byte{0xde, 0xad, 0xbe, 0xef, 0x99} // random
	_, l := load(t, c)
	assert.Equal(t, 2, l.Undecodable)
	require.Len(t, l.Spans, 2)
	assert.Equal(t, refs[0], l.Spans[0].Ref)
	assert.Equal(t, refs[3], l.Spans[1].Ref)
	_, again := load(t, c)
	assert.Zero(t, again.Undecodable, "removed once counted")
	c.data[slotsKey] = []byte{0xff}
	_, bad := load(t, c)
	assert.Equal(t, 1, bad.Undecodable, "an unreadable slot count is counted")
	assert.Empty(t, bad.Spans)
}

func TestDecode(t *testing.T) {
	sp := span(3)
	b := Encode(sp)
	got, err := Decode(b)
	require.NoError(t, err)
	assert.Equal(t, sp, got)
	for n := range len(b) - len(sp.Data) + 1 {
		_, err := Decode(b[:n])
		assert.ErrorIs(t, err, ErrMalformed, "cut at %d", n)
	}
	rng := rand.New(rand.NewPCG(3, 4))
	for range 5000 {
		r := make([]byte, rng.IntN(40))
		for i := range r {
			r[i] = byte(rng.UintN(256))
		}
		assert.NotPanics(t, func() { _, _ = Decode(r) })
	}
}
