package registry // import "github.com/errordiagnosis/errordiagnosisprocessor/internal/registry"

import (
	"sync"
	"sync/atomic"
	"time"
)

// Event is a change of an error group that no span carries: its
// resolution, found while counting healthy requests. The incident
// connector turns it into a record.
type Event struct {
	Key
	// ResolvedIn is the version that resolved the group, after Requests
	// requests.
	ResolvedIn string
	Requests   int64
	// At is when it was resolved.
	At time.Time
	// What is known of the group.
	FirstSeen                   time.Time
	FirstVersion, FirstRevision string
	Category, Cause             string
	Count                       int64
}

// MaxPendingEvents bounds the events a Feed keeps for its slowest reader;
// beyond it the oldest are lost, and counted.
const MaxPendingEvents = 10_000

// Feed hands the events of the registries of one processor ID to the
// readers of that ID, in order. Without a reader events are dropped: no one
// would read them. Safe for concurrent use.
type Feed struct {
	// publishers counts the registries that ever published here.
	publishers atomic.Int32

	mu sync.Mutex
	// events[i] has sequence number first+i.
	events  []Event
	first   uint64
	readers map[*Reader]struct{}
}

// Reader reads a Feed from the events published after it subscribed.
type Reader struct {
	feed *Feed
	// next is the sequence number of the next event to read, under feed.mu.
	next uint64
}

var (
	feedsMu sync.Mutex
	feeds   = map[string]*Feed{}
)

// FeedOf returns the feed of the processor id (its component ID): the
// processor publishes on it and the incident connector naming that ID
// reads it, whichever starts first. A process has one feed per ID.
func FeedOf(id string) *Feed {
	feedsMu.Lock()
	defer feedsMu.Unlock()
	f := feeds[id]
	if f == nil {
		f = &Feed{readers: map[*Reader]struct{}{}}
		feeds[id] = f
	}
	return f
}

// Publish adds events for the readers. A nil feed drops them.
func (f *Feed) Publish(events []Event) {
	if f == nil || len(events) == 0 {
		return
	}
	f.mu.Lock()
	defer f.mu.Unlock()
	if len(f.readers) == 0 {
		f.first += uint64(len(f.events) + len(events))
		f.events = f.events[:0]
		return
	}
	f.events = append(f.events, events...)
	if over := len(f.events) - MaxPendingEvents; over > 0 {
		clear(f.events[:over])
		f.events = f.events[over:]
		f.first += uint64(over)
	}
}

// HasPublisher reports whether a registry publishes on f: the collector
// creates every component before it starts any, so a reader that finds
// none at its start names no processor of the collector.
func (f *Feed) HasPublisher() bool { return f.publishers.Load() > 0 }

// Subscribe returns a reader of the events published from now on.
func (f *Feed) Subscribe() *Reader {
	f.mu.Lock()
	defer f.mu.Unlock()
	rd := &Reader{feed: f, next: f.first + uint64(len(f.events))}
	f.readers[rd] = struct{}{}
	return rd
}

// Read returns the events published since the last Read, and how many of
// them were lost to MaxPendingEvents.
func (rd *Reader) Read() (events []Event, lost uint64) {
	f := rd.feed
	f.mu.Lock()
	defer f.mu.Unlock()
	if rd.next < f.first {
		lost, rd.next = f.first-rd.next, f.first
	}
	from := int(rd.next - f.first)
	if from < len(f.events) {
		events = append([]Event(nil), f.events[from:]...)
		rd.next = f.first + uint64(len(f.events))
	}
	f.trimLocked()
	return events, lost
}

// Close ends the reader.
func (rd *Reader) Close() {
	f := rd.feed
	f.mu.Lock()
	defer f.mu.Unlock()
	delete(f.readers, rd)
	f.trimLocked()
}

// trimLocked forgets the events every reader has read.
func (f *Feed) trimLocked() {
	end := f.first + uint64(len(f.events))
	least := end
	for rd := range f.readers {
		least = min(least, max(rd.next, f.first))
	}
	n := int(least - f.first)
	clear(f.events[:n])
	f.events = f.events[n:]
	f.first = least
	if len(f.events) == 0 {
		f.events = nil // a burst's memory goes with it
	}
}
