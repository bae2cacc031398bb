// Package ratelimit allows at most one event per key per interval, remembering
// a bounded number of keys (least recently seen forgotten first).
package ratelimit // import "github.com/errordiagnosis/errordiagnosisprocessor/connector/incidentconnector/internal/ratelimit"

import (
	"container/list"
	"sync"
	"time"
)

// Limiter is safe for concurrent use.
type Limiter struct {
	interval time.Duration
	max      int

	mu      sync.Mutex
	entries map[string]*list.Element // key -> element of lru holding *entry
	lru     list.List                // front: most recently seen
}

type entry struct {
	key     string
	allowed time.Time // when an event of this key was last allowed
}

// New returns a limiter allowing one event per key per interval and
// remembering at most maxKeys keys (at least 1).
func New(interval time.Duration, maxKeys int) *Limiter {
	maxKeys = max(maxKeys, 1)
	return &Limiter{interval: interval, max: maxKeys, entries: make(map[string]*list.Element, min(maxKeys, 1024))}
}

// Allow reports whether an event of key at now is allowed: no event of the
// same key was allowed in the interval before now. A key forgotten to make
// room for others is allowed again.
func (l *Limiter) Allow(key string, now time.Time) bool {
	l.mu.Lock()
	defer l.mu.Unlock()
	if el, ok := l.entries[key]; ok {
		l.lru.MoveToFront(el)
		e := el.Value.(*entry)
		// A clock that went back counts as within the interval: suppressing
		// once more is better than a burst of duplicates.
		if now.Sub(e.allowed) < l.interval {
			return false
		}
		e.allowed = now
		return true
	}
	if l.lru.Len() >= l.max {
		oldest := l.lru.Back()
		l.lru.Remove(oldest)
		delete(l.entries, oldest.Value.(*entry).key)
	}
	l.entries[key] = l.lru.PushFront(&entry{key: key, allowed: now})
	return true
}

// Len is the number of keys remembered.
func (l *Limiter) Len() int {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.lru.Len()
}
