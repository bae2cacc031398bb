package errordiagnosisprocessor // import "github.com/errordiagnosis/errordiagnosisprocessor"

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"maps"
	"slices"
	"sync"
	"sync/atomic"
	"time"

	"go.opentelemetry.io/collector/component"
	"go.opentelemetry.io/collector/consumer"
	"go.opentelemetry.io/collector/consumer/consumererror"
	"go.opentelemetry.io/collector/pdata/plog"
	"go.opentelemetry.io/collector/pdata/ptrace"
	"go.opentelemetry.io/collector/processor"
	"go.opentelemetry.io/collector/processor/processorhelper"
	"go.opentelemetry.io/otel/attribute"
	"go.opentelemetry.io/otel/metric"
	"go.uber.org/zap"

	"github.com/errordiagnosis/errordiagnosisprocessor/internal/diagnosis"
	"github.com/errordiagnosis/errordiagnosisprocessor/internal/evidence"
	"github.com/errordiagnosis/errordiagnosisprocessor/internal/metadata"
	"github.com/errordiagnosis/errordiagnosisprocessor/internal/redact"
	"github.com/errordiagnosis/errordiagnosisprocessor/internal/tracecache"
)

// Early release reasons, the values of the "reason" telemetry attribute.
const (
	reasonMaxHeldSpans = "max_held_spans"
	reasonMaxTraces    = "max_traces"
	reasonShutdown     = "shutdown"
)

// Internal bounds of the evidence cache, derived from max_traces so that one
// setting bounds memory; see README "Memory".
const (
	maxNodesPerTrace    = 1024
	maxEvidencePerTrace = 256
	// maxEvidencePerNode: the exception events read from a span (at most 8)
	// and as many exception log records naming it.
	maxEvidencePerNode = 16
	nodesPerTrace      = 8 // average budget: MaxNodes = max_traces * nodesPerTrace
	minTick            = 10 * time.Millisecond
	maxTick            = time.Second
	maxRetryBackoff    = 5 * time.Second
	// maxCallChain bounds how many services down a chain of failing calls
	// the root cause is looked for.
	maxCallChain = 8
)

// diagnoser is the processor. One instance serves the traces and the logs
// pipelines of one component ID, so that exception log records feed the same
// evidence cache as the spans.
type diagnoser struct {
	cfg       *Config
	logger    *zap.Logger
	targets   *evidence.TargetSpec
	redactor  *redact.Redactor
	rules     *userRules
	names     attributeNames
	telemetry *metadata.TelemetryBuilder
	now       func() time.Time

	// next receives released held spans; set when the traces processor is created.
	next consumer.Traces

	// mu guards cache and the state of held spans.
	mu    sync.Mutex
	cache *tracecache.Cache // nil when wait_duration is 0: per batch only

	// scan is the first pass's buffer, reused between calls.
	scan atomic.Pointer[batchScan]

	// epoch numbers the batches recorded, to list each touched trace once.
	epoch uint64
	// pendingEvicted are traces forgotten for max_traces whose held spans
	// still have to be released.
	pendingEvicted []*tracecache.Trace

	heldGauge  atomic.Int64
	traceGauge atomic.Int64

	startOnce sync.Once
	stopOnce  sync.Once
	stop      chan struct{}
	done      chan struct{}
	closed    atomic.Bool
}

