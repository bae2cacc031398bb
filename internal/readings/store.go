package readings // import "github.com/errordiagnosis/errordiagnosisprocessor/internal/readings"

import (
	"sync"
	"sync/atomic"
	"time"
	"unsafe"
)

// Bounds per instance: beyond them new pools, memory pools or mounts are
// not kept (an instance has a few pools; a host a few dozen mounts).
const (
	maxPools    = 16
	maxHeapPool = 16
	maxMounts   = 64
)

// point is one data point: its value and its time (Unix nanoseconds, the
// data point's own timestamp: the clock of the instance that measured it).
type point struct {
	v float64
	t int64
}

// trackPoints is how many points a track keeps: enough that the readings
// exported while a 500 waits for late evidence (wait_duration) do not push
// out the one taken before it, and that a counter's increase can be seen;
// at the SDKs' default 60s export interval they cover more than the
// default window.
const trackPoints = 4

// track is a series' latest points, the newest first.
type track struct {
	p [trackPoints]point
}

// of builds a track of points given newest first.
func of(points ...point) track {
	var tr track
	copy(tr.p[:], points)
	return tr
}

// last is the newest point (zero when none).
func (tr *track) last() point { return tr.p[0] }

// add records a point. A delta is added to the level the track holds (an
// up-down counter or counter exported with delta temporality: its first
// point seen is the change since the instrument started, so the level is
// never over-stated). An older or repeated point is ignored.
func (tr *track) add(v float64, t int64, delta bool) {
	if t <= tr.p[0].t {
		return
	}
	if delta {
		v += tr.p[0].v
	}
	copy(tr.p[1:], tr.p[:trackPoints-1])
	tr.p[0] = point{v, t}
}

// at returns the index of the newest point within [from, to], -1 if none.
func (tr *track) at(from, to int64) int {
	for i, p := range tr.p {
		if p.t != 0 && p.t >= from && p.t <= to {
			return i
		}
	}
	return -1
}

// in returns the newest point within [from, to].
func (tr *track) in(from, to int64) (point, bool) {
	if i := tr.at(from, to); i >= 0 {
		return tr.p[i], true
	}
	return point{}, false
}

// rise returns the newest point within [from, to] and how much it rose
// from the point before it; ok is false without both.
func (tr *track) rise(from, to int64) (p point, by float64, ok bool) {
	i := tr.at(from, to)
	if i < 0 || i+1 >= trackPoints || tr.p[i+1].t == 0 {
		return point{}, 0, false
	}
	return tr.p[i], tr.p[i].v - tr.p[i+1].v, true
}

// latest returns the newest point at or before to, else the newest one: a
// limit is configuration, read whenever it was reported.
func (tr *track) latest(to int64) (point, bool) {
	for _, p := range tr.p {
		if p.t != 0 && p.t <= to {
			return p, true
		}
	}
	if tr.p[0].t != 0 {
		return tr.p[0], true
	}
	return point{}, false
}

// pool is a connection pool's readings.
type pool struct {
	name string
	// gen is the naming generation last read (0 current, 1 older).
	gen                          uint8
	used, max, pending, timeouts track
}

// memPool is a JVM heap memory pool's readings.
type memPool struct {
	name        string
	used, limit track
}

// mount is a filesystem's readings.
type mount struct {
	path                          string
	util, used, free, rsvd, limit track
}

// instance is what is kept of one resource identity.
type instance struct {
	key string
	// seen is the wall-clock time of the last batch that updated it.
	seen         int64
	newer, older *instance
	pools        []pool
	heap         []memPool
	jvmGen       uint8
	goUsed       [2]track // stack, other
	goLimit      track
	mounts       []mount
	bytes        int
}

const (
	instanceSize = int(unsafe.Sizeof(instance{}))
	poolSize     = int(unsafe.Sizeof(pool{}))
	memPoolSize  = int(unsafe.Sizeof(memPool{}))
	mountSize    = int(unsafe.Sizeof(mount{}))
	// mapEntrySize is a map entry's share of the index (key header,
	// pointer, bucket overhead).
	mapEntrySize = 64
)

// size is the memory an instance accounts for.
func (in *instance) size() int {
	n := instanceSize + mapEntrySize + len(in.key) +
		cap(in.pools)*poolSize + cap(in.heap)*memPoolSize + cap(in.mounts)*mountSize
	for i := range in.pools {
		n += len(in.pools[i].name)
	}
	for i := range in.heap {
		n += len(in.heap[i].name)
	}
	for i := range in.mounts {
		n += len(in.mounts[i].path)
	}
	return n
}

