package errordiagnosisprocessor // import "github.com/errordiagnosis/errordiagnosisprocessor"

import (
	"context"
	"sync"

	"go.opentelemetry.io/collector/component"
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

func (s *sharedDiagnosers) acquire(set processor.Settings, cfg *Config) (*diagnoser, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if sd, ok := s.byID[set.ID]; ok && sd.d.cfg == cfg {
		sd.refs++
		return sd.d, nil
	}
	d, err := newDiagnoser(set, cfg)
	if err != nil {
		return nil, err
	}
	s.byID[set.ID] = &sharedDiagnoser{d: d, refs: 1}
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