func newDiagnoser(set processor.Settings, cfg *Config) (*diagnoser, error) {
	red, err := newRedactor(cfg.Redaction)
	if err != nil {
		return nil, err
	}
	rules, err := newRuleConditions(cfg.Rules, set.TelemetrySettings)
	if err != nil {
		return nil, err
	}
	tb, err := metadata.NewTelemetryBuilder(set.TelemetrySettings)
	if err != nil {
		return nil, err
	}
	d := &diagnoser{
		cfg:       cfg,
		logger:    set.Logger,
		targets:   evidence.NewTargetSpec(cfg.StatusCodes, cfg.SpanKinds),
		redactor:  red,
		rules:     rules,
		names:     newAttributeNames(cfg.AttributePrefix),
		telemetry: tb,
		now:       time.Now,
		stop:      make(chan struct{}),
		done:      make(chan struct{}),
	}
	if cfg.WaitDuration > 0 {
		d.cache = tracecache.New(tracecache.Limits{
			MaxTraces:          cfg.MaxTraces,
			MaxNodesPerTrace:   maxNodesPerTrace,
			MaxNodes:           cfg.MaxTraces * nodesPerTrace,
			MaxEvidenceNodes:   maxEvidencePerTrace,
			MaxEvidencePerNode: maxEvidencePerNode,
			TTL:                cfg.EvidenceTTL,
		})
	}
	err = errors.Join(
		tb.RegisterProcessorErrordiagnosisSpansHeldCallback(func(_ context.Context, o metric.Int64Observer) error {
			o.Observe(d.heldGauge.Load())
			return nil
		}),
		tb.RegisterProcessorErrordiagnosisEvidenceCacheTracesCallback(func(_ context.Context, o metric.Int64Observer) error {
			o.Observe(d.traceGauge.Load())
			return nil
		}),
	)
	if err != nil {
		return nil, err
	}
	return d, nil
}

func (d *diagnoser) start(context.Context, component.Host) error {
	d.startOnce.Do(func() {
		if d.cache == nil {
			close(d.done)
			return
		}
		go d.releaseLoop()
	})
	return nil
}

// shutdown stops the release loop, then diagnoses and releases every held
// span before returning. Nothing is dropped; a delivery error is returned.
func (d *diagnoser) shutdown(ctx context.Context) error {
	var err error
	d.stopOnce.Do(func() {
		d.closed.Store(true)
		close(d.stop)
		d.startOnce.Do(func() { close(d.done) }) // never started
		// Drain even when ctx is done: once stopped, nothing else would
		// release the held spans. A loop still busy delivering is not
		// waited for; the drain below is serialised with it by mu.
		select {
		case <-d.done:
		default:
			select {
			case <-d.done:
			case <-ctx.Done():
				err = ctx.Err()
			}
		}
		if d.cache == nil {
			return
		}
		d.mu.Lock()
		var rel released
		d.releaseLocked(&rel, d.cache.AllHeld(nil), reasonShutdown)
		d.cache = tracecache.New(tracecache.Limits{MaxTraces: 1, MaxNodesPerTrace: 1, MaxNodes: 1, MaxEvidenceNodes: 1, MaxEvidencePerNode: 1, TTL: time.Nanosecond})
		d.updateGaugesLocked()
		d.mu.Unlock()
		if len(rel.held) > 0 && d.next != nil {
			if cerr := d.next.ConsumeTraces(ctx, rel.td); cerr != nil {
				err = fmt.Errorf("errordiagnosis: could not deliver %d held spans at shutdown: %w", len(rel.held), cerr)
				d.logger.Error("could not deliver the held spans at shutdown", zap.Int("spans", len(rel.held)), zap.Error(cerr))
				d.countSent(context.Background(), len(rel.held), outcomeRejected)
			} else {
				d.countSent(context.Background(), len(rel.held), outcomeAccepted)
			}
		}
		// The gauges stay registered so that they report the drained state (0).
	})
	return err
}

// releaseLoop releases held spans whose wait is over and forgets expired
// traces, on a tick of a tenth of wait_duration.
func (d *diagnoser) releaseLoop() {
	defer close(d.done)
	tick := min(max(d.cfg.WaitDuration/10, minTick), maxTick)
	ticker := time.NewTicker(tick)
	defer ticker.Stop()
	for {
		select {
		case <-d.stop:
			return
		case <-ticker.C:
			d.releaseDue(context.Background())
		}
	}
}

// releaseDue releases the held spans whose deadline has passed.
func (d *diagnoser) releaseDue(ctx context.Context) {
	d.mu.Lock()
	now := d.now()
	var due []*tracecache.Held
	for h := d.cache.Oldest(); h != nil && !h.Deadline.After(now); h = d.cache.Oldest() {
		d.cache.Unhold(h)
		due = append(due, h)
	}
	var rel released
	d.releaseLocked(&rel, due, "")
	d.releaseEvictedLocked(&rel, d.cache.Expired(now, nil))
	d.updateGaugesLocked()
	d.mu.Unlock()
	d.deliver(ctx, rel)
}

