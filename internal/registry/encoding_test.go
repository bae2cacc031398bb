package registry

import (
	"os"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestEncodeDecodeRoundTrip(t *testing.T) {
	r, _ := populated(t)
	st := r.Snapshot("v2")
	got, err := Decode(Encode(st))
	require.NoError(t, err)
	require.Len(t, got.Groups, len(st.Groups))
	for i := range st.Groups {
		assert.True(t, st.Groups[i].FirstSeen.Equal(got.Groups[i].FirstSeen))
		assert.True(t, st.Groups[i].LastSeen.Equal(got.Groups[i].LastSeen))
		got.Groups[i].FirstSeen, got.Groups[i].LastSeen = st.Groups[i].FirstSeen, st.Groups[i].LastSeen
	}
	assert.Equal(t, st, got)

	empty, err := Decode(Encode(State{}))
	require.NoError(t, err)
	assert.Empty(t, empty.Groups)
}

// TestDecodeFormat1: the stored form of the previous release
// (testdata/format1.bin, written by populated's registry with format 1's
// Encode) is still read: groups, counts and versions kept, and only a
// version that appears after the upgrade resolves its groups.
func TestDecodeFormat1(t *testing.T) {
	data, err := os.ReadFile("testdata/format1.bin")
	require.NoError(t, err)
	require.Equal(t, byte(formatV1), data[len(magic)])
	st, err := Decode(data)
	require.NoError(t, err)
	assert.Equal(t, "v4", st.Scheme)
	assert.Equal(t, []string{"A", "C", "B"}, fingerprints(st))
	require.Len(t, st.Services, 1)
	assert.Equal(t, []Version{{Name: "1.0", Seq: 1, Mark: 1}, {Name: "1.1", AfterOthers: true, Seq: 2, Mark: 2}}, st.Services[0].Versions)
	a := st.Groups[0]
	assert.Equal(t, Group{Key: key("cart", "production", "A"), FirstSeen: t0, LastSeen: t0.Add(2 * time.Minute),
		FirstVersion: "1.0", Count: 2, Lifecycle: Lifecycle{Born: 3, Newest: 2}}, a)

	clock := &fakeClock{t: t0.Add(time.Hour)}
	feed := &Feed{readers: map[*Reader]struct{}{}}
	rd := feed.Subscribe()
	r := New(Limits{MaxEntries: 10, MaxAge: 24 * time.Hour, MaxServices: 10, MaxVersionsPerService: 4, ResolveAfter: 10}, clock.now).PublishTo(feed)
	r.Restore(st)
	svc := Service{Name: "cart", Environment: "production"}
	r.Observe(svc, "1.1", 50)
	evs, _ := rd.Read()
	assert.Empty(t, evs, "A may have been seen in 1.1: not resolved by it")
	assert.Equal(t, GroupOngoing, r.Record(key("cart", "production", "A"), "1.1").State)
	r.Observe(svc, "1.2", 10)
	evs, _ = rd.Read()
	assert.Equal(t, []string{"A", "B"}, fps(evs), "1.2 appeared after the upgrade")
	assert.Equal(t, "1.2", evs[0].ResolvedIn)
}

// TestDecodeRefuses: what is not the stored form is an error, never a
// partial state.
func TestDecodeRefuses(t *testing.T) {
	r, _ := populated(t)
	good := Encode(r.Snapshot("v2"))
	tests := map[string][]byte{
		"empty":         nil,
		"other data":    []byte(`{"groups":[]}`),
		"newer format":  append([]byte(magic), 3),
		"truncated":     good[:len(good)-3],
		"trailing data": append(append([]byte{}, good...), 0),
		"huge count":    append(append([]byte(magic), formatV1, 0), 0xff, 0xff, 0xff, 0xff, 0x0f),
		"bad flag":      append(append([]byte(magic), formatV1, 0, 1, 1, 'a', 0, 1, 1, 'v'), 7, 0),
	}
	for name, data := range tests {
		t.Run(name, func(t *testing.T) {
			st, err := Decode(data)
			require.ErrorIs(t, err, ErrFormat)
			assert.Equal(t, State{}, st)
		})
	}
}
