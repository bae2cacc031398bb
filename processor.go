package errordiagnosisprocessor // import "github.com/errordiagnosis/errordiagnosisprocessor"

import (
	"context"
	"errors"
	"fmt"
	"sync"
	"time"

	"go.opentelemetry.io/collector/component"
	"go.opentelemetry.io/collector/pdata/ptrace"
	"go.opentelemetry.io/collector/processor"
	"go.opentelemetry.io/collector/processor/processorhelper"
	"go.uber.org/zap"

	"github.com/errordiagnosis/errordiagnosisprocessor/internal/engine"
	"github.com/errordiagnosis/errordiagnosisprocessor/internal/evidence"
	"github.com/errordiagnosis/errordiagnosisprocessor/internal/metadata"
)

// Lifecycle and wiring. A batch goes down the stages in this order: the
// engine scans it (without the lock), the registry learns its versions,
// the engine records, decides and holds (internal/engine), the writer
// annotates the diagnoses (annotate.go, after the lock), the deliverer
// sends the released spans (deliver.go). See docs/design.md §5.

// diagnoser is the processor. One instance serves the traces, logs and
// metrics pipelines of one component ID, so that exception log records
// feed the same evidence cache as the spans.
type diagnoser struct {
	cfg    *Config
	logger *zap.Logger
	// now is the clock of the engine, the registry and the readings.
	now    func() time.Time
	engine *engine.Engine
	// writer annotates the diagnoses (annotate.go); registry remembers the
	// error groups (registry.go); metrics keeps the readings (metrics.go).
	writer   *writer
	registry *registryKeeper
	metrics  *metricEvidence
	// heldStore keeps the held spans in the storage extension, when one
	// is configured (heldstorage.go); out delivers them (deliver.go).
	heldStore *heldStorage
	out       *deliverer
	counters  counters
	loops     loops
}

// loops are the goroutines of a started diagnoser: the tick loop that
// releases held spans when due, and the registry's.
type loops struct {
	startOnce, stopOnce sync.Once
	// stop ends both; done is closed when the tick loop ended.
	stop chan struct{}
	done chan struct{}
	// newTicker makes the tickers of both (ticker.go).
	newTicker func(time.Duration) ticker
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
		cfg:      cfg,
		logger:   set.Logger,
		now:      time.Now,
		counters: counters{tb},
		loops:    loops{stop: make(chan struct{}), done: make(chan struct{}), newTicker: newTicker},
	}
	clock := func() time.Time { return d.now() }
	d.engine = engine.New(engine.Config{
		WaitDuration:     cfg.WaitDuration,
		EvidenceTTL:      cfg.EvidenceTTL,
		MaxTraces:        cfg.MaxTraces,
		MaxHeldSpans:     cfg.MaxHeldSpans,
		MaxHeldBytes:     cfg.MaxHeldMiB << 20,
		MaxEvidenceBytes: cfg.MaxEvidenceMiB << 20,
		Targets:          evidence.NewTargetSpec(cfg.StatusCodes, cfg.SpanKinds),
		Rules:            rules,
		Now:              clock,
	})
	d.metrics = newMetricEvidence(cfg.Metrics, red, clock)
	d.registry = newRegistryKeeper(cfg, set.ID, clock, set.Logger, d.counters)
	d.heldStore = &heldStorage{logger: set.Logger, telemetry: tb}
	d.writer = newWriter(cfg, red, rules, d.metrics, d.registry.reg, d.counters, d.heldStore, set.Logger)
	d.out = &deliverer{engine: d.engine, store: d.heldStore, counters: d.counters, logger: set.Logger}
	if err := errors.Join(d.counters.registerGauges(d.engine, d.registry.reg), d.metrics.registerGauges(tb)); err != nil {
		return nil, err
	}
	return d, nil
}