// batchTarget is a target span of the batch being processed.
type batchTarget struct {
	rs, ss, span int
	status       int
	trace        *tracecache.Trace
	node         *tracecache.Node
	// duplicate: the same span was seen before (a retry upstream); it is
	// annotated in place, never held twice.
	duplicate bool
}

// batchMark is a span of the batch that is a target or may hold evidence.
type batchMark struct {
	rs, ss, span int
	status       int
	target       bool
}

// batchRun is a run of consecutive spans of one scope whose trace ids share
// their Bucket24: usually the spans of one trace, which SDKs and batchers
// keep together. The second pass looks a run up in the cache once.
type batchRun struct {
	rs, ss     int32
	start, end int32 // span indexes in the scope, end excluded
	bucket     uint32
}

// batchScan is what the first pass over a batch learns, reused between
// batches: the marked spans, and the runs of spans by trace id bucket so that
// the second pass can skip the spans of traces the cache does not remember
// without touching them, and without a filter look-up per span.
type batchScan struct {
	marks []batchMark
	runs  []batchRun
}

func (d *diagnoser) processTraces(ctx context.Context, td ptrace.Traces) (ptrace.Traces, error) {
	// Pass 1, without the lock: find targets and error-ish spans. This is the
	// hot path for healthy traffic: no allocation, one attribute scan per
	// server span.
	// One buffer per diagnoser, taken for the call: unlike a sync.Pool it
	// survives garbage collections, so a healthy batch allocates nothing;
	// a concurrent call finds it taken and uses a buffer of its own.
	scan := d.scan.Swap(nil)
	if scan == nil {
		scan = &batchScan{marks: make([]batchMark, 0, 64), runs: make([]batchRun, 0, 256)}
	}
	marks, runs := scan.marks[:0], scan.runs[:0]
	defer func() { scan.marks, scan.runs = marks[:0], runs[:0]; d.scan.Store(scan) }()
	rss := td.ResourceSpans()
	for i := 0; i < rss.Len(); i++ {
		sss := rss.At(i).ScopeSpans()
		for j := 0; j < sss.Len(); j++ {
			spans := sss.At(j).Spans()
			run := batchRun{rs: int32(i), ss: int32(j)}
			for k := 0; k < spans.Len(); k++ {
				span := spans.At(k)
				status, target := d.targets.Status(span)
				if target || evidence.IsErrorish(span) {
					marks = append(marks, batchMark{rs: i, ss: j, span: k, status: status, target: target})
				}
				if b := tracecache.Bucket24(span.TraceID()); k == 0 || b != run.bucket {
					if k > 0 {
						run.end = int32(k)
						runs = append(runs, run)
					}
					run.start, run.bucket = int32(k), b
				}
			}
			if spans.Len() > 0 {
				run.end = int32(spans.Len())
				runs = append(runs, run)
			}
		}
	}
	// d.cache is read under mu only (shutdown replaces it); the config says
	// whether there is one.
	cross := d.cfg.WaitDuration > 0 && !d.closed.Load()
	if len(marks) == 0 && (!cross || d.traceGauge.Load() == 0) {
		return td, nil
	}
	if !cross {
		d.diagnoseBatch(ctx, td, marks, runs)
		return td, nil
	}
	return d.processCrossBatch(ctx, td, marks, runs)
}

// localCaches are the throw-away caches of the per-batch mode, reused.
var localCaches = sync.Pool{New: func() any { return tracecache.New(tracecache.Limits{}) }}

// diagnoseBatch is the per-batch mode (wait_duration 0, or after shutdown):
// a throw-away cache holds just this batch.
func (d *diagnoser) diagnoseBatch(ctx context.Context, td ptrace.Traces, marks []batchMark, runs []batchRun) {
	if len(marks) == 0 {
		return
	}
	local := localCaches.Get().(*tracecache.Cache)
	defer localCaches.Put(local)
	local.Reset(tracecache.Limits{
		MaxTraces:          len(marks),
		MaxNodesPerTrace:   maxNodesPerTrace,
		MaxNodes:           max(td.SpanCount(), 1),
		MaxEvidenceNodes:   maxEvidencePerTrace,
		MaxEvidencePerNode: maxEvidencePerNode,
		TTL:                time.Hour,
	})
	targets, _ := d.record(ctx, local, td, marks, runs, time.Time{}, false)
	for _, bt := range targets {
		span := spanAt(td, bt)
		res := d.diagnose(bt.trace, bt.node, bt.status, maxCallChain)
		d.annotate(span, res)
		d.countDiagnosed(ctx, res)
	}
}

