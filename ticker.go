package errordiagnosisprocessor // import "github.com/errordiagnosis/errordiagnosisprocessor"

import "time"

// ticker fires a loop of the processor: the tick loop that releases held
// spans when due, and the registry's flush loop. Tests inject their own (as
// contrib's tailsamplingprocessor does with its TTicker) to tick when they
// choose instead of waiting.
type ticker interface {
	C() <-chan time.Time
	Stop()
}

// newTicker is the ticker of the real clock.
func newTicker(d time.Duration) ticker { return timeTicker{time.NewTicker(d)} }

type timeTicker struct{ t *time.Ticker }

func (t timeTicker) C() <-chan time.Time { return t.t.C }
func (t timeTicker) Stop()               { t.t.Stop() }
