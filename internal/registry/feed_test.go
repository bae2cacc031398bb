package registry

import (
	"fmt"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
)

func events(fps ...string) []Event {
	out := make([]Event, len(fps))
	for i, fp := range fps {
		out[i] = Event{Key: Key{Fingerprint: fp}}
	}
	return out
}

func fps(evs []Event) []string {
	var out []string
	for _, e := range evs {
		out = append(out, e.Fingerprint)
	}
	return out
}

// TestFeed: each reader gets the events published after it subscribed,
// once, in order; events nobody reads are not kept.
func TestFeed(t *testing.T) {
	f := &Feed{readers: map[*Reader]struct{}{}}
	f.Publish(events("before"))
	a := f.Subscribe()
	f.Publish(events("1", "2"))
	b := f.Subscribe()
	f.Publish(events("3"))

	got, lost := a.Read()
	assert.Equal(t, []string{"1", "2", "3"}, fps(got))
	assert.Zero(t, lost)
	got, _ = a.Read()
	assert.Empty(t, got)
	got, _ = b.Read()
	assert.Equal(t, []string{"3"}, fps(got))
	assert.Empty(t, f.events, "read by every reader: forgotten")

	a.Close()
	b.Close()
	f.Publish(events("4"))
	assert.Empty(t, f.events, "no reader: not kept")
	var nilFeed *Feed
	nilFeed.Publish(events("5")) // a registry without a feed
}

// TestFeedBounded: a reader that does not read loses the oldest events
// beyond MaxPendingEvents, and is told how many.
func TestFeedBounded(t *testing.T) {
	f := &Feed{readers: map[*Reader]struct{}{}}
	rd := f.Subscribe()
	for i := range MaxPendingEvents + 5 {
		f.Publish(events(fmt.Sprint(i)))
	}
	assert.Len(t, f.events, MaxPendingEvents)
	got, lost := rd.Read()
	assert.Equal(t, uint64(5), lost)
	assert.Len(t, got, MaxPendingEvents)
	assert.Equal(t, "5", got[0].Fingerprint)
}

// TestFeedOf: one feed per processor ID, which knows whether a registry
// publishes on it.
func TestFeedOf(t *testing.T) {
	first, again := FeedOf("errordiagnosis/feedof"), FeedOf("errordiagnosis/feedof")
	assert.Same(t, first, again)
	assert.NotSame(t, FeedOf("errordiagnosis/feedof"), FeedOf("errordiagnosis/other"))
	assert.False(t, FeedOf("errordiagnosis/feedof").HasPublisher())
	New(roomy, t0Clock).PublishTo(FeedOf("errordiagnosis/feedof"))
	assert.True(t, FeedOf("errordiagnosis/feedof").HasPublisher())
	assert.False(t, FeedOf("errordiagnosis/other").HasPublisher())
}

func t0Clock() time.Time { return t0 }
