package registry

import (
	"fmt"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// lcStep is one step of a lifecycle: requests served by a version, or one
// span of a group counted, with what is expected of it.
type lcStep struct {
	version  string
	requests int    // a resource of version with requests server spans
	fp       string // else a span of group fp
	env      string
	want     GroupState
	relapse  bool
	resolved string // ResolvedIn
}

func serve(version string, n int) lcStep { return lcStep{version: version, requests: n} }
func span(version, fp string, want GroupState) lcStep {
	return lcStep{version: version, fp: fp, want: want}
}

// TestLifecycle: resolved after ResolveAfter requests of a newer version
// without the group; a relapse in that version or a later one; an older
// version still running keeps it resolved.
func TestLifecycle(t *testing.T) {
	relapse := func(version, fp, resolvedIn string) lcStep {
		return lcStep{version: version, fp: fp, want: GroupRelapse, relapse: true, resolved: resolvedIn}
	}
	old := func(version, fp, resolvedIn string) lcStep {
		return lcStep{version: version, fp: fp, want: GroupOngoing, resolved: resolvedIn}
	}
	tests := []struct {
		name     string
		steps    []lcStep
		resolved []string // "fp@version" of the events, in order
	}{
		{"resolved in 1.1, not a relapse in 1.0, a relapse in 1.1", []lcStep{
			serve("1.0", 5), span("1.0", "A", GroupNew), serve("1.1", 9),
			span("1.1", "B", GroupRegression), serve("1.1", 1),
			old("1.0", "A", "1.1"), relapse("1.1", "A", "1.1"),
			{version: "1.1", fp: "A", want: GroupOngoing, relapse: true, resolved: "1.1"},
		}, []string{"A@1.1"}},
		{"seen in the newer version before the threshold: ongoing, not resolved", []lcStep{
			span("1.0", "A", GroupNew), serve("1.1", 5), span("1.1", "A", GroupOngoing), serve("1.1", 20),
			span("1.1", "A", GroupOngoing),
		}, nil},
		{"resolved by a later version, relapses in a still later one", []lcStep{
			span("1.0", "A", GroupNew), serve("1.1", 5), span("1.1", "A", GroupOngoing), serve("1.2", 10),
			old("1.1", "A", "1.2"), relapse("1.3", "A", "1.2"),
		}, []string{"A@1.2"}},
		{"a rollback to a known version is older: ongoing", []lcStep{
			span("1.0", "A", GroupNew), serve("1.1", 10), serve("1.2", 10), serve("1.0", 10),
			old("1.0", "A", "1.1"), relapse("1.2", "A", "1.1"),
		}, []string{"A@1.1"}},
		{"the request count is per version and environment", []lcStep{
			span("1.0", "A", GroupNew), {version: "1.1", env: "staging", requests: 50}, serve("1.1", 9),
			span("1.0", "A", GroupOngoing), serve("1.1", 1),
		}, []string{"A@1.1"}},
		{"a group first seen in an older version after a look of the newer one waits for a look after the next", []lcStep{
			serve("1.0", 1), serve("1.1", 10), span("1.0", "A", GroupNew), serve("1.1", 10), span("1.0", "A", GroupOngoing),
			serve("1.1", 10), old("1.0", "A", "1.1"),
		}, []string{"A@1.1"}},
		{"resolved again after a relapse, in a later version", []lcStep{
			span("1.0", "A", GroupNew), serve("1.1", 10), relapse("1.1", "A", "1.1"),
			serve("1.2", 10), old("1.1", "A", "1.2"),
		}, []string{"A@1.1", "A@1.2"}},
		{"spans without service.version never resolve a group nor relapse one", []lcStep{
			serve("1.0", 1), span("", "A", GroupNew), span("1.0", "B", GroupNew), serve("1.1", 10),
			{fp: "B", want: GroupOngoing, resolved: "1.1"}, span("", "A", GroupOngoing),
		}, []string{"B@1.1"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			feed := &Feed{readers: map[*Reader]struct{}{}}
			rd := feed.Subscribe()
			clock := &fakeClock{t: t0}
			r := New(Limits{MaxEntries: 100, MaxAge: 24 * time.Hour, MaxServices: 10, MaxVersionsPerService: 8, ResolveAfter: 10}, clock.now).PublishTo(feed)
			rec := r.Recorder()
			for i, s := range tt.steps {
				clock.advance(time.Second)
				svc := Service{Name: "cart", Environment: s.env}
				if s.fp == "" {
					r.Observe(svc, s.version, s.requests)
					continue
				}
				got := rec.Record(Key{Service: svc, Fingerprint: s.fp}, Occurrence{Version: s.version})
				assert.Equal(t, s.want, got.State, "step %d", i)
				assert.Equal(t, s.relapse, got.Relapse, "step %d", i)
				assert.Equal(t, s.resolved, got.ResolvedIn, "step %d", i)
			}
			events, lost := rd.Read()
			assert.Zero(t, lost)
			var got []string
			for _, e := range events {
				got = append(got, e.Fingerprint+"@"+e.ResolvedIn)
			}
			assert.Equal(t, tt.resolved, got)
		})
	}
}

// TestResolvedEvent: the event says what is known of the group and how
// many requests the version had served.
func TestResolvedEvent(t *testing.T) {
	feed := &Feed{readers: map[*Reader]struct{}{}}
	rd := feed.Subscribe()
	clock := &fakeClock{t: t0}
	r := New(Limits{MaxEntries: 10, MaxAge: time.Hour, MaxServices: 10, MaxVersionsPerService: 4, ResolveAfter: 1000}, clock.now).PublishTo(feed)
	svc := Service{Name: "cart", Environment: "production"}
	rec := r.Recorder()
	rec.Record(Key{Service: svc, Fingerprint: "A"}, Occurrence{Version: "1.0", Revision: "4f9a2c1", Category: "database_timeout", Cause: "lock_timeout"})
	rec.Record(Key{Service: svc, Fingerprint: "A"}, Occurrence{Version: "1.0"})
	clock.advance(time.Minute)
	r.Observe(svc, "1.1", 999)
	events, _ := rd.Read()
	assert.Empty(t, events, "999 requests")
	r.Observe(svc, "1.1", 2)
	events, _ = rd.Read()
	require.Len(t, events, 1)
	assert.Equal(t, Event{
		Key: Key{Service: svc, Fingerprint: "A"}, ResolvedIn: "1.1", Requests: 1001, At: t0.Add(time.Minute),
		FirstSeen: t0, FirstVersion: "1.0", FirstRevision: "4f9a2c1", Category: "database_timeout", Cause: "lock_timeout", Count: 2,
	}, events[0])
	r.Observe(svc, "1.1", 5000)
	events, _ = rd.Read()
	assert.Empty(t, events, "resolved once")
}

// TestLifecycleConcurrent: requests counted, spans recorded, resolutions
// published and the state snapshotted from several goroutines (run with
// -race): every group is resolved once, by the version that served the
// requests, and every request is counted.
func TestLifecycleConcurrent(t *testing.T) {
	feed := &Feed{readers: map[*Reader]struct{}{}}
	rd := feed.Subscribe()
	r := New(Limits{MaxEntries: 1000, MaxAge: time.Hour, MaxServices: 10, MaxVersionsPerService: 4, ResolveAfter: 50}, time.Now).PublishTo(feed)
	svc := Service{Name: "cart"}
	for i := range 20 {
		r.Record(Key{Service: svc, Fingerprint: fmt.Sprint(i)}, "1.0")
	}
	var wg sync.WaitGroup
	for g := range 4 {
		wg.Go(func() {
			rec := r.Recorder()
			for i := range 500 {
				r.Observe(svc, "1.1", 1)
				rec.Record(Key{Service: svc, Fingerprint: fmt.Sprint(i % 20)}, Occurrence{Version: "1.0"}) // an older version: no relapse
				if i%100 == g {
					_ = Encode(r.Snapshot("v4"))
				}
			}
		})
	}
	wg.Wait()
	events, lost := rd.Read()
	assert.Zero(t, lost)
	assert.Len(t, events, 20, "each group resolved once")
	for _, e := range events {
		assert.Equal(t, "1.1", e.ResolvedIn)
		assert.GreaterOrEqual(t, e.Requests, int64(50))
	}
	st := r.Snapshot("v4")
	for _, v := range st.Services[0].Versions {
		if v.Name == "1.1" {
			assert.Equal(t, int64(4*500), v.Requests)
		}
	}
}

// TestResolveNever: ResolveAfter 0 resolves nothing.
func TestResolveNever(t *testing.T) {
	r, _ := newTest(roomy)
	r.Record(key("cart", "", "A"), "1.0")
	r.Observe(Service{Name: "cart"}, "1.1", 1_000_000)
	assert.Equal(t, GroupOngoing, r.Record(key("cart", "", "A"), "1.1").State)
}

// BenchmarkResolveLook: a look of a version for the groups it resolves, in
// a full registry of 10,000 groups of 1,000 services (10 each), none of
// them resolvable: what every ResolveAfter requests of a version cost
// (ResolveAfter 1 here: every Observe looks).
func BenchmarkResolveLook(b *testing.B) {
	r := New(Limits{MaxEntries: 10_000, MaxAge: time.Hour, MaxServices: 1000, MaxVersionsPerService: 4, ResolveAfter: 1}, time.Now)
	for i := range 10_000 {
		svc := Service{Name: fmt.Sprintf("checkout-svc-%04d", i%1000)}
		r.Observe(svc, "1.0", 0)
		r.Record(Key{Service: svc, Fingerprint: fmt.Sprintf("%016x", i)}, "1.0")
	}
	svc := Service{Name: "checkout-svc-0000"}
	b.ReportAllocs()
	b.ResetTimer()
	for range b.N {
		r.Observe(svc, "1.0", 1) // the groups' own version: none resolvable
	}
}

// TestGroupsOfAService: the per-service lists hold exactly the groups
// remembered, through evictions and expiry.
func TestGroupsOfAService(t *testing.T) {
	r, clock := newTest(Limits{MaxEntries: 3, MaxAge: time.Hour, MaxServices: 10, MaxVersionsPerService: 4})
	for _, k := range []Key{key("a", "", "1"), key("b", "", "1"), key("a", "", "2"), key("a", "", "3")} { // a/1 evicted
		r.Record(k, "1.0")
	}
	listed := func() map[string][]string {
		out := map[string][]string{}
		for svc, e := range r.groups {
			for ; e != nil; e = e.peerNext {
				out[svc.Name] = append(out[svc.Name], e.key.Fingerprint)
			}
		}
		return out
	}
	assert.Equal(t, map[string][]string{"a": {"3", "2"}, "b": {"1"}}, listed())
	clock.advance(2 * time.Hour)
	r.Record(key("c", "", "1"), "1.0")
	assert.Equal(t, map[string][]string{"c": {"1"}}, listed(), "the others expired")
}