func (d *diagnoser) processCrossBatch(ctx context.Context, td ptrace.Traces, marks []batchMark, runs []batchRun) (ptrace.Traces, error) {
	d.mu.Lock()
	if d.closed.Load() {
		// Shut down since processTraces looked: the held spans were drained
		// and nothing would release a span held now.
		d.mu.Unlock()
		d.diagnoseBatch(ctx, td, marks, runs)
		return td, nil
	}
	now := d.now()
	targets, touched := d.record(ctx, d.cache, td, marks, runs, now, true)

	type annotation struct {
		bt  batchTarget
		res result
	}
	var inPlace, pending []annotation
	var toHold, resent []batchTarget
	for _, bt := range targets {
		if bt.duplicate && bt.trace.Held(bt.node) != nil && sameSpan(td, bt, bt.trace.Held(bt.node).Data) {
			// The upstream re-sent a held span (it retries a batch after a
			// retryable error): the held copy will be delivered, not this one.
			resent = append(resent, bt)
			continue
		}
		res := d.diagnose(bt.trace, bt.node, bt.status, maxCallChain)
		if bt.duplicate {
			inPlace = append(inPlace, annotation{bt, res})
			continue
		}
		if !res.conclusive {
			pending = append(pending, annotation{bt, res})
			continue
		}
		bt.trace.SetDecided(bt.node, res.decided())
		bt.trace.Released++
		inPlace = append(inPlace, annotation{bt, res})
	}
	// Hold the inconclusive targets, after the loop so that a span repeated
	// within this batch is not taken for a re-sent held one: moved out as
	// bytes with their resource and scope; removeSpans then drops the
	// emptied places.
	for _, a := range pending {
		data, ok := holdData(td, a.bt)
		if !ok {
			a.bt.trace.SetDecided(a.bt.node, a.res.decided())
			a.bt.trace.Released++
			inPlace = append(inPlace, a)
			continue
		}
		d.cache.Hold(&tracecache.Held{
			Trace:    a.bt.trace,
			Node:     a.bt.node,
			Data:     data,
			Status:   a.bt.status,
			Deadline: now.Add(d.cfg.WaitDuration),
		})
		toHold = append(toHold, a.bt)
	}
	// Held targets of earlier batches whose trace got new evidence now.
	var ready []*tracecache.Held
	for _, t := range touched {
		if t.HeldCount == 0 {
			continue
		}
		for _, h := range d.cache.HeldOf(t, nil) {
			if containsTarget(toHold, h.Node) {
				continue
			}
			if res := d.diagnose(h.Trace, h.Node, h.Status, maxCallChain); res.conclusive {
				d.cache.Unhold(h)
				ready = append(ready, h)
			}
		}
	}
	var rel released
	d.releaseLocked(&rel, ready, "")
	// Limits: diagnose early rather than grow.
	var early []*tracecache.Held
	for d.cache.HeldCount() > d.cfg.MaxHeldSpans {
		h := d.cache.Oldest()
		d.cache.Unhold(h)
		early = append(early, h)
	}
	d.releaseLocked(&rel, early, reasonMaxHeldSpans)
	d.releaseEvictedLocked(&rel, d.cache.Expired(now, nil))
	d.updateGaugesLocked()
	d.mu.Unlock()

	for _, a := range inPlace {
		d.annotate(spanAt(td, a.bt), a.res)
		d.countDiagnosed(ctx, a.res)
	}
	removed := len(toHold) + len(resent)
	if removed > 0 {
		removeSpans(td, append(toHold, resent...))
	}
	d.deliver(ctx, rel)
	if removed > 0 && td.SpanCount() == 0 {
		return td, processorhelper.ErrSkipProcessingData
	}
	return td, nil
}