// Forget reasons, the values of the telemetry attribute.
const (
	ReasonBudget  = "max_readings_mib"
	ReasonExpired = "expired"
)

// Store keeps the readings of instances, the least recently updated
// forgotten first beyond its budget in bytes, and any not updated for the
// expiry. Safe for concurrent use.
type Store struct {
	mu       sync.Mutex
	byKey    map[string]*instance
	newest   *instance
	oldest   *instance
	bytes    int
	maxBytes int
	expiry   time.Duration
	keyBuf   []byte

	// Read by the telemetry without the lock.
	instances, bytesGauge, byBudget, byAge atomic.Int64
}

// New returns a store of at most maxBytes that forgets an instance not
// updated for expiry.
func New(maxBytes int, expiry time.Duration) *Store {
	return &Store{byKey: map[string]*instance{}, maxBytes: maxBytes, expiry: expiry}
}

// Instances is the number of instances whose readings are kept.
func (s *Store) Instances() int64 { return s.instances.Load() }

// Bytes is the memory the kept readings account for.
func (s *Store) Bytes() int64 { return s.bytesGauge.Load() }

// Forgotten returns the instances forgotten for the budget and for expiry.
func (s *Store) Forgotten() (budget, expired int64) { return s.byBudget.Load(), s.byAge.Load() }

// instanceLocked returns the instance of key, created when new, as the
// most recently updated.
func (s *Store) instanceLocked(key []byte, now int64) *instance {
	in := s.byKey[string(key)]
	if in == nil {
		in = &instance{key: string(key)}
		in.bytes = in.size()
		s.byKey[in.key] = in
		s.bytes += in.bytes
	} else {
		s.unlink(in)
	}
	in.seen = now
	in.older, in.newer = s.newest, nil
	if s.newest != nil {
		s.newest.newer = in
	}
	s.newest = in
	if s.oldest == nil {
		s.oldest = in
	}
	return in
}

func (s *Store) unlink(in *instance) {
	if in.newer != nil {
		in.newer.older = in.older
	} else {
		s.newest = in.older
	}
	if in.older != nil {
		in.older.newer = in.newer
	} else {
		s.oldest = in.newer
	}
	in.newer, in.older = nil, nil
}

// resized accounts for an instance whose pools, memory pools or mounts
// changed.
func (s *Store) resized(in *instance) {
	n := in.size()
	s.bytes += n - in.bytes
	in.bytes = n
}

// trimLocked forgets the instances not updated for the expiry, then the
// least recently updated ones while over the budget, and publishes the
// gauges.
func (s *Store) trimLocked(now int64) {
	for in := s.oldest; in != nil && now-in.seen > int64(s.expiry); in = s.oldest {
		s.forget(in)
		s.byAge.Add(1)
	}
	for s.bytes > s.maxBytes && s.oldest != nil {
		s.forget(s.oldest)
		s.byBudget.Add(1)
	}
	s.instances.Store(int64(len(s.byKey)))
	s.bytesGauge.Store(int64(s.bytes))
}

func (s *Store) forget(in *instance) {
	s.unlink(in)
	delete(s.byKey, in.key)
	s.bytes -= in.bytes
}

// poolOf returns the pool named name, added when new and room is left.
func (s *Store) poolOf(in *instance, name string) *pool {
	return entryOf(s, in, &in.pools, name, maxPools, func(p *pool) *string { return &p.name })
}

func (s *Store) heapPoolOf(in *instance, name string) *memPool {
	return entryOf(s, in, &in.heap, name, maxHeapPool, func(p *memPool) *string { return &p.name })
}

func (s *Store) mountOf(in *instance, path string) *mount {
	return entryOf(s, in, &in.mounts, path, maxMounts, func(m *mount) *string { return &m.path })
}

// entryOf returns the entry of list whose name is name, appended when new
// and fewer than limit (nil beyond it).
func entryOf[T any](s *Store, in *instance, list *[]T, name string, limit int, nameOf func(*T) *string) *T {
	for i := range *list {
		if *nameOf(&(*list)[i]) == name {
			return &(*list)[i]
		}
	}
	if len(*list) >= limit {
		return nil
	}
	var e T
	*nameOf(&e) = clone(name)
	*list = append(*list, e)
	s.resized(in)
	return &(*list)[len(*list)-1]
}

// clone copies a name out of the batch it was read from, capped.
func clone(s string) string {
	if len(s) > maxIdentityField {
		s = s[:maxIdentityField]
	}
	return string([]byte(s))
}
