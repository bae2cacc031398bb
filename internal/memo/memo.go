// Package memo is a small, fixed-size, lock-free memo for pure functions
// whose inputs repeat: production errors come in storms of the same
// exception, so classifying, normalising and redacting the same text again
// is wasted work. Direct-mapped: a slot holds the last key that hashed to
// it; a collision just recomputes. Memory is bounded by the slot count and
// the size of the keys and values stored.
package memo // import "github.com/errordiagnosis/errordiagnosisprocessor/internal/memo"

import (
	"hash/maphash"
	"sync/atomic"
)

type entry[K comparable, V any] struct {
	key K
	val V
}

// Memo caches f(k) for comparable keys; safe for concurrent use.
type Memo[K comparable, V any] struct {
	seed  maphash.Seed
	slots []atomic.Pointer[entry[K, V]]
	mask  uint64
	f     func(K) V
	own   func(K) K
}

// New returns a memo of f with 2^bits slots.
func New[K comparable, V any](bits uint, f func(K) V) *Memo[K, V] {
	n := uint64(1) << bits
	return &Memo[K, V]{seed: maphash.MakeSeed(), slots: make([]atomic.Pointer[entry[K, V]], n), mask: n - 1, f: f}
}

// OwnKeys makes the memo store own(k) instead of k: a key that shares memory
// with something larger (a substring) would keep all of it alive.
func (m *Memo[K, V]) OwnKeys(own func(K) K) *Memo[K, V] {
	m.own = own
	return m
}

// Get returns f(k), computing it when k is not in its slot.
func (m *Memo[K, V]) Get(k K) V {
	slot := &m.slots[maphash.Comparable(m.seed, k)&m.mask]
	if e := slot.Load(); e != nil && e.key == k {
		return e.val
	}
	v := m.f(k)
	if m.own != nil {
		k = m.own(k)
	}
	slot.Store(&entry[K, V]{key: k, val: v})
	return v
}

// Front is a memo with a front entry of its own: the last key asked for
// and its value. In a storm the same key comes many times in a row; the
// front then answers with one comparison, without hashing the key, and
// the strings compared often share their memory. Not safe for concurrent
// use: one goroutine's, for one request. Its key is kept as given, not
// owned.
type Front[K comparable, V any] struct {
	m   *Memo[K, V]
	key K
	val V
	ok  bool
}

// Front returns a front of m.
func (m *Memo[K, V]) Front() Front[K, V] { return Front[K, V]{m: m} }

// Get returns f(*k), from the front when *k is the last key asked for.
// Keys and values are not copied on the way: the value is the front's,
// until the next Get.
func (f *Front[K, V]) Get(k *K) *V {
	if !f.ok || f.key != *k {
		f.key, f.val, f.ok = *k, f.m.Get(*k), true
	}
	return &f.val
}
