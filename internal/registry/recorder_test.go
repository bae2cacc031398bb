package registry

import (
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
)

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
