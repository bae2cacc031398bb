package ratelimit

import (
	"runtime"
	"strconv"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
)

var t0 = time.Date(2026, 12, 2, 6, 0, 0, 0, time.UTC)

func TestAllow(t *testing.T) {
	type call struct {
		key  string
		at   time.Duration // after t0
		want bool
	}
	tests := []struct {
		name    string
		maxKeys int
		calls   []call
	}{
		{
			name:    "first event of a key is allowed",
			maxKeys: 10,
			calls:   []call{{"a", 0, true}, {"b", 0, true}},
		},
		{
			name:    "one event per key per interval",
			maxKeys: 10,
			calls: []call{
				{"a", 0, true},
				{"a", time.Second, false},
				{"a", time.Hour - time.Nanosecond, false},
				{"a", time.Hour, true},
				{"a", time.Hour + time.Minute, false},
				{"a", 2*time.Hour + time.Minute, true},
			},
		},
		{
			name:    "suppressed events do not extend the interval",
			maxKeys: 10,
			calls: []call{
				{"a", 0, true},
				{"a", 59 * time.Minute, false},
				{"a", 61 * time.Minute, true},
			},
		},
		{
			name:    "a clock going back is within the interval",
			maxKeys: 10,
			calls:   []call{{"a", time.Hour, true}, {"a", 0, false}},
		},
		{
			name:    "least recently seen key forgotten first",
			maxKeys: 2,
			calls: []call{
				{"a", 0, true},
				{"b", 0, true},
				{"a", time.Second, false}, // a is now the most recently seen
				{"c", time.Second, true},  // forgets b
				{"a", 2 * time.Second, false},
				{"b", 2 * time.Second, true}, // b was forgotten: allowed again; forgets c
				{"c", 3 * time.Second, true},
			},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			l := New(time.Hour, tt.maxKeys)
			for i, c := range tt.calls {
				assert.Equal(t, c.want, l.Allow(c.key, t0.Add(c.at)), "call %d: %s at +%v", i, c.key, c.at)
				assert.LessOrEqual(t, l.Len(), tt.maxKeys)
			}
		})
	}
}

func TestBounded(t *testing.T) {
	l := New(time.Hour, 100)
	for i := range 10_000 {
		assert.True(t, l.Allow(strconv.Itoa(i), t0))
	}
	assert.Equal(t, 100, l.Len())
	assert.Len(t, l.entries, 100)
}

func TestMaxKeysAtLeastOne(t *testing.T) {
	l := New(time.Hour, 0)
	assert.True(t, l.Allow("a", t0))
	assert.False(t, l.Allow("a", t0))
	assert.True(t, l.Allow("b", t0))
	assert.Equal(t, 1, l.Len())
}

// BenchmarkMemoryPerGroup reports the heap held per remembered group, keys
// shaped as the connector's (service, environment, 16-hex fingerprint).
func BenchmarkMemoryPerGroup(b *testing.B) {
	const groups = 10_000
	keys := make([]string, groups)
	for i := range keys {
		keys[i] = "checkout\x00production\x00" + strconv.FormatUint(uint64(i)+1<<60, 16)
	}
	var perGroup float64
	for range b.N {
		var before, after runtime.MemStats
		runtime.GC()
		runtime.ReadMemStats(&before)
		l := New(time.Hour, groups)
		for _, k := range keys {
			l.Allow(k, t0)
		}
		runtime.GC()
		runtime.ReadMemStats(&after)
		perGroup = float64(after.HeapAlloc-before.HeapAlloc) / groups
		runtime.KeepAlive(l)
	}
	b.ReportMetric(perGroup, "B/group")
}
