package registry

import (
	"fmt"
	"testing"

	"github.com/stretchr/testify/assert"
)

// TestTally: a batch's requests, summed per version and added at Flush,
// are what one Observe per resource counts, with more versions than the
// tally sums apart too; versions are learned at once.
func TestTally(t *testing.T) {
	type res struct {
		svc, version string
		requests     int
	}
	var batch []res
	for i := range 40 {
		batch = append(batch, res{fmt.Sprint("svc-", i%20), fmt.Sprint("1.", i%3), i % 4})
	}
	batch = append(batch, res{"svc-0", "", 5}, res{"", "1.0", 5}) // not counted
	counts := func(st State) map[string]int64 {
		out := map[string]int64{}
		for _, s := range st.Services {
			for _, v := range s.Versions {
				out[s.Name+"@"+v.Name] = v.Requests
			}
		}
		return out
	}
	limits := Limits{MaxEntries: 10, MaxAge: 0, MaxServices: 100, MaxVersionsPerService: 4}
	one, _ := newTest(limits)
	for _, b := range batch {
		one.Observe(Service{Name: b.svc}, b.version, b.requests)
	}
	tallied, _ := newTest(limits)
	tally := tallied.Tally()
	for i, b := range batch {
		tally.Observe(Service{Name: b.svc}, b.version, b.requests)
		if i == 0 {
			assert.Len(t, tallied.Snapshot("v4").Services, 1, "learned at once")
		}
	}
	tally.Flush()
	assert.Equal(t, counts(one.Snapshot("v4")), counts(tallied.Snapshot("v4")))
	tally.Flush() // empty: adds nothing
	assert.Equal(t, counts(one.Snapshot("v4")), counts(tallied.Snapshot("v4")))
}

// TestTallyAllocatesNothing: a tally of known versions on the stack
// allocates nothing.
func TestTallyAllocatesNothing(t *testing.T) {
	r, _ := newTest(roomy)
	a, b := Service{Name: "cart", Environment: "production"}, Service{Name: "billing", Environment: "production"}
	r.Observe(a, "1.0", 0)
	r.Observe(b, "2.0", 0)
	assert.Zero(t, testing.AllocsPerRun(1000, func() {
		tally := r.Tally()
		tally.Observe(a, "1.0", 3)
		tally.Observe(b, "2.0", 1)
		tally.Observe(a, "1.0", 2)
		tally.Flush()
	}))
}