// record adds the batch to cache: the nodes of the traces that matter, the
// evidence of error-ish spans and the targets. It returns the batch's targets
// and the traces that received evidence.
func (d *diagnoser) record(ctx context.Context, c *tracecache.Cache, td ptrace.Traces, marks []batchMark, runs []batchRun, now time.Time, cross bool) ([]batchTarget, []*tracecache.Trace) {
	epoch := uint64(1) // a local cache is new for each batch
	if cross {
		d.epoch++ // under d.mu
		epoch = d.epoch
	}
	var evicted []*tracecache.Trace
	rss := td.ResourceSpans()
	// Traces of the marked spans first, so that their other spans in this
	// batch are recorded whatever their order.
	for _, m := range marks {
		span := rss.At(m.rs).ScopeSpans().At(m.ss).Spans().At(m.span)
		if span.TraceID().IsEmpty() || span.SpanID().IsEmpty() {
			continue // malformed: passed through untouched
		}
		_, evicted = c.GetOrCreate(span.TraceID(), now, evicted)
	}
	if cross && len(evicted) > 0 {
		// Only the shared cache evicts: the local one is sized for the batch.
		d.pendingEvicted = append(d.pendingEvicted, evicted...)
	}

	var targets []batchTarget
	var touched []*tracecache.Trace
	mi := 0
	service, serviceRS := "", -1
	for _, r := range runs {
		i, j := int(r.rs), int(r.ss)
		hasMark := mi < len(marks) && marks[mi].rs == i && marks[mi].ss == j && marks[mi].span < int(r.end)
		if !hasMark && !c.MayContain(r.bucket) {
			// Most runs of a batch: skipped without touching their spans.
			continue
		}
		rs := rss.At(i)
		ss := rs.ScopeSpans().At(j)
		spans := ss.Spans()
		for k := int(r.start); k < int(r.end); k++ {
			marked := mi < len(marks) && marks[mi].rs == i && marks[mi].ss == j && marks[mi].span == k
			var m batchMark
			if marked {
				m = marks[mi]
				mi++
			}
			span := spans.At(k)
			var t *tracecache.Trace
			if !marked {
				// An empty trace id is never in the cache.
				if t = c.Get(span.TraceID()); t == nil {
					continue
				}
			}
			if span.SpanID().IsEmpty() || span.TraceID().IsEmpty() {
				continue // malformed: passed through untouched
			}
			if marked {
				// Re-created if a tiny max_traces evicted it earlier in this batch.
				t, evicted = c.GetOrCreate(span.TraceID(), now, evicted[:0])
				if cross && len(evicted) > 0 {
					d.pendingEvicted = append(d.pendingEvicted, evicted...)
				}
			}
			if serviceRS != i {
				service, serviceRS = evidence.ServiceName(rs.Resource()), i
			}
			n := c.Node(t, span.SpanID())
			if n == nil {
				if !marked {
					continue // per-trace or global node budget reached
				}
				// A target or evidence is never skipped: keep it outside the budget.
				n = tracecache.Detached(span.SpanID())
			}
			duplicate := n.Known
			n.Known = true
			n.Parent = span.ParentSpanID()
			n.Kind = span.Kind()
			t.SetService(n, service)
			if n.Kind == ptrace.SpanKindClient && !duplicate {
				// What retry reasoning needs (tracecache.retriedBy): only
				// client spans of traces with evidence get here.
				n.Failed = marked && evidence.IsErrorish(span)
				n.Op = evidence.OperationKey(span)
				n.Start, n.End = tracecache.Micros(span.StartTimestamp()), tracecache.Micros(span.EndTimestamp())
			}
			if cross {
				c.Touch(t, now)
			}
			// Any new span may complete a parent chain or be the downstream
			// side of a call: its trace's held targets are looked at again.
			if !duplicate && t.Epoch != epoch {
				t.Epoch = epoch
				touched = append(touched, t)
			}
			if !marked {
				continue
			}
			rule := d.rules.match(ctx, rs, ss, span)
			if !duplicate && (evidence.IsErrorish(span) || rule != diagnosis.NoUserRule) {
				items := evidence.ReadSpan(service, span, nil)
				if span.Kind() == ptrace.SpanKindServer || m.target {
					items = evidence.WithoutOwnStatus(items)
				}
				for x := range items {
					items[x].UserRule = rule
				}
				if cross && t.Released > 0 && !m.target && t.HeldCount == 0 {
					d.telemetry.ProcessorErrordiagnosisLateEvidence.Add(ctx, 1)
				}
				c.AddEvidence(t, n, items)
			}
			if m.target {
				n.Status = int32(m.status)
				targets = append(targets, batchTarget{rs: i, ss: j, span: k, status: m.status, trace: t, node: n, duplicate: duplicate})
			}
		}
	}
	return targets, touched
}

