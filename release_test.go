package errordiagnosisprocessor

import (
	"context"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// The release order of held spans, with a fake clock: wait_duration 30 s,
// so a retry after a retryable error is due 3 s after the failed delivery
// (a tenth of wait_duration per attempt), earlier than spans held after it.

// holdAt holds a bare 500 at the diagnoser's clock and returns its id.
func holdAt(t *testing.T, d *diagnoser, seed uint64) spanRef {
	t.Helper()
	td := bare500(seed)
	ref := spanRef{}
	for r := range refsOf(td) {
		ref = r
	}
	out, err := d.processTraces(context.Background(), td)
	require.Error(t, err, "held: nothing left in the batch")
	require.Zero(t, out.SpanCount())
	return ref
}

func accepted(s *faultSink, r spanRef) bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.accepted[r] > 0
}

func thirtySecondWait() *Config {
	cfg := defaultConfig()
	cfg.WaitDuration = 30 * time.Second
	cfg.EvidenceTTL = 5 * time.Minute
	return cfg
}

// TestRetryDueBeforeLaterHolds: a span whose delivery failed at +30 s is
// due again at +33 s and goes out then, although a span held at +10 s (due
// at +40 s) is still waiting.
func TestRetryDueBeforeLaterHolds(t *testing.T) {
	sink := newFaultSink(0, false)
	d, clock := newFuzzDiagnoser(t, thirtySecondWait(), sink)
	ctx := context.Background()
	start := *clock
	at := func(s int) { *clock = start.Add(time.Duration(s) * time.Second) }

	a := holdAt(t, d, 1)
	at(10)
	b := holdAt(t, d, 2)
	at(30)
	sink.setFailNext(1, false)
	d.releaseDue(ctx)
	require.False(t, accepted(sink, a), "the first delivery failed")
	at(33)
	d.releaseDue(ctx)
	assert.True(t, accepted(sink, a), "the retry is due at +33 s")
	assert.False(t, accepted(sink, b), "the span held at +10 s is due at +40 s")
	at(40)
	d.releaseDue(ctx)
	assert.True(t, accepted(sink, b))
	require.NoError(t, d.shutdown(ctx))
	distinct, dup := sink.counts()
	assert.Equal(t, 2, distinct)
	assert.Zero(t, dup)
}

// TestEarlyReleaseTakesTheEarliestDeadline: beyond max_held_spans the span
// released early is the one due first, a retry included.
func TestEarlyReleaseTakesTheEarliestDeadline(t *testing.T) {
	sink := newFaultSink(0, false)
	cfg := thirtySecondWait()
	cfg.MaxHeldSpans = 2
	d, clock := newFuzzDiagnoser(t, cfg, sink)
	ctx := context.Background()
	start := *clock
	at := func(s int) { *clock = start.Add(time.Duration(s) * time.Second) }

	a := holdAt(t, d, 1)
	at(10)
	b := holdAt(t, d, 2)
	at(30)
	sink.setFailNext(1, false)
	d.releaseDue(ctx) // a fails, held again, due at +33 s
	require.False(t, accepted(sink, a))
	at(31)
	c := holdAt(t, d, 3) // 3 held > max_held_spans 2
	assert.True(t, accepted(sink, a), "a (due at +33 s) is released early")
	assert.False(t, accepted(sink, b), "b (due at +40 s) waits")
	assert.False(t, accepted(sink, c), "c (due at +61 s) waits")
	require.NoError(t, d.shutdown(ctx))
	distinct, dup := sink.counts()
	assert.Equal(t, 3, distinct)
	assert.Zero(t, dup)
}
