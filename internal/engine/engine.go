// Package engine is the processor's core: it reads a batch's targets and
// evidence, keeps the evidence cache, the held spans and their budgets, and
// decides. Each call returns what it concluded as an Outcome — the targets
// diagnosed in their batch, the held spans released, the spans taken out of
// the batch, the traces forgotten — for the processor to write and deliver
// after the lock. Nothing calls back into the processor.
//
// A batch goes down the stages in this order: scan.go (find and read the
// marked spans, without the lock), record.go (into the evidence cache),
// decide.go (diagnose), hold.go (hold the spans that wait, release the
// others). See docs/design.md §5.
package engine // import "github.com/errordiagnosis/errordiagnosisprocessor/internal/engine"

import (
	"context"
	"sync"
	"sync/atomic"
	"time"

	"go.opentelemetry.io/collector/pdata/plog"
	"go.opentelemetry.io/collector/pdata/ptrace"

	"github.com/errordiagnosis/errordiagnosisprocessor/internal/evidence"
	"github.com/errordiagnosis/errordiagnosisprocessor/internal/heldstore"
	"github.com/errordiagnosis/errordiagnosisprocessor/internal/holdqueue"
	"github.com/errordiagnosis/errordiagnosisprocessor/internal/tracecache"
)

// Internal bounds of the evidence cache, derived from max_traces so that one
// setting bounds memory (docs/design.md §6.1).
const (
	maxNodesPerTrace    = 1024
	maxEvidencePerTrace = 256
	// maxEvidencePerNode: the exception events read from a span (at most 8)
	// and as many exception log records naming it.
	maxEvidencePerNode = 16
	// NodesPerTrace is the average budget: MaxNodes = max_traces * NodesPerTrace.
	NodesPerTrace   = 8
	minTick         = 10 * time.Millisecond
	maxTick         = time.Second
	MaxRetryBackoff = 5 * time.Second
	// maxCallChain bounds how many services down a chain of failing calls
	// the root cause is looked for.
	maxCallChain = 8
)

// Config is what the engine needs of the processor's configuration.
type Config struct {
	// WaitDuration is how long a target waits for late evidence; 0: each
	// batch is diagnosed on its own, nothing is held. Read without the lock.
	WaitDuration                   time.Duration
	EvidenceTTL                    time.Duration
	MaxTraces, MaxHeldSpans        int
	MaxHeldBytes, MaxEvidenceBytes int
	Targets                        *evidence.TargetSpec
	Rules                          Rules
	// Now is the clock, read under the lock.
	Now func() time.Time
}

// Engine owns the evidence cache and the held spans. Its calls are safe for
// concurrent use; the shared state is behind one lock.
type Engine struct {
	cfg      Config
	scans    scans
	outcomes spares[Outcome]
	// batchCaches are the caches of one batch each, for the per-batch mode.
	batchCaches sync.Pool

	mu    sync.Mutex
	cache *tracecache.Cache // nil when WaitDuration is 0; replaced by Drain
	held  *holdqueue.Queue
	slots *heldstore.Store
	// closed: drained, or about to be; a batch is then diagnosed on its own.
	closed atomic.Bool
	stats  stats
}

// stats is what the last call under the lock left, read without it.
type stats struct {
	held, heldBytes, traces, nodes, evidenceBytes atomic.Int64
}

// Stats are the sizes of the held spans and of the evidence cache.
type Stats struct {
	Held, HeldBytes, Traces, Nodes, EvidenceBytes int64
}