func containsTarget(bts []batchTarget, n *tracecache.Node) bool {
	for _, bt := range bts {
		if bt.node == n {
			return true
		}
	}
	return false
}

// released is a set of held spans diagnosed and decoded for delivery: td
// holds one ResourceSpans per held span, in the order of held.
type released struct {
	td   ptrace.Traces
	held []*tracecache.Held
}

// attributeOpts returns the add options of a counter with one attribute,
// per value, built once: metric.WithAttributes builds a set on every call.
func attributeOpts[V ~string](key string, values ...V) map[V]metric.AddOption {
	m := make(map[V]metric.AddOption, len(values))
	for _, v := range values {
		m[v] = metric.WithAttributeSet(attribute.NewSet(attribute.String(key, string(v))))
	}
	return m
}

// earlyReleasedOpts are the attribute options of spans_early_released.
var earlyReleasedOpts = attributeOpts("reason", reasonMaxHeldSpans, reasonMaxTraces, reasonShutdown)

// releaseLocked diagnoses held spans, decodes and annotates them into rel
// for delivery; the held bytes stay as they arrived for a retry. reason is
// empty for an ordinary release.
func (d *diagnoser) releaseLocked(rel *released, held []*tracecache.Held, reason string) {
	if len(held) == 0 {
		return
	}
	if len(rel.held) == 0 {
		rel.td = ptrace.NewTraces()
	}
	for _, h := range held {
		if h.Trace.Held(h.Node) == h {
			d.cache.Unhold(h)
		}
		res := d.diagnose(h.Trace, h.Node, h.Status, maxCallChain)
		if _, decided := h.Trace.Decided(h.Node); !decided {
			h.Trace.SetDecided(h.Node, res.decided())
			h.Trace.Released++
		}
		one, err := heldUnmarshaler.UnmarshalTraces(h.Data)
		if err != nil {
			// Cannot happen: the bytes are this processor's own marshalling.
			d.logger.Error("could not decode a held span; it is lost", zap.Error(err))
			continue
		}
		d.annotate(one.ResourceSpans().At(0).ScopeSpans().At(0).Spans().At(0), res)
		d.countDiagnosed(context.Background(), res)
		if reason != "" {
			d.telemetry.ProcessorErrordiagnosisSpansEarlyReleased.Add(context.Background(), 1, earlyReleasedOpts[reason])
		}
		one.ResourceSpans().MoveAndAppendTo(rel.td.ResourceSpans())
		rel.held = append(rel.held, h)
	}
}

// Outcomes of held spans sent to the next consumer, the values of the
// "outcome" telemetry attribute.
const (
	outcomeAccepted = "accepted"
	outcomeRetried  = "retried"
	outcomeRejected = "rejected"
)

// heldSentOpts are the attribute options of held_spans_sent.
var heldSentOpts = attributeOpts("outcome", outcomeAccepted, outcomeRetried, outcomeRejected)

// countSent counts n held spans sent to the next consumer with an outcome.
func (d *diagnoser) countSent(ctx context.Context, n int, outcome string) {
	d.telemetry.ProcessorErrordiagnosisHeldSpansSent.Add(ctx, int64(n), heldSentOpts[outcome])
}

// releaseEvictedLocked releases the held spans of traces forgotten because
// of max_traces or the node budget.
func (d *diagnoser) releaseEvictedLocked(rel *released, evicted []*tracecache.Trace) {
	evicted = append(evicted, d.pendingEvicted...)
	d.pendingEvicted = d.pendingEvicted[:0]
	var held []*tracecache.Held
	for _, t := range evicted {
		held = d.cache.HeldOf(t, held)
	}
	for _, h := range held {
		d.cache.Unhold(h)
	}
	d.releaseLocked(rel, held, reasonMaxTraces)
}

