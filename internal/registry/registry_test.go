package registry

import (
	"fmt"
	"runtime"
	"runtime/metrics"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

var t0 = time.Date(2026, 12, 2, 6, 10, 0, 0, time.UTC)

// fakeClock is the registry's time, moved by the test.
type fakeClock struct{ t time.Time }

func (c *fakeClock) now() time.Time          { return c.t }
func (c *fakeClock) advance(d time.Duration) { c.t = c.t.Add(d) }

func newTest(limits Limits) (*Registry, *fakeClock) {
	c := &fakeClock{t: t0}
	return New(limits, c.now), c
}

var roomy = Limits{MaxEntries: 100, MaxAge: 24 * time.Hour, MaxServices: 10, MaxVersionsPerService: 4}

func key(svc, env, fp string) Key {
	return Key{Service: Service{Name: svc, Environment: env}, Fingerprint: fp}
}

// step is one resource seen (observe) or one diagnosed span counted.
type step struct {
	observe bool
	svc     string
	version string
	fp      string
	want    Sighting // for a counted span; FirstSeen is checked apart
}

// TestRegressionRule: a group is a regression when its first sighting is in
// a version of the service that appeared after another version had been
// seen; first errors ever, spans without a version and groups already
// known are not.
func TestRegressionRule(t *testing.T) {
	tests := []struct {
		name  string
		steps []step
	}{
		{"first errors ever are new, not regressions", []step{
			{observe: true, svc: "cart", version: "1.0"},
			{svc: "cart", version: "1.0", fp: "A", want: Sighting{FirstVersion: "1.0", Count: 1, State: GroupNew}},
			{svc: "cart", version: "1.0", fp: "B", want: Sighting{FirstVersion: "1.0", Count: 1, State: GroupNew}},
			{svc: "cart", version: "1.0", fp: "A", want: Sighting{FirstVersion: "1.0", Count: 2, State: GroupOngoing}},
		}},
		{"a new group in a later version is a regression, a known one is not", []step{
			{observe: true, svc: "cart", version: "1.0"},
			{svc: "cart", version: "1.0", fp: "A", want: Sighting{FirstVersion: "1.0", Count: 1, State: GroupNew}},
			{observe: true, svc: "cart", version: "1.1"},
			{svc: "cart", version: "1.1", fp: "A", want: Sighting{FirstVersion: "1.0", Count: 2, State: GroupOngoing}},
			{svc: "cart", version: "1.1", fp: "B", want: Sighting{FirstVersion: "1.1", Regression: true, Count: 1, State: GroupRegression}},
		}},
		{"healthy traffic of an earlier version counts", []step{
			{observe: true, svc: "cart", version: "1.0"},
			{observe: true, svc: "cart", version: "1.1"},
			{svc: "cart", version: "1.1", fp: "B", want: Sighting{FirstVersion: "1.1", Regression: true, Count: 1, State: GroupRegression}},
		}},
		{"order of appearance, not semver: a rollback to 1.0 is a later version", []step{
			{observe: true, svc: "cart", version: "2.0"},
			{observe: true, svc: "cart", version: "1.0"},
			{svc: "cart", version: "1.0", fp: "A", want: Sighting{FirstVersion: "1.0", Regression: true, Count: 1, State: GroupRegression}},
			{svc: "cart", version: "2.0", fp: "B", want: Sighting{FirstVersion: "2.0", Count: 1, State: GroupNew}},
		}},
		{"no service.version: never a regression", []step{
			{observe: true, svc: "cart", version: "1.0"},
			{observe: true, svc: "cart", version: "1.1"},
			{svc: "cart", fp: "A", want: Sighting{Count: 1, State: GroupNew}},
		}},
		{"the version of an unobserved resource is learned when counted", []step{
			{svc: "cart", version: "1.0", fp: "A", want: Sighting{FirstVersion: "1.0", Count: 1, State: GroupNew}},
			{svc: "cart", version: "1.1", fp: "B", want: Sighting{FirstVersion: "1.1", Regression: true, Count: 1, State: GroupRegression}},
		}},
		{"other services' versions do not count", []step{
			{observe: true, svc: "billing", version: "1.0"},
			{observe: true, svc: "cart", version: "7.0"},
			{svc: "cart", version: "7.0", fp: "A", want: Sighting{FirstVersion: "7.0", Count: 1, State: GroupNew}},
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r, clock := newTest(roomy)
			for i, s := range tt.steps {
				clock.advance(time.Minute)
				if s.observe {
					r.ObserveVersion(Service{Name: s.svc}, s.version)
					continue
				}
				got := r.Record(key(s.svc, "", s.fp), s.version)
				got.FirstSeen = ""
				assert.Equal(t, s.want, got, "step %d", i)
			}
		})
	}
}

// TestEnvironmentsAreApart: the same service in two environments has its own
// versions and groups.
func TestEnvironmentsAreApart(t *testing.T) {
	r, _ := newTest(roomy)
	r.ObserveVersion(Service{Name: "cart", Environment: "staging"}, "1.0")
	r.ObserveVersion(Service{Name: "cart", Environment: "staging"}, "1.1")
	r.ObserveVersion(Service{Name: "cart", Environment: "production"}, "1.1")
	assert.True(t, r.Record(key("cart", "staging", "A"), "1.1").Regression)
	got := r.Record(key("cart", "production", "A"), "1.1")
	assert.False(t, got.Regression, "1.1 is production's first version")
	assert.Equal(t, int64(1), got.Count)
	assert.Equal(t, 2, r.Len())
}

// TestFirstSeen: RFC 3339 in UTC to the second, kept by later sightings.
func TestFirstSeen(t *testing.T) {
	c := &fakeClock{t: time.Date(2026, 12, 2, 7, 10, 0, 123456789, time.FixedZone("CET", 3600))}
	r := New(roomy, c.now)
	assert.Equal(t, "2026-12-02T06:10:00Z", r.Record(key("cart", "", "A"), "").FirstSeen)
	c.advance(time.Hour)
	assert.Equal(t, "2026-12-02T06:10:00Z", r.Record(key("cart", "", "A"), "").FirstSeen)
}

// TestMaxEntries: beyond MaxEntries the least recently seen group goes; a
// group seen again is the most recent.
func TestMaxEntries(t *testing.T) {
	r, clock := newTest(Limits{MaxEntries: 3, MaxAge: time.Hour, MaxServices: 1, MaxVersionsPerService: 1})
	for _, fp := range []string{"A", "B", "C", "A", "D"} { // D evicts B, the least recently seen
		clock.advance(time.Second)
		r.Record(key("cart", "", fp), "")
	}
	assert.Equal(t, 3, r.Len())
	byEntries, byAge := r.Evictions()
	assert.Equal(t, int64(1), byEntries)
	assert.Equal(t, int64(0), byAge)
	assert.Equal(t, int64(3), r.Record(key("cart", "", "A"), "").Count, "A kept its count")
	assert.Equal(t, int64(1), r.Record(key("cart", "", "B"), "").Count, "B was forgotten: new again")
	assert.Equal(t, []string{"B", "A", "D"}, fingerprints(r.Snapshot("v2")))
}

// TestMaxAge: a group not seen for MaxAge is forgotten, by Expire and by
// the next Record.
func TestMaxAge(t *testing.T) {
	r, clock := newTest(Limits{MaxEntries: 10, MaxAge: time.Hour, MaxServices: 1, MaxVersionsPerService: 1})
	r.Record(key("cart", "", "A"), "")
	clock.advance(30 * time.Minute)
	r.Record(key("cart", "", "B"), "")
	clock.advance(31 * time.Minute)
	r.Expire()
	assert.Equal(t, []string{"B"}, fingerprints(r.Snapshot("v2")))
	clock.advance(30 * time.Minute)
	first := r.Record(key("cart", "", "C"), "")
	assert.Equal(t, []string{"C"}, fingerprints(r.Snapshot("v2")))
	assert.Equal(t, clock.t.Format(time.RFC3339), first.FirstSeen)
	_, byAge := r.Evictions()
	assert.Equal(t, int64(2), byAge)
}

// TestMaxVersionsPerService: the version that appeared first is forgotten;
// the others keep whether they came after another.
func TestMaxVersionsPerService(t *testing.T) {
	r, _ := newTest(Limits{MaxEntries: 10, MaxAge: time.Hour, MaxServices: 10, MaxVersionsPerService: 2})
	for _, v := range []string{"1.0", "1.1", "1.2"} {
		r.ObserveVersion(Service{Name: "cart"}, v)
	}
	st := r.Snapshot("v2")
	require.Len(t, st.Services, 1)
	var names []string
	for _, v := range st.Services[0].Versions {
		assert.True(t, v.AfterOthers)
		names = append(names, v.Name)
	}
	assert.Equal(t, []string{"1.1", "1.2"}, names)
	// 1.0 forgotten: seen again, it appears after the others.
	assert.True(t, r.Record(key("cart", "", "A"), "1.0").Regression)
}

// TestMaxServices: beyond MaxServices the service whose newest version
// appeared longest ago is forgotten.
func TestMaxServices(t *testing.T) {
	r, _ := newTest(Limits{MaxEntries: 10, MaxAge: time.Hour, MaxServices: 2, MaxVersionsPerService: 2})
	r.ObserveVersion(Service{Name: "a"}, "1")
	r.ObserveVersion(Service{Name: "b"}, "1")
	r.ObserveVersion(Service{Name: "a"}, "2") // a is now the most recent
	r.ObserveVersion(Service{Name: "c"}, "1") // b goes
	var names []string
	for _, s := range r.Snapshot("v2").Services {
		names = append(names, s.Name)
	}
	assert.Equal(t, []string{"a", "c"}, names)
}

// TestObserveVersionAllocatesNothing: the per-resource call on known
// versions allocates nothing.
func TestObserveVersionAllocatesNothing(t *testing.T) {
	r, _ := newTest(roomy)
	svc := Service{Name: "cart", Environment: "production"}
	r.ObserveVersion(svc, "1.0")
	r.ObserveVersion(svc, "1.1")
	assert.Zero(t, testing.AllocsPerRun(1000, func() {
		r.ObserveVersion(svc, "1.1")
		r.ObserveVersion(svc, "1.0")
	}))
}

// TestObserveRequestsAllocatesNothing: counting the requests of a known
// version allocates nothing, nor does a look that resolves nothing.
func TestObserveRequestsAllocatesNothing(t *testing.T) {
	limits := roomy
	limits.ResolveAfter = 1 // a look at every call
	r, _ := newTest(limits)
	svc := Service{Name: "cart", Environment: "production"}
	r.Record(Key{Service: svc, Fingerprint: "A"}, "1.1") // seen in 1.1: not resolvable by it
	assert.Zero(t, testing.AllocsPerRun(1000, func() { r.Observe(svc, "1.1", 3) }))
}

// TestKeysAreCopied: the registry keeps no string of the caller's buffers.
func TestKeysAreCopied(t *testing.T) {
	r, _ := newTest(roomy)
	buf := []byte("cart")
	r.ObserveVersion(Service{Name: string(buf)}, "1.0")
	r.Record(key(string(buf), "", "A"), "1.0")
	copy(buf, "xxxx")
	st := r.Snapshot("v2")
	assert.Equal(t, "cart", st.Services[0].Name)
	assert.Equal(t, "cart", st.Groups[0].Name)
}

// TestConcurrent: observing and recording from several goroutines (run
// with -race); every span is counted.
func TestConcurrent(t *testing.T) {
	r, _ := newTest(Limits{MaxEntries: 1000, MaxAge: time.Hour, MaxServices: 10, MaxVersionsPerService: 4})
	var wg sync.WaitGroup
	for range 4 {
		wg.Go(func() {
			for i := range 500 {
				v := fmt.Sprint(i % 3)
				r.ObserveVersion(Service{Name: "cart"}, v)
				r.Record(key("cart", "", fmt.Sprint(i%7)), v)
				if i%50 == 0 {
					_ = Encode(r.Snapshot("v2"))
				}
			}
		})
	}
	wg.Wait()
	var total int64
	for _, g := range r.Snapshot("v2").Groups {
		total += g.Count
	}
	assert.Equal(t, int64(4*500), total)
}

func fingerprints(st State) []string {
	var out []string
	for _, g := range st.Groups {
		out = append(out, g.Fingerprint)
	}
	return out
}

// TestFootprint: the heap of a full registry, per group, with realistic
// keys (a 16-character service name and environment, a fingerprint, a
// version, a git revision, a category and cause) and every version's
// request count. Logged for docs/design.md §6.1; bounded loosely.
func TestFootprint(t *testing.T) {
	const n = 10_000
	live := func() uint64 {
		runtime.GC()
		s := []metrics.Sample{{Name: "/gc/heap/live:bytes"}}
		metrics.Read(s)
		return s[0].Value.Uint64()
	}
	before := live()
	r, _ := newTest(Limits{MaxEntries: n, MaxAge: time.Hour, MaxServices: 1000, MaxVersionsPerService: 16})
	for i := range n {
		svc := Service{Name: fmt.Sprintf("checkout-svc-%04d", i%1000), Environment: "production"}
		v := fmt.Sprintf("1.%d.%d", i%16, i%7)
		r.Observe(svc, v, 10)
		rec := r.Recorder()
		rec.Record(Key{Service: svc, Fingerprint: fmt.Sprintf("%016x", i)}, Occurrence{
			Version: v, Revision: fmt.Sprintf("%040x", i), Category: "database_timeout", Cause: "lock_timeout",
		})
	}
	per := float64(live()-before) / n
	t.Logf("%d groups of 1000 services with 16 versions each: %.0f bytes per group, versions included", n, per)
	assert.Less(t, per, 768.0)
	runtime.KeepAlive(r)
}

// recStep is one step of a run: a resource seen, a stored state restored,
// the clock moved, or one span counted.
type recStep struct {
	observe, restore bool
	advance          time.Duration
	svc, env         string
	version, fp      string
}

// TestRecorderCountsAsRecord: a run of spans counted with one Recorder gets
// the sightings, the groups and the versions that Record on each span
// gets, when the groups or versions it found last change between two
// spans too.
func TestRecorderCountsAsRecord(t *testing.T) {
	span := func(svc, version, fp string) recStep { return recStep{svc: svc, version: version, fp: fp} }
	observe := func(svc, version string) recStep { return recStep{observe: true, svc: svc, version: version} }
	tiny := Limits{MaxEntries: 1, MaxAge: time.Hour, MaxServices: 1, MaxVersionsPerService: 1}
	tests := []struct {
		name   string
		limits Limits
		steps  []recStep
	}{
		{"one outage: the same group of one resource", roomy, []recStep{
			observe("cart", "1.0"), span("cart", "1.0", "A"), span("cart", "1.0", "A"), span("cart", "1.0", "A"),
		}},
		{"groups and resources interleaved", roomy, []recStep{
			observe("cart", "1.0"), observe("cart", "1.1"), span("cart", "1.0", "A"), span("cart", "1.1", "A"),
			span("cart", "1.1", "B"), span("billing", "", "A"), span("cart", "1.1", "B"), span("cart", "1.0", "A"),
			{svc: "cart", env: "staging", version: "1.1", fp: "B"}, span("cart", "", "B"),
		}},
		{"the group found last is evicted between two of its spans", tiny, []recStep{
			span("cart", "", "A"), span("cart", "", "B"), span("cart", "", "A"), span("cart", "", "A"),
		}},
		{"the group found last expires between two of its spans", roomy, []recStep{
			span("cart", "1.0", "A"), {advance: 25 * time.Hour}, span("cart", "1.0", "A"), span("cart", "1.0", "A"),
		}},
		{"the version found last is forgotten between two spans", tiny, []recStep{
			observe("cart", "1.0"), span("cart", "1.0", "A"), observe("cart", "1.1"), span("cart", "1.0", "B"),
			observe("billing", "1.0"), span("cart", "1.0", "C"),
		}},
		{"a state restored between two spans", roomy, []recStep{
			span("cart", "1.0", "A"), {restore: true}, span("cart", "1.0", "A"), span("cart", "2.0", "B"),
		}},
	}
	stored := func() State {
		r, _ := newTest(roomy)
		r.ObserveVersion(Service{Name: "cart"}, "2.0")
		r.ObserveVersion(Service{Name: "cart"}, "1.0")
		r.Record(key("cart", "", "A"), "2.0")
		return r.Snapshot("v2")
	}()
	run := func(limits Limits, steps []recStep, record func(*Registry) func(Key, string) Sighting) ([]Sighting, State) {
		r, clock := newTest(limits)
		count := record(r)
		var got []Sighting
		for _, s := range steps {
			clock.advance(time.Second + s.advance)
			switch {
			case s.observe:
				r.ObserveVersion(Service{Name: s.svc}, s.version)
			case s.restore:
				r.Restore(stored)
			case s.fp != "":
				got = append(got, count(key(s.svc, s.env, s.fp), s.version))
			}
		}
		return got, r.Snapshot("v2")
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			wantSightings, wantState := run(tt.limits, tt.steps, func(r *Registry) func(Key, string) Sighting { return r.Record })
			gotSightings, gotState := run(tt.limits, tt.steps, func(r *Registry) func(Key, string) Sighting {
				rec := r.Recorder()
				return func(k Key, v string) Sighting { return rec.Record(k, Occurrence{Version: v}) }
			})
			assert.Equal(t, wantSightings, gotSightings)
			assert.Equal(t, wantState, gotState)
		})
	}
}
