package registry // import "github.com/errordiagnosis/errordiagnosisprocessor/internal/registry"

// tallySize is the number of versions a Tally sums apart: a batch of a few
// services fits, a bigger one is added in several steps.
const tallySize = 16

// Tally counts the requests of the resources of one batch per version and
// adds them to the registry once per version, at Flush: one atomic add per
// version and batch instead of one per resource. For one goroutine; its
// zero-allocation use is a local variable.
type Tally struct {
	r        *Registry
	versions [tallySize]*version
	requests [tallySize]int64
	used     int
}

// Tally returns an empty tally of r.
func (r *Registry) Tally() Tally { return Tally{r: r} }

// Observe learns that svc runs version v (at once) and that it served
// requests requests (added at Flush).
func (t *Tally) Observe(svc Service, v string, requests int) {
	if v == "" || svc.Name == "" {
		return
	}
	ver := t.r.lookup(svc, v)
	if requests <= 0 {
		return
	}
	for i := range t.used {
		if t.versions[i] == ver {
			t.requests[i] += int64(requests)
			return
		}
	}
	if t.used == tallySize {
		t.Flush()
	}
	t.versions[t.used], t.requests[t.used] = ver, int64(requests)
	t.used++
}

// Flush adds the requests counted to their versions, which may resolve
// groups, and empties the tally.
func (t *Tally) Flush() {
	for i := range t.used {
		t.r.countRequests(t.versions[i], t.requests[i])
		t.versions[i] = nil
	}
	t.used = 0
}