// deliver sends released spans to the next consumer. On a retryable error
// every one of them is held again and retried on a later tick; a permanent
// error means the next consumer rejects them for good, as it would any batch.
func (d *diagnoser) deliver(ctx context.Context, rel released) {
	if len(rel.held) == 0 || d.next == nil {
		return
	}
	err := d.next.ConsumeTraces(ctx, rel.td)
	if err == nil {
		d.countSent(ctx, len(rel.held), outcomeAccepted)
		return
	}
	spans := zap.Int("spans", len(rel.held))
	if consumererror.IsPermanent(err) || d.closed.Load() {
		d.logger.Error("next consumer rejected released spans", spans, zap.Error(err))
		d.countSent(ctx, len(rel.held), outcomeRejected)
		return
	}
	d.logger.Warn("next consumer failed on released spans; they stay held and are retried", spans, zap.Error(err))
	d.mu.Lock()
	defer d.mu.Unlock()
	if d.closed.Load() {
		// Drained at shutdown meanwhile: nothing would release them again.
		d.logger.Error("next consumer failed on released spans during shutdown", spans, zap.Error(err))
		d.countSent(ctx, len(rel.held), outcomeRejected)
		return
	}
	d.countSent(ctx, len(rel.held), outcomeRetried)
	now := d.now()
	for _, h := range rel.held {
		h.Attempts++
		h.Deadline = now.Add(min(time.Duration(h.Attempts)*max(d.cfg.WaitDuration/10, minTick), maxRetryBackoff))
		d.cache.Hold(h)
	}
	d.updateGaugesLocked()
}

func (d *diagnoser) updateGaugesLocked() {
	d.heldGauge.Store(int64(d.cache.HeldCount()))
	d.traceGauge.Store(int64(d.cache.Len()))
}

// diagnosedOpts are the attribute options of spans_diagnosed.
var diagnosedOpts = attributeOpts("category", slices.Collect(maps.Keys(diagnosis.Categories))...)

func (d *diagnoser) countDiagnosed(ctx context.Context, res result) {
	opt, ok := diagnosedOpts[res.Category]
	if !ok {
		opt = metric.WithAttributes(attribute.String("category", string(res.Category)))
	}
	d.telemetry.ProcessorErrordiagnosisSpansDiagnosed.Add(ctx, 1, opt)
}

// processLogs reads exception log records into the evidence cache; the logs
// themselves pass through unchanged.
func (d *diagnoser) processLogs(ctx context.Context, ld plog.Logs) (plog.Logs, error) {
	if d.cfg.WaitDuration <= 0 || d.closed.Load() {
		return ld, nil
	}
	var ready []*tracecache.Held
	locked := false
	rls := ld.ResourceLogs()
	for i := 0; i < rls.Len(); i++ {
		rl := rls.At(i)
		service := ""
		sls := rl.ScopeLogs()
		for j := 0; j < sls.Len(); j++ {
			lrs := sls.At(j).LogRecords()
			for k := 0; k < lrs.Len(); k++ {
				lr := lrs.At(k)
				if lr.TraceID().IsEmpty() || lr.SpanID().IsEmpty() {
					continue
				}
				if service == "" {
					service = evidence.ServiceName(rl.Resource())
				}
				item, ok := evidence.ReadLogRecord(service, lr)
				if !ok {
					continue
				}
				if !locked {
					d.mu.Lock()
					locked = true
				}
				var t *tracecache.Trace
				t, d.pendingEvicted = d.cache.GetOrCreate(lr.TraceID(), d.now(), d.pendingEvicted)
				n := d.cache.Node(t, lr.SpanID())
				if n == nil {
					continue
				}
				if t.Service(n) == "" {
					t.SetService(n, service)
				}
				if t.Released > 0 && t.HeldCount == 0 {
					d.telemetry.ProcessorErrordiagnosisLateEvidence.Add(ctx, 1)
				}
				d.cache.AddEvidence(t, n, []diagnosis.Evidence{item})
				for _, h := range d.cache.HeldOf(t, nil) {
					if res := d.diagnose(h.Trace, h.Node, h.Status, maxCallChain); res.conclusive {
						d.cache.Unhold(h)
						ready = append(ready, h)
					}
				}
			}
		}
	}
	if locked {
		var rel released
		d.releaseLocked(&rel, ready, "")
		d.releaseEvictedLocked(&rel, nil)
		d.updateGaugesLocked()
		d.mu.Unlock()
		d.deliver(ctx, rel)
	}
	return ld, nil
}

