package errordiagnosisprocessor // import "github.com/errordiagnosis/errordiagnosisprocessor"

import (
	"context"
	"errors"
	"fmt"
	"sync"
	"sync/atomic"
	"time"

	"go.opentelemetry.io/collector/component"
	"go.opentelemetry.io/collector/consumer"
	"go.opentelemetry.io/collector/pdata/ptrace"
	"go.opentelemetry.io/collector/processor"
	"go.opentelemetry.io/collector/processor/processorhelper"
	"go.uber.org/zap"

	"github.com/errordiagnosis/errordiagnosisprocessor/internal/contract"
	"github.com/errordiagnosis/errordiagnosisprocessor/internal/evidence"
	"github.com/errordiagnosis/errordiagnosisprocessor/internal/holdqueue"
	"github.com/errordiagnosis/errordiagnosisprocessor/internal/memo"
	"github.com/errordiagnosis/errordiagnosisprocessor/internal/metadata"
	"github.com/errordiagnosis/errordiagnosisprocessor/internal/redact"
	"github.com/errordiagnosis/errordiagnosisprocessor/internal/registry"
	"github.com/errordiagnosis/errordiagnosisprocessor/internal/tracecache"
)

// Lifecycle and dispatch. A batch goes down the stages in this order:
// scan.go (find and read the marked spans, without the lock), record.go
// (into the evidence cache), decide.go (diagnose), hold.go (hold the spans
// that wait, take out those to release), annotate.go (write the diagnoses,
// after the lock), release.go (deliver the released spans). See
// docs/design.md §5.

// Internal bounds of the evidence cache, derived from max_traces so that one
// setting bounds memory (docs/design.md §6.1).
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
	cfg      *Config
	logger   *zap.Logger
	targets  *evidence.TargetSpec
	redactor *redact.Redactor
	rules    *userRules
	names    contract.Names
	// textMemo holds the texts of the latest diagnoses (texts.go).
	textMemo  *memo.Memo[annotationKey, annotationTexts]
	telemetry *metadata.TelemetryBuilder
	now       func() time.Time
	// id is the component's; its storage client is named after it.
	id component.ID
	// registry remembers the error groups (registry.go); store keeps it in
	// a storage extension (storage.go). The registry's loop stops on stop
	// and closes registryDone.
	registry     *registry.Registry
	store        *registryStore
	registryDone chan struct{}
	// heldStore keeps the held spans in the storage extension, when one
	// is configured (heldstorage.go).
	heldStore *heldStorage

	// metrics keeps the readings of a metrics pipeline (metrics.go).
	metrics *metricEvidence

	// next receives released held spans; set when the traces processor is created.
	next consumer.Traces

	// mu guards cache, held and forgotten.
	mu    sync.Mutex
	cache *tracecache.Cache // nil when wait_duration is 0: per batch only
	held  *holdqueue.Queue
	// forgotten are the held spans of traces the cache forgot, to release,
	// by the reason they are released early; forgets counts the forgotten
	// traces by reason, for the telemetry.
	forgotten [forgetReasons][]*holdqueue.Held
	forgets   [forgetReasons]int64
	// maxHeldBytes is max_held_mib in bytes.
	maxHeldBytes int

	// scan is the first stage's buffer, reused between calls: unlike a
	// sync.Pool it survives garbage collections, so a healthy batch
	// allocates nothing; a concurrent call finds it taken and uses its own.
	scan atomic.Pointer[batchScan]
	// batchCaches are the caches of one batch each, for the per-batch mode.
	batchCaches sync.Pool

	heldGauge          atomic.Int64
	heldBytesGauge     atomic.Int64
	traceGauge         atomic.Int64
	evidenceBytesGauge atomic.Int64

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
		id:        set.ID,
		logger:    set.Logger,
		targets:   evidence.NewTargetSpec(cfg.StatusCodes, cfg.SpanKinds),
		redactor:  red,
		rules:     rules,
		names:     contract.NewNames(cfg.AttributePrefix),
		telemetry: tb,
		now:       time.Now,
		stop:      make(chan struct{}),
		done:      make(chan struct{}),

		maxHeldBytes: cfg.MaxHeldMiB << 20,
	}
	d.textMemo = memo.New(8, d.computeTexts).OwnKeys(ownKey)
	d.metrics = newMetricEvidence(cfg.Metrics, red, func() time.Time { return d.now() })
	d.registry = newRegistry(cfg.Registry, func() time.Time { return d.now() }, set.ID)
	d.batchCaches.New = func() any {
		c := tracecache.New(tracecache.Limits{})
		c.SetBatchOnly()
		return c
	}
	if cfg.WaitDuration > 0 {
		d.cache = tracecache.New(tracecache.Limits{
			MaxTraces:          cfg.MaxTraces,
			MaxNodesPerTrace:   maxNodesPerTrace,
			MaxNodes:           cfg.MaxTraces * nodesPerTrace,
			MaxEvidenceNodes:   maxEvidencePerTrace,
			MaxEvidencePerNode: maxEvidencePerNode,
			TTL:                cfg.EvidenceTTL,
			MaxBytes:           cfg.MaxEvidenceMiB << 20,
		})
		d.cache.OnForget(d.forgetHeld)
		d.held = holdqueue.New(holdqueue.Backoff{Step: max(cfg.WaitDuration/10, minTick), Max: maxRetryBackoff})
	}
	if err := errors.Join(d.registerGauges(tb), d.metrics.registerGauges(tb)); err != nil {
		return nil, err
	}
	return d, nil
}