// New returns an engine.
func New(cfg Config) *Engine {
	e := &Engine{cfg: cfg}
	e.batchCaches.New = func() any {
		c := tracecache.New(tracecache.Limits{})
		c.SetBatchOnly()
		return c
	}
	if cfg.WaitDuration > 0 {
		e.cache = tracecache.New(tracecache.Limits{
			MaxTraces:          cfg.MaxTraces,
			MaxNodesPerTrace:   maxNodesPerTrace,
			MaxNodes:           cfg.MaxTraces * NodesPerTrace,
			MaxEvidenceNodes:   maxEvidencePerTrace,
			MaxEvidencePerNode: maxEvidencePerNode,
			TTL:                cfg.EvidenceTTL,
			MaxBytes:           cfg.MaxEvidenceBytes,
		})
		e.held = holdqueue.New(holdqueue.Backoff{Step: max(cfg.WaitDuration/10, minTick), Max: MaxRetryBackoff})
	}
	return e
}

// Holds reports whether the engine holds spans across batches
// (WaitDuration > 0).
func (e *Engine) Holds() bool { return e.cfg.WaitDuration > 0 }

// Tick is how often held spans are due: a tenth of wait_duration, within
// [minTick, maxTick].
func (e *Engine) Tick() time.Duration {
	return min(max(e.cfg.WaitDuration/10, minTick), maxTick)
}

// StoreIn gives each span held from now on its slot in s.
func (e *Engine) StoreIn(s *heldstore.Store) {
	e.mu.Lock()
	e.slots = s
	e.mu.Unlock()
}

// SetHeldBudget changes max_held_spans and max_held_mib (in bytes).
func (e *Engine) SetHeldBudget(spans, bytes int) {
	e.mu.Lock()
	e.cfg.MaxHeldSpans, e.cfg.MaxHeldBytes = spans, bytes
	e.mu.Unlock()
}

// Stats returns the sizes the last call left.
func (e *Engine) Stats() Stats {
	return Stats{
		Held: e.stats.held.Load(), HeldBytes: e.stats.heldBytes.Load(),
		Traces: e.stats.traces.Load(), Nodes: e.stats.nodes.Load(), EvidenceBytes: e.stats.evidenceBytes.Load(),
	}
}

// Closed reports whether Close was called.
func (e *Engine) Closed() bool { return e.closed.Load() }

// Scan is the first stage: the batch's targets and error-ish spans, found
// without the lock and without allocating. Give it back with Recycle.
func (e *Engine) Scan(td ptrace.Traces) *Scan {
	s := e.scans.get()
	s.scan(td, e.cfg.Targets)
	return s
}

// Apply diagnoses a scanned batch: what it concludes is nil when the batch
// has nothing that matters (no target, no evidence, no span of a
// remembered trace). re is a span read back from storage, held again.
func (e *Engine) Apply(ctx context.Context, td ptrace.Traces, scan *Scan, re *Restoring) *Outcome {
	shared := e.Holds() && !e.closed.Load()
	if len(scan.marks) == 0 && (!shared || e.stats.traces.Load() == 0) {
		return nil
	}
	// The batch's own strings: the shared cache packs a copy of every text
	// it keeps (tracecache's packed.go), so interning would only cost.
	scan.prepare(ctx, td, e.cfg.Rules)
	if !shared {
		return e.diagnoseBatch(td, scan)
	}
	org := scan.origin(ctx)
	e.mu.Lock()
	if e.closed.Load() {
		// Drained since Apply looked: nothing would release a span held now.
		e.mu.Unlock()
		return e.diagnoseBatch(td, scan)
	}
	defer e.mu.Unlock()
	now := e.cfg.Now()
	out := e.outcome()
	rec := &out.rec
	record(e.cache, td, scan, now, rec)
	e.collectForgotten(out)
	for _, t := range rec.late {
		if !e.held.Holds(t) {
			out.Late++
		}
	}
	e.decide(out, td, rec)
	e.hold(td, out, now, org, re)
	e.cache.Expired(now)
	e.collectForgotten(out)
	out.releaseForgotten()
	e.storeStats()
	return out
}