// spanAt returns the span of a batch target.
func spanAt(td ptrace.Traces, bt batchTarget) ptrace.Span {
	return td.ResourceSpans().At(bt.rs).ScopeSpans().At(bt.ss).Spans().At(bt.span)
}

// copySpan copies one span with its resource and scope into a new Traces.
func copySpan(td ptrace.Traces, bt batchTarget) ptrace.Traces {
	return extractSpan(td, bt, ptrace.Span.CopyTo)
}

// moveSpan moves one span into a new Traces with a copy of its resource and
// scope, leaving an empty span in its place.
func moveSpan(td ptrace.Traces, bt batchTarget) ptrace.Traces {
	return extractSpan(td, bt, ptrace.Span.MoveTo)
}

func extractSpan(td ptrace.Traces, bt batchTarget, transfer func(src, dst ptrace.Span)) ptrace.Traces {
	src := td.ResourceSpans().At(bt.rs)
	out := ptrace.NewTraces()
	rs := out.ResourceSpans().AppendEmpty()
	src.Resource().CopyTo(rs.Resource())
	rs.SetSchemaUrl(src.SchemaUrl())
	srcSS := src.ScopeSpans().At(bt.ss)
	ss := rs.ScopeSpans().AppendEmpty()
	srcSS.Scope().CopyTo(ss.Scope())
	ss.SetSchemaUrl(srcSS.SchemaUrl())
	transfer(srcSS.Spans().At(bt.span), ss.Spans().AppendEmpty())
	return out
}

// heldMarshaler and heldUnmarshaler encode held spans: as OTLP bytes a held
// span is one object for the garbage collector instead of dozens, and a
// retry after a failed delivery starts from the span as it arrived.
var (
	heldMarshaler   = &ptrace.ProtoMarshaler{}
	heldUnmarshaler = &ptrace.ProtoUnmarshaler{}
)

// holdData moves a target span out of the batch and encodes it with its
// resource and scope. On an encoding error (not expected) the span is put
// back and ok is false.
func holdData(td ptrace.Traces, bt batchTarget) (data []byte, ok bool) {
	one := moveSpan(td, bt)
	data, err := heldMarshaler.MarshalTraces(one)
	if err != nil {
		one.ResourceSpans().At(0).ScopeSpans().At(0).Spans().At(0).MoveTo(spanAt(td, bt))
		return nil, false
	}
	return data, true
}

// sameSpan reports whether the batch target is byte-identical, with its
// resource and scope, to a held span. Only called for a duplicate span id.
func sameSpan(td ptrace.Traces, bt batchTarget, held []byte) bool {
	a, err := heldMarshaler.MarshalTraces(copySpan(td, bt))
	return err == nil && bytes.Equal(a, held)
}

// removeSpans removes the held targets from the batch, keeping the order of
// the others, and drops scopes and resources left empty.
func removeSpans(td ptrace.Traces, held []batchTarget) {
	type key struct{ rs, ss int }
	drop := make(map[key]map[int]bool, len(held))
	for _, bt := range held {
		k := key{bt.rs, bt.ss}
		if drop[k] == nil {
			drop[k] = map[int]bool{}
		}
		drop[k][bt.span] = true
	}
	rsIdx := 0
	td.ResourceSpans().RemoveIf(func(rs ptrace.ResourceSpans) bool {
		i := rsIdx
		rsIdx++
		ssIdx := 0
		rs.ScopeSpans().RemoveIf(func(ss ptrace.ScopeSpans) bool {
			j := ssIdx
			ssIdx++
			set := drop[key{i, j}]
			if set == nil {
				return false
			}
			spIdx := 0
			ss.Spans().RemoveIf(func(ptrace.Span) bool {
				k := spIdx
				spIdx++
				return set[k]
			})
			return ss.Spans().Len() == 0
		})
		return rs.ScopeSpans().Len() == 0
	})
}
