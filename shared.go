package errordiagnosisprocessor // import "github.com/errordiagnosis/errordiagnosisprocessor"

import (
	"context"
	"sync"

	"go.opentelemetry.io/collector/component"
	"go.opentelemetry.io/collector/consumer"
	"go.opentelemetry.io/collector/processor"
)

// sharedDiagnosers hands out one diagnoser per component ID, counting its
// users; the last user's shutdown shuts it down.
type sharedDiagnosers struct {
	mu   sync.Mutex
	byID map[component.ID]*sharedDiagnoser
}

type sharedDiagnoser struct {
	d    *diagnoser
	refs int
}

func newSharedDiagnosers() *sharedDiagnosers {
	return &sharedDiagnosers{byID: map[component.ID]*sharedDiagnoser{}}
}

// acquire returns the diagnoser of set.ID. next is the traces pipeline's
// next consumer (nil for a logs pipeline): released held spans go there, so
// one diagnoser serves at most one traces pipeline; a second traces pipeline
// with the same processor ID gets a diagnoser of its own.
func (s *sharedDiagnosers) acquire(set processor.Settings, cfg *Config, next consumer.Traces) (*diagnoser, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	sd, ok := s.byID[set.ID]
	if ok && sd.d.cfg == cfg && (next == nil || sd.d.next == nil) {
		sd.refs++
		if next != nil {
			sd.d.next = next
		}
		return sd.d, nil
	}
	d, err := newDiagnoser(set, cfg)
	if err != nil {
		return nil, err
	}
	d.next = next
	if !ok || sd.d.cfg != cfg {
		s.byID[set.ID] = &sharedDiagnoser{d: d, refs: 1}
	}
	return d, nil
}

func (s *sharedDiagnosers) release(ctx context.Context, id component.ID, d *diagnoser) error {
	s.mu.Lock()
	sd, ok := s.byID[id]
	last := true
	if ok && sd.d == d {
		sd.refs--
		last = sd.refs <= 0
		if last {
			delete(s.byID, id)
		}
	}
	s.mu.Unlock()
	if !last {
		return nil
	}
	return d.shutdown(ctx)
}
