package engine // import "github.com/errordiagnosis/errordiagnosisprocessor/internal/engine"

import (
	"time"

	"go.opentelemetry.io/collector/pdata/ptrace"

	"github.com/errordiagnosis/errordiagnosisprocessor/internal/holdqueue"
	"github.com/errordiagnosis/errordiagnosisprocessor/internal/tracecache"
)

// Outcome is what one call of the engine concluded, for the processor to
// write and deliver after the lock; its buffers are reused (Recycle).
type Outcome struct {
	// Final are targets of the batch diagnosed in it: annotated in place.
	Final []Verdict
	// Released are held spans that left the queue, diagnosed and settled:
	// to decode, annotate and deliver.
	Released []Released
	// Taken are the places of the spans taken out of the batch: the ones
	// held, and those an upstream sent again (it retries a batch after a
	// retryable error) while their copy is held.
	Taken []SpanPos
	// Stored are the spans the batch held, to write to storage.
	Stored []*holdqueue.Held
	// Late counts evidence that arrived for traces whose targets were all
	// diagnosed and released already.
	Late int
	// Forgotten counts the traces the cache forgot, by reason (see
	// ForgottenReason).
	Forgotten [ForgetReasons]int64

	// evidenced are the stored spans that had evidence (heldevidence.go).
	evidenced []heldTarget
	// waiting are the batch's targets that are not final yet.
	waiting []Verdict
	// Buffers: held spans looked at or taken, traces forgotten.
	scratch, ready []*holdqueue.Held
	forgotten      [ForgetReasons][]*holdqueue.Held
	forgot         []tracecache.Forgot
	// rec is what recording the batch learned, its buffers reused.
	rec recording
}

// reset empties the buffers, dropping what they point to.
func (out *Outcome) reset() {
	clear(out.Final)
	clear(out.Released)
	clear(out.Stored)
	clear(out.waiting)
	clear(out.scratch)
	clear(out.ready)
	clear(out.evidenced)
	out.Final, out.Released, out.Taken, out.Stored = out.Final[:0], out.Released[:0], out.Taken[:0], out.Stored[:0]
	out.evidenced, out.waiting, out.scratch, out.ready = out.evidenced[:0], out.waiting[:0], out.scratch[:0], out.ready[:0]
	out.Late, out.Forgotten = 0, [ForgetReasons]int64{}
	out.rec.reset()
}

// diagnoseBatch is the per-batch mode (wait_duration 0, or after Close): a
// cache of its own holds just this batch. The verdicts are all final.
func (e *Engine) diagnoseBatch(td ptrace.Traces, scan *Scan) *Outcome {
	if len(scan.marks) == 0 {
		return nil
	}
	c := e.batchCaches.Get().(*tracecache.Cache)
	defer func() {
		// Emptied now: a cache in the pool refers to nothing of the batch.
		c.Reset(tracecache.Limits{})
		e.batchCaches.Put(c)
	}()
	c.Reset(tracecache.Limits{
		MaxTraces:          len(scan.marks),
		MaxNodesPerTrace:   maxNodesPerTrace,
		MaxNodes:           max(td.SpanCount(), 1),
		MaxEvidenceNodes:   maxEvidencePerTrace,
		MaxEvidencePerNode: maxEvidencePerNode,
		TTL:                time.Hour,
	})
	out := e.outcome()
	record(c, td, scan, time.Time{}, &out.rec)
	for _, bt := range out.rec.targets {
		// Only the place and the diagnosis: the cache is emptied on return.
		out.Final = append(out.Final, Verdict{target: target{mark: bt.mark}})
		diagnoseInto(&out.Final[len(out.Final)-1].Res, bt.trace, bt.node, bt.mark.status, maxCallChain)
	}
	return out
}