func (d *diagnoser) start(ctx context.Context, host component.Host) error {
	var err error
	d.loops.startOnce.Do(func() {
		if err = d.registry.start(ctx, host, d.loops.stop, d.loops.newTicker); err != nil {
			close(d.loops.done)
			return
		}
		if !d.engine.Holds() {
			close(d.loops.done)
			return
		}
		if d.cfg.Storage != nil {
			if d.heldStore.open(ctx, host, *d.cfg.Storage, d.registry.id) {
				d.engine.StoreIn(d.heldStore.store)
			}
			d.heldStore.restore(ctx, d.process, d.out.next)
			d.releaseDue(ctx) // those past their deadline, at once
		}
		go d.tickLoop()
	})
	return err
}

// shutdown stops the tick loop, then diagnoses and delivers every held
// span before returning. Nothing is dropped; a delivery error is returned.
func (d *diagnoser) shutdown(ctx context.Context) error {
	var err error
	d.loops.stopOnce.Do(func() {
		// Last: the held spans drained below are counted in the registry first.
		defer func() { err = errors.Join(err, d.registry.stop(ctx)) }()
		d.engine.Close()
		close(d.loops.stop)
		d.loops.startOnce.Do(func() { close(d.loops.done) }) // never started
		// Drain even when ctx is done: once stopped, nothing else would
		// release the held spans. A loop still busy delivering is not
		// waited for; the drain below is serialised with it by the engine.
		select {
		case <-d.loops.done:
		default:
			select {
			case <-d.loops.done:
			case <-ctx.Done():
				err = ctx.Err()
			}
		}
		out := d.engine.Drain()
		if out == nil {
			return
		}
		dl := d.writer.annotateReleased(context.Background(), out.Released)
		d.engine.Recycle(nil, out)
		if failed, derr := d.out.deliverAtShutdown(ctx, dl); derr != nil {
			err = fmt.Errorf("errordiagnosis: could not deliver %d held spans at shutdown: %w", failed, derr)
		}
		d.heldStore.close(ctx)
		// The gauges stay registered so that they report the drained state (0).
	})
	return err
}

// tickLoop releases held spans whose wait is over and forgets expired
// traces, on every tick.
func (d *diagnoser) tickLoop() {
	defer close(d.loops.done)
	tick := d.loops.newTicker(d.engine.Tick())
	defer tick.Stop()
	for {
		select {
		case <-d.loops.stop:
			return
		case <-tick.C():
			d.releaseDue(context.Background())
		}
	}
}

// releaseDue delivers the held spans whose deadline has passed.
func (d *diagnoser) releaseDue(ctx context.Context) {
	out := d.engine.Due()
	if out == nil {
		return
	}
	d.counters.forgotten(out.Forgotten)
	dl := d.writer.annotateReleased(ctx, out.Released)
	d.engine.Recycle(nil, out)
	d.out.deliver(dl)
}

func (d *diagnoser) processTraces(ctx context.Context, td ptrace.Traces) (ptrace.Traces, error) {
	return d.process(ctx, td, nil)
}

// process is processTraces, or holds again a span read back from storage (re).
func (d *diagnoser) process(ctx context.Context, td ptrace.Traces, re *engine.Restoring) (ptrace.Traces, error) {
	scan := d.engine.Scan(td)
	d.registry.observeVersions(td, scan.Servers())
	out := d.engine.Apply(ctx, td, scan, re)
	defer d.engine.Recycle(scan, out)
	if out == nil {
		return td, nil
	}
	// Stored before the batch is acknowledged: a crash after loses none.
	d.heldStore.write(context.WithoutCancel(ctx), out.Stored, out.StoredEvidence(td, scan))
	d.counters.late(ctx, out.Late)
	d.counters.forgotten(out.Forgotten)
	d.writer.annotateFinal(ctx, td, out.Final)
	dl := d.writer.annotateReleased(ctx, out.Released)
	engine.RemoveSpans(td, out.Taken)
	d.out.deliver(dl)
	if len(out.Taken) > 0 && td.SpanCount() == 0 {
		return td, processorhelper.ErrSkipProcessingData
	}
	return td, nil
}