func (d *diagnoser) start(ctx context.Context, host component.Host) error {
	var err error
	d.startOnce.Do(func() {
		if err = d.startRegistry(ctx, host); err != nil {
			close(d.done)
			return
		}
		if d.cache == nil {
			close(d.done)
			return
		}
		if d.cfg.Storage != nil {
			d.heldStore = openHeldStorage(ctx, host, *d.cfg.Storage, d.id, d.logger, d.telemetry)
			d.heldStore.restore(ctx, d.process, d.next)
			d.releaseDue(ctx) // those past their deadline, at once
		}
		go d.releaseLoop()
	})
	return err
}

// shutdown stops the release loop, then diagnoses and releases every held
// span before returning. Nothing is dropped; a delivery error is returned.
func (d *diagnoser) shutdown(ctx context.Context) error {
	var err error
	d.stopOnce.Do(func() {
		// Last: the held spans drained below are counted in the registry first.
		defer func() { err = errors.Join(err, d.stopRegistry(ctx)) }()
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
		rel := releaseLocked(nil, d.held.TakeAll(nil), reasonShutdown)
		// What is remembered is of no more use: the memory goes.
		d.cache = tracecache.New(tracecache.Limits{MaxTraces: 1, MaxNodesPerTrace: 1, MaxNodes: 1, MaxEvidenceNodes: 1, MaxEvidencePerNode: 1, TTL: time.Nanosecond})
		d.updateGaugesLocked()
		d.mu.Unlock()
		out := d.annotateReleased(context.Background(), rel)
		if failed, derr := d.deliverAtShutdown(ctx, out); derr != nil {
			err = fmt.Errorf("errordiagnosis: could not deliver %d held spans at shutdown: %w", failed, derr)
		}
		d.heldStore.close(ctx)
		// The gauges stay registered so that they report the drained state (0).
	})
	return err
}

func (d *diagnoser) processTraces(ctx context.Context, td ptrace.Traces) (ptrace.Traces, error) {
	return d.process(ctx, td, nil)
}