// ApplyLogs reads the exception log records of ld that name their span
// into the evidence of their traces, and releases the held spans they make
// final. The records are read and matched before the lock; nil when there
// are none, or nothing is held across batches.
func (e *Engine) ApplyLogs(ld plog.Logs) *Outcome {
	if !e.Holds() || e.closed.Load() {
		return nil
	}
	logged := readLogged(ld, e.cfg.Rules)
	if len(logged) == 0 {
		return nil
	}
	e.mu.Lock()
	defer e.mu.Unlock()
	if e.closed.Load() {
		return nil
	}
	now := e.cfg.Now()
	out := e.outcome()
	for i := range logged {
		le := &logged[i]
		t := e.cache.Remember(le.trace, now)
		e.collectForgotten(out)
		n := e.cache.AddNode(t, le.span)
		if n == nil {
			continue
		}
		if t.Service(n) == "" {
			t.SetService(n, le.service)
		}
		if t.Diagnosed && !e.held.Holds(t) {
			out.Late++
		}
		e.cache.AddEvidence(t, n, le.item[:])
		out.scratch = e.held.Of(t, out.scratch[:0])
		for _, h := range out.scratch {
			if diagnose(h.Trace, h.Node, h.Status, maxCallChain).Final {
				e.held.Remove(h)
				out.ready = append(out.ready, h)
			}
		}
	}
	// Diagnosed again with the evidence of every record.
	out.ready = out.release(out.ready, "")
	out.releaseForgotten()
	e.storeStats()
	return out
}

// Due releases the held spans whose deadline has passed and forgets the
// expired traces; the processor calls it on every Tick.
func (e *Engine) Due() *Outcome {
	if !e.Holds() {
		return nil
	}
	e.mu.Lock()
	defer e.mu.Unlock()
	now := e.cfg.Now()
	out := e.outcome()
	out.ready = out.release(e.held.PopDue(now, out.ready), "")
	e.cache.Expired(now)
	e.collectForgotten(out)
	out.releaseForgotten()
	e.storeStats()
	return out
}

// Close makes every batch from now on diagnosed on its own.
func (e *Engine) Close() { e.closed.Store(true) }

// Drain closes the engine and releases every held span; what is remembered
// is of no more use, and its memory goes.
func (e *Engine) Drain() *Outcome {
	e.Close()
	if !e.Holds() {
		return nil
	}
	e.mu.Lock()
	defer e.mu.Unlock()
	out := e.outcome()
	out.ready = out.release(e.held.TakeAll(out.ready), ReasonShutdown)
	e.cache = tracecache.New(tracecache.Limits{MaxTraces: 1, MaxNodesPerTrace: 1, MaxNodes: 1, MaxEvidenceNodes: 1, MaxEvidencePerNode: 1, TTL: time.Nanosecond})
	e.storeStats()
	return out
}

// Requeue holds again released spans whose delivery failed, each due after
// its backoff; false, holding nothing, once the engine is closed.
func (e *Engine) Requeue(held []*holdqueue.Held) bool {
	e.mu.Lock()
	defer e.mu.Unlock()
	if e.closed.Load() {
		return false
	}
	now := e.cfg.Now()
	for _, h := range held {
		e.held.Requeue(h, now)
	}
	e.storeStats()
	return true
}

// Recycle gives back a scan and the outcome of its batch (either may be
// nil) once the batch is written: the outcome refers to the scan's marks.
func (e *Engine) Recycle(scan *Scan, out *Outcome) {
	if out != nil {
		out.reset()
		e.outcomes.keep(out)
	}
	if scan != nil {
		e.scans.put(scan)
	}
}

func (e *Engine) outcome() *Outcome {
	if out := e.outcomes.take(); out != nil {
		return out
	}
	return new(Outcome)
}

// storeStats stores what Stats reports, under the lock.
func (e *Engine) storeStats() {
	e.stats.held.Store(int64(e.held.Len()))
	e.stats.heldBytes.Store(int64(e.held.Bytes()))
	e.stats.traces.Store(int64(e.cache.Len()))
	e.stats.nodes.Store(int64(e.cache.NodeCount()))
	e.stats.evidenceBytes.Store(int64(e.cache.Bytes()))
}
