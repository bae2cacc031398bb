package readings

import (
	"fmt"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// TestTrack: the latest points, newest first, a delta added to the level,
// older and repeated points ignored; in, rise and latest pick by time.
func TestTrack(t *testing.T) {
	var tr track
	tr.add(5, 10, false)
	tr.add(7, 20, false)
	tr.add(1, 15, false) // older
	tr.add(9, 20, false) // repeated
	assert.Equal(t, of(point{7, 20}, point{5, 10}), tr)

	tests := []struct {
		from, to int64
		want     point
		ok       bool
	}{
		{0, 30, point{7, 20}, true},
		{0, 19, point{5, 10}, true},
		{11, 19, point{}, false},
		{21, 30, point{}, false},
		{10, 10, point{5, 10}, true},
	}
	for _, tt := range tests {
		p, ok := tr.in(tt.from, tt.to)
		assert.Equal(t, tt.ok, ok, "in [%d, %d]", tt.from, tt.to)
		assert.Equal(t, tt.want, p, "in [%d, %d]", tt.from, tt.to)
	}
	p, by, ok := tr.rise(0, 30)
	assert.Equal(t, []any{point{7, 20}, 2.0, true}, []any{p, by, ok})
	_, _, ok = tr.rise(0, 19)
	assert.False(t, ok, "nothing before the first point")
	p, _ = tr.latest(15)
	assert.Equal(t, point{5, 10}, p, "at or before")
	p, _ = tr.latest(5)
	assert.Equal(t, point{7, 20}, p, "else the latest")

	for i := int64(3); i < 3+trackPoints; i++ {
		tr.add(float64(i), i*10, false)
	}
	assert.Equal(t, point{float64(2 + trackPoints), (2 + trackPoints) * 10}, tr.last())
	_, ok = tr.in(0, 20)
	assert.False(t, ok, "the oldest points pushed out")

	var d track
	d.add(3, 10, true)
	d.add(-1, 20, true)
	assert.Equal(t, point{2, 20}, d.last(), "a delta up-down counter's level")
}

// TestStoreBudget: over its budget the store forgets the least recently
// updated instance first, and never holds more bytes than the budget
// after a batch.
func TestStoreBudget(t *testing.T) {
	one := New(1<<20, time.Hour)
	one.Record(batch(instanceAttrs, sum("db.client.connection.max", 10, poolAttrs("p"), t0)), t0)
	per := int(one.Bytes())
	require.Positive(t, per)

	s := New(3*per, time.Hour)
	res := func(i int) map[string]any {
		return map[string]any{"service.name": "orders", "service.instance.id": fmt.Sprintf("orders-%d", i)}
	}
	for i := 0; i < 3; i++ {
		s.Record(batch(res(i), sum("db.client.connection.max", 10, poolAttrs("p"), t0)), t0)
	}
	assert.EqualValues(t, 3, s.Instances())
	s.Record(batch(res(0), sum("db.client.connection.max", 10, poolAttrs("p"), t0.Add(time.Second))), t0) // 0 is the newest now
	s.Record(batch(res(3), sum("db.client.connection.max", 10, poolAttrs("p"), t0)), t0)
	assert.EqualValues(t, 3, s.Instances())
	assert.LessOrEqual(t, s.Bytes(), int64(3*per))
	assert.NotNil(t, kept(t, s, res(0)), "updated recently")
	assert.Nil(t, kept(t, s, res(1)), "the least recently updated")
	budget, expired := s.Forgotten()
	assert.Equal(t, [2]int64{1, 0}, [2]int64{budget, expired})
}

// TestStoreExpiry: an instance not updated for the expiry is forgotten on
// the next batch.
func TestStoreExpiry(t *testing.T) {
	s := New(1<<20, time.Minute)
	s.Record(batch(instanceAttrs, sum("go.memory.limit", 1, nil, t0)), t0)
	other := map[string]any{"service.name": "cart", "service.instance.id": "cart-1"}
	s.Record(batch(other, sum("go.memory.limit", 1, nil, t0)), t0.Add(30*time.Second))
	s.Record(batch(other, sum("go.memory.limit", 1, nil, t0.Add(time.Minute))), t0.Add(61*time.Second))
	assert.Nil(t, kept(t, s, instanceAttrs))
	assert.NotNil(t, kept(t, s, other))
	_, expired := s.Forgotten()
	assert.EqualValues(t, 1, expired)
}

// TestStoreBounds: an instance keeps at most maxPools pools, maxHeapPool
// heap pools and maxMounts mounts, and its bytes grow with what it keeps.
func TestStoreBounds(t *testing.T) {
	s := New(1<<30, time.Hour)
	var points []pt
	for i := 0; i < 2*maxMounts; i++ {
		name := fmt.Sprint("x", i)
		points = append(points,
			sum("db.client.connection.max", 1, poolAttrs(name), t0),
			sum("jvm.memory.limit", 1, map[string]any{"jvm.memory.type": "heap", "jvm.memory.pool.name": name}, t0),
			sum("system.filesystem.usage", 1, map[string]any{"mountpoint": "/" + name, "state": "used"}, t0))
	}
	before := New(1<<30, time.Hour)
	before.Record(batch(instanceAttrs, points[0]), t0)
	s.Record(batch(instanceAttrs, points...), t0)
	in := kept(t, s, instanceAttrs)
	assert.Len(t, in.pools, maxPools)
	assert.Len(t, in.heap, maxHeapPool)
	assert.Len(t, in.mounts, maxMounts)
	assert.Equal(t, in.size(), int(s.Bytes()))
	assert.Greater(t, s.Bytes(), before.Bytes()+int64(maxMounts*mountSize))
}