// process is processTraces, or holds again a span read back from storage (re).
func (d *diagnoser) process(ctx context.Context, td ptrace.Traces, re *restoring) (ptrace.Traces, error) {
	scan := d.scan.Swap(nil)
	if scan == nil {
		scan = &batchScan{marks: make([]batchMark, 0, 64), runs: make([]batchRun, 0, 256)}
	}
	defer func() { scan.reset(); d.scan.Store(scan) }()
	scan.scan(td, d.targets)
	d.observeVersions(td, scan.servers)
	// d.cache is read under mu only (shutdown replaces it); the config says
	// whether there is one.
	shared := d.cfg.WaitDuration > 0 && !d.closed.Load()
	if len(scan.marks) == 0 && (!shared || d.traceGauge.Load() == 0) {
		return td, nil
	}
	if !shared {
		scan.prepare(ctx, td, d.rules, evidence.Borrowed)
		d.diagnoseBatch(ctx, td, scan)
		return td, nil
	}
	scan.prepare(ctx, td, d.rules, evidence.Interned)
	return d.processShared(ctx, td, scan, re)
}

// diagnoseBatch is the per-batch mode (wait_duration 0, or after shutdown):
// a cache of its own holds just this batch.
func (d *diagnoser) diagnoseBatch(ctx context.Context, td ptrace.Traces, scan *batchScan) {
	if len(scan.marks) == 0 {
		return
	}
	c := d.batchCaches.Get().(*tracecache.Cache)
	defer func() {
		// Emptied now: a cache in the pool refers to nothing of the batch.
		c.Reset(tracecache.Limits{})
		d.batchCaches.Put(c)
	}()
	c.Reset(tracecache.Limits{
		MaxTraces:          len(scan.marks),
		MaxNodesPerTrace:   maxNodesPerTrace,
		MaxNodes:           max(td.SpanCount(), 1),
		MaxEvidenceNodes:   maxEvidencePerTrace,
		MaxEvidencePerNode: maxEvidencePerNode,
		TTL:                time.Hour,
	})
	rec := record(c, td, scan, time.Time{})
	a := d.newAnnotator()
	for _, bt := range rec.targets {
		res := diagnose(bt.trace, bt.node, bt.mark.status, maxCallChain)
		a.annotateCounted(ctx, resourceAt(td, bt.mark.spanPos), spanAt(td, bt.mark.spanPos), &res, "")
	}
}

// processShared is the cross-batch mode: the shared cache and the held
// spans, under the lock from recording to release; annotation and delivery
// after it.
func (d *diagnoser) processShared(ctx context.Context, td ptrace.Traces, scan *batchScan, re *restoring) (ptrace.Traces, error) {
	org := scan.origin(ctx)
	d.mu.Lock()
	if d.closed.Load() {
		// Shut down since processTraces looked: the held spans were drained
		// and nothing would release a span held now.
		d.mu.Unlock()
		d.diagnoseBatch(ctx, td, scan)
		return td, nil
	}
	now := d.now()
	rec := record(d.cache, td, scan, now)
	late := 0
	for _, t := range rec.late {
		if !d.held.Holds(t) {
			late++
		}
	}
	dec := decisionsPool.Get().(*decisions)
	defer func() { dec.reset(); decisionsPool.Put(dec) }()
	d.decide(dec, td, rec)
	rel := d.holdLocked(td, dec, now, org, re)
	dec.ready = rel // its buffer, grown, for the next batch
	d.updateGaugesLocked()
	d.mu.Unlock()

	// Stored before the batch is acknowledged: a crash after loses none.
	d.heldStore.write(context.WithoutCancel(ctx), dec.stored, heldEvidence(td, scan, dec.evidenced, len(dec.stored)))
	d.countLate(ctx, late)
	d.annotateFinal(ctx, td, dec.final)
	out := d.annotateReleased(ctx, rel)
	removeSpans(td, dec.taken)
	d.deliver(out)
	if len(dec.taken) > 0 && td.SpanCount() == 0 {
		return td, processorhelper.ErrSkipProcessingData
	}
	return td, nil
}
