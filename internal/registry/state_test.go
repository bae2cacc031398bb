package registry

import (
	"os"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// populated returns a registry with versions and groups of two services.
func populated(t *testing.T) (*Registry, *fakeClock) {
	t.Helper()
	r, clock := newTest(roomy)
	r.ObserveVersion(Service{Name: "cart", Environment: "production"}, "1.0")
	r.Record(key("cart", "production", "A"), "1.0")
	clock.advance(time.Minute)
	r.ObserveVersion(Service{Name: "cart", Environment: "production"}, "1.1")
	r.Record(key("cart", "production", "B"), "1.1")
	clock.advance(time.Minute)
	r.Record(key("billing", "", "C"), "")
	r.Record(key("cart", "production", "A"), "1.1")
	return r, clock
}

// TestRestoreAfterRestart: a registry restored from the stored form of
// another knows its groups and versions: a known group keeps its first
// sighting and count, a new group in the second version is a regression.
func TestRestoreAfterRestart(t *testing.T) {
	before, clock := populated(t)
	data := Encode(before.Snapshot("v2"))

	st, err := Decode(data)
	require.NoError(t, err)
	assert.Equal(t, "v2", st.Scheme)
	clock.advance(time.Hour)
	after := New(roomy, clock.now)
	after.Restore(st)
	assert.Equal(t, 3, after.Len())
	assert.Equal(t, []string{"A", "C", "B"}, fingerprints(after.Snapshot("v2")), "least recently seen order kept")

	a := after.Record(key("cart", "production", "A"), "1.1")
	assert.Equal(t, Sighting{FirstSeen: "2026-12-02T06:10:00Z", FirstVersion: "1.0", Count: 3, State: GroupOngoing}, a)
	d := after.Record(key("cart", "production", "D"), "1.1")
	assert.True(t, d.Regression, "1.1 came after 1.0 before the restart")
	assert.Equal(t, "1.1", d.FirstVersion)
	assert.Equal(t, int64(1), d.Count)
}

// TestRestoreWithinLimits: groups older than MaxAge are left out; beyond
// MaxEntries the least recently seen go first; versions are cut too.
func TestRestoreWithinLimits(t *testing.T) {
	before, clock := populated(t)
	st := before.Snapshot("v2")

	clock.advance(roomy.MaxAge - time.Minute + time.Second) // A and C (last seen last) young enough, B not
	aged := New(roomy, clock.now)
	aged.Restore(st)
	assert.Equal(t, []string{"A", "C"}, fingerprints(aged.Snapshot("v2")))

	small := New(Limits{MaxEntries: 1, MaxAge: 365 * 24 * time.Hour, MaxServices: 1, MaxVersionsPerService: 1}, clock.now)
	small.Restore(st)
	got := small.Snapshot("v2")
	assert.Equal(t, []string{"A"}, fingerprints(got))
	require.Len(t, got.Services, 1)
	assert.Len(t, got.Services[0].Versions, 1)
}

// FuzzDecode: Decode never panics on any input, and what it accepts
// encodes back to the same bytes (format 2) or the same state (format 1).
func FuzzDecode(f *testing.F) {
	r, clock := newTest(roomy)
	f.Add(Encode(State{}))
	r.ObserveVersion(Service{Name: "cart", Environment: "production"}, "1.0")
	r.Record(key("cart", "production", "9bbfde0e5bba29d2"), "1.0")
	clock.advance(time.Hour)
	r.ObserveVersion(Service{Name: "cart", Environment: "production"}, "1.1")
	r.Record(key("cart", "production", "0123456789abcdef"), "1.1")
	r.Record(key("billing", "", "fedcba9876543210"), "")
	good := Encode(r.Snapshot("v2"))
	f.Add(good)
	f.Add(good[:len(good)/2])
	f.Add([]byte(magic))
	if v1, err := os.ReadFile("testdata/format1.bin"); err == nil {
		f.Add(v1)
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		st, err := Decode(data)
		if err != nil {
			require.ErrorIs(t, err, ErrFormat)
			return
		}
		if data[len(magic)] == formatV1 {
			again, err := Decode(Encode(st)) // read as format 1, written as format 2
			require.NoError(t, err)
			assert.Equal(t, st, again)
		} else {
			assert.Equal(t, data, Encode(st))
		}
		New(roomy, clock.now).Restore(st) // and restoring it is safe
	})
}
